"""Backups with SQLite's online backup API, and restoring one safely.

A backup is encrypted exactly like the database it copies: the same key and the same database
id (``store.keys``), so it opens with the desk's keyring entry, and on another PC after one
``hospital-client key import`` of the desk's escrowed key. (A plaintext database of an older
version gives a plaintext backup: SQLCipher copies pages between files of the same key only.)

``backup`` copies a consistent snapshot while the desk keeps working, into a temporary file
beside the destination, checks the copy (integrity_check, schema version, row counts) and
only then renames it into place, so DEST is either the old file or a complete backup.

``restore`` never overwrites the current database blindly: it checks the backup the same way,
moves the current database with its -wal and -shm aside (``NAME.replaced-STAMP``), then
copies the backup into place with the backup API, and marks it restored (store.numbering: a new
restore generation, so that no local id is used twice before the desk has caught up with the
central system).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import audit, numbering
from .connection import LocalDatabase, now, raw_connection, transaction
from .errors import (
    DatabaseCorrupt,
    DatabaseKeyMissing,
    DatabaseKeyWrong,
    DatabaseTooNew,
    NotADatabase,
    StorageFailure,
)
from .migrations import SCHEMA_VERSION
from .opening import check_file, open_database
from .sqlite_errors import guard, guarded

__all__ = ["BackupInfo", "backup", "inspect_file", "restore"]

_COUNTED = ("settlement", "fee_line", "outbox", "audit", "person")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    bytes: int
    schema_version: int
    counts: dict[str, int]
    key_id: str | None = None  # the database id of an encrypted file; None: plaintext

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "bytes": self.bytes, "schema_version": self.schema_version,
                "counts": self.counts, "integrity": "ok", "encrypted": self.key_id is not None,
                "database_id": self.key_id}


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in _COUNTED}


def inspect_file(path: Path) -> BackupInfo:
    """Open a backup read-only and check it completely. Raises a DatabaseUnavailable subclass."""
    with guard(path):
        if not path.is_file():
            raise NotADatabase(path, "no such file")
        check_file(path, create=False)
        conn = raw_connection(path, mode="ro")
        key_id = conn.db_key.id if conn.db_key is not None else None
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise DatabaseCorrupt(path, "; ".join(r[0] for r in result[:3]))
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise DatabaseTooNew(path, str(version), SCHEMA_VERSION)
            if version < 1:
                raise NotADatabase(path, "not a hospital-client database")
            counts = _counts(conn)
        finally:
            conn.close()
    return BackupInfo(path, path.stat().st_size, version, counts, key_id)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """A new file at ``target`` (any leftover there is removed first), encrypted like ``source``."""
    for leftover in (target, target.with_name(target.name + "-journal"), target.with_name(target.name + "-wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    dest = raw_connection(target, mode="rwc", like=source)
    try:
        source.backup(dest, pages=1024)
        # A self-contained single file: no -wal beside the backup.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


@guarded
def backup(
    db: LocalDatabase, dest: str | os.PathLike[str], *, operator: str, at: dt.datetime | None = None
) -> BackupInfo:
    """Copy the live database to ``dest`` (online, consistent), verified before it is put in place."""
    target = Path(dest).expanduser()
    if target.is_dir():
        target = target / f"hospital-client-{(at or now()):%Y%m%d-%H%M%S}.db"
    path = getattr(db, "path", None)
    if isinstance(path, Path) and target.resolve() == path.resolve():
        raise StorageFailure(target, "the backup destination is the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    audit.append(db, "backup", operator, "database", {"dest_name": target.name}, at=at)
    tmp = target.with_name(target.name + ".partial")
    with guard(target):
        try:
            _copy(db.conn, tmp)
            info = inspect_file(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return BackupInfo(target, target.stat().st_size, info.schema_version, info.counts, info.key_id)


def _quiesce(target: Path) -> int | None:
    """Make sure no other program uses the database, and fold its WAL into the file; returns its
    restore generation (store.numbering).

    A damaged current database cannot be opened; it is then moved aside as it is (with its
    -wal), which is exactly what restoring is for (its generation is then unknown: None).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a plaintext database being replaced: no advice to encrypt it
            old = open_database(target, busy_timeout_ms=1000)
    except (DatabaseCorrupt, NotADatabase, StorageFailure, DatabaseTooNew, DatabaseKeyMissing, DatabaseKeyWrong):
        return None
    try:
        with guard(target, 1000):
            old.conn.execute("BEGIN EXCLUSIVE")
            old.conn.execute("ROLLBACK")
            old.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return numbering.generation_of(old.conn)
    finally:
        old.close()


def restore(source: str | os.PathLike[str], db_path: str | os.PathLike[str], *, operator: str,
            at: dt.datetime | None = None) -> tuple[BackupInfo, Path | None]:
    """Put a verified backup in place of the database at ``db_path``.

    The current database (if any) and its -wal/-shm are moved aside first, never deleted.
    Returns the backup's info and where the replaced database went. The caller must make sure
    no other program has the database open. The restored database keeps the backup's key and
    id: on another PC, import the desk's key (``hospital-client key import``) first.
    """
    src = Path(source).expanduser()
    target = Path(db_path).expanduser()
    info = inspect_file(src)
    stamp = (at or now()).strftime("%Y%m%d-%H%M%S")
    aside: Path | None = None
    replaced_generation: int | None = None
    with guard(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            replaced_generation = _quiesce(target)
            aside = target.with_name(f"{target.name}.replaced-{stamp}")
            os.replace(target, aside)
            for suffix in ("-wal", "-shm"):
                side = target.with_name(target.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
        src_conn = raw_connection(src, mode="ro")
        try:
            tmp = target.with_name(target.name + ".restoring")
            _copy(src_conn, tmp)
            os.replace(tmp, target)
        finally:
            src_conn.close()
    db = open_database(target)
    try:
        with transaction(db):
            marked = numbering.mark_restored_in_transaction(db.conn, replaced_generation, (at or now()).isoformat())
            audit.append(db, "restore", operator, "database",
                         {"from_name": src.name, "replaced": aside.name if aside else None,
                          "generation": marked.generation, "known_max": marked.known_max}, at=at)
    finally:
        db.close()
    return info, aside
