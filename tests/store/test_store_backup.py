"""Backups with the online backup API (verified before they are put in place) and restoring one
(the current database is moved aside, never deleted)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from store_helpers import new_settlement

from hospital_client import store
from hospital_client.store.connection import raw_connection


def test_backup_is_a_verified_standalone_copy(demo_db: store.LocalDatabase, tmp_path: Path) -> None:
    store.journal.record_settlement(demo_db, new_settlement("B-1"))
    info = store.backup.backup(demo_db, tmp_path / "copies" / "b.db", operator="it")
    assert info.counts["settlement"] == 1 and info.counts["person"] >= 60
    assert info.path.exists() and not Path(str(info.path) + "-wal").exists()
    assert not list(info.path.parent.glob("*.partial"))
    assert info.key_id == demo_db.key_id is not None  # encrypted with the desk's own key and id
    assert info.path.read_bytes()[:16] == demo_db.path.read_bytes()[:16]
    conn = raw_connection(info.path, mode="rw")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'backup'").fetchone()[0] == 1
    conn.close()
    backup_db = store.open_database(info.path)
    try:
        assert store.check.check_database(backup_db).ok
    finally:
        backup_db.close()


def test_backup_into_a_folder_and_not_onto_itself(demo_db: store.LocalDatabase, tmp_path: Path) -> None:
    info = store.backup.backup(demo_db, tmp_path, operator="it")
    assert info.path.parent == tmp_path and info.path.name.startswith("hospital-client-")
    with pytest.raises(store.StorageFailure, match="database itself"):
        store.backup.backup(demo_db, demo_db.path, operator="it")


def test_backup_while_another_connection_writes(demo_path: Path, tmp_path: Path) -> None:
    writer = store.open_database(demo_path)
    reader = store.open_database(demo_path)
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        i = 0
        while not stop.is_set():
            written.append(store.journal.record_settlement(writer, new_settlement(f"BW-{i}")).local_id)
            i += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        info = store.backup.backup(reader, tmp_path / "live.db", operator="it")
    finally:
        stop.set()
        thread.join()
        writer.close()
        reader.close()
    copy = store.open_database(info.path)
    try:
        assert store.check.check_database(copy).ok  # a consistent snapshot: whole settlements only
    finally:
        copy.close()


def test_restore_moves_the_current_database_aside(demo_path: Path, tmp_path: Path) -> None:
    db = store.open_database(demo_path)
    store.journal.record_settlement(db, new_settlement("R-1"))
    info = store.backup.backup(db, tmp_path / "b.db", operator="it")
    store.journal.record_settlement(db, new_settlement("R-2"))  # after the backup
    db.close()

    restored, aside = store.backup.restore(info.path, demo_path, operator="it")
    assert aside is not None and aside.exists()
    db = store.open_database(demo_path)
    try:
        assert [e.mdtrt_id for e in store.journal.list_entries(db)] == ["R-1"]
        assert store.check.check_database(db).ok
        assert db.conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'restore'").fetchone()[0] == 1
    finally:
        db.close()
    old = store.open_database(aside)
    try:
        assert [e.mdtrt_id for e in store.journal.list_entries(old)] == ["R-1", "R-2"]  # nothing thrown away
    finally:
        old.close()
    assert restored.counts["settlement"] == 1


def test_restore_over_a_damaged_database(demo_path: Path, tmp_path: Path) -> None:
    db = store.open_database(demo_path)
    info = store.backup.backup(db, tmp_path / "b.db", operator="it")
    db.close()
    data = bytearray(demo_path.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    demo_path.write_bytes(bytes(data))
    _, aside = store.backup.restore(info.path, demo_path, operator="it")
    assert aside is not None and aside.read_bytes() == bytes(data)
    db = store.open_database(demo_path)
    try:
        assert store.check.check_database(db).ok
    finally:
        db.close()


def test_a_damaged_backup_is_not_restored(demo_db: store.LocalDatabase, demo_path: Path, tmp_path: Path) -> None:
    info = store.backup.backup(demo_db, tmp_path / "b.db", operator="it")
    data = bytearray(info.path.read_bytes())
    data[8192:12288] = b"\x00\x01" * 2048
    info.path.write_bytes(bytes(data))
    before = demo_path.read_bytes()
    with pytest.raises((store.DatabaseCorrupt, store.NotADatabase)):
        store.backup.restore(info.path, demo_path, operator="it")
    assert demo_path.read_bytes() == before
