"""History (reprint, reversal by a supervisor) and day-end at the desk, off screen; the day-end
totals on screen and in the exports equal the journal's own sums."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui.history_page import ReverseDialog
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"


def settle_some(desk: Desk, count: int = 3) -> list[int]:
    """Settle `count` demo bills for different demo persons through the same desk API."""
    clerk = desk.login("demo", "demo123")
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    bills = sorted(BILLS.glob("bill_0[1-4]_*.json"))
    ids = []
    today = dt.date.today()
    for i in range(count):
        fees = json.loads(bills[i].read_text(encoding="utf-8"))["fees"]
        person = persons[i + 10]
        request = desk.build_request(str(person["psn_no"]),
                                     EncounterInput(f"ZY-T{i}", 2, today - dt.timedelta(days=5), today), fees)
        ids.append(desk.settle(clerk, request).committed.local_id)
    return ids


def journal_sum(desk: Desk, key: str) -> Decimal:
    return sum((Decimal(r["setlinfo"][key]) for r in desk.journal()), Decimal("0.00"))


def test_reversal_by_a_supervisor_and_reprint(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                              tmp_path: Path) -> None:
    ids = settle_some(desk, 2)
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    page = window.history_page
    window.show_page(page)
    settle_done()
    assert page.model.rowCount() == 2
    page.view.selectRow(0)
    pdf = tmp_path / "reprint.pdf"
    page.reprint_selected(pdf)
    settle_done()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "补打" in text

    # A clerk's password does not approve a reversal.
    page.view.selectRow(0)
    dialog = ReverseDialog(ids[0], page)
    dialog.supervisor.setText("demo")
    dialog.password.setText("demo123")
    dialog.reason.setText("费用录入错误")
    dialog.setResult(ReverseDialog.DialogCode.Accepted)
    page.reverse_selected(dialog)
    settle_done()
    assert "无权" in page.message.text()

    dialog.supervisor.setText("super")
    dialog.password.setText("super123")
    reversed_id = page.selected()["local_id"]
    page.reverse_selected(dialog)
    settle_done()
    assert page.model.rowCount() == 3
    newest = page.model.row_at(0)  # newest first: the reversal entry
    assert newest["kind"] == "reversal" and newest["reverses_local_id"] == reversed_id
    kept = next(r for r in desk.journal() if r["local_id"] not in (reversed_id, newest["local_id"]))
    assert journal_sum(desk, "psn_cash_pay") == Decimal(kept["setlinfo"]["psn_cash_pay"])

    # Reversing it again is refused.
    page.view.selectRow(next(i for i in range(3) if page.model.row_at(i)["local_id"] == reversed_id))
    page.reverse_selected(dialog)
    settle_done()
    assert "冲正" in page.message.text()


def test_day_end_equals_the_journal(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                    tmp_path: Path) -> None:
    ids = settle_some(desk, 3)
    desk.reverse(desk.login("super", "super123", via="reversal"), ids[1], "重复结算")
    window = MainWindow(desk, tasks, desk.login("admin", "admin123"))
    qtbot.addWidget(window)
    page = window.dayend_page
    window.show_page(page)
    settle_done()
    model = page.day_model
    total = model.row_at(model.rowCount() - 1)
    assert total["operator"] == "total"
    for key in ("medfee_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt", "psn_cash_pay"):
        assert Decimal(total[key]) == journal_sum(desk, key), key
    assert (total["settlements"], total["reversals"]) == (3, 1)

    xlsx = tmp_path / "dayend.xlsx"
    page.export_day_end_xlsx(xlsx)
    pdf = tmp_path / "dayend.pdf"
    page.export_day_end_pdf(pdf)
    settle_done()
    sheet = load_workbook(xlsx).active
    last = [c.value for c in list(sheet.rows)[-1]]
    assert last[0] == "合计" and Decimal(str(last[-1])) == journal_sum(desk, "psn_cash_pay")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert str(journal_sum(desk, "psn_cash_pay")) in text

    page.month.setDate(QDate.currentDate())
    page.refresh_funds()
    settle_done()
    funds = {page.fund_model.row_at(i)["fund_pay_type"]: Decimal(page.fund_model.row_at(i)["amount"])
             for i in range(page.fund_model.rowCount())}
    assert sum(funds.values()) == journal_sum(desk, "fund_pay_sumamt")
    assert funds["390100"] + funds.get("310100", Decimal(0)) == journal_sum(desk, "hifp_pay")
