"""Outpatient visits (2207) whose reply is lost after the central system committed: the desk asks
what became of the message (5203 by msgid) and records it, or fences it (2601, ``oinfno`` 2207)
and settles again, exactly as for 2304; the clerk only waits. A visit in flight is locked
("结算进行中") against a second attempt from another window."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from lost_reply_drill import INFNO, WAIT, Faults, field, quick, settle_each, shuffled_fates
from sync_helpers import Central, FaultProxy, central_db, client_for, online_desk, site_config

from hospital_client import store
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.app.outpatient import VisitInput, parse_visit
from hospital_client.sync.errors import SettlementInProgress

# No retry: the drill is about what follows a lost reply.
QUICK = quick(attempts=1)
PERSONS = [f"DEMO9901000000{n:02d}" for n in range(12, 24)]


def visit(psn_no: str, n: int) -> VisitInput:
    cnt = 6 + n % 7
    cents = 1650 * cnt
    return parse_visit({"psn_no": psn_no, "med_type": "11", "begntime": "2026-03-10", "hosp_lv": 2,
                        "ipt_otp_no": f"MZ-LOST-{n:03d}", "dept_code": "A03",
                        "fees": [{"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液",
                                  "pric": "16.50", "cnt": str(cnt),
                                  "det_item_fee_sumamt": f"{cents // 100}.{cents % 100:02d}"}]})


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    with central_db(tmp_path / "central") as running:
        yield running


def test_200_lost_2207_replies_settle_each_visit_once(tmp_path: Path, central: Central) -> None:
    """200 outpatient visits settled online through the chain, each losing its 2207 reply after the
    central system committed, at random moments: the connection dropped (every retry too), or the
    reply too late for the wait; now and then the 5203 reply is lost as well (the visit then waits
    for the next sync). Every visit ends with one settlement at the central system and one final
    entry in the journal, never charged twice; nobody did anything but wait."""
    fates = shuffled_fates(185, 15, "0.5", seed=2207)
    faults = Faults(b"2207", list(fates), seed=2601)
    started = time.monotonic()
    desk, clerk, code = online_desk(tmp_path, central)
    try:
        with FaultProxy(central.url, secret=central.secrets[code], chooser=faults) as proxy, \
                client_for(central, code, url=proxy.url, settings=QUICK) as client:
            desk.use_central_client(client)
            op = desk.outpatient()
            outcomes = settle_each(len(fates), lambda n: op.settle(clerk, visit(PERSONS[n % len(PERSONS)], n),
                                                                   wait=WAIT), desk.db(), client)
        assert faults.counts["2207 drop"] == 185 and faults.counts["2207 delay:0.5"] == 15
        assert faults.counts["2207 pass"] == 0 and faults.counts["2601 pass"] == 0  # each one found by 5203
        assert outcomes["final"] + outcomes["provisional"] == 200 and outcomes["final"] >= 180

        held = central.settlements(code)
        assert len(held) == 200
        assert len({s["mdtrt_id"] for s in held}) == 200 == len({s["local_id"] for s in held})
        assert all(s["reversed"] is None for s in held)  # nothing settled twice and undone
        db = desk.db()
        entries = store.journal.list_entries(db)
        assert len(entries) == 200 and all(e.state == "final" and e.kind == "settlement" for e in entries)
        by_local = {s["local_id"]: s for s in held}
        paid_centrally: dict[str, Decimal] = defaultdict(Decimal)
        paid_here: dict[str, Decimal] = defaultdict(Decimal)
        for e in entries:
            remote = store.reconcile.remote_result(db, e.local_id)
            row = by_local[str(e.local_id)]
            assert remote is not None and remote["central_id"] == row["setl_id"]
            assert row["mdtrt_id"] == e.mdtrt_id and e.mdtrt_id.startswith("O")  # the chain's visit, once
            paid_centrally[row["psn_no"]] += Decimal(row["final"]["hifp_pay"])
            paid_here[e.psn_no] += store.journal.get_entry(db, e.local_id).amounts["hifp_pay"]
        assert paid_centrally == paid_here  # never double-charged: the funds paid each visit once
        assert {m.status for m in store.outbox.list_messages(db)} <= {"accepted", "adjusted"}
    finally:
        desk.close_sync()
        desk.close()
    assert time.monotonic() - started < 120  # about 60 s on a shared two-core machine


def test_a_2207_lost_on_the_way_is_fenced_and_the_visit_settles_once(tmp_path: Path, central: Central) -> None:
    """The 2207 reaches the central system only after the desk gave up: 5203 (fence) finds nothing,
    2601 with ``oinfno`` 2207 answers voided, the desk sends the visit again under a new msgid; the
    late copy is refused."""
    faults = Faults(b"2207", ["late:1.0"], seed=1)
    desk, clerk, code = online_desk(tmp_path, central)
    try:
        with FaultProxy(central.url, secret=central.secrets[code], chooser=faults) as proxy, \
                client_for(central, code, url=proxy.url, settings=QUICK) as client:
            desk.use_central_client(client)
            online = desk.outpatient().settle(clerk, visit(PERSONS[0], 1), wait=WAIT)
            assert online.final and online.central_status in ("accepted", "adjusted"), online.reason
            for late in proxy.late:
                late.join()
        [message] = store.outbox.list_messages(desk.db())
        assert store.outbox.msgid_in_force(desk.db(), message) != message.msgid
        assert [s["local_id"] for s in central.settlements(code)] == [str(online.outcome.committed.local_id)]
        assert faults.counts["2601 pass"] == 1 and faults.counts["2207 late:1.0"] == 1
        corrections = [b for _h, b in proxy.captured if field(INFNO, b) == b"2601"]
        assert len(corrections) == 1 and b'"oinfno":"2207"' in corrections[0]
    finally:
        desk.close_sync()
        desk.close()


def test_a_visit_in_flight_is_locked_against_a_second_attempt(tmp_path: Path, central: Central) -> None:
    """While a visit's 2207 is on its way (slow line), the same visit (门诊号) settled from another
    window is refused at once with "结算进行中"; the first ends final, once."""
    desk, clerk, code = online_desk(tmp_path, central)
    other = Desk(tmp_path / "desk.db", site_config(central, code), first_start=False)
    try:
        with FaultProxy(central.url, secret=central.secrets[code],
                        chooser=lambda body: "delay:1.5" if b'"infno":"2207"' in body else "pass") as proxy, \
                client_for(central, code, url=proxy.url, settings=QUICK) as client:
            desk.use_central_client(client)
            other.use_central_client(client)
            results: list[su.OnlineOutcome] = []
            first = threading.Thread(target=lambda: results.append(
                desk.outpatient().settle(clerk, visit(PERSONS[1], 7), wait=3.0)))
            first.start()
            time.sleep(0.7)
            with pytest.raises(SettlementInProgress) as busy:
                other.outpatient().settle(clerk, visit(PERSONS[1], 7), wait=3.0)
            assert "Settlement in progress" in busy.value.clerk_text
            first.join()
            assert results[0].final, results[0].reason
        assert len(central.settlements(code)) == 1
        assert not list(tmp_path.glob("*.inflight-*.lock"))  # released, and removed
    finally:
        other.close_sync()
        other.close()
        desk.close_sync()
        desk.close()
