"""Outpatient visits against the real central server process: 2201-2208 for 普通门诊 (11) and 门诊慢特病
(14) with its 备案 (2503/2504, 5301), msgid idempotency and one settlement per visit.

Figures (demo pack, level-2 hospital, nothing paid earlier this year):
    11: 198.00 of 甲类 drugs: per-visit deductible 10 + annual 100 (op_dedc) = 110; (198 - 110) × 50% = 44.00
    14 (I10): 330.00: annual deductible 200 (shared with inpatient, act_pay_dedc); (330 - 200) × 70% = 91.00
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from central_helpers import Client, Server

from hospital_client import protocol as p
from hospital_client.protocol import codes

DRUG = "XA10ABP052B001010100022"


def line(sn: str, cnt: int) -> dict[str, Any]:
    return {"feedetl_sn": sn, "med_list_codg": DRUG, "name": "胰岛素注射液", "pric": "16.50", "cnt": str(cnt),
            "det_item_fee_sumamt": _amount(cnt)}


def _amount(cnt: int) -> str:
    cents = 1650 * cnt
    return f"{cents // 100}.{cents % 100:02d}"


@pytest.fixture
def client(central: Server) -> Client:
    """A client of the module's server (conftest.py: on SQLite and on PostgreSQL)."""
    return central.client()


def refusal(client: Client, infno: str, input_: dict[str, Any]) -> p.ResponseEnvelope:
    response = client.send(infno, input_)
    envelope = p.parse_response(response.content)
    assert envelope.infcode != 0, response.text[:300]
    return envelope


def register(client: Client, psn_no: str, med_type: str = "11", **extra: Any) -> str:
    out = client.call(codes.OUTPATIENT_REGISTER, {"data": {
        "psn_no": psn_no, "med_type": med_type, "begntime": "2026-03-10 09:12:00", "hosp_lv": 2,
        "ipt_otp_no": "MZ0001", "atddr_no": "D001", "dr_name": "李医生", "dept_code": "A03", "dept_name": "内科",
        "caty": "A03", **extra}})
    assert out["result"]["psn_no"] == psn_no and out["result"]["ipt_otp_no"] == "MZ0001"
    return str(out["result"]["mdtrt_id"])


