"""What the fund statements share: periods, names, the insurer of a settlement, input errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ...errors import EXIT_BAD_INPUT, HospitalClientError
from ...rules.money import ZERO, round_fen
from ..store import OPEN_FROM, OPEN_TO, CentralStore, Insurer


class FundInputError(HospitalClientError):
    """A statement's input the operator must fix (a period, an amount, an insurer, a file line)."""

    exit_code = EXIT_BAD_INPUT


# The funds a settlement pays from: key -> (setlinfo field, Chinese name).
FUNDS: dict[str, tuple[str, str]] = {
    "pool": ("hifp_pay", "基本医疗保险统筹基金"),
    "hifmi": ("hifmi_pay", "大病保险"),
    "maf": ("maf_pay", "医疗救助"),
}
INSUTYPE_NAMES = {"310": "职工基本医疗保险", "390": "城乡居民基本医疗保险", "320": "公务员医疗补助",
                  "330": "大额医疗费用补助", "340": "离休人员医疗保障", "392": "城乡居民大病医疗保险"}
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}
NO_INSURER = ""  # entries of a region and insurance type no insurer covers: the fund's own account
NO_INSURER_NAME = "（未委托承办机构）"


def insutype_name(code: str) -> str:
    return f"{code} {INSUTYPE_NAMES[code]}" if code in INSUTYPE_NAMES else (code or "（未知）")


def level_name(level: int | None) -> str:
    return LEVEL_NAMES.get(level, "未定级") if level is not None else "—"


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # 2026-03, 2026Q1, 2026
    first_day: str
    last_day: str


def period_ended(period: Period) -> bool:
    """The period's last day is before today (China Standard Time): its figures can no longer change."""
    from ...protocol import CST

    return period.last_day < dt.datetime.now(CST).date().isoformat()


ONGOING_NOTE = "本期尚未结束：以上为截至编制时的数字，期末前仍会增加。"


def month_period(text: str) -> Period:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise FundInputError(f"--month {text}：月份应写作 YYYY-MM，例如 2026-03")
    year, month = int(match.group(1)), int(match.group(2))
    first = dt.date(year, month, 1)
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    return Period(text, first.isoformat(), last.isoformat())


def quarter_period(text: str) -> Period:
    match = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text or "")
    if match is None:
        raise FundInputError(f"--quarter {text}：季度应写作 YYYYQn（n 为 1～4），例如 2026Q1")
    year, quarter = int(match.group(1)), int(match.group(2))
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)
    return Period(f"{year}Q{quarter}", first.isoformat(), last.isoformat())


def check_year(year: int) -> int:
    if not 1990 <= year <= 2100:
        raise FundInputError(f"--year {year}：不是有效的保险年度（1990～2100）")
    return year


# The largest amount taken (under ten trillion yuan): the stores sum to the fen exactly up to there.
MAX_AMOUNT_DIGITS = 13


def parse_amount(text: str, what: str, *, positive: bool = False) -> Decimal:
    """Yuan with at most two decimals (12345.67); refuses exponents, NaN, more decimals and amounts
    of more than MAX_AMOUNT_DIGITS digits before the point."""
    cleaned = str(text).strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", cleaned):
        raise FundInputError(f"{what} {text!r}：不是金额（以元为单位，最多两位小数，如 12345.67）")
    if len(cleaned.lstrip("-").split(".")[0].lstrip("0")) > MAX_AMOUNT_DIGITS:
        raise FundInputError(f"{what} {text!r}：整数部分超过 {MAX_AMOUNT_DIGITS} 位，不是合理的金额（元）")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise FundInputError(f"{what} {text!r}：不是金额") from None
    if positive and value <= 0:
        raise FundInputError(f"{what} {text!r}：必须大于零")
    return value


def total(values: Iterable[Decimal]) -> Decimal:
    return round_fen(sum(values, ZERO))


class Insurers:
    """The insurers, their names and which of them cover something in a period. (What each figure
    belongs to is decided in the database, fund_queries.py: NO_INSURER when no insurer covers it.)"""

    def __init__(self, insurers: list[Insurer]) -> None:
        self.all = insurers
        self.names = {i.code: i.name for i in insurers}

    @classmethod
    def of(cls, store: CentralStore) -> Insurers:
        return cls(store.list_insurers())

    def name(self, code: str) -> str:
        return self.names.get(code, NO_INSURER_NAME) if code else NO_INSURER_NAME

    def covering(self, first_day: str = OPEN_FROM, last_day: str = OPEN_TO) -> list[Insurer]:
        """The insurers covering something on a day between first_day and last_day."""
        return [i for i in self.all if any(c.valid_from <= last_day and first_day <= c.valid_to for c in i.covers)]

    def check(self, code: str | None) -> str | None:
        """A --insurer value: None (no filter) or a known insurer's code."""
        if code is None:
            return None
        if code not in self.names:
            known = ", ".join(sorted(self.names)) or "尚无，请先用 `central fund insurer add` 添加"
            raise FundInputError(f"--insurer {code}：没有这个承办机构（已有：{known}）")
        return code
