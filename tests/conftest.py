"""Test-session setup shared by every test directory.

Qt widgets are real but rendered off screen (DESIGN.md 5), so QT_QPA_PLATFORM is set before
anything imports PySide6. The demo database fixtures: the demo site's first start (schema, packs,
catalogue, roster, operators) made once per session and copied for each test that asks, so each
has its own real, encrypted SQLite file.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the package is imported by the fixtures, not by every test session's start
    from hospital_client.store import LocalDatabase


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hospital_client import app

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    app.open_desk_database(path, None, first_start=True).db.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[LocalDatabase]:
    from hospital_client import store

    db = store.open_database(demo_path)
    yield db
    db.close()
