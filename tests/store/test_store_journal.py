"""The append-only journal: one transaction per settlement, exact request and result, reversals
as their own negated entries, refused twice, never an UPDATE of an amount."""

from __future__ import annotations

import sqlite3

import pytest
from store_helpers import computed, load_request, new_settlement

from hospital_client import store
from hospital_client.rules import SETLINFO_KEYS, result_json
from hospital_client.store.schema import SETLINFO_COLUMNS


def _counts(db: store.LocalDatabase) -> dict[str, int]:
    return {t: db.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("settlement", "fee_line", "settlement_state", "accumulator_delta", "accumulator", "outbox",
                      "outbox_event", "audit")}


def test_settlement_writes_every_part_once(empty_db: store.LocalDatabase) -> None:
    new = new_settlement("J-1")
    committed = store.journal.record_settlement(empty_db, new)
    assert committed.local_id == 1 and committed.state == "provisional" and committed.kind == "settlement"
    assert committed.queue_no.endswith("-000001")
    counts = _counts(empty_db)
    assert counts == {"settlement": 1, "fee_line": len(new.request["fees"]), "settlement_state": 1,
                      "accumulator_delta": 1, "accumulator": 1, "outbox": 1, "outbox_event": 1, "audit": 1}
    entry = store.journal.get_entry(empty_db, 1)
    assert entry.certno_masked == "9901**********" + new.request["person"]["certno"][-4:]
    assert entry.psn_name_masked.startswith(new.request["person"]["psn_name"][0])
    assert entry.amounts["psn_cash_pay"] == store.money.to_decimal(new.result["setlinfo"]["psn_cash_pay"])


def test_request_and_result_come_back_exactly(empty_db: store.LocalDatabase) -> None:
    request, result, ytd, sha = computed(load_request("req_refund_lines.json"))
    store.journal.record_settlement(empty_db, store.NewSettlement(request, result, ytd, "request", sha, "demo"))
    entry = store.journal.get_entry(empty_db, 1)
    assert result["review"]["id"] == "demo-review" and result["violations"]  # the audit's findings travel too
    assert entry.result == result
    assert result_json(entry.result) == result_json(result)  # the canonical bytes the central system compares
    assert entry.request is not None
    assert entry.request["person"] == request["person"]
    assert entry.request["encounter"] == request["encounter"]
    assert len(entry.request["fees"]) == len(request["fees"])
    for stored, original in zip(entry.request["fees"], request["fees"], strict=True):
        assert {k: str(v) for k, v in original.items()} == stored


def test_money_is_two_decimal_text(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("J-2"))
    store.journal.record_reversal(empty_db, 1, operator="super", reason="test")
    assert set(SETLINFO_COLUMNS) == set(SETLINFO_KEYS)
    for column in SETLINFO_COLUMNS:
        rows = empty_db.conn.execute(f"SELECT typeof({column}), {column} FROM settlement").fetchall()
        for kind, value in rows:
            assert kind == "text"
            assert value.lstrip("-").count(".") == 1 and len(value.split(".")[1]) == 2 and value != "-0.00"
    kinds = {r[0] for r in empty_db.conn.execute(
        "SELECT typeof(det_item_fee_sumamt) FROM fee_line UNION SELECT typeof(hifp_pay) FROM accumulator")}
    assert kinds == {"text"}


@pytest.mark.parametrize("sql", [
    "UPDATE settlement SET psn_cash_pay = '0.00' WHERE local_id = 1",
    "DELETE FROM settlement WHERE local_id = 1",
    "UPDATE fee_line SET det_item_fee_sumamt = '0.00'",
    "DELETE FROM fee_line",
    "UPDATE accumulator_delta SET hifp_pay = '0.00'",
    "UPDATE settlement_state SET state = 'final'",
    "DELETE FROM audit",
    "UPDATE outbox SET msgid = 'x'",
    "DELETE FROM outbox",
    "DELETE FROM accumulator",
])
def test_append_only_rows_refuse_change(empty_db: store.LocalDatabase, sql: str) -> None:
    store.journal.record_settlement(empty_db, new_settlement("J-3"))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        empty_db.conn.execute(sql)
    with pytest.raises(store.AppendOnlyViolation), store.guard(empty_db.path):
        empty_db.conn.execute(sql)


