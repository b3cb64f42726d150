"""After creating or upgrading a database, open_database goes on with a fresh connection (the
migrations' statements would otherwise stay in its statement cache): that connection is set up
like any other, and the plaintext warning comes once."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

from sqlite_utils import Database

from hospital_client import store
from hospital_client.store.opening import PlaintextDatabaseWarning
from hospital_client.store.schema import MIGRATION_NAMES, migrations


def _assert_live(db: store.LocalDatabase, busy_timeout_ms: int) -> None:
    conn = db.conn
    assert str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == busy_timeout_ms
    assert store.schema_version(db) == store.SCHEMA_VERSION


def test_created_database_is_used_through_a_configured_connection(tmp_path: Path) -> None:
    db = store.open_database(tmp_path / "new.db", create=True, busy_timeout_ms=4321)
    try:
        assert db.encrypted
        _assert_live(db, 4321)
    finally:
        db.close()


def test_upgraded_plaintext_database_warns_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations().apply(Database(conn, execute_plugins=False), stop_before=MIGRATION_NAMES[1])
    conn.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        db = store.open_database(path, busy_timeout_ms=2345)
    try:
        assert [w.category for w in caught] == [PlaintextDatabaseWarning]
        assert not db.encrypted
        _assert_live(db, 2345)
    finally:
        db.close()

