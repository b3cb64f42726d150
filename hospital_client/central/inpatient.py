"""An inpatient stay around its discharge: discharge, changes, cancellations, fee line withdrawal.

    2402  出院办理             discharge           the stay's discharge: time, way, diagnoses
    2403  住院信息变更         admission_change    dates, diagnoses, department, bed before settlement
    2404  入院办理撤销         admission_cancel    the admission and its fee lines gone; only while
                                                   nothing of the stay is settled
    2405  出院撤销             discharge_cancel    a discharged stay open again; only while nothing of
                                                   it is settled (its settlement reversed first, 2305)
    2302  住院费用明细撤销     fee_withdraw        uploaded fee lines withdrawn (``feedetl_sn``, "0000":
                                                   all); a line a settlement in force covers is refused

Each answers what the stay is now (``result``); the service answers a repeated msgid with its
stored answer. The admission is the one of the site (2401); another site's is 3001 (not found).
"""

from __future__ import annotations

import json
from typing import Any

from ..protocol import BadInput, Conflict, NotFound
from .context import Central, Context
from .fields import day_field, text_field

__all__ = ["admission_cancel", "admission_change", "discharge", "discharge_cancel", "fee_withdraw"]

ALL_LINES = "0000"
# 离院方式 (dscg_way): 1 医嘱离院, 2 医嘱转院, 3 医嘱转社区卫生服务机构/乡镇卫生院, 4 非医嘱离院, 5 死亡, 9 其他
DSCG_WAYS = frozenset({"1", "2", "3", "4", "5", "9"})
# 2403 may change these admission fields (adminfo); the dates are checked against each other.
_CHANGEABLE = ("med_type", "ipt_no", "adm_dept_codg", "adm_dept_name", "adm_bed", "atddr_no", "chfpdr_name",
               "adm_diag_dscr", "dise_codg", "dise_name", "main_cond_dscr")


def _block(input_: dict[str, Any], key: str) -> dict[str, Any]:
    block = input_.get(key)
    if not isinstance(block, dict):
        raise BadInput(f"input.{key} 应为对象")
    return block


def _admitted(central: Central, ctx: Context, data: dict[str, Any], where: str) -> tuple[str, str, dict[str, Any]]:
    """The stay's mdtrt_id, psn_no and admission record; 3001 when this site has not admitted it."""
    mdtrt_id = text_field(data, "mdtrt_id", required=True, where=where)
    admitted = central.store.get_admission(ctx.site, mdtrt_id)
    if admitted is None:
        raise NotFound(f"就诊 {mdtrt_id} 未在本机构办理入院（2401），或入院已撤销（2404）")
    psn_no = text_field(data, "psn_no", where=where) or str(admitted["psn_no"])
    if psn_no != admitted["psn_no"]:
        raise BadInput(f"{where}psn_no {psn_no} 与就诊 {mdtrt_id} 的参保人不符")
    return mdtrt_id, psn_no, admitted


def _diseinfo(input_: dict[str, Any]) -> list[dict[str, str]] | None:
    """``input.diseinfo``: the diagnoses (diag_code required; one main diagnosis at most), or None."""
    raw = input_.get("diseinfo")
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) > 50:
        raise BadInput("input.diseinfo 应为诊断列表（至多 50 条）")
    out: list[dict[str, str]] = []
    for n, entry in enumerate(raw):
        where = f"diseinfo[{n}]."
        if not isinstance(entry, dict):
            raise BadInput(f"{where[:-1]} 应为对象")
        out.append({"diag_code": text_field(entry, "diag_code", required=True, max_len=30, where=where),
                    "diag_name": text_field(entry, "diag_name", max_len=100, where=where),
                    "diag_type": text_field(entry, "diag_type", max_len=6, where=where),
                    "maindiag_flag": text_field(entry, "maindiag_flag", max_len=1, where=where) or "0"})
    if sum(1 for d in out if d["maindiag_flag"] == "1") > 1:
        raise BadInput("input.diseinfo 只能有一个主诊断（maindiag_flag=1）")
    return out


