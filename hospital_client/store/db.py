"""The one place that opens the local database.

Every connection of the client goes through ``open_database``: WAL, ``synchronous=FULL``,
``busy_timeout``, foreign keys, and the schema version check (with pending migrations applied
after a safety copy). Issue 7 swaps the SQLite connection for an SQLCipher one here and only
here (``_connect``).

Every SQLite or OS error that leaves the store is translated into the typed errors of
``store.errors`` by ``guard`` / ``guarded``; a missing file is created only when the caller
asks for it (explicit init or the demo site's first start), and an existing file that is not
our database is refused, never replaced.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import logging
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from .errors import (
    AppendOnlyViolation,
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    NotADatabase,
    StorageFailure,
    StoreError,
)
from .schema import MIGRATION_NAMES, MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 5000

# Primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_CONSTRAINT, _SQLITE_NOTADB = 19, 26

__all__ = [
    "SCHEMA_VERSION",
    "LocalDatabase",
    "guard",
    "guarded",
    "now",
    "open_database",
    "raw_connection",
    "transaction",
]


class LocalDatabase(Database):
    """A sqlite-utils Database that knows its file (for error messages and backups)."""

    path: Path
    busy_timeout_ms: int


def now() -> dt.datetime:
    """The local time with its UTC offset, to the microsecond."""
    return dt.datetime.now().astimezone()


def _translate(exc: BaseException, path: Path, busy_ms: int | None = None) -> StoreError | None:
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        text = str(exc)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary is None:
            # Errors raised by the sqlite3 module itself carry no code; recognise the texts.
            lowered = text.lower()
            if "malformed" in lowered:
                primary = _SQLITE_CORRUPT
            elif "not a database" in lowered:
                primary = _SQLITE_NOTADB
            elif "readonly" in lowered or "read-only" in lowered:
                primary = _SQLITE_READONLY
            elif "locked" in lowered or "busy" in lowered:
                primary = _SQLITE_BUSY
            elif "full" in lowered:
                primary = _SQLITE_FULL
        if primary == _SQLITE_CORRUPT:
            return DatabaseCorrupt(path, text)
        if primary == _SQLITE_NOTADB:
            return NotADatabase(path, text)
        if primary in (_SQLITE_READONLY, _SQLITE_PERM):
            return DatabaseReadOnly(path, text)
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return DatabaseLocked(path, busy_ms)
        if primary == _SQLITE_FULL:
            return DiskFull(path)
        if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
            return StorageFailure(path, text)
        if primary == _SQLITE_CONSTRAINT and "append-only" in text:
            return AppendOnlyViolation(text)
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(path)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return DatabaseReadOnly(path, exc.strerror or "")
        return StorageFailure(path, f"{exc.strerror or exc}")
    return None


@contextmanager
def guard(path: Path, busy_ms: int | None = None) -> Iterator[None]:
    """Translate SQLite and OS errors raised inside the block into StoreError subclasses."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        translated = _translate(exc, path, busy_ms)
        if translated is None:
            raise
        log.warning("database error: %s", type(translated).__name__)
        raise translated from exc


P = ParamSpec("P")
R = TypeVar("R")


