"""Every transaction over real HTTP against the reference central system."""

from __future__ import annotations

import base64
import hashlib

from central_helpers import (
    HAND_FEES,
    SITE_A,
    Client,
    Server,
    catalog,
    item,
    local_settle,
    make_request,
    roster,
    roster_ytd,
)

from hospital_client import protocol as p
from hospital_client.rules import parse_catalog, parse_pack


def test_health_needs_no_credentials(central: Server) -> None:
    import httpx

    assert httpx.get(f"{central.url}/health").json()["status"] == "ok"


def test_9001_sign_in_returns_a_sign_no_usable_in_later_messages(site_a: Client) -> None:
    out = site_a.call(p.SIGN_IN, {"signIn": {"opter_no": "001", "mac": "00:11", "ip": "10.0.0.8"}})
    sign_no = out["signinoutb"]["sign_no"]
    assert sign_no and out["signinoutb"]["sign_time"]
    assert site_a.call(p.PERSON_INFO, {"data": {"psn_no": "DEMO990100000031"}}, sign_no=sign_no)
    refused = p.parse_response(site_a.send(p.PERSON_INFO, {"data": {"psn_no": "DEMO990100000031"}},
                                           sign_no="NOT-A-SIGN-NO").content)
    assert refused.infcode == p.BadInput.infcode and "sign_no" in refused.err_msg


def test_1101_person_info_by_each_credential(site_a: Client) -> None:
    entry = roster()["DEMO990100000001"]
    for data in ({"psn_no": entry["psn_no"]}, {"mdtrt_cert_type": "02", "mdtrt_cert_no": entry["certno"]},
                 {"mdtrt_cert_type": "03", "mdtrt_cert_no": entry["card_no"]},
                 {"mdtrt_cert_type": "01", "mdtrt_cert_no": entry["ecard_code"]}):
        out = site_a.call(p.PERSON_INFO, {"data": data})
        assert out["baseinfo"]["psn_no"] == entry["psn_no"]
        assert out["baseinfo"]["certno"] == entry["certno"]
        assert out["insuinfo"][0]["insutype"] == "390"
        assert out["idetinfo"] == [{"psn_idet_type": "tekun"}]
        assert out["person"] == {"psn_no": entry["psn_no"], "psn_name": entry["psn_name"], "certno": entry["certno"],
                                 "insutype": "390", "psn_type": "1503", "insuplc_admdvs": "990100",
                                 "assistance_group": "tekun", "residence": "rural"}
        assert out["year_to_date"]["year"] == 2026 and out["year_to_date"]["hifmi_pay"] == "17240.00"
    missing = p.parse_response(site_a.send(p.PERSON_INFO, {"data": {"psn_no": "NOBODY"}}).content)
    assert missing.infcode == p.NotFound.infcode
    bad = p.parse_response(site_a.send(p.PERSON_INFO, {"data": {}}).content)
    assert bad.infcode == p.BadInput.infcode


def test_5206_accumulators_for_a_year(site_a: Client) -> None:
    out = site_a.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": "DEMO990100000024", "year": 2026}})
    assert out["exists"] is True
    assert out["year_to_date"] == {**roster_ytd("DEMO990100000024")}
    empty = site_a.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": "DEMO990100000024", "cum_ym": "202701"}})
    assert empty["year"] == 2027 and empty["exists"] is False and empty["year_to_date"]["hifp_pay"] == "0.00"


