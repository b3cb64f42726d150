"""The one place that opens the local database.

Every connection of the client goes through ``raw_connection`` (and the live database through
``open_database`` on top of it): SQLCipher (the ``sqlcipher3`` module, CPython's sqlite3 built
against SQLCipher 4), keyed from the OS keyring (``store.keys``); WAL, ``synchronous=FULL``,
``busy_timeout``, foreign keys, and the schema version check (with pending migrations applied
after a safety copy). The live database, the safety copy before an upgrade, backups and
restores all come from here, so all of them are encrypted with the database's own key and
carry its id.

A new database gets a new random key (stored in the keyring before the file exists). An
existing file is opened by what its first bytes say: the SQLite header means a plaintext
database of an older version (it still opens, with a ``PlaintextDatabaseWarning`` that names
``hospital-client encrypt``); anything else is an encrypted database whose first 16 bytes are
its id: no key for it raises ``DatabaseKeyMissing``, a key that does not open it
``DatabaseKeyWrong``, in both cases before anything is written.

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
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]

from . import keys
from .errors import (
    AppendOnlyViolation,
    DatabaseCorrupt,
    DatabaseKeyWrong,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    NotADatabase,
    StorageFailure,
    StoreError,
)
from .schema import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION, migrations

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 5000
CREATE_RETRY_PAUSE_S = 0.05

# Primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_CONSTRAINT, _SQLITE_NOTADB = 19, 26

__all__ = [
    "SCHEMA_VERSION",
    "CipherConnection",
    "LocalDatabase",
    "PlaintextDatabaseWarning",
    "check_file",
    "guard",
    "guarded",
    "now",
    "open_database",
    "raw_connection",
    "transaction",
]


# SQLCipher pages are whole multiples of this; a file of another size is not an encrypted database.
_MIN_PAGE = 512


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
_DB_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, sqlcipher.Error)
_GUARDED: tuple[type[BaseException], ...] = (*_DB_ERRORS, OSError)


class PlaintextDatabaseWarning(UserWarning):
    """A database of an older version that is not encrypted yet; it still opens."""


class CipherConnection(sqlcipher.Connection):  # type: ignore[misc]
    """An SQLCipher connection that knows its key (None: a plaintext file)."""

    db_key: keys.DatabaseKey | None = None


class LocalDatabase:
    """The open local database: its connection and its file (for error messages and backups).

    Store functions take it first and use ``conn``. (sqlite-utils, whose ``LocalDatabase`` this
    used to be, is imported only to create or upgrade the schema: its import is a tenth of
    the desk's start-up.)
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, busy_timeout_ms: int) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms

    @property
    def encrypted(self) -> bool:
        return getattr(self.conn, "db_key", None) is not None

    @property
    def key_id(self) -> str | None:
        key = getattr(self.conn, "db_key", None)
        return key.id if key is not None else None

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    def executescript(self, sql: str) -> sqlite3.Cursor:
        return self.conn.executescript(sql)

    def close(self) -> None:
        self.conn.close()


def now() -> dt.datetime:
    """The local time with its UTC offset, to the microsecond."""
    return dt.datetime.now().astimezone()


def _translate(exc: BaseException, path: Path, busy_ms: int | None = None) -> StoreError | None:
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, _DB_ERRORS):
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
            if _encrypted_file(path):
                # The key opened page 1 (raw_connection checks that); a later page failed its HMAC.
                return DatabaseCorrupt(path, f"{text}: a page failed its integrity check")
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
    except _GUARDED as exc:
        translated = _translate(exc, path, busy_ms)
        if translated is None:
            raise
        log.warning("database error: %s", type(translated).__name__)
        raise translated from exc


P = ParamSpec("P")
R = TypeVar("R")