def guarded(func: Callable[Concatenate[Database, P], R]) -> Callable[Concatenate[Database, P], R]:
    """Decorator for store functions taking the database first: typed errors out."""

    @functools.wraps(func)
    def wrapper(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with guard(_path_of(db), getattr(db, "busy_timeout_ms", None)):
            return func(db, *args, **kwargs)

    return wrapper


def _path_of(db: Database) -> Path:
    path = getattr(db, "path", None)
    return path if isinstance(path, Path) else Path("<database>")


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints.

    IMMEDIATE takes the write lock at the start, so a read-then-write inside the block (the
    year-to-date read before a settlement, the audit chain's last hash) cannot race another
    process. The commit is durable when the block exits (WAL, synchronous=FULL).
    """
    conn = db.conn
    with guard(_path_of(db), getattr(db, "busy_timeout_ms", None)):
        if conn.in_transaction:
            with db.atomic():
                yield db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise NotADatabase(path, "it is a folder")
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        if not create:
            raise DatabaseMissing(path) from None
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                translated = _translate(exc, path)
                raise (translated or StorageFailure(path, str(exc))) from None
        return
    except PermissionError as exc:
        raise DatabaseReadOnly(path, f"cannot even read it: {exc.strerror}") from None
    except OSError as exc:
        raise StorageFailure(path, exc.strerror or str(exc)) from None
    if not head:
        if not create:
            raise NotADatabase(path, "the file is empty (0 bytes); run init only if this is a new installation")
        return
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotADatabase(path, "the file does not start with the SQLite header")


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK) and os.access(path.parent, os.W_OK)


def raw_connection(
    path: Path, *, mode: str = "rw", busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    """The one place that makes an SQLite connection: the live database (``rw``/``rwc``) and
    backup files (``ro`` for checking a finished copy, ``rwc`` for writing one).

    Issue 7 swaps this for an SQLCipher connection keyed from the keyring, so the database,
    its safety copies and its backups are all encrypted the same way.
    """
    if mode not in ("ro", "rw", "rwc"):
        raise ValueError(f"unknown mode {mode!r}")
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"
    if mode == "ro":
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False,
                           isolation_level=None)


def _connect(path: Path, *, create: bool, busy_timeout_ms: int) -> sqlite3.Connection:
    return raw_connection(path, mode="rwc" if create else "rw", busy_timeout_ms=busy_timeout_ms)


def _configure_connection(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Per-connection settings; nothing is written to the file."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")


def _configure_file(conn: sqlite3.Connection) -> None:
    """WAL is a property of the file: set only once the file is known to be ours."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"attempt to write a readonly database (journal mode stays {mode})")
    conn.execute("PRAGMA synchronous = FULL")


def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATIONS.name]
    ).fetchall()
    return [r[0] for r in rows]


def _check_schema(conn: sqlite3.Connection, path: Path, create: bool) -> tuple[int, list[str]]:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(path, str(version), SCHEMA_VERSION)
    applied = _applied_migrations(conn)
    unknown = [name for name in applied if name not in MIGRATION_NAMES]
    if unknown:
        raise DatabaseTooNew(path, f"{version}, migration {unknown[0]}", SCHEMA_VERSION)
    if version == 0 and tables:
        raise NotADatabase(path, "an SQLite database of another program")
    if version == 0 and not create:
        raise NotADatabase(path, "an empty SQLite database that was never initialised; run init")
    return version, applied


def _safety_copy(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    stamp = now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.schema-v{version}-{stamp}.bak")
    dest = raw_connection(target, mode="rwc")
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def open_database(
    path: str | os.PathLike[str],
    *,
    create: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> LocalDatabase:
    """Open (or, with ``create=True``, create) the local database and bring its schema up to date.

    Raises a ``DatabaseUnavailable`` subclass, never returns a half-usable database:
    missing file without ``create``, a file that is not ours, damaged, read-only, locked,
    from a newer schema, or a full disk. A database with an older schema is copied beside
    itself (``NAME.schema-vN-STAMP.bak``) before its migrations are applied.
    """
    db_path = Path(path).expanduser()
    _check_file(db_path, create)
    if not _writable(db_path):
        raise DatabaseReadOnly(db_path, "no write permission or a read-only disk")
    conn: sqlite3.Connection | None = None
    try:
        with guard(db_path, busy_timeout_ms):
            conn = _connect(db_path, create=create, busy_timeout_ms=busy_timeout_ms)
            _configure_connection(conn, busy_timeout_ms)
            version, _applied = _check_schema(conn, db_path, create)
            _configure_file(conn)
            db = LocalDatabase(conn, execute_plugins=False)
            db.path = db_path
            db.busy_timeout_ms = busy_timeout_ms
            if version < SCHEMA_VERSION:
                _upgrade(db, conn, db_path, version)
            return db
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def _upgrade(db: LocalDatabase, conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Apply pending migrations under the write lock, after a safety copy of a non-empty database."""
    if version > 0:
        copy = _safety_copy(conn, path, version)
        log.info("schema upgrade %d -> %d; safety copy %s", version, SCHEMA_VERSION, copy.name)
    with transaction(db):
        # Another process may have upgraded while this one waited for the lock.
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current < SCHEMA_VERSION:
            MIGRATIONS.apply(db)
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
        raise StorageFailure(path, "the schema upgrade did not complete")


def schema_version(db: Database) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])
