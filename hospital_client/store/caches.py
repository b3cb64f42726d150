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
from .accumulators import pack_keys_of
from .connection import LocalDatabase, now, transaction
from .errors import CacheIntegrityError, NotFound
from .hashed_files import HashedFileKind, as_bytes, list_files, load_files, put_file
from .money import money_text
from .schema import ACCUMULATOR_KEYS
from .sql import insert_sql
from .sqlite_errors import guarded

if TYPE_CHECKING:
    from ..rules import Catalog, Pack

__all__ = [
    "CachedPerson",
    "RosterPerson",
    "active_catalog_sha256",
    "find_person",
    "get_setting",
    "load_catalog",
    "load_packs",
    "pack_summaries",
    "put_catalog",
    "put_pack",
    "put_persons",
    "set_setting",
    "set_sync_state",
    "sync_state",
]

PERSON_FIELDS = (
    "psn_no", "psn_name", "certno", "gend", "brdy", "insutype", "psn_type", "insuplc_admdvs",
    "assistance_group", "residence", "card_no", "ecard_code",
)
ACTIVE_CATALOG = "active_catalog_sha256"


# --- policy packs (kept like review-rule libraries: hashed_files.py) ------------------------------

def _parse_pack(data: bytes, source_name: str) -> Pack:
    from ..rules import parse_pack

    return parse_pack(data, source_name)


PACKS: HashedFileKind[Pack] = HashedFileKind(
    table="policy_pack", id_column="pack_id", audit_prefix="pack", described_as="policy pack",
    remedy="re-import it (hospital-client init on the demo site, or the next sync)", parse=_parse_pack,
)


@guarded
def put_pack(db: LocalDatabase, data: bytes, source_name: str, *, operator: str, at: dt.datetime | None = None) -> Pack:
    """Validate a pack's bytes and cache them (idempotent by hash). Returns the parsed pack."""
    return put_file(PACKS, db, data, source_name, operator=operator, at=at)


@guarded
def load_packs(db: LocalDatabase) -> list[Pack]:
    """Every cached pack, each re-verified against its recorded hash (the slow TOML parse and
    validation once per process); sorted by id and version."""
    return load_files(PACKS, db)


@guarded
def pack_summaries(db: LocalDatabase) -> list[dict[str, str]]:
    return list_files(PACKS, db)


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
    data = as_bytes(data)
    if hashlib.sha256(data).hexdigest() != sha:
        raise CacheIntegrityError(f"cached catalogue {source_name} does not match its recorded sha256; re-import it")
    return parse_catalog(bytes(data), source_name)


# --- roster -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RosterPerson:
    """Who a roster person is and how they are insured: the fields every view of a person shares
    (the cache below adds the figures as pulled; ``app.PersonView`` the desk's current ones)."""

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


@dataclass(frozen=True, slots=True)
class CachedPerson(RosterPerson):
    """A roster person as last pulled, with the year-to-date the central system sent."""

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
    for key in pack_keys_of(ytd):  # the keys a pack declares (hifob_pay, op_dedc ...), as money
        values[key] = money_text(ytd[key])
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
            insert_sql("person", cols) + " ON CONFLICT (psn_no) DO UPDATE SET "
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


# --- the sync's bookkeeping (the rebase of pulled figures: reconcile) -------------------------

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
