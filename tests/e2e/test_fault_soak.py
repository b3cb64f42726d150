"""The fault soak (fault_soak.py), briefly, on each central store: three desks of two hospitals settle,
reverse and sync through a lossy proxy while the central server, its queue worker and (on
PostgreSQL) the database are killed and started again; at the end nothing is lost or doubled and
the accumulators are one chain of what was applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_soak import soak


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_desks_and_central_survive_a_soak_of_faults(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) \
        -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    found = soak(tmp_path, kind, seconds=25, seed=11, every=3.0)
    # It did what it is for: settled, reversed and synced through faults, with the central side hit.
    assert found["settlements"] == found["desk_settled"] >= 40, found
    assert found["reversals"] == found["desk_reversed"] >= 5, found
    assert sum(found["blows"].values()) >= 4, found
