"""The newer settlement-list upload and a list's status, beside 4101/4103/4104 (settlement_lists.py).

    4101A  结算清单信息上传（新版）  upload_v2      the list without ``payinfo``: the central system
                                                   takes the funds, and the money fields of setlinfo,
                                                   from the settlement it holds; same QC, same versions
    4102   结算清单状态修改          change_status  the 病案 office confirms an uploaded list
                                                   (``stas_type`` 1) or withdraws it (2)

Which upload a desk sends is the site's choice (``settlement_list_upload`` in site.toml: 4101, the
default, or 4101A, as the province publishes it); the central system accepts both.

A status change concerns the last upload of the settlement (``setl_list_id``, checked when given):
only a list that passed the quality control may be confirmed; a confirmed list is not replaced
by a new upload until it is withdrawn; a withdrawn list no longer counts (4104 says
``withdrawn``) until a new upload. Every change is kept (append-only); the last one counts.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..protocol import BadInput, Conflict, NotFound
from ..rules.money import fmt
from ..rules.settlement_list import PARTS
from .context import Central, Context
from .fields import input_data, text_field
from .settlement_lists import STAS_TYPES, list_state, settlement_of_site, store_upload
from .store import SettlementListStateRecord, SettlementRecord

__all__ = ["change_status", "upload_v2"]

# setlinfo money fields the central system fills from the settlement (4101A), by its setlinfo key
_SETLINFO_MONEY = {"medfee_sumamt": "medfee_sumamt", "psn_ownpay_fee": "fulamt_ownpay_amt",
                   "acct_payamt": "acct_pay", "psn_cashpay": "psn_cash_pay"}


def upload_v2(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    if input_.get("payinfo") is not None:
        raise BadInput("4101A 不上传 payinfo：基金支付信息由中心按结算生成；请去掉 payinfo，或用 4101 上传")
    setl = input_.get("setlinfo")
    if not isinstance(setl, dict):
        raise BadInput("setlinfo 应为对象")
    setl_id = text_field(setl, "setl_id", required=True, max_len=30, where="setlinfo.")
    record = settlement_of_site(central, ctx, setl_id)
    list_ = {k: input_.get(k) for k in PARTS if input_.get(k) is not None}
    list_["setlinfo"] = {**setl, **{key: fmt(record.amounts[source]) for key, source in _SETLINFO_MONEY.items()}}
    list_["payinfo"] = [{"fund_pay_type": fund, "fund_payamt": fmt(amount)} for fund, amount in _funds(record)]
    return {**store_upload(central, ctx, record, list_), "payinfo": list_["payinfo"]}


def _funds(record: SettlementRecord) -> list[tuple[str, Decimal]]:
    detail = json.loads(record.final_json).get("setldetail") or []
    return [(str(d.get("fund_pay_type")), Decimal(str(d.get("fund_payamt") or "0"))) for d in detail
            if isinstance(d, dict)]


def change_status(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    setl_id = text_field(data, "setl_id", required=True, max_len=30)
    stas_type = text_field(data, "stas_type", required=True, max_len=3)
    if stas_type not in STAS_TYPES:
        raise BadInput("stas_type 应为 1（确认）或 2（撤回）")
    settlement_of_site(central, ctx, setl_id)
    last = central.store.last_settlement_list(ctx.site, setl_id)
    if last is None:
        raise NotFound(f"结算 {setl_id} 尚未上传结算清单")
    given = text_field(data, "setl_list_id", max_len=30)
    if given and given != last.setl_list_id:
        raise Conflict(f"结算清单 {given} 已被 {last.setl_list_id}（第 {last.version} 版）取代")
    now = list_state(central, last)
    wanted = STAS_TYPES[stas_type]
    if now == wanted:
        raise Conflict(f"结算清单 {last.setl_list_id} 已是{'已确认' if wanted == 'confirmed' else '已撤回'}状态")
    if wanted == "confirmed" and now != "accepted":
        raise Conflict(f"结算清单 {last.setl_list_id} 未通过质控（或已撤回），不能确认；请修正后重新上传")
    central.store.add_settlement_list_state(SettlementListStateRecord(
        site=ctx.site, setl_id=setl_id, setl_list_id=last.setl_list_id, stas_type=stas_type, msgid=ctx.env.msgid,
        at=ctx.received))
    return {"setl_id": setl_id, "setl_list_id": last.setl_list_id, "version": last.version, "stas_type": stas_type,
            "stas": wanted, "qc_stas": last.status, "stas_chg_time": ctx.received}
