"""Insurers (承办机构) and what each covers, for per-insurer accounts (独立核算, 麦积/安徽).

An insurer covers (insured region 医保区划, insurance type 险种) pairs, each for a term (its
contract's: from a day to a day, both included, or open-ended); on any day a pair is covered by
one insurer at most, so a contract that changes hands mid-year is two covers that meet. A
settlement belongs to the insurer covering its person's insuplc_admdvs and insutype at
adjudication (the person block stored with it) on the settlement's day (setl_time), a reversal
to the insurer of the settlement it undoes, a true-up to the insurer covering the person's
roster region and type on the day applied (31 December of its year when applied later), fund
income to the insurer covering its row's region and type on its day. Pairs nobody covers stay
in the fund's own account (NO_INSURER). `central fund insurer add` again with the same code
replaces that insurer's name and covers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from ..store import OPEN_FROM, OPEN_TO, CentralStore, Insurer, InsurerCover
from .common import FundInputError, insutype_name


def _day(text: str) -> str | None:
    """None when empty (open), "" when not a day."""
    if text == "":
        return None
    try:
        return dt.date.fromisoformat(text).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""
    except ValueError:
        return ""


def parse_cover(text: str) -> InsurerCover:
    """REGION:INSUTYPE[:FROM[:TO]], e.g. 990100:390, 990100:390:2026-07-01, 990100:390::2026-06-30,
    990100:390:2026-01-01:2026-06-30 (days included; an empty or missing day is open)."""
    match = re.fullmatch(r"(\d{6}):(\d{3})(?::([^:]*))?(?::([^:]*))?", text.strip())
    if match is None:
        raise FundInputError(f"--cover {text}：应写作 REGION:INSUTYPE[:FROM[:TO]]，即 6 位医保区划、3 位险种，"
                             "可选承办的起止日期，例如 990100:390 或 990100:390:2026-01-01:2026-06-30")
    first, last = _day(match.group(3) or ""), _day(match.group(4) or "")
    if first == "" or last == "":
        raise FundInputError(f"--cover {text}：起止日期应写作 YYYY-MM-DD")
    cover = InsurerCover(match.group(1), match.group(2), first or OPEN_FROM, last or OPEN_TO)
    if cover.valid_from > cover.valid_to:
        raise FundInputError(f"--cover {text}：截止日期早于起始日期")
    return cover


def term_text(cover: InsurerCover) -> str:
    """REGION:INSUTYPE, with its term when it has one."""
    if (cover.valid_from, cover.valid_to) == (OPEN_FROM, OPEN_TO):
        return f"{cover.admdvs}:{cover.insutype}"
    first = "" if cover.valid_from == OPEN_FROM else cover.valid_from
    last = "" if cover.valid_to == OPEN_TO else cover.valid_to
    return f"{cover.admdvs}:{cover.insutype}:{first}:{last}"


def _overlap(a: InsurerCover, b: InsurerCover) -> bool:
    same_pair = (a.admdvs, a.insutype) == (b.admdvs, b.insutype)
    return same_pair and a.valid_from <= b.valid_to and b.valid_from <= a.valid_to


def add_insurer(store: CentralStore, code: str, name: str, covers: Sequence[str], at: str) -> Insurer:
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise FundInputError(f"--code {code!r}：应为 1～32 个字母、数字、'-' 或 '_'")
    if not name:
        raise FundInputError("--name：承办机构名称为空")
    terms = sorted({parse_cover(c) for c in covers}, key=lambda c: (c.admdvs, c.insutype, c.valid_from))
    for i, a in enumerate(terms):
        for b in terms[i + 1:]:
            if _overlap(a, b):
                raise FundInputError(f"--cover {term_text(a)} 与 --cover {term_text(b)}：承办期限重叠")
    with store.transaction():
        existing = store.list_insurers()
        for other in existing:
            if other.code == code:
                continue
            taken = [(a, b) for a in terms for b in other.covers if _overlap(a, b)]
            if taken:
                mine, theirs = taken[0]
                raise FundInputError(f"--cover {term_text(mine)}：已由承办机构 {other.code} 承办"
                                     f"（{term_text(theirs)}）；请先重新定义 {other.code}"
                                     "（去掉这一项，或让其期限先结束）")
        created = next((i.created_at for i in existing if i.code == code), at)
        insurer = Insurer(code=code, name=name, created_at=created, covers=tuple(terms))
        store.put_insurer(insurer)
    return insurer


def insurer_dict(insurer: Insurer) -> dict[str, Any]:
    return {"code": insurer.code, "name": insurer.name, "created_at": insurer.created_at,
            "covers": [{"admdvs": c.admdvs, "insutype": c.insutype, "insutype_name": insutype_name(c.insutype),
                        "valid_from": None if c.valid_from == OPEN_FROM else c.valid_from,
                        "valid_to": None if c.valid_to == OPEN_TO else c.valid_to, "text": term_text(c)}
                       for c in insurer.covers]}
