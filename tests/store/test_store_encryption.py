"""The local database is encrypted at rest (SQLCipher, the key in the OS keyring).

The database file, its -wal while the desk works, and the backups have no SQLite header and
none of the demo roster's names, ID numbers, card numbers or e-card codes anywhere in their
bytes; the same data decrypted shows them (so the search itself works). The encrypted file
keeps the pragmas that money needs, and sqlite-utils works on the SQLCipher connection.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import load_request

from hospital_client import app, cli, paths, store
from hospital_client.store.connection import raw_connection
from hospital_client.store.file_header import SQLITE_MAGIC


def _roster_secrets() -> dict[str, bytes]:
    """Every name, ID number, card number and e-card code of the demo roster, as stored (UTF-8)."""
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    found: dict[str, bytes] = {}
    for person in persons:
        for field in ("psn_name", "certno", "card_no", "ecard_code"):
            value = str(person.get(field) or "")
            if value:
                found[value] = value.encode("utf-8")
    assert len(found) > 200
    return found


def _leaks(data: bytes) -> list[str]:
    return sorted(text for text, raw in _roster_secrets().items() if raw in data)


def test_database_wal_and_backups_hold_no_header_and_no_roster_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "desk.db"
    wal = path.with_name(path.name + "-wal")
    desk = app.open_desk_database(path, None, first_start=True)  # the demo site's first start makes the key
    db = desk.db
    files: dict[str, bytes] = {}
    try:
        assert desk.created and db.encrypted
        clerk = app.login(db, "demo", "demo123")
        for name in ("req_basic_urban.json", "req_dibao_large.json", "req_referral.json"):
            app.settle(db, clerk, load_request(name))
        assert wal.stat().st_size > 0  # the settlements (names, ID numbers) are in the WAL now
        files["database while open"] = path.read_bytes()
        files["-wal"] = wal.read_bytes()
        info = store.backup.backup(db, tmp_path / "backups", operator="it")
        files["backup"] = info.path.read_bytes()
    finally:
        db.close()
    files["database after close"] = path.read_bytes()
    code, out, _err = cli.main(["backup", str(tmp_path / "cli-backup.db"), "--db", str(path)]), *capsys.readouterr()
    assert code == 0 and json.loads(out)["encrypted"] is True
    files["cli backup"] = (tmp_path / "cli-backup.db").read_bytes()

    for what, data in files.items():
        assert len(data) >= 4096, what
        assert not data.startswith(SQLITE_MAGIC), what
        assert b"SQLite format 3" not in data, what
        assert _leaks(data) == [], what
    # Every file of this desk carries its database id in front: the same keyring entry opens all.
    ids = {data[:16] for what, data in files.items() if what != "-wal"}
    assert ids == {bytes.fromhex(db.key_id or "")}

    # The control: decrypted, the same database shows the roster (the search above can find it).
    conn = raw_connection(path)
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(tmp_path / "plain.db"),))
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute("DETACH DATABASE plain")
    conn.close()
    plain = (tmp_path / "plain.db").read_bytes()
    assert plain.startswith(SQLITE_MAGIC)
    assert len(_leaks(plain)) == len(_roster_secrets())


def test_encrypted_file_keeps_the_pragmas_for_money(empty_db: store.LocalDatabase) -> None:
    conn = empty_db.conn
    assert empty_db.encrypted
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert not empty_db.path.read_bytes().startswith(SQLITE_MAGIC)


def test_sqlite_utils_works_on_the_sqlcipher_connection(tmp_path: Path) -> None:
    conn = raw_connection(tmp_path / "plain-api.db", mode="rwc")
    db = Database(conn, execute_plugins=False)
    db["people"].insert_all([{"id": 1, "name": "甲"}, {"id": 2, "name": "乙"}], pk="id")
    db["people"].upsert({"id": 2, "name": "丙"}, pk="id")
    db["people"].create_index(["name"])
    assert db.table_names() == ["people"]
    assert list(db.query("SELECT name FROM people ORDER BY id")) == [{"name": "甲"}, {"name": "丙"}]
    assert db["people"].count == 2 and db["people"].pks == ["id"]
    with db.atomic():
        db["people"].insert({"id": 3, "name": "丁"})
    # Errors of the SQLCipher connection are also the sqlite3 classes that code catches.
    with pytest.raises(sqlite3.IntegrityError):
        db["people"].insert({"id": 1, "name": "again"})
    with pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT * FROM no_such_table")
    db["people"].drop()
    db["people"].drop(ignore=True)  # sqlite-utils catches sqlite3.OperationalError itself here
    db.close()
    assert not (tmp_path / "plain-api.db").read_bytes().startswith(SQLITE_MAGIC)


def test_a_copied_database_opens_at_another_path_with_the_same_key(demo_path: Path, tmp_path: Path) -> None:
    """The keyring entry is named after the database id, not the path: a desk's database moved to
    another folder (or another PC with the key imported) opens as it is."""
    moved = tmp_path / "elsewhere" / "hospital-client.db"
    moved.parent.mkdir()
    moved.write_bytes(demo_path.read_bytes())
    db = store.open_database(moved)
    try:
        assert db.encrypted and db.key_id == demo_path.read_bytes()[:16].hex()
        assert store.check.check_database(db).ok
    finally:
        db.close()


_FIRST_START = """
import sys, time
from hospital_client import store
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
db = store.open_database(sys.argv[1], create=True)
print(db.key_id, store.schema_version(db))
db.close()
"""


def test_two_first_starts_at_once_share_one_database_and_key(tmp_path: Path) -> None:
    """Each start makes a new key before the file exists; the one that writes the file first wins
    and the other opens that database (not a 'damaged' error, not a second key for one file)."""
    import os
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    for trial in range(4):
        path = tmp_path / f"race-{trial}.db"
        start = str(time.time() + 1.5)
        children = [subprocess.Popen([sys.executable, "-c", _FIRST_START, str(path), start], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env, cwd=root) for _ in range(3)]
        results = [child.communicate(timeout=90) for child in children]
        if [c.returncode for c in children] != [0, 0, 0]:
            for _out, err in results:
                print(err)  # shown in full with the failure
        assert [c.returncode for c in children] == [0, 0, 0], [err[-400:] for _out, err in results]
        assert {out.strip() for out, _err in results} == {f"{path.read_bytes()[:16].hex()} {store.SCHEMA_VERSION}"}
