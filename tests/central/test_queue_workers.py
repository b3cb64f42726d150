"""The adjudication queue worked by several worker processes (`central work`, queue_work.py): each
person's items in arrival order, results byte-identical whatever the number of workers, and a
worker killed with SIGKILL mid-transaction loses nothing and doubles nothing. On SQLite and on
PostgreSQL."""

from __future__ import annotations

import itertools
import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from central_helpers import (
    HAND_FEES,
    SITE_A,
    Client,
    db_rows,
    is_postgres,
    roster,
    start_server,
    stop_server,
)
from queue_helpers import (
    clone_persons,
    digest,
    queue_batches,
    reversal_item,
    run_work,
    settlement_item,
    start_work,
)

from hospital_client import protocol as p
from hospital_client.central.batches import adjudication_results
from hospital_client.central.context import Central, Context
from hospital_client.central.open_store import open_store
from hospital_client.central.queue_work import adjudicate_next

Fresh = Callable[[], tuple[Path | str, dict[str, str]]]



def _mixed_queue(db: Path | str, persons: int = 24, per_person: int = 4) -> list[tuple[str, str]]:
    """Batches in which every person has one settlement each, persons in a different order in each
    batch; a reversal, a second settlement of a settled encounter, an unknown person, and two
    persons' items under one local_id (two desks sharing a site code)."""
    names = clone_persons(db, persons)
    model = roster()["DEMO990100000001"]
    batches: list[list[dict[str, Any]]] = []
    for k in range(per_person):
        order = names[k:] + names[:k] if k % 2 == 0 else list(reversed(names))
        batches.append([settlement_item(f"{psn}-{k}", psn, f"M-{psn}-{k}", model, HAND_FEES) for psn in order])
    batches[1].append(settlement_item("nobody-1", "NOBODY000001", "M-nobody", model, HAND_FEES))
    batches[1].append(settlement_item("shared-1", names[2], "M-shared-a", model, HAND_FEES))
    batches[2].append(reversal_item(f"{names[0]}-rev", f"{names[0]}-0"))
    batches[3].append(settlement_item("dup-1", names[1], f"M-{names[1]}-0", model, HAND_FEES))
    batches[3].append(settlement_item("shared-1", names[3], "M-shared-b", model, HAND_FEES))
    return queue_batches(db, batches)


def _outcomes(db: Path | str) -> tuple[int, int, int]:
    settled = db_rows(db, "SELECT COUNT(*) FROM settlement")[0][0]
    refused = db_rows(db, "SELECT COUNT(*) FROM item_rejection")[0][0]
    waiting = db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0]
    return int(settled), int(refused), int(waiting)


def test_results_are_identical_for_one_two_and_four_workers(fresh_db: Fresh) -> None:
    digests = {}
    for workers in (1, 2, 4):
        db, _ = fresh_db()
        keys = _mixed_queue(db)
        ran = run_work(db, workers)
        assert ran["workers"] == workers
        settled, refused, waiting = _outcomes(db)
        assert waiting == 0 and ran["adjudicated"] == len(keys)
        # every item once: settlements plus reversals plus refusals are the items
        reversals = int(db_rows(db, "SELECT COUNT(*) FROM reversal")[0][0])
        assert settled + reversals + refused == len(keys)
        assert refused == 3  # the unknown person, the second settlement of an encounter, the shared local_id
        digests[workers] = digest(db, keys)
        if workers == 4:
            _check_arrival_order(db)
    assert digests[1] == digests[2] == digests[4]


def _check_arrival_order(db: Path | str) -> None:
    """Each person's settlements in arrival order: the year-to-date one left is the next one's
    start, and the setl_id numbers (and seq) follow the arrival order."""
    rows = db_rows(db, "SELECT psn_no, local_id, seq, setl_id, ytd_before, ytd_after FROM settlement "
                       "WHERE substr(psn_no, 1, 4) = 'QPSN' ORDER BY psn_no, seq")
    by_person: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_person.setdefault(str(row[0]), []).append(row)
    assert len(by_person) == 24
    for psn_no, records in by_person.items():
        plain = [r for r in records if r[1].startswith(psn_no)]
        assert [r[1] for r in plain] == [f"{psn_no}-{k}" for k in range(4)]
        for record in records:
            assert int(record[3][-10:]) == record[2]  # seq is the setl_id's number
        if psn_no.endswith("0"):  # QPSN00000000 had its first settlement reversed in between
            continue
        for before, after in itertools.pairwise(records):
            assert after[4] == before[5], f"{psn_no}: {after[1]} did not start where {before[1]} ended"
    shared = db_rows(db, "SELECT psn_no FROM settlement WHERE site = ? AND local_id = 'shared-1'", (SITE_A,))
    assert shared == [("QPSN00000002",)]  # the earlier of the two, whichever worker came first


