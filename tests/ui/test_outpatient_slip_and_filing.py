"""The outpatient page prints the visit's 门诊费用结算单 at once after the settlement (F12 prints it
again, marked 补打), with the masked ID, the operator's real name, the funds' shares and the
门诊慢特病 disease; and Ctrl+B files (2503) and revokes (2504) a 门诊慢特病 disease of the
patient at the real central server, keyboard only, the page's disease list following it."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import central_db, online_desk

from hospital_client.app.desk import Desk
from hospital_client.store import audit, caches
from hospital_client.ui.filing_dialog import FilingDialog
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.tasks import TaskRunner


def _open(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.settle_page.identify.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.outpatient_page.id_edit)


def _key(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def _text(qtbot: QtBot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")


def test_the_slip_is_printed_after_the_visit_and_again_with_f12(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                                 settle_done) -> None:
    clerk = desk.login("demo", "demo123")
    window = MainWindow(desk, tasks, clerk)
    _open(qtbot, window)
    page = window.outpatient_page
    person = caches.get_person(desk.db(), "DEMO990100000026")
    assert person is not None
    _text(qtbot, "DEMO990100000026")
    _key(qtbot, Qt.Key.Key_Return)
    settle_done()
    _key(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    settle_done()
    qtbot.waitUntil(lambda: page.disease.count() == 2)
    page.disease.setCurrentIndex(page.disease.findData("I10"))
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.item_edit)
    _text(qtbot, "1*20")
    _key(qtbot, Qt.Key.Key_Return)
    _key(qtbot, Qt.Key.Key_Return)  # settle
    qtbot.waitUntil(lambda: page.slip_prints == 1, timeout=20_000)
    settle_done()
    assert page.outcome is not None
    local_id = page.outcome.outcome.committed.local_id
    slip = desk.slip_dir / f"slip-{local_id}.pdf"
    assert slip.exists() and stat.S_IMODE(slip.stat().st_mode) == 0o600
    assert str(slip) in page.message.text() and "离线结算" in page.message.text()
    text = pdf_text(slip)
    assert "门诊费用结算单" in text and "门诊慢特病" in text and "高血压（I10）" in text
    assert person.certno not in text and person.certno[-4:] in text  # the ID masked
    assert person.psn_name in text and "示例收费员" in text  # full name; the operator's real name
    assert "基本医疗保险基金" in text and "补打" not in text and "住院费用结算单" not in text
    _key(qtbot, Qt.Key.Key_F12)  # the window's key, on this page: the last visit's slip again
    qtbot.waitUntil(lambda: page.slip_prints == 2, timeout=20_000)
    settle_done()
    again = desk.slip_dir / f"slip-{local_id}-reprint.pdf"
    assert "补打" in pdf_text(again)
    prints = [e.detail for e in audit.entries(desk.db()) if e.action == "print"]
    assert [p["reprint"] for p in prints[-2:]] == [False, True]
    window.close()


def test_filing_a_disease_from_the_outpatient_page(qtbot: QtBot, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central:
        desk, clerk, _ = online_desk(tmp_path, central)
        try:
            window = MainWindow(desk, tasks, clerk)
            _open(qtbot, window)
            page = window.outpatient_page
            _key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # no patient yet: told so
            assert page.filing_dialog is None and "Ctrl+B" in page.message.text()
            _text(qtbot, "DEMO990100000027")
            _key(qtbot, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: tasks.running == 0 and page.person is not None, timeout=10_000)
            _key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
            dialog = page.filing_dialog
            assert isinstance(dialog, FilingDialog)
            qtbot.waitUntil(lambda: tasks.running == 0 and "备案" in dialog.message.text(), timeout=10_000)
            qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.disease)
            assert dialog.table.rowCount() == 0
            dialog.disease.setCurrentIndex(dialog.disease.findData("E11"))
            _key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # file it (2503)
            qtbot.waitUntil(lambda: tasks.running == 0 and dialog.table.rowCount() == 1, timeout=10_000)
            assert dialog.table.item(0, 1).text() == "E11" and dialog.table.item(0, 5).text() == "有效"
            assert "已备案" in dialog.message.text()
            shots = tmp_path / "shots"
            shots.mkdir()
            for screen, (width, height) in SCREENS.items():
                window.resize(width, height)
                qtbot.wait(50)
                assert window.grab().save(str(shots / f"outpatient-filing-window-{screen}.png"))
            assert dialog.grab().save(str(shots / "outpatient-filing-dialog.png"))
            dialog.table.setFocus()
            _key(qtbot, Qt.Key.Key_Tab)  # from the table to the reason box
            assert QApplication.focusWidget() is dialog.reason
            _text(qtbot, "filed by mistake")  # typed (keyClicks of CJK text aborts QtTest here)
            _key(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # revoke it (2504)
            qtbot.waitUntil(lambda: tasks.running == 0 and dialog.table.item(0, 5).text() == "已撤销", timeout=10_000)
            _key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # filed again
            qtbot.waitUntil(lambda: tasks.running == 0 and dialog.table.rowCount() == 2, timeout=10_000)
            _key(qtbot, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda: page.filing_dialog is None and QApplication.focusWidget() is page.item_edit)
            _key(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # 14: the filed disease first
            qtbot.waitUntil(lambda: tasks.running == 0 and page.disease.count() == 2, timeout=10_000)
            assert page.disease.itemData(0) == "E11" and "已备案" in page.disease.itemText(0)
            window.close()
        finally:
            tasks.wait(30_000)
            desk.close_sync()
            desk.close()
