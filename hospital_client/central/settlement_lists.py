"""Settlement lists (医疗保障基金结算清单): uploads, their quality control, status queries.

    4101  结算清单信息上传       upload   store one list of a settlement of the site, with its QC result
    4103  结算清单信息查询       query    the last list uploaded for a setl_id, its status and QC result
    4104  结算清单质控结果查询   qc       status and QC result of many setl_ids (missing ones say so)

The quality control (QC) is the same set of checks the desk runs before it uploads
(``rules.settlement_list.problems``: required fields, one main diagnosis, ICD-10 and ICD-9-CM-3
formats, an external cause never the main diagnosis, discharge not before admission, the fee
lines adding up, ...) plus the checks only the central system can make against the settlement
it holds:

    QC11  psn_no and mdtrt_id are the settlement's
    QC12  adm_time and dscg_time are the settlement's admission and discharge days
    QC13  the fees by category (iteminfo amt) add up to the settlement's medfee_sumamt
    QC14  the funds (payinfo fund_payamt) add up to the settlement's fund_pay_sumamt

A list that fails any check is stored as ``rejected`` with the failed checks; one that passes as
``accepted``. A corrected list is uploaded again: a new version, the last one counts. A list of a
settlement that is not this site's, or was reversed, is refused (3001, 3002), nothing stored.
The 病案 office may then confirm or withdraw the last version (4102, settlement_list_status.py):
its state (``stas``) becomes ``confirmed`` or ``withdrawn`` (``qc_stas`` keeps the QC result);
a confirmed list is not replaced by a new upload until it is withdrawn.
"""

from __future__ import annotations

import json
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, Conflict, NotFound
from ..rules.money import ZERO, fmt
from ..rules.settlement_list import PARTS, Problem, amount, problems
from .context import Central, Context
from .fields import input_data, text_field
from .store import SettlementListRecord, SettlementRecord

MAX_QUERY_IDS = 1000


def settlement_of_site(central: Central, ctx: Context, setl_id: str) -> SettlementRecord:
    record = central.store.get_settlement(setl_id)
    if record is None or record.site != ctx.site:
        raise NotFound(f"本机构没有结算 {setl_id}")
    return record


