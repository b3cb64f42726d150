"""1101 by e-voucher token (issued by 9531), ID card and social security card; the platform's
identity refusals (token expired 3011, unknown 3012, another person's 3013); 2001 人员待遇享受检查
for the demo roster's suspended, waiting and interrupted persons. Against a real server process,
on each central store (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

import pytest
from central_helpers import SITE_A, Client, Server, db_rows, roster

from hospital_client import protocol as p

SUSPENDED, WAITING, INTERRUPTED, HEALED = (f"DEMO9901000000{n}" for n in (68, 69, 70, 71))
NORMAL = "DEMO990100000001"


@pytest.fixture(scope="module")
def server(central: Server) -> Server:
    return central


@pytest.fixture(scope="module")
def site(central: Server) -> Client:
    return central.client(SITE_A)


def _refusal(client: Client, infno: str, data: dict[str, object]) -> p.ResponseEnvelope:
    response = client.send(infno, {"data": data})
    assert response.status_code == 200
    return p.parse_response(response.content)


def test_9531_issues_a_token_that_1101_resolves(site: Client, server: Server) -> None:
    issued = site.call(p.EC_TOKEN_ISSUE, {"data": {"psn_no": NORMAL}})
    token = issued["ecToken"]
    assert len(token) == 38 and token.startswith("990100") and int(token[6:], 16) >= 0
    out = site.call(p.PERSON_INFO, {"data": {"mdtrt_cert_type": "01", "mdtrt_cert_no": token}})
    assert out["baseinfo"]["psn_no"] == NORMAL and out["insuinfo"][0]["psn_insu_stas"] == "1"
    assert out["benefit_periods"] == []
    # with the certificate holder named: the same person passes, another is refused (3013)
    entry = roster()[NORMAL]
    assert site.call(p.PERSON_INFO, {"data": {"mdtrt_cert_type": "01", "mdtrt_cert_no": token,
                                              "psn_cert_type": "01", "certno": entry["certno"],
                                              "psn_name": entry["psn_name"]}})["baseinfo"]["psn_no"] == NORMAL
    other = roster()["DEMO990100000002"]
    refused = _refusal(site, p.PERSON_INFO, {"mdtrt_cert_type": "01", "mdtrt_cert_no": token,
                                             "psn_cert_type": "01", "certno": other["certno"]})
    assert refused.infcode == p.CertificateMismatch.infcode == 3013 and "另一参保人" in refused.err_msg
    # stored by the central system, append-only
    assert db_rows(server.db, "SELECT psn_no FROM ec_token WHERE token = ?", (token,)) == [(NORMAL,)]


def test_expired_and_unknown_tokens_are_refused(site: Client) -> None:
    token = site.call(p.EC_TOKEN_ISSUE, {"data": {"certno": roster()[NORMAL]["certno"], "valid_seconds": 1}})["ecToken"]
    assert site.call(p.PERSON_INFO, {"data": {"mdtrt_cert_type": "01", "mdtrt_cert_no": token}})
    time.sleep(2.1)  # the envelope clock has whole seconds
    expired = _refusal(site, p.PERSON_INFO, {"mdtrt_cert_type": "01", "mdtrt_cert_no": token})
    assert expired.infcode == p.EcTokenExpired.infcode == 3011 and "已过期" in expired.err_msg
    unknown = _refusal(site, p.PERSON_INFO, {"mdtrt_cert_type": "01", "mdtrt_cert_no": "990100" + "0" * 32})
    assert unknown.infcode == p.EcTokenUnknown.infcode == 3012
    error = p.error_for_infcode(unknown.infcode, unknown.err_msg)
    assert isinstance(error, p.EcTokenUnknown) and error.clerk_text
    assert _refusal(site, p.EC_TOKEN_ISSUE, {"psn_no": "NOBODY"}).infcode == p.NotFound.infcode


def test_1101_by_id_card_and_social_security_card_with_card_sn(site: Client) -> None:
    entry = roster()[SUSPENDED]
    by_id = site.call(p.PERSON_INFO, {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": entry["certno"]}})
    by_card = site.call(p.PERSON_INFO, {"data": {"mdtrt_cert_type": "03", "mdtrt_cert_no": entry["card_no"],
                                                 "card_sn": "A1B2C3D4"}})
    assert by_id["baseinfo"]["psn_no"] == by_card["baseinfo"]["psn_no"] == SUSPENDED
    assert by_id["insuinfo"][0]["psn_insu_stas"] == "2"  # 暂停参保 today
    assert by_id["benefit_periods"] == entry["benefit"]
    refused = _refusal(site, p.PERSON_INFO, {"mdtrt_cert_type": "03", "mdtrt_cert_no": entry["card_no"],
                                             "psn_no": NORMAL})
    assert refused.infcode == p.CertificateMismatch.infcode


@pytest.mark.parametrize(("psn_no", "begin", "end", "flag", "state", "words"), [
    (NORMAL, "2026-11-20", "2026-11-28", "1", "normal", "待遇正常"),
    (SUSPENDED, "2026-11-20", "2026-11-28", "0", "suspended", "待遇暂停"),
    (SUSPENDED, "2026-08-01", "2026-08-20", "1", "normal", "待遇正常"),       # before the suspension
    (SUSPENDED, "2026-08-25", "2026-09-02", "0", "suspended", "缴费未到账"),   # one day inside is enough
    (WAITING, "2026-11-20", "2026-11-28", "0", "waiting", "等待期"),
    (WAITING, "2027-01-15", "2027-01-20", "1", "normal", "待遇正常"),         # after the waiting period
    (INTERRUPTED, "2026-11-20", "2026-11-28", "0", "interrupted", "待遇中断"),
    (HEALED, "2026-04-02", "2026-04-09", "0", "suspended", "已补缴"),
    (HEALED, "2026-11-20", "2026-11-28", "1", "normal", "待遇正常"),
])
def test_2001_benefit_check(site: Client, psn_no: str, begin: str, end: str, flag: str, state: str,
                            words: str) -> None:
    out = site.call(p.BENEFIT_CHECK, {"data": {"psn_no": psn_no, "insutype": roster()[psn_no]["insutype"],
                                               "med_type": "21", "begntime": begin, "endtime": end}})
    (info,) = out["trtinfo"]
    assert (info["psn_no"], info["trt_enjymnt_flag"], out["trt_stas"]) == (psn_no, flag, state)
    assert words in info["trt_chk_rslt"] and (info["begndate"], info["enddate"]) == (begin, end)
    assert info["fund_pay_type"] == {"390": "390100", "310": "310100"}[roster()[psn_no]["insutype"]]
    assert out["benefit_periods"] == roster()[psn_no].get("benefit", [])


def test_2001_refuses_bad_input(site: Client) -> None:
    assert _refusal(site, p.BENEFIT_CHECK, {}).infcode == p.BadInput.infcode
    assert _refusal(site, p.BENEFIT_CHECK, {"psn_no": "NOBODY"}).infcode == p.NotFound.infcode
    assert _refusal(site, p.BENEFIT_CHECK, {"psn_no": NORMAL, "begntime": "2026-11-20",
                                            "endtime": "2026-11-01"}).infcode == p.BadInput.infcode


def test_9502_roster_carries_the_benefit_periods(site: Client) -> None:
    persons = {x["psn_no"]: x for x in site.call(p.ROSTER_DELTA, {"data": {"cursor": 0, "limit": 5000}})["persons"]}
    assert persons[SUSPENDED]["benefit"] == roster()[SUSPENDED]["benefit"]
    assert persons[NORMAL]["benefit"] == []  # always given: an empty list lifts a period at the desk
