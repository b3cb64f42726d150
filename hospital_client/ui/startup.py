"""Starting the desk window, in the order that keeps the wait short.

Three things run side by side:

- a helper process reads the database key from the keyring (``app.read_key_ahead``, Linux),
  started by ``begin`` as soon as the desk's own code is loaded; the frozen app calls it from
  its runtime hook, ahead of PyInstaller's Qt hook;
- a thread opens the database with that key and, for the benchmarks' demo autologin, checks
  the password (argon2: slow on purpose; it releases the GIL);
- the main thread loads Qt and the window's code (``ui.application``), which does the rest.

Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

from .. import config
from ..app import Desk, Operator, collect_key_read_ahead, read_key_ahead, setup_logging

log = logging.getLogger(__name__)


def begin() -> None:
    """Start reading the database key beside the loading of Qt. Before any thread starts (it
    forks). A second call (the frozen app's runtime hook, then ``run_gui``) starts nothing more."""
    try:
        read_key_ahead()
    except Exception:  # nothing read ahead: the database opens the usual way, and says what is wrong
        log.debug("no key read ahead", exc_info=True)


def run_gui(argv: list[str] | None = None) -> int:
    begin()
    setup_logging()
    # Benchmarks only: log in as a demo operator without the dialog (refused on a configured site).
    name, _, password = os.environ.get(config.ENV_DEMO_AUTOLOGIN, "").partition(":")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-desk")
    opening = pool.submit(_start_desk)
    checking = pool.submit(_demo_login, opening, name, password) if name else None
    pool.shutdown(wait=False)  # the thread ends with its work

    from .application import run_window

    desk, failure = opening.result()
    if desk is None or not desk.demo:
        checking = None  # autologin is refused on a configured site: the login dialog as usual
    return run_window(desk, failure, checking, argv)


def _start_desk() -> tuple[Desk | None, Exception | None]:
    """The desk of this machine, or why it cannot start (shown once Qt is up)."""
    try:
        collect_key_read_ahead()
        return Desk.of_this_machine(), None
    except Exception as exc:  # shown in a message box once Qt is up; never a traceback
        log.error("cannot open the desk: %s", type(exc).__name__)
        return None, exc


def _demo_login(opening: Future[tuple[Desk | None, Exception | None]], name: str, password: str) -> Operator:
    desk, failure = opening.result()
    if desk is None or not desk.demo:  # run_gui does not use this answer then
        raise RuntimeError("demo autologin: no demo desk") from failure
    return desk.login(name, password)
