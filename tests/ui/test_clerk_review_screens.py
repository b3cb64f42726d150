"""What a clerk's look at every screen found, asserted on real widgets off screen, at the size the
window has maximised on a 1366×768 screen (and on a 1920×1080 one): the HIS hand-over list shows
each entry's masked name and date; the bill keeps about eight rows under the smart review; every
tab has its key in its title; the settlement-list check speaks Chinese without field codes; a
settlement with no amount tendered says the exact amount was taken, as the slip and the journal
record it; Qt's own dialogs format dates in Chinese while amounts keep their decimal point."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QStyle, QStyleOptionComboBox, QTableView
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app import Payment
from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.settle_page import ConfirmDialog, SettlePage
from hospital_client.ui.slip import slip_html, slip_info_from
from hospital_client.ui.tasks import TaskRunner

from .test_screens import load_patient_and_bill, settle_some

SMALL, LARGE = SCREENS["1366x768"], SCREENS["1920x1080"]
FIELD_CODE = re.compile(r"[（(][a-z][a-z0-9_.\[\]]*[）)]|\b(setlinfo|diseinfo|oprninfo|iteminfo|payinfo)\b")


def window_at(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, size: tuple[int, int],  # type: ignore[no-untyped-def]
              role: str = "demo") -> MainWindow:
    window = MainWindow(desk, tasks, desk.login(role, {"demo": "demo123", "admin": "admin123"}[role]))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    settle_done()
    return window


def whole_rows(view: QTableView) -> int:
    """The rows of a table drawn whole in its viewport."""
    room = view.viewport().rect()
    return sum(1 for row in range(view.model().rowCount())
               if room.contains(view.visualRect(view.model().index(row, 0))))


# --- 1. the HIS hand-over list ------------------------------------------------------------------
def test_the_waiting_list_shows_name_and_date_in_the_box_and_whole_entries_when_open(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    combo = window.settle_page.waiting.combo
    assert combo.count() == 3  # the demo drop folder's hand-offs
    # the closed box: what is drawn (its edit field) holds the admission no., the masked name and the date
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    text = combo.currentText()
    date = re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert date is not None and "**" in text, text
    head = text[:date.end()]
    assert "**" in head  # the masked name comes before the date
    assert combo.fontMetrics().horizontalAdvance(head) <= field.width(), (head, field.width())
    # the open list: each entry whole, though the box is narrower
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    widest = max(view.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert widest > combo.width()  # it would be cut in a list as wide as the box
    assert view.viewport().width() >= widest + 8, (view.viewport().width(), widest)
    combo.hidePopup()


# --- 2. the bill under the smart review ------------------------------------------------------------
def test_the_bill_keeps_eight_rows_at_1366_and_the_warnings_open_on_request(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, window, settle_done)  # the demo bill: 39 lines, two warnings
    panel = page.review.panel
    qtbot.waitUntil(panel.isVisible)
    qtbot.waitUntil(lambda: whole_rows(page.fee_view) >= 8)
    assert len(panel.violations) == 2 and not panel.details_open and not panel.table.isVisible()
    assert "1,206.00" in panel.summary.text() and "智能审核" in panel.summary.text()
    # the clerk opens the list of warnings, and it stays open until the next computation
    qtbot.mouseClick(panel.details_button, Qt.MouseButton.LeftButton)
    assert panel.details_open and panel.table.isVisible() and panel.table.rowCount() == 2
    qtbot.mouseClick(panel.details_button, Qt.MouseButton.LeftButton)
    assert not panel.table.isVisible()
    # on a 1920×1080 screen the list is open from the start and the bill has room still
    window.resize(*LARGE)
    qtbot.waitUntil(lambda: page.height() > 800)
    page.compute()
    settle_done()
    qtbot.waitUntil(panel.table.isVisible)
    qtbot.waitUntil(lambda: whole_rows(page.fee_view) >= 15)


def test_a_block_always_shows_its_table_at_1366(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, window, settle_done, "bill_04_femur_fracture.json")
    panel = page.review.panel
    qtbot.waitUntil(panel.isVisible)
    assert panel.details_open and panel.table.isVisible()  # a 拦截 is charged to the patient: shown whole


# --- 3. the tabs' keys ------------------------------------------------------------------------------
def test_every_tab_has_its_key_in_its_title_and_the_key_opens_it(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 1)  # one waiting for upload: the queue's title has its count too
    window = window_at(qtbot, desk, tasks, settle_done, SMALL, role="admin")
    tabs = window.tabs
    window.refresh_status()
    settle_done()
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[0] == "结算（Ctrl+1）" and titles[1] == "结算记录（Ctrl+2）", titles
    assert all(f"（Ctrl+{i + 1}）" in title for i, title in enumerate(titles)), titles
    assert "（1）" in titles[2]  # the queue's count stays beside its key
    # every title whole on a 1366 screen, the settings tab of an admin included
    assert tabs.tabBar().sizeHint().width() <= tabs.width(), (tabs.tabBar().sizeHint().width(), tabs.width())
    # the tab keys clash with no other key of the window or of its pages
    keys = [a.shortcut().toString() for a in window.actions() if isinstance(a, QAction) and not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    tab_keys = {f"Ctrl+{n}" for n in range(1, 10)}
    for page in (window.settle_page, window.history_page, window.queue_page, window.dayend_page,
                 window.settlement_list_page, window.clearing_page, window.outpatient_page, window.settings_page):
        assert page is not None
        page_keys = ({b.shortcut().toString() for b in page.findChildren(QPushButton)}
                     | {s.key().toString() for s in page.findChildren(QShortcut)})
        assert not page_keys & tab_keys, page_keys
    settle_done()
    with qtbot.waitActive(window):
        window.activateWindow()
    focus = window.settle_page.identify
    qtbot.keyClick(focus, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    settle_done()
    assert tabs.currentIndex() == 1
    qtbot.keyClick(tabs.currentWidget(), Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    settle_done()
    assert tabs.currentIndex() == 6 and "门诊" in tabs.tabText(6)
    qtbot.keyClick(tabs.currentWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is window.settle_page
    assert QKeySequence("Ctrl+2").toString() in tabs.tabText(1)


# --- 4. the settlement-list check ---------------------------------------------------------------------
def test_the_list_check_names_fields_in_chinese_without_their_codes(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 1)
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    lists = window.settlement_list_page
    window.show_page(lists)
    settle_done()
    qtbot.waitUntil(lambda: lists.model.rowCount() == 1)
    lists.view.selectRow(0)
    lists.check_selected()
    settle_done()
    shown = [lists.problems.item(i).text() for i in range(lists.problems.count())]
    assert "出院科别缺失" in shown and "离院方式缺失" in shown, shown
    assert not [text for text in shown if FIELD_CODE.search(text)], shown
    tips = [lists.problems.item(i).toolTip() for i in range(lists.problems.count())]
    assert any("dscg_caty" in tip for tip in tips)  # the code stays for IT, in the tooltip


# --- 5. no amount tendered -------------------------------------------------------------------------
def settle_on_page(qtbot: QtBot, page: SettlePage, settle_done, tendered: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page.confirm_settle = False
    page.tendered.setText(tendered)
    page.settle()
    settle_done()
    assert page.outcome is not None and page.outcome.payment is not None
    return page.outcome.payment


def test_no_amount_tendered_shows_no_change_and_says_the_exact_amount_was_taken(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, window, settle_done)
    assert page.preview is not None and page.person is not None
    due = Decimal(page.preview.result["setlinfo"]["psn_cash_pay"])
    # the confirmation says so before anything is settled
    exact = ConfirmDialog(page.person, page.preview.result, page, payment=Payment("cash", None))
    qtbot.addWidget(exact)
    line = exact.findChild(type(page.state_label), "confirm_tendered")
    assert line is not None and "未录入实收金额" in line.text() and f"{due:,.2f}" in line.text(), line.text()
    paid = ConfirmDialog(page.person, page.preview.result, page, payment=Payment("cash", Decimal("8000")))
    qtbot.addWidget(paid)
    line = paid.findChild(type(page.state_label), "confirm_tendered")
    assert line is not None and f"{Decimal('8000') - due:,.2f}" in line.text(), line.text()

    payment = settle_on_page(qtbot, page, settle_done, "")
    assert page.change_label.text() == "找零　—"
    assert "未录入实收金额" in page.state_label.text() and f"¥{due:,.2f}" in page.state_label.text()
    # what the screen says is what the slip and the journal record: the amount due received, no change
    assert Decimal(payment["tendered"]) == due and Decimal(payment["change"]) == 0
    local_id = page.outcome.committed.local_id if page.outcome else 0
    slip = slip_html(slip_info_from(desk.slip_data(local_id, "demo"), "now", False))
    assert f"实收金额：<b>{due:.2f}</b>" in slip and "找零：<b>0.00</b>" in slip
    report = desk.day_close_report(desk.login("demo", "demo123"))
    assert report.tendered == due and report.change == 0


def test_an_amount_tendered_shows_its_change_as_the_slip_records_it(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, window, settle_done)
    assert page.preview is not None
    due = Decimal(page.preview.result["setlinfo"]["psn_cash_pay"])
    qtbot.keyClicks(page.tendered, "8000.50")  # typed as the clerk does: the decimal point kept
    assert page.tendered.text() == "8000.50"
    change = Decimal("8000.50") - due
    assert page.change_label.text() == f"找零　¥ {change:,.2f}"
    payment = settle_on_page(qtbot, page, settle_done, "8000.50")
    assert page.change_label.text() == f"找零　¥ {change:,.2f}" and "未录入实收金额" not in page.state_label.text()
    assert Decimal(payment["tendered"]) == Decimal("8000.50") and Decimal(payment["change"]) == change


# --- 6. Qt's own dialogs in Chinese ------------------------------------------------------------------
LOCALE_PROBE = """
import json, os, sys
from hospital_client.ui.i18n import use_language_locale
use_language_locale(sys.argv[1])
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QLineEdit
from hospital_client.ui.application import make_application
app = make_application()
folder = sys.argv[2]
dialog = QFileDialog(None, "save", folder)
dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
dialog.show()
model = dialog.findChild(QFileSystemModel)
root = model.index(folder)
for _ in range(200):
    app.processEvents()
    if model.rowCount(root) and model.index(0, 3, root).data():
        break
    import time; time.sleep(0.02)
