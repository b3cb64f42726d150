"""Two details of the 结算清单 and stay screens, from the keyboard against the real central server
process:

- the 结算清单 table shows when the 病案 office confirmed or withdrew a list (4102; the central
  system's ``stas_chg_time``), in its own column, as the clerk reads a time;
- 信息变更 (2403) in the stay actions also changes the stay's 医疗类别 (med_type, an inpatient one)
  and its 主要病情描述 (main_cond_dscr); the central system refuses an outpatient med_type.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hospital_client import protocol as p
from hospital_client.app import stay_transactions as st
from hospital_client.app.desk import Desk
from hospital_client.sync.errors import CentralRefused
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
ALT = Qt.KeyboardModifier.AltModifier
MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("HOSPITAL_CLIENT_SHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_list_table_shows_when_a_list_was_confirmed_and_withdrawn(
        qtbot: QtBot, tmp_path: Path, online: tuple[object, Desk, object, str]) -> None:  # noqa: F811
    _, desk, clerk, _ = online
    tasks = TaskRunner()
    try:
        out = desk.settle_online(clerk, _request(desk, "DEMO990100000031", "ZY-LT-1"))  # type: ignore[arg-type]
        local_id = out.outcome.committed.local_id
        assert desk.upload_settlement_list("it", local_id, RECORD)["stas"] == "accepted"
        window = _window(qtbot, desk, tasks, clerk)
        _key(qtbot, window, Qt.Key.Key_L, CTRL | SHIFT)
        page = window.settlement_list_page
        qtbot.waitUntil(lambda: page.model.rowCount() == 1 and tasks.running == 0, timeout=20_000)
        headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
        assert "确认/撤回时间" in headers
        column = headers.index("确认/撤回时间")
        assert page.model.rows()[0]["changed_text"] == ""  # uploaded, not confirmed yet
        assert MINUTE.match(page.model.rows()[0]["uploaded_text"]), page.model.rows()[0]

        _select(qtbot, page.view, 0)
        _key(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)
        _answer(qtbot, page, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        qtbot.waitUntil(lambda: page.model.rows()[0]["state"] == "confirmed" and tasks.running == 0, timeout=20_000)
        confirmed = page.model.rows()[0]
        assert confirmed["changed_at"] and MINUTE.match(confirmed["changed_text"]), confirmed
        shown = page.model.data(page.model.index(0, column), Qt.ItemDataRole.DisplayRole)
        assert shown == confirmed["changed_text"]
        # (the central system's time: China's date, which is not this machine's in UTC 16:00-24:00)
        assert confirmed["changed_text"][:10] == dt.datetime.now(p.CST).date().isoformat()

        _select(qtbot, page.view, 0)
        _key(qtbot, window, Qt.Key.Key_W, CTRL | SHIFT)
        _answer(qtbot, page, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        qtbot.waitUntil(lambda: page.model.rows()[0]["state"] == "withdrawn" and tasks.running == 0, timeout=20_000)
        withdrawn = page.model.rows()[0]
        assert MINUTE.match(withdrawn["changed_text"]) and withdrawn["changed_at"] >= confirmed["changed_at"]

        shots = _shots(tmp_path)
        for screen, (width, height) in SCREENS.items():
            window.resize(width, height)
            qtbot.wait(50)
            assert window.grab().save(str(shots / f"settlement-list-times-{screen}.png"))
        window.close()
    finally:
        tasks.wait(30_000)


def test_the_change_dialog_sends_med_type_and_main_condition(
        qtbot: QtBot, tmp_path: Path, online: tuple[object, Desk, object, str]) -> None:  # noqa: F811
    central, desk, clerk, code = online
    tasks = TaskRunner()
    try:
        begin = dt.date.today() - dt.timedelta(days=4)
        with client_for(central, code) as client:  # type: ignore[arg-type]  # HIS admitted the patient (2401)
            client.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000036", "mdtrt_id": "ZY-MT-1",
                                               "begntime": begin.isoformat(), "hosp_lv": 2}})
            # an outpatient med_type for a stay: refused, nothing changed
            with pytest.raises(CentralRefused) as refused:
                client.call(st.ADMISSION_CHANGE, st.change_input("ZY-MT-1", med_type="11"))
            assert "med_type" in str(refused.value)
        window = _window(qtbot, desk, tasks, clerk)
        stay = StayActionsDialog(desk, tasks, clerk, "ZY-MT-1", window, psn_no="DEMO990100000036")  # type: ignore[arg-type]
        stay.show()
        with qtbot.waitActive(stay):
            stay.activateWindow()
        assert stay.sizeHint().height() <= SCREENS["1366x768"][1] and stay.sizeHint().width() <= 1366

        # Alt+M: the medical type; Down picks 22 外伤住院; Tab: the main condition
        stay.change_dept.setFocus()
        _key(qtbot, stay, Qt.Key.Key_M, ALT)
        assert stay.change_med_type.hasFocus()
        qtbot.keyClick(stay.change_med_type, Qt.Key.Key_Down)
        qtbot.keyClick(stay.change_med_type, Qt.Key.Key_Down)
        assert stay.change_med_type.currentData() == "22"
        qtbot.keyClick(stay.change_med_type, Qt.Key.Key_Tab)
        assert stay.change_main_cond.hasFocus()
        stay.change_main_cond.insert("多饮多尿 3 月，血糖控制不佳")  # what an input method commits
        # Alt+N comes back to it
        stay.change_dept.setFocus()
        _key(qtbot, stay, Qt.Key.Key_N, ALT)
        assert stay.change_main_cond.hasFocus()

        _key(qtbot, stay, Qt.Key.Key_5, CTRL)
        assert stay.confirm_box is not None
        question = stay.confirm_box.text()
        assert "医疗类别 22 外伤住院" in question and "主要病情描述 多饮多尿 3 月，血糖控制不佳" in question, question
        shots = _shots(tmp_path)
        assert stay.grab().save(str(shots / "stay-change-med-type.png"))
        _answer(qtbot, stay, Qt.Key.Key_Y)
        _idle(qtbot, tasks)
        assert stay.last_outcome is not None and stay.last_outcome.state == "done", stay.message.text()
        assert {"med_type", "main_cond_dscr"} <= set(stay.last_outcome.result["changed"])
        stay.close()
        window.close()
    finally:
        tasks.wait(30_000)
