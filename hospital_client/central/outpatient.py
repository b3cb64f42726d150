"""Outpatient visits at the window: 普通门诊 (med_type 11) and 门诊慢特病 (14), and the 备案 of a
person's chronic disease.

    2201  门诊挂号               register          a visit, names its mdtrt_id
    2202  门诊挂号撤销           register_cancel   the visit withdrawn (refused once settled)
    2203  门诊就诊信息上传       visit_info        med_type, the disease (dise_codg), diagnoses (diseinfo)
    2204  门诊费用明细信息上传   fee_upload        a batch of fee lines (chrg_bchno), classified
    2205  门诊费用明细信息撤销   fee_cancel        a batch (or every line) taken back (refused once settled)
    2206  门诊预结算             pre_settlement    the figures from the visit and its lines; nothing stored
    2207  门诊结算               settlement        adjudicated and stored, once per visit (settlement.settle_item)
    2208  门诊结算撤销           reversal          the settlement reversed (settlement.reverse_item)
    2503  人员慢特病备案         file_disease      a person's filing for one disease, from a day (to a day)
    2504  人员慢特病备案撤销     revoke_filing     the filing revoked
    5301  人员慢特病备案查询     filings_query     the person's filings

A settlement goes through the same code as 2304: a local_id is bound once to its request (a
resend answers the stored record), a visit (psn_no, mdtrt_id) has at most one settlement in force
(3003 names it), and a 门诊慢特病 visit needs the person's filing for its disease (filings.py).
2207 takes either the chain's form (the visit's mdtrt_id: the request is built from 2201, 2203
and 2204) or a desk's journal entry (``request`` as settled, as a 9511 item); docs/protocol.md.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from ..protocol import BadInput, Conflict, NotFound
from ..rules import RulesError, parse_request, settle
from . import adjudication as adj
from . import filings
from .context import Central, Context
from .fields import day_field, input_data, int_field, text_field
from .settlement import compute, reverse_item, settle_item

OUTPATIENT_MED_TYPES = ("11", "14")
_VISIT_FIELDS = ("ipt_otp_no", "atddr_no", "dr_name", "dept_code", "dept_name", "caty", "mdtrt_cert_type",
                 "mdtrt_cert_no")
_FILING_FIELDS = ("opsp_dise_name", "insutype", "hosp_appy_opnn", "atddr_no", "dr_name", "memo")


# --- the visit -----------------------------------------------------------------------------


def _med_type(data: dict[str, Any], default: str) -> str:
    med_type = text_field(data, "med_type") or default
    if med_type not in OUTPATIENT_MED_TYPES:
        raise BadInput(f"med_type {med_type} 不是门诊医疗类别（11 普通门诊、14 门诊慢特病）")
    return med_type


def _visit(central: Central, ctx: Context, data: dict[str, Any], *,
           open_only: bool = True) -> tuple[str, dict[str, Any]]:
    """The visit named by ``mdtrt_id`` (and ``psn_no`` when given); refused when withdrawn or, with
    ``open_only``, when it has a settlement in force."""
    mdtrt_id = text_field(data, "mdtrt_id", required=True)
    visit = central.store.get_visit(ctx.site, mdtrt_id)
    if visit is None:
        raise NotFound(f"本机构没有门诊就诊 {mdtrt_id}（须先办理门诊挂号 2201）")
    psn_no = text_field(data, "psn_no")
    if psn_no and psn_no != visit["psn_no"]:
        raise BadInput(f"psn_no {psn_no} 与门诊就诊 {mdtrt_id} 的参保人不符")
    if visit.get("state") == "cancelled":
        raise Conflict(f"门诊就诊 {mdtrt_id} 已于 {visit.get('cancelled_at')} 撤销挂号（2202）")
    if open_only:
        in_force = central.store.encounter_in_force(visit["psn_no"], mdtrt_id)
        if in_force is not None:
            raise Conflict(f"门诊就诊 {mdtrt_id} 已结算（{in_force.setl_id}）；如需修改，须先撤销结算（2208）")
    return mdtrt_id, visit


def _check_disease(central: Central, visit: dict[str, Any], where: str = "") -> None:
    if visit["med_type"] != filings.CHRONIC:
        return
    dise_codg = str(visit.get("dise_codg") or "")
    if not dise_codg:
        return  # named later by 2203; 2206/2207 refuse a 门诊慢特病 visit without it
    day = str(visit["begntime"])[:10]
    if filings.active_filing(central, visit["psn_no"], dise_codg, day, day) is None:
        raise BadInput(f"{where}参保人员 {visit['psn_no']} 没有病种 {dise_codg} 的门诊慢特病备案（2503）")


def register(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    person = central.person(psn_no)
    visit: dict[str, Any] = {
        "psn_no": psn_no,
        "med_type": _med_type(data, "11"),
        "begntime": day_field(data, "begntime"),
        "hosp_lv": int_field(data, "hosp_lv", 1, low=1, high=3),
        "insutype": text_field(data, "insutype") or str(person.data.get("insutype") or ""),
        "dise_codg": text_field(data, "dise_codg"),
        "state": "registered", "registered_at": ctx.received, "fees": {},
    }
    visit.update({k: text_field(data, k) for k in _VISIT_FIELDS})
    if not visit["ipt_otp_no"]:
        raise BadInput("ipt_otp_no 缺失：门诊号")
    _check_disease(central, visit)
    mdtrt_id = f"O{ctx.now:%Y%m%d}{central.store.next_value('mdtrt_id'):010d}"
    central.store.put_visit(ctx.site, mdtrt_id, psn_no, visit, ctx.received)
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "ipt_otp_no": visit["ipt_otp_no"]}}


def register_cancel(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    mdtrt_id, visit = _visit(central, ctx, data)
    visit.update(state="cancelled", cancelled_at=ctx.received)
    central.store.put_visit(ctx.site, mdtrt_id, visit["psn_no"], visit, ctx.received)
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": visit["psn_no"], "cancelled_at": ctx.received}}


def visit_info(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    info = data.get("mdtrtinfo", data)
    if not isinstance(info, dict):
        raise BadInput("mdtrtinfo 应为对象")
    mdtrt_id, visit = _visit(central, ctx, info)
    visit["med_type"] = _med_type(info, visit["med_type"])
    visit["dise_codg"] = text_field(info, "dise_codg") or visit.get("dise_codg") or ""
    visit["dise_name"] = text_field(info, "dise_name") or visit.get("dise_name") or ""
    visit["main_cond_dscr"] = text_field(info, "main_cond_dscr", max_len=500) or visit.get("main_cond_dscr") or ""
    diseinfo = data.get("diseinfo")
    if diseinfo is not None:
        if not isinstance(diseinfo, list) or not all(isinstance(d, dict) for d in diseinfo):
            raise BadInput("diseinfo 应为诊断列表")
        visit["diseinfo"] = [{k: str(v) for k, v in d.items()
                              if k in ("diag_type", "diag_srt_no", "diag_code", "diag_name", "diag_dept",
                                       "dise_dor_no", "dise_dor_name", "diag_time", "vali_flag")}
                             for d in diseinfo[:50]]
    if visit["med_type"] == filings.CHRONIC and not visit["dise_codg"]:
        raise BadInput("dise_codg 缺失：门诊慢特病（14）须给出备案的病种编码")
    _check_disease(central, visit)
    central.store.put_visit(ctx.site, mdtrt_id, visit["psn_no"], visit, ctx.received)
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": visit["psn_no"], "med_type": visit["med_type"],
                       "dise_codg": visit["dise_codg"]}}


def _request(central: Central, ctx: Context, mdtrt_id: str, visit: dict[str, Any]) -> dict[str, Any]:
    """The settlement request of a visit (DESIGN 4.1) from what 2201, 2203 and 2204 stored."""
    fees = [{k: v for k, v in line.items() if k != "chrg_bchno"}
            for _sn, line in sorted(visit["fees"].items(), key=lambda kv: (len(kv[0]), kv[0]))]
    encounter: dict[str, Any] = {
        "mdtrt_id": mdtrt_id, "med_type": visit["med_type"], "fixmedins_code": ctx.site,
        "hosp_lv": visit["hosp_lv"], "begntime": visit["begntime"], "endtime": visit["begntime"],
    }
    if visit.get("dise_codg"):
        encounter["dise_codg"] = visit["dise_codg"]
    return {"person": adj.request_person(central.person(visit["psn_no"])), "encounter": encounter, "fees": fees}


def fee_upload(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    mdtrt_id, visit = _visit(central, ctx, data)
    chrg_bchno = text_field(data, "chrg_bchno", required=True)
    lines = data.get("feedetail")
    if not isinstance(lines, list) or not lines or not all(isinstance(f, dict) for f in lines):
        raise BadInput("feedetail 应为非空的费用明细列表")
    fees = [{k: v for k, v in f.items() if k not in ("mdtrt_id", "psn_no", "chrg_bchno", "med_type")} for f in lines]
    probe = {**visit, "fees": {str(f.get("feedetl_sn")): f for f in fees}}
    request = _request(central, ctx, mdtrt_id, probe)
    try:
        parsed = parse_request(request)
        person = central.person(visit["psn_no"])
        result = settle(parsed, central.pack_for(person, parsed.encounter.endtime), central.loaded_catalog())
    except RulesError as exc:
        raise BadInput(str(exc)) from None
    taken = {sn for sn, line in visit["fees"].items() if line.get("chrg_bchno") != chrg_bchno and sn in probe["fees"]}
    if taken:
        raise Conflict(f"费用明细流水号 {', '.join(sorted(taken))} 已在另一收费批次上传；须先撤销（2205）")
    for fee in fees:
        visit["fees"][str(fee["feedetl_sn"])] = {**fee, "chrg_bchno": chrg_bchno}
    central.store.put_visit(ctx.site, mdtrt_id, visit["psn_no"], visit, ctx.received)
    out = [{"feedetl_sn": line["feedetl_sn"], "chrg_bchno": chrg_bchno,
            **{k: line[k] for k in ("chrgitm_lv", "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt",
                                    "inscp_scp_amt")}}
           for line in result.to_dict()["fees"]]
    return {"result": out, "warnings": result.warnings}


def fee_cancel(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    mdtrt_id, visit = _visit(central, ctx, data)
    chrg_bchno = text_field(data, "chrg_bchno")
    gone = [sn for sn, line in visit["fees"].items() if not chrg_bchno or line.get("chrg_bchno") == chrg_bchno]
    for sn in gone:
        del visit["fees"][sn]
    central.store.put_visit(ctx.site, mdtrt_id, visit["psn_no"], visit, ctx.received)
    gone.sort(key=lambda sn: (len(sn), sn))
    return {"result": {"mdtrt_id": mdtrt_id, "chrg_bchno": chrg_bchno, "cancelled": gone,
                       "remaining": len(visit["fees"])}}


def _chain_request(central: Central, ctx: Context, data: dict[str, Any], *, where: str,
                   open_only: bool = True) -> tuple[str, dict[str, Any]]:
    """The request of a visit from the chain (2201, 2203, 2204) and its total checked; a settled
    visit is refused unless ``open_only`` is False (2207: settle_item answers the one in force)."""
    mdtrt_id, visit = _visit(central, ctx, data, open_only=open_only)
    if not visit["fees"]:
        raise BadInput(f"门诊就诊 {mdtrt_id} 没有已上传的费用明细（2204）")
    if visit["med_type"] == filings.CHRONIC and not visit.get("dise_codg"):
        raise BadInput(f"门诊就诊 {mdtrt_id} 为门诊慢特病（14），须先上传就诊信息的病种编码 dise_codg（2203）")
    request = _request(central, ctx, mdtrt_id, visit)
    if "medfee_sumamt" in data:
        total = sum((adj_money(f.get("det_item_fee_sumamt")) for f in request["fees"]), start=Decimal("0"))
        if total != adj_money(data.get("medfee_sumamt")):
            raise BadInput(f"{where}medfee_sumamt {data.get('medfee_sumamt')} 与已上传明细合计 {total:.2f} 不符")
    return mdtrt_id, request


def adj_money(value: Any) -> Decimal:
    """A money text of a fee line or a total (0 when it is not one)."""
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, InvalidOperation, ValueError):
        return Decimal("0")


def pre_settlement(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    _mdtrt_id, request = _chain_request(central, ctx, data, where="")
    _check_outpatient(request, "")
    filings.check_request(central, request, "")
    _, _person, before, result, year = compute(central, ctx, request, "request")
    return {"result": result.to_dict(), "year": year, "year_to_date_before": adj.accumulators_json(before)}


def _check_outpatient(request: Any, where: str) -> None:
    encounter = request.get("encounter") if isinstance(request, dict) else None
    med_type = str(encounter.get("med_type") or "") if isinstance(encounter, dict) else ""
    if med_type not in OUTPATIENT_MED_TYPES:
        raise BadInput(f"{where}request.encounter.med_type {med_type or '（缺失）'} 不是门诊医疗类别（11、14）；"
                       "住院结算用 2304")


def settlement(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    data = input_data(input_)
    if "request" in data:  # a desk's journal entry, as a 9511 item
        _check_outpatient(data["request"], "")
        encounter = data["request"].get("encounter") if isinstance(data["request"], dict) else None
        mdtrt_id = str(encounter.get("mdtrt_id") or "") if isinstance(encounter, dict) else ""
        if mdtrt_id and central.store.get_visit(ctx.site, mdtrt_id) is not None:
            person = data["request"].get("person")
            _visit(central, ctx, {"mdtrt_id": mdtrt_id,
                                  "psn_no": person.get("psn_no") if isinstance(person, dict) else ""},
                   open_only=False)
        return settle_item(central, ctx, data, "")
    mdtrt_id, request = _chain_request(central, ctx, data, where="", open_only=False)
    item = {"local_id": text_field(data, "local_id") or _visit_local_id(central, ctx, mdtrt_id), "request": request,
            "setl_time": data.get("setl_time")}
    return settle_item(central, ctx, {k: v for k, v in item.items() if v is not None}, "")


def _visit_local_id(central: Central, ctx: Context, mdtrt_id: str) -> str:
    """The local_id of a chain-form 2207 without one: ``OP-`` + the visit, or after a reversed
    settlement of the visit ``OP-<mdtrt_id>-2``, ``-3``, ... (a resend finds the one in force)."""
    number = 1
    while True:
        candidate = f"OP-{mdtrt_id}" if number == 1 else f"OP-{mdtrt_id}-{number}"
        key = central.store.get_local_key(ctx.site, candidate)
        if key is None or key.kind != "settlement" or central.store.get_reversal_of(key.ref) is None:
            return candidate
        number += 1


def reversal(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    data = input_data(input_)
    setl_id = text_field(data, "setl_id")
    target_local = text_field(data, "reverses_local_id")
    if target_local and not setl_id:
        key = central.store.get_local_key(ctx.site, target_local)
        setl_id = key.ref if key is not None and key.kind == "settlement" else ""
    original = central.store.get_settlement(setl_id) if setl_id else None
    if original is not None and original.site == ctx.site:
        _check_outpatient(json.loads(original.request_json), "")
        mdtrt_id = text_field(data, "mdtrt_id")
        if mdtrt_id and mdtrt_id != original.mdtrt_id:
            raise BadInput(f"结算 {original.setl_id} 不是门诊就诊 {mdtrt_id} 的结算")
    item = dict(data)
    item.setdefault("local_id", f"OPR-{setl_id}" if setl_id else "")
    if target_local and "setl_id" in item:
        del item["setl_id"]
    return reverse_item(central, ctx, item, "")


# --- 门诊慢特病 filings ------------------------------------------------------------------------


def file_disease(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    person = central.person(psn_no)
    dise_codg = text_field(data, "opsp_dise_code", required=True)
    begndate = day_field(data, "begndate")
    enddate = day_field(data, "enddate") if data.get("enddate") else ""
    if enddate and enddate < begndate:
        raise BadInput("enddate 早于 begndate")
    pack = central.pack_for(person, dt.date.fromisoformat(begndate))
    section = pack.model.outpatient_for(filings.CHRONIC)
    if section is None or dise_codg not in section.diseases:
        listed = ", ".join(section.diseases) if section is not None else "（政策包没有门诊慢特病）"
        raise BadInput(f"病种 {dise_codg} 不在参保地政策包的门诊慢特病病种目录中（{listed}）")
    record: dict[str, Any] = {"psn_no": psn_no, "opsp_dise_code": dise_codg, "begndate": begndate,
                              "enddate": enddate, "fixmedins_code": ctx.site, "state": "active"}
    record.update({k: text_field(data, k, max_len=200) for k in _FILING_FIELDS})
    record["opsp_dise_name"] = record["opsp_dise_name"] or section.diseases[dise_codg].name
    for known in central.store.filings_of(psn_no):
        if known.get("state") == "active" and known["opsp_dise_code"] == dise_codg:
            if all(known.get(k) == v for k, v in record.items()):
                return {"result": _filing_view(known)}
            raise Conflict(f"参保人员 {psn_no} 已有病种 {dise_codg} 的备案 {known['trt_dcla_detl_sn']}；"
                           "须先撤销（2504）再重新备案")
    sn = f"B{ctx.now:%Y%m%d}{central.store.next_value('trt_dcla_detl_sn'):010d}"
    record.update(trt_dcla_detl_sn=sn, filed_at=ctx.received)
    central.store.put_filing(sn, psn_no, record, ctx.received)
    return {"result": _filing_view(record)}


def revoke_filing(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    sn = text_field(data, "trt_dcla_detl_sn", required=True)
    found = next((f for f in central.store.filings_of(psn_no) if f.get("trt_dcla_detl_sn") == sn), None)
    if found is None:
        raise NotFound(f"参保人员 {psn_no} 没有备案 {sn}")
    if found.get("state") != "revoked":
        found.update(state="revoked", revoked_at=ctx.received, revoke_memo=text_field(data, "memo", max_len=200))
        central.store.put_filing(sn, psn_no, found, ctx.received)
    return {"result": _filing_view(found)}


def filings_query(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    central.person(psn_no)
    return {"feedetail": [_filing_view(f) for f in central.store.filings_of(psn_no)]}


def _filing_view(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("trt_dcla_detl_sn", "psn_no", "opsp_dise_code", "opsp_dise_name", "begndate", "enddate", "state",
            "fixmedins_code", "filed_at", "revoked_at")
    return {k: record.get(k) or "" for k in keys}
