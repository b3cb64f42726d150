"""Faults: a damaged, read-only, locked, newer or full database gives a clear message saying
what is wrong and what to do, loses nothing, and is never silently replaced. The databases are
encrypted (as every database the client makes); a damaged page fails its HMAC and reads as
damaged. (Wrong and missing keys: test_store_encryption_keys.py.)

Full disk: a 2 MiB tmpfs mounted for the test when the tests run as root and may mount (as
here and in CI); otherwise SQLite's ``PRAGMA max_page_count`` makes the same SQLITE_FULL. A
nearly full disk, where the -wal would fit but the -shm index cannot be made or grown and SQLite
says only "disk I/O error", needs the small tmpfs (skipped without one).
Read-only: a tmpfs remounted read-only (as root), and a read-only file and folder (as root the
CLI then runs under ``setpriv`` without the capabilities that override file permissions).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import load_request

from hospital_client import app, cli, store
from hospital_client.store.schema import migrations

ROOT = Path(__file__).resolve().parents[2]


def _count(path: Path) -> int:
    db = store.open_database(path)
    try:
        return int(db.conn.execute("SELECT COUNT(*) FROM settlement").fetchone()[0])
    finally:
        db.close()


def _settle_once(path: Path, mdtrt_id: str, name: str = "req_basic_urban.json") -> store.Committed:
    db = store.open_database(path)
    try:
        request = load_request(name)
        request["encounter"]["mdtrt_id"] = mdtrt_id
        return app.settle(db, app.login(db, "demo", "demo123"), request).committed
    finally:
        db.close()


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path | None]:
    """A small tmpfs at ``where`` if this process may mount one, else None."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        yield None
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(where)], capture_output=True)
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


# --- damaged ----------------------------------------------------------------------------------

