"""Pulls: sign-in, policy packs (sha256 checked and validated before they are cached), the
catalogue, roster deltas with year-to-date figures, one person (1101) and their accumulators (5206)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import QUICK_DRAIN, Central, FaultProxy, central_db, client_for, desk_request, new_desk, operator

from hospital_client import paths, store
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.central.sqlite_store import SQLiteStore
from hospital_client.central.store import PackBlob
from hospital_client.store import accumulators, caches
from hospital_client.sync.errors import PulledDataRejected
from hospital_client.sync.pulls import pull_accumulators, pull_packs, pull_person

NEXT_PACK = (paths.policies_dir() / "demo.toml").read_bytes().replace(b'id = "demo"', b'id = "demo-next"', 1) \
    .replace(b'version = "2026.1"', b'version = "2026.2"', 1)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with central_db(tmp_path_factory.mktemp("central"), start=False) as server:
        central_store = SQLiteStore(server.db)
        with central_store.transaction():  # a pack the desks do not have yet
            central_store.put_pack(PackBlob("demo-next", "2026.2", hashlib.sha256(NEXT_PACK).hexdigest(),
                                            "demo-next.toml", NEXT_PACK))
        central_store.close()
        server.start()
        yield server


def test_a_new_desk_gets_everything_by_sync(tmp_path: Path, central: Central) -> None:
    code = central.new_site()
    db = new_desk(tmp_path, code)  # bundled packs only: no catalogue, no roster yet
    with pytest.raises(store.NotFound):
        caches.load_catalog(db)
    with client_for(central, code) as client:
        summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
        assert summary.ok, summary.error
        assert summary.pulls is not None
        assert (summary.pulls.packs, summary.pulls.catalogue, summary.pulls.persons) == (
            ["demo-next 2026.2"], "updated", 71)
        assert "demo-next" in {p.id for p in caches.load_packs(db)}
        assert len(caches.load_catalog(db)) > 400 and caches.count_persons(db) == 71
        again = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
        assert again.pulls is not None and (again.pulls.packs, again.pulls.catalogue, again.pulls.persons) == (
            [], "unchanged", 0)
        # The roster's year-to-date is usable at once, and 1101 / 5206 refresh one person.
        usecases.settle(db, operator(db), desk_request("DEMO990100000064", "MDT-P-1", site=code))
        su.sync_now(db, client, drain_settings=QUICK_DRAIN, pulls=False)
        person = pull_person(db, client, psn_no="DEMO990100000064")
        assert person.ytd["admissions"] == 0  # rebased: the central figure (1) minus this desk's own entry
        ytd = accumulators.year_to_date(db, "DEMO990100000064", 2026)
        assert ytd is not None and ytd["admissions"] == 1
        out = pull_accumulators(db, client, "DEMO990100000064", 2026)
        assert out["site_local_ids"] == ["1"] and out["year_to_date"]["admissions"] == 1
        assert accumulators.year_to_date(db, "DEMO990100000064", 2026) == ytd
    db.close()


def test_a_pack_changed_on_the_way_is_not_used(tmp_path: Path, central: Central) -> None:
    code = central.new_site()
    db = new_desk(tmp_path, code)
    before = caches.pack_summaries(db)
    with FaultProxy(central.url, default="tamper") as proxy, client_for(central, code, url=proxy.url) as client:
        with pytest.raises(PulledDataRejected, match="sha256"):
            pull_packs(db, client)
        summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
    assert not summary.ok and "sha256" in summary.error
    assert caches.pack_summaries(db) == before
    db.close()
