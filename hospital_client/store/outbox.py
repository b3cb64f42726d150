"""The outbox: one message per journal entry, written in the settlement's own transaction.

A message names its journal entry (``local_id``), the transaction number (2304 settlement,
2305 reversal) and its ``msgid`` — the idempotency key of the protocol, fixed when the entry is
written so every retry carries the same one. The message body is built from the journal
entry at send time, so the outbox never holds a second copy of any amount. Only the status
columns change (queued -> sent -> accepted / adjusted / rejected); each change also appends an
``outbox_event`` row, so the history stays visible.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from .db import guarded, now, transaction
from .errors import NotFound

STATUSES = ("queued", "sent", "accepted", "adjusted", "rejected")
INFNO_SETTLEMENT, INFNO_REVERSAL = "2304", "2305"

__all__ = ["STATUSES", "OutboxMessage", "list_messages", "mark", "msgid_for"]


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    local_id: int
    queue_no: str
    kind: str
    infno: str
    msgid: str
    status: str
    attempts: int
    last_error: str
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def msgid_for(fixmedins_code: str, at: dt.datetime, local_id: int) -> str:
    """fixmedins_code(12) + yyyyMMddHHmmss + sequence(4), as DESIGN.md 4.4 specifies."""
    code = (fixmedins_code or "")[:12].ljust(12, "0")
    return f"{code}{at.strftime('%Y%m%d%H%M%S')}{local_id % 10000:04d}"


def enqueue_in_transaction(
    conn: sqlite3.Connection, local_id: int, infno: str, msgid: str, stamp: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO outbox (local_id, infno, msgid, status, attempts, last_error, created_at, updated_at) "
        "VALUES (?, ?, ?, 'queued', 0, '', ?, ?)",
        (local_id, infno, msgid, stamp, stamp),
    )
    outbox_id = int(cursor.lastrowid or 0)
    conn.execute(
        "INSERT INTO outbox_event (outbox_id, status, at, detail) VALUES (?, 'queued', ?, '')", (outbox_id, stamp)
    )
    return outbox_id


_SELECT = (
    "SELECT o.id, o.local_id, s.queue_no, s.kind, o.infno, o.msgid, o.status, o.attempts, o.last_error, "
    "o.created_at, o.updated_at FROM outbox o JOIN settlement s ON s.local_id = o.local_id"
)


@guarded
def list_messages(db: Database, *, status: str | None = None) -> list[OutboxMessage]:
    """Every message in FIFO order (by local sequence), optionally of one status."""
    if status is not None:
        rows = db.conn.execute(_SELECT + " WHERE o.status = ? ORDER BY o.local_id", (status,)).fetchall()
    else:
        rows = db.conn.execute(_SELECT + " ORDER BY o.local_id").fetchall()
    return [OutboxMessage(*row) for row in rows]


@guarded
def mark(db: Database, outbox_id: int, status: str, detail: str = "", *, at: dt.datetime | None = None) -> None:
    """Record a status change (and, for 'sent', one more attempt). Money is never touched."""
    if status not in STATUSES:
        raise ValueError(f"unknown outbox status {status!r}")
    stamp = (at or now()).isoformat()
    with transaction(db):
        attempts = 1 if status == "sent" else 0
        cursor = db.conn.execute(
            "UPDATE outbox SET status = ?, attempts = attempts + ?, last_error = ?, updated_at = ? WHERE id = ?",
            (status, attempts, detail if status == "rejected" else "", stamp, outbox_id),
        )
        if cursor.rowcount != 1:
            raise NotFound(f"no outbox message {outbox_id}")
        db.conn.execute(
            "INSERT INTO outbox_event (outbox_id, status, at, detail) VALUES (?, ?, ?, ?)",
            (outbox_id, status, stamp, detail),
        )
