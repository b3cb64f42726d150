"""The status bar's 联网/离线 indicator follows the central system (a real server process on
127.0.0.1, stopped and started again in the middle of the test):

- with nothing to send the desk does not sync, yet the indicator turns to 离线 at the next status
  refresh (the 30-second timer's slot) once the server is gone, with the red banner saying that
  settlements made now are provisional, and back to 联网 when the server answers again;
- a message of the desk's client that finds no answer (a sign-in, 9001) is recorded at once, and
  the window shows it at its next refresh.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import central_db, operator, ready_desk, site_config

from hospital_client import credentials
from hospital_client import protocol as p
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.sync.errors import CentralUnreachable
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _site_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


def _open_desk(tmp: Path, central) -> tuple[Desk, object]:  # type: ignore[no-untyped-def]
    code = central.new_site()
    credentials.set_secret(su.secret_name(code), central.secrets[code])
    db = ready_desk(tmp, central, code, "desk.db")
    clerk = operator(db)
    db.close()
    return Desk(tmp / "desk.db", site_config(central, code), first_start=False), clerk


def _refreshed(qtbot: QtBot, window: MainWindow, tasks: TaskRunner, text: str) -> None:
    """Fire the status timer's slot and wait until the indicator says ``text``."""
    qtbot.waitUntil(lambda: tasks.running == 0, timeout=20_000)
    window.refresh_status()
    qtbot.waitUntil(lambda: tasks.running == 0 and window.online_status.text() == text, timeout=20_000)


def test_the_indicator_turns_offline_when_the_server_stops_and_back_when_it_returns(
        qtbot: QtBot, tmp_path: Path) -> None:
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central:
        desk, clerk = _open_desk(tmp_path, central)
        try:
            window = MainWindow(desk, tasks, clerk)  # type: ignore[arg-type]
            qtbot.addWidget(window)
            _refreshed(qtbot, window, tasks, "联网")
            assert not window.offline and not window.offline_banner.isVisibleTo(window)
            assert desk.sync_status().last_error == ""  # nothing was synced: no sync error to go by

            central.stop()
            _refreshed(qtbot, window, tasks, "离线：医保中心无应答")
            assert window.offline and window.provisional_expected
            assert window.offline_banner.isVisibleTo(window)
            assert "医保中心无应答" in window.offline_banner.text()
            assert "127.0.0.1" in window.online_status.toolTip()  # the detail, for IT

            central.start()
            _refreshed(qtbot, window, tasks, "联网")
            assert not window.offline and not window.offline_banner.isVisibleTo(window)
        finally:
            tasks.wait()
            desk.close_sync()
            desk.close()


def test_a_call_that_gets_no_answer_is_recorded_and_shown(qtbot: QtBot, tmp_path: Path) -> None:
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central:
        desk, clerk = _open_desk(tmp_path, central)
        try:
            client = desk.central_client()
            client.call(p.SIGN_IN, {"signIn": {"opter_no": "001", "mac": "", "ip": ""}}, retry=False)
            assert desk.link.reading().up is True
            central.stop()
            with pytest.raises(CentralUnreachable):
                client.call(p.SIGN_IN, {"signIn": {"opter_no": "001", "mac": "", "ip": ""}}, retry=False)
            reading = desk.link.reading()
            assert reading.up is False and "no answer" in reading.detail

            window = MainWindow(desk, tasks, clerk)  # type: ignore[arg-type]
            qtbot.addWidget(window)
            _refreshed(qtbot, window, tasks, "离线：医保中心无应答")
            assert window.settle_page is not None and window.provisional_expected
        finally:
            tasks.wait()
            desk.close_sync()
            desk.close()
