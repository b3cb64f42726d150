"""The clerk's cash (tendered, change, payment method), refunds counted for the clerk who paid
them out, the day close (日结) and its lock, the 日结单 workbook and the fund statement's split
between confirmed and provisional."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from app_helpers import load_request, record_on
from openpyxl import load_workbook

from hospital_client import app, store


def _due(outcome: app.SettleOutcome) -> Decimal:
    assert outcome.result is not None
    return Decimal(outcome.result.setlinfo["psn_cash_pay"])


def test_tendered_change_and_method_recorded(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    request = load_request("req_basic_urban.json")
    outcome = app.settle(demo_db, clerk, request, payment=app.Payment("cash", Decimal("5000.00")))
    due = _due(outcome)
    assert outcome.payment == {"method": "cash", "method_name": "现金", "tendered": "5000.00",
                               "change": f"{Decimal('5000.00') - due:.2f}"}
    row = store.cash.cash_of(demo_db, [outcome.committed.local_id])[outcome.committed.local_id]
    assert (row.payment, row.tendered, row.change, row.paid_by) == ("cash", Decimal("5000.00"),
                                                                   Decimal("5000.00") - due, "demo")
    other = app.settle(demo_db, clerk, load_request("req_referral.json"), payment=app.Payment("wechat"))
    assert other.payment["tendered"] == f"{_due(other):.2f}" and other.payment["change"] == "0.00"

    today = app.business_day()
    total = {r.operator: r for r in app.day_end_totals(demo_db, today)}["total"]
    assert total.by_payment == {"cash": due, "wechat": _due(other)}
    assert total.to_dict()["by_payment"] == {"cash": f"{due:.2f}", "wechat": f"{_due(other):.2f}"}


def test_too_little_tendered_is_refused_and_nothing_recorded(demo_db: store.LocalDatabase,
                                                             clerk: store.Operator) -> None:
    with pytest.raises(app.TenderedTooLittle):
        app.settle(demo_db, clerk, load_request("req_basic_urban.json"), payment=app.Payment("cash", Decimal("0.01")))
    assert app.list_journal(demo_db) == []


def test_refund_counts_for_the_clerk_who_paid_it_out(demo_db: store.LocalDatabase, clerk: store.Operator,
                                                     supervisor: store.Operator) -> None:
    a = app.settle(demo_db, clerk, load_request("req_basic_urban.json"))
    reversal = app.reverse(demo_db, supervisor, a.committed.local_id, "wrong bill", paid_by=clerk)
    assert reversal.payment["paid_by"] == "demo"
    rows = {r.operator: r for r in app.day_end_totals(demo_db, app.business_day())}
    assert set(rows) == {"demo", "total"}
    assert (rows["demo"].settlements, rows["demo"].reversals) == (1, 1)
    assert rows["demo"].sums["psn_cash_pay"] == Decimal("0.00")
    # The journal still says who approved it.
    assert app.list_journal(demo_db)[-1]["operator"] == "super"


def test_day_close_locks_the_clerks_day(demo_db: store.LocalDatabase, clerk: store.Operator,
                                        supervisor: store.Operator, tmp_path: Path) -> None:
    day = "2026-01-05"
    old = record_on(demo_db, load_request("req_out_of_area.json"), dt.datetime(2026, 1, 5, 9, 0).astimezone())
    report = app.day_close.close_day(demo_db, clerk, day, hospital_name="示范医院", fixmedins_code="H00000000001")
    assert report.closed_at and report.settlements == 1 and report.provisional_queued == 1
    assert store.cash.is_closed(demo_db, "demo", day)
    with pytest.raises(app.DayClosed):
        app.day_close.close_day(demo_db, clerk, day, hospital_name="x", fixmedins_code="y")
    # The clerk can no longer pay out a refund of that day; a supervisor can, on today's day.
    with pytest.raises(app.DayClosed):
        app.reverse(demo_db, supervisor, old.local_id, "wrong", paid_by=clerk)
    done = app.reverse(demo_db, supervisor, old.local_id, "wrong")
    entry = store.journal.get_entry(demo_db, done.committed.local_id, full=False)
    assert entry.business_day == app.business_day() != day
    assert {r.operator for r in app.day_end_totals(demo_db, app.business_day())} == {"super", "total"}
    assert [e.action for e in store.audit.entries(demo_db) if e.action == "day_close"] == ["day_close"]

    # Closing today: no more settlements for that clerk today.
    app.settle(demo_db, clerk, load_request("req_basic_urban.json"))
    app.day_close.close_day(demo_db, clerk, app.business_day(), hospital_name="示范医院", fixmedins_code="H1")
    with pytest.raises(app.DayClosed):
        app.settle(demo_db, clerk, load_request("req_referral.json"))


def test_day_close_workbook(demo_db: store.LocalDatabase, clerk: store.Operator, tmp_path: Path) -> None:
    a = app.settle(demo_db, clerk, load_request("req_basic_urban.json"), payment=app.Payment("cash", Decimal("9000")))
    b = app.settle(demo_db, clerk, load_request("req_referral.json"), payment=app.Payment("alipay"))
    report = app.day_close.close_day(demo_db, clerk, app.business_day(), hospital_name="示范医院",
                                     fixmedins_code="H00000000001")
    assert report.by_payment == {"现金": _due(a), "支付宝": _due(b)}
    path = app.day_close.export_day_close(demo_db, tmp_path / "日结单.xlsx", report, "demo")
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [str(c.value) for c in cells]
    assert any("示范医院" in t for t in texts) and any("H00000000001" in t for t in texts)
    money = [c for c in cells if isinstance(c.value, (int, float)) and c.number_format == "#,##0.00"]
    assert money, "money cells carry a money format"
    total_row = next(row for row in sheet.iter_rows() if row[0].value == "合计" and row[8].value is not None)
    assert Decimal(str(total_row[7].value)) == _due(a) + _due(b)
    assert Decimal(str(total_row[8].value)) == Decimal("9000") + _due(b)
    assert any("收款员签字" in t for t in texts)


def test_fund_statement_separates_final_from_provisional(demo_db: store.LocalDatabase, clerk: store.Operator,
                                                          tmp_path: Path) -> None:
    a = app.settle(demo_db, clerk, load_request("req_basic_urban.json"))
    app.settle(demo_db, clerk, load_request("req_referral.json"))
    store.reconcile.mark_final(demo_db, a.committed.local_id, "accepted")
    month = app.business_day()[:7]
    lines = app.reports.fund_statement(demo_db, month)
    assert all(f.final_amount + f.provisional_amount == f.amount for f in lines)
    assert a.result is not None
    final_total = sum((f.final_amount for f in lines), Decimal(0))
    assert final_total == Decimal(a.result.setlinfo["fund_pay_sumamt"])
    assert sum((f.provisional_amount for f in lines), Decimal(0)) > 0

    path = app.reports.export_fund_statement(demo_db, tmp_path / "基金月报.xlsx", month, "demo",
                                             hospital_name="示范医院", fixmedins_code="H00000000001")
    sheet = load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1] == ["医疗机构：示范医院", "机构编码：H00000000001", *[None] * (len(rows[1]) - 2)]
    header = next(r for r in rows if r[0] == "基金类型")
    assert "已确认（申报）" in header and "暂定（离线未确认）" in header
    total = rows[-1]
    assert total[0] == "合计" and Decimal(str(total[4])) == final_total
    assert sheet.cell(sheet.max_row, 5).number_format == "#,##0.00"


def test_slip_data_carries_the_payment_and_the_refunding_clerk(demo_db: store.LocalDatabase, clerk: store.Operator,
                                                               supervisor: store.Operator) -> None:
    a = app.settle(demo_db, clerk, load_request("req_basic_urban.json"), payment=app.Payment("cash", Decimal("8000")))
    app.reverse(demo_db, supervisor, a.committed.local_id, "wrong bill", paid_by=clerk)
    data = app.slips.slip_data(demo_db, a.committed.local_id, "demo", reprint=True, hospital_name="示范医院",
                               fixmedins_code="H1")
    assert data["payment"]["method_name"] == "现金" and data["payment"]["tendered"] == "8000.00"
    assert data["payment"]["change"] == f"{Decimal(8000) - _due(a):.2f}"
    assert data["payment"]["cashier"] == clerk.display_name
    assert data["reversal"]["paid_by"] == clerk.display_name and data["reversal"]["approver"] == supervisor.display_name


def test_day_end_workbook_has_the_hospital_methods_totals_and_money_formats(
        demo_db: store.LocalDatabase, clerk: store.Operator, tmp_path: Path) -> None:
    a = app.settle(demo_db, clerk, load_request("req_basic_urban.json"), payment=app.Payment("card"))
    day = app.business_day()
    path = app.reports.export_day_end(demo_db, tmp_path / "日结.xlsx", app.day_end_totals(demo_db, day), day, day,
                                      "demo", hospital_name="示范医院", fixmedins_code="H00000000001")
    sheet = load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:2] == ["医疗机构：示范医院", "机构编码：H00000000001"]
    header = next(r for r in rows if r[0] == "操作员")
    total = rows[-1]
    assert total[0] == "合计"
    assert Decimal(str(total[header.index("银行卡收款")])) == _due(a)
    assert all(c.number_format == "#,##0.00" for c in list(sheet.rows)[-1][3:])
