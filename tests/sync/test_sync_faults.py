"""Faults between the desk and the central system: the server down at first, HTTP 500s, answers
slower than the client's timeout, the connection dropped after the server committed but before
the client read the answer, the same batch delivered twice. After each, the central report holds
every settlement exactly once and the local journal agrees."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_helpers import roster
from sync_helpers import (
    FAST,
    QUICK_DRAIN,
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

from hospital_client import store
from hospital_client.app import usecases
from hospital_client.sync.drain import ACK_ADJUDICATED, DrainSettings, drain

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