def guarded(func: Callable[Concatenate[LocalDatabase, P], R]) -> Callable[Concatenate[LocalDatabase, P], R]:
    """Decorator for store functions taking the database first: typed errors out."""

    @functools.wraps(func)
    def wrapper(db: LocalDatabase, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with guard(_path_of(db), getattr(db, "busy_timeout_ms", None)):
            return func(db, *args, **kwargs)

    return wrapper


def _path_of(db: LocalDatabase) -> Path:
    path = getattr(db, "path", None)
    return path if isinstance(path, Path) else Path("<database>")


@contextmanager
def transaction(db: LocalDatabase) -> Iterator[LocalDatabase]:
    """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints.

    IMMEDIATE takes the write lock at the start, so a read-then-write inside the block (the
    year-to-date read before a settlement, the audit chain's last hash) cannot race another
    process. The commit is durable when the block exits (WAL, synchronous=FULL).
    """
    conn = db.conn
    with guard(_path_of(db), getattr(db, "busy_timeout_ms", None)):
        if conn.in_transaction:
            with _savepoint(conn):
                yield db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except _DB_ERRORS:
                    pass
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except _DB_ERRORS:
                    pass
            raise


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A nested transaction: undone alone on an error (unless the error ended the whole one)."""
    conn.execute("SAVEPOINT nested")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO SAVEPOINT nested")
            conn.execute("RELEASE SAVEPOINT nested")
        raise
    conn.execute("RELEASE SAVEPOINT nested")


def _head(path: Path) -> bytes:
    """The first 100 bytes of the file (b"" when there is none)."""
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except FileNotFoundError:
        return b""


def _encrypted_file(path: Path) -> bool:
    try:
        head = _head(path)
    except OSError:
        return False
    return bool(head) and not head.startswith(SQLITE_MAGIC)


def check_file(path: Path, create: bool) -> None:
    """Refuse what is not a database of ours before any connection touches it (typed errors)."""
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
    if head.startswith(SQLITE_MAGIC):
        if len(head) < 100:
            raise NotADatabase(path, "the file does not start with the SQLite header (it is cut short)")
        return
    # No SQLite header: an encrypted database is whole pages of ciphertext.
    size = path.stat().st_size
    if size < _MIN_PAGE or size % _MIN_PAGE:
        raise NotADatabase(path, "the file does not start with the SQLite header and is not an encrypted "
                                 "database either (its size is not a whole number of pages)")


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK) and os.access(path.parent, os.W_OK)


def _uncached(conn: sqlite3.Connection, *statements: str) -> None:
    """Run one-off statements (no rows wanted) outside the connection's statement cache.

    A cached statement keeps part of the connection's lookaside memory (a small per-connection
    allocator) for as long as the connection is open; once it is used up, every value a commit
    binds comes from the heap instead, which made a 500-line commit about 10% slower.
    """
    conn.executescript("".join(f"{statement};\n" for statement in statements))


def raw_connection(
    path: Path,
    *,
    mode: str = "rw",
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    like: sqlite3.Connection | None = None,
    key: keys.DatabaseKey | None = None,
) -> CipherConnection:
    """The one place that makes a database connection: the live database (``rw``/``rwc``) and
    backup files (``ro`` for checking a finished copy, ``rwc`` for writing one).

    An existing file is opened as its first bytes say: plaintext SQLite as it is, anything else
    as an SQLCipher database keyed from the keyring by its id (``DatabaseKeyMissing`` /
    ``DatabaseKeyWrong`` before anything is read or written). A file that does not exist yet
    (``rwc``) is made encrypted ``like`` the given connection: the same key and the same id
    (or plaintext, if that one is plaintext), which is how safety copies, backups and restores
    are written. Without ``like`` a new file is a new database: a new random key, kept in the
    keyring before the file is made. ``key`` opens an existing encrypted file with that key
    instead of the keyring's (``key import`` tries a key before keeping it).
    """
    if mode not in ("ro", "rw", "rwc"):
        raise ValueError(f"unknown mode {mode!r}")
    path = Path(path)
    head = _head(path)
    created: keys.DatabaseKey | None = None
    new_file = False
    if head.startswith(SQLITE_MAGIC):
        key = None
    elif head:
        key_id = keys.database_id(head)
        if key is None:
            key = keys.load(key_id, path)
        elif key.id != key_id:
            raise DatabaseKeyWrong(path, key_id)
    elif mode != "rwc":
        key = None  # SQLite itself reports the missing file
    elif like is not None:
        key, new_file = getattr(like, "db_key", None), True
    else:
        key = created = keys.new_key()
        keys.save(key, path)
        new_file = True
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"
    if mode == "ro":
        uri += "&immutable=1"
    conn: CipherConnection | None = None
    try:
        conn = sqlcipher.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False,
                                 isolation_level=None, factory=CipherConnection)
        conn.db_key = key
        if key is not None:
            # Through executescript, which leaves nothing in the statement cache (see _uncached).
            _uncached(conn, "PRAGMA cipher_log_level = NONE",  # our errors say it; no lines on stderr
                      f'PRAGMA key = "{key.pragma_value(new_file=new_file)}"',
                      "PRAGMA cipher_compatibility = 4")  # pinned: later SQLCipher versions still open it
            try:
                _uncached(conn, "SELECT COUNT(*) FROM sqlite_master")
            except sqlcipher.DatabaseError as exc:
                code = getattr(exc, "sqlite_errorcode", 0) or 0
                if code & 0xFF == _SQLITE_NOTADB and not new_file:
                    keys.forget(key.id)
                    raise DatabaseKeyWrong(path, key.id) from None
                raise
            keys.remember(key)
        return conn
    except BaseException:
        if conn is not None:
            conn.close()
        if created is not None and not _head(path):
            keys.delete(created.id)  # no file was made with it
        raise


def _connect(path: Path, *, create: bool, busy_timeout_ms: int) -> CipherConnection:
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
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
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
    dest = raw_connection(target, mode="rwc", like=conn)  # encrypted with the database's own key
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
    from a newer schema, or a full disk; an encrypted one whose key is not in the keyring
    (``DatabaseKeyMissing``) or does not open it (``DatabaseKeyWrong``). A database with an
    older schema is copied beside itself (``NAME.schema-vN-STAMP.bak``, encrypted like it)
    before its migrations are applied. ``create=True`` on a missing or empty file makes a new
    encrypted database with a new key in the keyring; it never replaces an existing file.
    A plaintext database of an older version opens with a ``PlaintextDatabaseWarning``.
    """
    db_path = Path(path).expanduser()
    check_file(db_path, create)
    if not _writable(db_path):
        raise DatabaseReadOnly(db_path, "no write permission or a read-only disk")
    if not create:
        return _open(db_path, create=False, busy_timeout_ms=busy_timeout_ms)
    # A first start (no database yet) may race another first start. The one that writes the
    # file first wins (with its own new key); this one's pages then do not decrypt it, and it
    # opens what the other one made. While the other one is still making it, SQLite may refuse
    # this one a lock at once rather than wait (two connections switching the new file to WAL
    # must not deadlock), so this start waits for it, for as long as one busy timeout, whether
    # or not the file has its first page yet. The schema step is idempotent.
    first_start = not _head(db_path)
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = CREATE_RETRY_PAUSE_S
    while True:
        try:
            return _open(db_path, create=True, busy_timeout_ms=busy_timeout_ms)
        except (DatabaseCorrupt, NotADatabase, DatabaseKeyWrong):
            if not (first_start and _encrypted_file(db_path)):
                raise
            first_start = False
            log.info("the database was created by another process meanwhile; opening that one")
        except DatabaseLocked:
            if time.monotonic() + pause > deadline:
                raise
            log.info("the database is being created by another process; waiting for it")
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _open(db_path: Path, *, create: bool, busy_timeout_ms: int) -> LocalDatabase:
    db = _live(db_path, create=create, busy_timeout_ms=busy_timeout_ms)
    if not db.encrypted:
        _warn_plaintext(db_path)
    return db


