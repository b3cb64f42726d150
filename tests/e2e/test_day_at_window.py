"""A day at the discharge window, end to end, on real SQLite files: HIS drops 30 discharges into
its folder, two clerks settle them with cash and change (the demo site is offline: every
settlement is provisional and queued), one double settlement is refused, two settlements are
reversed (one from the command line with --paid-by), each clerk closes the day, and the 日结单
totals (by fund, by payment method, tendered, change) equal sums computed here independently
from `journal list --json` and from what the test itself handed over. The 日结单 and a reversed
settlement's slip are rendered to PDF by the real Qt printing code and read back."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections import defaultdict
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

import pytest
from e2e_his_day import write_handoffs

from hospital_client import cli, store
from hospital_client.app import Desk, HospitalClientError, Payment
from hospital_client.app.desk import DEMO_REGION
from hospital_client.app.desk_database import DEMO_FIXMEDINS_CODE
from hospital_client.config import SiteConfig

PATIENTS = 30
FUND_KEYS = ("medfee_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "acct_pay",
             "psn_cash_pay")
METHOD_NAMES = {"cash": "现金", "card": "银行卡", "wechat": "微信", "alipay": "支付宝"}
METHODS = tuple(METHOD_NAMES)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def tender_for(due: Decimal, n: int) -> Decimal:
    """Cash as a patient hands it over: the amount due rounded up to the next 100 yuan note."""
    return (due / 100).to_integral_value(ROUND_CEILING) * 100 + (100 if n % 5 == 0 else 0)


def test_a_day_at_the_window_closes_with_totals_equal_to_the_journal(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop = tmp_path / "his-drop"
    stays = write_handoffs(drop, PATIENTS, discharged=dt.date.today())
    site = SiteConfig(code=DEMO_FIXMEDINS_CODE, name="示例医院", region=DEMO_REGION, level="2", his_drop=str(drop))
    desk = Desk(demo_path, site)
    store.operators.add_operator(desk.db(), "li", "li-pass-123", "clerk", display_name="李收费", by="admin")
    clerks = {"demo": desk.login("demo", "demo123"), "li": desk.login("li", "li-pass-123")}
    # What the test handed over, by local id: (cashier, method, tendered, change); independent of the store.
    ledger: dict[int, tuple[str, str, Decimal, Decimal]] = {}

    waiting = desk.his_waiting()
    assert not desk.his_refused
    assert sorted(r["ipt_no"] for r in waiting) == [s.ipt_no for s in stays]

    settled: dict[str, int] = {}
    for n, stay in enumerate(stays):
        cashier = "demo" if n < PATIENTS // 2 else "li"
        due = money(desk.preview(desk.his_request(stay.ipt_no)).result["setlinfo"]["psn_cash_pay"])
        method = METHODS[n % len(METHODS)]
        tendered = tender_for(due, n) if method == "cash" else due
        if n == 7:  # too little handed over: refused, nothing recorded
            with pytest.raises(HospitalClientError):
                desk.settle_his(clerks[cashier], stay.ipt_no, payment=Payment("cash", due - Decimal("0.01")))
        outcome = desk.settle_his(clerks[cashier], stay.ipt_no, payment=Payment(method, tendered))
        paid = outcome.to_dict()["payment"]
        assert money(paid["tendered"]) == tendered and money(paid["change"]) == tendered - due
        assert outcome.committed.state == "provisional"  # offline: queued for the central system
        settled[stay.ipt_no] = outcome.committed.local_id
        ledger[outcome.committed.local_id] = (cashier, method, tendered, tendered - due)
    assert desk.his_waiting() == []

    # The same stay a second time, by the other clerk: refused, naming the first; nothing written.
    before = len(desk.journal())
    with pytest.raises(HospitalClientError) as refused:
        desk.settle_his(clerks["li"], stays[4].ipt_no)
    assert str(settled[stays[4].ipt_no]) in str(refused.value)
    assert len(desk.journal()) == before

    # Two reversals: one at the window (the supervisor approves, demo pays out), one from the command
    # line paid out by li. Both stays wait again; li settles the second anew.
    supervisor = desk.login("super", "super123", via="reversal")
    first = settled[stays[2].ipt_no]
    rev = desk.reverse(supervisor, first, "费用录入错误", paid_by=clerks["demo"])
    refund = money(rev.to_dict()["setlinfo"]["psn_cash_pay"])
    assert refund == -(ledger[first][2] - ledger[first][3])  # the cash taken, paid back
    ledger[rev.committed.local_id] = ("demo", ledger[first][1], refund, Decimal("0.00"))
    second = settled[stays[20].ipt_no]
    out = run_cli(["reverse", str(second), "--reason", "重复收费", "--paid-by", "li", "--db", str(demo_path)], capsys)
    cli_rev = json.loads(out)
    assert cli_rev["payment"]["paid_by"] == "li"
    assert money(cli_rev["setlinfo"]["psn_cash_pay"]) == -(ledger[second][2] - ledger[second][3])
    ledger[cli_rev["local_id"]] = ("li", ledger[second][1], money(cli_rev["setlinfo"]["psn_cash_pay"]),
                                   Decimal("0.00"))
    assert [r["ipt_no"] for r in desk.his_waiting()] == [stays[2].ipt_no, stays[20].ipt_no]  # waiting again
    due = money(desk.preview(desk.his_request(stays[20].ipt_no)).result["setlinfo"]["psn_cash_pay"])
    again = desk.settle_his(clerks["li"], stays[20].ipt_no, payment=Payment("cash", tender_for(due, 1)))
    ledger[again.committed.local_id] = ("li", "cash", tender_for(due, 1), tender_for(due, 1) - due)

    # The journal as `journal list --json` gives it, and the expected totals computed from it.
    day = desk.journal()[0]["business_day"]
    rows = json.loads(run_cli(["journal", "list", "--json", "--from", day, "--to", day, "--db", str(demo_path)],
                              capsys))
    assert len(rows) == PATIENTS + 3 == len(ledger)
    assert all(r["state"] == "provisional" and r["outbox_status"] == "queued" for r in rows)
    expected: dict[str, dict[str, Any]] = {}
    for name in clerks:
        mine = [r for r in rows if ledger[r["local_id"]][0] == name]
        by_payment: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for r in mine:
            by_payment[METHOD_NAMES[ledger[r["local_id"]][1]]] += money(r["setlinfo"]["psn_cash_pay"])
        expected[name] = {
            "funds": {k: sum((money(r["setlinfo"][k]) for r in mine), Decimal("0.00")) for k in FUND_KEYS},
            "by_payment": dict(by_payment),
            "tendered": sum((ledger[r["local_id"]][2] for r in mine), Decimal("0.00")),
            "change": sum((ledger[r["local_id"]][3] for r in mine), Decimal("0.00")),
            "settlements": sum(r["kind"] == "settlement" for r in mine),
            "reversals": sum(r["kind"] == "reversal" for r in mine),
            "queued": len(mine),
        }
    for k in FUND_KEYS:  # every yuan of the day is in one clerk's close
        assert sum(e["funds"][k] for e in expected.values()) == sum(money(r["setlinfo"][k]) for r in rows)
    assert all(e["change"] > 0 and e["reversals"] == 1 for e in expected.values())

    # Day close by both clerks.
    for name, operator in clerks.items():
        report = desk.close_day(operator, day)
        want = expected[name]
        assert report.closed_at
        assert {k: money(v) for k, v in report.funds.items()} == want["funds"], name
        assert {k: money(v) for k, v in report.by_payment.items() if v} == {
            k: v for k, v in want["by_payment"].items() if v}, name
        assert money(report.tendered) == want["tendered"] and money(report.change) == want["change"], name
        assert (report.settlements, report.reversals) == (want["settlements"], want["reversals"]), name
        assert report.provisional_queued == want["queued"], name
        assert len(report.details) == want["queued"]
        if name == "li":
            li_report = report
    with pytest.raises(HospitalClientError):
        desk.close_day(clerks["li"], day)  # a day closes once
    desk.close()

    # The 日结单 as PDF (real Qt printing) carries the same figures; the reversed slip names who paid out.
    from hospital_client.ui.report_pdf import write_day_close_pdf_offscreen

    sheet_pdf = write_day_close_pdf_offscreen(tmp_path / "日结单-li.pdf", li_report)
    assert sheet_pdf.stat().st_mode & 0o777 == 0o600  # it names patients: this user's only
    sheet = pdf_text(sheet_pdf)
    assert "收款员：李收费" in sheet and "（li）" not in sheet  # the clerk by name, not the login
    for figure in (li_report.tendered, li_report.change, li_report.funds["fund_pay_sumamt"]):
        assert f"{money(figure):,.2f}" in sheet or f"{money(figure):.2f}" in sheet, figure
    slip = tmp_path / "slip.pdf"
    run_cli(["slip", str(second), "--pdf", str(slip), "--db", str(demo_path)], capsys)
    text = pdf_text(slip)
    assert "已冲正" in text and "退费凭证" in text and "退款人：李收费" in text
    assert "支付方式：" in text and "找零：" in text
    assert "经办人：李收费" in text and slip.stat().st_mode & 0o777 == 0o600
    shutil.rmtree(drop)
