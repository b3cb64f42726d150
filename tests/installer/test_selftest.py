"""`hospital-client --self-test` from the source tree (the frozen and installed app: test_deb.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ("keyring", "packs", "settlement", "database", "qt")


def run_selftest(tmp_path: Path, *extra: str, env_update: dict[str, str] | None = None,
                 drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update({
        "HOSPITAL_CLIENT_DB": str(tmp_path / "data" / "desk.db"),
        "HOSPITAL_CLIENT_CONFIG": str(tmp_path / "no-site.toml"),
        "HOSPITAL_CLIENT_LOG_DIR": str(tmp_path / "logs"),
        "QT_QPA_PLATFORM": "offscreen",
    })
    env.update(env_update or {})
    for name in drop:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "hospital_client.launcher", "--self-test", *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_selftest_passes_and_creates_the_demo_database(tmp_path: Path) -> None:
    proc = run_selftest(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for check in CHECKS:
        assert f"ok   {check}:" in proc.stdout
    assert "keyring.backends.SecretService.Keyring" in proc.stdout
    assert "6 packs valid" in proc.stdout
    assert "req_basic_urban.json" in proc.stdout
    assert (tmp_path / "data" / "desk.db").exists()
    assert "self-test passed" in proc.stdout
    # A second run opens the existing (encrypted) database instead of creating one.
    again = run_selftest(tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "created" not in again.stdout.split("database:")[1].splitlines()[0]


def test_selftest_db_option(tmp_path: Path) -> None:
    target = tmp_path / "other.db"
    proc = run_selftest(tmp_path, "--db", str(target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert target.exists()


def test_configured_site_uses_a_scratch_database_and_leaves_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[site]\ncode = "H99010000001"\nname = "测试医院"\nregion = "990100"\n', encoding="utf-8")
    proc = run_selftest(tmp_path, env_update={"HOSPITAL_CLIENT_CONFIG": str(site)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "scratch encrypted database" in proc.stdout
    assert not (tmp_path / "data" / "desk.db").exists()


def test_no_keyring_backend_is_named_and_fails(tmp_path: Path) -> None:
    # No D-Bus session: the Secret Service backend is not viable, keyring falls back to fail.Keyring.
    proc = run_selftest(tmp_path, env_update={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
                        drop=("DBUS_SESSION_BUS_ADDRESS",))
    assert proc.returncode == 1
    assert "FAIL keyring: no OS keyring backend" in proc.stdout
    assert "gnome-keyring" in proc.stdout
    assert "FAIL database:" in proc.stdout
    assert "ok   packs:" in proc.stdout and "ok   settlement:" in proc.stdout
    assert "self-test FAILED: keyring, database" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_missing_packs_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from hospital_client import selftest

    monkeypatch.setattr("hospital_client.paths.policies_dir", lambda: tmp_path / "empty")
    monkeypatch.setenv("HOSPITAL_CLIENT_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    assert selftest.run(["--self-test"]) == 1
    out, err = capsys.readouterr()
    assert "FAIL packs: no policy packs in" in out
    assert "self-test FAILED: packs, settlement" in err


def test_unexpected_arguments_are_refused(tmp_path: Path) -> None:
    proc = run_selftest(tmp_path, "--bogus")
    assert proc.returncode == 2
    assert "unexpected arguments" in proc.stderr