def test_damaged_pages_give_the_damaged_message_and_the_file_is_kept(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _settle_once(demo_path, "C-1")
    data = bytearray(demo_path.read_bytes())
    page = 4096
    rng = random.Random(7)
    for offset in range(page, len(data), page):  # every page but the first: b-tree pages become junk
        data[offset:offset + page] = bytes(rng.getrandbits(8) for _ in range(page))
    demo_path.write_bytes(bytes(data))
    before = demo_path.read_bytes()

    code, out, err = _run_cli(["journal", "list", "--json", "--db", str(demo_path)], capsys)
    assert code == 1 and out == ""
    assert "damaged" in err and "restore" in err and "Nothing more was written" in err

    code, out, err = _run_cli(["settle", str(ROOT / "resources/demo/requests/req_referral.json"), "--commit",
                               "--db", str(demo_path)], capsys)
    assert code == 1 and out == ""
    assert "damaged" in err
    assert demo_path.read_bytes() == before


def test_damaged_header_is_refused_and_untouched(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The first 16 bytes of an encrypted database are its id: wiped, no key matches them."""
    data = bytearray(demo_path.read_bytes())
    data[0:16] = b"\x00" * 16
    demo_path.write_bytes(bytes(data))
    code, _out, err = _run_cli(["journal", "list", "--db", str(demo_path)], capsys)
    assert code == 1
    assert "is not in this user's OS keyring" in err and "Nothing was written" in err
    assert demo_path.read_bytes() == bytes(data)
    assert not Path(f"{demo_path}-wal").exists()


def test_damaged_first_page_is_refused_and_untouched(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Past the id, page 1 fails its HMAC: the key in the keyring does not open it."""
    data = bytearray(demo_path.read_bytes())
    data[200:260] = b"\xff" * 60
    demo_path.write_bytes(bytes(data))
    code, _out, err = _run_cli(["journal", "list", "--db", str(demo_path)], capsys)
    assert code == 1
    assert "does not open it" in err and "restore the latest backup" in err and "Nothing was written" in err
    assert demo_path.read_bytes() == bytes(data)


def test_damaged_header_of_a_plaintext_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations().apply(Database(conn, execute_plugins=False))
    conn.close()
    data = bytearray(path.read_bytes())
    data[16:100] = b"\x00" * 84  # the rest of the SQLite header
    path.write_bytes(bytes(data))
    code, _out, err = _run_cli(["journal", "list", "--db", str(path)], capsys)
    assert code == 1
    assert "not a hospital-client database" in err and "not touched" in err
    assert path.read_bytes() == bytes(data)


# --- read-only --------------------------------------------------------------------------------

def test_read_only_filesystem(demo_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "ro", "8m") as mount:
        if mount is None:
            pytest.skip("cannot mount a tmpfs here (not root); the unprivileged test covers read-only files")
        path = mount / "desk.db"
        shutil.copyfile(demo_template, path)
        _settle_once(path, "RO-1")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        before = path.read_bytes()
        code, out, err = _run_cli(["settle", str(ROOT / "resources/demo/requests/req_referral.json"), "--commit",
                                   "--db", str(path)], capsys)
        assert code == 1 and out == ""
        assert "read-only" in err and "Nothing was changed" in err and "write permission" in err
        assert path.read_bytes() == before
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        assert _count(path) == 1


def test_read_only_file_for_an_unprivileged_user(demo_template: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="hc-ro-"))
    try:
        os.chmod(base, 0o755)
        folder = base / "data"
        folder.mkdir()
        path = folder / "desk.db"
        shutil.copyfile(demo_template, path)
        _settle_once(path, "RO-2")
        logs = base / "log"
        logs.mkdir(mode=0o777)
        os.chmod(logs, 0o777)
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        before = path.read_bytes()
        env = {**os.environ, "HOSPITAL_CLIENT_LOG_DIR": str(logs), "HOSPITAL_CLIENT_CONFIG": str(base / "none"),
               "PYTHONPATH": str(ROOT)}
        prefix: list[str] = []
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root without setpriv: root ignores file permissions")
            prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "hospital_client", "settle",
             str(ROOT / "resources/demo/requests/req_referral.json"), "--commit", "--db", str(path)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert "read-only" in done.stderr and "Nothing was changed" in done.stderr
        assert done.stdout == ""
        assert path.read_bytes() == before
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
        assert _count(path) == 1
    finally:
        for p in base.rglob("*"):
            with contextlib.suppress(OSError):
                os.chmod(p, stat.S_IRWXU)
        shutil.rmtree(base, ignore_errors=True)


# --- locked -----------------------------------------------------------------------------------

_HOLDER = """
import sys
from pathlib import Path
from hospital_client.store.connection import raw_connection
conn = raw_connection(Path(sys.argv[1]))
if sys.argv[2] == "exclusive":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
else:
    conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO setting VALUES ('held', 'by another process', 'now')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@contextlib.contextmanager
def held(path: Path, how: str) -> Iterator[None]:
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path), how], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        yield
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(timeout=30)


def test_exclusive_lock_by_another_process(demo_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _settle_once(demo_path, "L-1")
    monkeypatch.setenv("HOSPITAL_CLIENT_BUSY_TIMEOUT_MS", "300")
    with held(demo_path, "exclusive"):
        code, out, err = _run_cli(["journal", "list", "--db", str(demo_path)], capsys)
        assert code == 1 and out == ""
        assert "in use by another program" in err and "300 ms" in err and "Close the other program" in err
        with pytest.raises(store.DatabaseLocked):
            store.open_database(demo_path, busy_timeout_ms=200)
    assert _count(demo_path) == 1
    _settle_once(demo_path, "L-2")
    assert _count(demo_path) == 2


def test_write_lock_held_while_settling(demo_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_BUSY_TIMEOUT_MS", "300")
    with held(demo_path, "immediate"):
        code, out, err = _run_cli(["settle", str(ROOT / "resources/demo/requests/req_referral.json"), "--commit",
                                   "--db", str(demo_path)], capsys)
        assert code == 1 and out == ""
        assert "in use by another program" in err
        assert "Nothing was changed" in err
    assert _count(demo_path) == 0
    code, out, _err = _run_cli(["settle", str(ROOT / "resources/demo/requests/req_referral.json"), "--commit",
                                "--db", str(demo_path)], capsys)
    assert code == 0 and json.loads(out)["local_id"] == 1


# --- newer schema -----------------------------------------------------------------------------

def test_newer_schema_via_the_cli(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.open_database(demo_path)
    db.conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    db.close()
    before = demo_path.read_bytes()
    code, out, err = _run_cli(["settle", str(ROOT / "resources/demo/requests/req_referral.json"), "--commit",
                               "--db", str(demo_path)], capsys)
    assert code == 1 and out == ""
    assert "newer version of hospital-client" in err and "Install the newer version" in err
    assert demo_path.read_bytes() == before


# --- full disk --------------------------------------------------------------------------------

def _fill(mount: Path, leave: int) -> Path:
    filler = mount / "filler"
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def test_full_disk(demo_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "full", "2m") as mount:
        if mount is not None:
            path = mount / "desk.db"
            shutil.copyfile(demo_template, path)
            _settle_once(path, "F-1")
            filler = _fill(mount, 96 * 1024)
            request = load_request("req_dibao_large.json")
            committed = 1
            for i in range(20):  # a few may still fit; one of them meets the full disk
                request["encounter"]["mdtrt_id"] = f"F-{i + 2}"
                request_file = tmp_path / f"req-{i}.json"
                request_file.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
                code, out, err = _run_cli(["settle", str(request_file), "--commit", "--db", str(path)], capsys)
                if code != 0:
                    break
                committed += 1
            assert code == 1 and out == ""
            assert "disk holding the database is full" in err and "NOT saved" in err and "Free disk space" in err
            db = store.open_database(path)
            try:
                assert store.check.check_database(db).ok
                assert int(db.conn.execute("SELECT COUNT(*) FROM settlement").fetchone()[0]) == committed
            finally:
                db.close()
            filler.unlink()
            code, out, _err = _run_cli(["settle", str(request_file), "--commit", "--db", str(path)], capsys)
            assert code == 0 and json.loads(out)["local_id"] == committed + 1
            return
    pytest.skip("cannot mount a tmpfs here (not root); test_full_disk_page_limit covers SQLITE_FULL")


def test_full_disk_page_limit(demo_template: Path, tmp_path: Path) -> None:
    """The same SQLITE_FULL without a filesystem: cap the file at its current size."""
    path = tmp_path / "desk.db"
    shutil.copyfile(demo_template, path)
    _settle_once(path, "F-1")
    db = store.open_database(path)
    try:
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages}")
        db.conn.execute("PRAGMA wal_autocheckpoint = 1")
        request = load_request("req_dibao_large.json")
        with pytest.raises(store.DiskFull, match="NOT saved"):
            for i in range(50):
                request["encounter"]["mdtrt_id"] = f"F-{i + 2}"
                app.settle(db, app.login(db, "demo", "demo123"), request)
        assert store.check.check_database(db).ok
    finally:
        db.close()


# --- nearly full disk: SQLite says "disk I/O error" -------------------------------------------

_WAL_FRAME = 24 + 4096        # a WAL frame: its header and one page
_SHM_FIRST_BLOCK_FRAMES = 4062  # frames the first 32 KiB block of the -shm index holds


def test_nearly_full_disk_at_open_says_disk_full(demo_template: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The main file fits but its -shm file does not: SQLite makes the -shm (32 KiB, a byte
    written in each of its pages) at the first open, and on ENOSPC says only "disk I/O error"
    (SQLITE_IOERR_SHMSIZE). Every command, reading or writing, then used to say "could not be
    read or written ... check the cable"; it is a full disk, and says so."""
    with tmpfs(tmp_path / "nearly", "2m") as mount:
        if mount is None:
            pytest.skip("cannot mount a tmpfs here (not root): a nearly full disk needs a small filesystem")
        path = mount / "desk.db"
        shutil.copyfile(demo_template, path)
        _settle_once(path, "N-1")
        assert not Path(f"{path}-shm").exists()
        filler = _fill(mount, 8 * 1024)
        before = path.read_bytes()
        referral = str(ROOT / "resources/demo/requests/req_referral.json")
        for args in (["journal", "list", "--db", str(path)], ["settle", referral, "--commit", "--db", str(path)]):
            code, out, err = _run_cli(args, capsys)
            assert code == 1 and out == ""
            assert "disk holding the database is full (" in err and " free, and SQLite needs a few MB" in err
            assert "NOT saved" in err and "Free disk space" in err
            assert "could not be read or written" not in err and "cable" not in err
        assert path.read_bytes() == before
        filler.unlink()
        assert _count(path) == 1
        code, out, _err = _run_cli(["settle", str(ROOT / "resources/demo/requests/req_referral.json"), "--commit",
                                    "--db", str(path)], capsys)
        assert code == 0 and json.loads(out)["local_id"] == 2


def test_nearly_full_disk_when_a_commit_must_grow_the_shm(demo_template: Path, tmp_path: Path) -> None:
    """A desk already open, its WAL not folded back for a while (a long read elsewhere, or
    checkpoints held off): the WAL has filled the first 32 KiB block of the -shm index, and the
    next commit needs a second block on a nearly full disk. Its WAL frame is written, the -shm
    cannot grow, SQLite says "disk I/O error" and rolls back: the desk says the disk is full."""
    with tmpfs(tmp_path / "shm", "24m") as mount:
        if mount is None:
            pytest.skip("cannot mount a tmpfs here (not root): a nearly full disk needs a small filesystem")
        path = mount / "desk.db"
        shutil.copyfile(demo_template, path)
        wal = Path(f"{path}-wal")
        db = store.open_database(path)
        try:
            db.conn.execute("PRAGMA wal_autocheckpoint = 0")
            db.execute("CREATE TABLE scratch (n INTEGER NOT NULL)")
            db.execute("INSERT INTO scratch VALUES (0)")
            while (wal.stat().st_size - 32) // _WAL_FRAME < _SHM_FIRST_BLOCK_FRAMES:
                with store.transaction(db):  # one page changed: one frame per commit
                    db.execute("UPDATE scratch SET n = n + 1")
            assert (wal.stat().st_size - 32) // _WAL_FRAME == _SHM_FIRST_BLOCK_FRAMES
            assert Path(f"{path}-shm").stat().st_size == 32 * 1024
            n = db.execute("SELECT n FROM scratch").fetchone()[0]
            filler = _fill(mount, 8 * 1024)  # room for one more frame, not for a second -shm block
            with pytest.raises(store.DiskFull, match=r"database is full \(.* free, and SQLite") as caught:
                with store.transaction(db):
                    db.execute("UPDATE scratch SET n = n + 1")
            assert str(caught.value.__cause__) == "disk I/O error"  # what SQLite itself said
            assert "NOT saved" in str(caught.value)
            assert not db.conn.in_transaction
            assert db.execute("SELECT n FROM scratch").fetchone()[0] == n
            filler.unlink()
            with store.transaction(db):
                db.execute("UPDATE scratch SET n = n + 1")
            assert db.execute("SELECT n FROM scratch").fetchone()[0] == n + 1
            assert app.settle(db, app.login(db, "demo", "demo123"), load_request()).committed.local_id == 1
        finally:
            db.close()
        db = store.open_database(path)
        try:
            assert store.check.check_database(db).ok
        finally:
            db.close()


def test_no_room_for_the_wal_file_says_disk_full(demo_template: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Space left but no inode: the -wal and -shm files cannot be made, SQLite says "unable to
    open database file" (SQLITE_CANTOPEN); the disk is full all the same."""
    with tmpfs(tmp_path / "inodes", "8m,nr_inodes=16") as mount:
        if mount is None:
            pytest.skip("cannot mount a tmpfs here (not root): a disk without inodes needs a small filesystem")
        path = mount / "desk.db"
        shutil.copyfile(demo_template, path)
        fillers: list[Path] = []
        with contextlib.suppress(OSError):
            while True:
                fillers.append(mount / f"filler-{len(fillers)}")
                fillers[-1].touch()
        code, out, err = _run_cli(["journal", "list", "--db", str(path)], capsys)
        assert code == 1 and out == ""
        assert "disk holding the database is full (no room for one more file on it)" in err
        for filler in fillers:
            filler.unlink(missing_ok=True)
        assert _count(path) == 0


def test_an_io_error_is_a_full_disk_only_when_the_disk_is_nearly_full(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On a disk with room an I/O error is still a storage failure (check the disk); below what
    SQLite may need beside the database it is a full disk, whatever SQLite called it."""
    from hospital_client.store import sqlite_errors

    path = tmp_path / "desk.db"
    ioerr = sqlite3.OperationalError("disk I/O error")
    ioerr.sqlite_errorcode = 10  # type: ignore[attr-defined]
    eio = OSError(5, "Input/output error")
    assert shutil.disk_usage(tmp_path).free > sqlite_errors.NEARLY_FULL_BYTES
    assert isinstance(sqlite_errors.translate(ioerr, path), store.StorageFailure)
    assert isinstance(sqlite_errors.translate(eio, path), store.StorageFailure)
    monkeypatch.setattr(sqlite_errors, "NEARLY_FULL_BYTES", 1 << 62)
    for exc in (ioerr, sqlite3.OperationalError("disk I/O error"), eio, OSError(28, "No space left on device")):
        translated = sqlite_errors.translate(exc, path)
        assert isinstance(translated, store.DiskFull), exc
        assert " free, and SQLite needs a few MB beside the database" in str(translated)
    assert isinstance(sqlite_errors.translate(ioerr, Path("<database>")), store.StorageFailure)
