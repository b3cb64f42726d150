"""The bundled policy packs, the demo catalogue and the demo data, used without a desk database:
`hospital-client settle` (no --commit), `policy list|check`, `demo`, and the pack listing that the
settings page shows for the packs cached in a database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths, rules
from .input_files import MAX_CATALOG_BYTES, MAX_PACK_BYTES, read_input_file
from .review_rules import review_library_for

__all__ = [
    "DemoSettlement",
    "bundled_packs",
    "check_pack",
    "compute",
    "demo_bills_dir",
    "demo_catalog",
    "demo_request_files",
    "demo_requests_dir",
    "demo_roster",
    "explain_pack",
    "pack_notes",
    "pack_summary",
    "settle_demo_request",
]


def bundled_packs() -> list[rules.Pack]:
    """Every policy pack shipped with the program, validated, sorted by id."""
    return rules.load_pack_dir(paths.policies_dir())


def pack_summary(pack: rules.Pack) -> dict[str, Any]:
    """One pack as `policy list --json` prints it and the settings page lists it."""
    info = pack.model.pack
    return {"id": pack.id, "name": info.name, "version": pack.version, "sha256": pack.sha256,
            "valid_from": info.valid_from.isoformat(), "valid_to": info.valid_to.isoformat(),
            "admdvs": info.admdvs, "insutypes": info.insutypes, "illustrative": info.illustrative}


def check_pack(path: str | Path) -> rules.Pack:
    """Load and validate one pack file (the error names the file, the key and the problem); a
    device, a FIFO or a file over MAX_PACK_BYTES is refused unread (InputFileError)."""
    return rules.parse_pack(read_input_file(path, max_bytes=MAX_PACK_BYTES, what="policy pack"), Path(path).name)


def pack_notes(pack: rules.Pack) -> tuple[list[str], list[str]]:
    """What `policy check` prints beside OK: warnings on rules easy to misread (each naming its key),
    and every parameter the pack marks illustrative."""
    from ..rules.pack_text import pack_warnings

    return pack_warnings(pack), list(pack.model.pack.illustrative)


def explain_pack(pack_ref: str) -> list[str]:
    """A bundled pack (by id) or a pack file read back as Chinese sentences, one per line."""
    from ..rules.pack_text import explain_pack as explain

    if pack_ref.endswith(".toml") or Path(pack_ref).is_file():
        pack = check_pack(pack_ref)
    else:
        pack = rules.find_pack(bundled_packs(), pack_ref)
    return explain(pack)


def compute(request: dict[str, Any], *, pack_id: str | None = None, pack_file: str | Path | None = None,
            catalog_file: str | Path | None = None) -> rules.SettlementResult:
    """Settle a request with a pack file, a bundled pack by id, or the bundled pack chosen by the
    person's insured place, insurance type and discharge date; nothing is recorded. The files
    given are read first, so that an unusable one is refused before any work."""
    catalog = demo_catalog(catalog_file)
    if pack_file:
        pack = check_pack(pack_file)
    else:
        packs = bundled_packs()
        if pack_id:
            pack = rules.find_pack(packs, pack_id)
        else:
            req = rules.parse_request(request)
            pack = rules.select_pack(packs, req.person.insuplc_admdvs, req.person.insutype, req.encounter.endtime)
    parsed = rules.parse_request(request)
    return rules.settle(parsed, pack, catalog, review=review_library_for(parsed.person.insuplc_admdvs))


def demo_bills_dir() -> Path:
    """The folder of the demo HIS bills (resources/demo/bills)."""
    return paths.demo_dir() / "bills"


def demo_requests_dir() -> Path:
    """The folder of the demo settlement requests (resources/demo/requests)."""
    return paths.demo_dir() / "requests"


def demo_request_files() -> list[Path]:
    """The demo settlement requests, sorted by name."""
    return sorted(demo_requests_dir().glob("*.json"))


def demo_roster() -> list[dict[str, Any]]:
    """The fictional persons of the demo roster (resources/demo/roster.json)."""
    data = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))
    persons = data.get("persons") if isinstance(data, dict) else None
    if not isinstance(persons, list):
        raise ValueError(f"{paths.demo_dir() / 'roster.json'}: no 'persons' list")
    return persons


@dataclass(frozen=True, slots=True)
class DemoSettlement:
    pack: rules.Pack
    result: rules.SettlementResult


def settle_demo_request(request: dict[str, Any], packs: list[rules.Pack], catalog: rules.Catalog) -> DemoSettlement:
    """One demo request settled with the bundled pack that fits it (``packs``: the bundled ones)."""
    req = rules.parse_request(request)
    pack = rules.select_pack(packs, req.person.insuplc_admdvs, req.person.insutype, req.encounter.endtime)
    return DemoSettlement(pack, rules.settle(req, pack, catalog, review=review_library_for(req.person.insuplc_admdvs)))


def demo_catalog(catalog_file: str | Path | None = None) -> rules.Catalog:
    """The catalogue file given (a regular file of at most MAX_CATALOG_BYTES, else
    InputFileError), or the demo catalogue."""
    if not catalog_file:
        return rules.load_catalog(paths.demo_catalog_path())
    data = read_input_file(catalog_file, max_bytes=MAX_CATALOG_BYTES, what="catalog")
    return rules.parse_catalog(data, Path(catalog_file).name)
