"""Inpatient messages that waited for the link (a 出院办理 2402 made offline, stay_queue.py) and that
the central system then refused: kept for the clerk until dismissed, in the sync bookkeeping
(``sync_state``) under ``stay_refused:`` keys, oldest first. They hold the stay's key (mdtrt_id),
the transaction, the central system's code and sentence, never a name or an ID number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .connection import LocalDatabase, now, transaction
from .sqlite_errors import guarded

__all__ = ["RefusedStayMessage", "dismiss", "record", "refused"]

_PREFIX = "stay_refused:"


@dataclass(frozen=True, slots=True)
class RefusedStayMessage:
    msgid: str
    infno: str
    mdtrt_id: str
    infcode: int
    err_msg: str  # the central system's own sentence (Chinese)
    queued_at: str
    refused_at: str


@guarded
def record(db: LocalDatabase, message: RefusedStayMessage) -> None:
    value = json.dumps({"infno": message.infno, "mdtrt_id": message.mdtrt_id, "infcode": message.infcode,
                        "err_msg": message.err_msg, "queued_at": message.queued_at,
                        "refused_at": message.refused_at}, ensure_ascii=False, separators=(",", ":"))
    with transaction(db):
        db.conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        (_PREFIX + message.msgid, value, now().isoformat()))


@guarded
def refused(db: LocalDatabase) -> list[RefusedStayMessage]:
    """The refused messages not yet dismissed, oldest first."""
    rows = db.conn.execute("SELECT key, value FROM sync_state WHERE key LIKE ? ORDER BY updated_at, key",
                           (_PREFIX + "%",)).fetchall()
    out = []
    for key, value in rows:
        data = json.loads(value)
        out.append(RefusedStayMessage(str(key)[len(_PREFIX):], str(data["infno"]), str(data["mdtrt_id"]),
                                      int(data["infcode"]), str(data["err_msg"]), str(data.get("queued_at") or ""),
                                      str(data.get("refused_at") or "")))
    return out


@guarded
def dismiss(db: LocalDatabase, msgid: str) -> bool:
    """The clerk has dealt with it: no longer listed. False when it was not (or no longer) listed."""
    with transaction(db):
        cursor = db.conn.execute("DELETE FROM sync_state WHERE key = ?", (_PREFIX + msgid,))
    return bool(cursor.rowcount)
