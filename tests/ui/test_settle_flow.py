"""End to end at the desk, off screen: log in, identify a demo patient, import a demo bill in
each format (one of them GBK), compute, settle, print to PDF. The figures on screen and in the
PDF equal the rules core's own computation of the same request."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.app.review_rules import review_library_for
from hospital_client.rules import find_pack, load_catalog, load_pack_dir, settle
from hospital_client.ui.login_dialog import LoginDialog
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"
CARD_NO = None


def demo_person() -> dict[str, object]:
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    return next(p for p in persons if p["assistance_group"] == "dibao")


def write_bill(tmp: Path, fmt: str, fees: list[dict[str, str]]) -> Path:
    if fmt == "json":
        path = tmp / "bill.json"
        path.write_text(json.dumps({"feedetail": fees}, ensure_ascii=False), encoding="utf-8")
        return path
    header = ["明细流水号", "医保目录编码", "项目名称", "单价", "数量", "金额"]
    rows = [[f["feedetl_sn"], f["med_list_codg"], f["name"], f["pric"], f["cnt"], f["det_item_fee_sumamt"]]
            for f in fees]
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for r in rows:
            sheet.append([r[0], r[1], r[2], float(r[3]), float(r[4]), float(r[5])])
        path = tmp / "bill.xlsx"
        book.save(path)
        return path
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp / "bill.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def test_login_dialog_accepts_demo_clerk_and_refuses_a_wrong_password(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done
) -> None:
    dialog = LoginDialog(desk, tasks)
    qtbot.addWidget(dialog)
    dialog.name.setText("demo")
    dialog.password.setText("wrong")
    dialog.try_login()
    settle_done()
    assert dialog.operator is None
    assert dialog.message.text() == "操作员或密码错误。"
    dialog.password.setText("demo123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle_done()
    assert dialog.operator is not None and dialog.operator.role == "clerk"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_settle_a_demo_bill_and_print_it(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path, fmt: str
) -> None:
    operator = desk.login("demo", "demo123")
    window = MainWindow(desk, tasks, operator)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    page = window.settle_page
    page.confirm_settle = False
    person = demo_person()
    fees = json.loads((BILLS / "bill_04_femur_fracture.json").read_text(encoding="utf-8"))["fees"]

    qtbot.waitUntil(page.identify.hasFocus)  # the window opens ready to scan
    page.mdtrt_id.setFocus()
    qtbot.keyClick(page.mdtrt_id, Qt.Key.Key_F2)  # F2 from anywhere goes back to identification
    assert page.identify.hasFocus()
    qtbot.keyClicks(page.identify, str(person["card_no"]))
    qtbot.keyClick(page.identify, Qt.Key.Key_Return)
    settle_done()
    assert str(person["psn_name"]) in page.person_label.text()
    assert str(person["certno"]) not in page.person_label.text()  # masked on screen

    page.enter_stay("ZY20261120001", dt.date.today() - dt.timedelta(days=7))
    page.import_file(write_bill(tmp_path, fmt, fees), ask=False)
    settle_done()
    assert page.fee_model.rowCount() == len(fees)
    assert page.preview is not None

    # The rules core on the same request gives the figures shown.
    request = dict(page.preview.request, year_to_date={
        k: v for k, v in person["year_to_date"].items() if k != "year"})
    pack = find_pack(load_pack_dir(paths.policies_dir()), "demo")
    expected = settle(request, pack, load_catalog(paths.demo_catalog_path()),
                      review=review_library_for("990100")).to_dict()["setlinfo"]  # a 拦截 is self-paid
    for key, label in page.breakdown.figures.items():
        assert label.text() == expected[key], key
    cash = Decimal(expected["psn_cash_pay"])
    assert f"{cash:,.2f}" in page.cash_label.text()

    qtbot.keyClick(page.fee_view, Qt.Key.Key_F9)
    settle_done()
    assert page.outcome is not None
    assert page.outcome.committed.state == "provisional"
    assert page.outcome.committed.queue_no in page.state_label.text()
    qtbot.waitUntil(lambda: window.queue_status.text() == "待上传：1")

    pdf = tmp_path / "slip.pdf"
    page.print_slip(pdf)
    settle_done()
    assert pdf.exists()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for key in ("medfee_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "psn_cash_pay"):
        assert expected[key] in text, key
    assert "离线结算" in text and page.outcome.committed.queue_no in text
    assert str(person["certno"]) not in text


def test_a_bad_bill_is_refused_with_line_numbers(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path
) -> None:
    operator = desk.login("demo", "demo123")
    window = MainWindow(desk, tasks, operator)
    qtbot.addWidget(window)
    page = window.settle_page
    bad = tmp_path / "bad.csv"
    bad.write_bytes("明细流水号,医保目录编码,项目名称,单价,数量,金额\n1,X1,床位费,40,7,280.00\n2,X2,药,1.5,两盒,3\n"
                    .encode("gbk"))
    page.import_file(bad, ask=False)
    settle_done()
    assert page.bill is None
    dialog = page._last_bill_dialog
    assert dialog.errors.rowCount() == 1
    assert dialog.errors.item(0, 0).text() == "3"
    assert dialog.errors.item(0, 1).text() == "数量"
    assert "不是有效数字" in dialog.errors.item(0, 2).text()
    assert "整单拒收" in page.state_label.text()