def test_9512_pages_stop_below_a_settlement_still_queued(fresh_db: Fresh) -> None:
    db, _ = fresh_db()
    names = clone_persons(db, 2)
    model = roster()["DEMO990100000001"]
    queue_batches(db, [[settlement_item(f"{psn}-0", psn, f"M-{psn}", model, HAND_FEES) for psn in names]])
    store = open_store(db)
    try:
        central = Central(store)
        done = adjudicate_next(central, skip=[names[0]])  # the second person's first, the first still queued
        assert done.psn_no == names[1] and done.done == 1
        env = p.RequestEnvelope(infno=p.ADJUDICATION_RESULTS, msgid="", fixmedins_code=SITE_A, input={})
        now = central.now()
        ctx = Context(site=SITE_A, env=env, now=now, received=p.format_time(now))
        page = p.loads(adjudication_results(central, ctx, {"data": {"cursor": 0}}))
        assert page["results"] == [] and page["next_cursor"] == 0  # not past the first, still queued
        assert adjudicate_next(central).psn_no == names[0]
        page = p.loads(adjudication_results(central, ctx, {"data": {"cursor": 0}}))
        assert [r["local_id"] for r in page["results"]] == [f"{names[0]}-0", f"{names[1]}-0"]
    finally:
        store.close()


def _in_transaction(db: Path | str, pid: int) -> bool:
    """PostgreSQL: the worker's backend has an open transaction that wrote something."""
    rows = db_rows(db, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'hospital-client central' "
                       "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")
    return int(rows[0][0]) > 0


def test_a_worker_killed_mid_transaction_loses_nothing_and_doubles_nothing(fresh_db: Fresh) -> None:
    reference, _ = fresh_db()
    keys = _mixed_queue(reference, persons=60, per_person=5)
    run_work(reference, 1)
    expected = digest(reference, keys)

    db, _ = fresh_db()
    assert _mixed_queue(db, persons=60, per_person=5) == keys
    worker = start_work(db)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert worker.poll() is None, worker.communicate()[1][-2000:]
            settled, _, waiting = _outcomes(db)
            if settled >= 20 and waiting > 0 and (not is_postgres(db) or _in_transaction(db, worker.pid)):
                break
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.005)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
    settled, refused, waiting = _outcomes(db)
    reversals = int(db_rows(db, "SELECT COUNT(*) FROM reversal")[0][0])
    assert waiting > 0, "the worker finished before it was killed"
    assert settled + reversals + refused + waiting == len(keys)  # what was not committed is still queued
    ran = run_work(db, 2)  # the claim of the killed worker is free again: others finish
    assert ran["adjudicated"] == waiting
    assert _outcomes(db)[2] == 0
    assert digest(db, keys) == expected


def test_serve_with_worker_threads_keeps_an_online_settlement_after_the_queue(fresh_db: Fresh, tmp_path: Path) -> None:
    db, secrets = fresh_db()
    names = clone_persons(db, 30)
    model = roster()["DEMO990100000001"]
    keys = queue_batches(db, [[settlement_item(f"{psn}-{k}", psn, f"M-{psn}-{k}", model, HAND_FEES)
                               for psn in names] for k in range(2)])
    proc, port = start_server(db, 0, tmp_path / "server.log", "--workers", "3")
    try:
        client = Client(f"http://127.0.0.1:{port}", SITE_A, secrets[SITE_A])
        online = settlement_item("online-1", names[-1], "M-online", model, HAND_FEES)
        answer = client.call(p.SETTLEMENT, {"data": online})
        last_queued = db_rows(db, "SELECT ytd_after FROM settlement WHERE local_id = ?", (f"{names[-1]}-1",))
        assert last_queued, "the queued settlements were not adjudicated before the online one"
        assert answer["year_to_date_before"] == json.loads(last_queued[0][0])
        assert _outcomes(db)[2] == 0
        assert len(keys) == 60
    finally:
        stop_server(proc)

