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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..protocol import REVERSAL, SETTLEMENT, desk_sequence, make_msgid, msgid_site_code
from . import audit
from .connection import LocalDatabase, now, transaction
from .errors import NotFound, RecordError
from .numbering import desk_of
from .sqlite_errors import guarded

STATUSES = ("queued", "sent", "accepted", "adjusted", "rejected")
INFNO_SETTLEMENT, INFNO_REVERSAL = SETTLEMENT, REVERSAL

__all__ = [
    "PENDING",
    "STATUSES",
    "OutboxMessage",
    "Pending",
    "free_msgid",
    "get_message",
    "list_messages",
    "mark",
    "mark_many",
    "message_for",
    "msgid_for",
    "msgid_in_force",
    "older_pending",
    "pending",
    "pending_brief",
    "renew_msgid",
    "requeue",
    "status_counts",
]


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
    """The protocol's msgid for a journal entry: the sequence is its desk's digit and its local id
    modulo 500 (protocol.desk_sequence), so two desks of one hospital never make the same msgid."""
    return make_msgid(msgid_site_code(fixmedins_code), at, desk_sequence(desk_of(local_id), local_id))


def free_msgid(conn: sqlite3.Connection, fixmedins_code: str, at: dt.datetime, local_id: int) -> str:
    """``msgid_for``, or, when another entry has that msgid already (ids 500 apart in one second,
    an entry of a restored journal made in the same second as one numbered in a restore's range,
    or a msgid given up after a lost reply, 2601), the same a second later, and so on."""
    for shift in range(86400):
        msgid = msgid_for(fixmedins_code, at + dt.timedelta(seconds=shift), local_id)
        if conn.execute("SELECT 1 FROM outbox WHERE msgid = ?", (msgid,)).fetchone() is None:
            return msgid
    raise RecordError(f"no free msgid for journal entry {local_id}")  # pragma: no cover


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
def list_messages(db: LocalDatabase, *, status: str | None = None) -> list[OutboxMessage]:
    """Every message in FIFO order (by local sequence), optionally of one status."""
    if status is not None:
        rows = db.conn.execute(_SELECT + " WHERE o.status = ? ORDER BY o.local_id", (status,)).fetchall()
    else:
        rows = db.conn.execute(_SELECT + " ORDER BY o.local_id").fetchall()
    return [OutboxMessage(*row) for row in rows]


@guarded
def mark(db: LocalDatabase, outbox_id: int, status: str, detail: str = "", *, at: dt.datetime | None = None) -> None:
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


# --- the drain's view of the outbox ------------------------------------------------------------

PENDING = ("queued", "sent")  # still to be confirmed by the central system ('rejected' is parked)


@guarded
def pending(db: LocalDatabase, *, limit: int | None = None) -> list[OutboxMessage]:
    """Messages still to confirm (queued, or sent without an answer yet), FIFO by local sequence."""
    sql = _SELECT + " WHERE o.status IN ('queued', 'sent') ORDER BY o.local_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [OutboxMessage(*row) for row in db.conn.execute(sql).fetchall()]


@dataclass(frozen=True, slots=True)
class Pending:
    """What the drain needs of a message it is about to send (read quickly for large queues)."""

    id: int
    local_id: int
    status: str
    msgid: str


@guarded
def pending_brief(db: LocalDatabase) -> list[Pending]:
    """The messages still to confirm (queued or sent), FIFO by local sequence, outbox columns only."""
    rows = db.conn.execute("SELECT id, local_id, status, msgid FROM outbox WHERE status IN ('queued', 'sent') "
                           "ORDER BY local_id").fetchall()
    return [Pending(*row) for row in rows]


@guarded
def message_for(db: LocalDatabase, local_id: int) -> OutboxMessage | None:
    """The outbox message of a journal entry."""
    row = db.conn.execute(_SELECT + " WHERE o.local_id = ?", (local_id,)).fetchone()
    return None if row is None else OutboxMessage(*row)


@guarded
def get_message(db: LocalDatabase, outbox_id: int) -> OutboxMessage:
    row = db.conn.execute(_SELECT + " WHERE o.id = ?", (outbox_id,)).fetchone()
    if row is None:
        raise NotFound(f"no outbox message {outbox_id}")
    return OutboxMessage(*row)


