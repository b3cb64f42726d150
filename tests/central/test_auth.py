"""Authentication like the national gateway: each refusal has its infcode, and nothing is stored."""

from __future__ import annotations

import time

import pytest
from central_helpers import SITE_A, SITE_B, Client, Server, item, make_request

from hospital_client import protocol as p


def _settle_body(client: Client, local_id: str, **fields: str) -> tuple[str, bytes]:
    return client.body(p.SETTLEMENT, {"data": item(local_id, make_request("DEMO990100000035", f"MDT-{local_id}",
                                                                          site=client.site))}, **fields)


def _assert_nothing_stored(central: Server, client: Client, local_id: str, msgid: str) -> None:
    assert local_id not in [s["local_id"] for s in central.report()["settlements"]]
    results = client.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": [local_id]}})["results"]
    assert results == [{"local_id": local_id, "status": "unknown"}]
    # The msgid was not consumed either: the same message, properly signed, now goes through.
    _, body = _settle_body(client, local_id, msgid=msgid)
    assert client.post(body).json()["output"]["repeat"] is False


def _refused(response: object, cls: type[p.ProtocolError]) -> p.ResponseEnvelope:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == cls.http_status, response.text
    envelope = p.parse_response(response.content)
    assert envelope.infcode == cls.infcode and envelope.err_msg
    assert envelope.output == {}
    return envelope


def test_wrong_secret(central: Server, site_a: Client) -> None:
    msgid, body = _settle_body(site_a, "auth-1")
    _refused(site_a.post(body, secret="not-the-secret"), p.BadSignature)
    _assert_nothing_stored(central, site_a, "auth-1", msgid)


def test_body_changed_after_signing(central: Server, site_a: Client) -> None:
    msgid, body = _settle_body(site_a, "auth-2")
    headers = p.signed_headers(SITE_A, central.secrets[SITE_A], body)
    tampered = body.replace(b'"cnt":"160"', b'"cnt":"16"')
    assert tampered != body
    response = site_a.http.post("/fsi/api/rsfComIfsService/callService", content=tampered, headers=headers)
    _refused(response, p.BadSignature)
    _assert_nothing_stored(central, site_a, "auth-2", msgid)


# Just past the 300 s window, with a few seconds of margin: timestamps are whole seconds and a
# loaded machine may take a second or two between signing and the server's check.
@pytest.mark.parametrize("skew", [-305, 305, -3600])
def test_stale_or_future_timestamp(central: Server, site_a: Client, skew: int) -> None:
    local_id = f"auth-3{skew}"
    msgid, body = _settle_body(site_a, local_id)
    envelope = _refused(site_a.post(body, timestamp=int(time.time()) + skew), p.StaleTimestamp)
    assert "300" in envelope.err_msg
    _assert_nothing_stored(central, site_a, local_id, msgid)


def test_replayed_nonce(central: Server, site_a: Client) -> None:
    _, first = site_a.body(p.PERSON_INFO, {"data": {"psn_no": "DEMO990100000031"}})
    assert site_a.post(first, nonce="fixednonce0001").status_code == 200
    msgid, body = _settle_body(site_a, "auth-4")
    _refused(site_a.post(body, nonce="fixednonce0001"), p.ReusedNonce)
    _assert_nothing_stored(central, site_a, "auth-4", msgid)
    # The other site's nonces are its own.
    _, other = central.client(SITE_B).body(p.PERSON_INFO, {"data": {"psn_no": "DEMO990100000031"}})
    assert central.client(SITE_B).post(other, nonce="fixednonce0001").status_code == 200


def test_site_a_sending_as_site_b(central: Server, site_a: Client, site_b: Client) -> None:
    # Site A's credential, site B's code in the envelope (and B's msgid).
    msgid, body = site_b.body(p.SETTLEMENT, {"data": item("auth-5", make_request("DEMO990100000035", "MDT-a5",
                                                                                 site=SITE_B))})
    envelope = _refused(site_a.post(body), p.WrongSite)
    assert SITE_A in envelope.err_msg and SITE_B in envelope.err_msg
    _assert_nothing_stored(central, site_b, "auth-5", msgid)


def test_site_a_uploading_a_settlement_of_site_b(central: Server, site_a: Client) -> None:
    request = make_request("DEMO990100000035", "MDT-a6", site=SITE_B)
    batch = [item("auth-6a", make_request("DEMO990100000036", "MDT-a6a")), item("auth-6", request)]
    _msgid, body = site_a.body(p.BATCH_UPLOAD, {"data": batch})
    _refused(site_a.post(body), p.WrongSite)
    # The whole message is refused: not even its first, valid item is kept.
    assert not {"auth-6", "auth-6a"} & {s["local_id"] for s in central.report()["settlements"]}


def test_unknown_site_and_missing_headers(site_a: Client) -> None:
    _, body = site_a.body(p.PERSON_INFO, {"data": {"psn_no": "DEMO990100000031"}})
    _refused(site_a.post(body, paasid="H99999999999"), p.UnknownSite)
    response = site_a.http.post("/fsi/api/rsfComIfsService/callService", content=body)
    _refused(response, p.MissingCredentials)


def test_msgid_of_another_site_or_malformed(site_a: Client) -> None:
    _, body = site_a.body(p.PERSON_INFO, {"data": {"psn_no": "DEMO990100000031"}},
                          msgid="H99010000002202603101605090001")
    _refused(site_a.post(body), p.BadMsgid)
    _refused(site_a.post(b'{"infno": "9001"'), p.MalformedEnvelope)
