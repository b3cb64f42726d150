"""Whether the central system answers, as the desk last found it: the window's 联网/离线 indicator.

The last sync's error (kept in the database) says how the last sync went, but a desk that has
nothing to send does not sync, so it stays "online" after the central system has gone away. The
desk's central-system client reports every message and every ``/health`` check here (an answer
came, or none came and why); the window adds a ``/health`` check at each status refresh
(``Desk.check_link``, every 30 s). The latest of these is the link's state; before any, the link
is unknown and the last sync's outcome stands in for it.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

__all__ = ["LinkReading", "LinkState", "is_offline"]


@dataclass(frozen=True, slots=True)
class LinkReading:
    """``up`` True (an answer came), False (none came: ``detail`` says why) or None (not tried yet)."""

    up: bool | None = None
    detail: str = ""
    at: dt.datetime | None = None


class LinkState:
    """The latest link reading of one desk; thread-safe (the client reports from worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reading = LinkReading()

    def seen(self, up: bool, detail: str = "") -> None:
        """Record what a call or a check just found."""
        with self._lock:
            self._reading = LinkReading(up, detail if not up else "", dt.datetime.now())

    def reading(self) -> LinkReading:
        with self._lock:
            return self._reading

    def forget(self) -> None:
        """Back to unknown (the central-system client was closed or replaced)."""
        with self._lock:
            self._reading = LinkReading()


def is_offline(configured: bool, link: LinkReading, last_sync_error: str) -> bool:
    """The indicator's rule: offline without a central system, when the latest call or check got no
    answer, or (the link not tried yet) when the last sync failed."""
    if not configured:
        return True
    if link.up is None:
        return bool(last_sync_error)
    return not link.up
