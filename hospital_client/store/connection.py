"""The one connection factory of the store, the open database and its transactions.

Every connection of the client goes through ``raw_connection``: SQLCipher (the ``sqlcipher3``
module, CPython's sqlite3 built against SQLCipher 4), keyed from the OS keyring
(``store.keys``). The live database (``store.opening``), the safety copy before an upgrade,
backups and restores all come from here, so all of them are encrypted with the database's own
key and carry its id. The central system opens its encrypted database through it too.

A new database gets a new random key (stored in the keyring before the file exists). An
existing file is opened by what its first bytes say (``store.file_header``): the SQLite header
means a plaintext database of an older version; anything else is an encrypted database whose
first 16 bytes are its id: no key for it raises ``DatabaseKeyMissing``, a key that does not
open it ``DatabaseKeyWrong``, in both cases before anything is written.

Also here: the per-connection and per-file pragmas (busy_timeout, foreign keys, WAL,
``synchronous=FULL``), ``LocalDatabase`` (what every store function takes first) and
``transaction`` (BEGIN IMMEDIATE, nested calls as savepoints).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]

from . import keys
from .errors import DatabaseKeyWrong
from .file_header import SQLITE_MAGIC, read_head
from .sqlite_errors import DB_ERRORS, SQLITE_NOTADB, guard, path_of

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_MS",
    "CipherConnection",
    "LocalDatabase",
    "configure_connection",
    "configure_file",
    "now",
    "raw_connection",
    "transaction",
]

DEFAULT_BUSY_TIMEOUT_MS = 5000


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


@contextmanager
def transaction(db: LocalDatabase) -> Iterator[LocalDatabase]:
    """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints.

    IMMEDIATE takes the write lock at the start, so a read-then-write inside the block (the
    year-to-date read before a settlement, the audit chain's last hash) cannot race another
    process. The commit is durable when the block exits (WAL, synchronous=FULL).
    """
    conn = db.conn
    with guard(path_of(db), getattr(db, "busy_timeout_ms", None)):
        if conn.in_transaction:
            with _savepoint(conn):
                yield db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction, if the error left one; a failing rollback does not hide the error."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except DB_ERRORS:
            pass


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
    head = read_head(path)
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
                if code & 0xFF == SQLITE_NOTADB and not new_file:
                    keys.forget(key.id)
                    raise DatabaseKeyWrong(path, key.id) from None
                raise
            keys.remember(key)
        return conn
    except BaseException:
        if conn is not None:
            conn.close()
        if created is not None and not read_head(path):
            keys.delete(created.id)  # no file was made with it
        raise


def configure_connection(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Per-connection settings; nothing is written to the file."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")


def configure_file(conn: sqlite3.Connection) -> None:
    """WAL is a property of the file: set only once the file is known to be ours."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"attempt to write a readonly database (journal mode stays {mode})")
    conn.execute("PRAGMA synchronous = FULL")
