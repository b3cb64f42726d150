"""Fixtures for the use-case and CLI tests: a demo database made once per session and copied per
test; logs, site file and database path pointed at the test's own folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospital_client import app, store


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def clerk(demo_db: store.LocalDatabase) -> store.Operator:
    return app.login(demo_db, "demo", "demo123")


@pytest.fixture
def supervisor(demo_db: store.LocalDatabase) -> store.Operator:
    return app.login(demo_db, "super", "super123")
