"""The slip after a reversal, the unprinted-slip prompt, the reversal dialog, ID numbers kept
off the screen and off the disk, history search by ID number and name, and a complete 结算单
(fee categories, days, settlement time, a number unique across desks), off screen."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui.history_page import ReverseDialog
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.slip import produce_slip
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"


def persons() -> list[dict[str, object]]:
    return json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]


def settle_some(desk: Desk, count: int = 2) -> list[int]:
    clerk = desk.login("demo", "demo123")
    today = dt.date.today()
    ids = []
    for i, bill in enumerate(sorted(BILLS.glob("bill_0[1-4]_*.json"))[:count]):
        fees = json.loads(bill.read_text(encoding="utf-8"))["fees"]
        request = desk.build_request(str(persons()[i + 10]["psn_no"]),
                                     EncounterInput(f"ZY-S{i}", 2, today - dt.timedelta(days=5), today), fees)
        ids.append(desk.settle(clerk, request).committed.local_id)
    return ids


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def open_window(qtbot: QtBot, desk: Desk, tasks: TaskRunner) -> MainWindow:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    return window


def press_esc(window: MainWindow) -> None:
    """The window's Esc key (its action, as the key would trigger it)."""
    next(a for a in window.actions() if a.shortcut() == QKeySequence("Esc")).trigger()


def select_local_id(window: MainWindow, local_id: int) -> None:
    page = window.history_page
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i)["local_id"] == local_id)
    page.view.selectRow(row)


def test_a_reversed_settlement_reprints_marked_with_its_refund_voucher(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path
) -> None:
    ids = settle_some(desk, 2)
    desk.reverse(desk.login("super", "super123", via="reversal"), ids[0], "费用录入错误")
    window = open_window(qtbot, desk, tasks)
    page = window.history_page
    window.show_page(page)
    settle_done()
    for local_id, name in ((ids[0], "reversed.pdf"), (ids[1], "normal.pdf")):
        select_local_id(window, local_id)
        page.reprint_selected(tmp_path / name)
        settle_done()
    reversed_text = pdf_text(tmp_path / "reversed.pdf").replace(" ", "")
    assert "已冲正" in reversed_text and "作废" in reversed_text and "退费凭证" in reversed_text
    assert "费用录入错误" in reversed_text and "退还个人现金" in reversed_text
    normal = pdf_text(tmp_path / "normal.pdf").replace(" ", "")
    assert "已冲正" not in normal and "退费凭证" not in normal


def test_the_slip_is_a_complete_settlement_statement(desk: Desk, tmp_path: Path, qtbot: QtBot) -> None:
    ids = settle_some(desk, 1)
    data = desk.slip_data(ids[0], "demo", reprint=True)
    categories = dict(data["fee_categories"])
    assert {"床位费", "诊察费", "检查费", "化验费", "西药费"} <= set(categories)
    assert sum(float(v) for v in categories.values()) == float(data["result"]["setlinfo"]["medfee_sumamt"])
    assert data["days"] == 5
    assert data["settlement_no"].startswith(desk.fixmedins_code) and len(data["settlement_no"]) > 20
    assert data["operator"] == "示例收费员"  # the operator's name, not the login
    path = Path(produce_slip(desk, ids[0], "demo", reprint=True, target=tmp_path / "slip.pdf"))
    text = pdf_text(path).replace(" ", "")
    for part in ("费用分类", "床位费", "西药费", "共5天", "结算时间", data["settlement_no"], "盖章",
                 "经办人：示例收费员"):
        assert part in text, part
    assert "本次0.00元" not in text  # a fund that pays nothing is not explained step by step
    assert "您本次应承担" in text