def _cross_checks(record: SettlementRecord, list_: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    setl = list_["setlinfo"]
    for key, value in (("psn_no", record.psn_no), ("mdtrt_id", record.mdtrt_id)):
        if str(setl.get(key) or "") != value:
            out.append(Problem("QC11", f"setlinfo.{key}", f"{key} 与结算 {record.setl_id} 不符（应为 {value}）"))
    encounter = json.loads(record.request_json).get("encounter", {})
    for key, name, day in (("adm_time", "入院时间", encounter.get("begntime")),
                           ("dscg_time", "出院时间", encounter.get("endtime"))):
        given = str(setl.get(key) or "")[:10]
        if given and isinstance(day, str) and given != day[:10]:
            out.append(Problem("QC12", f"setlinfo.{key}", f"{name} {given} 与结算的 {day[:10]} 不符"))
    items = [x for x in list_.get("iteminfo") or [] if isinstance(x, dict)]
    fees = sum((amount(x.get("amt")) or ZERO for x in items), ZERO)
    if items and fees != record.amounts["medfee_sumamt"]:
        out.append(Problem("QC13", "iteminfo", f"收费项目金额合计 {fmt(fees)} 不等于结算的医疗费总额 "
                                               f"{fmt(record.amounts['medfee_sumamt'])}"))
    pays = [x for x in list_.get("payinfo") or [] if isinstance(x, dict)]
    funds = sum((amount(x.get("fund_payamt")) or ZERO for x in pays), ZERO)
    if funds != record.amounts["fund_pay_sumamt"]:
        out.append(Problem("QC14", "payinfo", f"基金支付合计 {fmt(funds)} 不等于结算的基金支付总额 "
                                              f"{fmt(record.amounts['fund_pay_sumamt'])}"))
    return out


def upload(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    list_ = {k: input_.get(k) for k in PARTS if input_.get(k) is not None}
    setl = list_.get("setlinfo")
    if not isinstance(setl, dict):
        raise BadInput("setlinfo 应为对象")
    setl_id = text_field(setl, "setl_id", required=True, max_len=30, where="setlinfo.")
    return store_upload(central, ctx, settlement_of_site(central, ctx, setl_id), list_)


def store_upload(central: Central, ctx: Context, record: SettlementRecord, list_: dict[str, Any]) -> dict[str, Any]:
    """Check a list of the site's settlement ``record`` (QC) and store it as the next version."""
    setl_id = record.setl_id
    if central.store.get_reversal_of(setl_id) is not None:
        raise Conflict(f"结算 {setl_id} 已撤销，不再上传结算清单")
    found = problems(list_) + _cross_checks(record, list_)
    last = central.store.last_settlement_list(ctx.site, setl_id)
    if last is not None and list_state(central, last) == "confirmed":
        raise Conflict(f"结算 {setl_id} 的结算清单 {last.setl_list_id} 已确认；如需重新上传，请先撤回（4102）")
    version = 1 if last is None else last.version + 1
    stored = SettlementListRecord(
        site=ctx.site, setl_id=setl_id, version=version,
        setl_list_id=f"L{ctx.now:%Y%m%d}{central.store.next_value('setl_list_id'):010d}",
        list_json=p.canonical_json(list_).decode("utf-8"), status="rejected" if found else "accepted",
        qc_json=p.dumps([x.to_dict() for x in found]).decode("utf-8"), msgid=ctx.env.msgid,
        uploaded_at=ctx.received)
    central.store.add_settlement_list(stored)
    return {"setl_list_id": stored.setl_list_id, **_status(central, stored)}


# 4102 stas_type: 1 confirmed by the 病案 office, 2 withdrawn (the list no longer counts)
STAS_TYPES = {"1": "confirmed", "2": "withdrawn"}


def list_state(central: Central, record: SettlementListRecord) -> str:
    """The list's state: its QC result (accepted, rejected), or what a 4102 made of this upload
    since (confirmed, withdrawn); a status change of an earlier upload no longer counts."""
    change = central.store.last_settlement_list_state(record.site, record.setl_id)
    if change is not None and change.setl_list_id == record.setl_list_id:
        return STAS_TYPES.get(change.stas_type, record.status)
    return record.status


def _status(central: Central, record: SettlementListRecord) -> dict[str, Any]:
    items = json.loads(record.qc_json)
    change = central.store.last_settlement_list_state(record.site, record.setl_id)
    changed = change is not None and change.setl_list_id == record.setl_list_id
    return {"setl_id": record.setl_id, "setl_list_id": record.setl_list_id, "version": record.version,
            "stas": list_state(central, record), "qc_stas": record.status, "qc_rslt": "1" if items else "0",
            "qc_items": items, "uploaded_at": record.uploaded_at,
            "stas_chg_time": change.at if change is not None and changed else ""}


def query(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    setl_id = text_field(data, "setl_id", required=True, max_len=30)
    settlement_of_site(central, ctx, setl_id)
    record = central.store.last_settlement_list(ctx.site, setl_id)
    if record is None:
        raise NotFound(f"结算 {setl_id} 尚未上传结算清单")
    return {**_status(central, record), **json.loads(record.list_json)}


def quality_results(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    ids = data.get("setl_ids")
    if not isinstance(ids, list) or not all(isinstance(x, str) and x for x in ids):
        raise BadInput("setl_ids 应为结算ID的列表")
    if len(ids) > MAX_QUERY_IDS:
        raise BadInput(f"setl_ids 一次最多 {MAX_QUERY_IDS} 个")
    out: list[dict[str, Any]] = []
    for setl_id in ids:
        record = central.store.get_settlement(setl_id)
        if record is None or record.site != ctx.site:
            out.append({"setl_id": setl_id, "stas": "not_found"})
            continue
        stored = central.store.last_settlement_list(ctx.site, setl_id)
        reversed_ = central.store.get_reversal_of(setl_id) is not None
        if stored is None:
            out.append({"setl_id": setl_id, "stas": "reversed" if reversed_ else "missing"})
        else:
            out.append({**_status(central, stored), "reversed": reversed_})
    return {"data": out}

