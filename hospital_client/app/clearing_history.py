"""The hospital's clearing applications of past months as the central system holds them (3205A):
each with its state, applied (standing), withdrawn (3204) or approved by the fund administrator.

The answer is kept in the desk's database (the sync bookkeeping, ``clearing_applications``) so
that the 清算 tab and `hospital-client clearing list` still show the months after a restart and
while the central system cannot be reached, saying when they were last read. Applications carry
no personal data. No SQL and no Qt here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..protocol import CST, codes
from ..store import LocalDatabase, caches
from ..sync.client import CentralClient
from ..sync.errors import CentralRefused, SyncError

__all__ = ["CACHE_KEY", "MONTHS", "ClearingHistory", "applications", "cached"]

log = logging.getLogger(__name__)

CACHE_KEY = "clearing_applications"
CACHE_AT_KEY = "clearing_applications_at"
MONTHS = 12  # the months asked for, ending with the current one


@dataclass(frozen=True, slots=True)
class ClearingHistory:
    """The applications (newest month first), when they were read from the central system ("" never)
    and why they are not fresh ("" when they are: the central system answered just now)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    fetched_at: str = ""
    problem: str = ""

    @property
    def fresh(self) -> bool:
        return not self.problem

    def to_dict(self) -> dict[str, Any]:
        return {"fetched_at": self.fetched_at, "central": self.problem or "ok", "applications": self.rows}


def _months(today: dt.date, count: int) -> tuple[str, str]:
    index = today.year * 12 + today.month - 1 - (count - 1)
    return f"{index // 12:04d}{index % 12 + 1:02d}", today.strftime("%Y%m")


def cached(db: LocalDatabase, problem: str = "") -> ClearingHistory:
    """What was last read (empty when never), with ``problem`` saying why it is not fresh."""
    state = caches.sync_state(db)
    try:
        rows = json.loads(state.get(CACHE_KEY, "[]"))
    except ValueError:
        rows = []
    rows = [dict(r) for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
    return ClearingHistory(rows, state.get(CACHE_AT_KEY, ""), problem or "never read from the central system")


def applications(db: LocalDatabase, client: CentralClient | None, *, today: dt.date | None = None) -> ClearingHistory:
    """The applications of the last months from the central system (kept for later), or, when it
    cannot be asked, the ones kept with the reason."""
    if client is None:
        return cached(db, "no central system configured")
    begin, end = _months(today or dt.datetime.now(CST).date(), MONTHS)
    try:
        answer = client.call(codes.CLEARING_STATUS_QUERY, {"data": {"begn_ym": begin, "end_ym": end}})
    except CentralRefused:
        raise
    except SyncError as exc:
        log.info("clearing applications: central system not reached, showing the kept ones")
        return cached(db, str(exc))
    out = answer.output if isinstance(answer.output, Mapping) else {}
    rows = [dict(r) for r in out.get("data") or [] if isinstance(r, Mapping)]
    rows.sort(key=lambda r: (str(r.get("clr_ym", "")), str(r.get("applied_at", ""))), reverse=True)
    stamp = dt.datetime.now(CST).strftime("%Y-%m-%d %H:%M:%S")
    caches.set_sync_state(db, {CACHE_KEY: json.dumps(rows, ensure_ascii=False, separators=(",", ":")),
                               CACHE_AT_KEY: stamp})
    return ClearingHistory(rows, stamp, "")
