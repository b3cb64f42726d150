"""The clerk's whole round at the window with the keyboard only, real widgets off screen: the next
patient handed over by HIS (F3), the split on screen, the amount tendered (F7) and Enter, the
confirmation answered with Enter, the change, the slip (F12); then, on the history tab
(Ctrl+Tab), the newest settlement selected, its reversal (Ctrl+R) filled with Tab and Enter.
Esc backs out of the confirmation and clears for the next patient."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import shiboken6
from PySide6.QtCore import QDate, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.ui.history_page import ReverseDialog
from hospital_client.ui.login_dialog import LoginDialog
from hospital_client.ui.override_dialog import OverrideDialog
from hospital_client.ui.settle_page import ConfirmDialog
from hospital_client.ui.tasks import TaskRunner

from .window_helpers import demo_window

HIS_DEMO = paths.demo_dir() / "his"


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


@contextmanager
def _answering_modal(answer: Callable[[QDialog], None]) -> Iterator[list[QDialog]]:
    """Answer the modal dialog that a key press inside the block opens (its exec() runs inside the
    press) with keys, once the dialog is the active window and holds the focus; yields the dialogs
    answered. Polling ends with the block, so a dialog opened late, however loaded the machine,
    is still answered, and none of a later test is. A dialog still open 30 s after its answer is
    rejected (and marked), so a wrong answer fails the test instead of leaving exec() waiting."""
    seen: list[QDialog] = []
    polling = [True]

    def poll() -> None:
        if not polling[0]:
            return
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if not isinstance(dialog, QDialog) or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        if not dialog.isActiveWindow() or focus is None or not dialog.isAncestorOf(focus):
            # The offscreen platform activates a new window when its events come round; under
            # load that is after the dialog is visible, and keys sent before go to the window.
            dialog.activateWindow()
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        answer(dialog)
        _reject_if_still_open(dialog, time.monotonic() + 30, polling)

    QTimer.singleShot(0, poll)
    try:
        yield seen
    finally:
        polling[0] = False


def _reject_if_still_open(dialog: QDialog, deadline: float, polling: list[bool]) -> None:
    def check() -> None:
        if not polling[0] or not shiboken6.isValid(dialog) or not dialog.isVisible():
            return
        if time.monotonic() < deadline:
            QTimer.singleShot(50, check)
            return
        dialog.setProperty("left_open_by_test", True)
        dialog.reject()
    QTimer.singleShot(50, check)


def _back_to(qtbot: QtBot, window: QWidget) -> None:
    """The offscreen platform has no window manager to give the window back its activation
    when a modal dialog closes (a desktop does): do it, and check the window kept its focus."""
    assert window.focusWidget() is not None
    with qtbot.waitActive(window):
        window.activateWindow()


def test_next_patient_settle_cash_print_and_reverse_with_the_keyboard_only(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:
    desk.his_import(HIS_DEMO / "handoff_01_ZY20261101.json", "test")
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    assert page.confirm_settle  # the real confirmation, answered with keys below
    assert _focused() is page.identify  # the window opens ready to identify

    # F3: the next patient handed over by HIS, the split on screen.
    qtbot.keyClick(_focused(), Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: page.preview is not None)
    settle_done()
    assert page.mdtrt_id.text() == "ZY20261101"
    due = Decimal(page.preview.result["setlinfo"]["psn_cash_pay"])
    assert page.breakdown.figures["psn_cash_pay"].text() == f"{due:.2f}"
    assert f"{due:,.2f}" in page.cash_label.text()

    # F7, the amount tendered; Enter settles, the confirmation's Enter commits.
    qtbot.keyClick(_focused(), Qt.Key.Key_F7)
    assert _focused() is page.tendered
    tendered = (due // 100 + 1) * 100
    qtbot.keyClicks(page.tendered, f"{tendered}")
    assert f"{tendered - due:,.2f}" in page.change_label.text()
    with _answering_modal(lambda dialog: qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)) as seen:
        qtbot.keyClick(page.tendered, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: page.outcome is not None, timeout=60_000)
    settle_done()
    assert len(seen) == 1 and isinstance(seen[0], ConfirmDialog)
    assert not seen[0].property("left_open_by_test")
    _back_to(qtbot, window)
    assert page.outcome is not None
    assert page.outcome.payment["tendered"] == f"{tendered:.2f}"
    assert page.outcome.payment["change"] == f"{tendered - due:.2f}"
    assert f"{tendered - due:,.2f}" in page.change_label.text()
    assert "F12" in page.state_label.text()  # the next step is named

    # F12: the slip (a PDF: no printer chosen on this desk).
    qtbot.keyClick(_focused(), Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: page.slip_printed, timeout=60_000)
    settle_done()
    slip = Path(page.state_label.text().splitlines()[-1].split()[-1])
    assert slip.suffix == ".pdf" and slip.stat().st_size > 0
    settled_id = page.outcome.committed.local_id

    # Ctrl+Tab: the history, the newest settlement selected and the table focused; Ctrl+R.
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    history = window.history_page
    assert window.tabs.currentIndex() == 1
    settle_done()
    qtbot.waitUntil(lambda: history.view.hasFocus() and bool(history.view.selectionModel().selectedRows()))
    assert history.selected()["local_id"] == settled_id

    def reverse(dialog: QDialog) -> None:
        qtbot.keyClicks(_focused(), "super")
        qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
        qtbot.keyClicks(_focused(), "super123")
        qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
        qtbot.keyClicks(_focused(), "paid twice")
        qtbot.keyClick(_focused(), Qt.Key.Key_Return)

    with _answering_modal(reverse) as seen:
        qtbot.keyClick(_focused(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: desk.entry(settled_id)["reversed_by"] is not None, timeout=60_000)
    settle_done()
    assert len(seen) == 1 and isinstance(seen[0], ReverseDialog)
    assert not seen[0].property("left_open_by_test")
    _back_to(qtbot, window)
    assert seen[0].supervisor.text() == "super" and seen[0].reason.text() == "paid twice"
    # the reversal and the refund stay on screen after the list is read again
    assert "已冲正" in history.message.text() and f"退还患者 {due:.2f} 元" in history.message.text()
    assert "共 2 条" in history.message.text()  # the settlement and its reversal


def test_esc_backs_out_of_the_confirmation_and_then_clears_for_the_next_patient(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    qtbot.keyClick(_focused(), Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: page.preview is not None)
    settle_done()
    with _answering_modal(lambda dialog: qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)) as seen:
        qtbot.keyClick(_focused(), Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    settle_done()
    assert isinstance(seen[0], ConfirmDialog) and not seen[0].property("left_open_by_test")
    assert seen[0].result() == QDialog.DialogCode.Rejected
    _back_to(qtbot, window)
    assert page.outcome is None and desk.journal() == []
    # Esc on the page: the patient and the stay cleared, the focus back on identification.
    qtbot.keyClick(_focused(), Qt.Key.Key_Escape)
    settle_done()
    assert page.person is None and page.preview is None and page.mdtrt_id.text() == ""
    assert _focused() is page.identify


def test_tab_after_the_figures_goes_to_payment_tendered_settle_print_and_next(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    qtbot.keyClick(_focused(), Qt.Key.Key_F3)  # the next patient from HIS, the split on screen
    qtbot.waitUntil(lambda: page.preview is not None)
    settle_done()
    page.compute_button.setFocus()
    visited = []
    for _ in range(5):
        qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
        visited.append(_focused())
    assert visited == [page.payment_method, page.tendered, page.settle_button, page.print_button,
                       page.clear_button], [w.objectName() or type(w).__name__ for w in visited]


def test_a_blank_admission_date_takes_the_day_typed_and_starts_from_today(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    page.mdtrt_id.setFocus()
    qtbot.keyClicks(page.mdtrt_id, "ZY-TYPED-1")
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    assert _focused() is page.begin and page.begin.date() == page.begin.minimumDate()  # blank
    qtbot.keyClicks(_focused(), "20261128")
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    assert page.begin.date() == QDate(2026, 11, 28), page.begin.text()
    page.new_patient()
    settle_done()
    assert page.begin.date() == page.begin.minimumDate()
    page.begin.setFocus()
    qtbot.keyClick(page.begin, Qt.Key.Key_Up)  # a step from the blank: today, not 2001-01-01
    assert page.begin.date() == QDate.currentDate()
    page.new_patient()
    settle_done()
    arrow = QPoint(page.begin.width() - 8, page.begin.height() // 2)
    qtbot.mouseClick(page.begin, Qt.MouseButton.LeftButton, pos=arrow)
    calendar = page.begin.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())  # not January 2000
    assert page.begin.date() == page.begin.minimumDate()  # still blank until a day is chosen
    assert calendar.selectedDate() == today  # the arrow keys step from today, not from 2000-01-01
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert page.begin.date() == page.begin.minimumDate()  # Esc leaves it blank
    qtbot.mouseClick(page.begin, Qt.MouseButton.LeftButton, pos=arrow)
    qtbot.waitUntil(calendar.isVisible)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert page.begin.date() == today.addDays(-1), page.begin.date()  # yesterday, not 2000-01-01


def test_login_with_the_keyboard_says_nothing_wrong_before_the_password(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    dialog = LoginDialog(desk, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    assert _focused() is dialog.name
    qtbot.keyClicks(dialog.name, "demo")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # on to the password: no login tried yet
    assert _focused() is dialog.password and dialog.message.text() == ""
    qtbot.keyClicks(dialog.password, "demo123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle_done()
    qtbot.waitUntil(lambda: dialog.operator is not None)
    assert dialog.operator is not None and dialog.operator.name == "demo"


def test_a_supervisor_override_is_filled_and_given_with_the_keyboard(qtbot: QtBot) -> None:
    dialog = OverrideDialog([{"rule_id": "QTY-001", "text": "降钙素原测定每次住院限1次，超出1次", "amount": "120.00"}])
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    dialog.supervisor.setFocus()
    for text in ("super", "super123", "indication on record"):
        qtbot.keyClicks(_focused(), text)
        qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    assert dialog.reason_text() == "indication on record"  # no tab typed into the reason
    assert _focused() is dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.rule_ids() == ["QTY-001"]
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "返回（Esc）"


def test_keys_are_named_as_printed_on_the_keyboard(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    window.show_outpatient()
    settle_done()
    button = window.outpatient_page.findChild(QPushButton, "op_settle")
    # named by the key the settle page names (F9, the window's key on this page too); Ctrl+Enter still works
    assert button is not None and button.text() == "结算（F9）" == window.settle_page.settle_button.text()
    assert button.shortcut() == QKeySequence("Ctrl+Return") and "Ctrl+Enter" in button.toolTip()
    page = window.outpatient_page
    for key, modifier in ((Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
                          (Qt.Key.Key_F9, Qt.KeyboardModifier.NoModifier)):
        page.message.clear()
        qtbot.keyClick(page.item_edit, key, modifier)  # both settle: nothing to settle yet, it says so
        qtbot.waitUntil(lambda: "至少" in page.message.text())  # a button's key clicks it a moment later
    assert not any("Return" in b.text() for b in window.findChildren(QPushButton) if b.isVisible())
