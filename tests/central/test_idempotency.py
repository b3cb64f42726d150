"""msgid idempotency (the first answer is stored and returned again; a different body is refused)
and per-settlement idempotency (a site's local key is adjudicated once, whatever message carries it)."""

from __future__ import annotations

from central_helpers import Client, Server, item, make_request

from hospital_client import protocol as p


def test_same_msgid_same_body_returns_the_stored_answer(central: Server, site_a: Client) -> None:
    msgid, body = site_a.body(p.SETTLEMENT, {"data": item("idem-1", make_request("DEMO990100000031", "MDT-I-1"))})
    first = site_a.post(body)
    second = site_a.post(body)  # re-signed: new nonce and timestamp, same bytes
    assert first.status_code == second.status_code == 200
    one, two = p.parse_response(first.content), p.parse_response(second.content)
    assert one.infcode == two.infcode == 0
    assert one.output == two.output and one.output["repeat"] is False
    assert (one.inf_refmsgid, one.refmsg_time) == (two.inf_refmsgid, two.refmsg_time)
    assert second.headers.get("x-central-repeat") == "1" and "x-central-repeat" not in first.headers
    settled = [s for s in central.report()["settlements"] if s["local_id"] == "idem-1"]
    assert len(settled) == 1 and settled[0]["msgid"] == msgid


def test_a_rebuilt_envelope_with_the_same_input_is_a_repeat(site_a: Client) -> None:
    input_ = {"data": {"psn_no": "DEMO990100000031", "year": 2026}}
    msgid, _ = site_a.body(p.PERSON_ACCUMULATORS, input_)
    _, first = site_a.body(p.PERSON_ACCUMULATORS, input_, msgid=msgid, sign_no="")
    _, rebuilt = site_a.body(p.PERSON_ACCUMULATORS, input_, msgid=msgid, opter="002")
    assert first != rebuilt
    a, b = site_a.post(first), site_a.post(rebuilt)
    assert b.status_code == 200 and b.headers.get("x-central-repeat") == "1"
    assert a.json()["output"] == b.json()["output"]


def test_same_msgid_different_body_is_refused(central: Server, site_a: Client) -> None:
    msgid, body = site_a.body(p.SETTLEMENT, {"data": item("idem-2", make_request("DEMO990100000032", "MDT-I-2"))})
    assert site_a.post(body).status_code == 200
    _, other = site_a.body(p.SETTLEMENT, {"data": item("idem-3", make_request("DEMO990100000032", "MDT-I-3"))},
                           msgid=msgid)
    refused = site_a.post(other)
    assert refused.status_code == 409
    envelope = p.parse_response(refused.content)
    assert envelope.infcode == p.MsgidConflict.infcode and msgid in envelope.err_msg
    assert [s["local_id"] for s in central.report()["settlements"] if s["local_id"] in ("idem-2", "idem-3")] == [
        "idem-2"]


def test_a_refused_business_answer_is_stored_too(site_a: Client) -> None:
    _msgid, body = site_a.body(p.PERSON_INFO, {"data": {"psn_no": "NOBODY"}})
    first, second = site_a.post(body), site_a.post(body)
    assert first.json()["infcode"] == second.json()["infcode"] == p.NotFound.infcode
    assert second.headers.get("x-central-repeat") == "1"


def test_same_settlement_in_a_new_message_is_not_adjudicated_twice(central: Server, site_a: Client) -> None:
    request = make_request("DEMO990100000033", "MDT-I-4")
    first = site_a.call(p.SETTLEMENT, {"data": item("idem-4", request)})
    ytd = site_a.ytd("DEMO990100000033")
    again = site_a.call(p.SETTLEMENT, {"data": item("idem-4", request)})  # a new msgid
    assert again["repeat"] is True and again["setl_id"] == first["setl_id"] and again["final"] == first["final"]
    assert again["msgid"] == first["msgid"]  # the msgid it first came with
    assert site_a.ytd("DEMO990100000033") == ytd
    assert len([s for s in central.report()["settlements"] if s["local_id"] == "idem-4"]) == 1


def test_a_local_key_reused_for_other_content_is_refused(site_a: Client) -> None:
    site_a.call(p.SETTLEMENT, {"data": item("idem-5", make_request("DEMO990100000034", "MDT-I-5"))})
    response = site_a.send(p.SETTLEMENT, {"data": item("idem-5", make_request("DEMO990100000034", "MDT-I-6"))})
    envelope = p.parse_response(response.content)
    assert response.status_code == 200 and envelope.infcode == p.Conflict.infcode
    assert "idem-5" in envelope.err_msg
