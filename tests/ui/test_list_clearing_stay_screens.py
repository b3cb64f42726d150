"""The desk screens for the 结算清单 upload, the monthly 清算 and the inpatient transactions around
discharge, driven from the keyboard against the real central server process: a list checked
(what is missing, in Chinese), completed with a 病案首页 file chosen in Qt's file dialog and
uploaded; a month that does not reconcile (the differing settlement listed), then applied for
and an application withdrawn after a confirmation; 出院办理 / 入院撤销 / 出院撤销 / 明细撤销 with
their confirmations, refusals in the central system's words, and the link down."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import central_db, client_for, online_desk

from hospital_client import protocol as p
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.stay_actions import StayActionsDialog
from hospital_client.ui.tasks import TaskRunner

FEES = [{"feedetl_sn": "1", "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液",
         "pric": "16.50", "cnt": "160", "det_item_fee_sumamt": "2640.00"}]
RECORD = {"dscg_way": "1", "dscg_caty": "内分泌科", "chfpdr_name": "王建国", "diag_names": {"E11.900": "2型糖尿病"}}
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _site_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


@pytest.fixture()
def online(tmp_path: Path) -> Iterator[tuple[object, Desk, object, str]]:
    """The central server process, and a desk set up for it (the site's secret in the keyring)."""
    with central_db(tmp_path / "central") as central:
        desk, clerk, code = online_desk(tmp_path, central)
        try:
            yield central, desk, clerk, code
        finally:
            desk.close()


def _request(desk: Desk, person: str, stay: str) -> dict[str, object]:
    today = dt.date.today()
    return desk.build_request(person, EncounterInput(stay, 2, today - dt.timedelta(days=5), today,
                                                     diagnoses=("E11.900",)), FEES)


def _window(qtbot: QtBot, desk: Desk, tasks: TaskRunner, clerk: object) -> MainWindow:
    window = MainWindow(desk, tasks, clerk)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1366, 698)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.wait(100)  # the identify box takes the focus
    return window


