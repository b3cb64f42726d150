"""A stay settled in periods (中途结算) in the desk's journal.

A settlement whose request has ``encounter.mid_setl_flag`` closes a period of a stay that goes on;
its stored result keeps ``stay_after`` (what the stay came to so far). The stay (its mdtrt_id, the
住院号 when HIS gave no mdtrt_id) then has an *open period*: the next settlement of the same stay
continues it, with that ``stay_after`` as ``encounter.stay_before`` (``with_stay_before`` puts it
in a request that has none). The journal's one-settlement-in-force-per-stay rule lets exactly that
next period through (``continues``); anything else is still a second settlement. Periods are
reversed latest first (``require_latest_period``).
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import QT_TRANSLATE_NOOP
from .errors import RecordError

__all__ = ["LaterPeriodInForce", "OpenPeriod", "continues", "next_period_handed_over", "open_period",
           "require_latest_period", "with_stay_before"]


class LaterPeriodInForce(RecordError):
    """An earlier period of a stay settled in periods, reversed while a later period is in force."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This settlement is one period of a stay settled in periods (mid-stay settlement) and a later period is in force: reverse the later period first.")  # noqa: E501


@dataclass(frozen=True, slots=True)
class OpenPeriod:
    """The latest settlement in force of a stay, a mid-stay period: the next one continues it."""

    local_id: int
    stay_after: dict[str, Any]


def _in_force(conn: sqlite3.Connection, mdtrt_id: str) -> list[tuple[int, str, str]]:
    """The stay's settlements in force (not reversed, not recorded against another site's), newest first."""
    rows = conn.execute(
        "SELECT s.local_id, s.request_json, s.result_json FROM settlement s WHERE s.mdtrt_id = ? "
        "AND s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses_local_id = s.local_id) "
        "ORDER BY s.local_id DESC", (mdtrt_id,)).fetchall()
    try:
        elsewhere = {int(r[0]) for r in conn.execute(
            "SELECT local_id FROM already_settled WHERE local_id IN (SELECT local_id FROM settlement "
            "WHERE mdtrt_id = ?)", (mdtrt_id,))}
    except sqlite3.OperationalError:  # a database before the already_settled table
        elsewhere = set()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows if int(r[0]) not in elsewhere]


def open_period(conn: sqlite3.Connection, mdtrt_id: str) -> OpenPeriod | None:
    """The stay's open period: its latest settlement in force when that one was a mid-stay settlement."""
    if not mdtrt_id:
        return None
    found = _in_force(conn, mdtrt_id)
    if not found:
        return None
    local_id, request_json, result_json = found[0]
    encounter = json.loads(request_json).get("encounter") or {}
    after = json.loads(result_json).get("stay_after")
    if not encounter.get("mid_setl_flag") or not isinstance(after, dict):
        return None
    return OpenPeriod(local_id, dict(after))


def continues(conn: sqlite3.Connection, mdtrt_id: str, request: Mapping[str, Any]) -> bool:
    """Whether ``request`` is the next period of the stay's open period (its stay_before names it)."""
    period = open_period(conn, mdtrt_id)
    before = (request.get("encounter") or {}).get("stay_before")
    if period is None or not isinstance(before, Mapping):
        return False
    return (str(before.get("endtime")) == str(period.stay_after.get("endtime"))
            and str(before.get("periods", 1)) == str(period.stay_after.get("periods")))


def with_stay_before(conn: sqlite3.Connection, request: Mapping[str, Any]) -> Mapping[str, Any]:
    """The request continuing the stay's open period (its stay_after as ``encounter.stay_before``);
    the request as it is when it has a stay_before already or the stay has no open period."""
    encounter = request.get("encounter")
    if not isinstance(encounter, Mapping) or encounter.get("stay_before") is not None:
        return request
    period = open_period(conn, str(encounter.get("mdtrt_id") or ""))
    if period is None:
        return request
    out = dict(request)
    out["encounter"] = {**copy.deepcopy(dict(encounter)), "stay_before": period.stay_after}
    return out


def next_period_handed_over(conn: sqlite3.Connection, stay_key: str, imported_at: str) -> bool:
    """Whether a HIS hand-off imported at ``imported_at`` is the next period of the stay's open period
    (handed over after that period was settled)."""
    period = open_period(conn, stay_key)
    if period is None:
        return False
    row = conn.execute("SELECT created_at FROM settlement WHERE local_id = ?", (period.local_id,)).fetchone()
    return row is not None and str(row[0]) < imported_at


def require_latest_period(conn: sqlite3.Connection, local_id: int, mdtrt_id: str) -> None:
    """Refuse reversing a settlement while a later settlement of the same stay is in force (a later period)."""
    later = [n for n, _, _ in _in_force(conn, mdtrt_id) if n > local_id] if mdtrt_id else []
    if later:
        raise LaterPeriodInForce(f"settlement {local_id} is a period of stay {mdtrt_id} settled in periods; "
                                 f"the later period {later[-1]} is in force: reverse it first")
