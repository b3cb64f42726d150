"""What a look at every screen found, asserted on real widgets off screen: the warnings under the
explanation end in "…" at 1366×768 instead of being cut mid-character; Qt's own file dialog
names folders and files in Chinese; the outpatient page keeps items typed before the patient is
identified instead of losing them, and says the next step; the stay dialog's Close names Esc."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QFileSystemModel
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.ui.stay_actions import StayActionsDialog
from hospital_client.ui.tasks import TaskRunner

from .test_screens import load_patient_and_bill, open_window, settle_some


def test_a_long_warning_line_ends_in_an_ellipsis_with_the_whole_in_its_tooltip(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = open_window(qtbot, desk, tasks)  # 1366×768
    page = load_patient_and_bill(qtbot, window, settle_done)
    qtbot.wait(50)
    label = page.breakdown.warnings
    whole = label.text()
    assert "本政策包中以下参数为示例值" in whole and whole in label.toolTip()
    shown = label.shown_text()
    room = label.contentsRect().width()
    assert label.fontMetrics().horizontalAdvance(shown) <= room  # nothing drawn past the edge
    assert shown != whole and shown.endswith("…") and whole.startswith(shown[:-1])
    # wide enough, the line is whole again
    window.resize(3000, 1010)
    qtbot.waitUntil(lambda: label.contentsRect().width() > label.fontMetrics().horizontalAdvance(whole))
    assert label.shown_text() == whole
    page.breakdown.show_result(None)
    assert label.text() == "" and label.shown_text() == ""


def test_qt_file_dialog_names_folders_and_files_in_chinese(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "日结").mkdir()
    (tmp_path / "日结单.hcq").write_bytes(bytes(range(256)))  # a type the system does not know
    dialog = QFileDialog(None, "另存为", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    root = model.index(str(tmp_path))
    qtbot.waitUntil(lambda: model.rowCount(root) == 2)
    types = {model.index(row, 0, root).data(): model.index(row, 2, root).data() for row in range(2)}
    assert types["日结"] == "文件夹"  # "Folder" before
    assert not re.search(r"[A-Za-z]{3,}", types["日结单.hcq"].replace("hcq", "")), types


def test_an_item_typed_before_the_patient_is_known_stays_in_the_box(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = open_window(qtbot, desk, tasks)
    window.show_outpatient()
    page = window.outpatient_page
    page.item_edit.setText("1*2")
    qtbot.keyClick(page.item_edit, Qt.Key.Key_Return)
    assert page.lines == [] and page.item_edit.text() == "1*2"
    assert "先识别患者" in page.message.text()
    assert window.focusWidget() is page.id_edit
    person = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"][26]
    page.id_edit.setText(str(person["psn_no"]))
    qtbot.keyClick(page.id_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person is not None)
    settle_done()
    page.item_edit.setText("1*2")
    qtbot.keyClick(page.item_edit, Qt.Key.Key_Return)
    assert len(page.lines) == 1 and page.table.rowCount() == 1 and page.item_edit.text() == ""
    assert "回车结算" in page.message.text()  # the next step once there are figures


def test_the_stay_dialog_closes_with_esc_and_says_so(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = open_window(qtbot, desk, tasks)
    dialog = StayActionsDialog(desk, tasks, desk.login("demo", "demo123"), "ZY-S0", window)
    qtbot.addWidget(dialog)
    dialog.show()
    settle_done()
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    assert "关闭" in close.text() and "Esc" in close.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_the_history_tab_selects_the_newest_but_a_typed_search_keeps_the_box(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 2)
    window = open_window(qtbot, desk, tasks)
    with qtbot.waitActive(window):
        window.activateWindow()
    history = window.history_page
    window.show_page(history)
    settle_done()
    qtbot.waitUntil(lambda: history.view.hasFocus())
    assert history.selected() is not None and history.selected()["local_id"] == 2  # the newest first
    history.text.setFocus()
    qtbot.keyClicks(history.text, "1")
    qtbot.keyClick(history.text, Qt.Key.Key_Return)
    settle_done()
    qtbot.wait(100)  # the rows of the search are in
    assert history.model.rowCount() >= 1 and history.text.hasFocus()
