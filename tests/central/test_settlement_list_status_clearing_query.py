"""4101A (the newer settlement-list upload), 4102 (a list confirmed or withdrawn), 3205A (the
site's clearing applications and their state) and `central clearing approve`, against the real
central server process."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from central_helpers import ROOT, Client, Server, make_request, run_cli
from test_settlement_lists_clearing import _figures, a_list, refusal, settle

from hospital_client import protocol as p
from hospital_client.protocol import codes


def test_4101a_takes_the_funds_from_the_settlement_and_4102_confirms_and_withdraws(site_a: Client) -> None:
    settled = settle(site_a, "sl4-1", "DEMO990100000034", "MDT-SL4-1")
    full = a_list(settled)
    with_funds = refusal(site_a, codes.SETTLEMENT_LIST_UPLOAD_V2, full)
    assert with_funds.infcode == p.BadInput.infcode and "payinfo" in with_funds.err_msg
    v2 = {k: v for k, v in full.items() if k != "payinfo"}
    for key in ("medfee_sumamt", "psn_cashpay"):
        v2["setlinfo"].pop(key, None)
    out = site_a.call(codes.SETTLEMENT_LIST_UPLOAD_V2, v2)
    assert (out["stas"], out["version"], out["qc_items"]) == ("accepted", 1, [])
    assert out["payinfo"] == full["payinfo"]
    stored = site_a.call(codes.SETTLEMENT_LIST_QUERY, {"data": {"setl_id": settled["setl_id"]}})
    assert stored["payinfo"] == full["payinfo"]
    assert stored["setlinfo"]["medfee_sumamt"] == settled["final"]["setlinfo"]["medfee_sumamt"]

    setl_id, list_id = settled["setl_id"], out["setl_list_id"]
    confirmed = site_a.call(codes.SETTLEMENT_LIST_STATUS,
                            {"data": {"setl_id": setl_id, "setl_list_id": list_id, "stas_type": "1"}})
    assert (confirmed["stas"], confirmed["qc_stas"], confirmed["stas_type"]) == ("confirmed", "accepted", "1")
    row = site_a.call(codes.SETTLEMENT_LIST_QC, {"data": {"setl_ids": [setl_id]}})["data"][0]
    assert row["stas"] == "confirmed" and row["stas_chg_time"]
    # a confirmed list is not replaced by a new upload, nor confirmed twice
    again = refusal(site_a, codes.SETTLEMENT_LIST_UPLOAD, full)
    assert again.infcode == p.Conflict.infcode and "撤回" in again.err_msg
    assert refusal(site_a, codes.SETTLEMENT_LIST_STATUS,
                   {"data": {"setl_id": setl_id, "stas_type": "1"}}).infcode == p.Conflict.infcode
    withdrawn = site_a.call(codes.SETTLEMENT_LIST_STATUS, {"data": {"setl_id": setl_id, "stas_type": "2"}})
    assert withdrawn["stas"] == "withdrawn"
    assert site_a.call(codes.SETTLEMENT_LIST_QC, {"data": {"setl_ids": [setl_id]}})["data"][0]["stas"] == "withdrawn"
    # a new upload starts afresh: its own QC result, the old withdrawal no longer counts
    fresh = site_a.call(codes.SETTLEMENT_LIST_UPLOAD, full)
    assert (fresh["stas"], fresh["version"]) == ("accepted", 2)
    stale = refusal(site_a, codes.SETTLEMENT_LIST_STATUS,
                    {"data": {"setl_id": setl_id, "setl_list_id": list_id, "stas_type": "2"}})
    assert stale.infcode == p.Conflict.infcode and fresh["setl_list_id"] in stale.err_msg


def test_4102_refuses_what_cannot_change(site_a: Client, site_b: Client) -> None:
    settled = settle(site_a, "sl4-2", "DEMO990100000035", "MDT-SL4-2")
    setl_id = settled["setl_id"]
    assert refusal(site_a, codes.SETTLEMENT_LIST_STATUS,
                   {"data": {"setl_id": setl_id, "stas_type": "1"}}).infcode == p.NotFound.infcode
    bad = a_list(settled, dscg_way="")
    assert site_a.call(codes.SETTLEMENT_LIST_UPLOAD, bad)["stas"] == "rejected"
    rejected = refusal(site_a, codes.SETTLEMENT_LIST_STATUS, {"data": {"setl_id": setl_id, "stas_type": "1"}})
    assert rejected.infcode == p.Conflict.infcode and "质控" in rejected.err_msg
    assert refusal(site_a, codes.SETTLEMENT_LIST_STATUS,
                   {"data": {"setl_id": setl_id, "stas_type": "9"}}).infcode == p.BadInput.infcode
    assert refusal(site_b, codes.SETTLEMENT_LIST_STATUS,
                   {"data": {"setl_id": setl_id, "stas_type": "2"}}).infcode == p.NotFound.infcode


def test_3205a_lists_the_months_applications_with_their_state(central: Server, site_a: Client,
                                                                site_b: Client) -> None:
    settled = [settle(site_b, f"cq-{i}", psn, f"MDT-CQ-{i}")
               for i, psn in enumerate(("DEMO990100000043", "DEMO990100000044"))]
    insutype = make_request(settled[0]["psn_no"], "x")["person"]["insutype"]
    assert make_request(settled[1]["psn_no"], "x")["person"]["insutype"] == insutype
    assert site_b.call(codes.CLEARING_STATUS_QUERY, {"data": {"clr_ym": "202603"}})["data"] == []
    figures = _figures(settled)
    data = {"setlym": "202603", "clr_type": "21", "clr_way": "1", "insutype": insutype, "psntime": 2, **figures}
    first = site_b.call(codes.CLEARING_APPLY, {"data": data})["clr_appy_evt_id"]
    site_b.call(codes.CLEARING_WITHDRAW, {"data": {"clr_appy_evt_id": first}})
    second = site_b.call(codes.CLEARING_APPLY, {"data": data})["clr_appy_evt_id"]
    listed = site_b.call(codes.CLEARING_STATUS_QUERY, {"data": {"begn_ym": "202601", "end_ym": "202606"}})
    assert (listed["begn_ym"], listed["end_ym"]) == ("202601", "202606")
    rows = listed["data"]
    assert [(r["clr_appy_evt_id"], r["clr_stas"]) for r in rows] == [(first, "withdrawn"), (second, "applied")]
    assert rows[1]["fund_appy_sum"] == figures["fund_appy_sum"] and rows[1]["clr_ym"] == "202603"
    assert Decimal(rows[1]["medfee_sumamt"]) == Decimal(figures["medfee_sumamt"]) and rows[1]["opt_time"]
    code, out = run_cli("clearing", "approve", second, "--db", str(central.db), "--operator", "审核员甲", "--json")
    assert code == 0 and json.loads(out)["clr_stas"] == "approved"
    assert run_cli("clearing", "approve", second, "--db", str(central.db))[0] == 2
    assert run_cli("clearing", "approve", first, "--db", str(central.db))[0] == 2  # withdrawn
    rows = site_b.call(codes.CLEARING_STATUS_QUERY, {"data": {"clr_ym": "202603", "clr_stas": "approved"}})["data"]
    assert [(r["clr_appy_evt_id"], r["opter_name"], bool(r["approved_at"])) for r in rows] == [
        (second, "审核员甲", True)]
    refused = refusal(site_b, codes.CLEARING_WITHDRAW, {"data": {"clr_appy_evt_id": second}})
    assert refused.infcode == p.Conflict.infcode and "审核通过" in refused.err_msg
    # another site sees none of them
    assert site_a.call(codes.CLEARING_STATUS_QUERY, {"data": {"clr_ym": "202603"}})["data"] == []
    assert refusal(site_b, codes.CLEARING_STATUS_QUERY, {"data": {"begn_ym": "202613"}}).infcode == p.BadInput.infcode
    assert refusal(site_b, codes.CLEARING_STATUS_QUERY,
                   {"data": {"begn_ym": "202001", "end_ym": "202612"}}).infcode == p.BadInput.infcode


def test_the_new_wire_fields_are_in_the_protocol_doc() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    for infno in ("4101A", "4102", "3205A"):
        assert re.search(rf"^### {infno} ", doc, flags=re.M), infno
    assert 'settlement_list_upload = "4101A"' in doc
    fields = ("stas_type", "qc_stas", "stas_chg_time", "clr_ym", "clr_stas", "opt_time",
              "opter_name", "approved_at", "begn_ym", "end_ym")
    missing = [f for f in fields if f"`{f}`" not in doc]
    assert not missing, missing
