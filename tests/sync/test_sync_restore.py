"""A desk restored from a backup against a real central server: the entries settled after the
backup come back from the central system (final, with their accumulator change), new entries are
numbered above the site's high-water mark (online) or in the restore's own range (offline right
after the restore), nothing is parked, and an encounter the restored journal no longer knows is
recognised as the one the central system has: recorded against it, not paid twice."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import roster
from sync_helpers import (
    QUICK_DRAIN,
    Central,
    assert_consistent,
    central_db,
    client_for,
    desk_request,
    operator,
    outbox_statuses,
    ready_desk,
    site_config,
)

from hospital_client import protocol as p
from hospital_client import store
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.store import accumulators, numbering
from hospital_client.sync.client import CentralClient
from hospital_client.sync.drain import drain
from hospital_client.sync.pulls import pull_roster

PERSONS = sorted(roster())
SPAN = numbering.GENERATION_SPAN


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with central_db(tmp_path_factory.mktemp("central")) as server:
        yield server


def _settle(db: store.LocalDatabase, code: str, persons: list[str], tag: str) -> list[int]:
    clerk = operator(db)
    return [usecases.settle(db, clerk, desk_request(psn, f"MDT-{code}-{tag}{n}", site=code)).committed.local_id
            for n, psn in enumerate(persons)]


def _restored(tmp_path: Path, central: Central, persons: list[str]) -> tuple[store.LocalDatabase, str, list[int]]:
    """A desk of a new site: backup, five settlements synced, then the backup restored (they are lost)."""
    code = central.new_site()
    db = ready_desk(tmp_path, central, code)
    backup = store.backup.backup(db, tmp_path / "backup.db", operator="it")
    lost = _settle(db, code, persons, "L")
    with client_for(central, code) as client:
        assert drain(db, client, settings=QUICK_DRAIN).accepted == len(lost)
    path = db.path
    db.close()
    store.backup.restore(backup.path, path, operator="it")
    restored = store.open_database(path)
    assert store.journal.list_entries(restored) == [] and numbering.restore_state(restored).pending
    return restored, code, lost


def _central_ytd(client: CentralClient, psn_no: str) -> dict[str, Any]:
    return dict(client.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn_no, "year": 2026}}).output["year_to_date"])


def _local_ytd(db: store.LocalDatabase, psn_no: str) -> dict[str, Any]:
    values = accumulators.year_to_date(db, psn_no, 2026)
    assert values is not None
    return {k: (v if k == "admissions" else f"{v:.2f}") for k, v in values.items()}


def _in_force(central: Central, code: str) -> dict[str, list[str]]:
    held: dict[str, list[str]] = {}
    for s in central.settlements(code):
        if s["reversed"] is None:
            held.setdefault(s["mdtrt_id"], []).append(s["local_id"])
    return held


def test_after_a_restore_nothing_is_parked_and_a_lost_encounter_is_not_paid_twice(
        tmp_path: Path, central: Central) -> None:
    lost_persons, new_persons = PERSONS[0:5], PERSONS[5:10]
    db, code, lost = _restored(tmp_path, central, lost_persons)
    new = _settle(db, code, new_persons, "N")
    # The clerk settles one of the lost encounters again: the restored journal does not know it.
    [again] = _settle(db, code, lost_persons[:1], "L")
    with client_for(central, code) as client:
        ytd_before = _central_ytd(client, lost_persons[0])
        report = drain(db, client, settings=QUICK_DRAIN)
        assert report.ok and report.recovered == 5 and report.rejected == 0 and report.parked == 0
        assert min(new) > SPAN > max(lost)  # in the restore's own range, above the central high-water mark
        assert _central_ytd(client, lost_persons[0]) == ytd_before  # paid once
        pull_roster(db, client)
        for psn in lost_persons + new_persons:
            assert _local_ytd(db, psn) == _central_ytd(client, psn), psn

    assert set(outbox_statuses(db).values()) <= {"accepted", "adjusted"}
    held = _in_force(central, code)
    assert all(len(ids) == 1 for ids in held.values()) and len(held) == 10
    entries = {e.local_id: e for e in store.journal.list_entries(db)}
    assert sorted(entries) == sorted([*lost, *new, again]) and all(e.state == "final" for e in entries.values())
    assert all("recovered" in entries[i].reason for i in lost)
    # The entry settled again is recorded against the central settlement in force, everything it
    # charged to be given back; it is not the encounter's settlement here and cannot be reversed.
    first = next(s for s in central.settlements(code) if s["local_id"] == str(lost[0]))
    linked = store.already_settled.in_force_of(db, again)
    assert linked is not None and (linked["setl_id"], linked["site"]) == (first["setl_id"], code)
    assert linked["local_id"] == str(lost[0])
    assert [r["local_id"] for r in report.already_settled] == [again]
    remote = store.reconcile.remote_result(db, again)
    assert remote is not None and remote["central_id"] == first["setl_id"]
    refund = store.reconcile.get_adjustment(db, again)
    assert Decimal(refund.psn_cash_pay) == -entries[again].amounts["psn_cash_pay"]
    assert Decimal(refund.fund_pay_sumamt) == -entries[again].amounts["fund_pay_sumamt"] < 0
    assert refund.reasons == ["already_settled"]
    with pytest.raises(store.NotReversible):
        usecases.reverse(db, operator(db), again, "重结")
    with pytest.raises(store.DuplicateSettlement):  # the lost one is back: the desk refuses a third time
        _settle(db, code, lost_persons[:1], "L")
    assert store.check.check_database(db).ok
    # A retry of everything sends again and changes nothing.
    store.outbox.mark_many(db, [(m.id, "queued", "test") for m in store.outbox.list_messages(db)])
    with client_for(central, code) as client:
        again_report = drain(db, client, settings=QUICK_DRAIN)
    assert again_report.ok and again_report.parked == 0 and again_report.still_queued == 0
    assert set(outbox_statuses(db).values()) <= {"accepted", "adjusted"}
    assert len(central.settlements(code)) == 10
    db.close()


def test_online_the_desk_catches_up_before_its_first_settlement(tmp_path: Path, central: Central) -> None:
    db, code, lost = _restored(tmp_path, central, PERSONS[10:15])
    clerk = operator(db)
    with client_for(central, code) as client:
        outcomes = [su.settle_online(db, site_config(central, code), clerk,
                                     desk_request(psn, f"MDT-{code}-N{n}", site=code), client=client)
                    for n, psn in enumerate(PERSONS[15:20])]
        assert [o.outcome.committed.local_id for o in outcomes] == [max(lost) + n for n in range(1, 6)]
        assert all(o.final for o in outcomes)
        with pytest.raises(store.DuplicateSettlement):  # the lost encounter is known again
            su.settle_online(db, site_config(central, code), clerk,
                             desk_request(PERSONS[10], f"MDT-{code}-L0", site=code), client=client)
        assert drain(db, client, settings=QUICK_DRAIN).parked == 0
    assert not numbering.restore_state(db).pending
    assert_consistent(central, db, code)
    db.close()


def test_offline_right_after_a_restore_numbers_cannot_collide(tmp_path: Path, central: Central) -> None:
    db, code, _lost = _restored(tmp_path, central, PERSONS[20:25])
    clerk = operator(db)
    generation = numbering.restore_state(db).generation
    central.stop()
    try:
        with client_for(central, code) as client:
            outcomes = [su.settle_online(db, site_config(central, code), clerk,
                                         desk_request(psn, f"MDT-{code}-N{n}", site=code), client=client, wait=0.5)
                        for n, psn in enumerate(PERSONS[25:28])]
    finally:
        central.start()
    ids = [o.outcome.committed.local_id for o in outcomes]
    assert ids == [generation * SPAN + n for n in range(1, 4)]
    assert all(o.state == "provisional" for o in outcomes)
    assert outcomes[0].outcome.committed.queue_no.endswith(f"-{generation}-000001")
    assert numbering.restore_state(db).pending
    with client_for(central, code) as client:
        summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
    assert summary.ok and summary.drain.recovered == 5 and summary.drain.parked == 0
    assert not numbering.restore_state(db).pending
    assert_consistent(central, db, code)
    # Numbering goes on above everything the site has used.
    [following] = _settle(db, code, PERSONS[28:29], "F")
    assert following == ids[-1] + 1
    db.close()


def test_a_settlement_of_an_encounter_another_site_settled_is_recorded_against_it(
        tmp_path: Path, central: Central) -> None:
    first_site, second_site = central.new_site(), central.new_site()
    psn = PERSONS[30]
    with client_for(central, first_site) as client:
        held = client.call(p.SETTLEMENT, {"data": {
            "local_id": "1", "setl_time": "2026-03-10 09:00:00", "provisional": None,
            "request": {**desk_request(psn, "MDT-SHARED-STAY", site=first_site),
                        "year_to_date": _central_ytd(client, psn)}}}).output
    db = ready_desk(tmp_path, central, second_site)
    with client_for(central, second_site) as client:
        online = su.settle_online(db, site_config(central, second_site), operator(db),
                                  desk_request(psn, "MDT-SHARED-STAY", site=second_site), client=client)
        local_id = online.outcome.committed.local_id
        assert (online.state, online.central_status, online.central_id) == ("final", "already_settled",
                                                                          held["setl_id"])
        assert isinstance(online.notice, p.EncounterAlreadySettled)
        assert online.notice.clerk_args()["site"] == first_site and "已在医保中心结算" in online.message_zh
        assert online.adjustment is not None and Decimal(online.adjustment["psn_cash_pay"]) < 0
        assert outbox_statuses(db) == {local_id: "adjusted"}
        pull_roster(db, client)
        assert _local_ytd(db, psn) == _central_ytd(client, psn)  # counted once, the other site's
        assert drain(db, client, settings=QUICK_DRAIN).parked == 0
    assert usecases.show_entry(db, local_id)["already_settled"]["setl_id"] == held["setl_id"]
    assert [s["local_id"] for s in central.settlements(second_site)] == []
    assert store.check.check_database(db).ok
    db.close()
