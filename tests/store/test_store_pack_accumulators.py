"""The year-to-date keys a policy pack declares beyond the rules core's (hifob_base, hifob_pay ...):
each entry's change of them is kept beside its core change, a reversal takes it back, and an
entry the central system refused as already settled no longer counts."""

from __future__ import annotations

from decimal import Decimal

from store_helpers import new_settlement

from hospital_client import store
from hospital_client.store.already_settled import AlreadySettled, record_already_settled

D = Decimal


def with_hifob(mdtrt_id: str, before: dict[str, str], after: dict[str, str]) -> store.NewSettlement:
    """A demo settlement whose year-to-date also carries the 大额 keys, from ``before`` to ``after``."""
    new = new_settlement(mdtrt_id)
    new.ytd_before.update(before)
    new.result["year_to_date_after"].update(after)
    return new


def test_pack_keys_move_with_each_entry_and_back_with_its_reversal(demo_db: store.LocalDatabase) -> None:
    first = with_hifob("K-1", {"hifob_pay": "100.00"}, {"hifob_base": "500.00", "hifob_pay": "350.00"})
    psn_no, year = first.request["person"]["psn_no"], int(first.request["encounter"]["endtime"][:4])
    assert store.accumulators.pack_key_totals(demo_db, psn_no, year) == {}
    committed = store.journal.record_settlement(demo_db, first)
    # The change is what ``after`` gives less ``before``: base 500.00 (none before), paid 250.00.
    moved = store.accumulators.read_delta(demo_db.conn, committed.local_id)
    assert moved is not None and (moved[2]["hifob_base"], moved[2]["hifob_pay"]) == (D("500.00"), D("250.00"))
    assert store.accumulators.pack_key_totals(demo_db, psn_no, year) == {
        "hifob_base": D("500.00"), "hifob_pay": D("250.00")}
    # A key the result does not give was not moved (an outpatient visit under the same pack).
    assert "cvlserv_pay" not in moved[2]

    store.journal.record_reversal(demo_db, committed.local_id, operator="super", reason="x")
    assert store.accumulators.pack_key_totals(demo_db, psn_no, year) == {
        "hifob_base": D("0.00"), "hifob_pay": D("0.00")}
    rows = demo_db.conn.execute("SELECT local_id, key, amount FROM accumulator_key_delta ORDER BY local_id, key")
    assert rows.fetchall() == [(1, "hifob_base", "500.00"), (1, "hifob_pay", "250.00"),
                               (2, "hifob_base", "-500.00"), (2, "hifob_pay", "-250.00")]
    assert store.check.check_database(demo_db).ok


def test_an_entry_refused_as_already_settled_no_longer_counts(demo_db: store.LocalDatabase) -> None:
    first = with_hifob("K-2", {}, {"hifob_base": "800.00", "hifob_pay": "720.00"})
    psn_no, year = first.request["person"]["psn_no"], int(first.request["encounter"]["endtime"][:4])
    kept = store.journal.record_settlement(demo_db, first)
    refused = store.journal.record_settlement(
        demo_db, with_hifob("K-3", {"hifob_base": "800.00", "hifob_pay": "720.00"},
                            {"hifob_base": "1000.00", "hifob_pay": "900.00"}))
    assert store.accumulators.pack_key_totals(demo_db, psn_no, year)["hifob_pay"] == D("900.00")
    in_force = {"setl_id": "S-1", "site": "H99010000001", "local_id": None, "psn_no": psn_no, "mdtrt_id": "K-3",
                "setl_time": "2026-11-20 10:00:00"}
    assert record_already_settled(demo_db, [AlreadySettled(refused.local_id, in_force, "already settled")]) == \
        [refused.local_id]
    assert store.accumulators.pack_key_totals(demo_db, psn_no, year) == {
        "hifob_base": D("800.00"), "hifob_pay": D("720.00")}
    assert kept.local_id != refused.local_id
    assert store.check.check_database(demo_db).ok
