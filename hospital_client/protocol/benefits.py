"""A person's benefit periods (待遇享受): when the funds do not pay for them, and why. The same
structure travels in a roster entry (``benefit``, 9502 and the demo roster) and in the answer of
2001 人员待遇享受检查 (``benefit_periods``); both sides decide with ``blocking_period``.

A period is ``{"state", "begndate", "enddate", "reason"}``: ``state`` one of ``STATES``, the dates
``yyyy-MM-dd`` (``enddate`` "" while open), ``reason`` the insurance office's words. A stay is
refused when any of its days falls inside a period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["STATES", "STATE_NAMES", "BenefitPeriod", "blocking_period", "parse_periods"]

# suspended 暂停 (e.g. contributions not received), waiting 未生效 (待遇等待期 of a new or
# returning insured), interrupted 中断 (contributions broken off; benefits resume after arrears)
STATES = ("suspended", "waiting", "interrupted")
STATE_NAMES = {"suspended": "待遇暂停", "waiting": "待遇未生效（等待期）", "interrupted": "待遇中断"}


@dataclass(frozen=True, slots=True)
class BenefitPeriod:
    state: str
    begndate: str
    enddate: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, str]:
        return {"state": self.state, "begndate": self.begndate, "enddate": self.enddate, "reason": self.reason}

    def covers(self, first: dt.date, last: dt.date) -> bool:
        """Any day of first..last inside the period."""
        begin = dt.date.fromisoformat(self.begndate)
        end = dt.date.fromisoformat(self.enddate) if self.enddate else dt.date.max
        return first <= end and last >= begin

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)


def parse_periods(raw: Any, where: str = "benefit") -> list[BenefitPeriod]:
    """The periods of a roster entry's ``benefit`` (None or [] for none). ValueError names the field."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"{where}: must be a list of periods")
    periods = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise ValueError(f"{where}[{i}]: must be an object")
        state = str(item.get("state") or "")
        if state not in STATES:
            raise ValueError(f"{where}[{i}].state: {state!r} is not one of {', '.join(STATES)}")
        begndate, enddate = str(item.get("begndate") or ""), str(item.get("enddate") or "")
        try:
            dt.date.fromisoformat(begndate)
            if enddate:
                dt.date.fromisoformat(enddate)
        except ValueError:
            raise ValueError(f"{where}[{i}]: begndate/enddate must be yyyy-MM-dd") from None
        if enddate and enddate < begndate:
            raise ValueError(f"{where}[{i}]: enddate is before begndate")
        periods.append(BenefitPeriod(state, begndate, enddate, str(item.get("reason") or "")[:200]))
    return periods


def blocking_period(periods: Iterable[BenefitPeriod], first: dt.date, last: dt.date) -> BenefitPeriod | None:
    """The first period (by begndate) that covers a day of first..last, or None: benefits are enjoyed."""
    for period in sorted(periods, key=lambda p: p.begndate):
        if period.covers(first, last):
            return period
    return None
