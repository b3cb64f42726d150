"""Insurers (承办机构) and what each covers, for per-insurer accounts (独立核算, 麦积/安徽).

An insurer covers (insured region 医保区划, insurance type 险种) pairs; a pair is covered by one
insurer at most. A settlement belongs to the insurer covering its person's insuplc_admdvs and
insutype at adjudication (the person block stored with it); fund income to the insurer covering
its row's region and type. Pairs nobody covers stay in the fund's own account (NO_INSURER).
`central fund insurer add` again with the same code replaces that insurer's name and pairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..store import CentralStore, Insurer
from .common import FundInputError, insutype_name


def parse_cover(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"(\d{6}):(\d{3})", text.strip())
    if match is None:
        raise FundInputError(f"--cover {text}: expected REGION:INSUTYPE, a 6-digit region and a 3-digit "
                             "insurance type, e.g. 990100:390")
    return match.group(1), match.group(2)


def add_insurer(store: CentralStore, code: str, name: str, covers: Sequence[str], at: str) -> Insurer:
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise FundInputError(f"--code {code!r}: 1 to 32 letters, digits, '-' or '_'")
    if not name:
        raise FundInputError("--name: the insurer's name is empty")
    pairs = tuple(sorted({parse_cover(c) for c in covers}))
    with store.transaction():
        existing = store.list_insurers()
        for other in existing:
            if other.code == code:
                continue
            taken = sorted(set(pairs) & set(other.covers))
            if taken:
                shown = ", ".join(f"{a}:{t}" for a, t in taken)
                raise FundInputError(f"--cover {shown}: already covered by insurer {other.code}; redefine "
                                     f"{other.code} without it first")
        created = next((i.created_at for i in existing if i.code == code), at)
        insurer = Insurer(code=code, name=name, created_at=created, covers=pairs)
        store.put_insurer(insurer)
    return insurer


def insurer_dict(insurer: Insurer) -> dict[str, Any]:
    return {"code": insurer.code, "name": insurer.name, "created_at": insurer.created_at,
            "covers": [{"admdvs": a, "insutype": t, "insutype_name": insutype_name(t)} for a, t in insurer.covers]}
