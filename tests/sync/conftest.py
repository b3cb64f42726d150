"""Fixtures of the sync tests: the central-system helpers, and logs, site file and database path
pointed at each test's own folders."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The real central server and its demo data come from the central tests' helpers.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    monkeypatch.delenv("HOSPITAL_CLIENT_ONLINE_WAIT", raising=False)


@pytest.fixture(autouse=True, scope="module")
def _collect_garbage() -> Iterator[None]:
    """Free this module's reference cycles before the next module runs (later tests count
    references, e.g. tests/ui/test_tasks.py, and must not see these objects go meanwhile)."""
    yield
    gc.collect()
