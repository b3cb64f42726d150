"""check_database: SQLite's integrity_check plus the journal's own invariants."""

from __future__ import annotations

from store_helpers import new_settlement

from hospital_client import store


def test_clean_database_passes(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("K-1"))
    store.journal.record_reversal(empty_db, 1, operator="super", reason="x")
    report = store.check.check_database(empty_db)
    assert report.ok and report.settlements == 2 and report.audit_entries == 2


def test_half_written_entries_are_found(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("K-2"))
    conn = empty_db.conn
    conn.execute("DROP TRIGGER fee_line_no_delete")
    conn.execute("DELETE FROM fee_line WHERE seq = 1")
    report = store.check.check_database(empty_db)
    assert "journal entry 1: fee lines missing" in report.problems


def test_orphans_and_wrong_totals_are_found(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("K-3"))
    conn = empty_db.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO settlement_state (local_id, state, at) VALUES (77, 'provisional', 'now')")
    conn.execute("UPDATE accumulator SET hifp_pay = '1.00'")
    report = store.check.check_database(empty_db)
    assert any("state rows without their journal entry" in p for p in report.problems)
    assert any("accumulator total" in p for p in report.problems)
