"""Year-to-date accumulators: roster figures as pulled plus the desk's own movements; forward with
each settlement, back with each reversal, every movement kept as a delta row."""

from __future__ import annotations

from decimal import Decimal

from store_helpers import new_settlement

from hospital_client import store
from hospital_client.rules import YTD_KEYS
from hospital_client.store.schema import ACCUMULATOR_KEYS


def test_keys_match_the_rules_core() -> None:
    assert tuple(YTD_KEYS) == ACCUMULATOR_KEYS


def test_roster_plus_local_movements(demo_db: store.LocalDatabase) -> None:
    new = new_settlement("A-1")
    psn_no = new.request["person"]["psn_no"]
    person = store.caches.get_person(demo_db, psn_no)
    assert person is not None and person.ytd_year is not None
    year = person.ytd_year
    before = store.accumulators.year_to_date(demo_db, psn_no, year)
    assert before is not None
    assert before["hifp_pay"] == Decimal(person.ytd["hifp_pay"])

    store.journal.record_settlement(demo_db, new)
    after = store.accumulators.year_to_date(demo_db, psn_no, year)
    assert after is not None
    delta = store.accumulators.delta_between(new.ytd_before, new.result["year_to_date_after"])
    for key in ACCUMULATOR_KEYS:
        assert after[key] == before[key] + delta[key]  # type: ignore[operator]
    assert after["admissions"] == before["admissions"] + 1

    store.journal.record_reversal(demo_db, 1, operator="super", reason="x")
    assert store.accumulators.year_to_date(demo_db, psn_no, year) == before
    deltas = demo_db.conn.execute("SELECT local_id, admissions, hifp_pay FROM accumulator_delta ORDER BY local_id")
    rows = deltas.fetchall()
    assert rows[0][1] == 1 and rows[1][1] == -1
    assert Decimal(rows[0][2]) == -Decimal(rows[1][2])


def test_another_year_starts_from_zero_roster_figures(demo_db: store.LocalDatabase) -> None:
    new = new_settlement("A-2")
    psn_no = new.request["person"]["psn_no"]
    person = store.caches.get_person(demo_db, psn_no)
    assert person is not None and person.ytd_year is not None
    other = store.accumulators.year_to_date(demo_db, psn_no, person.ytd_year - 1)
    assert other == store.accumulators.zero()


def test_unknown_person_has_no_year_to_date(demo_db: store.LocalDatabase) -> None:
    assert store.accumulators.year_to_date(demo_db, "NOBODY", 2026) is None


def test_totals_equal_the_sum_of_deltas(empty_db: store.LocalDatabase) -> None:
    for i in range(4):
        store.journal.record_settlement(empty_db, new_settlement(f"A-3-{i}"))
    store.journal.record_reversal(empty_db, 2, operator="super", reason="x")
    conn = empty_db.conn
    assert store.accumulators.stored_totals(conn) == store.accumulators.totals_from_deltas(conn)
    ((_key, totals),) = store.accumulators.stored_totals(conn).items()
    assert totals["admissions"] == 3
