"""Inpatient messages waiting for the link (出院办理 2402 made while the central system could not be
reached), kept in the sync bookkeeping (``sync_state``) under ``stay_message:`` keys, oldest first.

Each keeps the msgid it was first tried with: sent again later under the same msgid, the central
system answers a message it did get once (its stored answer) and processes one it never got.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .connection import LocalDatabase, now, transaction
from .sqlite_errors import guarded

__all__ = ["QueuedStayMessage", "forget", "put", "queued"]

_PREFIX = "stay_message:"


@dataclass(frozen=True, slots=True)
class QueuedStayMessage:
    msgid: str
    infno: str
    input: dict[str, Any]
    operator: str
    queued_at: str


@guarded
def put(db: LocalDatabase, message: QueuedStayMessage) -> None:
    value = json.dumps({"infno": message.infno, "input": message.input, "operator": message.operator,
                        "queued_at": message.queued_at}, ensure_ascii=False, separators=(",", ":"))
    with transaction(db):
        db.conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (key) DO NOTHING", (_PREFIX + message.msgid, value, now().isoformat()))


@guarded
def queued(db: LocalDatabase) -> list[QueuedStayMessage]:
    """The messages waiting, oldest first."""
    rows = db.conn.execute("SELECT key, value FROM sync_state WHERE key LIKE ? ORDER BY updated_at, key",
                           (_PREFIX + "%",)).fetchall()
    out = []
    for key, value in rows:
        data: Mapping[str, Any] = json.loads(value)
        out.append(QueuedStayMessage(str(key)[len(_PREFIX):], str(data["infno"]), dict(data["input"]),
                                     str(data.get("operator") or ""), str(data.get("queued_at") or "")))
    return out


@guarded
def forget(db: LocalDatabase, msgid: str) -> None:
    """The message was answered (done or refused): no longer waiting."""
    with transaction(db):
        db.conn.execute("DELETE FROM sync_state WHERE key = ?", (_PREFIX + msgid,))
