"""What the desk pulls from the central system: policy packs (9501), the catalogue (9503), the
review-rule libraries (9504), the roster with year-to-date accumulators (9502 deltas), one person
(1101) and one person's accumulators for a year (5206).

A pulled pack, catalogue or review-rule library is used only after its sha256 matches what the
central system announced and the rules core has validated it (``rules.parse_pack`` /
``parse_catalog`` / ``rules.review.parse_library``, via the caches). Pulled year-to-date figures
are rebased onto the local journal (``reconcile.put_pulled_persons``): the central system names the
entries of this site they already include (``site_local_ids``), so nothing is counted twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import protocol as p
from ..rules import RulesError
from ..store import LocalDatabase, benefits, caches, reconcile
from ..store import review_libraries as review_cache
from ..store.caches import CachedPerson
from .client import CentralClient
from .errors import BadAnswer, PulledDataRejected

log = logging.getLogger(__name__)

__all__ = ["PullReport", "pull_accumulators", "pull_all", "pull_catalogue", "pull_packs", "pull_person",
           "pull_review_libraries", "pull_roster"]

ROSTER_CURSOR = "roster_cursor"
ROSTER_PAGE = 500


@dataclass
class PullReport:
    packs: list[str] = field(default_factory=list)     # "id version" of packs newly cached
    catalogue: str = ""                                 # "updated", "unchanged"
    persons: int = 0                                    # roster entries pulled
    roster_cursor: int = 0
    review_libraries: list[str] = field(default_factory=list)  # "id version" of libraries newly cached

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _output(answer_output: Any, what: str) -> dict[str, Any]:
    if not isinstance(answer_output, dict):
        raise BadAnswer(f"{what}: the answer's output is not an object")
    return answer_output


def _decoded(out: Mapping[str, Any], what: str) -> tuple[bytes, str]:
    """The bytes of a download, checked against the sha256 the central system gives with them."""
    try:
        data = base64.b64decode(str(out["bytes_base64"]), validate=True)
        announced = str(out["sha256"])
    except (KeyError, binascii.Error, ValueError) as exc:
        raise PulledDataRejected(f"{what}: unusable download ({exc})") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != announced:
        raise PulledDataRejected(f"{what}: sha256 {actual[:12]}… does not match the announced {announced[:12]}…; "
                                 "not used")
    return data, announced


def pull_packs(db: LocalDatabase, client: CentralClient, *, operator: str = "sync") -> list[str]:
    """Cache every pack the central system lists that is not cached yet (validated, hash checked)."""
    listing = _output(client.call(p.PACK_DOWNLOAD, {"data": {}}).output, "9501").get("packs")
    if not isinstance(listing, list):
        raise BadAnswer("9501: no packs list")
    cached = {row["sha256"] for row in caches.pack_summaries(db)}
    added: list[str] = []
    for entry in listing:
        if not isinstance(entry, dict) or entry.get("sha256") in cached:
            continue
        pack_id = str(entry.get("id") or "")
        out = _output(client.call(p.PACK_DOWNLOAD, {"data": {"id": pack_id}}).output, f"9501 {pack_id}")
        data, sha = _decoded(out, f"policy pack {pack_id}")
        if sha != entry.get("sha256"):
            raise PulledDataRejected(f"policy pack {pack_id}: the download is not the listed version; not used")
        try:
            pack = caches.put_pack(db, data, str(out.get("source_name") or f"{pack_id}.toml"), operator=operator)
        except RulesError as exc:
            raise PulledDataRejected(f"policy pack {pack_id} from the central system is not valid: {exc}") from None
        added.append(f"{pack.id} {pack.version}")
        log.info("policy pack %s %s cached from the central system", pack.id, pack.version)
    return added


def pull_review_libraries(db: LocalDatabase, client: CentralClient, *, operator: str = "sync") -> list[str]:
    """Cache every review-rule library the central system lists that is not cached yet (9504;
    sha256 checked, validated like `review check`)."""
    listing = _output(client.call(p.REVIEW_LIBRARY_DOWNLOAD, {"data": {}}).output, "9504").get("libraries")
    if not isinstance(listing, list):
        raise BadAnswer("9504: no libraries list")
    cached = {row["sha256"] for row in review_cache.library_summaries(db)}
    added: list[str] = []
    for entry in listing:
        if not isinstance(entry, dict) or entry.get("sha256") in cached:
            continue
        library_id = str(entry.get("id") or "")
        out = _output(client.call(p.REVIEW_LIBRARY_DOWNLOAD, {"data": {"id": library_id}}).output,
                      f"9504 {library_id}")
        data, sha = _decoded(out, f"review-rule library {library_id}")
        if sha != entry.get("sha256"):
            raise PulledDataRejected(f"review-rule library {library_id}: the download is not the listed version; "
                                     "not used")
        try:
            library = review_cache.put_library(db, data, str(out.get("source_name") or f"{library_id}.toml"),
                                               operator=operator)
        except RulesError as exc:
            raise PulledDataRejected(f"review-rule library {library_id} from the central system is not valid: "
                                     f"{exc}") from None
        added.append(f"{library.id} {library.version}")
        log.info("review-rule library %s %s cached from the central system", library.id, library.version)
    return added


def pull_catalogue(db: LocalDatabase, client: CentralClient, *, operator: str = "sync") -> bool:
    """Download the catalogue when it changed; True when a new one was cached and activated."""
    known = caches.active_catalog_sha256(db) or ""
    out = _output(client.call(p.CATALOGUE_DOWNLOAD, {"data": {"known_sha256": known}}).output, "9503")
    if out.get("unchanged"):
        return False
    data, _ = _decoded(out, "catalogue")
    try:
        caches.put_catalog(db, data, str(out.get("source_name") or "catalog.csv"), operator=operator)
    except RulesError as exc:
        raise PulledDataRejected(f"the catalogue from the central system is not valid: {exc}") from None
    log.info("catalogue %s cached from the central system", str(out.get("sha256"))[:12])
    return True


def pull_roster(db: LocalDatabase, client: CentralClient, *, operator: str = "sync", page: int = ROSTER_PAGE) -> int:
    """Follow the roster delta (9502) from the stored cursor; returns how many entries came."""
    state = caches.sync_state(db)
    cursor = int(state.get(ROSTER_CURSOR, "0") or 0)
    total = 0
    while True:
        out = _output(client.call(p.ROSTER_DELTA, {"data": {"cursor": cursor, "limit": page}}).output, "9502")
        persons = out.get("persons")
        if not isinstance(persons, list):
            raise BadAnswer("9502: no persons list")
        if persons:
            reconcile.put_pulled_persons(db, [x for x in persons if isinstance(x, dict)], operator=operator,
                                      source="central 9502")
            benefits.put_from_roster(db, [x for x in persons if isinstance(x, dict)], source="central 9502")
        total += len(persons)
        next_cursor = out.get("next_cursor", cursor)
        if not isinstance(next_cursor, int):
            raise BadAnswer("9502: next_cursor is not an integer")
        cursor = next_cursor
        caches.set_sync_state(db, {ROSTER_CURSOR: str(cursor)})
        if not out.get("more"):
            return total


def _merged(existing: CachedPerson | None, fresh: Mapping[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {}
    if existing is not None:
        base = {f: getattr(existing, f) for f in caches.PERSON_FIELDS}
    base.update({k: v for k, v in fresh.items() if v is not None or k not in base})
    return base


def pull_person(db: LocalDatabase, client: CentralClient, *, psn_no: str = "", cert_type: str = "",
                cert_no: str = "", operator: str = "sync", extra: Mapping[str, str] | None = None) -> CachedPerson:
    """1101 for one person (by psn_no, or by credential type 01/02/03 and number, with ``extra``
    fields such as card_sn or the certno the certificate must belong to): cache and return it."""
    data: dict[str, str] = {"psn_no": psn_no} if psn_no else {"mdtrt_cert_type": cert_type, "mdtrt_cert_no": cert_no}
    data.update({k: v for k, v in (extra or {}).items() if v})
    out = _output(client.call(p.PERSON_INFO, {"data": data}).output, "1101")
    person, base = out.get("person"), out.get("baseinfo") or {}
    if not isinstance(person, dict) or not person.get("psn_no"):
        raise BadAnswer("1101: no person block")
    entry = {**person, "gend": base.get("gend"), "brdy": base.get("brdy"), "year_to_date": out.get("year_to_date"),
             "site_local_ids": out.get("site_local_ids") or []}
    merged = _merged(caches.get_person(db, str(person["psn_no"])), entry)
    merged["year_to_date"], merged["site_local_ids"] = entry["year_to_date"], entry["site_local_ids"]
    reconcile.put_pulled_persons(db, [merged], operator=operator, source="central 1101")
    if isinstance(out.get("benefit_periods"), list):
        benefits.put_from_roster(db, [{"psn_no": person["psn_no"], "benefit": out["benefit_periods"]}],
                                 source="central 1101")
    cached = caches.get_person(db, str(person["psn_no"]))
    if cached is None:  # pragma: no cover - just written
        raise BadAnswer("1101: the person could not be cached")
    return cached


def pull_accumulators(db: LocalDatabase, client: CentralClient, psn_no: str, year: int, *,
                      operator: str = "sync") -> dict[str, Any]:
    """5206 for one person and year; a cached person of that year (or without one) is updated, rebased."""
    out = _output(client.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn_no, "year": year}}).output, "5206")
    ytd = out.get("year_to_date")
    if not isinstance(ytd, dict):
        raise BadAnswer("5206: no year_to_date")
    existing = caches.get_person(db, psn_no)
    if existing is not None and (existing.ytd_year is None or existing.ytd_year <= year):
        merged = _merged(existing, {})
        merged["year_to_date"] = {"year": year, **ytd}
        merged["site_local_ids"] = out.get("site_local_ids") or []
        reconcile.put_pulled_persons(db, [merged], operator=operator, source="central 5206")
    return out


def pull_all(db: LocalDatabase, client: CentralClient, *, operator: str = "sync") -> PullReport:
    report = PullReport()
    report.packs = pull_packs(db, client, operator=operator)
    report.review_libraries = pull_review_libraries(db, client, operator=operator)
    report.catalogue = "updated" if pull_catalogue(db, client, operator=operator) else "unchanged"
    report.persons = pull_roster(db, client, operator=operator)
    report.roster_cursor = int(caches.sync_state(db).get(ROSTER_CURSOR, "0") or 0)
    return report
