"""The journal under the audit chain: each settlement's and reversal's content (header, fee lines,
result, accumulator change) is hashed into its audit entry when it is written, and
``check_database`` (``audit verify``) recomputes it and names the first entry that differs and
the part. The tampering is what someone with the desk's key would do: drop the append-only
trigger, UPDATE, put the trigger back."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlite_utils import Database
from store_helpers import new_settlement

from hospital_client import store
from hospital_client.store import audit, content, schema
from hospital_client.store.schema import MIGRATION_NAMES, SETLINFO_COLUMNS, migrations
from hospital_client.store.sql import append_only_triggers


def _tamper(conn: sqlite3.Connection, table: str, sql: str, params: tuple[object, ...] = ()) -> None:
    """UPDATE or DELETE past the append-only triggers, and put them back as they were."""
    conn.execute(f"DROP TRIGGER {table}_no_update")
    conn.execute(f"DROP TRIGGER {table}_no_delete")
    conn.execute(sql, params)
    conn.executescript(append_only_triggers(table))


def _history(db: store.LocalDatabase) -> None:
    store.journal.record_settlement(db, new_settlement("JC-1"))
    store.journal.record_settlement(db, new_settlement("JC-2", "req_dibao_large.json"))
    store.journal.record_settlement(db, new_settlement("JC-3"))
    store.journal.record_reversal(db, 3, operator="super", reason="wrong ward")


def test_every_entry_records_its_content_and_verifies(empty_db: store.LocalDatabase) -> None:
    _history(empty_db)
    report = store.check.check_database(empty_db)
    assert report.ok, report.problems
    assert report.content_checked == 4 and report.content_not_covered == []
    for entry in audit.entries(empty_db):
        if entry.action in ("settle", "reverse"):
            recorded = entry.detail["content"]
            local_id = int(entry.subject.split(":")[1])
            assert recorded == content.of_stored_entry(empty_db.conn, local_id)
            assert set(recorded) == {"v", "header", "result", "lines", "line_cols", "line_crc", "delta"}


def test_the_digest_layout_names_every_column_but_the_result(empty_db: store.LocalDatabase) -> None:
    columns = [r[1] for r in empty_db.conn.execute("PRAGMA table_info(settlement)")]
    assert list(content.HEADER_FIELDS) == [c for c in columns if c != "result_json"]
    assert list(content.LINE_FIELDS) == [r[1] for r in empty_db.conn.execute("PRAGMA table_info(fee_line)")]
    assert list(content.DELTA_FIELDS) == [r[1] for r in empty_db.conn.execute("PRAGMA table_info(accumulator_delta)")]
    assert set(SETLINFO_COLUMNS) < set(content.HEADER_FIELDS)


def test_a_fee_line_with_overrides_verifies(empty_db: store.LocalDatabase) -> None:
    new = new_settlement("JC-OV")
    new.request["fees"][0]["chrgitm_lv"] = "02"
    new.request["fees"][0]["selfpay_prop"] = "0.10"
    committed = store.journal.record_settlement(empty_db, new)
    lines = store.journal.fee_lines(empty_db, committed.local_id)
    assert lines[0]["req_chrgitm_lv"] == "02"
    assert store.check.check_database(empty_db).ok


def test_a_changed_amount_is_named_with_its_entry(empty_db: store.LocalDatabase) -> None:
    _history(empty_db)
    _tamper(empty_db.conn, "settlement", "UPDATE settlement SET medfee_sumamt = '6000.01' WHERE local_id = 2")
    report = store.check.check_database(empty_db)
    assert not report.ok
    assert report.first_altered == 2
    assert any("journal entry 2 " in p and "header" in p for p in report.problems), report.problems
    assert report.audit_first_broken is None  # the chain itself is intact: only the journal changed


def test_a_changed_fee_line_is_named_by_its_position(empty_db: store.LocalDatabase) -> None:
    _history(empty_db)
    lines = store.journal.fee_lines(empty_db, 2)
    assert len(lines) > 3
    _tamper(empty_db.conn, "fee_line",
            "UPDATE fee_line SET det_item_fee_sumamt = '0.01' WHERE local_id = 2 AND seq = 3")
    report = content.verify(empty_db.conn)
    assert report.first_altered == 2 and report.part == "line 3"
    assert f"fee line 3 (feedetl_sn {lines[2]['feedetl_sn']}) differs (det_item_fee_sumamt)" in report.problem


def test_a_removed_fee_line_is_named(empty_db: store.LocalDatabase) -> None:
    _history(empty_db)
    n = len(store.journal.fee_lines(empty_db, 2))
    _tamper(empty_db.conn, "fee_line", "DELETE FROM fee_line WHERE local_id = 2 AND seq = ?", (n,))
    report = content.verify(empty_db.conn)
    assert report.first_altered == 2 and report.part == "lines"
    assert f"it has {n - 1} fee line(s) but {n} were recorded" in report.problem


@pytest.mark.parametrize("table, sql, part", [
    ("settlement", "UPDATE settlement SET result_json = replace(result_json, '\"hifp_pay\":\"', "
                   "'\"hifp_pay\":\"1') WHERE local_id = 1", "result"),
    ("accumulator_delta", "UPDATE accumulator_delta SET hifp_pay = '0.00' WHERE local_id = 1", "delta"),
    ("settlement", "UPDATE settlement SET psn_cash_pay = '0.00' WHERE local_id = 4", "header"),
    ("settlement", "UPDATE settlement SET request_json = replace(request_json, 'wrong ward', 'other') "
                   "WHERE local_id = 4", "header"),
])
def test_each_part_is_named(empty_db: store.LocalDatabase, table: str, sql: str, part: str) -> None:
    _history(empty_db)
    _tamper(empty_db.conn, table, sql)
    report = content.verify(empty_db.conn)
    assert not report.intact and report.part == part, report.problem


def test_the_first_altered_entry_is_named(empty_db: store.LocalDatabase) -> None:
    _history(empty_db)
    _tamper(empty_db.conn, "settlement", "UPDATE settlement SET hifp_pay = '1.00' WHERE local_id IN (2, 3)")
    assert content.verify(empty_db.conn).first_altered == 2


def test_rewriting_the_audit_entry_too_breaks_the_chain(empty_db: store.LocalDatabase) -> None:
    """Recording new digests for an edited entry means rewriting its audit entry: the chain shows it."""
    _history(empty_db)
    _tamper(empty_db.conn, "settlement", "UPDATE settlement SET medfee_sumamt = '1.00' WHERE local_id = 1")
    entry = next(e for e in audit.entries(empty_db) if e.subject == "settlement:1")
    detail = dict(entry.detail, content=content.of_stored_entry(empty_db.conn, 1))
    _tamper(empty_db.conn, "audit", "UPDATE audit SET detail = ? WHERE seq = ?",
            (audit.canonical(detail), entry.seq))
    report = store.check.check_database(empty_db)
    assert report.first_altered is None and report.audit_first_broken == entry.seq


def test_day_end_sums_refuse_an_altered_day(empty_db: store.LocalDatabase) -> None:
    _history(empty_db)
    day = store.journal.get_entry(empty_db, 1).business_day
    content.require_intact(empty_db, day, day)
    _tamper(empty_db.conn, "settlement", "UPDATE settlement SET medfee_sumamt = '6000.01' WHERE local_id = 1")
    with pytest.raises(store.JournalAltered) as caught:
        content.require_intact(empty_db, day, day)
    assert caught.value.local_id == 1 and "journal entry 1 " in str(caught.value)
    content.require_intact(empty_db, "2000-01-01", "2000-01-31")  # other days are not affected


def _strip_content(conn: sqlite3.Connection) -> None:
    """Make the log look as an older version wrote it: no content, the chain recomputed."""
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    prev = audit.GENESIS
    for seq, at, operator, action, subject, detail in conn.execute(
            "SELECT seq, at, operator, action, subject, detail FROM audit ORDER BY seq").fetchall():
        data = json.loads(detail)
        data.pop("content", None)
        text = audit.canonical(data)
        digest = audit.entry_hash(prev, seq, at, operator, action, subject, text)
        conn.execute("UPDATE audit SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?", (text, prev, digest, seq))
        prev = digest
    conn.executescript(append_only_triggers("audit"))


def test_the_upgrade_seals_the_entries_written_before(empty_db: store.LocalDatabase) -> None:
    """The migration's step run on a log as an older version left it (entries without content).
    (The step runs here on a current database: the journal code needs the later tables.)"""
    db = empty_db
    store.journal.record_settlement(db, new_settlement("OLD-1"))
    store.journal.record_settlement(db, new_settlement("OLD-2"))
    store.journal.record_reversal(db, 1, operator="super", reason="x")
    _strip_content(db.conn)
    assert content.verify(db.conn).not_covered == [1, 2, 3]
    assert "m004_journal_content" in MIGRATION_NAMES
    version = store.schema_version(db)
    with store.transaction(db):
        schema.m004_journal_content(Database(db.conn, execute_plugins=False))
        db.conn.execute(f"PRAGMA user_version = {version}")

    report = store.check.check_database(db)
    assert report.ok and report.content_checked == 3 and report.content_not_covered == []
    seals = [e for e in audit.entries(db) if e.action == "seal"]
    assert [e.subject for e in seals] == ["settlement:1", "settlement:2", "settlement:3", "journal"]
    assert seals[-1].detail["entries"] == 3
    _tamper(db.conn, "fee_line", "UPDATE fee_line SET cnt = '99' WHERE local_id = 2 AND seq = 1")
    assert content.verify(db.conn).part == "line 1"


def test_a_new_database_has_nothing_to_seal(empty_db: store.LocalDatabase) -> None:
    assert [e.action for e in audit.entries(empty_db) if e.action == "seal"] == []
    applied = [m.name for m in migrations().applied(Database(empty_db.conn, execute_plugins=False))]
    assert "m004_journal_content" in applied


def test_an_entry_without_recorded_content_is_counted_as_not_covered(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("NC-1"))
    _strip_content(empty_db.conn)
    report = store.check.check_database(empty_db)
    assert report.ok and report.content_checked == 0 and report.content_not_covered == [1]


def test_a_line_whose_values_hold_the_separator_is_still_located(empty_db: store.LocalDatabase) -> None:
    new = new_settlement("JC-SEP")
    for fee in new.request["fees"]:
        fee["name"] = "a\x00b"
    committed = store.journal.record_settlement(empty_db, new)
    recorded = next(e for e in audit.entries(empty_db) if e.subject == f"settlement:{committed.local_id}")
    assert len(recorded.detail["content"]["line_crc"]) == 4 * len(new.request["fees"])
    _tamper(empty_db.conn, "fee_line", "UPDATE fee_line SET name = 'x' WHERE local_id = ? AND seq = 1",
            (committed.local_id,))
    assert content.verify(empty_db.conn).part == "line 1"
