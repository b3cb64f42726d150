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

The first open of a file in a process also runs SQLite's ``PRAGMA quick_check`` (``quick_check``):
every page is read (an encrypted page that fails its HMAC is damage) and every b-tree's
structure checked, so a damaged page that the command itself would not read is refused at
start with the same ``DatabaseCorrupt`` message as any other damage. It reads the whole file,
about 120-150 MB/s (4-5 s for 50,000 settlements, 570 MB), so it runs on a time budget: at
start ``START_CHECK_BUDGET_S`` (a database up to about 12 MB, some 1,000 settlements, is checked
whole; a bigger one from its first pages until the budget is spent), before the day-end totals
``DAY_END_CHECK_BUDGET_S`` (whole up to about 200 MB, some 17,000 settlements). The whole file,
whatever its size, is read by ``audit verify`` and by every backup.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
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

__all__ = [
    "CREATE_RETRY_PAUSE_S",
    "DAY_END_CHECK_BUDGET_S",
    "START_CHECK_BUDGET_S",
    "PlaintextDatabaseWarning",
    "check_file",
    "open_database",
    "quick_check",
]

log = logging.getLogger(__name__)

CREATE_RETRY_PAUSE_S = 0.05

# The quick check's time budgets (seconds). At start the check adds its time to the desk's start
# (0.1 s on a big database, nothing on one checked whole sooner) and to every command's.
START_CHECK_BUDGET_S = 0.1
DAY_END_CHECK_BUDGET_S = 1.5
_CHECK_ERRORS = 3           # problems named in the message (quick_check stops after them)
_CHECK_STEPS_PER_LOOK = 64  # pages checked (or VM steps) between two looks at the clock

_checked_lock = threading.Lock()
_checked: dict[Path, tuple[int, int, int, int]] = {}  # file -> (device, inode, size, mtime) when checked


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
        raise (translate(exc, path) or StorageFailure(path, exc.strerror or str(exc))) from None
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
    try:
        _check_at_start(db)
    except BaseException:
        db.close()
        raise
    if not db.encrypted:
        _warn_plaintext(db_path)
    return db


def _file_state(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _check_at_start(db: LocalDatabase) -> None:
    """The quick check on the first open of this file in this process (the desk's other threads
    open their own connections to a file already checked); again once the file has changed."""
    key = db.path.resolve()
    state = _file_state(db.path)
    with _checked_lock:
        if state is not None and _checked.get(key) == state:
            return
    started = time.monotonic()
    whole = quick_check(db, budget_s=START_CHECK_BUDGET_S)
    log.info("quick check at start: %s in %.3f s", "whole file" if whole else "budget spent",
             time.monotonic() - started)
    if state is not None:
        with _checked_lock:
            _checked[key] = state


def quick_check(db: LocalDatabase, *, budget_s: float | None = None) -> bool:
    """SQLite's ``PRAGMA quick_check`` on the database: every page read, every b-tree's structure
    checked (not whether the indexes match their tables: ``audit verify`` does that).

    Raises ``DatabaseCorrupt`` naming the first problems (or whatever a page that cannot be read
    raises, translated). With ``budget_s`` the check stops when that time is spent and returns
    False (the pages it reached are sound); True: the whole file was checked. It runs on a
    connection of its own, closed after it, so the database's own connection keeps its cache
    and its statement cache as they were.
    """
    if budget_s is not None and budget_s <= 0:
        return False
    deadline = time.monotonic() + (budget_s or 0.0)

    def spent() -> int:
        return 1 if time.monotonic() >= deadline else 0

    with guard(db.path, db.busy_timeout_ms):
        conn = raw_connection(db.path, busy_timeout_ms=db.busy_timeout_ms, key=getattr(db.conn, "db_key", None))
        try:
            configure_connection(conn, db.busy_timeout_ms)
            if budget_s is not None:
                conn.set_progress_handler(spent, _CHECK_STEPS_PER_LOOK)
            try:
                rows = conn.execute(f"PRAGMA quick_check({_CHECK_ERRORS})").fetchall()
            except sqlite3.OperationalError as exc:
                if budget_s is not None and _interrupted(exc):
                    return False
                raise
        finally:
            conn.close()
    if rows != [("ok",)]:
        problems = "; ".join(" ".join(str(r[0]).split()) for r in rows[:_CHECK_ERRORS])
        raise DatabaseCorrupt(db.path, f"SQLite's quick_check found: {problems}")
    return True


def _interrupted(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code == 9 or (code is None and "interrupt" in str(exc).lower())  # SQLITE_INTERRUPT


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
