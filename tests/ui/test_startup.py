"""The desk's start as a user gets it: a new process (`python -m hospital_client`, what the
console script and the frozen app run), the database opened before Qt, then the login dialog,
or (demo autologin, used by bench/startup.py) the main window with the password checked while
Qt loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _start(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOSPITAL_CLIENT_DB": str(tmp_path / "desk.db"),
           "HOSPITAL_CLIENT_LOG_DIR": str(tmp_path / "logs"), "HOSPITAL_CLIENT_CONFIG": str(tmp_path / "none.toml"),
           "HOSPITAL_CLIENT_EXIT_WHEN_READY": "1", **extra}
    return subprocess.run([sys.executable, "-m", "hospital_client"], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("autologin", ["", "demo:demo123"], ids=["login-dialog", "main-window"])
def test_the_desk_starts_to_an_interactive_window(tmp_path: Path, autologin: str) -> None:
    first = _start(tmp_path)  # the demo site's first start makes and loads the database
    assert first.returncode == 0 and "READY" in first.stdout, first.stderr[-2000:]
    again = _start(tmp_path, HOSPITAL_CLIENT_DEMO_AUTOLOGIN=autologin)
    assert again.returncode == 0 and again.stdout.strip() == "READY", again.stderr[-2000:]
    assert "Traceback" not in again.stderr


def test_a_wrong_demo_password_stops_without_a_window(tmp_path: Path) -> None:
    assert _start(tmp_path).returncode == 0
    wrong = _start(tmp_path, HOSPITAL_CLIENT_DEMO_AUTOLOGIN="demo:wrong-password")
    assert wrong.returncode == 2 and "READY" not in wrong.stdout
    assert "Traceback" not in wrong.stderr and "demo autologin" in wrong.stderr
