"""Local ids and queue numbers never repeat after a restore from a backup: the restore raises the
generation, and until the desk has caught up with the central system new ids come from the
generation's own range; afterwards they follow on above the central high-water mark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from store_helpers import new_settlement

from hospital_client import protocol as p
from hospital_client import store
from hospital_client.store import numbering

SPAN = numbering.GENERATION_SPAN


def _settle(path: Path, mdtrt_id: str) -> store.Committed:
    db = store.open_database(path)
    try:
        return store.journal.record_settlement(db, new_settlement(mdtrt_id))
    finally:
        db.close()


def _state(path: Path) -> numbering.RestoreState:
    db = store.open_database(path)
    try:
        return numbering.restore_state(db)
    finally:
        db.close()


def test_a_restore_numbers_in_a_new_range_until_reconciled(demo_path: Path, tmp_path: Path) -> None:
    assert _settle(demo_path, "N-1").local_id == 1
    db = store.open_database(demo_path)
    backup = store.backup.backup(db, tmp_path / "b.db", operator="it")
    db.close()
    assert [_settle(demo_path, f"N-{n}").local_id for n in (2, 3)] == [2, 3]  # lost by the restore

    store.backup.restore(backup.path, demo_path, operator="it")
    assert _state(demo_path) == numbering.RestoreState(1, True, 1, 1)
    first = _settle(demo_path, "N-4")
    assert first.local_id == SPAN + 1 and first.queue_no.endswith("-1-000001")
    assert first.msgid.endswith("1001")  # the msgid's sequence: desk 1, the id modulo 500

    db = store.open_database(demo_path)
    try:
        done = numbering.mark_reconciled(db, 3)
        assert (done.pending, done.floor) == (False, 4)
        audit = [e for e in store.audit.entries(db) if e.action == "restore"]
        assert audit[-1].detail["generation"] == 1
    finally:
        db.close()
    assert _settle(demo_path, "N-5").local_id == SPAN + 2  # on above everything known


def test_online_right_after_a_restore_numbers_follow_the_high_water_mark(demo_path: Path, tmp_path: Path) -> None:
    db = store.open_database(demo_path)
    backup = store.backup.backup(db, tmp_path / "b.db", operator="it")
    db.close()
    store.backup.restore(backup.path, demo_path, operator="it")
    db = store.open_database(demo_path)
    try:
        numbering.mark_reconciled(db, 41)
    finally:
        db.close()
    committed = _settle(demo_path, "H-1")
    assert committed.local_id == 42 and committed.queue_no.endswith("-000042")


def test_each_restore_takes_a_new_generation(demo_path: Path, tmp_path: Path) -> None:
    db = store.open_database(demo_path)
    backup = store.backup.backup(db, tmp_path / "b.db", operator="it")
    db.close()
    store.backup.restore(backup.path, demo_path, operator="it")
    assert _settle(demo_path, "G-1").local_id == SPAN + 1
    # The same backup again: above the generation of the database it replaces, not the backup's.
    store.backup.restore(backup.path, demo_path, operator="it")
    assert _state(demo_path).generation == 2
    assert _settle(demo_path, "G-2").local_id == 2 * SPAN + 1


def test_a_msgid_taken_in_the_same_second_is_not_used_again(demo_path: Path, tmp_path: Path) -> None:
    """The msgid's sequence is the desk's digit and the id modulo 500: an entry numbered in a restore's
    range in the same second as an entry of the restored journal with the same sequence gets the
    next second."""
    at = dt.datetime(2026, 3, 10, 10, 0, 0, tzinfo=p.CST)
    db = store.open_database(demo_path)
    first = store.journal.record_settlement(db, new_settlement("M-1"), at=at)
    backup = store.backup.backup(db, tmp_path / "b.db", operator="it")
    db.close()
    store.backup.restore(backup.path, demo_path, operator="it")
    db = store.open_database(demo_path)
    try:
        second = store.journal.record_settlement(db, new_settlement("M-2"), at=at)
    finally:
        db.close()
    assert (first.local_id, second.local_id) == (1, SPAN + 1)
    assert first.msgid.endswith("202603101000001001") and second.msgid.endswith("202603101000011001")
