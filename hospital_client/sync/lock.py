"""Exactly one drain per database at a time: an exclusive OS lock on a file next to the database.

``DATABASE.sync.lock`` is locked with ``fcntl.flock`` (POSIX) or ``msvcrt.locking`` (Windows),
never waited for: a second drain, in this process or another, gets ``DrainBusy`` at once. The
operating system drops the lock when the holder exits, even when it is killed, so a crash never
leaves a stale lock behind. The file itself holds the holder's process id, for diagnosis only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from .errors import DrainBusy

__all__ = ["DrainLock", "lock_path_for"]


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sync.lock")


class DrainLock:
    """``with DrainLock(db_path):`` ... ; raises DrainBusy when another drain holds it."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path_for(Path(db_path))
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise DrainBusy(f"{self.path}: this drain already holds the lock")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise DrainBusy(f"another sync of {self.path.name.removesuffix('.sync.lock')} is running "
                            f"(lock {self.path})") from None
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is only a hint; the lock is what counts

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> DrainLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
