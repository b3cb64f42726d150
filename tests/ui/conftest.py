"""Fixtures for the desk window: a real demo database in a temporary directory, real widgets
rendered off screen, and a helper that waits until every background task has reported back."""

from __future__ import annotations

import time
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


UNANSWERED_SECONDS = 60


@pytest.fixture(autouse=True)
def no_dialog_left_waiting(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A modal dialog nobody answers (a key that reached another widget than meant, under load)
    would keep its exec() waiting for ever, and the whole run with it: one open for a minute is
    closed and the test fails, naming it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    opened: dict[int, float] = {}
    left: list[str] = []

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            opened.clear()
            return
        if time.monotonic() - opened.setdefault(id(dialog), time.monotonic()) < UNANSWERED_SECONDS:
            return
        left.append(f"{type(dialog).__name__} «{dialog.windowTitle()}»")
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(1000)
    yield
    timer.stop()
    assert not left, f"a modal dialog waited {UNANSWERED_SECONDS} s unanswered and was closed: {left}"


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

    def wait(timeout: int = 60_000) -> None:
        qtbot.waitUntil(lambda: tasks.running == 0, timeout=timeout)

    return wait


@pytest.fixture(autouse=True)
def private_preferences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interface preferences (QSettings) go to a temporary directory, not the user's."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "prefs"))
