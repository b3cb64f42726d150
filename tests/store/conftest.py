"""Fixtures for the store tests: real SQLite files in tmp dirs, a demo database made once per
session and copied per test, logging and configuration pointed at the test's own folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hospital_client import store


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[store.LocalDatabase]:
    db = store.open_database(tmp_path / "empty.db", create=True)
    yield db
    db.close()