def test_reversal_is_its_own_negated_entry(empty_db: store.LocalDatabase) -> None:
    new = new_settlement("J-4")
    store.journal.record_settlement(empty_db, new)
    rev = store.journal.record_reversal(empty_db, 1, operator="super", reason="wrong patient")
    assert (rev.local_id, rev.kind, rev.reverses_local_id) == (2, "reversal", 1)
    original = store.journal.get_entry(empty_db, 1, full=False)
    reversal = store.journal.get_entry(empty_db, 2, full=False)
    assert original.reversed_by == 2 and reversal.reverses_local_id == 1
    for key, value in original.amounts.items():
        assert reversal.amounts[key] == -value
    assert reversal.reason == "wrong patient" and reversal.operator == "super"
    assert reversal.mdtrt_id == original.mdtrt_id and reversal.line_count == 0
    # The original is untouched.
    assert original.amounts["medfee_sumamt"] == store.money.to_decimal(new.result["setlinfo"]["medfee_sumamt"])
    outbox = store.outbox.list_messages(empty_db)
    assert [(m.local_id, m.infno) for m in outbox] == [(1, "2304"), (2, "2305")]


def test_reversal_refused_twice_and_of_a_reversal(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("J-5"))
    store.journal.record_reversal(empty_db, 1, operator="super", reason="x")
    before = _counts(empty_db)
    with pytest.raises(store.AlreadyReversed, match="already reversed by entry 2"):
        store.journal.record_reversal(empty_db, 1, operator="super", reason="again")
    with pytest.raises(store.NotReversible):
        store.journal.record_reversal(empty_db, 2, operator="super", reason="undo the undo")
    with pytest.raises(store.NotFound):
        store.journal.record_reversal(empty_db, 99, operator="super", reason="none")
    assert _counts(empty_db) == before
    # The database itself refuses a second reversal, whatever the code above it does.
    with pytest.raises(sqlite3.IntegrityError):
        empty_db.conn.execute(
            "INSERT INTO settlement SELECT 3, 'q3', kind, reverses_local_id, psn_no, certno_masked, psn_name_masked, "
            "insutype, insuplc_admdvs, mdtrt_id, med_type, fixmedins_code, setl_year, setl_date, pack_id, "
            "pack_version, pack_sha256, catalog_sha256, ytd_source, line_count, "
            + ", ".join(SETLINFO_COLUMNS)
            + ", request_json, result_json, reason, operator, created_at, business_day "
            "FROM settlement WHERE local_id = 2"
        )


def test_same_encounter_twice_is_refused_until_reversed(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("J-6"))
    with pytest.raises(store.DuplicateSettlement, match="reverse it first"):
        store.journal.record_settlement(empty_db, new_settlement("J-6"))
    store.journal.record_reversal(empty_db, 1, operator="super", reason="wrong bill")
    corrected = store.journal.record_settlement(empty_db, new_settlement("J-6"))
    assert corrected.local_id == 3


def test_a_failure_inside_the_transaction_leaves_nothing(empty_db: store.LocalDatabase) -> None:
    new = new_settlement("J-7")
    broken = store.NewSettlement(new.request, {**new.result, "fees": new.result["fees"][:-1]}, new.ytd_before,
                                 "request", new.catalog_sha256, "demo")
    with pytest.raises(ValueError):
        store.journal.record_settlement(empty_db, broken)
    assert set(_counts(empty_db).values()) == {0}
    store.journal.record_settlement(empty_db, new)
    assert _counts(empty_db)["settlement"] == 1


def test_state_changes_are_rows_that_never_touch_money(empty_db: store.LocalDatabase) -> None:
    store.journal.record_settlement(empty_db, new_settlement("J-8"))
    before = empty_db.conn.execute("SELECT * FROM settlement").fetchall()
    store.reconcile.mark_final(empty_db, 1, "2304 accepted")
    assert store.journal.get_entry(empty_db, 1, full=False).state == "final"
    assert empty_db.conn.execute("SELECT state FROM settlement_state ORDER BY id").fetchall() == [
        ("provisional",), ("final",)]
    assert empty_db.conn.execute("SELECT * FROM settlement").fetchall() == before


def test_list_filters(empty_db: store.LocalDatabase) -> None:
    for i in range(3):
        store.journal.record_settlement(empty_db, new_settlement(f"L-{i}", operator=f"op{i % 2}"))
    assert [e.local_id for e in store.journal.list_entries(empty_db)] == [1, 2, 3]
    assert [e.local_id for e in store.journal.list_entries(empty_db, operator="op1")] == [2]
    today = store.now().date().isoformat()
    assert len(store.journal.list_entries(empty_db, day_from=today, day_to=today)) == 3
    assert store.journal.list_entries(empty_db, day_from="2000-01-01", day_to="2000-01-02") == []
