"""The settle screen's identification, real widgets off screen on the demo site: the card reader
(F6, shown on its button) reads the simulated reader's card; a scanned ID number of a person whose
benefits are suspended shows why in red under the patient before any bill, and computing and
settling are refused with the clerk's sentence; an e-voucher scanned offline asks for a card."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner

from .window_helpers import demo_window

DEMO = paths.demo_dir()
PERSONS = {p["psn_no"]: p for p in json.loads((DEMO / "roster.json").read_text(encoding="utf-8"))["persons"]}
FIRST = next(iter(PERSONS.values()))
SMALL_BILL = DEMO / "bills" / "bill_02_appendicitis_small.json"


def _shot(window: MainWindow, folder: Path, name: str) -> None:
    """The screen as the clerk sees it, saved as PNG (looked at when the screen changes)."""
    path = folder / f"{name}-{window.width()}x{window.height()}.png"
    assert window.grab().save(str(path)) and path.stat().st_size > 10_000


def test_f6_reads_the_card_on_the_reader(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:  # type: ignore[no-untyped-def]
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    assert "F6" in page.identification.read_button.text() and "读卡" in page.identification.read_button.text()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: page.person is not None)  # the button's shortcut clicks it after a short flash
    settle_done()
    assert page.person is not None and page.person.psn_no == FIRST["psn_no"], page.state_label.text()
    assert FIRST["psn_name"] in page.person_label.text() and FIRST["certno"] not in page.person_label.text()
    assert page.identification.benefit_label.isVisible() and "正常" in page.identification.benefit_label.text()


def test_a_suspended_person_is_stopped_before_the_bill(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                      settle_done, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for size in ((1366, 768), (1920, 1080)):
        window = demo_window(qtbot, desk, tasks, settle_done, size)
        page = window.settle_page
        page.confirm_settle = False
        page.enter_stay(f"ZY-SUS-{size[0]}", dt.date.today() - dt.timedelta(days=6))
        person = PERSONS["DEMO990100000068"]
        qtbot.keyClicks(page.identify, person["certno"])  # what a scanner types, then Enter
        qtbot.keyClick(page.identify, Qt.Key.Key_Return)
        settle_done()
        benefit = page.identification.benefit_label
        assert page.person is not None and page.person.psn_no == person["psn_no"]
        assert benefit.isVisible() and "待遇暂停" in benefit.text() and "缴费未到账" in benefit.text()
        assert page.identify.text() == ""  # the number does not stay on screen
        assert "不能享受" in page.state_label.text()  # not "import the bill"
        page.import_file(SMALL_BILL, ask=False)
        settle_done()
        refusal = page.state_label.text()
        assert page.preview is None and "不能享受" in refusal and "2026-09-01" in refusal
        _shot(window, tmp_path, "identify-suspended")
        page.settle()
        settle_done()
        assert page.outcome is None and desk.journal() == []
        # the dates moved before the suspension: the line turns normal, and the stay computes
        page.begin.setDate(QDate(2026, 8, 1))
        page.end.setDate(QDate(2026, 8, 9))
        settle_done()
        assert "正常" in benefit.text()
        page.compute()
        settle_done()
        assert page.preview is not None
        window.close()


def test_an_e_voucher_scanned_offline_asks_for_a_card(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                      settle_done, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = demo_window(qtbot, desk, tasks, settle_done)
    page = window.settle_page
    qtbot.keyClicks(page.identify, "990100" + "5e" * 16)
    qtbot.keyClick(page.identify, Qt.Key.Key_Return)
    settle_done()
    assert page.person is None and "电子凭证" in page.state_label.text() and "身份证" in page.state_label.text()
    assert page.identify.selectedText() == page.identify.text()  # the next scan replaces the code
    _shot(window, tmp_path, "identify-evoucher-offline")
