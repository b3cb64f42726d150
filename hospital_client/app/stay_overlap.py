"""Overlapping stays of one person: a warning before a settlement, confirmed with a reason.

A stay has an admission number the desk can trust when HIS handed it over (its 住院号, and the
platform's mdtrt_id when given): one settlement in force per stay is then enforced on that key.
A stay typed at the window has a 住院号 too, but nobody checked it: a typo or a made-up number
is another key, and the same stay could be paid twice. So "no admission number" means a stay
typed by hand (not in the HIS hand-offs). When the stay about to be settled, or a settlement in
force of the same person whose dates overlap it, is such a stay, the clerk is warned and must
confirm with a reason; the confirmation is audited (``overlap_confirm``, the stay key, the local
ids and the reason; no name or ID number).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..store import LocalDatabase, audit, his, journal, operators
from .errors import OverlappingStay

__all__ = ["OverlappingStay", "confirm_overlap", "overlap_refusal", "overlapping_settlements"]


def overlap_refusal(stay_key: str, overlaps: list[dict[str, Any]]) -> OverlappingStay:
    """The refusal naming each overlapping settlement (local id, queue no., its stay, dates, time, clerk, total)."""
    named = "; ".join(
        f"settlement {o['local_id']} (queue no. {o['queue_no']}, stay {o['stay']}, {o['begntime']} to "
        f"{o['endtime']}, settled {str(o['at'])[:16].replace('T', ' ')} by {o['operator']}, total {o['total']})"
        for o in overlaps)
    return OverlappingStay(
        f"stay {stay_key} overlaps the same person's {named}; one of them was typed by hand (no admission number "
        "from HIS), so it may be the same stay settled twice: give --overlap-reason TEXT to settle it anyway "
        "(audited as overlap_confirm)", overlaps)


def _from_his(db: LocalDatabase, key: str) -> bool:
    try:
        return his.get_stay(db, key).stay_key == key
    except his.NotFound:
        return False


def overlapping_settlements(db: LocalDatabase, psn_no: str, begntime: dt.date, endtime: dt.date,
                            stay_key: str) -> list[dict[str, Any]]:
    """The person's settlements in force of another stay whose dates overlap this one, when this
    stay or that one was typed by hand; each as local id, queue no., stay key, dates, time, clerk (by name),
    total and cash. Empty when there is nothing to warn about."""
    typed = not _from_his(db, stay_key)
    names = operators.display_names(db)
    found = []
    for entry in journal.list_entries(db, psn_no=psn_no):
        if entry.kind != "settlement" or entry.reversed_by or entry.mdtrt_id == stay_key:
            continue
        full = journal.get_entry(db, entry.local_id)
        encounter = (full.request or {}).get("encounter", {})
        try:
            begin = dt.date.fromisoformat(str(encounter.get("begntime", ""))[:10])
            end = dt.date.fromisoformat(str(encounter.get("endtime", ""))[:10])
        except ValueError:
            continue
        if begin > endtime or end < begntime:
            continue
        if not typed and _from_his(db, entry.mdtrt_id):
            continue
        found.append({"local_id": entry.local_id, "queue_no": entry.queue_no, "stay": entry.mdtrt_id,
                      "begntime": begin.isoformat(), "endtime": end.isoformat(), "at": entry.created_at,
                      "operator": names.get(entry.operator, entry.operator),
                      "total": str(entry.amounts.get("medfee_sumamt", "")),
                      "cash": str(entry.amounts.get("psn_cash_pay", ""))})
    return found


def confirm_overlap(db: LocalDatabase, operator: str, stay_key: str, overlaps: list[int], reason: str) -> None:
    """The clerk settles despite the overlap: audited with the reason."""
    audit.append(db, "overlap_confirm", operator, f"stay:{stay_key}",
                 {"stay": stay_key, "overlaps": sorted(overlaps), "reason": reason.strip()})
