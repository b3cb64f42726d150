"""The fund statements sum in the database (fund_queries.py), not row by row in Python: on each
store, 2,000 copies of a settlement are added to the seeded year (fund_seed.py) with plain SQL,
and the quarterly publication and the premium settlement move by exactly 2,000 times its
figures, to the fen, while the store hands the statements a few grouped rows only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from central_helpers import SITE_B
from central_stores import STORES
from fund_seed import SMALL_BILL_PERSON, SeededYear, seeded

from hospital_client.central.fund_reports.common import month_period, quarter_period
from hospital_client.central.fund_reports.monthly import monthly_statements
from hospital_client.central.fund_reports.premium import premium_settlement
from hospital_client.central.fund_reports.quarterly import quarterly_publication
from hospital_client.central.open_store import open_store
from hospital_client.central.store import CentralStore

COPIES = 2000


@pytest.fixture(scope="module", params=STORES)
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededYear]:
    yield seeded(request, tmp_path_factory.mktemp("fund_sums"))


class Counting:
    """The store's fund queries, with the largest number of rows any of them returned."""

    def __init__(self, store: Any) -> None:
        self.most = 0
        self.run = store._fund_run

        def run(sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
            rows: list[Sequence[Any]] = self.run(sql, params)
            self.most = max(self.most, len(rows))
            return rows

        store._fund_run = run


def copy_settlement(store: Any, setl_id: str, copies: int) -> None:
    """``copies`` copies of a settlement, each its own encounter and number (above the last; no
    settlement is made through the service after this), inserted with plain SQL."""
    postgres = type(store).__name__ == "PostgresStore"
    if postgres:
        columns = [r[0] for r in store.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'settlement' "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position")]
        series, ph, overriding = "generate_series(1, %s) AS n(i)", "%s", " OVERRIDING SYSTEM VALUE"
    else:
        columns = [r[1] for r in store.conn.execute("PRAGMA table_info(settlement)")]
        series = "(WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) SELECT i FROM k) n"
        ph, overriding = "?", ""
    changed = {"seq": "(SELECT MAX(seq) FROM settlement) + n.i", "setl_id": "s.setl_id || '-' || CAST(n.i AS TEXT)",
               "local_id": "'bulk-' || CAST(n.i AS TEXT)", "mdtrt_id": "'BULK-' || CAST(n.i AS TEXT)",
               "msgid": "s.msgid || '-' || CAST(n.i AS TEXT)"}
    chosen = ", ".join(changed.get(c, f"s.{c}") for c in columns)
    store.conn.execute(f"INSERT INTO settlement ({', '.join(columns)}){overriding} SELECT {chosen} FROM settlement s, "
                       f"{series} WHERE s.setl_id = {ph}", (copies, setl_id))


def figures(store: CentralStore) -> dict[str, Any]:
    q2 = quarterly_publication(store, quarter_period("2026Q2"))
    paid = premium_settlement(store, 2026, Decimal("50000"), insurer="INSA")["paid"]
    june = {s["site"]: s for s in monthly_statements(store, month_period("2026-06"), site=SITE_B)["statements"]}
    return {"q2": q2["totals"], "q2_level": {r["hosp_lv"]: r for r in q2["by_level"]}, "paid": paid,
            "june": june[SITE_B]}


def test_thousands_of_settlements_are_summed_in_the_database_to_the_fen(year: SeededYear) -> None:
    store = open_store(year.db)
    try:
        before = figures(store)
        small = year.small_bill
        copy_settlement(store, str(small["setl_id"]), COPIES)
        counting = Counting(store)
        quarterly_publication(store, quarter_period("2026Q2"))
        premium_settlement(store, 2026, Decimal("50000"), insurer="INSA")
        assert 0 < counting.most <= 20  # grouped rows, whatever the number of settlements
        after = figures(store)
    finally:
        store.close()
    setlinfo = small["final"]["setlinfo"]
    hifmi, hifp, medfee = (Decimal(setlinfo[k]) for k in ("hifmi_pay", "hifp_pay", "medfee_sumamt"))
    assert hifmi == Decimal("900.00")  # fund_seed.py: the small June bill
    q2_before, q2_after = before["q2"], after["q2"]
    assert q2_after["settlements"] == q2_before["settlements"] + COPIES
    assert q2_after["persons"] == q2_before["persons"]  # the same person: counted once
    assert Decimal(q2_after["hifmi_pay"]) == Decimal(q2_before["hifmi_pay"]) + COPIES * hifmi
    assert Decimal(q2_after["hifp_pay"]) == Decimal(q2_before["hifp_pay"]) + COPIES * hifp
    assert Decimal(q2_after["medfee_sumamt"]) == Decimal(q2_before["medfee_sumamt"]) + COPIES * medfee
    level = after["q2_level"]["2"]
    assert level["settlements"] == before["q2_level"]["2"]["settlements"] + COPIES
    assert Decimal(after["paid"]["settlements"]) == Decimal(before["paid"]["settlements"]) + COPIES * hifmi
    assert after["paid"]["settlement_count"] == before["paid"]["settlement_count"] + COPIES
    june = after["june"]
    assert june["settlements"]["count"] == before["june"]["settlements"]["count"] + COPIES
    assert Decimal(june["payable"]) == Decimal(before["june"]["payable"]) + COPIES * hifmi
    assert all(line["psn_no"] == SMALL_BILL_PERSON for line in june["lines"] if line["kind"] == "settlement")
