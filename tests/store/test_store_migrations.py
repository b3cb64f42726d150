"""Schema under sqlite-utils migrations: a first-version database is upgraded (after a safety
copy, encrypted like the database) with its data intact; a database from a newer schema is
refused untouched. A first-version database of an older, unencrypting version (plaintext) is
upgraded too, with a warning that names `hospital-client encrypt`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import new_settlement

from hospital_client import store
from hospital_client.store.connection import raw_connection
from hospital_client.store.opening import PlaintextDatabaseWarning
from hospital_client.store.schema import MIGRATION_NAMES, migrations


def _connect(path: Path, encrypted: bool) -> sqlite3.Connection:
    if encrypted:
        return raw_connection(path, mode="rwc")
    return sqlite3.connect(path, isolation_level=None)


def _first_version(path: Path, encrypted: bool) -> None:
    conn = _connect(path, encrypted)
    conn.execute("PRAGMA journal_mode = WAL")
    db = Database(conn, execute_plugins=False)
    migrations().apply(db, stop_before=MIGRATION_NAMES[1])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plaintext"])
def test_first_schema_version_is_upgraded_with_its_data(tmp_path: Path, encrypted: bool) -> None:
    path = tmp_path / "old.db"
    _first_version(path, encrypted)
    # A version-1 database in use: write a settlement with the current store code, which only
    # needs version-1 tables, through a raw connection (open_database would upgrade first).
    conn = _connect(path, encrypted)
    old = store.LocalDatabase(conn, path, 5000)
    committed = store.journal.record_settlement(old, new_settlement("OLD-1"))
    assert "setting" not in Database(conn, execute_plugins=False).table_names()
    old.close()

    if encrypted:
        db = store.open_database(path)
    else:
        with pytest.warns(PlaintextDatabaseWarning, match="hospital-client encrypt"):
            db = store.open_database(path)
    try:
        assert db.encrypted is encrypted
        assert store.schema_version(db) == store.SCHEMA_VERSION == len(MIGRATION_NAMES)
        tables = Database(db.conn, execute_plugins=False)
        assert "setting" in tables.table_names()
        assert [m.name for m in migrations().applied(tables)] == list(MIGRATION_NAMES)
        entry = store.journal.get_entry(db, committed.local_id)
        assert entry.mdtrt_id == "OLD-1"
        assert store.check.check_database(db).ok
        indexes = {i.name for i in tables["settlement"].indexes}
        assert "settlement_day_operator" in indexes
    finally:
        db.close()
    copies = list(tmp_path.glob("old.db.schema-v1-*.bak"))
    assert len(copies) == 1
    assert (copies[0].read_bytes()[:15] == b"SQLite format 3") is not encrypted
    assert copies[0].read_bytes()[:16] == path.read_bytes()[:16]  # the same key and id as the database
    copy = raw_connection(copies[0], mode="ro")
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT mdtrt_id FROM settlement").fetchall() == [("OLD-1",)]
    copy.close()


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    store.open_database(path, create=True).close()
    for _ in range(2):
        db = store.open_database(path)
        assert store.schema_version(db) == store.SCHEMA_VERSION
        db.close()
    assert not list(tmp_path.glob("*.bak"))  # nothing to upgrade, no safety copy


@pytest.mark.parametrize("how", ["user_version", "migration_name"])
def test_newer_schema_is_refused_untouched(tmp_path: Path, how: str) -> None:
    path = tmp_path / "new.db"
    db = store.open_database(path, create=True)
    store.journal.record_settlement(db, new_settlement("N-1"))
    if how == "user_version":
        db.conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    else:
        db.conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('hospital_client', "
            "'m099_from_the_future', 'later')"
        )
    db.close()
    before = path.read_bytes()
    with pytest.raises(store.DatabaseTooNew) as info:
        store.open_database(path)
    message = str(info.value)
    assert "newer version of hospital-client" in message and "Install the newer version" in message
    assert "Nothing was changed" in message
    assert path.read_bytes() == before
