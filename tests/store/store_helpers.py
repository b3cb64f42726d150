"""Helpers for the store tests: demo requests computed by the rules core."""

from __future__ import annotations

import copy
import json
from typing import Any

from hospital_client import paths, store
from hospital_client.rules import load_catalog, load_pack_dir, parse_request, select_pack, settle
from hospital_client.rules.review import load_library_dir, select_library

REQUESTS = paths.demo_dir() / "requests"


def load_request(name: str = "req_basic_urban.json") -> dict[str, Any]:
    return json.loads((REQUESTS / name).read_text(encoding="utf-8"))


def computed(request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
    """(request, result dict, ytd_before, catalog sha) for a request carrying year_to_date."""
    parsed = parse_request(request)
    pack = select_pack(load_pack_dir(paths.policies_dir()), parsed.person.insuplc_admdvs, parsed.person.insutype,
                       parsed.encounter.endtime)
    catalog = load_catalog(paths.demo_catalog_path())
    library = select_library(load_library_dir(paths.resources_dir() / "review"), parsed.person.insuplc_admdvs)
    result = settle(parsed, pack, catalog, review=library)
    assert parsed.year_to_date is not None
    return request, result.to_dict(), parsed.year_to_date.model_dump(), catalog.sha256


def new_settlement(mdtrt_id: str | None = None, name: str = "req_basic_urban.json",
                   operator: str = "demo") -> store.NewSettlement:
    request, result, ytd, sha = computed(load_request(name))
    request = copy.deepcopy(request)
    if mdtrt_id:
        request["encounter"]["mdtrt_id"] = mdtrt_id
    return store.NewSettlement(request, result, ytd, "request", sha, operator)