def _in_force(central: Central, psn_no: str, mdtrt_id: str) -> str | None:
    found = central.store.encounter_in_force(psn_no, mdtrt_id)
    return None if found is None else found.setl_id


def _view(mdtrt_id: str, record: dict[str, Any], **more: Any) -> dict[str, Any]:
    discharge = record.get("discharge")
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": record["psn_no"],
                       "status": "discharged" if isinstance(discharge, dict) else "admitted",
                       "begntime": record.get("begntime"), "endtime": (discharge or {}).get("endtime"),
                       "diagnoses": record.get("diagnoses") or [], **more}}


# --- 2402 ----------------------------------------------------------------------------------------


def discharge(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    info = _block(input_, "dscginfo")
    mdtrt_id, _psn_no, admitted = _admitted(central, ctx, info, "dscginfo.")
    endtime = day_field(info, "endtime", "dscginfo.")
    if endtime < str(admitted["begntime"]):
        raise BadInput(f"dscginfo.endtime {endtime} 早于入院日期 {admitted['begntime']}")
    way = text_field(info, "dscg_way", max_len=2, where="dscginfo.")
    if way and way not in DSCG_WAYS:
        raise BadInput(f"dscginfo.dscg_way {way} 不是离院方式代码（{'、'.join(sorted(DSCG_WAYS))}）")
    diseinfo = _diseinfo(input_)
    main = text_field(info, "dscg_maindiag_code", max_len=30, where="dscginfo.") or next(
        (d["diag_code"] for d in diseinfo or [] if d["maindiag_flag"] == "1"), "")
    record = {"endtime": endtime, "dscg_way": way, "dscg_maindiag_code": main,
              "dscg_dept_codg": text_field(info, "dscg_dept_codg", max_len=30, where="dscginfo."),
              "dise_codg": text_field(info, "dise_codg", max_len=30, where="dscginfo."),
              "diseinfo": diseinfo or []}
    earlier = admitted.get("discharge")
    if isinstance(earlier, dict):
        if earlier != record:
            raise Conflict(f"就诊 {mdtrt_id} 已于 {earlier.get('endtime')} 办理出院，内容不同；"
                           "如需更改，先出院撤销（2405）或信息变更（2403）")
        return _view(mdtrt_id, admitted)
    updated = {**admitted, "discharge": record}
    if diseinfo:
        updated["diagnoses"] = [d["diag_code"] for d in diseinfo]
    central.store.update_admission(ctx.site, mdtrt_id, updated, ctx.received)
    return _view(mdtrt_id, updated)


# --- 2403 ----------------------------------------------------------------------------------------


def admission_change(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    info = _block(input_, "adminfo")
    mdtrt_id, psn_no, admitted = _admitted(central, ctx, info, "adminfo.")
    settled = _in_force(central, psn_no, mdtrt_id)
    if settled is not None:
        raise Conflict(f"就诊 {mdtrt_id} 已有在用结算 {settled}，结算后不能变更住院信息；须先撤销结算（2305）")
    updated = dict(admitted)
    if info.get("begntime"):
        updated["begntime"] = day_field(info, "begntime", "adminfo.")
    discharge_record = admitted.get("discharge")
    if info.get("endtime"):
        if not isinstance(discharge_record, dict):
            raise BadInput(f"adminfo.endtime：就诊 {mdtrt_id} 尚未办理出院（2402），没有出院日期可变更")
        updated["discharge"] = {**discharge_record, "endtime": day_field(info, "endtime", "adminfo.")}
    end = (updated.get("discharge") or {}).get("endtime")
    if end and end < updated["begntime"]:
        raise BadInput(f"adminfo：出院日期 {end} 早于入院日期 {updated['begntime']}")
    for key in _CHANGEABLE:
        value = text_field(info, key, max_len=100, where="adminfo.")
        if value:
            updated[key] = value
    if info.get("med_type") and not str(updated["med_type"]).startswith("2"):
        raise BadInput(f"adminfo.med_type {updated['med_type']} 不是住院类医疗类别（2 开头，如 21 普通住院）")
    if info.get("dscg_maindiag_code"):
        if not isinstance(updated.get("discharge"), dict):
            raise BadInput(f"adminfo.dscg_maindiag_code：就诊 {mdtrt_id} 尚未办理出院（2402）")
        updated["discharge"] = {**updated["discharge"],
                                "dscg_maindiag_code": text_field(info, "dscg_maindiag_code", max_len=30,
                                                                 where="adminfo.")}
    diseinfo = _diseinfo(input_)
    if diseinfo is not None:
        updated["diagnoses"] = [d["diag_code"] for d in diseinfo]
    changed = sorted(k for k in set(updated) | set(admitted) if updated.get(k) != admitted.get(k))
    if changed:
        central.store.update_admission(ctx.site, mdtrt_id, updated, ctx.received)
    return _view(mdtrt_id, updated, changed=changed)


# --- 2404, 2405 ----------------------------------------------------------------------------------


def admission_cancel(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = _block(input_, "data")
    mdtrt_id, psn_no, _admission = _admitted(central, ctx, data, "")
    settled = _in_force(central, psn_no, mdtrt_id)
    if settled is not None:
        raise Conflict(f"就诊 {mdtrt_id} 已有在用结算 {settled}，不能撤销入院；须先撤销结算（2305）")
    lines = central.store.fee_line_numbers(ctx.site, mdtrt_id)
    central.store.delete_admission(ctx.site, mdtrt_id)
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "status": "cancelled",
                       "fee_lines_withdrawn": len(lines)}}


def discharge_cancel(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = _block(input_, "data")
    mdtrt_id, psn_no, admitted = _admitted(central, ctx, data, "")
    if not isinstance(admitted.get("discharge"), dict):
        raise Conflict(f"就诊 {mdtrt_id} 尚未办理出院（2402），无出院可撤销")
    settled = _in_force(central, psn_no, mdtrt_id)
    if settled is not None:
        raise Conflict(f"就诊 {mdtrt_id} 已有在用结算 {settled}，不能撤销出院；须先撤销结算（2305）")
    updated = {k: v for k, v in admitted.items() if k != "discharge"}
    central.store.update_admission(ctx.site, mdtrt_id, updated, ctx.received)
    return _view(mdtrt_id, updated)


# --- 2302 ----------------------------------------------------------------------------------------


def _settled_lines(central: Central, psn_no: str, mdtrt_id: str) -> dict[str, str]:
    """The feedetl_sn of the lines the stay's settlements in force cover (every period of a stay
    settled in periods), each with its setl_id."""
    out: dict[str, str] = {}
    setl_id = _in_force(central, psn_no, mdtrt_id)
    while setl_id is not None:
        record = central.store.get_settlement(setl_id)
        if record is None:  # pragma: no cover - the in-force row names a stored settlement
            break
        fees = json.loads(record.request_json).get("fees") or []
        for fee in fees:
            if isinstance(fee, dict):
                out.setdefault(str(fee.get("feedetl_sn")), setl_id)
        setl_id = central.store.prior_period(setl_id)  # the period before, for a stay settled in periods
    return out


def fee_withdraw(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = _block(input_, "data")
    mdtrt_id, psn_no, _admission = _admitted(central, ctx, data, "")
    sn = text_field(data, "feedetl_sn", required=True, max_len=30)
    present = central.store.fee_line_numbers(ctx.site, mdtrt_id)
    settled = _settled_lines(central, psn_no, mdtrt_id)
    if sn == ALL_LINES:
        wanted = [s for s in present if s not in settled]
    else:
        if sn not in present:
            raise NotFound(f"就诊 {mdtrt_id} 没有已上传的费用明细 {sn}（未上传，或已撤销）")
        if sn in settled:
            raise Conflict(f"费用明细 {sn} 已由结算 {settled[sn]} 结算，不能撤销；须先撤销结算（2305）")
        wanted = [sn]
    gone = central.store.withdraw_fee_lines(ctx.site, mdtrt_id, wanted) if wanted else []
    return {"result": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "withdrawn": gone,
                       "kept_settled": sorted(s for s in present if s in settled),
                       "remaining": len(present) - len(gone)}}
