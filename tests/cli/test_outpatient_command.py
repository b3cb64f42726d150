"""`outpatient settle / reverse / diseases` on the demo site (no central system): the figures
without --commit, a provisional (offline, queued) settlement with it, its reversal, bad visits
refused with exit 2. Online through the chain: tests/sync/test_sync_outpatient.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospital_client import cli

VISIT = {"psn_no": "DEMO990100000024", "med_type": "11", "begntime": "2026-03-10", "hosp_lv": 2,
         "fees": [{"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50", "cnt": "12",
                   "det_item_fee_sumamt": "198.00"}]}


def test_outpatient_commands(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    db = ["--db", str(demo_path)]
    visit = tmp_path / "visit.json"
    visit.write_text(json.dumps(VISIT), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["outpatient", "settle", str(visit), "--json", *db]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["committed"] is False and preview["result"]["setlinfo"]["hifp_pay"] == "44.00"
    assert cli.main(["outpatient", "settle", str(visit), *db]) == 0
    assert "普通门诊（未记账）" in capsys.readouterr().out
    assert cli.main(["outpatient", "settle", str(visit), "--commit", "--json", *db]) == 0
    settled = json.loads(capsys.readouterr().out)
    assert settled["committed"] is True and settled["state"] == "provisional"
    assert settled["central_status"] == "offline" and settled["result"]["setlinfo"]["hifp_pay"] == "44.00"
    assert cli.main(["outpatient", "settle", str(visit), "--json", *db]) == 0  # the annual deductible is used
    assert json.loads(capsys.readouterr().out)["result"]["setlinfo"]["hifp_pay"] == "94.00"
    assert cli.main(["outpatient", "reverse", str(settled["local_id"]), "--reason", "退号", "--json", *db]) == 0
    reversed_ = json.loads(capsys.readouterr().out)
    assert reversed_["setlinfo"]["hifp_pay"] == "-44.00" and reversed_["reverses_local_id"] == settled["local_id"]
    assert cli.main(["outpatient", "settle", str(visit), "--json", *db]) == 0  # given back by the reversal
    assert json.loads(capsys.readouterr().out)["result"]["setlinfo"]["hifp_pay"] == "44.00"
    # a 门诊慢特病 visit without its disease, an inpatient med_type: refused (exit 2), nothing recorded
    visit.write_text(json.dumps({**VISIT, "med_type": "14"}), encoding="utf-8")
    assert cli.main(["outpatient", "settle", str(visit), "--commit", *db]) == 2
    assert "dise_codg" in capsys.readouterr().err
    visit.write_text(json.dumps({**VISIT, "med_type": "21"}), encoding="utf-8")
    assert cli.main(["outpatient", "settle", str(visit), *db]) == 2
    visit.write_text(json.dumps({**VISIT, "med_type": "14", "dise_codg": "I10"}), encoding="utf-8")
    assert cli.main(["outpatient", "settle", str(visit), "--json", *db]) == 0
    # the roster says the 200 deductible (shared with inpatient) is paid this year: 198.00 × 70 %
    assert json.loads(capsys.readouterr().out)["result"]["setlinfo"]["hifp_pay"] == "138.60"
    assert cli.main(["outpatient", "diseases", "DEMO990100000024", "--json", *db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["dise_codg"] for r in rows} == {"E11", "I10"} and {r["filed"] for r in rows} == {None}
