"""Qt's part of starting the desk: the application, translations, log in, the main window
(``ui.startup`` opens the database first)."""

from __future__ import annotations

import gc
import os
import sys
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from .. import config
from ..app import Desk, Operator
from .i18n import DEFAULT_LANGUAGE, install_translators, use_language_locale
from .login_dialog import LoginDialog
from .messages import clerk_message, error_detail, error_text
from .tasks import TaskRunner

if TYPE_CHECKING:
    from .main_window import MainWindow

WARM_UP_DELAY_MS = 300
PRELOAD_DELAY_MS = 150


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("hospital-client")
    app.setOrganizationName("hospital-client")
    font = QFont("WenQuanYi Micro Hei")
    font.setPointSize(10)
    app.setFont(font)
    return app


def run_window(
    desk: Desk | None, failure: Exception | None, checking: Future[Operator] | None,
    argv: list[str] | None = None,
) -> int:
    """Qt's part of the start (``ui.startup.run_gui`` opened the desk): log in, then the window."""
    from .preferences import SETTING_LANGUAGE, preferences

    language = os.environ.get(config.ENV_LANGUAGE) or str(preferences().value(SETTING_LANGUAGE, DEFAULT_LANGUAGE))
    use_language_locale(language)  # before the application: Qt reads the system locale once
    app = make_application(argv)
    translators = install_translators(app, language)  # noqa: F841 - must stay referenced
    if desk is None:  # a clear message, never a traceback, never an empty new database
        _start_up_done()
        failure = failure or RuntimeError("no database")
        box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("application", "Discharge settlement"),
                          clerk_message(failure))
        box.setDetailedText(error_detail(failure))  # for IT, behind the "Show details" button
        box.exec()
        return 1
    tasks = TaskRunner()
    if checking is not None:  # demo autologin: the password check ran while Qt loaded
        main_window_class()
        try:
            operator = checking.result()
        except Exception as exc:  # a benchmark's wrong setting: one line, no traceback
            print(f"hospital-client: demo autologin: {error_text(exc)}", file=sys.stderr)
            return 2
    else:
        login = LoginDialog(desk, tasks)
        QTimer.singleShot(0, _start_up_done)
        # Load the window's code while the clerk types (once the dialog has painted).
        QTimer.singleShot(PRELOAD_DELAY_MS, main_window_class)
        if os.environ.get(config.ENV_EXIT_WHEN_READY):  # benchmarks: print READY, then quit
            _report_ready(login)
        if login.exec() != QDialog.DialogCode.Accepted or login.operator is None:
            return 0
        operator = login.operator
    window = main_window_class()(desk, tasks, operator)
    window.show_on_screen()
    if os.environ.get(config.ENV_EXIT_WHEN_READY):
        _report_ready(window)
    QTimer.singleShot(0, _start_up_done)
    # The engine and the catalogue load in a worker once the window has painted, before the first F5.
    QTimer.singleShot(WARM_UP_DELAY_MS, lambda: tasks.run(desk.warm_up))
    return int(app.exec())


def _start_up_done() -> None:
    """The first window is up: the objects made so far live as long as the process, so later
    collections skip them (freeze); collection resumes (the launcher paused it)."""
    gc.freeze()
    gc.enable()


def main_window_class() -> type[MainWindow]:
    """The main window's module: imported after the first screen is up, not before it."""
    from .main_window import MainWindow

    return MainWindow


def _report_ready(widget: QWidget) -> None:
    """Print READY when the event loop has run with the widget shown (it takes input from here)."""
    def ready() -> None:
        print("READY", flush=True)
        widget.close()
        QApplication.quit()

    QTimer.singleShot(0, ready)
