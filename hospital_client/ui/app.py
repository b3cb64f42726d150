"""Starting the desk: Qt application, translations, the database, log in, the main window."""

from __future__ import annotations

import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from .. import config
from ..app.desk import Desk
from .i18n import DEFAULT_LANGUAGE, install_translators
from .login_dialog import LoginDialog
from .messages import error_text
from .tasks import TaskRunner

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)
ENV_LANGUAGE = "HOSPITAL_CLIENT_LANG"
# Benchmarks only: log in as a demo operator without the dialog (refused on a configured site)
# and print READY once the main window has processed its first events, then quit.
ENV_DEMO_AUTOLOGIN = "HOSPITAL_CLIENT_DEMO_AUTOLOGIN"
ENV_EXIT_WHEN_READY = "HOSPITAL_CLIENT_EXIT_WHEN_READY"
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


def run_gui(argv: list[str] | None = None) -> int:
    config.setup_logging()
    app = make_application(argv)
    from .settings_page import SETTING_LANGUAGE, preferences

    language = os.environ.get(ENV_LANGUAGE) or str(preferences().value(SETTING_LANGUAGE, DEFAULT_LANGUAGE))
    translators = install_translators(app, language)  # noqa: F841 - must stay referenced
    try:
        site = config.load_site_config()
        desk = Desk(config.resolve_db_path(None), site)
    except Exception as exc:  # a clear message, never a traceback, never an empty new database
        log.error("cannot open the desk: %s", type(exc).__name__)
        QMessageBox.critical(None, "hospital-client", error_text(exc))
        return 1
    tasks = TaskRunner()
    autologin = os.environ.get(ENV_DEMO_AUTOLOGIN, "")
    if autologin and desk.demo:
        name, _, password = autologin.partition(":")
        # The password check (argon2: slow on purpose, and it releases the GIL) runs beside
        # the loading of the window, as in the dialog flow where the window loads while the
        # clerk types.
        with ThreadPoolExecutor(max_workers=1) as pool:
            checking = pool.submit(desk.login, name, password)
            main_window_class()
            operator = checking.result()
    else:
        login = LoginDialog(desk, tasks)
        # Load the window's code while the clerk types (once the dialog has painted).
        QTimer.singleShot(PRELOAD_DELAY_MS, main_window_class)
        if os.environ.get(ENV_EXIT_WHEN_READY):
            _report_ready(login)
        if login.exec() != QDialog.DialogCode.Accepted or login.operator is None:
            return 0
        operator = login.operator
    window = main_window_class()(desk, tasks, operator)
    window.show()
    if os.environ.get(ENV_EXIT_WHEN_READY):
        _report_ready(window)
    # The engine and the catalogue load in a worker once the window has painted, before the first F5.
    QTimer.singleShot(WARM_UP_DELAY_MS, lambda: tasks.run(desk.warm_up))
    return int(app.exec())


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
