"""The Debian package, end to end on this machine: build the PyInstaller bundle and the .deb
(installer/build.sh, installer/build_deb.sh), install it with dpkg, run the installed program
(self-test, a committed demo settlement, the desk window under Xvfb), upgrade to a newer build,
remove and purge.

Needs root, dpkg-deb and the build extra (pip install -e '.[build]'); skipped otherwise. The
bundle is built once per session (about 1 min on 2 cores) and packaged twice with fast xz
(about 35 s each), in a private directory. Installs as a "+testN" version and refuses to touch a
real installation; concurrent runs of the test command on one machine take turns (a lock file),
since there is only one dpkg database.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospital_client.rules import fee_loops

ROOT = Path(__file__).resolve().parents[2]
PKG = "hospital-client"
INSTALLED = Path("/usr/bin/hospital-client")
OPT = Path("/opt/hospital-client")
ETC = Path("/etc/hospital-client")
LOCK = Path("/tmp/hospital-client-deb-test.lock")
SITE = '[site]\ncode = "H99010000001"\nname = "测试医院"\nregion = "990100"\n'
PASSWORD = "root-pass-123\n"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed"),
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="dpkg -i needs root"),
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                       reason="PyInstaller is not installed (pip install -e '.[build]')"),
]


def _project_version() -> str:
    out = subprocess.run([sys.executable, str(ROOT / "installer" / "version.py")], env=_env(drop_version=True),
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _env(drop_version: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSPITAL_CLIENT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    # The build scripts use the interpreter running the tests (which has PyInstaller), not
    # whatever .venv is beside them (a git worktree has none).
    env["PYTHON"] = sys.executable
    env.update(extra)
    if drop_version:
        env.pop("HOSPITAL_CLIENT_BUILD_VERSION", None)
    return env


def _run(cmd: list[str], *, env: dict[str, str] | None = None, stdin: str | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env or _env(), input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def _ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"{proc.args}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _installed_version() -> str | None:
    proc = _run(["dpkg-query", "-W", "-f=${Status} ${Version}", PKG])
    if proc.returncode != 0 or "not-installed" in proc.stdout or "config-files" in proc.stdout:
        return None
    return proc.stdout.split()[-1]


@pytest.fixture(scope="session")
def debs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield from _debs(tmp_path_factory)


def _debs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    current = _installed_version()
    if current is not None and "+test" not in current:
        pytest.skip(f"{PKG} {current} is installed on this machine; the package test does not touch it")
    out = tmp_path_factory.mktemp("debs")
    site = out / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    base = _project_version()
    started = time.monotonic()
    build = _ok(_run(["bash", "installer/build.sh"], env=_env(HOSPITAL_CLIENT_BUILD_VERSION=f"{base}+test1",
                                                              DIST_DIR=str(out / "dist"), WORK_DIR=str(out / "work"))))
    built = time.monotonic()
    if fee_loops.COMPILED:  # compiled here (setup.py): the bundle must carry it and its mypyc library (the spec)
        assert "the rules core's loops are compiled" in build.stdout, build.stderr[-3000:]
    made: dict[str, Path] = {}
    for n in ("1", "2"):
        version = f"{base}+test{n}"
        proc = _ok(_run(["bash", "installer/build_deb.sh", "--site", str(site), "--out", str(out),
                         "--bundle", str(out / "dist" / "hospital-client")],
                        env=_env(HOSPITAL_CLIENT_BUILD_VERSION=version, DEB_XZ_LEVEL="1")))
        deb = Path(proc.stdout.strip().splitlines()[-1])
        assert deb.exists() and deb.stat().st_size <= 60 * 1024 * 1024
        made[version] = deb
    print(f"\nbundle build {built - started:.0f} s, two packages {time.monotonic() - built:.0f} s")
    try:
        yield made
    finally:
        if _installed_version() is not None or ETC.exists():
            _run(["dpkg", "-P", PKG])
        # About 400 MB per run: not kept in pytest's temporary directories.
        shutil.rmtree(out / "dist", ignore_errors=True)
        shutil.rmtree(out / "work", ignore_errors=True)
        for deb in made.values():
            deb.unlink(missing_ok=True)


def _hc(*args: str, db: Path | None = None, logs: Path, stdin: str | None = None,
        **extra: str) -> subprocess.CompletedProcess[str]:
    env = _env(HOSPITAL_CLIENT_LOG_DIR=str(logs), **extra)
    if db is not None:
        env["HOSPITAL_CLIENT_DB"] = str(db)
    return _run([str(INSTALLED), *args], env=env, stdin=stdin, timeout=120)


def test_install_settle_upgrade_remove_purge(debs: dict[str, Path], tmp_path: Path) -> None:
    started = time.monotonic()
    (v1, deb1), (v2, deb2) = sorted(debs.items())
    logs = tmp_path / "logs"
    db = tmp_path / "desk" / "desk.db"
    db.parent.mkdir()

    _ok(_run(["dpkg", "-i", str(deb1)]))
    assert _installed_version() == v1
    assert (OPT / "VERSION").read_text().strip() == v1
    desktop = Path("/usr/share/applications/hospital-client.desktop").read_text(encoding="utf-8")
    assert "Name[zh_CN]=出院结算" in desktop and "Icon=hospital-client" in desktop
    assert Path("/usr/share/icons/hicolor/scalable/apps/hospital-client.svg").exists()
    assert (ETC / "site.toml").read_text(encoding="utf-8") == SITE
    conffiles = _ok(_run(["dpkg-query", "-W", "-f=${Conffiles}", PKG])).stdout
    assert "/etc/hospital-client/site.toml " in conffiles
    depends = _ok(_run(["dpkg-query", "-W", "-f=${Depends}", PKG])).stdout
    for dep in ("libxcb-cursor0", "libegl1", "libfontconfig1", "fonts-wqy-microhei | fonts-noto-cjk"):
        assert dep in depends

    # The installed program, frozen, finds the test keyring (gnome-keyring under dbus-run-session).
    proc = _ok(_hc("--self-test", db=tmp_path / "selftest" / "st.db", logs=logs))
    assert "frozen" in proc.stdout and "/opt/hospital-client/hospital-client" in proc.stdout
    assert "ok   keyring: keyring.backends.SecretService.Keyring" in proc.stdout
    assert "scratch encrypted database" in proc.stdout  # the site file in /etc is the one read
    assert "self-test passed" in proc.stdout

    # ... and says clearly when there is no keyring backend.
    env_nokeyring = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
    proc = _hc("--self-test", db=tmp_path / "nokeyring.db", logs=logs, **env_nokeyring)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL keyring: no OS keyring backend" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr

    # A configured site: its first administrator, then a demo bill settled and committed.
    _ok(_hc("init", "--admin", "root", "--password-stdin", "--db", str(db), logs=logs, stdin=PASSWORD))
    request = ROOT / "resources" / "demo" / "requests" / "req_basic_urban.json"
    catalog = ROOT / "resources" / "catalog" / "demo_catalog.csv"
    proc = _ok(_hc("settle", str(request), "--catalog", str(catalog), "--commit", "--db", str(db),
                   "--operator", "root", "--password-stdin", logs=logs, stdin=PASSWORD))
    assert '"psn_cash_pay"' in proc.stdout
    journal = _ok(_hc("journal", "list", "--db", str(db), logs=logs)).stdout
    assert "3377.10" in journal

    # IT edits the site file locally; the upgrade (same packaged conffile) keeps the edit.
    edited = SITE + 'printer = "收费处打印机"\n'
    (ETC / "site.toml").write_text(edited, encoding="utf-8")
    _ok(_run(["dpkg", "-i", str(deb2)]))
    assert _installed_version() == v2
    assert (OPT / "VERSION").read_text().strip() == v2
    assert (ETC / "site.toml").read_text(encoding="utf-8") == edited
    assert "3377.10" in _ok(_hc("journal", "list", "--db", str(db), logs=logs)).stdout
    _ok(_hc("--self-test", "--db", str(db), logs=logs))

    # Remove: the program goes, the site file (a conffile) and the data stay.
    _ok(_run(["dpkg", "-r", PKG]))
    assert not INSTALLED.exists() and not OPT.exists()
    assert (ETC / "site.toml").exists()
    assert db.exists()
    # Purge: /etc/hospital-client goes too; the user's database is never touched.
    _ok(_run(["dpkg", "-P", PKG]))
    assert not ETC.exists()
    assert _installed_version() is None
    assert "not-installed" in _run(["dpkg-query", "-W", "-f=${Status}", PKG]).stdout or \
        _run(["dpkg-query", "-W", PKG]).returncode != 0
    assert db.exists()
    print(f"\ninstall/settle/upgrade/remove/purge {time.monotonic() - started:.0f} s")


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_installed_window_opens_on_x11(debs: dict[str, Path], tmp_path: Path) -> None:
    """The xcb platform plugin and the system libraries the package depends on are enough to
    open the desk window (login screen) on an X server."""
    _, deb1 = sorted(debs.items())[0]
    _ok(_run(["dpkg", "-i", str(deb1)]))
    try:
        env = _env(HOSPITAL_CLIENT_LOG_DIR=str(tmp_path / "logs"), HOSPITAL_CLIENT_DB=str(tmp_path / "w.db"),
                   HOSPITAL_CLIENT_CONFIG=str(tmp_path / "no-site.toml"), HOSPITAL_CLIENT_EXIT_WHEN_READY="1")
        env.pop("QT_QPA_PLATFORM")
        started = time.monotonic()
        proc = _ok(_run(["xvfb-run", "-a", str(INSTALLED)], env=env, timeout=120))
        assert "READY" in proc.stdout
        print(f"\nwindow ready under Xvfb in {time.monotonic() - started:.1f} s (including Xvfb start)")
    finally:
        _ok(_run(["dpkg", "-P", PKG]))