@guarded
def older_pending(db: LocalDatabase, local_id: int) -> int:
    """How many messages before this journal entry still wait for the central system."""
    row = db.conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sent') AND local_id < ?", (local_id,)
    ).fetchone()
    return int(row[0])


@guarded
def status_counts(db: LocalDatabase) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in db.conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"):
        counts[str(status)] = int(count)
    return counts


def mark_many_in_transaction(conn: sqlite3.Connection, changes: Sequence[tuple[int, str, str]], stamp: str) -> None:
    """Status changes (outbox id, status, detail) and their events; the caller holds the transaction."""
    for _, status, _ in changes:
        if status not in STATUSES:
            raise ValueError(f"unknown outbox status {status!r}")
    conn.executemany(
        "UPDATE outbox SET status = ?, attempts = attempts + ?, "
        "last_error = CASE WHEN ? = 'rejected' THEN ? ELSE '' END, updated_at = ? WHERE id = ?",
        [(status, 1 if status == "sent" else 0, status, detail, stamp, outbox_id)
         for outbox_id, status, detail in changes],
    )
    conn.executemany(
        "INSERT INTO outbox_event (outbox_id, status, at, detail) VALUES (?, ?, ?, ?)",
        [(outbox_id, status, stamp, detail) for outbox_id, status, detail in changes],
    )


@guarded
def mark_many(db: LocalDatabase, changes: Sequence[tuple[int, str, str]], *, at: dt.datetime | None = None) -> None:
    """Several status changes in ONE transaction (a whole batch marked sent, or its refusals)."""
    if not changes:
        return
    with transaction(db):
        mark_many_in_transaction(db.conn, changes, (at or now()).isoformat())


@guarded
def requeue(db: LocalDatabase, outbox_id: int, *, operator: str, at: dt.datetime | None = None) -> OutboxMessage:
    """Put a parked (rejected) message back in the queue, e.g. after its cause was fixed (audited)."""
    when = at or now()
    with transaction(db):
        message = get_message(db, outbox_id)
        if message.status != "rejected":
            raise RecordError(f"outbox message {outbox_id} is {message.status}, not rejected: nothing to retry")
        mark_many_in_transaction(db.conn, [(outbox_id, "queued", f"retry by {operator}")], when.isoformat())
        audit.append_in_transaction(db.conn, "sync", operator, f"outbox:{outbox_id}",
                                    {"retry": message.local_id, "was": message.last_error[:200]}, when)
    return get_message(db, outbox_id)


# --- a new msgid after a lost reply (2601) ------------------------------------------------------

_RENEWED = "new msgid "


@guarded
def msgid_in_force(db: LocalDatabase, message: OutboxMessage) -> str:
    """The msgid the message is sent with now: its own, or the newest one given after the central
    system fenced the earlier one (2601, see ``renew_msgid``)."""
    row = db.conn.execute("SELECT detail FROM outbox_event WHERE outbox_id = ? AND detail LIKE ? "
                          "ORDER BY id DESC LIMIT 1", (message.id, _RENEWED + "%")).fetchone()
    return message.msgid if row is None else str(row[0])[len(_RENEWED):].split(" ", 1)[0]


@guarded
def renew_msgid(db: LocalDatabase, message: OutboxMessage, why: str, *, at: dt.datetime | None = None) -> str:
    """Give a message a new msgid after the central system fenced its msgid (2601 answered that the
    message was never processed, and never will be): the message is sent again with it. The outbox
    row keeps its first msgid (the slip's settlement number); the new one is an outbox event."""
    when = at or now()
    with transaction(db):
        fixmedins = db.conn.execute("SELECT fixmedins_code FROM settlement WHERE local_id = ?",
                                    (message.local_id,)).fetchone()
        used = {message.msgid, msgid_in_force(db, message)}
        for shift in range(1, 86400):
            msgid = free_msgid(db.conn, str(fixmedins[0] if fixmedins else ""), when + dt.timedelta(seconds=shift - 1),
                               message.local_id)
            if msgid not in used:
                break
        db.conn.execute("INSERT INTO outbox_event (outbox_id, status, at, detail) VALUES (?, ?, ?, ?)",
                        (message.id, "sent", when.isoformat(), f"{_RENEWED}{msgid} ({why})"[:500]))
    return msgid
