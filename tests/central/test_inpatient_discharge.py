"""Around discharge at the real central server: 2402 出院办理, 2403 信息变更, 2404 入院撤销,
2405 出院撤销, 2302 明细撤销, and a stay settled in periods (中途结算) continuing through 2304.

On each central store (the ``central`` fixture: a server process on 127.0.0.1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from central_helpers import HAND_FEES, ROOT, SITE_A, SITE_B, Client, Server, item, make_request

from hospital_client import protocol as p
from hospital_client.protocol import codes
from hospital_client.rules import SETLINFO_KEYS


@pytest.fixture()
def server(central: Server) -> Server:
    return central


@pytest.fixture()
def site(server: Server) -> Client:
    return server.client(SITE_A)


def _refused(client: Client, infno: str, input_: dict[str, Any]) -> p.ResponseEnvelope:
    envelope = p.parse_response(client.send(infno, input_).content)
    assert envelope.infcode != 0
    return envelope


def _admit(site: Client, psn_no: str, mdtrt_id: str) -> None:
    site.call(p.ADMISSION, {"data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "begntime": "2026-03-01", "hosp_lv": 2,
                                     "ipt_no": "ZY" + mdtrt_id[-4:], "diagnoses": ["E11.900"]}})
    site.call(p.FEE_UPLOAD, {"data": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "fees": HAND_FEES}})


def _discharge(mdtrt_id: str, psn_no: str, endtime: str = "2026-03-10", way: str = "1") -> dict[str, Any]:
    return {"dscginfo": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "insutype": "310", "endtime": f"{endtime} 09:00:00",
                         "dscg_way": way, "dscg_dept_codg": "A03"},
            "diseinfo": [{"diag_type": "1", "diag_srt_no": "1", "diag_code": "E11.900", "diag_name": "2型糖尿病",
                          "maindiag_flag": "1"}]}


def test_discharge_change_and_cancellations_follow_the_stay(site: Client, server: Server) -> None:
    psn, stay = "DEMO990100000041", "MDT-IPT-0001"
    _admit(site, psn, stay)
    _msgid, body = site.body(codes.DISCHARGE, _discharge(stay, psn))
    first = p.parse_response(site.post(body).content)
    assert first.infcode == 0 and first.output["result"]["status"] == "discharged"
    assert first.output["result"]["endtime"] == "2026-03-10"
    assert p.parse_response(site.post(body).content).output == first.output  # the same msgid: the stored answer
    assert site.call(codes.DISCHARGE, _discharge(stay, psn)) == first.output  # the same content again: the same
    other = _refused(site, codes.DISCHARGE, _discharge(stay, psn, endtime="2026-03-11"))
    assert other.infcode == p.Conflict.infcode and "2405" in other.err_msg
    assert _refused(site, codes.DISCHARGE, _discharge(stay, psn, way="7")).infcode == p.BadInput.infcode
    early = _refused(site, codes.DISCHARGE, _discharge(stay, psn, endtime="2026-02-27"))
    assert "早于入院日期" in early.err_msg
    assert _refused(site, codes.DISCHARGE, _discharge("MDT-NONE", psn)).infcode == p.NotFound.infcode
    assert _refused(server.client(SITE_B), codes.DISCHARGE, _discharge(stay, psn)).infcode == p.NotFound.infcode

    changed = site.call(codes.ADMISSION_CHANGE, {
        "adminfo": {"mdtrt_id": stay, "psn_no": psn, "begntime": "2026-03-02", "endtime": "2026-03-09",
                    "adm_dept_codg": "A04", "adm_bed": "12"},
        "diseinfo": [{"diag_code": "E11.901", "maindiag_flag": "1"}, {"diag_code": "I10.x00"}]})["result"]
    assert (changed["begntime"], changed["endtime"], changed["diagnoses"]) == ("2026-03-02", "2026-03-09",
                                                                               ["E11.901", "I10.x00"])
    assert {"begntime", "discharge", "adm_dept_codg", "adm_bed", "diagnoses"} <= set(changed["changed"])
    backwards = _refused(site, codes.ADMISSION_CHANGE, {"adminfo": {"mdtrt_id": stay, "endtime": "2026-03-01"}})
    assert backwards.infcode == p.BadInput.infcode

    settled = site.call(p.SETTLEMENT, {"data": item("ipt-1", make_request(psn, stay))})
    setl_id = settled["setl_id"]
    for infno, input_ in ((codes.ADMISSION_CHANGE, {"adminfo": {"mdtrt_id": stay, "adm_bed": "14"}}),
                          (codes.ADMISSION_CANCEL, {"data": {"mdtrt_id": stay, "psn_no": psn}}),
                          (codes.DISCHARGE_CANCEL, {"data": {"mdtrt_id": stay, "psn_no": psn}}),
                          (codes.FEE_WITHDRAW, {"data": {"mdtrt_id": stay, "psn_no": psn, "feedetl_sn": "1"}})):
        refusal = _refused(site, infno, input_)
        assert refusal.infcode == p.Conflict.infcode and setl_id in refusal.err_msg, (infno, refusal.err_msg)
    # "0000" withdraws what no settlement covers: nothing here
    assert site.call(codes.FEE_WITHDRAW, {"data": {"mdtrt_id": stay, "feedetl_sn": "0000"}})["result"][
        "withdrawn"] == []

    site.call(p.REVERSAL, {"data": {"local_id": "ipt-1r", "setl_id": setl_id}})
    reopened = site.call(codes.DISCHARGE_CANCEL, {"data": {"mdtrt_id": stay, "psn_no": psn}})["result"]
    assert reopened["status"] == "admitted" and reopened["endtime"] is None
    assert _refused(site, codes.DISCHARGE_CANCEL, {"data": {"mdtrt_id": stay}}).infcode == p.Conflict.infcode
    gone = site.call(codes.FEE_WITHDRAW, {"data": {"mdtrt_id": stay, "psn_no": psn, "feedetl_sn": "2"}})["result"]
    assert (gone["withdrawn"], gone["remaining"]) == (["2"], 1)
    again = _refused(site, codes.FEE_WITHDRAW, {"data": {"mdtrt_id": stay, "feedetl_sn": "2"}})
    assert again.infcode == p.NotFound.infcode
    cancelled = site.call(codes.ADMISSION_CANCEL, {"data": {"mdtrt_id": stay, "psn_no": psn}})["result"]
    assert (cancelled["status"], cancelled["fee_lines_withdrawn"]) == ("cancelled", 1)
    assert _refused(site, codes.ADMISSION_CANCEL, {"data": {"mdtrt_id": stay}}).infcode == p.NotFound.infcode
    assert _refused(site, codes.DISCHARGE, _discharge(stay, psn)).infcode == p.NotFound.infcode


def _period_request(psn: str, stay: str, fees: list[dict[str, Any]], endtime: str, *, mid: bool = False,
                    before: dict[str, Any] | None = None) -> dict[str, Any]:
    request = make_request(psn, stay, fees=fees, endtime=endtime)
    request["encounter"]["mid_setl_flag"] = mid
    if before is not None:
        request["encounter"]["stay_before"] = before
    return request


def _amounts(final: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(final["setlinfo"][k]) for k in SETLINFO_KEYS}


def test_a_stay_settled_in_two_periods_comes_to_the_fen_of_the_stay_settled_at_once(site: Client) -> None:
    psn = "DEMO990100000043"
    before = site.ytd(psn)
    whole = site.call(p.SETTLEMENT, {"data": item("mid-w", make_request(psn, "MDT-MID-W"))})
    at_once, ytd_at_once = _amounts(whole["final"]), whole["final"]["year_to_date_after"]
    site.call(p.REVERSAL, {"data": {"local_id": "mid-wr", "setl_id": whole["setl_id"]}})
    assert site.ytd(psn) == before

    stay = "MDT-MID-1"
    first = site.call(p.SETTLEMENT, {"data": item("mid-1", _period_request(psn, stay, HAND_FEES[:1], "2026-03-05",
                                                                          mid=True))})
    after_first = first["final"]["stay_after"]
    assert (after_first["periods"], after_first["endtime"]) == (1, "2026-03-05")
    assert Decimal(after_first["act_pay_dedc"]) == at_once["act_pay_dedc"] > 0  # the whole deductible in period 1
    # a true double of the period is refused, naming the one in force
    double = _refused(site, p.SETTLEMENT, {"data": item("mid-1x", _period_request(psn, stay, HAND_FEES[:1],
                                                                                  "2026-03-05", mid=True))})
    assert double.infcode == p.EncounterAlreadySettled.infcode and first["setl_id"] in double.err_msg
    # the desk's stay_before figures are its own: the central system continues from its own stay_after
    desk_before = {**after_first, "hifp_pay": "1.00"}
    second = site.call(p.SETTLEMENT, {"data": item("mid-2", _period_request(psn, stay, HAND_FEES[1:], "2026-03-10",
                                                                           before=desk_before))})
    assert second["final"]["stay_after"]["periods"] == 2
    in_two = {k: _amounts(first["final"])[k] + _amounts(second["final"])[k] for k in SETLINFO_KEYS}
    assert in_two == at_once
    assert at_once["hifp_pay"] > 0 and _amounts(second["final"])["act_pay_dedc"] == 0
    assert second["final"]["year_to_date_after"] == ytd_at_once  # one admission, the same totals
    # period 2 sent again under another local id: the period it continues is no longer the one in force
    resend = _refused(site, p.SETTLEMENT, {"data": item("mid-2x", _period_request(psn, stay, HAND_FEES[1:],
                                                                                  "2026-03-10", before=after_first))})
    assert resend.infcode == p.EncounterAlreadySettled.infcode and second["setl_id"] in resend.err_msg
    # a stay_before with no mid-stay period to continue is refused, naming the field
    orphan = _refused(site, p.SETTLEMENT, {"data": item("mid-o", _period_request(psn, "MDT-MID-O", HAND_FEES[1:],
                                                                                 "2026-03-10", before=after_first))})
    assert orphan.infcode == p.BadInput.infcode and "stay_before" in orphan.err_msg

    # latest period first: period 1 cannot be reversed while period 2 is in force
    early = _refused(site, p.REVERSAL, {"data": {"local_id": "mid-1r", "setl_id": first["setl_id"]}})
    assert early.infcode == p.Conflict.infcode and second["setl_id"] in early.err_msg
    site.call(p.REVERSAL, {"data": {"local_id": "mid-2r", "setl_id": second["setl_id"]}})
    # period 1 is the stay's settlement in force again: a corrected period 2 continues it
    again_msgid, body = site.body(p.SETTLEMENT, {"data": item("mid-2b", _period_request(
        psn, stay, HAND_FEES[1:], "2026-03-10", before=after_first))})
    again = p.parse_response(site.post(body).content).output
    assert _amounts(again["final"]) == _amounts(second["final"])
    assert site.ytd(psn) == ytd_at_once
    # a pre-settlement of a further period continues the same way
    pre = site.call(p.PRE_SETTLEMENT, {"data": {"request": _period_request(
        psn, stay, [{**HAND_FEES[1], "feedetl_sn": "3"}], "2026-03-12", before=again["final"]["stay_after"])}})
    assert pre["result"]["stay_after"]["periods"] == 3
    # 2601 of the latest period (its reply lost) undoes it like a reversal: period 1 is in force again,
    # and may be reversed now; the accumulators come back to where they were
    assert site.call(p.CORRECTION, {"data": {"omsgid": again_msgid, "oinfno": p.SETTLEMENT}})["result"] == "reversed"
    site.call(p.REVERSAL, {"data": {"local_id": "mid-1r2", "setl_id": first["setl_id"]}})
    assert site.ytd(psn) == before


def test_docs_name_the_wire_fields_of_the_transactions_around_discharge() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    for infno in (codes.FEE_WITHDRAW, codes.DISCHARGE, codes.ADMISSION_CHANGE, codes.ADMISSION_CANCEL,
                  codes.DISCHARGE_CANCEL):
        assert f"### {infno} " in doc and f"| {infno} |" in doc, infno
    for name in ("dscginfo", "diseinfo", "adminfo", "endtime", "dscg_way", "dscg_maindiag_code", "dscg_dept_codg",
                 "dise_codg", "diag_code", "maindiag_flag", "adm_dept_codg", "adm_bed", "feedetl_sn", "withdrawn",
                 "kept_settled", "fee_lines_withdrawn", "changed", "mid_setl_flag", "stay_before", "stay_after"):
        assert f"`{name}`" in doc, name
