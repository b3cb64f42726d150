"""The pack-declared year-to-date keys (``accumulator_key_delta``) are part of an entry's recorded
content: changing, adding or removing one behind the program's back (append-only trigger dropped,
row changed, trigger put back) is found by ``check_database`` (``audit verify``) and named; an
entry that moved no such key records exactly the content it always did, so entries written before
the keys existed still verify."""

from __future__ import annotations

import sqlite3

from store_helpers import new_settlement

from hospital_client import store
from hospital_client.store import audit, content
from hospital_client.store.sql import append_only_triggers

CORE_PARTS = {"v", "header", "result", "lines", "line_cols", "line_crc", "delta"}


def _tamper(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> None:
    table = "accumulator_key_delta"
    conn.execute(f"DROP TRIGGER {table}_no_update")
    conn.execute(f"DROP TRIGGER {table}_no_delete")
    conn.execute(sql, params)
    conn.executescript(append_only_triggers(table))


def _with_hifob(db: store.LocalDatabase) -> int:
    """Entry 1 without pack keys, entry 2 moving hifob_base 500.00 and hifob_pay 250.00, entry 3 its reversal."""
    store.journal.record_settlement(db, new_settlement("PK-1"))
    new = new_settlement("PK-2")
    new.ytd_before.update({"hifob_pay": "100.00"})
    new.result["year_to_date_after"].update({"hifob_base": "500.00", "hifob_pay": "350.00"})
    committed = store.journal.record_settlement(db, new)
    store.journal.record_reversal(db, committed.local_id, operator="super", reason="wrong ward")
    return committed.local_id


def _recorded(db: store.LocalDatabase) -> dict[int, dict[str, object]]:
    return {int(e.subject.split(":")[1]): e.detail["content"] for e in audit.entries(db)
            if e.action in ("settle", "reverse")}


def test_pack_keys_are_recorded_only_for_entries_that_moved_them(empty_db: store.LocalDatabase) -> None:
    _with_hifob(empty_db)
    recorded = _recorded(empty_db)
    assert set(recorded[1]) == CORE_PARTS  # as before the keys existed
    assert set(recorded[2]) == set(recorded[3]) == CORE_PARTS | {"keys"}
    for local_id, digests in recorded.items():
        assert digests == content.of_stored_entry(empty_db.conn, local_id)
    report = store.check.check_database(empty_db)
    assert report.ok, report.problems
    assert report.content_checked == 3


def test_a_changed_pack_key_amount_is_found_and_named(empty_db: store.LocalDatabase) -> None:
    local_id = _with_hifob(empty_db)
    _tamper(empty_db.conn, "UPDATE accumulator_key_delta SET amount = '2500.00' "
                           "WHERE local_id = ? AND key = 'hifob_pay'", (local_id,))
    report = store.check.check_database(empty_db)
    assert not report.ok and report.first_altered == local_id
    assert any(f"journal entry {local_id} " in p and "pack-declared year-to-date keys differs" in p
               for p in report.problems), report.problems
    assert report.audit_first_broken is None


def test_a_removed_pack_key_row_is_found(empty_db: store.LocalDatabase) -> None:
    local_id = _with_hifob(empty_db)
    _tamper(empty_db.conn, "DELETE FROM accumulator_key_delta WHERE local_id = ?", (local_id,))
    report = content.verify(empty_db.conn)
    assert report.first_altered == local_id and report.part == "keys"
    assert "is missing" in report.problem


def test_a_pack_key_row_added_to_an_entry_without_any_is_found(empty_db: store.LocalDatabase) -> None:
    _with_hifob(empty_db)
    _tamper(empty_db.conn,
            "INSERT INTO accumulator_key_delta (local_id, key, amount) VALUES (1, 'hifob_pay', '-900.00')")
    report = content.verify(empty_db.conn)
    assert report.first_altered == 1 and report.part == "keys"
    assert "not recorded" in report.problem
