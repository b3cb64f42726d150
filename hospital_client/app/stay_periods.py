"""Which period of a stay settled in periods (中途结算) a settlement is, for the slip and the settle
page: "中途结算（第 n 段：起—止）".

A settlement is a period when its request closes one (``encounter.mid_setl_flag``: the stay goes
on) or continues one (``encounter.stay_before``: the stay's earlier periods; without the flag it
is the last period, settled at discharge). Its result's ``stay_after.periods`` numbers it. The
first period runs from admission (``begntime``); a later one from the day after the period before
it closed (``stay_before.endtime``; that day itself when both close on the same day), to this
settlement's ``endtime`` (rules/stay.py, docs/policy-packs.md 7.13).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..store import LocalDatabase, mid_stay

__all__ = ["StayPeriod", "period_to_settle", "slip_fields", "stay_period"]


@dataclass(frozen=True, slots=True)
class StayPeriod:
    number: int          # 第 n 段
    start: str           # yyyy-MM-dd
    end: str
    stay_goes_on: bool   # a mid-stay settlement (中途结算); False: the last period, at discharge

    def text_zh(self) -> str:
        """The slip's words: 中途结算（第 n 段：起—止） or 出院结算（第 n 段：起—止，分段结算的最后一段）."""
        if self.stay_goes_on:
            return f"中途结算（第 {self.number} 段：{self.start}—{self.end}）"
        return f"出院结算（第 {self.number} 段：{self.start}—{self.end}，分段结算的最后一段）"


def _day(value: object) -> str:
    return str(value or "")[:10]


def stay_period(request: Mapping[str, Any], result: Mapping[str, Any]) -> StayPeriod | None:
    """The period this settlement is of a stay settled in periods; None for a stay settled at once."""
    encounter = request.get("encounter") or {}
    if not isinstance(encounter, Mapping):
        return None
    mid = bool(encounter.get("mid_setl_flag"))
    before = encounter.get("stay_before")
    before = before if isinstance(before, Mapping) else None
    if not mid and before is None:
        return None
    after = result.get("stay_after")
    if isinstance(after, Mapping) and after.get("periods") is not None:
        number = int(after["periods"])
    else:
        number = int(before.get("periods", 1)) + 1 if before is not None else 1
    start, end = _day(encounter.get("begntime")), _day(encounter.get("endtime"))
    if before is not None and before.get("endtime"):
        closed = _day(before["endtime"])
        try:  # the day after the period before closed; that day itself when both closed the same day
            start = min((dt.date.fromisoformat(closed) + dt.timedelta(days=1)).isoformat(), end or closed)
        except ValueError:
            start = closed
    return StayPeriod(number, start, end, mid)


def slip_fields(request: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, str]:
    """The slip's ``period_text`` ("" for a stay settled at once)."""
    period = stay_period(request, result)
    return {"period_text": period.text_zh() if period is not None else ""}


def period_to_settle(db: LocalDatabase, request: Mapping[str, Any], result: Mapping[str, Any]) -> StayPeriod | None:
    """The period a settlement about to be made would be (a preview: its request as the clerk gave it,
    continuing the stay's open period in this desk's journal, as the settlement will)."""
    return stay_period(mid_stay.with_stay_before(db.conn, request), result)