def test_slip_files_are_readable_by_this_user_only(desk: Desk, qtbot: QtBot) -> None:
    ids = settle_some(desk, 1)
    path = Path(produce_slip(desk, ids[0], "demo", reprint=False))
    assert path.parent == desk.slip_dir
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_esc_on_a_settled_patient_whose_slip_was_not_printed_asks_first(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path
) -> None:
    window = open_window(qtbot, desk, tasks)
    page = window.settle_page
    person = next(p for p in persons() if p["assistance_group"] == "dibao")
    page.identify.setText(str(person["certno"]))
    page.lookup()
    settle_done()
    assert page.person is not None
    assert page.identify.text() == ""  # the full ID number does not stay in the box
    page.enter_stay("ZY-ESC-1", dt.date.today() - dt.timedelta(days=7))
    page.import_file(BILLS / "bill_07_lumbar_overcap.json", ask=False)
    settle_done()
    page.confirm_settle = False
    page.settle()
    settle_done()
    assert page.outcome is not None, page.state_label.text()
    asked: list[str] = []
    answers = iter(["cancel", "clear"])

    def ask() -> str:
        asked.append("asked")
        return next(answers)

    page.ask_unprinted = ask  # type: ignore[method-assign]
    press_esc(window)
    assert asked == ["asked"] and page.outcome is not None  # cancelled: the patient stays
    press_esc(window)
    assert len(asked) == 2 and page.outcome is None
    # Once printed, Esc clears without asking.
    page.identify.setText(str(person["certno"]))
    page.lookup()
    settle_done()
    page.enter_stay("ZY-ESC-2", dt.date.today() - dt.timedelta(days=7))
    page.import_file(BILLS / "bill_07_lumbar_overcap.json", ask=False)
    settle_done()
    page.settle()
    settle_done()
    # the same person, typed stays of the same days: settled only with a reason
    assert page.overlap_dialog is not None and page.outcome is None
    page.overlap_dialog.reason.setText("再次入院")
    page.overlap_dialog.buttons.accepted.emit()
    settle_done()
    assert page.outcome is not None, page.state_label.text()
    page.print_slip(tmp_path / "slip.pdf")
    settle_done()
    press_esc(window)
    assert len(asked) == 2 and page.outcome is None


def test_reversal_dialog_shows_the_patient_and_amount_and_names_a_missing_field(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done
) -> None:
    ids = settle_some(desk, 1)
    window = open_window(qtbot, desk, tasks)
    page = window.history_page
    window.show_page(page)
    settle_done()
    select_local_id(window, ids[0])
    row = page.selected()
    assert row is not None
    dialog = ReverseDialog(ids[0], page, entry=row)
    qtbot.addWidget(dialog)
    dialog.show()
    entry = desk.journal()[0]
    shown = dialog.subject.text()
    assert entry["psn_name"] in shown and entry["certno"] in shown and "*" in entry["certno"]
    assert entry["setlinfo"]["psn_cash_pay"] in shown
    dialog.supervisor.setText("super")
    qtbot.keyClick(dialog.supervisor, Qt.Key.Key_Return)
    assert dialog.result() != ReverseDialog.DialogCode.Accepted
    assert "密码" in dialog.missing.text() and "原因" in dialog.missing.text()
    assert "主管" not in dialog.missing.text()
    dialog.password.setText("super123")
    dialog.reason.setText("重复结算")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == ReverseDialog.DialogCode.Accepted


def test_history_finds_a_patient_by_id_number_and_by_name_and_shows_the_time(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done
) -> None:
    ids = settle_some(desk, 2)
    window = open_window(qtbot, desk, tasks)
    page = window.history_page
    window.show_page(page)
    settle_done()
    assert page.model.rowCount() == 2
    person = persons()[11]  # the second settlement's patient
    for text in (str(person["certno"]), str(person["psn_name"])):
        page.text.setText(text)
        page.search()
        settle_done()
        assert page.model.rowCount() == 1, text
        assert page.model.row_at(0)["local_id"] == ids[1]
    columns = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert "时间" in columns
    time_text = page.model.row_at(0)["time_text"]
    assert len(time_text) == 5 and time_text[2] == ":"