def _key(qtbot: QtBot, window: QWidget, key: Qt.Key,
         mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is in ``window`` (a window's shortcuts answer there)."""
    qtbot.wait(200)  # a dialog closed just before has gone
    if QApplication.activeWindow() is not window:  # back from a dialog
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(window.focusWidget() or window, key, mods)
    qtbot.wait(150)  # a button's shortcut clicks it after its press is drawn (animateClick)


def _select(qtbot: QtBot, view: object, index: int) -> None:
    """A row chosen with the keys: to the first row, down, and Space selects it."""
    view.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    for _ in range(index):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Space)


def _answer(qtbot: QtBot, owner: object, key: Qt.Key) -> None:
    """A key pressed in ``owner``'s confirmation box; waits until the box has answered."""
    box = owner.confirm_box  # type: ignore[attr-defined]
    assert box is not None
    qtbot.keyClick(box, key)
    qtbot.waitUntil(lambda: owner.confirm_box is None, timeout=5_000)  # type: ignore[attr-defined]


def _grab(qtbot: QtBot, window: QWidget, folder: Path, name: str) -> None:
    """The window at both screen sizes (tmp_path/shots), to be looked at."""
    folder.mkdir(exist_ok=True)
    for screen, (width, height) in SCREENS.items():
        window.resize(width, height)
        qtbot.wait(50)
        assert window.grab().save(str(folder / f"{name}-{screen}.png"))
    window.resize(*SCREENS["1366x768"])


def _idle(qtbot: QtBot, tasks: TaskRunner, timeout: int = 20_000) -> None:
    qtbot.wait(50)
    qtbot.waitUntil(lambda: tasks.running == 0, timeout=timeout)
    qtbot.wait(50)  # the answer's slot runs on the GUI thread


def test_a_list_is_checked_completed_with_the_medical_record_and_uploaded(
        qtbot: QtBot, tmp_path: Path, online: tuple[object, Desk, object, str]) -> None:
    _, desk, clerk, _ = online
    tasks = TaskRunner()
    try:
        out = desk.settle_online(clerk, _request(desk, "DEMO990100000031", "ZY-UL-1"))  # type: ignore[arg-type]
        assert out.final
        local_id = out.outcome.committed.local_id
        window = _window(qtbot, desk, tasks, clerk)
        _key(qtbot, window, Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
        page = window.settlement_list_page
        qtbot.waitUntil(lambda: page.model.rowCount() == 1 and tasks.running == 0, timeout=20_000)
        assert not any("hospital-client settlement-list" in w.text() for w in page.findChildren(type(page.summary)))
        assert page.model.rows()[0]["state"] == "missing"
        _select(qtbot, page.view, 0)
        assert page.selected_local_id() == local_id

        # without the medical record: what is missing, in Chinese, beside the table; nothing is sent
        _key(qtbot, window, Qt.Key.Key_K, CTRL)
        _idle(qtbot, tasks)
        missing = [page.problems.item(i).text() for i in range(page.problems.count())]
        assert any("离院方式" in m for m in missing), missing
        assert "不完整" in page.check_state.text()
        _key(qtbot, window, Qt.Key.Key_U, CTRL)
        _idle(qtbot, tasks)
        assert "不完整" in page.message.text() and page.problems.count() == len(missing)
        assert page.qc_result.text() == ""

        # the 病案首页 chosen in Qt's file dialog, typed and confirmed with Enter
        record = tmp_path / "record.json"
        record.write_text(json.dumps(RECORD, ensure_ascii=False), encoding="utf-8")
        _key(qtbot, window, Qt.Key.Key_M, CTRL)
        dialog = page.record_dialog
        assert dialog is not None and dialog.isVisible()
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        qtbot.keyClicks(name_edit, str(record))
        qtbot.keyClick(name_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: page.record is not None, timeout=5_000)
        assert "record.json" in page.record_label.text()
        with qtbot.waitActive(window):  # back from the dialog (the offscreen platform does not do it by itself)
            window.activateWindow()
        _select(qtbot, page.view, 0)
        _key(qtbot, window, Qt.Key.Key_K, CTRL)
        _idle(qtbot, tasks)
        assert page.problems.count() == 0 and "完整" in page.check_state.text()
        _key(qtbot, window, Qt.Key.Key_U, CTRL)
        _idle(qtbot, tasks)
        assert "质控通过" in page.qc_result.text(), page.qc_result.text()
        _grab(qtbot, window, tmp_path / "shots", "settlement-list-uploaded")
        qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.rows()[0]["state"] == "accepted",
                        timeout=20_000)
        assert any(e["action"] == "settlement_list" for e in _audit(desk))

        # a file that is not a record: said so, the chosen one kept
        bad = tmp_path / "bad.json"
        bad.write_text("[1, 2]", encoding="utf-8")
        page.use_record(str(bad))
        assert "JSON" in page.message.text() and page.record == RECORD
        window.close()
    finally:
        tasks.wait(30_000)


def _audit(desk: Desk) -> list[dict[str, object]]:
    from hospital_client.store import audit

    return [{"action": e.action} for e in audit.entries(desk.db())]


def test_the_clearing_screen_shows_the_differences_applies_and_withdraws(
        qtbot: QtBot, tmp_path: Path, online: tuple[object, Desk, object, str]) -> None:
    central, desk, clerk, _ = online
    tasks = TaskRunner()
    try:
        assert desk.settle_online(clerk, _request(desk, "DEMO990100000041", "ZY-CL-1")).final  # type: ignore[arg-type]
        offline = desk.settle(clerk, _request(desk, "DEMO990100000042", "ZY-CL-2"))  # type: ignore[arg-type]
        window = _window(qtbot, desk, tasks, clerk)
        _key(qtbot, window, Qt.Key.Key_Q, CTRL | Qt.KeyboardModifier.ShiftModifier)
        page = window.clearing_page
        assert window.tabs.currentWidget().isAncestorOf(page) and page.month.hasFocus()
        now = dt.datetime.now(p.CST)
        page.month.setDate(page.month.date().fromString(now.strftime("%Y-%m-01"), "yyyy-MM-dd"))
        assert page.month_text() == now.strftime("%Y-%m")

        # the desk's offline settlement has not reached the central system: 对账不平, nothing applied for
        _key(qtbot, window, Qt.Key.Key_S, CTRL)
        _idle(qtbot, tasks)
        assert page.differences_box.isVisibleTo(page) and not page.applications_box.isVisibleTo(page)
        [diff] = page.differences.rows()
        assert diff["local_id"] == str(offline.committed.local_id) and diff["kind"] == "missing_at_central"
        assert "中心" in diff["kind_text"] and diff["desk_medfee"] == "2640.00" and diff["central_medfee"] == ""
        assert "对账" in page.message.text() or "不一致" in page.message.text(), page.message.text()
        _grab(qtbot, window, tmp_path / "shots", "clearing-not-reconciled")

        # synced: the month reconciles; one application (住院, the person's insurance type) with its funds
        assert desk.sync_now(clerk.name, pulls=False).ok  # type: ignore[attr-defined]
        _key(qtbot, window, Qt.Key.Key_S, CTRL)
        _idle(qtbot, tasks)
        assert page.applications_box.isVisibleTo(page) and not page.differences_box.isVisibleTo(page)
        rows = page.applications.rows()
        assert len(rows) >= 1 and all(r["clr_appy_evt_id"] for r in rows)
        first = rows[0]
        assert first["clr_type_text"] == "住院" and first["state_text"] == "已申请"
        assert first["funds_text"] and "5280.00" in page.summary.text()
        assert sum(int(r["psntime"]) for r in rows) == 2
        _grab(qtbot, window, tmp_path / "shots", "clearing-applied")

        # withdrawn after a confirmation: N keeps it, Y withdraws it
        _select(qtbot, page.applications_view, 0)
        _key(qtbot, window, Qt.Key.Key_W, CTRL)
        box = page.confirm_box
        assert box is not None and first["clr_appy_evt_id"] in box.text()
        _answer(qtbot, page, Qt.Key.Key_N)
        assert page.applications.rows()[0]["state_text"] == "已申请"
        _key(qtbot, window, Qt.Key.Key_W, CTRL)
        assert page.confirm_box is not None
        assert page.confirm_box is not None
        _answer(qtbot, page, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        assert page.applications.rows()[0]["state_text"] == "已撤销", page.message.text()
        assert first["clr_appy_evt_id"] in page.message.text()

        # applied for again (the withdrawn one no longer stands); then refused: already applied
        _key(qtbot, window, Qt.Key.Key_S, CTRL)
        _idle(qtbot, tasks)
        assert page.applications.rows()[0]["clr_appy_evt_id"] != first["clr_appy_evt_id"]
        _key(qtbot, window, Qt.Key.Key_S, CTRL)
        _idle(qtbot, tasks)
        assert "已申请清算" in page.message.text() and page.applications.rows()[0]["state_text"].startswith("被拒")

        # offline: a clear Chinese sentence, nothing applied for
        central.stop()  # type: ignore[attr-defined]
        _key(qtbot, window, Qt.Key.Key_S, CTRL)
        _idle(qtbot, tasks, 60_000)
        assert "连接不上" in page.message.text() or "无法连接" in page.message.text(), page.message.text()
        assert "未申请" in page.message.text()
        window.close()
    finally:
        tasks.wait(30_000)


def test_the_stay_transactions_from_history_and_their_confirmations(
        qtbot: QtBot, online: tuple[object, Desk, object, str]) -> None:
    central, desk, clerk, code = online
    tasks = TaskRunner()
    try:
        with client_for(central, code) as client:  # type: ignore[arg-type]  # HIS admitted the patient (2401)
            client.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000036", "mdtrt_id": "ZY-ST-1",
                                               "begntime": (dt.date.today() - dt.timedelta(days=5)).isoformat(),
                                               "hosp_lv": 2}})
        settled = desk.settle_online(clerk, _request(desk, "DEMO990100000036", "ZY-ST-1"))  # type: ignore[arg-type]
        assert settled.final
        window = _window(qtbot, desk, tasks, clerk)
        window.show_page(window.history_page)
        history = window.history_page
        qtbot.waitUntil(lambda: history.model.rowCount() == 1 and tasks.running == 0, timeout=20_000)
        _select(qtbot, history.view, 0)
        _key(qtbot, window, Qt.Key.Key_T, CTRL)
        dialog = history.stay_dialog
        assert isinstance(dialog, StayActionsDialog) and dialog.mdtrt_id == "ZY-ST-1"
        with qtbot.waitActive(dialog):
            dialog.activateWindow()

        # 入院撤销 of a settled stay: confirmed with Y, refused in the central system's words
        _key(qtbot, dialog, Qt.Key.Key_2, CTRL)
        assert dialog.confirm_box is not None and "ZY-ST-1" in dialog.confirm_box.text()
        _answer(qtbot, dialog, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        assert "须先撤销结算" in dialog.message.text(), dialog.message.text()

        # 出院办理: Enter confirms (the default for a discharge)
        dialog.diagnoses.setFocus()
        qtbot.keyClicks(dialog.diagnoses, "E11.900, I10.x00")
        _key(qtbot, dialog, Qt.Key.Key_1, CTRL)
        assert dialog.confirm_box is not None
        _answer(qtbot, dialog, Qt.Key.Key_Return)
        _idle(qtbot, tasks)
        assert dialog.last_outcome is not None and dialog.last_outcome.state == "done"
        assert dialog.last_outcome.result["diagnoses"] == ["E11.900", "I10.x00"]
        assert "出院办理" in dialog.message.text()
        _key(qtbot, dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)

        # a stay only admitted: discharged, the discharge cancelled, its fee lines withdrawn (line 9 is
        # none of them: refused), the admission cancelled
        with client_for(central, code) as client:  # type: ignore[arg-type]
            client.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000037", "mdtrt_id": "ZY-ST-2",
                                               "begntime": "2026-03-01", "hosp_lv": 2}})
        stay = StayActionsDialog(desk, tasks, clerk, "ZY-ST-2", window, discharged=dt.date(2026, 3, 10))  # type: ignore[arg-type]
        stay.show()
        with qtbot.waitActive(stay):
            stay.activateWindow()

        def do(key: Qt.Key, answer: Qt.Key = Qt.Key.Key_Y) -> str:
            before = stay.last_outcome
            _key(qtbot, stay, key, CTRL)
            assert stay.confirm_box is not None
            _answer(qtbot, stay, answer)
            _idle(qtbot, tasks, 60_000)
            return "sent" if stay.last_outcome is not before else "not"

        assert do(Qt.Key.Key_2, Qt.Key.Key_Escape) == "not" and "未发送" in stay.message.text()
        assert do(Qt.Key.Key_2, Qt.Key.Key_Return) == "not"  # Enter keeps things as they are
        assert do(Qt.Key.Key_1) == "sent" and stay.last_outcome.result["status"] == "discharged"  # type: ignore[union-attr]
        assert do(Qt.Key.Key_3) == "sent" and stay.last_outcome.result["status"] == "admitted"  # type: ignore[union-attr]
        assert do(Qt.Key.Key_4) == "sent" and "明细撤销" in stay.message.text()  # 0000: every line not settled
        stay.fee_line.setFocus()
        stay.fee_line.selectAll()
        qtbot.keyClicks(stay.fee_line, "9")
        assert do(Qt.Key.Key_4) == "not" and "没有已上传的费用明细" in stay.message.text(), stay.message.text()

        # the link down: a cancellation needs it (nothing changed); a discharge is kept for the next sync
        central.stop()  # type: ignore[attr-defined]
        assert do(Qt.Key.Key_2) == "not" and "连" in stay.message.text(), stay.message.text()
        assert do(Qt.Key.Key_1) == "sent" and stay.last_outcome.state == "queued"  # type: ignore[union-attr]
        assert "下次同步" in stay.message.text() or "同步" in stay.message.text()
        central.start()  # type: ignore[attr-defined]
        assert do(Qt.Key.Key_2) == "sent" and stay.last_outcome.result["status"] == "cancelled"  # type: ignore[union-attr]
        stay.close()
        window.close()
    finally:
        tasks.wait(30_000)
