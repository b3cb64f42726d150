"""9512 by local_id answered with a few queries for the whole list (the same answers as one id at a
time, the queued ones first), the message log of a read (a digest of the answer, the same msgid
answered afresh), and an online message refused, not held, while another worker holds a partition.
On SQLite and on PostgreSQL (the held partition: PostgreSQL, where workers hold persons' rows)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from central_helpers import HAND_FEES, SITE_A, Client, Server, db_rows, is_postgres, roster
from central_stores import STORES, new_central_db
from queue_helpers import clone_persons, queue_batches, reversal_item, settlement_item

from hospital_client import protocol as p
from hospital_client.central.batches import adjudication_results
from hospital_client.central.context import Central, Context
from hospital_client.central.open_store import open_store
from hospital_client.central.queue_wait import QUEUE_BUSY_ERR_MSG, QUEUE_BUSY_HTTP_STATUS
from hospital_client.central.queue_work import adjudicate_next
from hospital_client.central.service import REPEAT_HEADER, CentralService


@pytest.fixture(params=STORES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path | str, dict[str, str]]:
    return new_central_db(request, request.param, tmp_path)


def _ctx(site: str = SITE_A) -> Context:
    now = dt.datetime.now(p.CST)
    env = p.RequestEnvelope(infno=p.ADJUDICATION_RESULTS, msgid="", fixmedins_code=site, input={})
    return Context(site=site, env=env, now=now, received=p.format_time(now))


def _queue(db: Path | str) -> list[str]:
    """Settlements of 6 persons (one of them refused: nobody on the roster), a reversal of one of
    them, in two batches; their local ids."""
    names = clone_persons(db, 6, prefix="RPSN")
    model = roster()["DEMO990100000001"]
    first = [settlement_item("nobody-1", "NOBODY000009", "M-nobody", model, HAND_FEES)]
    first += [settlement_item(f"{psn}-0", psn, f"M-{psn}-0", model, HAND_FEES) for psn in names]
    second = [reversal_item(f"{names[0]}-rev", f"{names[0]}-0"),
              settlement_item(f"{names[5]}-1", names[5], f"M-{names[5]}-1", model, HAND_FEES)]
    return [local_id for _, local_id in queue_batches(db, [first, second])]


@pytest.mark.parametrize("full", [False, True])
def test_a_list_of_local_ids_is_answered_as_each_id_alone(fresh: tuple[Path | str, dict[str, str]],
                                                           full: bool) -> None:
    db, _ = fresh
    local_ids = _queue(db)
    store = open_store(db)
    try:
        central = Central(store)
        for _ in range(4):  # some persons done (one refused, one reversed), the rest still queued
            adjudicate_next(central)
        asked = [*local_ids, "never-sent", local_ids[0], local_ids[-1]]  # an unknown id, ids twice
        detail = {"detail": "full"} if full else {}
        with store.transaction():
            whole = adjudication_results(central, _ctx(), {"data": {"local_ids": asked, **detail}})
            alone = [json.loads(adjudication_results(central, _ctx(), {"data": {"local_ids": [local_id], **detail}}))
                     ["results"][0] for local_id in asked]
    finally:
        store.close()
    results = json.loads(whole)["results"]
    assert results == alone
    assert whole == b'{"results":[' + b",".join(p.dumps(r) for r in alone) + b"]}"  # byte for byte
    statuses = {r["local_id"]: r["status"] for r in results}
    assert {"queued", "rejected", "unknown", "accepted"} <= set(statuses.values()), statuses
    assert statuses["never-sent"] == "unknown" and statuses["nobody-1"] == "rejected"
    reversal = next(r for r in results if r["local_id"].endswith("-rev"))
    assert reversal["kind"] == "reversal" and reversal["status"] == "accepted"
    reversed_one = next(r for r in results if r["local_id"] == local_ids[1])  # the first person's settlement
    assert reversed_one["reversed"]["local_id"] == reversal["local_id"]


def test_an_empty_list_is_answered_empty(fresh: tuple[Path | str, dict[str, str]]) -> None:
    db, _ = fresh
    store = open_store(db)
    try:
        with store.transaction():
            assert adjudication_results(Central(store), _ctx(), {"data": {"local_ids": []}}) == b'{"results":[]}'
    finally:
        store.close()


def _output_bytes(envelope: bytes) -> bytes:
    _head, _, output = envelope.partition(b',"output":')
    assert output.endswith(b"}")
    return output[:-1]


def test_a_read_is_logged_as_a_digest_and_answered_afresh_under_its_msgid(central: Server, site_a: Client) -> None:
    request = {"data": {"local_ids": ["log-1", "log-2"], "detail": "full"}}
    msgid, body = site_a.body(p.ADJUDICATION_RESULTS, request)
    first = site_a.post(body)
    again = site_a.post(body)
    assert first.status_code == again.status_code == 200
    assert REPEAT_HEADER not in first.headers and again.headers[REPEAT_HEADER] == "1"
    one, two = p.parse_response(first.content), p.parse_response(again.content)
    assert (two.inf_refmsgid, two.refmsg_time, two.infcode) == (one.inf_refmsgid, one.refmsg_time, 0)
    assert two.output == one.output == {"results": [{"local_id": "log-1", "status": "unknown"},
                                                     {"local_id": "log-2", "status": "unknown"}]}
    output = _output_bytes(first.content)
    [(logged,)] = db_rows(central.db, "SELECT output FROM message WHERE msgid = ?", (msgid,))
    assert json.loads(logged) == {"output_sha256": hashlib.sha256(output).hexdigest(), "output_bytes": len(output)}
    # the same msgid with another input is still a conflict
    _, other = site_a.body(p.ADJUDICATION_RESULTS, {"data": {"local_ids": ["log-3"]}}, msgid=msgid)
    conflict = site_a.post(other)
    assert conflict.status_code == 409 and p.parse_response(conflict.content).infcode == p.MsgidConflict.infcode


def test_a_settlement_keeps_its_whole_answer_in_the_log(central: Server, site_a: Client) -> None:
    from central_helpers import item, make_request

    msgid, body = site_a.body(p.SETTLEMENT, {"data": item("log-setl-1", make_request("DEMO990100000036",
                                                                                     "MDT-LOG-1"))})
    answer = site_a.post(body)
    assert answer.status_code == 200 and p.parse_response(answer.content).infcode == 0
    [(logged,)] = db_rows(central.db, "SELECT output FROM message WHERE msgid = ?", (msgid,))
    assert logged.encode("utf-8") == _output_bytes(answer.content)


def _signed(client: Client, infno: str, input_: dict[str, Any], msgid: str | None = None) -> tuple[str, bytes,
                                                                                                     dict[str, str]]:
    msgid, body = client.body(infno, input_, msgid=msgid)
    return msgid, body, p.signed_headers(client.site, client.secret, body)


def test_an_online_message_is_refused_while_a_worker_holds_a_partition(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """PostgreSQL: a worker that hangs inside its claim (its transaction open, the person's row
    locked) would hold an online message for ever; it is refused after the wait instead, nothing
    stored, and the same msgid goes through once the partition is free. (SQLite: a claim is the
    write lock of the whole database, so there a hung worker holds every message at the busy timeout.)"""
    db, secrets = new_central_db(request, "postgresql", tmp_path)
    assert is_postgres(db)
    psn = clone_persons(db, 1, prefix="WPSN")[0]
    model = roster()["DEMO990100000001"]
    queue_batches(db, [[settlement_item("held-1", psn, "M-held-1", model, HAND_FEES)]])
    store = open_store(db)
    client = Client("http://127.0.0.1:9", SITE_A, secrets[SITE_A])  # only builds and signs envelopes
    try:
        service = CentralService(store, online_wait=0.5)
        with psycopg.connect(str(db)) as worker:  # the hung worker: its claim held, its transaction open
            worker.execute("SELECT psn_no FROM queued_person WHERE psn_no = %s FOR UPDATE", (psn,))
            msgid, body, headers = _signed(client, p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn, "year": 2026}})
            assert service.handle(headers, body).status == 200  # not ordered: answered at once
            msgid, body, headers = _signed(client, p.REVERSAL, {"data": {"local_id": "rev-held",
                                                                         "reverses_local_id": "held-1",
                                                                         "rev_time": "2026-03-11 09:00:00"}})
            started = dt.datetime.now()
            refused = service.handle(headers, body)
            assert (dt.datetime.now() - started).total_seconds() < 5
            assert refused.status == QUEUE_BUSY_HTTP_STATUS
            envelope = p.parse_response(refused.body)
            assert (envelope.infcode, envelope.err_msg) == (p.ServerError.infcode, QUEUE_BUSY_ERR_MSG)
            assert db_rows(db, "SELECT count(*) FROM message WHERE msgid = ?", (msgid,)) == [(0,)]
            worker.rollback()  # the worker goes away
        _, body, headers = _signed(client, p.REVERSAL, {"data": {"local_id": "rev-held", "reverses_local_id": "held-1",
                                                              "rev_time": "2026-03-11 09:00:00"}}, msgid=msgid)
        done = service.handle(headers, body)
        assert done.status == 200 and p.parse_response(done.body).infcode == 0, done.body[:300]
        assert db_rows(db, "SELECT count(*) FROM queued_work") == [(0,)]
        assert db_rows(db, "SELECT count(*) FROM reversal WHERE local_id = 'rev-held'") == [(1,)]
    finally:
        store.close()
        client.http.close()
