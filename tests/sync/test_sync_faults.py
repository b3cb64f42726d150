"""Faults between the desk and the central system: the server down at first, HTTP 500s, answers
slower than the client's timeout, the connection dropped after the server committed but before
the client read the answer, the same batch delivered twice, and a restore from a backup in the
middle of it all. After each, the central report holds every settlement exactly once and the
local journal agrees."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from central_helpers import roster
from sync_helpers import (
    FAST,
    QUICK_DRAIN,
    SITE_A,
    Central,
    FaultProxy,
    assert_consistent,
    central_db,
    client_for,
    desk_request,
    operator,
    outbox_statuses,
    ready_desk,
)

from hospital_client import protocol as p
from hospital_client import store
from hospital_client.app import usecases
from hospital_client.store import accumulators, numbering
from hospital_client.sync.drain import ACK_ADJUDICATED, DrainSettings, drain
from hospital_client.sync.pulls import pull_roster

_persons = iter(p for p in sorted(roster()) if p not in ("DEMO990100000031",))


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with central_db(tmp_path_factory.mktemp("central")) as server:
        yield server


def _desk(tmp_path: Path, central: Central) -> tuple[store.LocalDatabase, str]:
    """A desk of a new site with three settlements and a reversal queued (persons not used before)."""
    code = central.new_site()
    db = ready_desk(tmp_path, central, code)
    clerk = operator(db)
    for n in range(3):
        usecases.settle(db, clerk, desk_request(next(_persons), f"MDT-{code}-{n}", site=code))
    usecases.reverse(db, clerk, 2, "重结")
    return db, code


def test_server_down_at_first(tmp_path: Path, central: Central) -> None:
    db, code = _desk(tmp_path, central)
    central.stop()
    try:
        with client_for(central, code) as client:
            report = drain(db, client, settings=QUICK_DRAIN)
            assert report.error and "no answer" in report.error and report.accepted == 0
            # Nothing lost: what was in flight is marked sent, and asked about next time.
            assert set(outbox_statuses(db).values()) == {"sent"}
            assert report.still_queued == 4
    finally:
        central.start()
    with client_for(central, code) as client:
        again = drain(db, client, settings=QUICK_DRAIN)
    assert again.ok and again.accepted == 4 and again.still_queued == 0
    assert_consistent(central, db, code)
    db.close()


@pytest.mark.parametrize("ack", ["stored", ACK_ADJUDICATED])
@pytest.mark.parametrize("plan", [["500", "500"], ["delay:1.2"], ["drop"], ["twice"]],
                         ids=["500s", "timeout-after-commit", "dropped-after-commit", "delivered-twice"])
def test_faults_never_lose_or_double_a_settlement(tmp_path: Path, central: Central, plan: list[str],
                                                 ack: str) -> None:
    db, code = _desk(tmp_path, central)
    settings = dataclasses.replace(FAST, read_timeout=0.8)
    with FaultProxy(central.url, secret=central.secrets[code], plan=list(plan)) as proxy, \
            client_for(central, code, url=proxy.url, settings=settings) as client:
        report = drain(db, client, settings=DrainSettings(batch_size=2, ack=ack, poll_initial=0.02))
        assert report.ok, report.error
        assert report.accepted == 4 and report.still_queued == 0
        assert proxy.seen[:len(plan)] == plan
        if plan[0] != "500":  # the server processed the message and then got it again: a stored repeat
            assert proxy.repeats >= 1
    assert_consistent(central, db, code)
    db.close()


def test_the_same_entries_uploaded_again_are_repeats(tmp_path: Path, central: Central) -> None:
    """A desk that lost track (its outbox put back to queued, as after restoring a backup) sends
    everything again: the central system answers with the stored results, nothing twice."""
    db, code = _desk(tmp_path, central)
    with client_for(central, code) as client:
        assert drain(db, client, settings=QUICK_DRAIN).accepted == 4
        before = central.settlements(code)
        store.outbox.mark_many(db, [(m.id, "queued", "test") for m in store.outbox.list_messages(db)])
        again = drain(db, client, settings=QUICK_DRAIN)
    assert again.ok and again.sent == 4 and again.accepted == 0 and again.still_queued == 0
    assert central.settlements(code) == before
    assert len(store.journal.list_entries(db)) == 4
    assert_consistent(central, db, code)
    db.close()


# --- the drill: 300 settlements, faults all along, a restore in the middle ------------------------

_DRILL_PERSONS = sorted(roster())
_FAULTS = ["500", "drop", "pass", "delay:1.2", "twice", "pass", "500", "500", "drop"]


def _drill_settle(db: store.LocalDatabase, numbers: range | list[int]) -> None:
    clerk = operator(db)
    for n in numbers:
        psn = _DRILL_PERSONS[n % len(_DRILL_PERSONS)]
        usecases.settle(db, clerk, desk_request(psn, f"MDT-DRILL-{n:03d}"))


def _drill_sync(db: store.LocalDatabase, central: Central) -> None:
    """A drain through the faults, run again while the faults (or a slow machine's timeouts) end it
    early, as the next syncs would; at most five drains."""
    settings = dataclasses.replace(FAST, read_timeout=0.8)
    with FaultProxy(central.url, secret=central.secrets[SITE_A], plan=list(_FAULTS)) as proxy, \
            client_for(central, SITE_A, url=proxy.url, settings=settings) as client:
        for _ in range(5):
            report = drain(db, client, settings=DrainSettings(batch_size=40, poll_initial=0.02, result_wait=30))
            if report.ok and report.still_queued == 0:
                break
    assert report.ok and report.parked == 0 and report.still_queued == 0, report


def _in_force_locally(db: store.LocalDatabase) -> dict[str, int]:
    held: dict[str, int] = {}
    for e in store.journal.list_entries(db):
        linked = store.already_settled.in_force_of(db, e.local_id)
        if e.kind == "settlement" and e.reversed_by is None and linked is None:
            assert e.mdtrt_id not in held, f"{e.mdtrt_id} in force twice in the journal"
            held[e.mdtrt_id] = e.local_id
    return held


def test_a_restore_in_the_middle_of_faults_settles_every_encounter_once(tmp_path: Path) -> None:
    """300 encounters: 100 settled and synced through faults, a backup; 100 more settled (three of
    them reversed and settled again) and synced; the backup restored (those are lost to the
    journal); offline, 50 new ones and 5 of the lost encounters settled again; synced through
    faults; 50 more settled online and one reversed and settled again. At the end each encounter
    has one settlement in force at the central system and in the journal, nothing is parked, and
    every person's year-to-date at the desk is the central one."""
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        _drill_settle(db, range(0, 100))
        _drill_sync(db, central)
        backup = store.backup.backup(db, tmp_path / "after-100.db", operator="it")

        _drill_settle(db, range(100, 200))
        for n in (110, 150, 190):
            [entry] = [e for e in store.journal.list_entries(db) if e.mdtrt_id == f"MDT-DRILL-{n:03d}"]
            usecases.reverse(db, operator(db), entry.local_id, "重结")
            _drill_settle(db, [n])
        _drill_sync(db, central)
        path = db.path
        db.close()

        store.backup.restore(backup.path, path, operator="it")
        db = store.open_database(path)
        assert len(_in_force_locally(db)) == 100 and numbering.restore_state(db).pending
        _drill_settle(db, [*range(200, 250), *range(100, 105)])  # offline: the desk does not know 100-104
        assert min(e.local_id for e in store.journal.list_entries(db) if e.local_id > 100) > numbering.GENERATION_SPAN
        _drill_sync(db, central)
        assert not numbering.restore_state(db).pending

        _drill_settle(db, range(250, 300))
        [entry] = [e for e in store.journal.list_entries(db) if e.mdtrt_id == "MDT-DRILL-260"]
        usecases.reverse(db, operator(db), entry.local_id, "重结")
        _drill_settle(db, [260])
        _drill_sync(db, central)

        everything = central.settlements(SITE_A)
        in_force = Counter(s["mdtrt_id"] for s in everything if s["reversed"] is None)
        assert len(in_force) == 300 and set(in_force.values()) == {1}
        locally = _in_force_locally(db)
        assert len(locally) == 300
        by_setl = {s["mdtrt_id"]: s for s in everything if s["reversed"] is None}
        for mdtrt_id, local_id in locally.items():
            remote = store.reconcile.remote_result(db, local_id)
            assert remote is not None and remote["central_id"] == by_setl[mdtrt_id]["setl_id"], mdtrt_id
        linked = [store.already_settled.in_force_of(db, e.local_id) for e in store.journal.list_entries(db)]
        assert {link["setl_id"] for link in linked if link is not None} == {
            by_setl[f"MDT-DRILL-{n:03d}"]["setl_id"] for n in range(100, 105)}
        assert set(outbox_statuses(db).values()) <= {"accepted", "adjusted"}
        assert all(e.state == "final" for e in store.journal.list_entries(db))
        assert store.check.check_database(db).ok
        with client_for(central, SITE_A) as client:
            pull_roster(db, client)
            for psn in _DRILL_PERSONS:
                central_ytd: dict[str, Any] = client.call(
                    p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn, "year": 2026}}).output["year_to_date"]
                local = accumulators.year_to_date(db, psn, 2026)
                assert local is not None
                assert {k: (v if k == "admissions" else f"{v:.2f}") for k, v in local.items()} == central_ytd, psn
        db.close()
