"""Setting up a central database: reference data (packs, catalogue, roster) and site credentials."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
from pathlib import Path
from typing import Any

from .. import paths
from ..protocol import BadInput, format_time
from ..rules import load_pack_dir, parse_catalog
from . import adjudication as adj
from .review_libraries import bundled_libraries, put_library
from .store import CatalogBlob, CentralStore, PackBlob, PersonRecord, Site, StoreError

SITE_CODE = re.compile(r"[0-9A-Za-z]{12}")


def _now_text() -> str:
    return format_time(dt.datetime.now(dt.UTC))


def default_roster_path() -> Path:
    return paths.demo_dir() / "roster.json"


def load_roster(path: Path) -> list[dict[str, Any]]:
    """The persons of a roster file (resources/demo/roster.json format). Raises StoreError naming the entry."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: not a JSON roster: {exc}") from None
    persons = data.get("persons") if isinstance(data, dict) else None
    if not isinstance(persons, list):
        raise StoreError(f"{path}: the roster must be an object with a 'persons' list")
    seen: set[str] = set()
    for i, entry in enumerate(persons):
        if not isinstance(entry, dict) or not isinstance(entry.get("psn_no"), str) or not entry["psn_no"]:
            raise StoreError(f"{path}: persons[{i}].psn_no: missing")
        if entry["psn_no"] in seen:
            raise StoreError(f"{path}: persons[{i}].psn_no: duplicate {entry['psn_no']}")
        seen.add(entry["psn_no"])
    return persons


def initialise(store: CentralStore, *, roster: Path | None = None, policies: Path | None = None,
               catalog: Path | None = None) -> dict[str, Any]:
    """Load packs, catalogue, review-rule libraries (the bundled ones) and roster (with each
    person's year-to-date) into a new central database."""
    if store.is_initialised():
        raise StoreError("the central database is already initialised")
    policies = policies or paths.policies_dir()
    catalog = catalog or paths.demo_catalog_path()
    roster = roster or default_roster_path()
    packs = load_pack_dir(policies)
    try:
        catalog_bytes = catalog.read_bytes()
    except OSError as exc:
        raise StoreError(f"{catalog}: cannot read: {exc.strerror}") from None
    parsed_catalog = parse_catalog(catalog_bytes, catalog.name)
    persons = load_roster(roster)
    libraries = bundled_libraries()
    at = _now_text()
    items = _catalog_rows(catalog_bytes)
    with store.transaction():
        for pack in packs:
            store.put_pack(PackBlob(pack.id, pack.version, pack.sha256, pack.source_name,
                                    (policies / pack.source_name).read_bytes()))
        store.put_catalog(CatalogBlob(parsed_catalog.sha256, parsed_catalog.source_name, catalog_bytes), items)
        for library, library_bytes in libraries:
            put_library(store, library, library_bytes)
        accumulators = 0
        for i, entry in enumerate(persons):
            ytd = entry.get("year_to_date")
            data = {k: v for k, v in entry.items() if k != "year_to_date"}
            store.put_person(PersonRecord(psn_no=entry["psn_no"], data=data))
            if ytd is None:
                continue
            year = ytd.get("year") if isinstance(ytd, dict) else None
            if isinstance(year, bool) or not isinstance(year, int):
                raise StoreError(f"{roster}: persons[{i}].year_to_date.year: missing or not a year")
            try:
                values = adj.accumulators_from_json(ytd, f"persons[{i}].year_to_date")
            except BadInput as exc:
                raise StoreError(f"{roster}: {exc}") from None
            store.put_accumulators(entry["psn_no"], year, values, at)
            accumulators += 1
        store.mark_initialised(at)
    return {"packs": [p.id for p in packs], "catalogue_items": len(parsed_catalog), "persons": len(persons),
            "accumulators": accumulators, "review_libraries": [lib.id for lib, _ in libraries]}


def _catalog_rows(data: bytes) -> list[dict[str, Any]]:
    """Catalogue lines as rows for queries (the file itself was validated by parse_catalog)."""
    text = data.decode("utf-8-sig")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = []
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        rows.append({
            "med_list_codg": row["med_list_codg"].strip(), "name": row["name"].strip(),
            "list_type": row["list_type"].strip(), "chrgitm_lv": row["chrgitm_lv"].strip(),
            "selfpay_prop": row["selfpay_prop"].strip() or None,
            "pric_uplmt_amt": row["pric_uplmt_amt"].strip() or None,
            "unit": (row.get("unit") or "").strip(),
        })
    return rows


def add_site(store: CentralStore, code: str, name: str) -> str:
    """Register a site and return its new secret (shown once; the server keeps it to verify HMACs)."""
    if not SITE_CODE.fullmatch(code):
        raise StoreError(f"--code {code!r}: a site code (fixmedins_code) is 12 letters or digits, e.g. H99010000001")
    if not name.strip():
        raise StoreError("--name: must not be empty")
    if not store.is_initialised():
        raise StoreError("the central database is not initialised; run `central init --db PATH` first")
    secret = secrets.token_urlsafe(32)
    with store.transaction():
        store.add_site(Site(code=code, name=name.strip(), secret=secret, created_at=_now_text()))
    return secret
