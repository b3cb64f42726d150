"""A settlement sent online whose reply is lost: the desk asks the central system what became of it
(5203 by msgid) and records it, or fences it (2601) and settles again; the clerk only waits. The
encounter is locked while its settlement or reversal is in flight ("结算进行中")."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from central_helpers import roster, roster_ytd
from lost_reply_drill import INFNO, MSGID, WAIT, Faults, field, quick, settle_each, shuffled_fates
from sync_helpers import (
    SITE_A,
    FaultProxy,
    central_db,
    client_for,
    desk_request,
    operator,
    ready_desk,
    site_config,
)

from hospital_client import protocol as p
from hospital_client import store
from hospital_client.app import sync_usecases as su
from hospital_client.sync.errors import ReversalInProgress, SettlementInProgress

PERSONS = sorted(roster())
# One quick retry, as a desk on a bad line would have.
QUICK = quick(attempts=2)


def test_200_lost_replies_after_the_central_commit_settle_each_stay_once(tmp_path: Path) -> None:
    """200 stays settled online, each losing its 2304 reply after the central system committed, at
    random moments: the connection dropped (every retry too), or the reply too late for the wait;
    now and then the 5203 reply is lost as well (the stay then waits for the next sync). Every stay
    ends with one settlement at the central system and one final entry in the journal, and no
    person's accumulators count a stay twice. (A request lost on the way there: the test below.)"""
    fates = shuffled_fates(185, 15, "0.6", seed=2601)
    faults = Faults(b"2304", list(fates), seed=5203)
    started = time.monotonic()
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        clerk = operator(db)
        site = site_config(central)
        with FaultProxy(central.url, secret=central.secrets[SITE_A], chooser=faults) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            outcomes = settle_each(len(fates), lambda n: su.settle_online(
                db, site, clerk, desk_request(PERSONS[n % len(PERSONS)], f"MDT-LOST-{n:03d}"), client=client,
                wait=WAIT), db, client)
        assert faults.counts["2304 drop"] == 185 and faults.counts["2304 delay:0.6"] == 15
        assert faults.counts["2304 pass"] == 0 and faults.counts["2601 pass"] == 0  # each one found by 5203
        assert outcomes["final"] + outcomes["provisional"] == 200 and outcomes["final"] >= 180

        held = central.settlements(SITE_A)
        assert len(held) == len(fates)
        assert len({s["mdtrt_id"] for s in held}) == len(fates) == len({s["local_id"] for s in held})
        assert all(s["reversed"] is None for s in held)  # nothing settled twice and undone
        entries = store.journal.list_entries(db)
        assert len(entries) == len(fates) and all(e.state == "final" and e.kind == "settlement" for e in entries)
        by_local = {s["local_id"]: s for s in held}
        for e in entries:
            remote = store.reconcile.remote_result(db, e.local_id)
            assert remote is not None and remote["central_id"] == by_local[str(e.local_id)]["setl_id"]
        assert {m.status for m in store.outbox.list_messages(db)} <= {"accepted", "adjusted"}
        # never double-charged: each person's central admissions count grew by their settlements only
        with client_for(central, SITE_A) as plain:
            for psn in PERSONS[:12]:
                ytd = plain.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn, "year": 2026}}).output
                settled = sum(1 for s in held if s["psn_no"] == psn)
                assert int(ytd["year_to_date"]["admissions"]) == int(roster_ytd(psn)["admissions"]) + settled
        db.close()
    assert time.monotonic() - started < 120  # about 40 s on a quiet machine


def test_a_request_lost_on_the_way_is_fenced_and_its_late_copy_never_settles(tmp_path: Path) -> None:
    """The 2304 reaches the central system only after the desk gave up: 5203 finds nothing, 2601
    fences the msgid, the desk settles again with a new msgid; the late copy is refused (2004)."""
    faults = Faults(b"2304", ["late:1.0"], seed=1)
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A], chooser=faults) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            online = su.settle_online(db, site_config(central), operator(db),
                                      desk_request(PERSONS[3], "MDT-LATE-1"), client=client, wait=WAIT)
            assert online.final and online.central_status in ("accepted", "adjusted")
            for late in proxy.late:
                late.join()
        [message] = store.outbox.list_messages(db)
        renewed = store.outbox.msgid_in_force(db, message)
        assert renewed != message.msgid  # sent again under a new msgid; the slip keeps the first
        assert [s["mdtrt_id"] for s in central.settlements(SITE_A)] == ["MDT-LATE-1"]
        assert faults.counts["2601 pass"] == 1 and faults.counts["2304 late:1.0"] == 1
        db.close()


def test_a_settlement_or_reversal_in_flight_is_locked(tmp_path: Path) -> None:
    faults = Faults(b"2304", ["delay:1.5"], seed=2)
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        other = store.open_database(db.path)  # the second attempt: another window of the same desk
        clerk = operator(db)
        request = desk_request(PERSONS[5], "MDT-FLIGHT-1")
        results: list[su.OnlineOutcome] = []
        with FaultProxy(central.url, secret=central.secrets[SITE_A], chooser=faults) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            first = threading.Thread(target=lambda: results.append(
                su.settle_online(db, site_config(central), clerk, request, client=client, wait=3.0)))
            first.start()
            time.sleep(0.5)
            with pytest.raises(SettlementInProgress) as busy:
                su.settle_online(other, site_config(central), clerk, request, client=client, wait=3.0)
            assert "Settlement in progress" in busy.value.clerk_text
            with pytest.raises(SettlementInProgress):
                su.reverse_online(other, clerk, 1, "重结", client=None)
            first.join()
            assert results[0].final
            slow = Faults(b"2304", [], seed=3)
            proxy.chooser = lambda body: "delay:1.5" if b'"infno":"2305"' in body else slow(body)
            reversal = threading.Thread(target=lambda: results.append(
                su.reverse_online(db, clerk, 1, "重结", client=client, wait=3.0)))
            reversal.start()
            time.sleep(0.5)
            with pytest.raises(ReversalInProgress):
                su.reverse_online(other, clerk, 1, "重结", client=client, wait=3.0)
            with pytest.raises(ReversalInProgress):
                su.settle_online(other, site_config(central), clerk, request, client=client, wait=3.0)
            reversal.join()
            assert results[1].final and results[1].outcome.committed.kind == "reversal"
        assert not list(db.path.parent.glob("*.inflight-*.lock"))  # released, and removed
        other.close()
        db.close()


