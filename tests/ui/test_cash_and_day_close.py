"""At the desk, off screen: the amount tendered and the change shown large on the settle page, the
payment method recorded; the clerk's day close on the day-end page (totals by payment method,
the 日结单 as PDF and Excel, the lock); log out and switch operator (F11) without restarting."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"


def _person(index: int = 3) -> dict[str, object]:
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    person: dict[str, object] = persons[index]
    return person


def _fees(name: str = "bill_04_femur_fracture.json") -> list[dict[str, str]]:
    fees: list[dict[str, str]] = json.loads((BILLS / name).read_text(encoding="utf-8"))["fees"]
    return fees


def test_tendered_and_change_on_the_settle_page(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                tmp_path: Path) -> None:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    page = window.settle_page
    page.confirm_settle = False
    person = _person()
    qtbot.keyClicks(page.identify, str(person["card_no"]))
    qtbot.keyClick(page.identify, Qt.Key.Key_Return)
    settle_done()
    page.enter_stay("ZY-CASH-1", dt.date.today() - dt.timedelta(days=6))
    bill = tmp_path / "bill.json"
    bill.write_text(json.dumps({"fees": _fees()}, ensure_ascii=False), encoding="utf-8")
    page.import_file(bill, ask=False)
    settle_done()
    assert page.preview is not None
    due = Decimal(page.preview.result["setlinfo"]["psn_cash_pay"])

    # F7 goes to the amount tendered; the change follows the typing, large.
    qtbot.keyClick(page.fee_view, Qt.Key.Key_F7)
    assert page.tendered.hasFocus()
    assert page.change_label.styleSheet().startswith("font-size:24pt")
    short = due - Decimal("1.00")
    qtbot.keyClicks(page.tendered, f"{short:.2f}")
    assert "差" in page.change_label.text() or "Short" in page.change_label.text()
    qtbot.keyClick(page.fee_view, Qt.Key.Key_F9)  # too little: nothing is settled
    settle_done()
    assert page.outcome is None and desk.journal() == []

    tendered = (due // 100 + 1) * 100 + Decimal("0.50")
    page.tendered.clear()
    qtbot.keyClicks(page.tendered, f"{tendered:.2f}")
    assert f"{tendered - due:,.2f}" in page.change_label.text()
    page.payment_method.setCurrentIndex(page.payment_method.findData("card"))
    qtbot.keyClick(page.fee_view, Qt.Key.Key_F9)
    settle_done()
    assert page.outcome is not None
    assert page.outcome.payment == {"method": "card", "method_name": "银行卡", "tendered": f"{tendered:.2f}",
                                    "change": f"{tendered - due:.2f}"}
    assert f"{tendered - due:,.2f}" in page.change_label.text()
    day = desk.day_end(dt.date.today().isoformat())
    assert day[-1].by_payment == {"card": due}


def _settle_as(desk: Desk, name: str, password: str, index: int, **payment: object) -> int:
    from hospital_client.app import Payment

    operator = desk.login(name, password)
    person = _person(index)
    today = dt.date.today()
    request = desk.build_request(str(person["psn_no"]), EncounterInput(f"ZY-DC{index}", 2,
                                                                      today - dt.timedelta(days=4), today), _fees())
    return desk.settle(operator, request, payment=Payment(**payment)).committed.local_id  # type: ignore[arg-type]


def test_close_my_day_on_the_day_end_page(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                          tmp_path: Path) -> None:
    first = _settle_as(desk, "demo", "demo123", 11, method="cash", tendered=Decimal("20000"))
    _settle_as(desk, "demo", "demo123", 12, method="wechat")
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    page = window.dayend_page
    window.show_page(page)
    settle_done()
    total = page.day_model.row_at(page.day_model.rowCount() - 1)
    assert Decimal(total["pay_cash"]) > 0 and Decimal(total["pay_wechat"]) > 0

    page.refresh_close()
    settle_done()
    assert "现金" in page.close_summary.text() and "微信" in page.close_summary.text()
    assert page.close_button.isEnabled()
    page.close_my_day(confirm=False)
    settle_done()
    assert not page.close_button.isEnabled()
    assert page.close_report is not None and page.close_report.closed_at
    pdf, xlsx = tmp_path / "日结单.pdf", tmp_path / "日结单.xlsx"
    page.export_close_pdf(pdf)
    settle_done()
    page.export_close_xlsx(xlsx)
    settle_done()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert desk.site_name in text and desk.fixmedins_code in text and "收款员签字" in text
    cash_sum = sum((Decimal(r["setlinfo"]["psn_cash_pay"]) for r in desk.journal()), Decimal("0.00"))
    assert f"{cash_sum:.2f}" in text
    sheet = load_workbook(xlsx).active
    assert any(c.number_format == "#,##0.00" for row in sheet.iter_rows() for c in row
               if isinstance(c.value, (int, float)))

    # The day is locked for the clerk: a refund of it paid out by the clerk is refused.
    from hospital_client.app import DayClosed

    try:
        desk.reverse(desk.login("super", "super123"), first, "重复", paid_by=desk.login("demo", "demo123"))
    except DayClosed:
        pass
    else:
        raise AssertionError("a reversal paid out by a clerk after the day close was accepted")


def test_switch_operator_without_restarting(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitActive(window)
    assert "F11" in window.switch_button.text()
    QApplication.setQuitOnLastWindowClosed(False)
    try:
        successor = window.switch_operator(lambda: desk.login("super", "super123"))
        assert successor is not None
        qtbot.addWidget(successor)
        assert successor.operator.name == "super" and successor.isVisible() and not window.isVisible()
        assert successor.settle_page.operator.name == "super"
        actions = [e.action for e in desk_audit(desk)]
        assert "logout" in actions
        # Logged out and nobody logs in: the window closes.
        assert successor.switch_operator(lambda: None) is None
        assert not successor.isVisible()
    finally:
        QApplication.setQuitOnLastWindowClosed(True)


def desk_audit(desk: Desk) -> list[object]:
    from hospital_client.store import audit

    entries: list[object] = audit.entries(desk.db())
    return entries