def test_1312_catalogue_query_and_9503_download(site_a: Client) -> None:
    out = site_a.call(p.CATALOGUE_QUERY, {"data": {"med_list_codg": "XA10ABP052B001010100022"}})
    assert out["total"] == 1
    assert out["data"][0]["chrgitm_lv"] == "01" and out["data"][0]["name"].startswith("胰岛素")
    page = site_a.call(p.CATALOGUE_QUERY, {"data": {"list_type": "drug", "page_num": 2, "page_size": 10}})
    assert len(page["data"]) == 10 and page["total"] > 10 and page["pages"] == -(-page["total"] // 10)
    download = site_a.call(p.CATALOGUE_DOWNLOAD, {"data": {}})
    data = base64.b64decode(download["bytes_base64"])
    assert hashlib.sha256(data).hexdigest() == download["sha256"] == catalog().sha256
    assert len(parse_catalog(data, download["source_name"])) == download["items"] == len(catalog())
    again = site_a.call(p.CATALOGUE_DOWNLOAD, {"data": {"known_sha256": download["sha256"]}})
    assert again["unchanged"] is True and "bytes_base64" not in again


def test_9501_pack_list_and_download(site_a: Client) -> None:
    listing = site_a.call(p.PACK_DOWNLOAD, {"data": {}})["packs"]
    ids = [entry["id"] for entry in listing]
    assert "demo" in ids and "xuzhou-2013" in ids
    pack = site_a.call(p.PACK_DOWNLOAD, {"data": {"id": "demo"}})
    data = base64.b64decode(pack["bytes_base64"])
    assert hashlib.sha256(data).hexdigest() == pack["sha256"]
    assert parse_pack(data, pack["source_name"]).id == "demo"
    missing = p.parse_response(site_a.send(p.PACK_DOWNLOAD, {"data": {"id": "nowhere"}}).content)
    assert missing.infcode == p.NotFound.infcode


def test_9502_roster_delta_pages_and_follows_accumulator_changes(site_a: Client) -> None:
    seen: list[str] = []
    cursor = 0
    while True:
        out = site_a.call(p.ROSTER_DELTA, {"data": {"cursor": cursor, "limit": 25}})
        seen += [person["psn_no"] for person in out["persons"]]
        cursor = out["next_cursor"]
        if not out["more"]:
            break
    assert sorted(seen) == sorted(roster())
    first = site_a.call(p.ROSTER_DELTA, {"data": {"cursor": 0, "limit": 1}})["persons"][0]
    assert first["year_to_date"]["year"] == 2026 and "certno" in first
    assert site_a.call(p.ROSTER_DELTA, {"data": {"cursor": cursor}})["persons"] == []
    # A settlement moves the person's accumulators: the person is in the next delta.
    site_a.call(p.SETTLEMENT, {"data": item("delta-1", make_request("DEMO990100000035", "MDT-DELTA-1"))})
    delta = site_a.call(p.ROSTER_DELTA, {"data": {"cursor": cursor}})
    assert [person["psn_no"] for person in delta["persons"]] == ["DEMO990100000035"]
    assert delta["persons"][0]["year_to_date"]["admissions"] == 1


def test_2401_admission_and_2301_fee_upload(site_a: Client) -> None:
    admitted = site_a.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000036", "mdtrt_id": "MDT-ADM-1",
                                                   "begntime": "2026-03-01", "hosp_lv": 2, "med_type": "21",
                                                   "diagnoses": ["E11.900"]}})
    assert admitted["result"] == {"mdtrt_id": "MDT-ADM-1", "psn_no": "DEMO990100000036", "ipt_otp_no": ""}
    generated = site_a.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000036", "begntime": "2026-04-01",
                                                    "hosp_lv": 1}})
    assert generated["result"]["mdtrt_id"].startswith("M")
    fees = [*HAND_FEES, {"feedetl_sn": "3", "med_list_codg": "HOSP-LOCAL-1", "name": "院内自定项目",
                         "pric": "10.00", "cnt": "1", "det_item_fee_sumamt": "10.00"}]
    uploaded = site_a.call(p.FEE_UPLOAD, {"data": {"mdtrt_id": "MDT-ADM-1", "psn_no": "DEMO990100000036",
                                                    "fees": fees}})
    lines = {line["feedetl_sn"]: line for line in uploaded["result"]}
    assert lines["1"]["chrgitm_lv"] == "01" and lines["1"]["inscp_scp_amt"] == "2640.00"
    assert lines["3"]["chrgitm_lv"] == "03" and lines["3"]["fulamt_ownpay_amt"] == "10.00"
    assert any("HOSP-LOCAL-1" in w for w in uploaded["warnings"])
    unknown = p.parse_response(site_a.send(p.FEE_UPLOAD, {"data": {"mdtrt_id": "NOPE", "fees": fees}}).content)
    assert unknown.infcode == p.NotFound.infcode


def test_2303_pre_settlement_computes_without_committing(site_a: Client) -> None:
    request = make_request("DEMO990100000037", "MDT-PRE-1")
    before = site_a.ytd("DEMO990100000037")
    out = site_a.call(p.PRE_SETTLEMENT, {"data": {"request": request}})
    assert out["result"]["setlinfo"]["hifp_pay"] == "1875.00"
    assert out["result"]["setlinfo"]["psn_cash_pay"] == "1125.00"
    assert out["result"] == local_settle(request)  # same inputs, same bytes as the client's engine
    assert site_a.ytd("DEMO990100000037") == before


def test_2304_settlement_5203_query_2305_reversal(site_a: Client) -> None:
    request = make_request("DEMO990100000044", "MDT-2304-1")
    out = site_a.call(p.SETTLEMENT, {"data": item("2304-1", request)})
    assert out["status"] == "accepted" and out["repeat"] is False and out["infcode"] == 0
    assert out["final"] == local_settle(request)
    assert out["adjustment"]["adjusted"] is False and out["adjustment"]["psn_cash_pay"] == "0.00"
    setl_id = out["setl_id"]
    by_id = site_a.call(p.SETTLEMENT_QUERY, {"data": {"setl_id": setl_id}})
    by_local = site_a.call(p.SETTLEMENT_QUERY, {"data": {"local_id": "2304-1"}})
    assert by_id == by_local
    assert by_id["final"] == out["final"] and by_id["reversed"] is None
    reversed_ = site_a.call(p.REVERSAL, {"data": {"local_id": "2305-1", "setl_id": setl_id}})
    assert reversed_["kind"] == "reversal" and reversed_["setl_id"] == setl_id
    assert reversed_["setlinfo"]["hifp_pay"] == "-2000.00"  # a retiree (1201): 80% of 2,500
    assert site_a.call(p.SETTLEMENT_QUERY, {"data": {"setl_id": setl_id}})["reversed"]["local_id"] == "2305-1"
    assert site_a.call(p.SETTLEMENT_QUERY, {"data": {"local_id": "2305-1"}})["rev_setl_id"] == reversed_["rev_setl_id"]