def test_general_visit_through_the_chain_settles_once_and_reverses(client: Client) -> None:
    psn = "DEMO990100000002"
    mdtrt_id = register(client, psn)
    up = client.call(codes.OUTPATIENT_FEE_UPLOAD, {"data": {
        "mdtrt_id": mdtrt_id, "psn_no": psn, "chrg_bchno": "B1", "feedetail": [line("1", 12)]}})
    assert up["result"][0]["chrgitm_lv"] == "01" and up["result"][0]["inscp_scp_amt"] == "198.00"
    pre = client.call(codes.OUTPATIENT_PRE_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn,
                                                                 "medfee_sumamt": "198.00"}})
    assert pre["result"]["setlinfo"]["hifp_pay"] == "44.00"
    assert pre["result"]["setlinfo"]["psn_cash_pay"] == "154.00"
    assert client.ytd(psn).get("op_hifp_pay", "0.00") == "0.00"  # pre-settlement stores nothing
    # a total that differs from the uploaded lines is refused
    wrong_total = {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn, "medfee_sumamt": "1.00"}}
    assert refusal(client, codes.OUTPATIENT_SETTLEMENT, wrong_total).infcode == p.BadInput.infcode
    _msgid, body = client.body(codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn,
                                                                     "medfee_sumamt": "198.00"}})
    first = p.parse_response(client.post(body).content)
    assert first.infcode == 0 and first.output["final"]["setlinfo"]["hifp_pay"] == "44.00"
    setl_id = first.output["setl_id"]
    again = client.post(body)  # the same message again: the stored answer, nothing settled twice
    assert again.headers.get("x-central-repeat") == "1"
    assert p.parse_response(again.content).output["setl_id"] == setl_id
    # the same visit under a new msgid: the same settlement (its local_id is the visit's), not a second one
    resend = client.call(codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn}})
    assert resend["setl_id"] == setl_id and resend["repeat"] is True
    # a second settlement of the visit under another local_id: 3003 names the one in force
    second = refusal(client, codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn,
                                                                     "local_id": "HIS-2"}})
    assert second.infcode == p.EncounterAlreadySettled.infcode and second.output["in_force"]["setl_id"] == setl_id
    ytd = client.ytd(psn)
    assert ytd["op_hifp_pay"] == "44.00" and ytd["op_dedc"] == "100.00"
    # a settled visit keeps its lines and registration
    visit = {"data": {"mdtrt_id": mdtrt_id}}
    assert refusal(client, codes.OUTPATIENT_FEE_CANCEL, visit).infcode == p.Conflict.infcode
    assert refusal(client, codes.OUTPATIENT_REGISTER_CANCEL, visit).infcode == p.Conflict.infcode
    # 2208 reverses it, accumulators move back; the visit is open again
    rev = client.call(codes.OUTPATIENT_REVERSAL, {"data": {"setl_id": setl_id, "mdtrt_id": mdtrt_id, "psn_no": psn}})
    assert rev["kind"] == "reversal" and rev["setl_id"] == setl_id and rev["setlinfo"]["hifp_pay"] == "-44.00"
    assert client.ytd(psn).get("op_hifp_pay", "0.00") in ("0.00", "0")
    # the visit settled again (a new local_id: the first is reversed), and reversed again
    again_settled = client.call(codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn}})
    assert again_settled["setl_id"] != setl_id and again_settled["local_id"] == f"OP-{mdtrt_id}-2"
    assert again_settled["repeat"] is False
    client.call(codes.OUTPATIENT_REVERSAL, {"data": {"setl_id": again_settled["setl_id"]}})
    assert client.call(codes.OUTPATIENT_FEE_CANCEL, {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": "B1"}})[
        "result"]["cancelled"] == ["1"]
    assert client.call(codes.OUTPATIENT_REGISTER_CANCEL, {"data": {"mdtrt_id": mdtrt_id}})["result"]["mdtrt_id"] \
        == mdtrt_id
    assert refusal(client, codes.OUTPATIENT_FEE_UPLOAD, {"data": {
        "mdtrt_id": mdtrt_id, "chrg_bchno": "B2", "feedetail": [line("1", 1)]}}).infcode == p.Conflict.infcode


def test_an_inpatient_settlement_is_refused_by_2207_and_2208(client: Client) -> None:
    from central_helpers import item, make_request

    request = make_request("DEMO990100000005", "ZY-OP-1")
    refused = refusal(client, codes.OUTPATIENT_SETTLEMENT, {"data": item("70001", request)})
    assert refused.infcode == p.BadInput.infcode and "2304" in refused.err_msg
    settled = client.call(p.SETTLEMENT, {"data": item("70002", request)})
    inpatient = {"data": {"setl_id": settled["setl_id"]}}
    assert refusal(client, codes.OUTPATIENT_REVERSAL, inpatient).infcode == p.BadInput.infcode


def test_chronic_visit_needs_the_filing_for_its_disease(client: Client) -> None:
    psn = "DEMO990100000003"
    # no 备案 yet: 2201 of a 14 visit for I10 is refused
    refused = refusal(client, codes.OUTPATIENT_REGISTER, {"data": {
        "psn_no": psn, "med_type": "14", "dise_codg": "I10", "begntime": "2026-03-10", "hosp_lv": 2,
        "ipt_otp_no": "MZ0002"}})
    assert refused.infcode == p.BadInput.infcode and "2503" in refused.err_msg
    # a disease that is not on the pack's list cannot be filed
    assert refusal(client, codes.CHRONIC_FILING, {"data": {"psn_no": psn, "opsp_dise_code": "X99",
                                                           "begndate": "2026-01-01"}}).infcode == p.BadInput.infcode
    filed = client.call(codes.CHRONIC_FILING, {"data": {"psn_no": psn, "opsp_dise_code": "I10",
                                                        "begndate": "2026-01-01"}})["result"]
    assert filed["opsp_dise_name"] == "高血压" and filed["state"] == "active"
    sn = filed["trt_dcla_detl_sn"]
    again = client.call(codes.CHRONIC_FILING, {"data": {"psn_no": psn, "opsp_dise_code": "I10",
                                                        "begndate": "2026-01-01"}})["result"]
    assert again["trt_dcla_detl_sn"] == sn  # the same filing, not a second one
    listed = client.call(codes.CHRONIC_FILING_QUERY, {"data": {"psn_no": psn}})["feedetail"]
    assert [f["opsp_dise_code"] for f in listed] == ["I10"]
    mdtrt_id = register(client, psn, "14", dise_codg="I10")
    client.call(codes.OUTPATIENT_VISIT_INFO, {
        "data": {"mdtrtinfo": {"mdtrt_id": mdtrt_id, "psn_no": psn, "med_type": "14", "dise_codg": "I10",
                               "dise_name": "高血压"},
                 "diseinfo": [{"diag_type": "1", "diag_srt_no": "1", "diag_code": "I10.x00", "diag_name": "高血压"}]}})
    client.call(codes.OUTPATIENT_FEE_UPLOAD, {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": "C1",
                                                       "feedetail": [line("1", 20)]}})
    # 2504 revokes the filing: the visit can no longer be settled as 门诊慢特病
    client.call(codes.CHRONIC_FILING_CANCEL, {"data": {"psn_no": psn, "trt_dcla_detl_sn": sn, "memo": "误备案"}})
    assert refusal(client, codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id}}).infcode == p.BadInput.infcode
    refiled = client.call(codes.CHRONIC_FILING, {"data": {"psn_no": psn, "opsp_dise_code": "I10",
                                                          "begndate": "2026-01-01"}})["result"]
    assert refiled["trt_dcla_detl_sn"] != sn
    done = client.call(codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn}})
    assert done["final"]["setlinfo"]["hifp_pay"] == "91.00"
    ytd = client.ytd(psn)
    assert ytd["mtb_pay_i10"] == "91.00" and ytd["act_pay_dedc"] == "200.00"


