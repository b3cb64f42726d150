"""A 9511 batch with ack "stored" is queued with each item's bytes exactly as the site sent them
(not decoded and encoded again), and adjudicated from them as an item of a batch adjudicated at
once: the envelope parser keeps where each item of ``input.data`` is in the body; the queue stores
those bytes; a repeat of the message answers the same and queues nothing more; a bad item is still
refused naming it. On SQLite and on PostgreSQL, through the real service on a real database."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import SITE_A, SITE_B, db_rows, item, local_settle, make_request

from hospital_client import protocol as p
from hospital_client.central import queue_work
from hospital_client.central.open_store import open_store
from hospital_client.central.service import CentralService

_seq = itertools.count(1)

# Whitespace between and inside the items, Chinese as is and escaped, a price as a JSON number.
HAND_ITEMS = [
    '{ "kind" : "settlement",\n  "local_id" : "Q1", "setl_time": "2026-03-10 10:00:00", "request": %s }',
    '{"local_id":"Q2","request":%s,"kind":"settlement","setl_time":"2026-03-10 10:00:00","note":"\\u4e2d\\"文"}',
]


def _request_text(psn_no: str, mdtrt_id: str) -> str:
    request = make_request(psn_no, mdtrt_id)
    request["fees"] = [dict(request["fees"][0], pric=Decimal("16.50")), request["fees"][1]]
    text = json.dumps(request, ensure_ascii=False, default=str)  # ", " and ": ": not the compact form
    return text.replace('"pric": "16.50"', '"pric": 16.50')


def _body(input_text: str, msgid: str, site: str = SITE_A) -> bytes:
    return p.request_bytes(p.BATCH_UPLOAD, input_text.encode("utf-8"), msgid=msgid, fixmedins_code=site)


def _send(service: CentralService, secret: str, body: bytes, site: str = SITE_A) -> p.ResponseEnvelope:
    reply = service.handle(p.signed_headers(site, secret, body), body)
    return p.parse_response(reply.body)


def _msgid(site: str = SITE_A) -> str:
    return p.make_msgid(site, dt.datetime.now(p.CST), 7000 + next(_seq))


def test_the_parser_keeps_each_item_of_input_data_as_sent() -> None:
    items = ['{"a": [1, 2.50, {"b": "中"}]}', '"text"', "  7 ", "[]", '{"c":"\\u4e2d\\"x"}']
    input_text = '{ "ack": "stored",\n "data" : [ ' + " ,\n".join(items) + " ] , \"detail\":\"full\" }"
    body = _body(input_text, "M1")
    env = p.parse_request_envelope(body)
    assert env.data_item_bytes() == [i.strip().encode("utf-8") for i in items]
    assert env.input == p.loads(input_text) and env.input_bytes == input_text.encode("utf-8")
    assert env.input["data"][0]["a"][1] == Decimal("2.50")
    # the last "data" counts, as in the parsed value; data that is not an array has no items
    twice = p.parse_request_envelope(_body('{"data": [1, 2], "data": ["x"]}', "M2"))
    assert twice.input == {"data": ["x"]} and twice.data_item_bytes() == [b'"x"']
    assert p.parse_request_envelope(_body('{"data": [1], "data": {"x": 1}}', "M3")).data_item_bytes() == []
    assert p.parse_request_envelope(_body('{"data": []}', "M4")).data_item_bytes() == []
    assert p.parse_request_envelope(_body("{}", "M5")).data_item_bytes() == []


@pytest.mark.parametrize("broken", ['{"data": [1, 2', '{"data": [1 2]}', '{"data": [1,], "x": 1}',
                                    '{"data": [{"a": NaN}]}', '{"data" [1]}'])
def test_a_broken_input_is_refused_as_json_refuses_it(broken: str) -> None:
    body = _body(broken, "M6")
    with pytest.raises(p.MalformedEnvelope) as refused:
        p.parse_request_envelope(body)
    with pytest.raises(ValueError) as plain:  # the reader's own words, as when the input was read whole
        p.loads(body)
    assert refused.value.err_msg.endswith(str(plain.value))


def test_a_stored_batch_is_queued_as_sent_and_adjudicated_like_any(central_db: tuple[Path | str, dict[str, str]]) \
        -> None:
    db, secrets = central_db
    texts = [HAND_ITEMS[0] % _request_text("DEMO990100000001", "QS-1"),
             HAND_ITEMS[1] % _request_text("DEMO990100000002", "QS-2")]
    input_text = '{"ack": "stored", "data": [\n' + ",\n  ".join(texts) + "\n]}"
    body = _body(input_text, _msgid())
    store = open_store(db)
    try:
        service = CentralService(store)
        first = _send(service, secrets[SITE_A], body)
        assert first.infcode == 0 and first.output["queued"] == 2, first.err_msg
        rows = db_rows(db, "SELECT local_id, item FROM queued_work ORDER BY batch_seq, idx")
        assert [(r[0], bytes(r[1])) for r in rows] == [("Q1", texts[0].encode("utf-8")),
                                                      ("Q2", texts[1].encode("utf-8"))]
        # the same message again (a lost acknowledgement): the same answer, nothing queued twice
        again = _send(service, secrets[SITE_A], body)
        assert again.output == first.output
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 2
        assert db_rows(db, "SELECT COUNT(*) FROM queued_batch")[0][0] == 1
        assert queue_work.drain(service.central) == 2
        # adjudicated from the bytes as sent: the figures of the same requests settled by the rules
        asked = {"data": {"local_ids": ["Q1", "Q2"]}}
        results = _send(service, secrets[SITE_A], p.dumps(p.build_request(
            p.ADJUDICATION_RESULTS, asked, msgid=_msgid(), fixmedins_code=SITE_A))).output["results"]
        for result, psn_no, mdtrt_id in zip(results, ("DEMO990100000001", "DEMO990100000002"), ("QS-1", "QS-2"),
                                            strict=True):
            assert result["status"] == "accepted", result
            expected = local_settle(p.loads(_request_text(psn_no, mdtrt_id)))["setlinfo"]
            assert Decimal(result["final"]["setlinfo"]["hifp_pay"]) == Decimal(expected["hifp_pay"])
            assert Decimal(result["final"]["setlinfo"]["medfee_sumamt"]) == Decimal(expected["medfee_sumamt"])
    finally:
        store.close()


@pytest.mark.parametrize(("bad", "refusal"), [
    ("[1, 2]", "data[1] 应为对象"),
    ('{"kind": "refund", "local_id": "B2"}', "data[1].kind 应为 settlement 或 reversal"),
    ('{"kind": "settlement", "request": {}}', "data[1].local_id 缺失"),
])
def test_a_bad_item_still_refuses_the_batch_naming_it(central_db: tuple[Path | str, dict[str, str]], bad: str,
                                                      refusal: str) -> None:
    db, secrets = central_db
    good = p.dumps(item("B1", make_request("DEMO990100000001", "QB-1"))).decode("utf-8")
    store = open_store(db)
    try:
        answer = _send(CentralService(store), secrets[SITE_A],
                       _body('{"ack": "stored", "data": [' + good + ", " + bad + "]}", _msgid()))
        assert answer.infcode != 0 and answer.err_msg.startswith(refusal), answer.err_msg
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0
    finally:
        store.close()


def test_an_item_naming_another_site_refuses_the_batch(central_db: tuple[Path | str, dict[str, str]]) -> None:
    db, secrets = central_db
    theirs: dict[str, Any] = item("S1", make_request("DEMO990100000001", "QW-1", site=SITE_B))
    store = open_store(db)
    try:
        answer = _send(CentralService(store), secrets[SITE_A],
                       _body('{"ack": "stored", "data": [' + p.dumps(theirs).decode("utf-8") + "]}", _msgid()))
        assert answer.infcode == p.WrongSite.infcode and "data[0].request.encounter.fixmedins_code" in answer.err_msg
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0
    finally:
        store.close()
