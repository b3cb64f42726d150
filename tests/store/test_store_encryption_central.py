"""The reference central system's database, encrypted the same way behind a flag
(HOSPITAL_CENTRAL_ENCRYPT=1 for `central init`); without it, a plaintext file as before."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from hospital_client import credentials, paths
from hospital_client.central.cli import main as central_main
from hospital_client.central.sqlite_store import SQLiteStore
from hospital_client.store import keys
from hospital_client.store.file_header import SQLITE_MAGIC


def _central(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = central_main(list(argv))
    return code, out.getvalue()


def test_central_database_encrypted_behind_a_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "central.db"
    monkeypatch.setenv("HOSPITAL_CENTRAL_ENCRYPT", "1")
    assert _central("init", "--db", str(path))[0] == 0
    monkeypatch.delenv("HOSPITAL_CENTRAL_ENCRYPT")  # later commands find out from the file itself
    code, out = _central("site", "add", "--db", str(path), "--code", "H12345678901", "--name", "某某镇卫生院")
    assert code == 0
    code, out = _central("site", "list", "--db", str(path), "--json")
    assert code == 0 and [s["code"] for s in json.loads(out)] == ["H12345678901"]

    store = SQLiteStore(path)
    try:
        assert store.encrypted
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("SELECT COUNT(*) FROM person").fetchone()[0] > 60
    finally:
        store.close()
    data = path.read_bytes()
    assert not data.startswith(SQLITE_MAGIC)
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    for person in persons:
        assert person["certno"].encode() not in data and person["psn_name"].encode("utf-8") not in data

    credentials.delete_secret(keys.secret_name(data[:16].hex()))
    keys.forget()
    capsys.readouterr()
    code, _out = _central("site", "list", "--db", str(path))
    assert code != 0 and "key import" in capsys.readouterr().err  # no key: refused, with the advice
    assert path.read_bytes() == data


def test_central_database_stays_plaintext_without_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOSPITAL_CENTRAL_ENCRYPT", raising=False)
    path = tmp_path / "central.db"
    assert _central("init", "--db", str(path))[0] == 0
    assert path.read_bytes().startswith(SQLITE_MAGIC)
    store = SQLiteStore(path)
    assert not store.encrypted
    store.close()


def test_the_central_key_is_escrowed_with_the_same_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from hospital_client import cli

    path = tmp_path / "central.db"
    store = SQLiteStore(path, create=True, encrypt=True)
    store.close()
    key_file = tmp_path / "central.key"
    monkeypatch.setattr("sys.stdin", io.StringIO("central recovery passphrase\n"))
    assert cli.main(["key", "export", "--to", str(key_file), "--db", str(path)]) == 0
    credentials.delete_secret(keys.secret_name(path.read_bytes()[:16].hex()))
    keys.forget()
    monkeypatch.setattr("sys.stdin", io.StringIO("central recovery passphrase\n"))
    assert cli.main(["key", "import", str(key_file), "--db", str(path)]) == 0
    assert '"opens_database": true' in capsys.readouterr().out
    keys.forget()
    SQLiteStore(path).close()