def test_a_desk_entry_of_a_chronic_visit_without_filing_is_refused_in_a_batch(client: Client) -> None:
    from central_helpers import item, make_request

    request = make_request("DEMO990100000004", "MZ-OFF-1", fees=[line("1", 20)])
    request["encounter"].update(med_type="14", dise_codg="E11", begntime="2026-03-10", endtime="2026-03-10")
    out = client.call(p.BATCH_UPLOAD, {"data": [{"kind": "settlement", **item("71001", request)}]})
    result = out["results"][0] if "results" in out else out["data"][0]
    assert result["status"] == "rejected" and "2503" in result["err_msg"]
    request["encounter"]["med_type"] = "11"
    request["encounter"].pop("dise_codg")
    ok = client.call(codes.OUTPATIENT_SETTLEMENT, {"data": item("71002", request)})
    assert ok["status"] == "accepted" and ok["mdtrt_id"] == "MZ-OFF-1"
    repeat = client.call(codes.OUTPATIENT_SETTLEMENT, {"data": item("71002", request)})
    assert repeat["repeat"] is True and repeat["setl_id"] == ok["setl_id"]
    rev = client.call(codes.OUTPATIENT_REVERSAL, {"data": {"local_id": "71003", "reverses_local_id": "71002"}})
    assert rev["setl_id"] == ok["setl_id"]


def test_docs_name_the_wire_fields() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    for name in ("ipt_otp_no", "atddr_no", "dr_name", "dept_code", "caty", "begntime", "chrg_bchno", "feedetail",
                 "mdtrtinfo", "diseinfo", "medfee_sumamt", "opsp_dise_code", "trt_dcla_detl_sn", "begndate"):
        assert f"`{name}`" in doc, name


def test_2601_undoes_a_2207_whose_reply_was_lost(client: Client) -> None:
    psn = "DEMO990100000006"
    mdtrt_id = register(client, psn)
    client.call(codes.OUTPATIENT_FEE_UPLOAD, {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": "1",
                                                       "feedetail": [line("1", 12)]}})
    msgid, body = client.body(codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn}})
    settled = p.parse_response(client.post(body).content)  # the desk never saw this reply
    assert settled.infcode == 0
    effect = client.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})
    assert effect["setl_id"] == settled.output["setl_id"]  # 5203 by msgid finds it
    undone = client.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": codes.OUTPATIENT_SETTLEMENT}})
    assert undone["result"] == "reversed" and undone["reversal"]["setl_id"] == settled.output["setl_id"]
    assert client.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": "2207"}})["result"] == "already_undone"
    # a desk that names the entry's inpatient family number (2304) is understood the same way
    assert client.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": "2304"}})["result"] == "already_undone"
    again = client.call(codes.OUTPATIENT_SETTLEMENT, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn}})
    assert again["setl_id"] != settled.output["setl_id"]  # the visit settled once more, exactly once in force
