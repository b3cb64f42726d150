"""What the queue worker logs while its attempts fail (the database restarting, a network cut):
one line per outage, not a traceback a second.

    the adjudication queue worker cannot work: <reason>; retrying every 1 s        (first failure)
    the adjudication queue worker: the database is still unavailable (<n> attempts in <s> s): <reason>
                                                                                   (at most once a minute)
    the adjudication queue worker is back after <s> s (<n> failed attempts)       (the first success)

A failure that is not the database being out of reach (``StoreUnavailable``) may be a defect: its
first occurrence in an outage is logged with its traceback, the repeats as above.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

from .store import StoreError
from .store_unavailable import StoreUnavailable

STILL_UNAVAILABLE_EVERY = 60.0  # seconds between the "still unavailable" lines of one outage


def database_failure(exc: BaseException) -> bool:
    """``exc`` is the database failing (the store's errors, the drivers' own: a connection lost
    mid-transaction, a lock not granted), not a defect of the item being adjudicated."""
    if isinstance(exc, (StoreError, sqlite3.Error)):
        return True
    # without importing the optional drivers (SQLCipher's sqlite3 of an encrypted store has its own errors)
    return type(exc).__module__.split(".")[0] in ("psycopg", "sqlcipher3")


class OutageLog:
    """Counts a worker's failed attempts and logs the outage's first, "still" and "back" lines."""

    def __init__(self, log: logging.Logger, *, retry_seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._log = log
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._since: float | None = None  # when the outage began (None: working)
        self._last_line = 0.0
        self._failures = 0

    @property
    def failing(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        """An attempt failed with ``exc``; log it if it is the outage's first or a minute went by."""
        now = self._clock()
        reason = f"{type(exc).__name__}: {exc}".strip().replace("\n", " ")
        self._failures += 1
        if self._since is None:
            self._since = self._last_line = now
            if isinstance(exc, StoreUnavailable):
                self._log.error("the adjudication queue worker cannot work: %s; retrying every %g s",
                                reason, self._retry_seconds)
            else:
                self._log.error("the adjudication queue worker failed; retrying every %g s",
                                self._retry_seconds, exc_info=exc)
            return
        if now - self._last_line >= STILL_UNAVAILABLE_EVERY:
            self._last_line = now
            self._log.warning("the adjudication queue worker: the database is still unavailable "
                              "(%d attempts in %.0f s): %s", self._failures, now - self._since, reason)

    def succeeded(self) -> None:
        """An attempt went through: if an outage was on, log that it is over."""
        if self._since is None:
            return
        self._log.warning("the adjudication queue worker is back after %.1f s (%d failed attempts)",
                          self._clock() - self._since, self._failures)
        self._since, self._failures = None, 0
