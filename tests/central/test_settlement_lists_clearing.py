"""4101/4103/4104 settlement lists with the central quality control, and 3203/3204 monthly clearing,
against the real central server process."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from central_helpers import ROOT, Client, item, make_request

from hospital_client import protocol as p
from hospital_client.protocol import codes


def settle(client: Client, local_id: str, psn_no: str, mdtrt_id: str) -> dict[str, Any]:
    request = make_request(psn_no, mdtrt_id, site=client.site)
    return dict(client.call(p.SETTLEMENT, {"data": item(local_id, request)}))


def a_list(settled: dict[str, Any], **setlinfo: Any) -> dict[str, Any]:
    setl = settled["final"]["setlinfo"]
    return {
        "setlinfo": {"setl_id": settled["setl_id"], "psn_no": settled["psn_no"], "mdtrt_id": settled["mdtrt_id"],
                     "medcasno": "ZY1", "psn_name": "测试", "gend": "1", "brdy": "1960-01-01", "insutype": "310",
                     "ipt_med_type": "1", "adm_time": "2026-03-01", "dscg_time": "2026-03-10",
                     "act_ipt_days": "9", "dscg_caty": "内科", "dscg_way": "1", "chfpdr_name": "王医生", **setlinfo},
        "payinfo": [{"fund_pay_type": d["fund_pay_type"], "fund_payamt": d["fund_payamt"]}
                    for d in settled["final"]["setldetail"]],
        "diseinfo": [{"diag_type": "1", "diag_code": "E11.900", "diag_name": "2型糖尿病", "maindiag_flag": "1"}],
        "oprninfo": [],
        "iteminfo": [{"med_chrgitm_type": "09", "amt": setl["medfee_sumamt"], "claa_sumfee": setl["medfee_sumamt"],
                      "clab_amt": "0.00", "fulamt_ownpay_amt": "0.00", "oth_amt": "0.00"}],
    }


def refusal(client: Client, infno: str, input_: dict[str, Any]) -> p.ResponseEnvelope:
    envelope = p.parse_response(client.send(infno, input_).content)
    assert envelope.infcode != 0
    return envelope


def test_a_complete_list_passes_quality_control_and_is_queryable(site_a: Client) -> None:
    settled = settle(site_a, "sl-1", "DEMO990100000031", "MDT-SL-1")
    out = site_a.call(codes.SETTLEMENT_LIST_UPLOAD, a_list(settled))
    assert (out["stas"], out["qc_rslt"], out["qc_items"], out["version"]) == ("accepted", "0", [], 1)
    assert out["setl_list_id"].startswith("L")
    got = site_a.call(codes.SETTLEMENT_LIST_QUERY, {"data": {"setl_id": settled["setl_id"]}})
    assert got["stas"] == "accepted" and got["diseinfo"][0]["diag_code"] == "E11.900"
    assert got["setlinfo"]["setl_id"] == settled["setl_id"]


def test_quality_control_names_each_failed_check_and_a_corrected_list_replaces_it(site_a: Client) -> None:
    settled = settle(site_a, "sl-2", "DEMO990100000032", "MDT-SL-2")
    bad = a_list(settled, dscg_time="2026-02-20", act_ipt_days="9")
    bad["diseinfo"] = [{"diag_type": "1", "diag_code": "W19.X00", "diag_name": "跌倒", "maindiag_flag": "1"},
                       {"diag_type": "1", "diag_code": "肺炎", "diag_name": "肺炎", "maindiag_flag": "0"}]
    bad["iteminfo"][0]["amt"] = bad["iteminfo"][0]["claa_sumfee"] = "100.00"
    out = site_a.call(codes.SETTLEMENT_LIST_UPLOAD, bad)
    assert out["stas"] == "rejected" and out["qc_rslt"] == "1"
    codes_found = {x["code"] for x in out["qc_items"]}
    # external cause as main diagnosis, not an ICD-10 code, discharge before admission, the fees
    # not the settlement's total, the discharge not the settlement's
    assert {"QC03", "QC04", "QC05", "QC12", "QC13"} <= codes_found, out["qc_items"]
    assert any("不能作为主要诊断" in x["msg"] for x in out["qc_items"])
    no_main = a_list(settled)
    no_main["diseinfo"][0]["maindiag_flag"] = "0"
    out = site_a.call(codes.SETTLEMENT_LIST_UPLOAD, no_main)
    assert [x["code"] for x in out["qc_items"]] == ["QC02"] and "主要诊断缺失" in out["qc_items"][0]["msg"]
    fixed = site_a.call(codes.SETTLEMENT_LIST_UPLOAD, a_list(settled))
    assert (fixed["stas"], fixed["version"]) == ("accepted", 3)
    status = site_a.call(codes.SETTLEMENT_LIST_QC, {"data": {"setl_ids": [settled["setl_id"], "C-NOPE"]}})
    assert [(x["setl_id"], x["stas"]) for x in status["data"]] == [(settled["setl_id"], "accepted"),
                                                                  ("C-NOPE", "not_found")]


def test_lists_of_other_sites_or_reversed_settlements_are_refused(site_a: Client, site_b: Client) -> None:
    settled = settle(site_a, "sl-3", "DEMO990100000033", "MDT-SL-3")
    assert refusal(site_b, codes.SETTLEMENT_LIST_UPLOAD, a_list(settled)).infcode == p.NotFound.infcode
    assert site_b.call(codes.SETTLEMENT_LIST_QC, {"data": {"setl_ids": [settled["setl_id"]]}})["data"][0][
        "stas"] == "not_found"
    missing = site_a.call(codes.SETTLEMENT_LIST_QC, {"data": {"setl_ids": [settled["setl_id"]]}})
    assert missing["data"][0]["stas"] == "missing"
    site_a.call(p.REVERSAL, {"data": {"local_id": "sl-3-r", "setl_id": settled["setl_id"]}})
    envelope = refusal(site_a, codes.SETTLEMENT_LIST_UPLOAD, a_list(settled))
    assert envelope.infcode == p.Conflict.infcode and "已撤销" in envelope.err_msg
    assert refusal(site_a, codes.SETTLEMENT_LIST_UPLOAD, {"setlinfo": {}}).infcode == p.BadInput.infcode


def _figures(settled: list[dict[str, Any]]) -> dict[str, Any]:
    total = {k: Decimal(0) for k in ("medfee_sumamt", "med_sumfee", "fund_appy_sum", "cash_payamt", "acct_pay")}
    for s in settled:
        setl = {k: Decimal(v) for k, v in s["final"]["setlinfo"].items() if isinstance(v, str)}
        total["medfee_sumamt"] += setl["medfee_sumamt"]
        total["med_sumfee"] += setl["medfee_sumamt"] - setl["fulamt_ownpay_amt"] - setl["overlmt_selfpay"]
        total["fund_appy_sum"] += setl["fund_pay_sumamt"]
        total["cash_payamt"] += setl["psn_cash_pay"]
        total["acct_pay"] += setl["acct_pay"]
    return {k: f"{v:.2f}" for k, v in total.items()}


def test_clearing_is_accepted_when_the_figures_match_and_can_be_withdrawn(site_b: Client) -> None:
    # Two persons of one insurance type, settled at site B in March 2026 (setl_time of item()).
    settled = [settle(site_b, f"clr-{i}", psn, f"MDT-CLR-{i}")
               for i, psn in enumerate(("DEMO990100000041", "DEMO990100000042"))]
    kinds = {make_request(s["psn_no"], "x")["person"]["insutype"] for s in settled}
    assert len(kinds) == 1
    insutype = kinds.pop()
    data = {"setlym": "202603", "clr_type": "21", "clr_way": "1", "insutype": insutype, "psntime": 2,
            "begndate": "2026-03-01", "enddate": "2026-03-31", **_figures(settled)}
    wrong = refusal(site_b, codes.CLEARING_APPLY, {"data": {**data, "psntime": 3}})
    assert wrong.infcode == p.Conflict.infcode and "对账不平" in wrong.err_msg and "psntime" in wrong.err_msg
    off = {**data, "fund_appy_sum": f"{Decimal(data['fund_appy_sum']) + Decimal('0.01'):.2f}"}
    wrong = refusal(site_b, codes.CLEARING_APPLY, {"data": off})
    assert "fund_appy_sum" in wrong.err_msg and "相差 0.01" in wrong.err_msg
    out = site_b.call(codes.CLEARING_APPLY, {"data": data})
    assert out["stas"] == "applied" and out["clr_appy_evt_id"].startswith("CLR") and out["psntime"] == 2
    assert sum(Decimal(f["fund_payamt"]) for f in out["funds"]) == Decimal(data["fund_appy_sum"])
    again = refusal(site_b, codes.CLEARING_APPLY, {"data": data})
    assert again.infcode == p.Conflict.infcode and out["clr_appy_evt_id"] in again.err_msg
    withdrawn = site_b.call(codes.CLEARING_WITHDRAW, {"data": {"clr_appy_evt_id": out["clr_appy_evt_id"]}})
    assert withdrawn["stas"] == "withdrawn" and withdrawn["withdrawn_at"]
    twice = refusal(site_b, codes.CLEARING_WITHDRAW, {"data": {"clr_appy_evt_id": out["clr_appy_evt_id"]}})
    assert twice.infcode == p.Conflict.infcode
    assert site_b.call(codes.CLEARING_APPLY, {"data": data})["clr_appy_evt_id"] != out["clr_appy_evt_id"]
    # A reversal in the month changes the figures: the old ones no longer match.
    site_b.call(p.REVERSAL, {"data": {"local_id": "clr-0-r", "setl_id": settled[0]["setl_id"]}})
    assert refusal(site_b, codes.CLEARING_APPLY, {"data": {**data, "clr_type": "21"}}).infcode == p.Conflict.infcode


def test_every_new_wire_field_is_in_the_protocol_doc() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    for infno in ("3203", "3204", "4101", "4103", "4104"):
        assert re.search(rf"^### {infno} ", doc, flags=re.M), infno
    fields = ("setl_list_id", "qc_rslt", "qc_items", "stas", "setl_ids", "diseinfo", "maindiag_flag", "diag_type",
              "diag_code", "diag_name", "oprninfo", "oprn_oprt_code", "oprn_oprt_name", "oprn_oprt_date",
              "main_oprn_flag", "iteminfo", "med_chrgitm_type", "claa_sumfee", "clab_amt", "oth_amt", "payinfo",
              "ipt_med_type", "adm_time", "dscg_time", "dscg_way", "act_ipt_days", "chfpdr_name", "medcasno",
              "clr_appy_evt_id", "clr_type", "clr_way", "setlym", "med_sumfee", "fund_appy_sum", "cash_payamt",
              "psntime", "withdrawn_at", "applied_at")
    missing = [f for f in fields if f"`{f}`" not in doc]
    assert not missing, missing

