"""Caches of what the central system (or the installer) provides: policy packs, the catalogue,
the roster of insured persons with their accumulators as last pulled, and site settings.

Packs and catalogues are kept as their exact bytes with their sha256, and the hash is checked
again every time they are loaded, so a settlement always records exactly the pack it used.
Parsing needs the rules core, which is imported only when a pack or catalogue is loaded (the
store itself starts without it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import audit
from .accumulators import read_delta
from .db import LocalDatabase, guarded, now, transaction
from .errors import CacheIntegrityError, NotFound
from .money import money_text, to_decimal
from .schema import ACCUMULATOR_KEYS

if TYPE_CHECKING:
    from ..rules import Catalog, Pack

__all__ = [
    "CachedPerson",
    "RosterRebase",
    "active_catalog_sha256",
    "find_person",
    "get_setting",
    "load_catalog",
    "load_packs",
    "pack_summaries",
    "put_catalog",
    "put_pack",
    "put_persons",
    "put_pulled_persons",
    "rebase_of",
    "set_setting",
    "set_sync_state",
    "sync_state",
]

PERSON_FIELDS = (
    "psn_no", "psn_name", "certno", "gend", "brdy", "insutype", "psn_type", "insuplc_admdvs",
    "assistance_group", "residence", "card_no", "ecard_code",
)
ACTIVE_CATALOG = "active_catalog_sha256"


def _as_bytes(value: Any) -> bytes:
    # A BLOB comes back as bytes; anything else means the row was tampered with (hash check fails).
    return bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else str(value).encode("utf-8")


# --- policy packs -----------------------------------------------------------------------------

@guarded
def put_pack(db: LocalDatabase, data: bytes, source_name: str, *, operator: str, at: dt.datetime | None = None) -> Pack:
    """Validate a pack's bytes and cache them (idempotent by hash). Returns the parsed pack."""
    from ..rules import parse_pack

    pack = parse_pack(data, source_name)
    stamp = (at or now()).isoformat()
    with transaction(db):
        cursor = db.conn.execute(
            "INSERT OR IGNORE INTO policy_pack (sha256, pack_id, version, source_name, data, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (pack.sha256, pack.id, pack.version, source_name, data, stamp),
        )
        if cursor.rowcount:
            audit.append_in_transaction(
                db.conn, "import", operator, f"pack:{pack.id}",
                {"version": pack.version, "sha256": pack.sha256}, at,
            )
    return pack


# Parsed packs by sha256: the bytes are re-verified on every load, the (slow) TOML parse and
# validation happen once per process. Packs are immutable.
_PARSED_PACKS: dict[tuple[str, str], Pack] = {}


@guarded
def load_packs(db: LocalDatabase) -> list[Pack]:
    """Every cached pack, each re-verified against its recorded hash; sorted by id and version."""
    from ..rules import parse_pack

    packs: list[Pack] = []
    for sha, pack_id, source_name, data in db.conn.execute(
        "SELECT sha256, pack_id, source_name, data FROM policy_pack ORDER BY pack_id, version"
    ):
        data = _as_bytes(data)
        if hashlib.sha256(data).hexdigest() != sha:
            raise CacheIntegrityError(
                f"cached policy pack {pack_id} ({source_name}) does not match its recorded sha256; "
                "re-import it (hospital-client init on the demo site, or the next sync)"
            )
        key = (sha, source_name)
        pack = _PARSED_PACKS.get(key)
        if pack is None:
            pack = _PARSED_PACKS[key] = parse_pack(bytes(data), source_name)
        packs.append(pack)
    return packs


@guarded
def pack_summaries(db: LocalDatabase) -> list[dict[str, str]]:
    return [
        {"id": r[0], "version": r[1], "sha256": r[2], "source_name": r[3], "imported_at": r[4]}
        for r in db.conn.execute(
            "SELECT pack_id, version, sha256, source_name, imported_at FROM policy_pack ORDER BY pack_id, version"
        )
    ]


# --- catalogue --------------------------------------------------------------------------------

@guarded
def put_catalog(
    db: LocalDatabase, data: bytes, source_name: str, *, operator: str, activate: bool = True,
    at: dt.datetime | None = None,
) -> Catalog:
    """Validate and cache a catalogue (idempotent by hash); optionally make it the active one."""
    from ..rules import parse_catalog

    catalog = parse_catalog(data, source_name)
    stamp = (at or now()).isoformat()
    with transaction(db):
        cursor = db.conn.execute(
            "INSERT OR IGNORE INTO catalog (sha256, source_name, data, items, imported_at) VALUES (?, ?, ?, ?, ?)",
            (catalog.sha256, source_name, data, len(catalog), stamp),
        )
        if cursor.rowcount:
            audit.append_in_transaction(
                db.conn, "import", operator, "catalog",
                {"sha256": catalog.sha256, "items": len(catalog), "source": source_name}, at,
            )
        if activate:
            _set_setting_in_transaction(db, ACTIVE_CATALOG, catalog.sha256, operator, stamp, at)
    return catalog


