"""Opening the live local database: ``open_database``.

Before any connection touches the file, ``check_file`` refuses what is not a database of ours
(a folder, an empty or cut-short file, a file that is neither SQLite nor whole encrypted pages);
a missing file is created only when the caller asks for it (explicit init or the demo site's
first start), and an existing file that is not our database is refused, never replaced. Then
the connection (``store.connection``) is configured (busy_timeout, foreign keys, WAL,
``synchronous=FULL``), its schema version checked and pending migrations applied after a safety
copy (``store.migrations``). A plaintext database of an older version still opens, with a
``PlaintextDatabaseWarning`` that names ``hospital-client encrypt``. Every error comes out as a
``DatabaseUnavailable`` subclass (``store.sqlite_errors``).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from pathlib import Path

from .connection import (
    DEFAULT_BUSY_TIMEOUT_MS,
    CipherConnection,
    LocalDatabase,
    configure_connection,
    configure_file,
    raw_connection,
)
from .errors import (
    DatabaseCorrupt,
    DatabaseKeyWrong,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    NotADatabase,
    StorageFailure,
)
from .file_header import HEAD_BYTES, MIN_PAGE, SQLITE_MAGIC, is_encrypted_file, read_head
from .migrations import SCHEMA_VERSION, check_schema, upgrade
from .sqlite_errors import guard, translate

__all__ = ["CREATE_RETRY_PAUSE_S", "PlaintextDatabaseWarning", "check_file", "open_database"]

log = logging.getLogger(__name__)

CREATE_RETRY_PAUSE_S = 0.05


class PlaintextDatabaseWarning(UserWarning):
    """A database of an older version that is not encrypted yet; it still opens."""


def check_file(path: Path, create: bool) -> None:
    """Refuse what is not a database of ours before any connection touches it (typed errors)."""
    if path.is_dir():
        raise NotADatabase(path, "it is a folder")
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError:
        if not create:
            raise DatabaseMissing(path) from None
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                translated = translate(exc, path)
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
        if len(head) < HEAD_BYTES:
            raise NotADatabase(path, "the file does not start with the SQLite header (it is cut short)")
        return
    # No SQLite header: an encrypted database is whole pages of ciphertext.
    size = path.stat().st_size
    if size < MIN_PAGE or size % MIN_PAGE:
        raise NotADatabase(path, "the file does not start with the SQLite header and is not an encrypted "
                                 "database either (its size is not a whole number of pages)")


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect(path: Path, *, create: bool, busy_timeout_ms: int) -> CipherConnection:
    return raw_connection(path, mode="rwc" if create else "rw", busy_timeout_ms=busy_timeout_ms)


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
    first_start = not read_head(db_path)
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = CREATE_RETRY_PAUSE_S
    while True:
        try:
            return _open(db_path, create=True, busy_timeout_ms=busy_timeout_ms)
        except (DatabaseCorrupt, NotADatabase, DatabaseKeyWrong):
            if not (first_start and is_encrypted_file(db_path)):
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
            configure_connection(conn, busy_timeout_ms)
            version, _applied = check_schema(conn, db_path, create)
            configure_file(conn)
            db = LocalDatabase(conn, db_path, busy_timeout_ms)
            if version < SCHEMA_VERSION:
                upgrade(db, conn, db_path, version)
                # The migrations' statements fill the statement cache (see connection._uncached):
                # the database is used through a fresh connection.
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
