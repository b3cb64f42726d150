"""The settle screen's guards around HIS stays, real widgets off screen: a field the hand-off
filled is unlocked only on purpose (audited, no name or ID number in the record); a typed stay
overlapping another stay of the same person is settled only with a reason (audited); a refused
second settlement shows the first, with its reprint (F12) and its reversal (Ctrl+R, History) a key
away; the History search box does not keep a full ID number on screen."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.store import audit
from hospital_client.ui.tasks import TaskRunner

from .window_helpers import demo_window

DEMO = paths.demo_dir()
PERSONS = json.loads((DEMO / "roster.json").read_text(encoding="utf-8"))["persons"]
SMALL_BILL = DEMO / "bills" / "bill_02_appendicitis_small.json"


def _audited(desk: Desk, action: str) -> list[Any]:
    return [e for e in audit.entries(desk.db()) if e.action == action]


def _typed_stay(page, settle_done, person: dict[str, Any], admission_no: str, admitted: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.identify.setText(str(person["card_no"]))
    page.lookup()
    settle_done()
    page.enter_stay(admission_no, admitted)
    page.import_file(SMALL_BILL, ask=False)
    settle_done()
    assert page.preview is not None


def test_a_handoff_field_is_unlocked_on_purpose_and_audited(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    assert not page.unlock_button.isEnabled()  # a typed stay has nothing locked
    page.take_stay("ZY20261101")
    settle_done()
    assert page.mdtrt_id.isReadOnly() and page.begin.isReadOnly() and page.unlock_button.isEnabled()
    # Ctrl+U opens the menu of locked fields; the discharge date is chosen
    actions = {a.data(): a for a in page.unlock_menu.actions()}
    assert set(actions) == {"admission_no", "admitted", "discharged", "diagnosis"}
    actions["discharged"].trigger()
    settle_done()
    assert not page.end.isReadOnly() and page.begin.isReadOnly() and page.mdtrt_id.isReadOnly()
    assert "解锁" in page.end.toolTip()
    entries = _audited(desk, "unlock_field")
    assert len(entries) == 1 and entries[0].operator == "demo"
    detail = json.dumps(entries[0].detail, ensure_ascii=False) + entries[0].subject
    assert "discharged" in detail and "ZY20261101" in detail
    person = PERSONS[0]
    assert person["certno"] not in detail and "郑雪霞" not in detail and person["psn_no"] not in detail
    # Esc locks nothing of the next patient: fields are plain again, no unlock possible
    page.clear()
    settle_done()
    assert not page.unlock_button.isEnabled() and not page.end.isReadOnly()


def test_an_overlapping_typed_stay_needs_a_confirmed_reason(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    page.confirm_settle = False
    person = PERSONS[0]
    _typed_stay(page, settle_done, person, "ZY-TYPED-1", dt.date.today() - dt.timedelta(days=5))
    page.settle()
    settle_done()
    assert page.outcome is not None and page.overlap_dialog is None  # nothing overlaps: no question
    first = page.outcome.committed.local_id
    page.slip_printed = True
    page.clear()
    settle_done()

    # the same person, another typed admission no., dates overlapping the first
    _typed_stay(page, settle_done, person, "ZY-TYPED-2", dt.date.today() - dt.timedelta(days=2))
    page.settle()
    settle_done()
    dialog = page.overlap_dialog
    assert dialog is not None and dialog.isVisible() and page.outcome is None
    lines = " ".join(w.text() for w in dialog.findChildren(type(dialog.missing)) if w.objectName() == "overlap_line")
    assert "ZY-TYPED-1" in lines and str(first) in lines
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # no reason: not accepted
    assert dialog.isVisible() and dialog.missing.text()
    dialog.reason.setText("另一次入院，病案已核对")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    settle_done()
    assert page.outcome is not None and page.outcome.committed.local_id != first
    entries = _audited(desk, "overlap_confirm")
    assert len(entries) == 1 and entries[0].detail["reason"] == "另一次入院，病案已核对"
    assert entries[0].detail["overlaps"] == [first] and entries[0].detail["stay"] == "ZY-TYPED-2"
    assert person["certno"] not in json.dumps(entries[0].detail, ensure_ascii=False)

    # Esc in the warning goes back: nothing settled, nothing audited
    page.slip_printed = True
    page.clear()
    settle_done()
    _typed_stay(page, settle_done, person, "ZY-TYPED-3", dt.date.today() - dt.timedelta(days=1))
    page.settle()
    settle_done()
    assert page.overlap_dialog is not None and page.overlap_dialog is not dialog
    qtbot.keyClick(page.overlap_dialog.reason, Qt.Key.Key_Escape)
    settle_done()
    assert page.outcome is None and len(_audited(desk, "overlap_confirm")) == 1


def test_stays_from_his_of_different_dates_need_no_reason(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    page.confirm_settle = False
    page.take_stay("ZY20261101")
    settle_done()
    page.settle()
    settle_done()
    assert page.outcome is not None and page.overlap_dialog is None


def _refused_second(qtbot: QtBot, page, settle_done):  # type: ignore[no-untyped-def]
    page.confirm_settle = False
    page.take_stay("ZY20261102")
    settle_done()
    page.settle()
    settle_done()
    first = page.outcome.committed
    page.slip_printed = True
    page.clear()
    settle_done()
    _typed_stay(page, settle_done, PERSONS[1], "ZY20261102", dt.date(2026, 11, 16))
    page.settle()
    settle_done()
    assert page.outcome is None
    dialog = page.first_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # its keys answer at once
    shown = " ".join(label.text() for label in dialog.findChildren(type(page.state_label)))
    assert first.queue_no in shown and str(first.local_id) in shown and "2773.40" in shown
    assert "示例收费员" in shown  # the clerk by name, not the login
    return first, dialog


def test_a_refused_second_settlement_offers_the_first_slip(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    first, dialog = _refused_second(qtbot, page, settle_done)
    printed: list[tuple[int | None, bool]] = []
    page.print_slip = lambda path=None, *, local_id=None, reprint=False: printed.append((local_id, reprint))
    qtbot.keyClick(dialog, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: not dialog.isVisible())  # the button's shortcut clicks it after a short flash
    assert printed == [(first.local_id, True)]


def test_a_refused_second_settlement_leads_to_its_reversal(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    first, dialog = _refused_second(qtbot, page, settle_done)
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.REVERSE
    history = window.history_page
    qtbot.waitUntil(lambda: history.reverse_dialog is not None and history.reverse_dialog.isVisible())
    settle_done()
    assert window.tabs.currentWidget() is history.parentWidget() or window.tabs.currentWidget() is history
    selected = history.view.selectionModel().selectedRows()
    assert len(selected) == 1 and history.model.row_at(selected[0].row())["local_id"] == first.local_id
    reverse = history.reverse_dialog
    assert str(first.local_id) in reverse.windowTitle()
    reverse.supervisor.setText("super")
    reverse.password.setText("super123")
    reverse.reason.setText("重复结算")
    qtbot.keyClick(reverse.reason, Qt.Key.Key_Return)
    settle_done()
    assert desk.entry(first.local_id)["reversed_by"] is not None


def test_history_search_does_not_keep_the_full_id_number(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    page.confirm_settle = False
    page.take_stay("ZY20261101")
    settle_done()
    page.settle()
    settle_done()
    window.show_page(window.history_page)
    settle_done()
    history = window.history_page
    certno = PERSONS[0]["certno"]
    history.text.setFocus()  # the page opens with the table focused: the clerk goes to the search box
    history.text.setText(certno)
    qtbot.keyClick(history.text, Qt.Key.Key_Return)
    settle_done()
    assert certno not in history.text.text() and history.text.text() == certno[:4] + "*" * 10 + certno[-4:]
    assert [r["local_id"] for r in history.model.rows()] == [page.outcome.committed.local_id]
    # Enter again searches the same person, still masked
    qtbot.keyClick(history.text, Qt.Key.Key_Return)
    settle_done()
    assert len(history.model.rows()) == 1 and certno not in history.text.text()
    # another search text replaces it
    history.text.setText("nobody")
    qtbot.keyClick(history.text, Qt.Key.Key_Return)
    settle_done()
    assert history.model.rows() == [] and history.text.text() == "nobody"