@guarded
def active_catalog_sha256(db: LocalDatabase) -> str | None:
    return get_setting(db, ACTIVE_CATALOG)


@guarded
def load_catalog(db: LocalDatabase, sha256: str | None = None) -> Catalog:
    """The active (or the given) cached catalogue, re-verified against its hash."""
    from ..rules import parse_catalog

    sha = sha256 or active_catalog_sha256(db)
    if sha is None:
        raise NotFound("no catalogue in the local database; import one or sync")
    row = db.conn.execute("SELECT source_name, data FROM catalog WHERE sha256 = ?", (sha,)).fetchone()
    if row is None:
        raise NotFound(f"catalogue {sha[:12]} is not in the local database")
    source_name, data = row
    data = _as_bytes(data)
    if hashlib.sha256(data).hexdigest() != sha:
        raise CacheIntegrityError(f"cached catalogue {source_name} does not match its recorded sha256; re-import it")
    return parse_catalog(bytes(data), source_name)


# --- roster -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CachedPerson:
    psn_no: str
    psn_name: str
    certno: str
    gend: str
    brdy: str
    insutype: str
    psn_type: str
    insuplc_admdvs: str
    assistance_group: str | None
    residence: str | None
    card_no: str | None
    ecard_code: str | None
    ytd_year: int | None
    ytd: dict[str, Any]
    pulled_at: str


def _ytd_text(ytd: Mapping[str, Any] | None) -> tuple[int | None, str]:
    if not ytd:
        return None, "{}"
    year = ytd.get("year")
    values: dict[str, Any] = {}
    for key in ACCUMULATOR_KEYS:
        if key in ytd:
            values[key] = int(ytd[key]) if key == "admissions" else money_text(ytd[key])
    return (int(year) if year is not None else None), json.dumps(values, separators=(",", ":"))


@guarded
def put_persons(
    db: LocalDatabase, persons: Iterable[Mapping[str, Any]], *, operator: str, source: str,
    at: dt.datetime | None = None,
) -> int:
    """Insert or refresh roster persons with their accumulators as pulled. Returns the count."""
    stamp = (at or now()).isoformat()
    rows = []
    for p in persons:
        year, ytd = _ytd_text(p.get("year_to_date"))
        rows.append((
            *(p.get(f) if f in ("assistance_group", "residence", "card_no", "ecard_code") else str(p.get(f) or "")
              for f in PERSON_FIELDS),
            year, ytd, stamp,
        ))
    cols = (*PERSON_FIELDS, "ytd_year", "ytd_json", "pulled_at")
    with transaction(db):
        db.conn.executemany(
            f"INSERT INTO person ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT (psn_no) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "psn_no"),
            rows,
        )
        audit.append_in_transaction(db.conn, "import", operator, "roster", {"persons": len(rows), "source": source}, at)
    return len(rows)


def _person(row: tuple[Any, ...]) -> CachedPerson:
    fields = dict(zip(PERSON_FIELDS, row[:12], strict=True))
    return CachedPerson(**fields, ytd_year=row[12], ytd=json.loads(row[13] or "{}"), pulled_at=row[14])


_PERSON_SELECT = f"SELECT {', '.join(PERSON_FIELDS)}, ytd_year, ytd_json, pulled_at FROM person"


@guarded
def get_person(db: LocalDatabase, psn_no: str) -> CachedPerson | None:
    row = db.conn.execute(_PERSON_SELECT + " WHERE psn_no = ?", (psn_no,)).fetchone()
    return None if row is None else _person(row)


@guarded
def find_person(db: LocalDatabase, key: str) -> list[CachedPerson]:
    """Persons whose psn_no, certno, card_no or ecard_code equals the key (as scanned or typed)."""
    key = key.strip()
    if not key:
        return []
    rows = db.conn.execute(
        _PERSON_SELECT + " WHERE psn_no = ?1 OR certno = ?1 OR certno = upper(?1) OR card_no = ?1 OR ecard_code = ?1",
        (key,),
    ).fetchall()
    return [_person(r) for r in rows]


@guarded
def count_persons(db: LocalDatabase) -> int:
    return int(db.conn.execute("SELECT COUNT(*) FROM person").fetchone()[0])


# --- settings ---------------------------------------------------------------------------------

