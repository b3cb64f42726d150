"""The desk window as a clerk finds it: the demo clerk logged in, shown at a screen's size, active,
every background task of its start reported back."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner


def demo_window(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done: Callable[[], None],
                size: tuple[int, int] = (1366, 768)) -> MainWindow:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    settle_done()
    return window
