"""SQLite and OS errors turned into the typed errors of ``store.errors``.

Every SQLite or OS error that leaves the store goes through ``guard`` (a block) or ``guarded``
(a store function taking the database first): a damaged file becomes ``DatabaseCorrupt``, a
lock ``DatabaseLocked``, a full disk ``DiskFull``, a trigger's 'append-only' refusal
``AppendOnlyViolation``, and so on; anything else goes through unchanged.

A full disk does not always say so. SQLite reports SQLITE_FULL when the -wal file cannot grow,
but only "disk I/O error" (SQLITE_IOERR_SHMSIZE, of which sqlcipher3 shows the primary code
alone) when the -shm file cannot be made or grown (at every first open, and when a long WAL
needs another 32 KiB of index); a failing fsync or write is SQLITE_IOERR too. So an I/O error on
a disk with less free space than SQLite may need beside the database before its next checkpoint
(``NEARLY_FULL_BYTES``) is reported as ``DiskFull``, with the free space in its detail.

Importing this module also makes sqlcipher3's exception classes subclasses of their sqlite3
namesakes, so that ``except sqlite3.IntegrityError`` catches what an SQLCipher connection raises.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]

from .errors import (
    AppendOnlyViolation,
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    NotADatabase,
    StorageFailure,
    StoreError,
)
from .file_header import is_encrypted_file

__all__ = ["DB_ERRORS", "NEARLY_FULL_BYTES", "SQLITE_NOTADB", "disk_nearly_full", "guard", "guarded",
           "translate"]

log = logging.getLogger(__name__)

# Primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_CONSTRAINT, SQLITE_NOTADB = 19, 26

# What SQLite may need beside the database before its next checkpoint: a WAL of up to 1000
# pages of 4 KiB (wal_autocheckpoint) and 32 KiB blocks of -shm index. An I/O error with less
# free space than this on the database's disk is a full disk.
NEARLY_FULL_BYTES = 4 * 1024 * 1024
_NO_PATH = Path("<database>")


def _graft_exceptions() -> None:
    """sqlcipher3 has its own copies of the DB-API exception classes. Make each also a subclass
    of its sqlite3 namesake, so that ``except sqlite3.IntegrityError`` (in our code, in
    sqlite-utils and in tests) catches what an SQLCipher connection raises. (The base classes
    ``Error`` and ``Warning`` cannot take another base; ``guard`` names them itself.)"""
    for name in ("DatabaseError", "InterfaceError", "DataError", "OperationalError", "IntegrityError",
                 "InternalError", "ProgrammingError", "NotSupportedError"):
        ours, theirs = getattr(sqlcipher, name), getattr(sqlite3, name)
        if not issubclass(ours, theirs):
            ours.__bases__ = (*ours.__bases__, theirs)


_graft_exceptions()
DB_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, sqlcipher.Error)
_GUARDED: tuple[type[BaseException], ...] = (*DB_ERRORS, OSError)


def translate(exc: BaseException, path: Path, busy_ms: int | None = None) -> StoreError | None:
    """The typed error for an SQLite or OS error about the database at ``path`` (None: not ours to name)."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, DB_ERRORS):
        code = getattr(exc, "sqlite_errorcode", None)
        text = str(exc)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary is None:
            # Errors raised by the sqlite3 module itself carry no code; recognise the texts.
            lowered = text.lower()
            if "malformed" in lowered:
                primary = _SQLITE_CORRUPT
            elif "not a database" in lowered:
                primary = SQLITE_NOTADB
            elif "readonly" in lowered or "read-only" in lowered:
                primary = _SQLITE_READONLY
            elif "locked" in lowered or "busy" in lowered:
                primary = _SQLITE_BUSY
            elif "full" in lowered:
                primary = _SQLITE_FULL
            elif "disk i/o error" in lowered:
                primary = _SQLITE_IOERR
        if primary == _SQLITE_CORRUPT:
            return DatabaseCorrupt(path, text)
        if primary == SQLITE_NOTADB:
            if is_encrypted_file(path):
                # The key opened page 1 (raw_connection checks that); a later page failed its HMAC.
                return DatabaseCorrupt(path, f"{text}: a page failed its integrity check")
            return NotADatabase(path, text)
        if primary in (_SQLITE_READONLY, _SQLITE_PERM):
            return DatabaseReadOnly(path, text)
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return DatabaseLocked(path, busy_ms)
        if primary == _SQLITE_FULL:
            return DiskFull(path, disk_nearly_full(path))
        if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
            full = disk_nearly_full(path)
            if full is not None:
                return DiskFull(path, full)
            return StorageFailure(path, text)
        if primary == _SQLITE_CONSTRAINT and "append-only" in text:
            return AppendOnlyViolation(text)
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return DatabaseReadOnly(path, exc.strerror or "")
        full = disk_nearly_full(path)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT) or full is not None:
            return DiskFull(path, full)
        return StorageFailure(path, f"{exc.strerror or exc}")
    return None


def disk_nearly_full(path: Path) -> str | None:
    """How full the disk holding ``path`` is, when it has less free space than SQLite may need
    beside the database (``NEARLY_FULL_BYTES``) or no room for one more file (no inode left);
    None when there is room, or when the disk cannot be asked."""
    if path == _NO_PATH:
        return None
    folder = path.parent
    try:
        free = shutil.disk_usage(folder).free
        statvfs = getattr(os, "statvfs", None)  # not on Windows
        inodes = statvfs(folder) if statvfs is not None else None
    except (OSError, ValueError):
        return None
    if inodes is not None and inodes.f_files > 0 and inodes.f_favail == 0:
        return "no room for one more file on it"
    if free < NEARLY_FULL_BYTES:
        return f"{_size_text(free)} free, and SQLite needs a few MB beside the database for its -wal and -shm files"
    return None


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size // 1024} KB" if size >= 1024 else f"{size} bytes"


@contextmanager
def guard(path: Path, busy_ms: int | None = None) -> Iterator[None]:
    """Translate SQLite and OS errors raised inside the block into StoreError subclasses."""
    try:
        yield
    except _GUARDED as exc:
        translated = translate(exc, path, busy_ms)
        if translated is None:
            raise
        log.warning("database error: %s", type(translated).__name__)
        raise translated from exc


D = TypeVar("D")
P = ParamSpec("P")
R = TypeVar("R")


def guarded(func: Callable[Concatenate[D, P], R]) -> Callable[Concatenate[D, P], R]:
    """Decorator for store functions taking the database first: typed errors out."""

    @functools.wraps(func)
    def wrapper(db: D, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with guard(path_of(db), getattr(db, "busy_timeout_ms", None)):
            return func(db, *args, **kwargs)

    return wrapper


def path_of(db: object) -> Path:
    """The database's file, for error messages (a placeholder for anything without one)."""
    path = getattr(db, "path", None)
    return path if isinstance(path, Path) else Path("<database>")