def _live(db_path: Path, *, create: bool, busy_timeout_ms: int) -> LocalDatabase:
    """A configured connection to the database with its schema brought up to date."""
    conn: CipherConnection | None = None
    try:
        with guard(db_path, busy_timeout_ms):
            conn = _connect(db_path, create=create, busy_timeout_ms=busy_timeout_ms)
            _configure_connection(conn, busy_timeout_ms)
            version, _applied = _check_schema(conn, db_path, create)
            _configure_file(conn)
            db = LocalDatabase(conn, db_path, busy_timeout_ms)
            if version < SCHEMA_VERSION:
                _upgrade(db, conn, db_path, version)
                # The migrations' statements fill the statement cache (see _uncached): the
                # database is used through a fresh connection.
                conn.close()
                conn = None
                return _live(db_path, create=False, busy_timeout_ms=busy_timeout_ms)
        return db
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def _warn_plaintext(path: Path) -> None:
    log.warning("the database is not encrypted; run `hospital-client encrypt`")
    # An explicit location: one line on stderr in a terminal ("hospital-client:0: ..."), no source line.
    warnings.warn_explicit(PlaintextDatabaseWarning(
        f"{path}: this database is not encrypted (made by an older version). It still works, but "
        f"patients' names and ID numbers are readable by anyone with the file. Close the desk and run "
        f"`hospital-client encrypt --db {path}` (docs/operations.md, 'LocalDatabase key')."),
        PlaintextDatabaseWarning, filename="hospital-client", lineno=0, module=__name__)


def _upgrade(db: LocalDatabase, conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Apply pending migrations under the write lock, after a safety copy of a non-empty database."""
    from sqlite_utils import Database

    if version > 0:
        copy = _safety_copy(conn, path, version)
        log.info("schema upgrade %d -> %d; safety copy %s", version, SCHEMA_VERSION, copy.name)
    with transaction(db):
        # Another process may have upgraded while this one waited for the lock.
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current < SCHEMA_VERSION:
            migrations().apply(Database(conn, execute_plugins=False))
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
        raise StorageFailure(path, "the schema upgrade did not complete")


def schema_version(db: LocalDatabase) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])
