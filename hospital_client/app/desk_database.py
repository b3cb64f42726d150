"""Opening the desk's database, first start and initialisation of a site.

No site file means the embedded demo site: its first start (no database yet at the path)
creates the database and loads the bundled policy packs, the demo catalogue, the demo roster
and the demo operators, in one transaction. A configured site never gets a database created
behind its back: ``hospital-client init`` does that explicitly.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .. import paths, store
from ..config import SiteConfig, busy_timeout_ms, resolve_db_path
from ..store import LocalDatabase, benefits, caches, key_prefetch, numbering, operators
from .bundled import demo_roster
from .errors import NotInitialised

log = logging.getLogger(__name__)

SITE_KIND = "site_kind"
DEMO_FIXMEDINS_CODE = "H99010000001"


@dataclass(frozen=True, slots=True)
class DemoOperator:
    name: str
    password: str
    role: str
    display_name: str


# Documented in README.md under "Demo site". Demo databases only; a configured site has none.
DEMO_OPERATORS = (
    DemoOperator("demo", "demo123", "clerk", "示例收费员"),
    DemoOperator("super", "super123", "supervisor", "示例主管"),
    DemoOperator("admin", "admin123", "admin", "示例管理员"),
)
DEMO_DEFAULT_FOR_ROLE = {"clerk": DEMO_OPERATORS[0], "supervisor": DEMO_OPERATORS[1], "admin": DEMO_OPERATORS[2]}

__all__ = [
    "DEMO_DEFAULT_FOR_ROLE",
    "DEMO_OPERATORS",
    "DeskDatabase",
    "collect_key_read_ahead",
    "init_site",
    "is_demo",
    "open_desk_database",
    "open_desk_for_init",
    "read_key_ahead",
]


@dataclass(frozen=True, slots=True)
class DeskDatabase:
    db: store.LocalDatabase
    created: bool           # this call created the database (first start or init)
    initialised: bool       # this call loaded the site's initial data


def is_demo(db: LocalDatabase) -> bool:
    return caches.get_setting(db, SITE_KIND) == "demo"


def init_site(db: LocalDatabase, *, demo: bool, site: SiteConfig | None = None, operator: str = "system") -> None:
    """Load a new database's initial data in one transaction (idempotent for packs and catalogue).

    Demo: bundled packs, demo catalogue, demo roster, demo operators. Configured site: the
    bundled packs only; the catalogue and roster come from the central system, the operators
    from ``hospital-client init --admin``.
    """
    pack_files = sorted(paths.policies_dir().glob("*.toml"))
    roster = demo_roster() if demo else []
    demo_hashes = [(o, operators.hash_password(o.password)) for o in DEMO_OPERATORS] if demo else []
    existing = {o.name for o in operators.list_operators(db)}
    with store.transaction(db):
        for path in pack_files:
            caches.put_pack(db, path.read_bytes(), path.name, operator=operator)
        if demo:
            catalog_path = paths.demo_catalog_path()
            caches.put_catalog(db, catalog_path.read_bytes(), catalog_path.name, operator=operator)
            caches.put_persons(db, roster, operator=operator, source="demo roster")
            benefits.put_from_roster(db, roster, source="demo roster")
            for op, hashed in demo_hashes:
                if op.name not in existing:
                    operators.add_operator(db, op.name, "", op.role, display_name=op.display_name, by=operator,
                                           password_hash=hashed)
            caches.set_setting(db, "fixmedins_code", DEMO_FIXMEDINS_CODE, operator=operator)
        elif site is not None:
            caches.set_setting(db, "fixmedins_code", site.code, operator=operator)
        caches.set_setting(db, SITE_KIND, "demo" if demo else "site", operator=operator)
        store.audit.append(db, "init", operator, "database", {"demo": demo, "packs": len(pack_files),
                                                              "persons": len(roster)})
    log.info("site initialised (demo=%s, packs=%d, persons=%d)", demo, len(pack_files), len(roster))


def open_desk_database(path: str | os.PathLike[str], site: SiteConfig | None, *,
                       first_start: bool = False) -> DeskDatabase:
    """Open the desk's database (``Desk`` does this for both faces; ``hospital-client init`` uses
    ``open_desk_for_init``).

    ``first_start``: on the demo site (no site file) a missing database is created and loaded
    with the demo data; on a configured site a missing database stays an error
    (``DatabaseMissing``) and an uninitialised one raises ``NotInitialised``.
    """
    db_path = Path(path)
    timeout = busy_timeout_ms()
    created = False
    try:
        db = store.open_database(db_path, busy_timeout_ms=timeout)
    except store.DatabaseMissing:
        if not (first_start and site is None):
            raise
        db = store.open_database(db_path, create=True, busy_timeout_ms=timeout)
        created = True
        log.info("demo site first start: created %s", db_path.name)
    initialised = False
    try:
        if caches.get_setting(db, SITE_KIND) is None:
            if site is None and first_start:
                init_site(db, demo=True)
                initialised = True
            elif site is None:
                raise NotInitialised(f"{db_path}: the database was never initialised; run `hospital-client init`")
            else:
                raise NotInitialised(
                    f"{db_path}: the database was never initialised for site {site.code}; run "
                    "`hospital-client init --admin NAME --password-stdin`"
                )
        if site is not None and numbering.set_desk(db, site.desk):
            log.info("desk number %d (new local ids in its range)", site.desk)
    except BaseException:
        db.close()
        raise
    return DeskDatabase(db, created, initialised)


def open_desk_for_init(
    path: str | os.PathLike[str], *, site: SiteConfig | None, admin: tuple[str, str] | None = None
) -> DeskDatabase:
    """``hospital-client init``: create the database if needed and load the site's initial data
    once. A database that is already initialised is left as it is (``initialised=False``)."""
    db_path = Path(path)
    timeout = busy_timeout_ms()
    created = not db_path.exists()
    db = store.open_database(db_path, create=True, busy_timeout_ms=timeout)
    try:
        if caches.get_setting(db, SITE_KIND) is not None:
            return DeskDatabase(db, created, False)
        if admin and len(admin[1]) < 8:
            raise ValueError("the administrator's password needs at least 8 characters")
        hashed = operators.hash_password(admin[1]) if admin else None
        with store.transaction(db):
            init_site(db, demo=site is None, site=site)
            if site is not None:
                numbering.set_desk(db, site.desk)
            if admin and hashed:
                operators.add_operator(db, admin[0], "", "admin", by="system", password_hash=hashed)
    except BaseException:
        db.close()
        raise
    return DeskDatabase(db, created, True)


def read_key_ahead(db_path: str | os.PathLike[str] | None = None) -> bool:
    """Start reading this machine's desk database key from the OS keyring in a helper process
    (Linux), beside the loading of the window's code; False when nothing was started."""
    return key_prefetch.start(resolve_db_path(db_path))


def collect_key_read_ahead() -> bool:
    """Wait for the key read ahead (if any) and keep it for the opening of the database."""
    return key_prefetch.collect()
