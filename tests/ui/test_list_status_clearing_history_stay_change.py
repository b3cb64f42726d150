"""The 病案 office's confirm / withdraw of an uploaded 结算清单 (4102), the 清算 tab's past
applications with their state (3205A; kept for after a restart and for when the central system
cannot be reached), and 信息变更 (2403) in the stay actions, from the keyboard against the real
central server process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hospital_client import protocol as p
from hospital_client.app.desk import Desk
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.stay_actions import StayActionsDialog
from hospital_client.ui.tasks import TaskRunner

from .test_list_clearing_stay_screens import (
    CTRL,
    RECORD,
    _answer,
    _idle,
    _key,
    _request,
    _select,
    _window,
    client_for,
    online,  # noqa: F401 - the fixture
)

SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_the_records_office_confirms_and_withdraws_an_uploaded_list(
        qtbot: QtBot, online: tuple[object, Desk, object, str]) -> None:  # noqa: F811
    _, desk, clerk, _ = online
    tasks = TaskRunner()
    try:
        out = desk.settle_online(clerk, _request(desk, "DEMO990100000031", "ZY-LS-1"))  # type: ignore[arg-type]
        local_id = out.outcome.committed.local_id
        record = {**RECORD, "diag_names": {"E11.900": "2型糖尿病"}}
        assert desk.upload_settlement_list("it", local_id, record)["stas"] == "accepted"
        window = _window(qtbot, desk, tasks, clerk)
        _key(qtbot, window, Qt.Key.Key_L, CTRL | SHIFT)
        page = window.settlement_list_page
        qtbot.waitUntil(lambda: page.model.rowCount() == 1 and tasks.running == 0, timeout=20_000)
        assert page.model.rows()[0]["state"] == "accepted"
        _select(qtbot, page.view, 0)

        # Esc keeps it as it is; Y confirms
        _key(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)
        assert page.confirm_box is not None and str(local_id) in page.confirm_box.text()
        _answer(qtbot, page, Qt.Key.Key_Escape)
        assert "未作任何修改" in page.message.text()
        _key(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)
        _answer(qtbot, page, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        qtbot.waitUntil(lambda: page.model.rows()[0]["state"] == "confirmed" and tasks.running == 0, timeout=20_000)
        assert page.model.rows()[0]["state_text"] == "病案室已确认" and "病案室已确认" in page.summary.text()

        # a confirmed list cannot be uploaded again: refused in the central system's words
        _select(qtbot, page.view, 0)
        page.record = record
        _key(qtbot, window, Qt.Key.Key_U, CTRL)
        _idle(qtbot, tasks)
        assert "撤回" in page.message.text(), page.message.text()

        # withdrawn: the row says so and counts among those still to do
        _select(qtbot, page.view, 0)
        _key(qtbot, window, Qt.Key.Key_W, CTRL | SHIFT)
        _answer(qtbot, page, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        qtbot.waitUntil(lambda: page.model.rows()[0]["state"] == "withdrawn" and tasks.running == 0, timeout=20_000)
        page.only_to_do.setChecked(True)
        assert page.model.rowCount() == 1 and "已撤回" in page.model.rows()[0]["state_text"]
        window.close()
    finally:
        tasks.wait(30_000)


def test_the_clearing_tab_shows_past_applications_after_a_restart_and_offline(
        qtbot: QtBot, tmp_path: Path, online: tuple[object, Desk, object, str]) -> None:  # noqa: F811
    from central_helpers import run_cli as central_cli

    central, desk, clerk, _ = online
    tasks = TaskRunner()
    try:
        assert desk.settle_online(clerk, _request(desk, "DEMO990100000041", "ZY-CH-1")).final  # type: ignore[arg-type]
        month = dt.datetime.now(p.CST).strftime("%Y-%m")
        [applied] = desk.apply_clearing("it", month).applications
        evt = applied["clr_appy_evt_id"]
        assert central_cli("clearing", "approve", evt, "--db", str(central.db))[0] == 0  # type: ignore[attr-defined]
        window = _window(qtbot, desk, tasks, clerk)
        _key(qtbot, window, Qt.Key.Key_Q, CTRL | SHIFT)
        page = window.clearing_page
        qtbot.waitUntil(lambda: page.history.rowCount() == 1 and tasks.running == 0, timeout=20_000)
        row = page.history.rows()[0]
        assert (row["clr_appy_evt_id"], row["state_text"], row["clr_type_text"]) == (evt, "已审核通过", "住院")
        assert row["clr_ym"] == month.replace("-", "") and "读取于" in page.history_note.text()
        window.close()
        tasks.wait(30_000)

        # the insurance centre down, the window opened again: the applications as read before, saying so
        central.stop()  # type: ignore[attr-defined]
        window = _window(qtbot, desk, tasks, clerk)
        _key(qtbot, window, Qt.Key.Key_Q, CTRL | SHIFT)
        page = window.clearing_page
        _idle(qtbot, tasks, 90_000)
        assert [r["clr_appy_evt_id"] for r in page.history.rows()] == [evt]
        assert page.history.rows()[0]["state_text"] == "已审核通过"
        assert "连不上" in page.history_note.text(), page.history_note.text()
        shots = tmp_path / "shots"
        shots.mkdir()
        for screen, size in SCREENS.items():
            window.resize(*size)
            qtbot.wait(50)
            assert window.grab().save(str(shots / f"clearing-history-{screen}.png"))
        window.close()
    finally:
        tasks.wait(90_000)


def test_the_admission_is_changed_from_the_stay_actions(
        qtbot: QtBot, tmp_path: Path, online: tuple[object, Desk, object, str]) -> None:  # noqa: F811
    central, desk, clerk, code = online
    tasks = TaskRunner()
    try:
        begin = dt.date.today() - dt.timedelta(days=5)
        with client_for(central, code) as client:  # type: ignore[arg-type]  # HIS admitted the patient (2401)
            client.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000036", "mdtrt_id": "ZY-CG-1",
                                               "begntime": begin.isoformat(), "hosp_lv": 2}})
        window = _window(qtbot, desk, tasks, clerk)
        stay = StayActionsDialog(desk, tasks, clerk, "ZY-CG-1", window, psn_no="DEMO990100000036")  # type: ignore[arg-type]
        stay.show()
        with qtbot.waitActive(stay):
            stay.activateWindow()
        assert stay.sizeHint().height() <= SCREENS["1366x768"][1] and stay.sizeHint().width() <= 1366

        # nothing filled in: said so, nothing asked or sent
        _key(qtbot, stay, Qt.Key.Key_5, CTRL)
        assert stay.confirm_box is None and "请先填写" in stay.message.text()
        assert stay.change_dept.hasFocus()

        # typed field after field (Tab), then Ctrl+5: the question names what changes; N keeps, Y sends
        qtbot.keyClicks(stay.change_dept, "A03.06")
        for widget, text in ((stay.change_dept_name, "内分泌科"), (stay.change_bed, "12"),
                             (stay.change_doctor, "李医生"), (stay.change_diagnoses, "E11.900，I10.x00")):
            qtbot.keyClick(stay.focusWidget(), Qt.Key.Key_Tab)
            assert widget.hasFocus()
            if text.isascii():
                qtbot.keyClicks(widget, text)
            else:  # what an input method commits (QTest types Latin-1 keys only)
                widget.insert(text)
        _key(qtbot, stay, Qt.Key.Key_5, CTRL)
        assert stay.confirm_box is not None
        question = stay.confirm_box.text()
        assert "ZY-CG-1" in question and "床位 12" in question and "E11.900、I10.x00" in question
        _answer(qtbot, stay, Qt.Key.Key_Return)  # Enter keeps things as they are
        assert stay.last_outcome is None and "未发送" in stay.message.text()
        shots = tmp_path / "shots"
        shots.mkdir()
        assert stay.grab().save(str(shots / "stay-change.png"))
        _key(qtbot, stay, Qt.Key.Key_5, CTRL)
        _answer(qtbot, stay, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        assert stay.last_outcome is not None and stay.last_outcome.state == "done", stay.message.text()
        result = stay.last_outcome.result
        assert result["diagnoses"] == ["E11.900", "I10.x00"]
        assert {"adm_bed", "adm_dept_codg", "adm_dept_name", "chfpdr_name", "diagnoses"} <= set(result["changed"])
        assert "信息变更" in stay.message.text()

        # the admission day moved (ticked with Space); once the stay is settled, a change is refused
        stay.change_begin.setFocus()
        qtbot.keyClick(stay.change_begin, Qt.Key.Key_Space)
        assert stay.change_begin_day.isEnabled()
        stay.change_begin_day.setDate(stay.change_begin_day.date().addDays(-6))
        stay.change_dept.clear()
        stay.change_dept_name.clear()
        stay.change_bed.clear()
        stay.change_doctor.clear()
        stay.change_diagnoses.clear()
        _key(qtbot, stay, Qt.Key.Key_5, CTRL)
        assert stay.confirm_box is not None and "入院日期" in stay.confirm_box.text()
        _answer(qtbot, stay, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        assert "begntime" in stay.last_outcome.result["changed"]  # type: ignore[union-attr]
        assert desk.settle_online(clerk, _request(desk, "DEMO990100000036", "ZY-CG-1")).final  # type: ignore[arg-type]
        stay.change_bed.setText("13")
        before = stay.last_outcome
        _key(qtbot, stay, Qt.Key.Key_5, CTRL)
        _answer(qtbot, stay, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        assert stay.last_outcome is before and "结算后不能变更" in stay.message.text(), stay.message.text()
        stay.close()
        window.close()
    finally:
        tasks.wait(30_000)
