"""The outbox: written with its settlement, FIFO, each status change a visible event; the
message itself (local_id, transaction number, msgid) never changes."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from store_helpers import new_settlement

from hospital_client import store


def test_message_per_entry_in_fifo_order(empty_db: store.LocalDatabase) -> None:
    for i in range(3):
        store.journal.record_settlement(empty_db, new_settlement(f"O-{i}"))
    store.journal.record_reversal(empty_db, 2, operator="super", reason="x")
    messages = store.outbox.list_messages(empty_db)
    assert [(m.local_id, m.infno, m.status) for m in messages] == [
        (1, "2304", "queued"), (2, "2304", "queued"), (3, "2304", "queued"), (4, "2305", "queued")]
    assert len({m.msgid for m in messages}) == 4
    assert all(len(m.msgid) == 12 + 14 + 4 for m in messages)


def test_msgid_format() -> None:
    at = dt.datetime(2026, 11, 20, 9, 5, 7)
    assert store.outbox.msgid_for("H99010000001", at, 12345) == "H99010000001" + "20261120090507" + "1345"
    # desk 2 numbers from 2 x 10^12: its sequence starts with 2, never desk 1's
    desk2 = 2 * store.numbering.DESK_SPAN + 12345
    assert store.outbox.msgid_for("H99010000001", at, desk2) == "H99010000001" + "20261120090507" + "2345"


def test_status_changes_are_events_and_touch_no_money(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("O-9"))
    settlement_before = empty_db.conn.execute("SELECT * FROM settlement").fetchall()
    (message,) = store.outbox.list_messages(empty_db)
    store.outbox.mark(empty_db, message.id, "sent")
    store.outbox.mark(empty_db, message.id, "sent")
    store.outbox.mark(empty_db, message.id, "rejected", "1102 person not insured")
    (after,) = store.outbox.list_messages(empty_db)
    assert (after.status, after.attempts, after.last_error, after.msgid) == (
        "rejected", 2, "1102 person not insured", message.msgid)
    events = empty_db.conn.execute("SELECT status FROM outbox_event ORDER BY id").fetchall()
    assert [e[0] for e in events] == ["queued", "sent", "sent", "rejected"]
    assert empty_db.conn.execute("SELECT * FROM settlement").fetchall() == settlement_before
    assert [m.local_id for m in store.outbox.list_messages(empty_db, status="rejected")] == [1]
    with pytest.raises(ValueError):
        store.outbox.mark(empty_db, message.id, "lost")
    with pytest.raises(store.NotFound):
        store.outbox.mark(empty_db, 999, "sent")


def test_the_message_itself_is_fixed(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("O-10"))
    for sql in ("UPDATE outbox SET local_id = 2", "UPDATE outbox SET infno = '2305'", "DELETE FROM outbox",
                "UPDATE outbox_event SET status = 'accepted'"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            empty_db.conn.execute(sql)