def test_a_reversal_whose_reply_is_lost_is_found_and_recorded_once(tmp_path: Path) -> None:
    """2305 sent online: its reply dropped after the central system committed (every retry too);
    5203 by msgid finds the reversal and the desk records it: final, once."""
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central, SITE_A)
        clerk = operator(db)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:
            settled = su.settle_online(db, site_config(central), clerk, desk_request(PERSONS[7], "MDT-REV-LOST"),
                                       client=client, wait=WAIT)
            assert settled.final
            dropped: list[bytes] = []

            def choose(body: bytes) -> str:
                if field(INFNO, body) == b"2305":
                    dropped.append(field(MSGID, body))
                    return "drop"
                return "pass"

            proxy.chooser = choose
            reversal = su.reverse_online(db, clerk, settled.outcome.committed.local_id, "重结", client=client,
                                         wait=WAIT)
        assert reversal.final and reversal.outcome.committed.kind == "reversal"
        assert len(dropped) == QUICK.attempts and len(set(dropped)) == 1  # the same message, its reply lost
        [held] = central.settlements(SITE_A)
        assert held["reversed"] is not None and held["reversed"]["local_id"] == str(reversal.outcome.committed.local_id)
        assert {m.status for m in store.outbox.list_messages(db)} == {"accepted"}
        db.close()


def _race(tmp_path: Path, *, fence: bool) -> tuple[su.OnlineOutcome, list[int], list[dict[str, Any]],
                                                     store.LocalDatabase]:
    """A stay whose first 2304 is held back (every attempt) and reaches the central system just
    before the desk's 2601, after its 5203; ``fence=False``: a central system whose 5203 does not
    fence (the desk's ``fence`` taken out of the question on the way)."""
    held: list[bytes] = []
    late: list[int] = []
    central_cm = central_db(tmp_path / "central")
    central = central_cm.__enter__()
    try:
        db = ready_desk(tmp_path, central, SITE_A)
        with FaultProxy(central.url, secret=central.secrets[SITE_A]) as proxy, \
                client_for(central, SITE_A, url=proxy.url, settings=QUICK) as client:

            def choose(body: bytes) -> str:
                infno = field(INFNO, body)
                if infno == b"2304" and not held:
                    held.append(body)
                if infno == b"2304" and field(MSGID, body) == field(MSGID, held[0]):
                    return "lose"  # every attempt of the first message: held back
                if infno == b"2601":  # the original arrives just now, before the 2601
                    late.append(proxy.forward(p.signed_headers(SITE_A, central.secrets[SITE_A], held[0]),
                                              held[0]).status_code)
                return "pass"

            proxy.chooser = choose
            if not fence:
                proxy.rewrite = lambda body: body.replace(b',"fence":true', b"")
            online = su.settle_online(db, site_config(central), operator(db),
                                      desk_request(PERSONS[9], "MDT-RACE-1"), client=client, wait=WAIT)
            proxy.chooser = proxy.rewrite = None
        return online, late, central.settlements(SITE_A), db
    finally:
        central_cm.__exit__(None, None, None)


def test_an_original_arriving_after_the_5203_is_refused_and_the_stay_settles_once(tmp_path: Path) -> None:
    """The 2304 reaches the central system after its 5203 found nothing: the question fenced the
    msgid, so it is refused (2004); 2601 answers voided and the entry is sent again: one settlement."""
    online, late, held, db = _race(tmp_path, fence=True)
    assert online.final and late == [409]
    assert [(s["mdtrt_id"], s["reversed"]) for s in held] == [("MDT-RACE-1", None)]
    db.close()


def test_without_the_fence_an_undone_original_is_settled_again_once(tmp_path: Path) -> None:
    """A central system whose 5203 does not fence: the late 2304 takes effect and 2601 reverses it.
    The desk sends the stay again and the central system settles it anew under its local id: one
    settlement in force, the journal entry final against it (more 2601 answers:
    test_sync_lost_reply_correction.py)."""
    online, late, held, db = _race(tmp_path, fence=False)
    assert late == [200] and online.final, online.reason
    local_id = online.outcome.committed.local_id
    by_key = {s["local_id"]: s for s in held}
    assert by_key[str(local_id)]["reversed"]["local_id"].startswith("2601:")
    assert by_key[f"{local_id}/2"]["reversed"] is None and len(by_key) == 2
    [message] = store.outbox.list_messages(db)
    assert message.status in ("accepted", "adjusted")
    assert store.reconcile.remote_result(db, local_id)["central_id"] == by_key[f"{local_id}/2"]["setl_id"]
    assert [e.state for e in store.journal.list_entries(db)] == ["final"]
    db.close()
