"""The database key: missing or wrong key, escrow export and import, a backup restored on a
fresh keyring. All against the real Secret Service keyring of the test session.

- No key (keyring wiped, another OS user, a copied file) or a wrong key: a typed error with an
  English message naming `key import` and a Chinese one, before anything is written; never a
  new empty database, not even with create=True or on the demo site's first start.
- `key export` then deleting the secret then `key import` opens the database again; a wrong
  passphrase, an altered key file or another desk's key file are refused and change nothing.
- The key is never written in clear: not to the key file, the logs, or beside the database.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from hospital_client import app, cli, credentials, store
from hospital_client.store import keys
from hospital_client.store.connection import raw_connection

PASSPHRASE = "门诊楼三层 recovery 2026"


def _key_of(path: Path) -> str:
    value = credentials.get_secret(keys.secret_name(path.read_bytes()[:16].hex()))
    assert value is not None
    return value


def _wipe_key(path: Path) -> None:
    """What a reset keyring, another OS user or another PC looks like to this database."""
    key_id = path.read_bytes()[:16].hex()
    credentials.delete_secret(keys.secret_name(key_id))
    keys.forget()
    assert credentials.get_secret(keys.secret_name(key_id)) is None


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _cli(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
         stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def desk(demo_path: Path, tmp_path: Path) -> Path:
    """A demo desk alone in its folder (so 'nothing written' can compare the whole folder), with
    its own key and id: the session's demo copies share the template's, which these tests wipe."""
    folder = tmp_path / "desk"
    folder.mkdir()
    target = folder / "hospital-client.db"
    new = keys.new_key()
    keys.save(new)
    conn = raw_connection(demo_path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("ATTACH DATABASE ? AS fresh KEY ?", (str(target), new.pragma_value(new_file=True)))
    conn.execute("SELECT sqlcipher_export('fresh')")
    conn.execute(f"PRAGMA fresh.user_version = {version}")
    conn.execute("DETACH DATABASE fresh")
    conn.close()
    store.open_database(target).close()  # WAL mode, as the desk has it
    assert target.read_bytes()[:16].hex() == new.id
    return target


# --- missing and wrong keys ---------------------------------------------------------------------

def test_missing_key_is_a_clear_error_and_nothing_is_written(desk: Path) -> None:
    _wipe_key(desk)
    before = _files(desk.parent)
    for attempt in (lambda: store.open_database(desk), lambda: store.open_database(desk, create=True),
                    lambda: app.open_desk_database(desk, None, first_start=True)):
        with pytest.raises(store.DatabaseKeyMissing) as info:
            attempt()
        message = str(info.value)
        assert "not in this user's OS keyring" in message and "hospital-client key import" in message
        assert "Nothing was written" in message and "no new database" in message
        assert "key" in info.value.clerk_text and "key import" in info.value.clerk_text
        assert info.value.key_id == desk.read_bytes()[:16].hex()
    assert _files(desk.parent) == before  # no -wal, no -shm, no new empty database


def test_wrong_key_is_a_clear_error_and_nothing_is_written(desk: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    key_id = desk.read_bytes()[:16].hex()
    credentials.set_secret(keys.secret_name(key_id), os.urandom(32).hex())  # another desk's key under this id
    keys.forget()
    before = _files(desk.parent)
    with pytest.raises(store.DatabaseKeyWrong) as info:
        store.open_database(desk)
    assert "does not open it" in str(info.value) and "key import" in str(info.value)
    assert info.value.clerk_text
    code, out, err = _cli(["settle", str(Path(__file__).parents[2] / "resources/demo/requests/req_referral.json"),
                           "--commit", "--db", str(desk)], capsys, monkeypatch)
    assert code == 1 and out == ""
    assert "does not open it" in err and "Nothing was written" in err
    assert _files(desk.parent) == before


def test_cli_without_key_says_what_to_do(desk: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _wipe_key(desk)
    code, out, err = _cli(["journal", "list", "--db", str(desk)], capsys, monkeypatch)
    assert code == 1 and out == ""
    assert err.startswith("hospital-client: error: ") and "key import KEYFILE" in err
    code, out, _err = _cli(["key", "status", "--db", str(desk)], capsys, monkeypatch)
    status = json.loads(out)
    assert code == 1 and status["encrypted"] is True and status["key_in_keyring"] is False
    assert "key import" in status["advice"]


def test_no_keyring_means_no_database(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(store.DatabaseKeyringUnavailable) as info:
            store.open_database(tmp_path / "new.db", create=True)
    finally:
        keyring.set_keyring(previous)
    assert "keyring" in str(info.value) and "Nothing was written" in str(info.value) and info.value.clerk_text
    assert not (tmp_path / "new.db").exists()


# --- escrow -------------------------------------------------------------------------------------

def test_export_then_import_on_a_fresh_keyring_opens_the_database(
    desk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_hex = _key_of(desk)
    key_file = tmp_path / "escrow" / "desk.key"
    key_file.parent.mkdir()
    code, out, err = _cli(["key", "export", "--to", str(key_file), "--db", str(desk)], capsys, monkeypatch,
                          PASSPHRASE + "\n")
    assert code == 0, err
    assert json.loads(out)["database_id"] == desk.read_bytes()[:16].hex()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    text = key_file.read_text(encoding="utf-8")
    assert key_hex not in text and key_hex.upper() not in text
    assert json.loads(text)["kdf"]["name"] == "scrypt" and json.loads(text)["cipher"]["name"] == "AES-256-GCM"

    _wipe_key(desk)
    with pytest.raises(store.DatabaseKeyMissing):
        store.open_database(desk)

    code, out, err = _cli(["key", "import", str(key_file), "--db", str(desk)], capsys, monkeypatch,
                          PASSPHRASE + "\n")
    assert code == 0, err
    assert json.loads(out)["opens_database"] is True
    assert _key_of(desk) == key_hex
    keys.forget()  # read the imported key from the keyring, not the cache
    db = store.open_database(desk)
    try:
        assert store.check.check_database(db).ok
        actions = [e.action for e in store.audit.entries(db)]
        assert "key_export" in actions and actions[-1] == "key_import"
    finally:
        db.close()

    # Never in clear: not in the logs, not beside the database, not in the key file.
    logs = "".join(p.read_text("utf-8") for p in (tmp_path / "log").rglob("*") if p.is_file())
    assert "key export" in logs or "command key" in logs
    for blob in [logs.encode(), *_files(desk.parent).values(), key_file.read_bytes()]:
        assert key_hex.encode() not in blob and bytes.fromhex(key_hex) not in blob


def test_import_refuses_a_wrong_passphrase_an_altered_file_and_another_desks_key(
    desk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "desk.key"
    assert _cli(["key", "export", "--to", str(key_file), "--db", str(desk)], capsys, monkeypatch,
                PASSPHRASE + "\n")[0] == 0
    code, _out, err = _cli(["key", "export", "--to", str(key_file), "--db", str(desk)], capsys, monkeypatch,
                           PASSPHRASE + "\n")
    assert code == 2 and "already exists" in err  # an escrowed key file is never overwritten
    code, _out, err = _cli(["key", "export", "--to", str(tmp_path / "short.key"), "--db", str(desk)], capsys,
                           monkeypatch, "short\n")
    assert code == 2 and "at least 12 characters" in err and not (tmp_path / "short.key").exists()
    _wipe_key(desk)

    code, _out, err = _cli(["key", "import", str(key_file), "--db", str(desk)], capsys, monkeypatch,
                           "not the passphrase\n")
    assert code == 2 and "passphrase does not open this key file" in err

    altered = json.loads(key_file.read_text("utf-8"))
    altered["kdf"]["n"] = 2**14
    (tmp_path / "altered.key").write_text(json.dumps(altered), encoding="utf-8")
    code, _out, err = _cli(["key", "import", str(tmp_path / "altered.key"), "--db", str(desk)], capsys, monkeypatch,
                           PASSPHRASE + "\n")
    assert code == 2 and "altered" in err

    other = store.open_database(tmp_path / "other-desk.db", create=True)
    other.close()
    other_key = tmp_path / "other.key"
    assert _cli(["key", "export", "--to", str(other_key), "--db", str(other.path)], capsys, monkeypatch,
                PASSPHRASE + "\n")[0] == 0
    code, _out, err = _cli(["key", "import", str(other_key), "--db", str(desk)], capsys, monkeypatch,
                           PASSPHRASE + "\n")
    assert code == 2 and "another desk's key file" in err and "Nothing was changed" in err

    assert credentials.get_secret(keys.secret_name(desk.read_bytes()[:16].hex())) is None  # none of it stored
    with pytest.raises(store.DatabaseKeyMissing):
        store.open_database(desk)


def test_a_backup_restored_on_another_pc_needs_only_the_key_import(
    desk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT's recovery path: the old PC is gone; on the new one there is a backup and the key file."""
    db = store.open_database(desk)
    clerk = app.login(db, "demo", "demo123")
    sys.path.insert(0, str(Path(__file__).parent))
    from store_helpers import load_request

    app.settle(db, clerk, load_request())
    db.close()
    backup = tmp_path / "usb" / "desk-backup.db"
    assert _cli(["backup", str(backup), "--db", str(desk)], capsys, monkeypatch)[0] == 0
    key_file = tmp_path / "usb" / "desk.key"
    assert _cli(["key", "export", "--to", str(key_file), "--db", str(desk)], capsys, monkeypatch,
                PASSPHRASE + "\n")[0] == 0

    _wipe_key(desk)                                     # the new PC's keyring knows nothing
    new_pc = tmp_path / "new-pc" / "hospital-client.db"  # and the data folder is elsewhere
    code, _out, err = _cli(["restore", str(backup), "--db", str(new_pc)], capsys, monkeypatch)
    assert code == 1 and "key import" in err and not new_pc.exists()

    code, out, _err = _cli(["key", "import", str(key_file), "--db", str(new_pc)], capsys, monkeypatch,
                           PASSPHRASE + "\n")
    assert code == 0 and json.loads(out)["opens_database"] is False  # no database there yet
    code, out, err = _cli(["restore", str(backup), "--db", str(new_pc)], capsys, monkeypatch)
    assert code == 0, err
    code, out, _err = _cli(["journal", "list", "--json", "--db", str(new_pc)], capsys, monkeypatch)
    assert code == 0 and len(json.loads(out)) == 1
    assert new_pc.read_bytes()[:16] == desk.read_bytes()[:16]  # the same database id, the same key


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    keys.forget()
    yield
    keys.forget()
