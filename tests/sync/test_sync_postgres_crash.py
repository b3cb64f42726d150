"""Fault drill on the PostgreSQL central store, end to end: a desk drains its outbox (9511 batches
acknowledged once stored, then 9512 for the results) to a real central server on
``--db postgresql://…``; while the server's queue worker is in the middle of the stored
batches, the PostgreSQL server is killed (``pg_ctl stop -m immediate``) and started again.

Meanwhile the central server stays up and answers every message with a clear refusal (HTTP 503,
"the central database cannot be reached"), never a crash; once PostgreSQL is back it reconnects
by itself. The desk's client retries, the drain stops without losing anything, and the next
sync finishes the job: every entry of the desk's journal is at the central system exactly once,
final at the desk with the central figures. (A cluster of its own, durable: an acknowledged
commit survives the kill.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from central_helpers import db_rows, init_db, roster
from pg_cluster import PgCluster, throwaway_cluster
from sync_helpers import (
    SITE_A,
    Central,
    assert_consistent,
    client_for,
    desk_request,
    operator,
    ready_desk,
)

from hospital_client import protocol as p
from hospital_client import store
from hospital_client.app import usecases
from hospital_client.central.store_unavailable import UNAVAILABLE_ERR_MSG
from hospital_client.sync.drain import DrainSettings, drain

SETTLEMENTS = 240
DRAIN = DrainSettings(batch_size=40, result_wait=60.0, poll_initial=0.02, poll_max=0.2)


@pytest.fixture(scope="module")
def pg_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgCluster, Central]]:
    tmp = tmp_path_factory.mktemp("pg-crash")
    with throwaway_cluster(tmp, durable=True) as cluster:
        url = cluster.create_database("central")
        central = Central(tmp, url, init_db(url))  # type: ignore[arg-type]  # --db is a URL here
        central.start()
        try:
            yield cluster, central
        finally:
            central.stop()


class Killer(threading.Thread):
    """Watches the central store; once the queue worker has adjudicated some of the queued
    settlements but not all, kills PostgreSQL, checks what the central server answers while it
    is down, and starts it again."""

    def __init__(self, cluster: PgCluster, central: Central, total: int) -> None:
        super().__init__(name="pg-killer", daemon=True)
        self.cluster, self.central, self.total = cluster, central, total
        self.done_at_kill = -1
        self.during: list[tuple[int, int, str]] = []  # (HTTP status, infcode, err_msg) while down
        self.health = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            deadline = time.monotonic() + 60
            while (done := int(db_rows(self.central.db, "SELECT count(*) FROM settlement")[0][0])) < 20:
                assert time.monotonic() < deadline, "the queue worker did not start"
                time.sleep(0.01)
            self.cluster.stop("immediate")
            self.done_at_kill = done
            raw = self.central.raw(SITE_A)
            for infno, input_ in ((p.ADJUDICATION_RESULTS, {"data": {"local_ids": ["1", "2"]}}),
                                  (p.PERSON_ACCUMULATORS, {"data": {"psn_no": sorted(roster())[0], "year": 2026}})):
                body = raw.body(infno, input_)
                status, envelope = raw.post(body, raw.headers(body))
                self.during.append((status, envelope.infcode, envelope.err_msg))
            self.health = httpx.get(f"{self.central.url}/health", timeout=5).status_code
            time.sleep(1.0)  # the desk's retries run into the outage
            self.cluster.start()
        except BaseException as exc:  # reported by the test
            self.error = exc
            if self.done_at_kill >= 0:
                self.cluster.start()


def _drain_until_final(db: store.LocalDatabase, central: Central) -> list[Any]:
    """The desk's syncs, one after the other, until nothing is left to send or collect."""
    reports = []
    deadline = time.monotonic() + 120
    with client_for(central) as client:
        while True:
            report = drain(db, client, settings=DRAIN)
            reports.append(report)
            if report.ok and report.still_queued == 0:
                return reports
            assert time.monotonic() < deadline, f"not all final after {len(reports)} syncs: {report.to_dict()}"
            time.sleep(0.2)


def test_postgres_killed_mid_batch_while_a_desk_drains(tmp_path: Path, pg_central: tuple[PgCluster, Central]) \
        -> None:
    cluster, central = pg_central
    db = ready_desk(tmp_path, central)
    clerk = operator(db)
    persons = [q for q in sorted(roster()) if q != "DEMO990100000031"][:40]
    for n in range(SETTLEMENTS):
        usecases.settle(db, clerk, desk_request(persons[n % len(persons)], f"MDT-PGX-{n}"))
    usecases.reverse(db, clerk, 3, "重结")
    entries = SETTLEMENTS + 1

    killer = Killer(cluster, central, SETTLEMENTS)
    killer.start()
    reports = _drain_until_final(db, central)
    killer.join(timeout=60)
    assert killer.error is None, repr(killer.error)

    # Killed in the middle of the queued batches, while the desk was draining.
    assert 20 <= killer.done_at_kill < SETTLEMENTS
    assert len(reports) >= 2 and reports[0].error, "the first sync should have run into the outage"
    # Meanwhile: clear refusals, the server itself up.
    assert killer.health == 200 and central.proc is not None and central.proc.poll() is None
    assert killer.during and all(status == 503 and infcode == p.ServerError.infcode and err == UNAVAILABLE_ERR_MSG
                                 for status, infcode, err in killer.during), killer.during
    # Nothing lost, nothing doubled, the journal equals the central store.
    assert_consistent(central, db)
    assert sum(r.sent for r in reports) >= entries
    assert db_rows(central.db, "SELECT count(*), count(DISTINCT local_id) FROM settlement WHERE site = ?",
                   (SITE_A,)) == [(SETTLEMENTS, SETTLEMENTS)]
    assert db_rows(central.db, "SELECT count(*) FROM reversal WHERE site = ?", (SITE_A,)) == [(1,)]
    assert db_rows(central.db, "SELECT count(*) FROM local_key WHERE site = ?", (SITE_A,)) == [(entries,)]
    assert central.report()["count"] == SETTLEMENTS
    server_log = (central.tmp / "server.log").read_text(errors="replace")
    assert "message not processed" in server_log
    # The queue worker logged the outage in a line when it began and one when it ended, no traceback a second.
    assert "Traceback" not in server_log, server_log[-3000:]
    assert server_log.count("the adjudication queue worker cannot work") == 1, server_log[-3000:]
    assert server_log.count("the adjudication queue worker is back") == 1, server_log[-3000:]
    db.close()
