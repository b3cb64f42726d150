"""The settle screen with stays handed over by HIS, real widgets off screen: the clerk takes the
next waiting patient (F3); the stay fields come from the hand-off, read-only; Esc clears them
(no admission no. or date carried over, the level from the site); a stay settled once is no
longer waiting; a hand-off of another person than the one identified is refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.ui.tasks import TaskRunner

from .window_helpers import demo_window

HIS_DEMO = paths.demo_dir() / "his"


def test_the_stay_comes_from_the_handoff_read_only_and_esc_clears_it(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    desk.his_import(HIS_DEMO / "handoff_01_ZY20261101.json", "test")
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    page.confirm_settle = False
    # nothing is made up before a stay is given
    assert page.mdtrt_id.text() == "" and page.begin.text().strip() == ""
    assert page.hosp_lv.currentData() == 2 and not page.hosp_lv.isEnabled()  # the site's level
    # the demo site's drop folder holds three demo hand-offs; the earliest discharge comes first
    assert page.waiting.combo.count() == 3 and "ZY20261101" in page.waiting.combo.currentText()

    qtbot.keyClick(page.identify, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: page.preview is not None)  # the button's shortcut clicks it after a short flash
    settle_done()
    assert page.mdtrt_id.text() == "ZY20261101" and page.mdtrt_id.isReadOnly()
    assert page.begin.date() == QDate(2026, 11, 13) and page.begin.isReadOnly()
    assert page.end.date() == QDate(2026, 11, 20) and page.end.isReadOnly()
    assert page.diagnosis.text() == "J18.900" and page.diagnosis.isReadOnly()
    assert "郑雪霞" in page.person_label.text()
    assert page.preview is not None and page.preview.request["encounter"]["mdtrt_id"] == "ZY20261101"
    assert "ZY20261101" in page.bill_label.text()

    qtbot.keyClick(page.fee_view, Qt.Key.Key_F9)
    settle_done()
    assert page.outcome is not None
    page.slip_printed = True  # no "slip not printed" question for this test
    qtbot.keyClick(page.fee_view, Qt.Key.Key_Escape)
    settle_done()
    assert page.mdtrt_id.text() == "" and not page.mdtrt_id.isReadOnly()
    assert page.begin.date() == page.begin.minimumDate() and page.begin.text().strip() == ""
    assert not page.begin.isReadOnly() and page.end.date() == QDate.currentDate()
    assert page.diagnosis.text() == "" and page.hosp_lv.currentData() == 2
    assert page.person is None and page.bill is None and page.taken is None
    # settled: no longer waiting
    assert [page.waiting.combo.itemData(i) for i in range(page.waiting.combo.count())] == ["ZY20261102", "ZY20261103"]


def test_typed_stay_needs_its_admission_no_and_date(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    page.identify.setText(str(persons[0]["card_no"]))
    page.lookup()
    settle_done()
    page.import_file(paths.demo_dir() / "bills" / "bill_02_appendicitis_small.json", ask=False)
    settle_done()
    assert page.preview is None and "住院号" in page.state_label.text()
    page.mdtrt_id.setText("ZY-TYPED-1")
    page.compute()
    settle_done()
    assert page.preview is None and "入院日期" in page.state_label.text()
    page.enter_stay("ZY-TYPED-1", dt.date.today() - dt.timedelta(days=3))
    page.compute()
    settle_done()
    assert page.preview is not None


def test_a_handoff_of_another_person_than_identified_is_refused(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:
    desk.his_import(HIS_DEMO / "handoff_01_ZY20261101.json", "test")
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    other = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"][1]
    page.identify.setText(str(other["card_no"]))
    page.lookup()
    settle_done()
    assert page.person is not None and page.person.psn_no == other["psn_no"]
    qtbot.keyClick(page.identify, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: "另一位" in page.state_label.text())
    settle_done()
    assert page.taken is None and page.mdtrt_id.text() == "" and page.bill is None
    assert "另一位" in page.state_label.text()


def test_a_second_settlement_of_a_stay_shows_the_first(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    page.confirm_settle = False
    page.take_stay("ZY20261102")
    settle_done()
    page.settle()
    settle_done()
    assert page.outcome is not None
    first = page.outcome.committed
    page.clear()
    settle_done()
    # the same stay typed by hand, with a bill file: refused at the commit, naming the first
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    page.identify.setText(str(persons[1]["card_no"]))
    page.lookup()
    settle_done()
    page.enter_stay("ZY20261102", dt.date(2026, 11, 16))
    page.import_file(paths.demo_dir() / "bills" / "bill_02_appendicitis_small.json", ask=False)
    settle_done()
    page.settle()
    settle_done()
    assert page.outcome is None
    text = page.state_label.text()
    assert "该次住院已结算" in text and first.queue_no in text and "示例收费员" in text and "2773.40" in text


def test_a_refused_file_of_the_drop_folder_is_shown(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "broken.csv").write_text("住院号,ZY1\n", encoding="utf-8")
    monkeypatch.setattr(Desk, "his_drop_folder", property(lambda self: drop))
    window = demo_window(qtbot, desk, tasks, settle_done)
    waiting = window.settle_page.waiting
    assert waiting.refused.isVisible() and waiting.refused.text() == "1 份 HIS 交接文件被拒绝"
    assert "broken.csv" in waiting.refused.toolTip() and not waiting.next_button.isEnabled()
