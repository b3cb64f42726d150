"""`hospital-client slip LOCAL_ID --pdf` of an outpatient visit: the 门诊费用结算单 (type, disease,
funds), the file 0600; after the visit's reversal it is marked 已冲正 with its 退费凭证."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from hospital_client import cli

VISIT = {"psn_no": "DEMO990100000028", "med_type": "14", "dise_codg": "E11", "begntime": "2026-03-10", "hosp_lv": 2,
         "fees": [{"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50", "cnt": "20",
                   "det_item_fee_sumamt": "330.00"}]}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")


def test_the_slip_of_an_outpatient_visit(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    db = ["--db", str(demo_path)]
    visit = tmp_path / "visit.json"
    visit.write_text(json.dumps(VISIT), encoding="utf-8")
    assert cli.main(["outpatient", "settle", str(visit), "--commit", "--tendered", "300", "--json", *db]) == 0
    local_id = json.loads(capsys.readouterr().out)["local_id"]
    slip = tmp_path / "visit.pdf"
    assert cli.main(["slip", str(local_id), "--pdf", str(slip), *db]) == 0
    assert stat.S_IMODE(slip.stat().st_mode) == 0o600
    text = pdf_text(slip)
    assert "门诊费用结算单" in text and "门诊慢特病" in text and "糖尿病（E11）" in text
    assert "基金支付" in text and "实收金额：300.00" in text and "已冲正" not in text
    assert cli.main(["outpatient", "reverse", str(local_id), "--reason", "退号", *db]) == 0
    assert cli.main(["slip", str(local_id), "--pdf", str(slip), *db]) == 0
    text = pdf_text(slip)
    assert "已冲正" in text and "退费凭证" in text and "本次就诊计入的年度累计" in text
