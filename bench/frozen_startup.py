"""Frozen start-up and package sizes, each beside its target or floor (issue 6).

- frozen onedir (dist/hospital-client, installer/build.sh) start to an interactive window
  (login dialog, and main window with the demo operator), median of N runs, beside a frozen
  bare PySide6 window built the same way (PyInstaller onedir, no UPX, the same Qt excludes);
  target: under 0.6 s;
- the onedir size (target <= 180 MB) and the newest dist/*.deb (target <= 60 MB).

    installer/build.sh && installer/build_deb.sh
    bash scripts/with-test-keyring.sh .venv/bin/python bench/frozen_startup.py [--runs 7] [--x11]

--x11 runs under xvfb-run (the xcb plugin, as on a desk) instead of the offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import BARE, TARGET_S, time_to_ready

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "hospital-client"
BARE_DIR = ROOT / "build" / "bench-bare"


def pyinstaller_bare_args(work: Path) -> list[str]:
    """PyInstaller's arguments for the bare PySide6 window, built the way the desk is (onedir, no
    UPX, modules as files, optimize 1, the spec's Qt excludes), with everything under ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    script = work / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    spec = (ROOT / "installer" / "hospital-client.spec").read_text(encoding="utf-8")
    block = spec[spec.index("QT_ALL = ["):]
    block = block[:block.index("]")]
    excludes: list[str] = []
    for name in re.findall(r'"(Qt\w+)"', block):
        excludes += ["--exclude-module", f"PySide6.{name}"]
    return ["--noconfirm", "--log-level", "WARN", "--onedir", "--noupx", "--debug", "noarchive", "--optimize", "1",
            "--name", "bare", "--workpath", str(work / "work"), "--distpath", str(work / "dist"),
            "--specpath", str(work), *excludes, str(script)]


def build_bare() -> Path:
    exe = BARE_DIR / "dist" / "bare" / "bare"
    if exe.exists() and (BARE_DIR / "dist" / "bare" / "_internal" / "PySide6" / "__init__.pyc").exists():
        return exe  # built before, the same way (modules as files, optimize 1)
    subprocess.run([sys.executable, "-m", "PyInstaller", *pyinstaller_bare_args(BARE_DIR)], check=True)
    return exe


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--x11", action="store_true")
    args = parser.parse_args()
    app = BUNDLE / "hospital-client"
    if not app.exists():
        sys.exit("no dist/hospital-client: run installer/build.sh first")
    bare = build_bare()
    data = Path(tempfile.mkdtemp())
    env = dict(os.environ, HOSPITAL_CLIENT_DB=str(data / "desk.db"), HOSPITAL_CLIENT_LOG_DIR=str(data / "logs"),
               HOSPITAL_CLIENT_CONFIG=str(data / "no-site.toml"), HOSPITAL_CLIENT_EXIT_WHEN_READY="1")
    if args.x11:
        env.pop("QT_QPA_PLATFORM", None)
        if not shutil.which("Xvfb"):
            sys.exit("--x11 needs Xvfb")
        # One X server for every run (its start-up is not part of the measurement).
        display = ":97"
        server = subprocess.Popen(["Xvfb", display, "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
        env["DISPLAY"] = display
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
        server = None
    try:
        time_to_ready([str(app)], env)  # first start creates the demo database
        samples: dict[str, list[float]] = {"floor": [], "login": [], "main": []}
        for _ in range(args.runs):
            samples["floor"].append(time_to_ready([str(bare)], env))
            samples["login"].append(time_to_ready([str(app)], env))
            samples["main"].append(time_to_ready([str(app)], dict(env, HOSPITAL_CLIENT_DEMO_AUTOLOGIN="demo:demo123")))
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    floor, login, main_window = (statistics.median(samples[k]) for k in ("floor", "login", "main"))
    platform = "xcb (Xvfb)" if args.x11 else "offscreen"
    print(f"platform: {platform}, median of {args.runs}")
    print(f"floor: frozen bare PySide6 window:       {floor:.3f} s")
    print(f"frozen desk: login dialog interactive:  {login:.3f} s  ({login / floor:.2f}x floor)")
    print(f"frozen desk: main window interactive:   {main_window:.3f} s  ({main_window / floor:.2f}x floor)"
          f"  target < {TARGET_S} s -> {'MET' if main_window < TARGET_S else 'NOT MET'}")
    onedir = du_mb(BUNDLE)
    print(f"onedir: {onedir:.0f} MB (bare PySide6 onedir {du_mb(bare.parent):.0f} MB)  target <= 180 MB -> "
          f"{'MET' if onedir <= 180 else 'NOT MET'}")
    debs = sorted((ROOT / "dist").glob("hospital-client_*.deb"), key=lambda p: p.stat().st_mtime)
    if debs:
        size = debs[-1].stat().st_size / 2**20
        print(f".deb: {debs[-1].name} {size:.1f} MB  target <= 60 MB -> {'MET' if size <= 60 else 'NOT MET'}")
    else:
        print(".deb: none in dist/ (installer/build_deb.sh)")


if __name__ == "__main__":
    main()
