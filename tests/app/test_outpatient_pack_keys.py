"""The outpatient visit's year-to-date at the desk takes the pack-declared keys (an outpatient
section's annual deductible ``op_dedc`` and pool ``op_hifp_pay``) from the one definition,
store.accumulators.pack_key_totals: the roster's figures for the year plus this desk's movements,
as the core keys are taken. A roster pulled from the central system that says the annual
outpatient deductible is already used (at another hospital) is believed offline: this desk does
not charge it a second time.

Hand-computed (demo pack, 普通门诊 at a level-2 hospital, 198.00 of 甲类 drugs, per-visit
deductible 10.00, annual deductible 100.00, pool 50 %): with the annual deductible open the pool
pays (198.00 − 10.00 − 100.00) × 50 % = 44.00; with it used, (198.00 − 10.00) × 50 % = 94.00
(the figures `outpatient settle` prints in tests/cli/test_outpatient_command.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from hospital_client import store
from hospital_client.app import outpatient
from hospital_client.app.desk import Desk
from hospital_client.app.outpatient import parse_visit

PSN = "DEMO990100000024"
VISIT = {"psn_no": PSN, "med_type": "11", "begntime": "2026-03-10", "hosp_lv": 2,
         "fees": [{"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50", "cnt": "12",
                   "det_item_fee_sumamt": "198.00"}]}


def _pulled_with_outpatient_figures(path: Path) -> None:
    """The person's roster row as a pull gives it when the central system knows outpatient visits
    elsewhere this year: the annual deductible used, 300.00 paid by the outpatient pool."""
    db = store.open_database(path)
    try:
        ytd_json, = db.conn.execute("SELECT ytd_json FROM person WHERE psn_no = ?", (PSN,)).fetchone()
        ytd = {**json.loads(ytd_json), "op_dedc": "100.00", "op_hifp_pay": "300.00"}
        with db.conn:
            db.conn.execute("UPDATE person SET ytd_json = ? WHERE psn_no = ?", (json.dumps(ytd), PSN))
    finally:
        db.close()


def test_the_outpatient_year_to_date_is_the_stores_pack_key_totals(
        demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    assert not hasattr(outpatient, "pack_key_totals")  # one definition: store.accumulators
    _pulled_with_outpatient_figures(demo_path)
    desk = Desk(demo_path)
    try:
        visits = desk.outpatient()
        visit = parse_visit(VISIT)
        assert visits.preview(visit)["setlinfo"]["hifp_pay"] == "94.00"  # the deductible is not charged again

        clerk = store.operators.authenticate(desk.db(), "demo", "demo123", via="test")
        settled = visits.settle(clerk, visit)
        assert settled.state == "provisional"  # the demo site has no central system
        ytd = visits.local_year_to_date(PSN, 2026)
        assert ytd is not None
        assert (ytd["op_dedc"], ytd["op_hifp_pay"]) == ("100.00", "394.00")
        assert store.accumulators.pack_key_totals(desk.db(), PSN, 2026) == {
            "op_dedc": Decimal("100.00"), "op_hifp_pay": Decimal("394.00")}
    finally:
        desk.close()
