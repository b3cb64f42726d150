"""Checking a database's schema version and bringing it up to date.

The steps themselves are in ``store.schema`` (sqlite-utils migrations, each setting
``PRAGMA user_version``). Here: refusing a database of a newer version (or with a migration this
version does not know) and an SQLite file of another program, the safety copy of an older
database (``NAME.schema-vN-STAMP.bak``, encrypted like it) and the upgrade under the write lock.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from . import schema
from .connection import LocalDatabase, now, raw_connection, transaction
from .errors import DatabaseTooNew, NotADatabase, StorageFailure
from .schema import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "check_schema", "schema_version", "upgrade"]

log = logging.getLogger(__name__)


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


def check_schema(conn: sqlite3.Connection, path: Path, create: bool) -> tuple[int, list[str]]:
    """The database's schema version and applied migrations; typed errors for what is not ours."""
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


def upgrade(db: LocalDatabase, conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Apply pending migrations under the write lock, after a safety copy of a non-empty database."""
    from sqlite_utils import Database

    if version > 0:
        copy = _safety_copy(conn, path, version)
        log.info("schema upgrade %d -> %d; safety copy %s", version, SCHEMA_VERSION, copy.name)
    with transaction(db):
        # Another process may have upgraded while this one waited for the lock.
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current < SCHEMA_VERSION:
            schema.migrations().apply(Database(conn, execute_plugins=False))
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
        raise StorageFailure(path, "the schema upgrade did not complete")


def schema_version(db: LocalDatabase) -> int:
    """The schema version the open database is at (``PRAGMA user_version``)."""
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])
