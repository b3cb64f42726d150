"""Running work off the GUI thread and reporting back by signal (the Anki task-manager pattern).

Anything that may take more than ~20 ms — database commits, HTTP, file import, PDF export —
goes through TaskRunner.run(fn, on_done, on_error). The callable runs in a QThreadPool worker;
the callbacks run on the GUI thread. The window never freezes on I/O.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported to the GUI thread, never lost
            log.debug("task failed: %s", "".join(traceback.format_exception_only(type(exc), exc)).strip())
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class TaskRunner(QObject):
    """Runs callables in a thread pool; `busy_changed` tells the window to show a busy cursor."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._running = 0
        self._signals: set[_Signals] = set()

    @property
    def running(self) -> int:
        return self._running

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], object] | None = None,  # its return value is ignored
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        signals = _Signals()
        self._signals.add(signals)  # keep alive until delivered

        @Slot(object)
        def done(result: Any) -> None:
            self._finish(signals)
            if on_done is not None:
                on_done(result)

        @Slot(object)
        def failed(exc: BaseException) -> None:
            self._finish(signals)
            if on_error is not None:
                on_error(exc)
            else:
                log.error("unhandled task error: %s", type(exc).__name__)

        signals.done.connect(done)
        signals.failed.connect(failed)
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Job(fn, signals))

    def _finish(self, signals: _Signals) -> None:
        self._signals.discard(signals)
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)
