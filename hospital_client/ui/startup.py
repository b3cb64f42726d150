"""Starting the desk window, in the order that keeps the wait short.

The database opens before Qt is loaded (its key comes from the keyring over D-Bus), and for
the benchmarks' demo autologin the password check (argon2: slow on purpose, and it releases
the GIL) starts at once in a thread, so that it runs while Qt and the window load. Nothing
here imports Qt; ``ui.app`` does the rest.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

from .. import config
from ..app.desk import Desk
from ..store import Operator

log = logging.getLogger(__name__)

# Benchmarks only: log in as a demo operator without the dialog (refused on a configured site)
# and print READY once the main window has processed its first events, then quit.
ENV_DEMO_AUTOLOGIN = "HOSPITAL_CLIENT_DEMO_AUTOLOGIN"


def run_gui(argv: list[str] | None = None) -> int:
    config.setup_logging()
    desk: Desk | None = None
    failure: Exception | None = None
    try:
        desk = Desk(config.resolve_db_path(None), config.load_site_config())
    except Exception as exc:  # shown in a message box once Qt is up; never a traceback
        log.error("cannot open the desk: %s", type(exc).__name__)
        failure = exc
    checking = _start_demo_autologin(desk) if desk is not None else None

    from .app import run_window

    return run_window(desk, failure, checking, argv)


def _start_demo_autologin(desk: Desk) -> Future[Operator] | None:
    name, _, password = os.environ.get(ENV_DEMO_AUTOLOGIN, "").partition(":")
    if not name or not desk.demo:
        return None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="login")
    checking = pool.submit(desk.login, name, password)
    pool.shutdown(wait=False)  # the thread ends with the check
    return checking
