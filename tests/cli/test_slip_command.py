"""`hospital-client slip LOCAL_ID --pdf OUT.pdf`: the 结算单 reprinted from the database, marked
已冲正 with its 退费凭证 when reversed; the file is this user's only."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from hospital_client import cli, paths


def settle_two_reverse_one(db_path: Path) -> list[int]:
    from hospital_client.app.desk import Desk, EncounterInput

    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    bills = sorted((paths.demo_dir() / "bills").glob("bill_0[1-4]_*.json"))[:2]
    today = dt.date.today()
    with Desk(db_path) as desk:
        clerk = desk.login("demo", "demo123")
        ids = []
        for i, bill in enumerate(bills):
            fees = json.loads(bill.read_text(encoding="utf-8"))["fees"]
            request = desk.build_request(str(persons[i + 20]["psn_no"]),
                                         EncounterInput(f"ZY-C{i}", 2, today - dt.timedelta(days=3), today), fees)
            ids.append(desk.settle(clerk, request).committed.local_id)
        desk.reverse(desk.login("super", "super123", via="reversal"), ids[0], "重复结算")
    return ids


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")


def test_slip_writes_the_reprint_as_a_pdf(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    ids = settle_two_reverse_one(demo_path)
    reversed_pdf, normal_pdf = tmp_path / "reversed.pdf", tmp_path / "normal.pdf"
    assert cli.main(["slip", str(ids[0]), "--pdf", str(reversed_pdf), "--db", str(demo_path)]) == 0
    assert cli.main(["slip", str(ids[1]), "--pdf", str(normal_pdf), "--db", str(demo_path)]) == 0
    assert str(reversed_pdf) in capsys.readouterr().out
    assert reversed_pdf.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(reversed_pdf.stat().st_mode) == 0o600
    text = pdf_text(reversed_pdf)
    assert "住院费用结算单" in text and "已冲正" in text and "退费凭证" in text and "重复结算" in text
    normal = pdf_text(normal_pdf)
    assert "住院费用结算单" in normal and "费用分类" in normal and "已冲正" not in normal


def test_slip_of_an_unknown_entry_exits_2(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    assert cli.main(["slip", "99", "--pdf", str(tmp_path / "x.pdf"), "--db", str(demo_path)]) == 2
    assert "99" in capsys.readouterr().err


def test_reverse_paid_by_counts_the_refund_for_that_clerk_and_the_slip_names_them(
        demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hospital_client.app.desk import Desk, EncounterInput

    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    fees = json.loads(sorted((paths.demo_dir() / "bills").glob("bill_01_*.json"))[0].read_text(encoding="utf-8"))[
        "fees"]
    today = dt.date.today()
    from hospital_client.app import Payment

    with Desk(demo_path) as desk:
        request = desk.build_request(str(persons[30]["psn_no"]),
                                     EncounterInput("ZY-P1", 2, today - dt.timedelta(days=3), today), fees)
        local_id = desk.settle(desk.login("demo", "demo123"), request,
                               payment=Payment("cash", Decimal("5000"))).committed.local_id
    assert cli.main(["reverse", str(local_id), "--reason", "退费", "--paid-by", "demo", "--db", str(demo_path)]) == 0
    assert json.loads(capsys.readouterr().out)["payment"]["paid_by"] == "demo"
    assert cli.main(["report", "dayend", "--json", "--db", str(demo_path)]) == 0
    by_operator = {r["operator"]: r for r in json.loads(capsys.readouterr().out)}
    assert by_operator["demo"]["reversals"] == 1 and "super" not in by_operator
    out = tmp_path / "slip.pdf"
    assert cli.main(["slip", str(local_id), "--pdf", str(out), "--db", str(demo_path)]) == 0
    text = pdf_text(out)
    assert "支付方式：现金" in text and "实收金额：5000.00元" in text and "找零：" in text
    assert "退款人：示例收费员" in text and "批准人：示例主管" in text


def test_reverse_paid_by_an_unknown_clerk_exits_2(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    ids = settle_two_reverse_one(demo_path)
    capsys.readouterr()
    assert cli.main(["reverse", str(ids[1]), "--reason", "x", "--paid-by", "nobody", "--db", str(demo_path)]) == 2
    assert "nobody" in capsys.readouterr().err
