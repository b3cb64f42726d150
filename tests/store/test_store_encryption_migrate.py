"""Plaintext databases of older versions: they keep opening, with a warning that names
`hospital-client encrypt`; `encrypt` migrates one in place, verified (row counts of every table,
integrity_check, the same schema) before the original is replaced, and leaves it untouched when
anything fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import new_settlement

from hospital_client import cli, credentials, store
from hospital_client.store import encrypt, keys
from hospital_client.store.connection import raw_connection
from hospital_client.store.file_header import SQLITE_MAGIC
from hospital_client.store.opening import PlaintextDatabaseWarning

ROOT = Path(__file__).resolve().parents[2]


def _plaintext_copy(source: Path, target: Path) -> Path:
    """The demo database as an older (unencrypting) version would have it: plaintext, WAL."""
    conn = raw_connection(source)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute(f"PRAGMA plain.user_version = {version}")
    conn.execute("DETACH DATABASE plain")
    conn.close()
    plain = raw_connection(target)
    plain.execute("PRAGMA journal_mode = WAL")
    plain.close()
    assert target.read_bytes().startswith(SQLITE_MAGIC)
    return target


def _open_plain(path: Path) -> store.LocalDatabase:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlaintextDatabaseWarning)
        return store.open_database(path)


def _table_counts(db: store.LocalDatabase) -> dict[str, int]:
    tables = Database(db.conn, execute_plugins=False)
    return {t: tables[t].count for t in tables.table_names()}


def _counts(path: Path) -> dict[str, int]:
    db = _open_plain(path)
    try:
        return _table_counts(db)
    finally:
        db.close()


@pytest.fixture
def plain(demo_path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    path = _plaintext_copy(demo_path, folder / "hospital-client.db")
    db = _open_plain(path)
    try:
        for i in range(3):
            store.journal.record_settlement(db, new_settlement(f"P-{i}"))
    finally:
        db.close()
    return path


def test_a_plaintext_database_still_opens_with_a_warning(plain: Path) -> None:
    with pytest.warns(PlaintextDatabaseWarning, match=r"not encrypted.*hospital-client encrypt --db"):
        db = store.open_database(plain)
    try:
        assert not db.encrypted and db.key_id is None
        assert store.check.check_database(db).ok
    finally:
        db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "hospital_client", "journal", "list", "--db", str(plain)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "P-2" not in done.stderr
    assert "not encrypted" in done.stderr and f"hospital-client encrypt --db {plain}" in done.stderr


def test_encrypt_migrates_in_place_verified(plain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _counts(plain)
    assert before["settlement"] == 3 and before["person"] > 60
    code = cli.main(["encrypt", "--db", str(plain)])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert report["already_encrypted"] is False and report["rows"] == sum(before.values())
    assert report["tables"] == len(before) and "key export" in err

    data = plain.read_bytes()
    assert not data.startswith(SQLITE_MAGIC) and data[:16].hex() == report["database_id"]
    assert sorted(p.name for p in plain.parent.iterdir()) == [plain.name]  # original and copy gone, no -wal
    db = store.open_database(plain)
    try:
        assert db.encrypted and store.check.check_database(db).ok
        assert store.schema_version(db) == store.SCHEMA_VERSION
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        after = _table_counts(db)
        assert store.audit.entries(db)[-1].action == "encrypt"
    finally:
        db.close()
    assert {t: n for t, n in after.items() if t != "audit"} == {t: n for t, n in before.items() if t != "audit"}
    assert after["audit"] == before["audit"] + 1
    # The append-only triggers came along.
    db = store.open_database(plain)
    try:
        with pytest.raises(store.AppendOnlyViolation):
            with store.guard(plain):
                db.conn.execute("DELETE FROM settlement")
    finally:
        db.close()

    code = cli.main(["encrypt", "--db", str(plain)])
    out, _err = capsys.readouterr()
    assert code == 0 and json.loads(out)["already_encrypted"] is True


def test_a_failed_verification_keeps_the_original(plain: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts(plain)
    made: list[keys.DatabaseKey] = []
    real_new_key = keys.new_key

    def recording_new_key() -> keys.DatabaseKey:
        made.append(real_new_key())
        return made[-1]

    calls = {"n": 0}
    real_counts = encrypt._counts

    def short_copy(conn: object) -> dict[str, int]:
        counts = real_counts(conn)  # type: ignore[arg-type]
        calls["n"] += 1
        if calls["n"] == 2:  # the copy's counts: pretend a row went missing
            counts["settlement"] -= 1
        return counts

    monkeypatch.setattr(keys, "new_key", recording_new_key)
    monkeypatch.setattr(encrypt, "_counts", short_copy)
    with pytest.raises(store.StorageFailure, match="row counts of the encrypted copy differ"):
        encrypt.encrypt_database(plain, operator="it")
    assert plain.read_bytes().startswith(SQLITE_MAGIC)
    assert sorted(p.name for p in plain.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [plain.name]
    assert _counts(plain) == before
    assert len(made) == 1 and credentials.get_secret(keys.secret_name(made[0].id)) is None  # the unused key is gone


def test_encrypt_names_plaintext_copies_left_beside_it(plain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old_copy = plain.with_name(plain.name + ".schema-v1-20260101-080000.bak")
    old_copy.write_bytes(plain.read_bytes())
    code = cli.main(["encrypt", "--db", str(plain)])
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["plaintext_copies_left"] == [str(old_copy)]
    assert "NOT encrypted" in err and old_copy.name in err
