"""One exchange with the central system per encounter at a time: a settlement or a reversal in
flight (sent, its answer still awaited or being recovered after a lost reply: 5203, 2601) locks
its encounter against a second attempt, from this window or another program on this machine.

The lock is an exclusive OS lock (as for the drain, ``sync.lock``) on a small file next to the
database, ``DATABASE.inflight-HASH.lock`` (HASH of the encounter's mdtrt_id, so no patient data in
the name); the file holds what is in flight (``settlement`` or ``reversal``) and the holder's
process id. The OS drops the lock when the holder exits, even when killed; the file is removed on
release. A second attempt gets ``SettlementInProgress`` ("结算进行中") or ``ReversalInProgress`` at
once, never waits.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from types import TracebackType

from .errors import ReversalInProgress, SettlementInProgress
from .lock import _lock, _unlock

__all__ = ["REVERSAL", "SETTLEMENT", "InFlight", "check_free", "in_flight_path"]

SETTLEMENT, REVERSAL = "settlement", "reversal"


def in_flight_path(db_path: Path, mdtrt_id: str) -> Path:
    digest = hashlib.sha256(mdtrt_id.encode("utf-8")).hexdigest()[:20]
    return Path(db_path).with_name(f"{Path(db_path).name}.inflight-{digest}.lock")


def _busy(path: Path, mdtrt_id: str) -> Exception:
    try:
        what = path.read_text(encoding="utf-8").split("\n", 1)[0].strip()
    except OSError:
        what = SETTLEMENT
    if what == REVERSAL:
        return ReversalInProgress(f"a reversal of encounter {mdtrt_id} is in flight")
    return SettlementInProgress(f"a settlement of encounter {mdtrt_id} is in flight")


class InFlight:
    """``with InFlight(db_path, mdtrt_id, "settlement"):`` ...; raises SettlementInProgress or
    ReversalInProgress (whichever the holder is doing) when the encounter is already in flight."""

    def __init__(self, db_path: Path, mdtrt_id: str, what: str) -> None:
        if what not in (SETTLEMENT, REVERSAL):
            raise ValueError(f"unknown exchange {what!r}")
        self.path = in_flight_path(db_path, mdtrt_id)
        self.mdtrt_id = mdtrt_id
        self.what = what
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock(fd)
            except OSError:
                os.close(fd)
                raise _busy(self.path, self.mdtrt_id) from None
            try:  # the file may have been removed by its last holder between open and lock: take a fresh one
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if same:
                break
            _unlock(fd)
            os.close(fd)
        self._fd = fd
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{self.what}\n{os.getpid()}\n".encode())

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InFlight:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def check_free(db_path: Path, mdtrt_id: str) -> None:
    """Raise SettlementInProgress / ReversalInProgress when the encounter is in flight now (a local
    reversal or a new settlement must wait for it); returns at once otherwise."""
    probe = InFlight(db_path, mdtrt_id, SETTLEMENT)
    probe.acquire()
    probe.release()
