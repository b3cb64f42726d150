"""The screens as a clerk meets them, off screen with real widgets:

- offline is unmistakable: a coloured banner with the queue count while the desk is offline or
  provisional settlements wait; the confirmation says 离线结算·暂定 before a provisional
  settlement; the print message does not replace the provisional state;
- the window fits a 1366×768 screen (maximised under a taskbar: 1366×698), every button and the
  status line inside it; money figures are never cut, even at the window's minimum size with the
  splitter dragged to the end;
- everything on screen is Chinese: no English words, code names, raw ISO timestamps, bare
  transaction codes, backticks; an error shows its clerk sentence only (the English detail is in
  the tooltip); Qt's own file dialog is Chinese; export files get Chinese names;
- every button shows its shortcut, and a page's shortcut acts only while the page is shown;
- both Excel exports report success and are audited.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QDate, QModelIndex, QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from hospital_client import paths, store
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui import dayend_page as dayend_module
from hospital_client.ui import settle_page as settle_module
from hospital_client.ui.bill_dialog import BillPreviewDialog
from hospital_client.ui.history_page import EntryDialog, ReverseDialog
from hospital_client.ui.login_dialog import LoginDialog
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.settle_page import ConfirmDialog
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"
SMALL_SCREEN = (1366, 698)  # a 1366×768 screen less a 40-pixel taskbar and a 30-pixel title bar

# English that must not reach the clerk; ASCII words allowed on screen (keys, acronyms, the language
# chooser, the demo logins).
FORBIDDEN = re.compile(r"provisional|offline|online|hifmi|basic|assistance|settlement|reversal|queued|"
                       r"error|final|Look in|Files of type", re.IGNORECASE)
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:")
BARE_TRANSACTION = re.compile(r"(?<![\d\w])230[45](?![\d\w])")
WORD = re.compile(r"(?<![\w./\\-])([A-Za-z]{3,})(?![\w./\\-])")
ALLOWED_WORDS = {"Enter", "Esc", "Ctrl", "Shift", "Excel", "English", "demo", "admin", "super"}


def persons() -> list[dict[str, object]]:
    return json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]


def settle_some(desk: Desk, count: int = 2) -> None:
    clerk = desk.login("demo", "demo123")
    today = dt.date.today()
    for i, bill in enumerate(sorted(BILLS.glob("bill_0[1-4]_*.json"))[:count]):
        fees = json.loads(bill.read_text(encoding="utf-8"))["fees"]
        request = desk.build_request(str(persons()[i + 10]["psn_no"]),
                                     EncounterInput(f"ZY-V{i}", 2, today - dt.timedelta(days=5), today), fees)
        desk.settle(clerk, request)


def open_window(qtbot: QtBot, desk: Desk, tasks: TaskRunner, role: str = "demo") -> MainWindow:
    password = {"demo": "demo123", "admin": "admin123"}[role]
    window = MainWindow(desk, tasks, desk.login(role, password))
    qtbot.addWidget(window)
    window.resize(*SMALL_SCREEN)
    window.show()
    qtbot.waitExposed(window)
    return window


def load_patient_and_bill(qtbot: QtBot, window: MainWindow, settle_done, bill: str = "bill_07_lumbar_overcap.json"):  # type: ignore[no-untyped-def]
    page = window.settle_page
    person = next(p for p in persons() if p["assistance_group"] == "dibao")
    page.identify.setText(str(person["card_no"]))
    page.lookup()
    settle_done()
    page.enter_stay("ZY-SCREENS-1", dt.date.today() - dt.timedelta(days=7))
    page.import_file(BILLS / bill, ask=False)
    settle_done()
    assert page.preview is not None
    return page


def all_pages(window: MainWindow) -> list[QWidget]:
    pages: list[QWidget] = [window.settle_page, window.history_page, window.queue_page, window.dayend_page,
                            window.settlement_list_page, window.clearing_page]
    if window.settings_page is not None:
        pages.append(window.settings_page)
    return pages


def screen_texts(root: QWidget) -> list[str]:
    """Every text a clerk can read in the visible widgets under ``root``."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if widget.isWindow():
            texts.append(widget.windowTitle())
        if isinstance(widget, QLabel):
            texts.append(re.sub(r"<[^>]+>", "", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            columns = model.columnCount(QModelIndex())
            texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
            for r in range(min(model.rowCount(QModelIndex()), 60)):
                texts += [str(model.index(r, c).data() or "") for c in range(columns)]
    return [t for t in texts if t]


def english_on(root: QWidget) -> list[str]:
    """The texts under ``root`` that show English, code names, ISO timestamps or backticks."""
    found = []
    for text in screen_texts(root):
        words = {w for w in WORD.findall(text) if w not in ALLOWED_WORDS and not w.isupper()}
        if words or FORBIDDEN.search(text) or ISO_TIMESTAMP.search(text) or BARE_TRANSACTION.search(text) \
                or "`" in text:
            found.append(text)
    return found


def inside(window: QWidget, widget: QWidget) -> bool:
    return window.rect().contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


# --- offline -------------------------------------------------------------------------------------

def test_offline_is_a_coloured_banner_with_the_queue_that_printing_does_not_replace(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path
) -> None:
    settle_some(desk, 2)
    window = open_window(qtbot, desk, tasks)
    banner = window.offline_banner
    assert banner.isVisible() and "离线" in banner.text()  # the demo desk has no central system
    assert "background" in banner.styleSheet()
    qtbot.waitUntil(lambda: "待上传：2" in banner.text(), timeout=5_000)
    assert window.queue_status.isVisible() and window.queue_status.text() == "待上传：2"
    assert "（2）" in window.tabs.tabText(2)

    page = load_patient_and_bill(qtbot, window, settle_done)
    page.confirm_settle = False
    page.settle()
    settle_done()
    assert page.outcome is not None and page.outcome.committed.state == "provisional"
    qtbot.waitUntil(lambda: "待上传：3" in banner.text(), timeout=5_000)
    assert page.provisional_mark.isVisible() and "离线结算·暂定" in page.provisional_mark.text()
    page.print_slip(tmp_path / "slip.pdf")
    settle_done()
    assert "结算单已输出" in page.state_label.text()
    assert "暂定" in page.state_label.text() and page.outcome.committed.queue_no in page.state_label.text()
    assert banner.isVisible() and page.provisional_mark.isVisible()
    for name in ("03", "04"):  # the banner stays whichever page is shown
        window.show_page(window.history_page if name == "03" else window.dayend_page)
        settle_done()
        assert banner.isVisible()
    page.clear()
    assert not page.provisional_mark.isVisible()


def test_online_with_nothing_queued_shows_no_banner(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                   settle_done) -> None:
    window = open_window(qtbot, desk, tasks)
    settle_done()
    synced = dt.datetime(2026, 12, 4, 9, 30, 12).astimezone().isoformat()
    online = SimpleNamespace(configured=True, last_error="", waiting=0, last_success_at=synced, clock_warning=None)
    window._status_read((online, []))
    assert not window.offline_banner.isVisible() and not window.provisional_expected
    assert window.sync_status.text() == "最近同步：2026-12-04 09:30"
    window._status_read((SimpleNamespace(**{**online.__dict__, "waiting": 3}), []))
    assert window.offline_banner.isVisible() and "3 笔" in window.offline_banner.text()
    assert window.provisional_expected  # older ones wait: the centre takes them in order
    window._status_read((SimpleNamespace(**{**online.__dict__, "last_error": "connect timeout"}), []))
    assert window.offline_banner.isVisible() and "离线" in window.offline_banner.text()


def test_the_confirmation_says_offline_provisional(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, desk, tasks)
    page = load_patient_and_bill(qtbot, window, settle_done)
    shown: list[list[str]] = []

    def look(dialog: QDialog) -> int:
        dialog.show()
        shown.append(screen_texts(dialog))
        dialog.close()
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(settle_module.ConfirmDialog, "exec", look)
    page.settle()
    settle_done()  # the look for an overlapping stay runs in a worker first
    assert shown and any("离线结算·暂定" in t for t in shown[0])
    assert page.outcome is None  # Esc on the confirmation settles nothing

    online = SimpleNamespace(configured=True, last_error="", waiting=0, last_success_at="", clock_warning=None)
    window._status_read((online, []))
    page.settle()
    assert not any("暂定" in t for t in shown[1])


# --- 1366×768 ------------------------------------------------------------------------------------

def test_every_page_fits_a_1366x768_screen(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 2)
    window = open_window(qtbot, desk, tasks, "admin")
    load_patient_and_bill(qtbot, window, settle_done)
    assert window.minimumSize().width() <= SMALL_SCREEN[0] and window.minimumSize().height() <= SMALL_SCREEN[1]
    assert (window.width(), window.height()) == SMALL_SCREEN
    for page in all_pages(window):
        window.show_page(page)
        settle_done()
        qtbot.wait(50)
        assert (window.width(), window.height()) == SMALL_SCREEN, type(page).__name__
        assert inside(window, window.statusBar()) and window.statusBar().isVisible()
        for widget in window.findChildren(QWidget):
            if widget.isVisible() and isinstance(widget, QAbstractButton | QLabel | QLineEdit | QComboBox):
                what = (type(page).__name__, widget.objectName(), getattr(widget, "text", str)())
                assert inside(window, widget), what
        for label in page.findChildren(QLabel, options=Qt.FindChildOption.FindChildrenRecursively):
            if label.isVisible() and label.objectName().startswith("fig_"):  # no figure squeezed in height
                assert label.height() >= label.fontMetrics().height(), (label.objectName(), label.height())
        for label in window.statusBar().findChildren(QLabel):  # the status line is read whole
            if label.isVisible():
                assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()), label.text()


def test_money_figures_are_never_cut(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = open_window(qtbot, desk, tasks)
    page = load_patient_and_bill(qtbot, window, settle_done)
    window.resize(1, 1)  # as small as the window goes
    split = page.findChild(QSplitter)
    assert split is not None
    for sizes in ([10_000, 0], [0, 10_000]):  # the divider dragged to either end
        split.setSizes(sizes)
        qtbot.wait(50)
        figures = [*page.breakdown.figures.values(), page.cash_label]
        for label in figures:
            needed = label.fontMetrics().horizontalAdvance(label.text())
            shown = label.visibleRegion().boundingRect()
            assert label.text() not in ("", "—") and shown.width() >= min(needed, label.width()) > 0, label.objectName()
            assert label.width() >= needed, (label.objectName(), label.text(), label.width(), needed)
            assert inside(window, label)


# --- Chinese everywhere --------------------------------------------------------------------------

def test_no_english_codes_or_iso_timestamps_on_screen(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                      settle_done, tmp_path: Path) -> None:
    settle_some(desk, 2)
    desk.reverse(desk.login("super", "super123", via="reversal"), 1, "重复结算")
    window = open_window(qtbot, desk, tasks, "admin")
    page = load_patient_and_bill(qtbot, window, settle_done)  # its warning names the pack's parameters
    assert page.breakdown.warnings.text()
    found: dict[str, list[str]] = {}
    for shown in all_pages(window):
        window.show_page(shown)
        settle_done()
        found[type(shown).__name__] = english_on(window)
    queue = window.queue_page
    window.show_page(queue)
    for index in range(queue.tabs.count()):
        queue.tabs.setCurrentIndex(index)
        found[f"queue tab {index}"] = english_on(window)
    assert {k: v for k, v in found.items() if v} == {}

    entry = EntryDialog(desk.entry(1), window)
    qtbot.addWidget(entry)
    entry.show()
    found["entry"] = english_on(entry)
    confirm = ConfirmDialog(page.person, page.preview.result, window, provisional=True)  # type: ignore[arg-type, union-attr]
    qtbot.addWidget(confirm)
    confirm.show()
    found["confirm"] = english_on(confirm)
    for dialog in (ReverseDialog(1, window), LoginDialog(desk, tasks),
                   BillPreviewDialog(page.bill, window)):  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.show()
        found[type(dialog).__name__] = english_on(dialog)
    assert {k: v for k, v in found.items() if v} == {}


def test_an_error_shows_the_clerk_sentence_and_keeps_the_detail_for_it(
    qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done
) -> None:
    window = open_window(qtbot, desk, tasks)
    page = load_patient_and_bill(qtbot, window, settle_done)
    page.begin.setDate(QDate.currentDate().addDays(3))  # admitted after the discharge
    page.compute()
    settle_done()
    text = page.state_label.text()
    assert "出院日期早于入院日期" in text
    assert not re.search(r"[A-Za-z]{3,}", text)
    assert "endtime is before begntime" in page.state_label.toolTip()  # IT reads it there (and in the log)


def test_qt_file_dialog_speaks_chinese(qtbot: QtBot) -> None:
    dialog = QFileDialog(None, "另存为", "", "Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
    assert not [t for t in labels if re.search(r"[A-Za-z]{3,}", t.replace("&", ""))]


def test_exports_are_suggested_chinese_names(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, desk, tasks)
    page = window.dayend_page
    window.show_page(page)
    settle_done()
    asked: list[str] = []
    monkeypatch.setattr(dayend_module.DayEndPage, "_ask", lambda _page, name, _pattern: asked.append(name) or "")
    page.export_day_end_xlsx()
    page.export_day_end_pdf()
    page.export_funds_xlsx()
    day, month = QDate.currentDate().toString("yyyy-MM-dd"), QDate.currentDate().toString("yyyy-MM")
    assert asked == [f"日结-{day}.xlsx", f"日结-{day}.pdf", f"基金月报-{month}.xlsx"]


# --- shortcuts -----------------------------------------------------------------------------------

def test_every_button_shows_its_shortcut(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 1)
    window = open_window(qtbot, desk, tasks, "admin")
    missing = []
    shortcut = re.compile(r"（(F\d+|Enter|Esc|Ctrl\+[^）]+)）$")
    for page in all_pages(window):
        window.show_page(page)
        settle_done()
        for button in page.findChildren(QPushButton):
            if button.isVisible() and not shortcut.search(button.text()):
                missing.append(button.text())
    for dialog in (ReverseDialog(1, window), LoginDialog(desk, tasks), EntryDialog(desk.entry(1), window)):
        qtbot.addWidget(dialog)
        dialog.show()
        missing += [b.text() for b in dialog.findChildren(QPushButton)
                    if b.isVisible() and not shortcut.search(b.text())]
    assert missing == []


def test_a_page_shortcut_acts_only_on_the_page_shown(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    settle_some(desk, 1)
    window = open_window(qtbot, desk, tasks)
    dayend = window.dayend_page  # built, then hidden behind the history page
    asked: list[str] = []
    monkeypatch.setattr(dayend_module.DayEndPage, "_ask", lambda _page, name, _pattern: asked.append(name) or "")
    history = window.history_page
    window.show_page(history)
    settle_done()
    history.view.selectRow(0)
    history.view.setFocus()
    qtbot.keyClick(history.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # reprint (Ctrl+P)
    qtbot.waitUntil(lambda: "结算单已输出" in history.message.text(), timeout=10_000)
    settle_done()
    assert asked == []  # the day-end page's Ctrl+P (export PDF) did not fire
    window.show_page(dayend)
    settle_done()
    qtbot.keyClick(dayend, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(asked), timeout=5_000)
    assert len(asked) == 1 and asked[0].startswith("日结-") and asked[0].endswith(".pdf")


# --- exports -------------------------------------------------------------------------------------

def test_both_excel_exports_succeed_and_are_audited(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                    tmp_path: Path) -> None:
    settle_some(desk, 2)
    window = open_window(qtbot, desk, tasks)
    page = window.dayend_page
    window.show_page(page)
    settle_done()
    for export, path in ((page.export_day_end_xlsx, tmp_path / "日结.xlsx"),
                         (page.export_funds_xlsx, tmp_path / "基金月报.xlsx")):
        export(path)
        settle_done()
        assert path.exists()
        assert page.message.text() == f"已输出到 {path}", page.message.text()
        assert "意外" not in page.message.text()
    exports = [e for e in store.audit.entries(desk.db()) if e.action == "export"]
    assert [e.subject for e in exports] == ["day_end", "fund_statement"]
    assert all(e.operator == "demo" for e in exports)
