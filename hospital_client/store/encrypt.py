"""Encrypting a plaintext database of an older version in place (``hospital-client encrypt``).

1. The plaintext database is opened (schema brought up to date) and its WAL folded in; a
   second connection holds the write lock for the whole copy, so nothing changes meanwhile.
2. A new key is made and kept in the keyring; ``sqlcipher_export`` writes every table, index,
   trigger and view into ``NAME.encrypting`` (SQLCipher's documented way: its backup API copies
   only between files of the same key), and the schema version is carried over.
3. The copy is verified before anything else happens: ``integrity_check``, the same schema
   objects, the same schema version and the same row count in every table.
4. Only then the original is released and the copy renamed over it (one atomic rename: the
   path holds either the whole plaintext database or the whole encrypted one, never neither).
   The original's -wal/-shm are gone with it (its WAL was folded in at step 1).

On any failure before step 4 the original is untouched, the copy is deleted and the new key
removed from the keyring. The caller makes sure no desk has the database open (like restore).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import audit, keys
from .connection import DEFAULT_BUSY_TIMEOUT_MS, raw_connection
from .errors import DatabaseLocked, StorageFailure
from .opening import PlaintextDatabaseWarning, open_database
from .sqlite_errors import guard

__all__ = ["EncryptReport", "encrypt_database", "plaintext_leftovers"]


@dataclass(frozen=True, slots=True)
class EncryptReport:
    path: Path
    already_encrypted: bool
    key_id: str
    tables: int = 0
    rows: int = 0
    leftovers: tuple[Path, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"database": str(self.path), "encrypted": True, "already_encrypted": self.already_encrypted,
                "database_id": self.key_id, "tables": self.tables, "rows": self.rows,
                "plaintext_copies_left": [str(p) for p in self.leftovers]}


def _tables(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    return [r[0] for r in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' "
        "ORDER BY name")]


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in _tables(conn)}


def _objects(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in conn.execute(
        "SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")]


def plaintext_leftovers(path: Path) -> tuple[Path, ...]:
    """Older plaintext copies beside the database: upgrade safety copies and restored-over files."""
    found = []
    for candidate in sorted(path.parent.glob(f"{path.name}.*")):
        if candidate.suffix in (".partial", ".encrypting") or candidate.name.endswith(("-wal", "-shm")):
            continue
        with contextlib.suppress(OSError), candidate.open("rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                found.append(candidate)
    return tuple(found)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encrypt_database(path: str | os.PathLike[str], *, operator: str,
                     busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> EncryptReport:
    """Encrypt the plaintext database at ``path`` in place (see the module text). An encrypted
    database is left as it is (``already_encrypted``)."""
    db_path = Path(path).expanduser()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlaintextDatabaseWarning)
        db = open_database(db_path, busy_timeout_ms=busy_timeout_ms)
    if db.key_id is not None:
        db.close()
        return EncryptReport(db_path, True, db.key_id, leftovers=plaintext_leftovers(db_path))
    tmp = db_path.with_name(db_path.name + ".encrypting")
    new_key: keys.DatabaseKey | None = None
    holder = db.conn
    try:
        with guard(db_path, busy_timeout_ms):
            # Fold the WAL into the file, then hold the write lock: no other writer until the swap.
            busy = holder.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if busy:
                raise DatabaseLocked(db_path, busy_timeout_ms)
            holder.execute("BEGIN IMMEDIATE")
            counts = _counts(holder)
            objects = _objects(holder)
            version = int(holder.execute("PRAGMA user_version").fetchone()[0])

            for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-journal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            new_key = keys.new_key()
            keys.save(new_key, db_path)
            exporter = raw_connection(db_path, mode="rw", busy_timeout_ms=busy_timeout_ms)
            try:
                exporter.execute("ATTACH DATABASE ? AS encrypted KEY ?",
                                 (str(tmp), new_key.pragma_value(new_file=True)))
                exporter.execute("PRAGMA encrypted.cipher_compatibility = 4")
                exporter.execute("SELECT sqlcipher_export('encrypted')")
                exporter.execute(f"PRAGMA encrypted.user_version = {version}")
                exporter.execute("DETACH DATABASE encrypted")
            finally:
                exporter.close()

            copy = raw_connection(tmp, mode="rw", busy_timeout_ms=busy_timeout_ms)
            try:
                if copy.db_key is None or copy.db_key.id != new_key.id:
                    raise StorageFailure(tmp, "the encrypted copy does not carry its new database id")
                problems = [r[0] for r in copy.execute("PRAGMA integrity_check").fetchall()]
                if problems != ["ok"]:
                    raise StorageFailure(tmp, "the encrypted copy fails integrity_check: " + "; ".join(problems[:3]))
                if int(copy.execute("PRAGMA user_version").fetchone()[0]) != version:
                    raise StorageFailure(tmp, "the encrypted copy has another schema version")
                if _objects(copy) != objects:
                    raise StorageFailure(tmp, "the encrypted copy lacks tables, indexes or triggers of the original")
                copied = _counts(copy)
                if copied != counts:
                    differ = sorted(t for t in set(copied) | set(counts) if copied.get(t) != counts.get(t))
                    raise StorageFailure(tmp, f"row counts of the encrypted copy differ (table {differ[0]})")
                mode = copy.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StorageFailure(tmp, f"the encrypted copy stays in journal mode {mode}")
            finally:
                copy.close()
            _fsync(tmp)

            # Verified. Release the original (its WAL is empty: nothing was written since the
            # checkpoint, the lock saw to that) and put the copy in its place.
            holder.execute("ROLLBACK")
            db.close()
            for side in ("-wal", "-shm"):
                sidecar = db_path.with_name(db_path.name + side)
                if side == "-wal" and sidecar.exists() and sidecar.stat().st_size:
                    raise DatabaseLocked(db_path, busy_timeout_ms)  # another program wrote after all
                with contextlib.suppress(FileNotFoundError):
                    sidecar.unlink()
            with contextlib.suppress(OSError):
                os.chmod(tmp, os.stat(db_path).st_mode & 0o777)
            os.replace(tmp, db_path)
            _fsync_dir(db_path.parent)
    except BaseException:
        with contextlib.suppress(Exception):
            db.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        if new_key is not None and not (db_path.exists() and _id_of(db_path) == new_key.id):
            keys.delete(new_key.id)
        raise
    encrypted = open_database(db_path, busy_timeout_ms=busy_timeout_ms)
    try:
        audit.append(encrypted, "encrypt", operator, "database",
                     {"database_id": new_key.id, "tables": len(counts), "rows": sum(counts.values())})
    finally:
        encrypted.close()
    return EncryptReport(db_path, False, new_key.id, len(counts), sum(counts.values()),
                         plaintext_leftovers(db_path))


def _id_of(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    return None if head.startswith(b"SQLite format 3") else keys.database_id(head)