edit = QLineEdit()
edit.insert("123.45")
system = QLocale.system()
print(json.dumps({"name": system.name(), "date": model.index(0, 3, root).data(),
                  "point": system.decimalPoint(), "edit": edit.text(),
                  "lc_ctype": os.environ.get("LC_CTYPE", "")}))
"""


def probe_locale(language: str, tmp_path: Path, env: dict[str, str]) -> dict[str, object]:
    (tmp_path / "日结单.pdf").write_bytes(b"%PDF-1.4\n" * 200)
    done = subprocess.run([sys.executable, "-c", LOCALE_PROBE, language, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env=env, cwd=str(paths.resources_dir().parent))
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_qt_dialogs_format_dates_in_chinese_and_amounts_keep_their_point(tmp_path: Path) -> None:
    import os

    # a desk whose system says C (as this one): LC_ALL overrides everything
    env = {**os.environ, "LC_ALL": "C", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
    chinese = probe_locale("zh_CN", tmp_path, env)
    assert chinese["name"] == "zh_CN"
    assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}", str(chinese["date"])), chinese["date"]
    assert chinese["point"] == "." and chinese["edit"] == "123.45"
    assert chinese["lc_ctype"] == "C"  # the other categories as the system had them
    english = probe_locale("en", tmp_path, env)
    assert english["name"] == "C" and english["edit"] == "123.45"
