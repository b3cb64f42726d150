"""Caches: packs and catalogue kept as bytes with their hash and re-verified on every load;
the roster with its accumulators as pulled; site settings with their changes audited."""

from __future__ import annotations

import json

import pytest

from hospital_client import paths, store
from hospital_client.rules import load_pack_dir


def test_demo_site_caches(demo_db: store.LocalDatabase) -> None:
    bundled = {(p.id, p.sha256) for p in load_pack_dir(paths.policies_dir())}
    cached = store.caches.load_packs(demo_db)
    assert {(p.id, p.sha256) for p in cached} == bundled
    catalog = store.caches.load_catalog(demo_db)
    assert catalog.sha256 == store.caches.active_catalog_sha256(demo_db)
    assert len(catalog) > 100
    roster = json.loads((paths.demo_dir() / "roster.json").read_text("utf-8"))["persons"]
    assert store.caches.count_persons(demo_db) == len(roster) >= 60


@pytest.mark.parametrize("tamper", ["data || x'0a'", "CAST(data || x'0a' AS BLOB)"])
def test_pack_bytes_are_reverified(demo_db: store.LocalDatabase, tamper: str) -> None:
    demo_db.conn.execute(f"UPDATE policy_pack SET data = {tamper} WHERE pack_id = 'demo'")
    with pytest.raises(store.CacheIntegrityError, match="demo"):
        store.caches.load_packs(demo_db)


def test_catalog_bytes_are_reverified(demo_db: store.LocalDatabase) -> None:
    demo_db.conn.execute("UPDATE catalog SET data = CAST(data || x'0a' AS BLOB)")
    with pytest.raises(store.CacheIntegrityError):
        store.caches.load_catalog(demo_db)


def test_put_pack_is_idempotent_and_audited(empty_db: store.LocalDatabase) -> None:
    data = (paths.policies_dir() / "demo.toml").read_bytes()
    first = store.caches.put_pack(empty_db, data, "demo.toml", operator="it")
    store.caches.put_pack(empty_db, data, "demo.toml", operator="it")
    assert [p.sha256 for p in store.caches.load_packs(empty_db)] == [first.sha256]
    actions = [e.action for e in store.audit.entries(empty_db)]
    assert actions == ["import"]


def test_a_catalogue_for_one_settlement_does_not_replace_the_active_one(demo_db: store.LocalDatabase) -> None:
    active = store.caches.active_catalog_sha256(demo_db)
    data = paths.demo_catalog_path().read_bytes() + b"\n# a local variant\n"
    other = store.caches.put_catalog(demo_db, data, "variant.csv", operator="it", activate=False)
    assert other.sha256 != active
    assert store.caches.active_catalog_sha256(demo_db) == active
    assert store.caches.load_catalog(demo_db, other.sha256).sha256 == other.sha256


def test_roster_lookup_by_every_key(demo_db: store.LocalDatabase) -> None:
    person = json.loads((paths.demo_dir() / "roster.json").read_text("utf-8"))["persons"][0]
    for key in ("psn_no", "certno", "card_no", "ecard_code"):
        found = store.caches.find_person(demo_db, person[key])
        assert [p.psn_no for p in found] == [person["psn_no"]], key
    assert store.caches.find_person(demo_db, "  ") == []
    assert store.caches.find_person(demo_db, "0000") == []


def test_roster_refresh_replaces_accumulators(demo_db: store.LocalDatabase) -> None:
    person = json.loads((paths.demo_dir() / "roster.json").read_text("utf-8"))["persons"][0]
    person["year_to_date"] = {**person["year_to_date"], "hifp_pay": "1.50"}
    store.caches.put_persons(demo_db, [person], operator="sync", source="5206")
    cached = store.caches.get_person(demo_db, person["psn_no"])
    assert cached is not None and cached.ytd["hifp_pay"] == "1.50"


def test_setting_changes_are_audited(empty_db: store.LocalDatabase) -> None:
    store.caches.set_setting(empty_db, "printer", "A", operator="admin")
    store.caches.set_setting(empty_db, "printer", "A", operator="admin")  # no change, no entry
    store.caches.set_setting(empty_db, "printer", "B", operator="admin")
    entries = [e for e in store.audit.entries(empty_db) if e.action == "setting"]
    assert [e.detail for e in entries] == [{"old": None, "new": "A"}, {"old": "A", "new": "B"}]
    assert store.caches.all_settings(empty_db) == {"printer": "B"}
