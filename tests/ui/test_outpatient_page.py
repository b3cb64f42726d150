"""The outpatient page (F10), keyboard only: a 普通门诊 visit in 7 keystrokes after the ID, a
门诊慢特病 visit in 9, offline on the demo site and online (final) against the real central
server; the window grabbed at 1366x768 and 1920x1080 (tmp_path/shots)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import central_db, operator, ready_desk, site_config

from hospital_client import credentials, paths
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.protocol import codes
from hospital_client.store import journal
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.tasks import TaskRunner


class Keys:
    """Sends keys to the widget that has the focus, and counts them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot, self.count = qtbot, 0

    def _target(self) -> object:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def text(self, text: str) -> None:
        self.qtbot.keyClicks(self._target(), text)
        self.count += len(text)

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self._target(), key, modifier)
        self.count += 1


def _open(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.settle_page.identify.setFocus()  # where the window opens (the settle page's patient box)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.outpatient_page.id_edit)


def test_a_queue_of_visits_offline_keyboard_only(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                 tmp_path: Path) -> None:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    _open(qtbot, window)
    page = window.outpatient_page
    keys = Keys(qtbot)
    keys.text("DEMO990100000021")  # the ID (a scanner types it)
    keys.count = 0
    keys.key(Qt.Key.Key_Return)
    settle_done()  # identified in a worker (ui/identify_controls.py)
    assert page.person is not None and QApplication.focusWidget() is page.item_edit
    keys.text("1*12")
    keys.key(Qt.Key.Key_Return)
    # the figures at once: 198.00 at a level-2 hospital, 10 + 100 deductible, 50 %
    assert page.figure_labels["medfee_sumamt"].text() == "198.00"
    assert page.figure_labels["hifp_pay"].text() == "44.00"
    keys.key(Qt.Key.Key_Return)  # an empty item box: confirm and settle
    settle_done()
    assert page.outcome is not None and page.outcome.state == "provisional"
    assert keys.count == 7
    entry = journal.get_entry(desk.db(), page.outcome.outcome.committed.local_id)
    assert entry.med_type == "11" and entry.mdtrt_id.startswith("MZ")
    assert "离线结算" in page.message.text() and QApplication.focusWidget() is page.id_edit

    # the next patient, 门诊慢特病: Ctrl+M, the disease list opens, Enter takes the first
    keys.text("DEMO990100000022")
    keys.count = 0
    keys.key(Qt.Key.Key_Return)
    settle_done()
    keys.key(Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    settle_done()
    qtbot.waitUntil(lambda: page.disease.count() == 2)
    assert page.disease.itemData(0) in ("E11", "I10") and "未知" in page.disease.itemText(0)
    keys.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.item_edit)
    keys.text("1*20")
    keys.key(Qt.Key.Key_Return)
    assert page.figure_labels["medfee_sumamt"].text() == "330.00"
    keys.key(Qt.Key.Key_Return)
    settle_done()
    assert keys.count == 9 < 15
    assert page.outcome is not None
    entry = journal.get_entry(desk.db(), page.outcome.outcome.committed.local_id)
    assert entry.med_type == "14"

    # a visit from a HIS file (the JSON of `outpatient settle`, Ctrl+O): the lines and figures at once
    his = tmp_path / "visit.json"
    his.write_text(json.dumps({"psn_no": "DEMO990100000025", "med_type": "11", "fees": [
        {"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50", "cnt": "12",
         "det_item_fee_sumamt": "198.00"}]}), encoding="utf-8")
    page.load_file(his)
    settle_done()
    assert page.table.rowCount() == 1 and page.figure_labels["hifp_pay"].text() == "44.00"
    keys.key(Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)  # the last line taken off
    assert page.table.rowCount() == 0 and page.figure_labels["hifp_pay"].text() == "—"


def test_online_final_and_screenshots(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        db = ready_desk(tmp_path, central, code, "desk.db")
        clerk = operator(db)
        db.close()
        raw = central.raw(code)
        body = raw.body(codes.CHRONIC_FILING, {"data": {"psn_no": "DEMO990100000023", "opsp_dise_code": "I10",
                                                        "begndate": "2026-01-01"}})
        assert raw.post(body, raw.headers(body))[1].infcode == 0
        desk = Desk(tmp_path / "desk.db", site_config(central, code), first_start=False)
        try:
            window = MainWindow(desk, tasks, clerk)
            _open(qtbot, window)
            page = window.outpatient_page
            keys = Keys(qtbot)
            keys.text("DEMO990100000023")
            keys.key(Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: tasks.running == 0 and page.person is not None, timeout=10_000)
            keys.key(Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
            qtbot.waitUntil(lambda: tasks.running == 0 and page.disease.count() == 2, timeout=10_000)
            assert page.disease.itemData(0) == "I10" and "已备案" in page.disease.itemText(0)
            keys.key(Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: QApplication.focusWidget() is page.item_edit)
            keys.text("1*20")
            keys.key(Qt.Key.Key_Return)
            keys.text("2*2")
            keys.key(Qt.Key.Key_Return)
            assert page.table.rowCount() == 2
            shots = tmp_path / "shots"
            shots.mkdir()
            for screen, (width, height) in SCREENS.items():
                window.resize(width, height)
                qtbot.wait(50)
                assert window.grab().save(str(shots / f"outpatient-{screen}.png"))
            keys.key(Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: tasks.running == 0 and page.outcome is not None, timeout=20_000)
            assert page.outcome is not None and page.outcome.state == "final", page.message.text()
            assert "最终结算" in page.message.text()
            [row] = central.settlements(code)
            assert row["local_id"] == str(page.outcome.outcome.committed.local_id)
            for screen, (width, height) in SCREENS.items():
                window.resize(width, height)
                qtbot.wait(50)
                assert window.grab().save(str(shots / f"outpatient-settled-{screen}.png"))
            window.close()
        finally:
            tasks.wait(30_000)
            desk.close_sync()
            desk.close()


def test_card_reader_benefit_refusal_and_the_window_keys_on_the_outpatient_page(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The settle page's identification on the outpatient page: F6 reads the card on the (simulated)
    reader; a scanned ID number of a person whose benefits are suspended shows why under the patient
    and no figure is computed, F9 refuses; F5, F9 and Esc act on the outpatient page while it is
    shown (the settle page stays behind)."""
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    _open(qtbot, window)
    page = window.outpatient_page
    keys = Keys(qtbot)
    assert "F6" in page.identification.read_button.text() and page.identification.read_button.isVisible()
    keys.key(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: page.person is not None, timeout=10_000)
    settle_done()
    assert QApplication.focusWidget() is page.item_edit and page.identify.text() == page.person.psn_no
    assert page.identification.benefit_label.isVisible() and "正常" in page.identification.benefit_label.text()
    keys.text("1*12")
    keys.key(Qt.Key.Key_Return)
    assert page.figure_labels["medfee_sumamt"].text() == "198.00"
    keys.key(Qt.Key.Key_F5)  # compute, here: the figures stay, the settle page is not shown
    assert window.tabs.currentWidget() is not window.settle_page and page.result is not None
    keys.key(Qt.Key.Key_Escape)  # the next patient, here
    assert page.person is None and page.table.rowCount() == 0 and QApplication.focusWidget() is page.id_edit
    assert window.tabs.currentWidget() is not window.settle_page and desk.journal() == []

    persons = {p["psn_no"]: p for p in json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))
               ["persons"]}
    suspended = persons["DEMO990100000068"]
    keys.text(suspended["certno"])  # what a scanner types
    keys.key(Qt.Key.Key_Return)
    settle_done()
    assert page.person is not None and page.person.psn_no == "DEMO990100000068"
    assert page.identify.text() == "DEMO990100000068"  # the ID number does not stay on screen
    benefit = page.identification.benefit_label
    assert benefit.isVisible() and "待遇暂停" in benefit.text() and "缴费未到账" in benefit.text()
    assert "不能享受" in page.message.text()
    keys.text("1*12")
    keys.key(Qt.Key.Key_Return)
    assert page.figure_labels["medfee_sumamt"].text() == "—" and page.result is None  # nothing computed
    shots = tmp_path / "shots"
    shots.mkdir()
    for width, height in ((1366, 768), (1920, 1080)):
        window.resize(width, height)
        qtbot.wait(50)
        assert window.grab().save(str(shots / f"outpatient-suspended-{width}x{height}.png"))
    keys.key(Qt.Key.Key_F9)  # settle, here: refused with the reason
    settle_done()
    assert page.outcome is None and desk.journal() == [] and "不能享受" in page.message.text()
    assert window.tabs.currentWidget() is not window.settle_page
    window.close()
