"""Day-end totals per operator: each fund and the cash, settlements minus reversals, by day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app_helpers import load_request, record_on

from hospital_client import app, store
from hospital_client.rules import parse_request


def test_totals_per_operator_and_day(demo_db: store.LocalDatabase, clerk: store.Operator,
                                     supervisor: store.Operator) -> None:
    a = app.settle(demo_db, clerk, load_request("req_basic_urban.json"))
    b = app.settle(demo_db, supervisor, load_request("req_referral.json"))
    app.reverse(demo_db, supervisor, a.committed.local_id, "wrong")
    # One settlement on another day (the store accepts an explicit time for imports and tests).
    other = load_request("req_out_of_area.json")
    record_on(demo_db, other, dt.datetime(2026, 1, 5, 9, 0).astimezone())

    today = store.now().date().isoformat()
    rows = {r.operator: r for r in app.day_end_totals(demo_db, today)}
    assert set(rows) == {"demo", "super", "total"}
    assert (rows["demo"].settlements, rows["demo"].reversals) == (1, 0)
    assert (rows["super"].settlements, rows["super"].reversals) == (1, 1)
    assert a.result is not None and b.result is not None
    cash_b = b.result.setlinfo["psn_cash_pay"]
    assert rows["total"].sums["psn_cash_pay"] == cash_b  # a - a + b
    assert rows["super"].sums["psn_cash_pay"] == cash_b - a.result.setlinfo["psn_cash_pay"]
    for key in app.DAY_END_KEYS:
        assert rows["total"].sums[key] == rows["demo"].sums[key] + rows["super"].sums[key]
    assert rows["total"].to_dict()["psn_cash_pay"] == f"{cash_b:.2f}"

    january = {r.operator: r for r in app.day_end_totals(demo_db, "2026-01-01", "2026-01-31")}
    assert january["total"].settlements == 1
    parsed = parse_request(other)
    assert parsed.encounter.mdtrt_id == other["encounter"]["mdtrt_id"]
    assert january["total"].sums["medfee_sumamt"] > Decimal(0)
