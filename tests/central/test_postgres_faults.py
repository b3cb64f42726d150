"""Fault drills on the PostgreSQL store: the database server killed (`pg_ctl stop -m immediate`)
while a site uploads and while the queue worker adjudicates a stored batch, then started again.
The central server reconnects by itself; nothing acknowledged is lost, nothing is adjudicated
twice, and every result equals what the central store holds. (A cluster of its own, durable:
an acknowledged commit survives the crash.)"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from central_helpers import SITE_A, Client, Server, db_rows, init_db, item, make_request, roster, running_server
from pg_cluster import PgCluster, throwaway_cluster

from hospital_client import protocol as p


@pytest.fixture(scope="module")
def crashing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgCluster, Server]]:
    tmp = tmp_path_factory.mktemp("pg-faults")
    with throwaway_cluster(tmp, durable=True) as cluster:
        db = cluster.create_database("central")
        with running_server(tmp, db, init_db(db)) as server:
            yield cluster, server


def _call_until_answered(client: Client, infno: str, body: bytes, deadline: float = 60) -> dict[str, Any]:
    """Post the same message (same msgid) until the central system answers it successfully."""
    end = time.monotonic() + deadline
    while True:
        try:
            response = client.post(body)
            envelope = p.parse_response(response.content)
            if response.status_code == 200 and envelope.infcode == 0:
                return dict(envelope.output)
        except httpx.TransportError:
            pass
        assert time.monotonic() < end, f"{infno} not answered within {deadline} s"
        time.sleep(0.1)


BATCH = 120


def _statuses(site: Client, local_ids: list[str]) -> list[str]:
    _, body = site.body(p.ADJUDICATION_RESULTS, {"data": {"local_ids": local_ids}})
    return [r["status"] for r in _call_until_answered(site, p.ADJUDICATION_RESULTS, body)["results"]]


def db_rows_after_restart(cluster: PgCluster, server: Server) -> int:
    """Start the killed server again; the settlements it holds (those committed before the kill)."""
    time.sleep(0.3)
    cluster.start()
    return int(db_rows(server.db, "SELECT count(*) FROM settlement")[0][0])


def _persons() -> list[str]:
    return sorted(roster())[:30]


def test_the_database_killed_mid_upload_and_mid_batch(crashing: tuple[PgCluster, Server]) -> None:
    cluster, server = crashing
    site = server.client(SITE_A)
    persons = _persons()
    # Online settlements, the database killed in the middle and started again: each message is
    # sent until answered (the same msgid), as a desk's outbox does.
    online = {}
    for n, psn_no in enumerate(persons[:10]):
        if n == 5:
            cluster.stop("immediate")
            cluster.start()
        _, body = site.body(p.SETTLEMENT, {"data": item(f"{n + 1}", make_request(psn_no, f"MDT-F-{n}"))})
        online[str(n + 1)] = _call_until_answered(site, p.SETTLEMENT, body)["setl_id"]
    # A stored batch; the database killed while the queue worker is in the middle of it.
    batch = [item(f"{100 + n}", make_request(persons[10 + n % 20], f"MDT-FB-{n}")) for n in range(BATCH)]
    _, body = site.body(p.BATCH_UPLOAD, {"ack": "stored", "data": batch})
    assert _call_until_answered(site, p.BATCH_UPLOAD, body)["queued"] == len(batch)
    local_ids = [str(100 + n) for n in range(len(batch))]
    deadline = time.monotonic() + 60
    while _statuses(site, local_ids).count("queued") == len(batch):
        assert time.monotonic() < deadline, "the queue worker did not start"
        time.sleep(0.01)
    cluster.stop("immediate")
    assert 0 < db_rows_after_restart(cluster, server) < len(batch) + 10, "not killed in the middle of the batch"
    deadline = time.monotonic() + 60
    while "queued" in (statuses := _statuses(site, local_ids)):
        assert time.monotonic() < deadline, "the queue did not drain after the restart"
        time.sleep(0.2)
    _, body = site.body(p.ADJUDICATION_RESULTS, {"data": {"local_ids": local_ids}})
    results = _call_until_answered(site, p.ADJUDICATION_RESULTS, body)["results"]
    assert set(statuses) <= {"accepted", "adjusted"}  # a person's later items: adjusted year-to-date
    # Nothing lost, nothing doubled: one settlement per local_id, and the answers are what is stored.
    stored = dict(db_rows(server.db, "SELECT local_id, setl_id FROM settlement WHERE site = ?", (SITE_A,)))
    assert len(stored) == 10 + BATCH and {k: stored[k] for k in online} == online
    assert {r["local_id"]: r["setl_id"] for r in results} == {k: stored[k] for k in local_ids}
    assert db_rows(server.db, "SELECT count(*), count(DISTINCT setl_id) FROM settlement") == [(10 + BATCH,) * 2]
    assert db_rows(server.db, "SELECT count(*) FROM local_key") == [(10 + BATCH,)]
    assert server.report()["count"] == 10 + BATCH
