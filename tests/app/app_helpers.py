"""Helpers for the use-case and CLI tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hospital_client import paths

REQUESTS = paths.demo_dir() / "requests"
ROOT = Path(__file__).resolve().parents[2]


def load_request(name: str = "req_basic_urban.json", *, mdtrt_id: str | None = None,
                 drop_ytd: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REQUESTS / name).read_text(encoding="utf-8"))
    if mdtrt_id:
        data["encounter"]["mdtrt_id"] = mdtrt_id
    if drop_ytd:
        data.pop("year_to_date", None)
    return data


def write_request(tmp: Path, data: dict[str, Any], name: str = "request.json") -> Path:
    path = tmp / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def roster() -> list[dict[str, Any]]:
    persons: list[dict[str, Any]] = json.loads((paths.demo_dir() / "roster.json").read_text("utf-8"))["persons"]
    return persons


def record_on(db: Any, request: dict[str, Any], at: Any) -> Any:
    """Compute a request (with its year_to_date) and commit it with an explicit time."""
    from hospital_client import app, store
    from hospital_client.rules import parse_request, settle

    parsed = parse_request(request)
    pack = app.choose_pack(db, parsed, None)
    catalog = store.caches.load_catalog(db)
    result = settle(parsed, pack, catalog)
    assert parsed.year_to_date is not None
    new = store.NewSettlement(request, result.to_dict(), parsed.year_to_date.model_dump(), "request",
                              catalog.sha256, "demo")
    return store.journal.record_settlement(db, new, at=at)
