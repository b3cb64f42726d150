"""open_database: the one way in. Pragmas, creation only on request, refusal of foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hospital_client import store


def test_pragmas_for_money(empty_db: store.LocalDatabase) -> None:
    conn = empty_db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert store.schema_version(empty_db) == store.SCHEMA_VERSION


def test_busy_timeout_is_configurable(tmp_path: Path) -> None:
    db = store.open_database(tmp_path / "a.db", create=True, busy_timeout_ms=1234)
    try:
        assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    finally:
        db.close()


def test_missing_file_is_not_created_without_asking(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "missing.db"
    with pytest.raises(store.DatabaseMissing) as info:
        store.open_database(path)
    assert "no database here" in str(info.value)
    assert "init" in str(info.value) and "restore" in str(info.value)
    assert info.value.clerk_text
    assert not path.exists() and not path.parent.exists()


def test_create_makes_folders_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "new.db"
    db = store.open_database(path, create=True)
    assert db.encrypted and db.key_id
    db.close()
    assert path.read_bytes()[:16] == bytes.fromhex(db.key_id)  # the id; the rest is ciphertext


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"this is a text file, not a database\n" * 10, "does not start with the SQLite header"),
        (b"", "empty (0 bytes)"),
        (b"SQLite format 3\x00", "does not start with the SQLite header"),  # truncated header
    ],
)
def test_existing_non_database_is_refused_and_untouched(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(store.NotADatabase) as info:
        store.open_database(path)
    assert expected in str(info.value)
    assert "not touched" in str(info.value)
    assert path.read_bytes() == content
    assert not Path(str(path) + "-wal").exists()


def test_even_create_refuses_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello" * 100)
    with pytest.raises(store.NotADatabase):
        store.open_database(path, create=True)
    assert path.read_text() == "hello" * 100


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.execute("INSERT INTO things VALUES (1)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(store.NotADatabase, match="another program"):
            store.open_database(path, create=create)
    assert path.read_bytes() == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(store.NotADatabase, match="folder"):
        store.open_database(tmp_path)


def test_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    db = store.open_database(path, create=True)
    store.caches.set_setting(db, "k", "v", operator="t")
    db.close()
    db = store.open_database(path)
    try:
        assert store.caches.get_setting(db, "k") == "v"
    finally:
        db.close()