@guarded
def get_setting(db: LocalDatabase, key: str) -> str | None:
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_setting_in_transaction(
    db: LocalDatabase, key: str, value: str, operator: str, stamp: str, at: dt.datetime | None
) -> None:
    old = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    if old is not None and old[0] == value:
        return
    db.conn.execute(
        "INSERT INTO setting (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, stamp),
    )
    audit.append_in_transaction(
        db.conn, "setting", operator, f"setting:{key}", {"old": None if old is None else old[0], "new": value}, at
    )


@guarded
def set_setting(db: LocalDatabase, key: str, value: str, *, operator: str, at: dt.datetime | None = None) -> None:
    """Change a site setting; the change (old and new value) goes into the audit log."""
    stamp = (at or now()).isoformat()
    with transaction(db):
        _set_setting_in_transaction(db, key, value, operator, stamp, at)


@guarded
def all_settings(db: LocalDatabase) -> dict[str, str]:
    return {k: v for k, v in db.conn.execute("SELECT key, value FROM setting ORDER BY key")}


# --- sync (issue 4): cursors and the rebase of pulled year-to-date figures ----------------------

@guarded
def sync_state(db: LocalDatabase) -> dict[str, str]:
    """The sync's bookkeeping (roster cursor, last sync, last error, clock skew): not settings, not audited."""
    return {k: v for k, v in db.conn.execute("SELECT key, value FROM sync_state ORDER BY key")}


@guarded
def set_sync_state(db: LocalDatabase, values: Mapping[str, str], *, at: dt.datetime | None = None) -> None:
    stamp = (at or now()).isoformat()
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [(k, str(v), stamp) for k, v in values.items()],
        )


@dataclass(frozen=True, slots=True)
class RosterRebase:
    psn_no: str
    year: int
    central: dict[str, Any]      # the year-to-date as pulled from the central system
    included: list[int]          # this desk's journal entries those figures already include
    pulled_at: str


@guarded
def rebase_of(db: LocalDatabase, psn_no: str, year: int) -> RosterRebase | None:
    row = db.conn.execute("SELECT central_json, included_json, pulled_at FROM roster_rebase "
                          "WHERE psn_no = ? AND year = ?", (psn_no, year)).fetchone()
    if row is None:
        return None
    return RosterRebase(psn_no, year, json.loads(row[0]), json.loads(row[1]), row[2])


@guarded
def put_pulled_persons(
    db: LocalDatabase, persons: Iterable[Mapping[str, Any]], *, operator: str, source: str,
    at: dt.datetime | None = None,
) -> int:
    """Roster entries pulled from the central system, rebased onto this desk's journal.

    A person's year-to-date at the desk is the cached figure plus the sum of this desk's own
    accumulator deltas (``accumulators.year_to_date``). A figure pulled from the central
    system already contains this desk's settlements and reversals that were adjudicated
    before the pull; the central system names them (``site_local_ids``). So the cached figure
    is the pulled one minus the local deltas of exactly those entries: entries the central
    system has not adjudicated yet still count once, through the local deltas, and the
    adjudicated ones count once, with their final figures. The pulled figure and the included
    entries are kept in ``roster_rebase``. Everything happens in one transaction, under the
    write lock, so no settlement can slip in between the read and the write.
    """
    stamp = (at or now()).isoformat()
    items = list(persons)
    rebased: list[dict[str, Any]] = []
    with transaction(db):
        conn = db.conn
        for person in items:
            ytd = person.get("year_to_date")
            if not ytd or ytd.get("year") is None:
                rebased.append(dict(person))
                continue
            year = int(ytd["year"])
            included = sorted({int(x) for x in person.get("site_local_ids") or [] if str(x).isdigit()})
            base: dict[str, Any] = {"year": year}
            for key in ACCUMULATOR_KEYS:
                value = ytd.get(key, 0 if key == "admissions" else "0.00")
                base[key] = int(value) if key == "admissions" else to_decimal(value)
            counted: list[int] = []
            for local_id in included:
                delta = read_delta(conn, local_id)
                if delta is None or delta[0] != person.get("psn_no") or delta[1] != year:
                    continue  # not this desk's entry (another desk of the site, or a restored database)
                counted.append(local_id)
                for key in ACCUMULATOR_KEYS:
                    base[key] = base[key] - delta[2][key]
            rebased.append({**person, "year_to_date": base})
            central = {k: ytd[k] for k in ("year", *ACCUMULATOR_KEYS) if k in ytd}
            conn.execute(
                "INSERT INTO roster_rebase (psn_no, year, central_json, included_json, pulled_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (psn_no, year) DO UPDATE SET central_json = excluded.central_json, "
                "included_json = excluded.included_json, pulled_at = excluded.pulled_at",
                (str(person.get("psn_no")), year, json.dumps(central, separators=(",", ":"), default=str),
                 json.dumps(counted), stamp),
            )
        put_persons(db, rebased, operator=operator, source=source, at=at)
    return len(items)
