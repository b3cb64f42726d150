"""Reading the database key ahead in a forked helper (store.key_prefetch), against the real
Secret Service keyring of the test session.

- The key read by the child opens the database with no keyring read in the desk's process.
- Nothing to read (no file, a plaintext database) starts no child.
- Whatever goes wrong in the child (no entry, no keyring, a hung keyring) changes nothing: the
  database then opens, or fails, exactly as without the helper, with the same typed errors.
- A wrong key read ahead is found wrong at open and not kept.
- The child is always reaped (a hung one is stopped at the timeout).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from hospital_client import credentials, store
from hospital_client.store import key_prefetch, keys

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper forks: Linux only")


@pytest.fixture
def encrypted(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "desk.db"
    store.open_database(path, create=True).close()
    keys.forget()
    yield path
    key_prefetch.collect(timeout_s=5)  # a test that failed half-way leaves no child behind
    keys.forget()


def _key_id(path: Path) -> str:
    return path.read_bytes()[:16].hex()


def _no_keyring_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a keyring read in this process fails the test (the child was forked before)."""
    def refuse(name: str) -> str | None:
        raise AssertionError(f"the desk's process read the keyring ({name})")

    monkeypatch.setattr(credentials, "get_secret", refuse)


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # reaped already
    return False


def test_the_key_read_ahead_opens_the_database_without_a_keyring_read(
        encrypted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert key_prefetch.start(encrypted)
    pid = key_prefetch._pending.pid  # type: ignore[union-attr]
    assert not key_prefetch.start(encrypted)  # one read at a time
    _no_keyring_read_here(monkeypatch)
    assert key_prefetch.collect()
    assert _gone(pid)
    db = store.open_database(encrypted)
    assert db.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] > 0
    db.close()
    assert not key_prefetch.collect()  # nothing left to collect


@pytest.mark.parametrize("content", [None, b"", b"SQLite format 3\x00" + bytes(84)],
                         ids=["no-file", "empty", "plaintext"])
def test_nothing_to_read_starts_no_child(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "desk.db"
    if content is not None:
        path.write_bytes(content)
    assert not key_prefetch.start(path)
    assert not key_prefetch.collect()


def test_no_keyring_entry_leaves_the_usual_error(encrypted: Path) -> None:
    credentials.delete_secret(keys.secret_name(_key_id(encrypted)))
    assert key_prefetch.start(encrypted)
    assert not key_prefetch.collect()
    with pytest.raises(store.DatabaseKeyMissing):
        store.open_database(encrypted)


def test_a_wrong_key_read_ahead_is_found_wrong_and_not_kept(encrypted: Path) -> None:
    right = credentials.get_secret(keys.secret_name(_key_id(encrypted)))
    credentials.set_secret(keys.secret_name(_key_id(encrypted)), "ab" * keys.KEY_BYTES)
    try:
        assert key_prefetch.start(encrypted)
        assert key_prefetch.collect()
        with pytest.raises(store.DatabaseKeyWrong):
            store.open_database(encrypted)
        assert keys._cache.get(_key_id(encrypted)) is None
    finally:
        assert right is not None
        credentials.set_secret(keys.secret_name(_key_id(encrypted)), right)


def test_an_entry_that_is_not_a_key_is_left_to_the_usual_read(encrypted: Path) -> None:
    right = credentials.get_secret(keys.secret_name(_key_id(encrypted)))
    credentials.set_secret(keys.secret_name(_key_id(encrypted)), "not a key")
    try:
        assert key_prefetch.start(encrypted)
        assert not key_prefetch.collect()
        with pytest.raises(store.DatabaseKeyWrong):  # what the usual read makes of it
            store.open_database(encrypted)
    finally:
        assert right is not None
        credentials.set_secret(keys.secret_name(_key_id(encrypted)), right)


def test_no_keyring_in_the_child_leaves_the_usual_error(encrypted: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the child is forked with this: no backend
    try:
        assert key_prefetch.start(encrypted)
        assert not key_prefetch.collect()
        with pytest.raises(store.DatabaseKeyringUnavailable):
            store.open_database(encrypted)
    finally:
        keyring.set_keyring(previous)


def test_a_hung_keyring_is_given_up_at_the_timeout_and_the_child_stopped(
        encrypted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "get_secret", lambda name: time.sleep(60))  # the child inherits it
    assert key_prefetch.start(encrypted)
    pid = key_prefetch._pending.pid  # type: ignore[union-attr]
    started = time.monotonic()
    assert not key_prefetch.collect(timeout_s=0.5)
    assert time.monotonic() - started < 5
    assert _gone(pid)
    monkeypatch.undo()
    store.open_database(encrypted).close()  # the usual read


def test_the_desk_process_does_not_import_keyring_before_its_window() -> None:
    """What makes the helper pay off: the desk's start-up code leaves keyring to the child."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys, hospital_client.ui.startup; print('keyring' in sys.modules)"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    assert out == "False"
