"""Fixtures for the store tests: real SQLite files in tmp dirs, a demo database made once per
session and copied per test, logging and configuration pointed at the test's own folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospital_client import app, store


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    desk = app.open_desk(path, None, first_start=True)
    desk.db.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[store.LocalDatabase]:
    db = store.open_database(demo_path)
    yield db
    db.close()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[store.LocalDatabase]:
    db = store.open_database(tmp_path / "empty.db", create=True)
    yield db
    db.close()
