"""Fixtures for the desk window: a real demo database in a temporary directory, real widgets
rendered off screen, and a helper that waits until every background task has reported back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospital_client.app.desk import Desk
from hospital_client.ui.application import make_application
from hospital_client.ui.i18n import install_translators
from hospital_client.ui.tasks import TaskRunner


@pytest.fixture(scope="session")
def qapp_cls():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(scope="session", autouse=True)
def chinese_interface(qapp):  # type: ignore[no-untyped-def]
    make_application()
    translators = install_translators(qapp, "zh_CN")
    yield translators


@pytest.fixture()
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "logs"
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(directory))
    return directory


@pytest.fixture()
def desk(tmp_path: Path, log_dir: Path) -> Iterator[Desk]:
    desk = Desk(tmp_path / "desk.db")
    yield desk
    desk.close()


@pytest.fixture()
def tasks(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait(30_000)


@pytest.fixture()
def settle_done(qtbot: QtBot, tasks: TaskRunner):  # type: ignore[no-untyped-def]
    """Wait until all background work has reported back to the GUI thread."""

    def wait(timeout: int = 20_000) -> None:
        qtbot.waitUntil(lambda: tasks.running == 0, timeout=timeout)

    return wait


@pytest.fixture(autouse=True)
def private_preferences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interface preferences (QSettings) go to a temporary directory, not the user's."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "prefs"))
