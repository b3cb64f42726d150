"""An inpatient stay before its settlement: the admission and its fee lines.

    2401  入院办理             admission    registers (or repeats) an admission, names its mdtrt_id
    2301  住院费用明细上传     fee_upload   stores fee lines and answers each line's classification

Neither moves accumulators; the settlement itself (2303, 2304, ...) is in settlement.py.
"""

from __future__ import annotations

from typing import Any

from ..protocol import BadInput, Conflict, NotFound
from ..rules import RequestError, RulesError, parse_request, settle
from . import adjudication as adj
from .context import Central, Context
from .fields import day_field, input_data, int_field, text_field


def admission(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    person = central.person(psn_no)
    record = {
        "psn_no": psn_no,
        "med_type": text_field(data, "med_type") or "21",
        "begntime": day_field(data, "begntime"),
        "hosp_lv": int_field(data, "hosp_lv", 0, low=1, high=3),
        "ipt_no": text_field(data, "ipt_no"),
        "insutype": text_field(data, "insutype") or str(person.data.get("insutype") or ""),
        "diagnoses": [str(x) for x in data.get("diagnoses") or []][:50],
    }
    mdtrt_id = text_field(data, "mdtrt_id") or f"M{ctx.now:%Y%m%d}{central.store.next_value('mdtrt_id'):010d}"
    existing = central.store.get_admission(ctx.site, mdtrt_id)
    if existing is None:
        central.store.put_admission(ctx.site, mdtrt_id, psn_no, record, ctx.received)
    elif {k: existing.get(k) for k in record} != record:  # (a discharge, 2402, adds to it)
        raise Conflict(f"就诊 {mdtrt_id} 已按不同的内容办理入院")
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "ipt_otp_no": record["ipt_no"]}}


def fee_upload(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    mdtrt_id = text_field(data, "mdtrt_id", required=True)
    admitted = central.store.get_admission(ctx.site, mdtrt_id)
    if admitted is None:
        raise NotFound(f"就诊 {mdtrt_id} 未办理入院（2401）")
    psn_no = text_field(data, "psn_no") or admitted["psn_no"]
    if psn_no != admitted["psn_no"]:
        raise BadInput(f"psn_no {psn_no} 与就诊 {mdtrt_id} 的参保人不符")
    fees = data.get("fees")
    if not isinstance(fees, list) or not fees:
        raise BadInput("fees 应为非空的费用明细列表")
    person = central.person(psn_no)
    request = {
        "person": adj.request_person(person),
        "encounter": {"mdtrt_id": mdtrt_id, "med_type": admitted["med_type"], "fixmedins_code": ctx.site,
                      "hosp_lv": admitted["hosp_lv"], "begntime": admitted["begntime"],
                      "endtime": admitted["begntime"]},
        "fees": fees,
    }
    try:
        req = parse_request(request)
    except RequestError as exc:
        raise BadInput(str(exc)) from None
    pack = central.pack_for(person, req.encounter.endtime)
    try:
        result = settle(req, pack, central.loaded_catalog())
    except RulesError as exc:
        raise BadInput(str(exc)) from None
    central.store.put_fee_upload(ctx.site, mdtrt_id, fees, ctx.received)
    lines = {f["feedetl_sn"]: f for f in fees if isinstance(f, dict)}
    out = []
    for line in result.to_dict()["fees"]:
        sent = lines.get(line["feedetl_sn"], {})
        out.append({**line, "det_item_fee_sumamt": str(sent.get("det_item_fee_sumamt", "")),
                    "cnt": str(sent.get("cnt", "")), "pric": str(sent.get("pric", ""))})
    return {"result": out, "warnings": result.warnings}
