"""The protocol module on its own: msgid, signing and verification, envelopes, error mapping."""

from __future__ import annotations

import datetime as dt

import pytest

from hospital_client import protocol as p

SECRET = "s3cret-for-tests"
SITE = "H99010000001"


def test_msgid_is_site_code_time_and_sequence() -> None:
    moment = dt.datetime(2026, 3, 10, 8, 5, 9, tzinfo=dt.UTC)  # 16:05:09 in China
    msgid = p.make_msgid(SITE, moment, 10_007)
    assert msgid == "H99010000001" + "20260310160509" + "0007"
    assert len(msgid) == 30
    p.check_msgid(msgid, SITE)


@pytest.mark.parametrize("msgid", ["short", "H99010000002202603101605090007", "H99010000001202613101605090007",
                                   "H9901000000120260310160509000X"])
def test_bad_msgids_are_refused(msgid: str) -> None:
    with pytest.raises(p.BadMsgid):
        p.check_msgid(msgid, SITE)


def test_make_msgid_needs_a_12_character_site_code() -> None:
    with pytest.raises(ValueError):
        p.make_msgid("H123", dt.datetime.now(p.CST), 1)


def test_signature_round_trip_and_what_it_covers() -> None:
    body = p.dumps(p.build_request("9001", {"signIn": {}}, msgid=p.make_msgid(SITE, dt.datetime.now(p.CST), 1),
                                   fixmedins_code=SITE))
    headers = p.signed_headers(SITE, SECRET, body, timestamp=1_700_000_000, nonce="abcdef0123456789")
    auth = p.parse_auth_headers(headers)
    p.verify_signature(SECRET, auth, body, now=1_700_000_100)
    # The recipe of docs/protocol.md, step by step.
    import hashlib
    import hmac
    message = f"1700000000\nabcdef0123456789\n{SITE}\n{hashlib.sha256(body).hexdigest()}".encode()
    assert headers["x-tif-signature"] == hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    with pytest.raises(p.BadSignature):
        p.verify_signature("another-secret", auth, body, now=1_700_000_100)
    with pytest.raises(p.BadSignature):
        p.verify_signature(SECRET, auth, body.replace(b"9001", b"9002"), now=1_700_000_100)
    with pytest.raises(p.StaleTimestamp):
        p.verify_signature(SECRET, auth, body, now=1_700_000_000 + 301)
    with pytest.raises(p.StaleTimestamp):
        p.verify_signature(SECRET, auth, body, now=1_700_000_000 - 301)


def test_headers_are_checked_for_presence_and_shape() -> None:
    good = p.signed_headers(SITE, SECRET, b"{}")
    for missing in ("x-tif-paasid", "x-tif-timestamp", "x-tif-nonce", "x-tif-signature"):
        with pytest.raises(p.MissingCredentials):
            p.parse_auth_headers({k: v for k, v in good.items() if k != missing})
    with pytest.raises(p.MissingCredentials):
        p.parse_auth_headers({**good, "x-tif-timestamp": "yesterday"})
    with pytest.raises(p.MissingCredentials):
        p.parse_auth_headers({**good, "x-tif-nonce": "short"})
    upper = {k.upper(): v for k, v in good.items()}
    assert p.parse_auth_headers(upper).paasid == SITE


def test_envelope_round_trip_keeps_the_input_bytes() -> None:
    env = p.build_request("2304", {"data": {"local_id": "7", "amount": "12.50"}}, msgid="x", fixmedins_code=SITE)
    body = p.dumps(env)
    parsed = p.parse_request_envelope(body)
    assert parsed.infno == "2304" and parsed.input == {"data": {"local_id": "7", "amount": "12.50"}}
    assert parsed.input_bytes == b'{"data":{"local_id":"7","amount":"12.50"}}'
    # A rebuilt envelope (new inf_time, sign_no) with the same input is the same message.
    again = p.parse_request_envelope(p.dumps({**env, "inf_time": "2030-01-01 00:00:00", "sign_no": "S1"}))
    assert p.message_fingerprint("2304", SITE, again.input_bytes) == p.message_fingerprint("2304", SITE,
                                                                                           parsed.input_bytes)
    changed = p.parse_request_envelope(p.dumps({**env, "input": {"data": {"local_id": "8"}}}))
    assert p.message_fingerprint("2304", SITE, changed.input_bytes) != p.message_fingerprint(
        "2304", SITE, parsed.input_bytes)


@pytest.mark.parametrize("body", [b"", b"[]", b"{", b'{"infno": "9001"}', b'{"infno": 1.5, "msgid": "m", '
                                  b'"fixmedins_code": "c", "input": {}}', b'{"infno": "9001", "msgid": "m", '
                                  b'"fixmedins_code": "c", "input": []}', b'{"infno":"1","msgid":"m",'
                                  b'"fixmedins_code":"c","input":{}} trailing', b"\xff\xfe"])
def test_malformed_envelopes(body: bytes) -> None:
    with pytest.raises(p.MalformedEnvelope):
        p.parse_request_envelope(body)


def test_money_never_passes_through_a_float() -> None:
    parsed = p.parse_request_envelope(b'{"infno":"1","msgid":"m","fixmedins_code":"c","input":{"a":0.1}}')
    assert str(parsed.input["a"]) == "0.1"


def test_response_envelope_and_typed_errors() -> None:
    ok = p.parse_response(p.dumps(p.build_response(infcode=0, inf_refmsgid="r", refmsg_time="t",
                                                   respond_time="t", output={"x": 1})))
    assert ok.ok and ok.output == {"x": 1}
    ok.raise_for_infcode()
    refused = p.parse_response(p.dumps(p.build_response(infcode=1005, inf_refmsgid="r", refmsg_time="t",
                                                        respond_time="t", err_msg="nonce")))
    with pytest.raises(p.ReusedNonce) as caught:
        refused.raise_for_infcode()
    assert isinstance(caught.value, p.AuthError) and caught.value.err_msg == "nonce"
    expected = {1001: p.MissingCredentials, 1002: p.UnknownSite, 1003: p.BadSignature, 1004: p.StaleTimestamp,
                1005: p.ReusedNonce, 1006: p.WrongSite, 2001: p.MalformedEnvelope, 2002: p.UnknownInfno,
                2003: p.BadInput, 2004: p.MsgidConflict, 2005: p.BadMsgid, 2006: p.PayloadTooLarge,
                3001: p.NotFound, 3002: p.Conflict, 9999: p.ServerError}
    for code, cls in expected.items():
        error = p.error_for_infcode(code, "m")
        assert type(error) is cls and error.infcode == code
    unknown = p.error_for_infcode(-1, "业务失败")
    assert type(unknown) is p.ProtocolError and unknown.infcode == -1
    assert p.WrongSite.http_status == 403 and p.MsgidConflict.http_status == 409 and p.BadInput.http_status == 200


def test_times_are_china_standard_time() -> None:
    moment = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.UTC)
    assert p.format_time(moment) == "2026-01-01 08:00:00"
    assert p.parse_time("2026-01-01 08:00:00") == moment