def test_3201_totals_and_3202_details(site_a: Client) -> None:
    out = site_a.call(p.SETTLEMENT, {"data": {**item("recon-1", make_request("DEMO990100000041", "MDT-R-1")),
                                              "setl_time": "2026-05-20 09:00:00"}})
    assert out["status"] == "accepted"
    period = {"stmt_begndate": "2026-05-20", "stmt_enddate": "2026-05-20"}
    totals = site_a.call(p.RECON_TOTALS, {"data": period})
    assert totals["setl_cnt"] == 1 and totals["medfee_sumamt"] == "3000.00" and totals["stmt_rslt"] == ""
    matched = site_a.call(p.RECON_TOTALS, {"data": {**period, "medfee_sumamt": "3000.00",
                                                    "fund_pay_sumamt": "1875.00", "psn_cash_pay": "1125.00",
                                                    "fixmedins_setl_cnt": 1}})
    assert matched["stmt_rslt"] == "0" and matched["differences"] == {}
    unmatched = site_a.call(p.RECON_TOTALS, {"data": {**period, "medfee_sumamt": "2999.00",
                                                      "fixmedins_setl_cnt": 2}})
    assert unmatched["stmt_rslt"] == "1"
    assert unmatched["differences"] == {"medfee_sumamt": "1.00", "setl_cnt": "-1"}
    details = site_a.call(p.RECON_DETAILS, {"data": {**period, "local_ids": ["recon-1", "recon-x"]}})
    assert [row["local_id"] for row in details["data"]] == ["recon-1"]
    assert details["data"][0]["psn_cash_pay"] == "1125.00" and details["data"][0]["msgid"]
    assert details["missing_at_central"] == ["recon-x"] and details["missing_at_site"] == []
    assert details["stmt_rslt"] == "1"


def test_9511_batch_and_9512_results(site_a: Client) -> None:
    items = [item("b-1", make_request("DEMO990100000046", "MDT-B-1")),
             {"kind": "settlement", "local_id": "b-2", "request": {"person": {"psn_no": "NOBODY"}}},
             {"kind": "reversal", "local_id": "b-3", "reverses_local_id": "b-1"}]
    out = site_a.call(p.BATCH_UPLOAD, {"data": items})
    first, rejected, reversal = out["results"]
    assert first["status"] == "accepted" and set(first["final"]) == {"policy", "review", "setlinfo", "setldetail",
                                                                     "year_to_date_after", "warnings", "violations"}
    assert rejected["status"] == "rejected" and rejected["infcode"] == p.NotFound.infcode
    assert reversal["status"] == "accepted" and reversal["setl_id"] == first["setl_id"]
    results = site_a.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": ["b-1", "b-2", "b-3"],
                                                            "detail": "full"}})["results"]
    assert results[0]["setl_id"] == first["setl_id"] and "explain" in results[0]["final"]
    assert results[0]["reversed"]["local_id"] == "b-3"
    assert results[1] == {"local_id": "b-2", "status": "unknown"}
    assert results[2]["rev_setl_id"] == reversal["rev_setl_id"]
    page = site_a.call(p.ADJUDICATION_RESULTS, {"data": {"cursor": 0, "limit": 500}})
    assert first["setl_id"] in [r["setl_id"] for r in page["results"]] and page["more"] is False


def test_unknown_infno_and_bad_input(site_a: Client) -> None:
    response = site_a.send("1234", {"data": {}})
    assert response.status_code == 400 and response.json()["infcode"] == p.UnknownInfno.infcode
    bad = site_a.send(p.SETTLEMENT, {"data": {"local_id": "bad-1",
                                              "request": make_request("DEMO990100000047", "MDT-BAD",
                                                                      fees=[{"feedetl_sn": "1"}])}})
    assert bad.status_code == 200
    envelope = p.parse_response(bad.content)
    assert envelope.infcode == p.BadInput.infcode and "fees[0]" in envelope.err_msg
    # A JSON number is read as an exact decimal (never a binary float), as the client's engine reads it.
    as_number = site_a.call(p.PRE_SETTLEMENT, {"data": {"request": make_request(
        "DEMO990100000047", "MDT-NUM", fees=[{**HAND_FEES[0], "pric": 16.5}])}})  # written as the JSON number 16.5
    as_text = site_a.call(p.PRE_SETTLEMENT, {"data": {"request": make_request(
        "DEMO990100000047", "MDT-NUM", fees=[HAND_FEES[0]])}})
    assert as_number == as_text


def test_site_code_in_the_request_must_be_the_senders(site_a: Client) -> None:
    response = site_a.send(p.PRE_SETTLEMENT, {"data": {"request": make_request(
        "DEMO990100000047", "MDT-X", site="H99010000002")}})
    assert response.status_code == 403 and response.json()["infcode"] == p.WrongSite.infcode
    assert SITE_A in response.json()["err_msg"]
