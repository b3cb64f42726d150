"""`settle --commit --tendered --payment` and `dayend close --pdf --xlsx`: the change printed, too
little tendered refused, the day closed once, its 日结单 written with the hospital's name, totals
and money formats."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from app_helpers import load_request, write_request
from openpyxl import load_workbook

from hospital_client import cli


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_settle_with_tendered_and_payment_then_close_the_day(demo_path: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    request = write_request(tmp_path, load_request("req_basic_urban.json"), "a.json")
    code, out, err = _run(["settle", str(request), "--commit", "--tendered", "5000", "--payment", "现金",
                           "--db", str(demo_path)], capsys)
    assert code == 0, err
    data = json.loads(out)
    due = Decimal(data["result"]["setlinfo"]["psn_cash_pay"])
    assert data["payment"] == {"method": "cash", "method_name": "现金", "tendered": "5000.00",
                               "change": f"{Decimal(5000) - due:.2f}"}

    other = write_request(tmp_path, load_request("req_referral.json"), "b.json")
    code, _, err = _run(["settle", str(other), "--commit", "--tendered", "0.01", "--db", str(demo_path)], capsys)
    assert code == 2 and "tendered" in err
    code, out, err = _run(["settle", str(other), "--commit", "--payment", "wechat", "--db", str(demo_path)], capsys)
    assert code == 0, err
    due_b = Decimal(json.loads(out)["result"]["setlinfo"]["psn_cash_pay"])
    code, _, err = _run(["settle", str(other), "--tendered", "10"], capsys)
    assert code == 2 and "--commit" in err

    pdf, xlsx = tmp_path / "日结单.pdf", tmp_path / "日结单.xlsx"
    code, out, err = _run(["dayend", "close", "--pdf", str(pdf), "--xlsx", str(xlsx), "--json",
                           "--db", str(demo_path)], capsys)
    assert code == 0, err
    closed = json.loads(out)
    assert closed["by_payment"] == {"现金": f"{due:.2f}", "微信": f"{due_b:.2f}"}
    assert closed["settlements"] == 2 and closed["provisional_queued"] == 2
    assert pdf.stat().st_mode & 0o777 == 0o600
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert closed["hospital_name"] in text and closed["fixmedins_code"] in text
    assert f"{due + due_b:,.2f}".replace(",", "") in text.replace(",", "") and "收款员签字" in text
    sheet = load_workbook(xlsx).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(closed["fixmedins_code"] in str(v) for v in values)
    assert any(c.number_format == "#,##0.00" for row in sheet.iter_rows() for c in row
               if isinstance(c.value, (int, float)))

    code, _, err = _run(["dayend", "close", "--db", str(demo_path)], capsys)
    assert code == 2 and "closed" in err
    code, _, err = _run(["settle", str(other), "--commit", "--db", str(demo_path)], capsys)
    assert code == 2 and "closed" in err
