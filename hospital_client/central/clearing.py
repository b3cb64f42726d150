"""Monthly clearing (清算): the site applies for what the funds owe it, the central system checks
the figures against its own statement of the month and records the application.

    3203  清算申请       apply      one application per month (setlym), clearing type and insurance type
    3204  清算申请撤销   withdraw   withdraw an application (a new one may then be made)

The central figures of a month are those of 3201 for the month's first to last day (a settlement on
its setl_time, a reversal on its rev_time, negative), for the settlements of the clearing type
(``clr_type`` 21 住院 for a med_type starting with 2, 11 门诊 otherwise) and insurance type
(the insutype of the person block the settlement was computed with). An application is accepted
only when every figure it gives equals the central one (the site reconciled first, 3201/3202);
otherwise it is refused (3002) naming each figure that differs and by how much. A second
application for the same month, type and insurance type is refused while the first stands.

Figures (setlinfo sums): medfee_sumamt; med_sumfee (医保认可费用: medfee_sumamt less
fulamt_ownpay_amt and overlmt_selfpay); fund_appy_sum (fund_pay_sumamt); cash_payamt
(psn_cash_pay); acct_pay; psntime (settlements less reversals). The answer adds the funds
(fund_pay_type and fund_payamt, from the settlements' setldetail).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, Conflict, NotFound
from ..rules.money import ZERO, fmt
from .context import Central, Context
from .fields import input_data, money, text_field
from .store import ClearingRecord, SettlementRecord

CLR_TYPES = {"11": "门诊", "21": "住院"}
FIGURES = ("medfee_sumamt", "med_sumfee", "fund_appy_sum", "cash_payamt", "acct_pay")
_SETLYM = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")


def clr_type_of(med_type: str) -> str:
    """The clearing type of a settlement's med_type: 21 住院 (2x), 11 门诊 (the others)."""
    return "21" if med_type.startswith("2") else "11"


def month_days(setlym: str) -> tuple[str, str]:
    """The first and last day of a month 'YYYYMM'."""
    year, month = int(setlym[:4]), int(setlym[4:])
    return dt.date(year, month, 1).isoformat(), dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def _kind(record: SettlementRecord) -> tuple[str, str]:
    encounter = json.loads(record.request_json).get("encounter", {})
    person = json.loads(record.person_json)
    return clr_type_of(str(encounter.get("med_type") or "")), str(person.get("insutype") or "")


def _funds(record: SettlementRecord) -> list[tuple[str, Decimal]]:
    detail = json.loads(record.final_json).get("setldetail") or []
    return [(str(d.get("fund_pay_type")), Decimal(str(d.get("fund_payamt") or "0"))) for d in detail
            if isinstance(d, dict)]


def month_figures(central: Central, site: str, setlym: str, clr_type: str, insutype: str) -> dict[str, Any]:
    """The central figures of one month, clearing type and insurance type (money as Decimal)."""
    first, last = month_days(setlym)
    sums = dict.fromkeys(FIGURES, ZERO)
    funds: dict[str, Decimal] = defaultdict(lambda: ZERO)
    count = 0

    def add(record: SettlementRecord, amounts: dict[str, Decimal], sign: int) -> None:
        sums["medfee_sumamt"] += amounts["medfee_sumamt"]
        sums["med_sumfee"] += amounts["medfee_sumamt"] - amounts["fulamt_ownpay_amt"] - amounts["overlmt_selfpay"]
        sums["fund_appy_sum"] += amounts["fund_pay_sumamt"]
        sums["cash_payamt"] += amounts["psn_cash_pay"]
        sums["acct_pay"] += amounts["acct_pay"]
        for fund, value in _funds(record):
            funds[fund] += sign * value

    for s in central.store.settlements_between(site, first, last):
        if _kind(s) == (clr_type, insutype):
            add(s, s.amounts, 1)
            count += 1
    for r in central.store.reversals_between(site, first, last):
        original = central.store.get_settlement(r.setl_id)
        if original is not None and _kind(original) == (clr_type, insutype):
            add(original, r.amounts, -1)
            count -= 1
    return {"begndate": first, "enddate": last, "psntime": count, **sums,
            "funds": [{"fund_pay_type": k, "fund_payamt": v} for k, v in sorted(funds.items())]}


def apply(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    setlym = text_field(data, "setlym", required=True, max_len=6)
    if not _SETLYM.fullmatch(setlym):
        raise BadInput("setlym 应为清算年月 YYYYMM")
    clr_type = text_field(data, "clr_type", required=True, max_len=6)
    if clr_type not in CLR_TYPES:
        raise BadInput(f"clr_type 应为 {'、'.join(f'{k}（{v}）' for k, v in CLR_TYPES.items())}")
    insutype = text_field(data, "insutype", required=True, max_len=6)
    clr_way = text_field(data, "clr_way") or "1"
    figures = month_figures(central, ctx.site, setlym, clr_type, insutype)
    for key in ("begndate", "enddate"):
        given = text_field(data, key)
        if given and given[:10] != figures[key]:
            raise BadInput(f"{key} 应为清算年月 {setlym} 的 {figures[key]}")
    differences: list[str] = []
    for key in FIGURES:
        if data.get(key) is None:
            raise BadInput(f"{key} 缺失")
        diff = money(data[key], key) - figures[key]
        if diff:
            differences.append(f"{key} 申请 {fmt(money(data[key], key))}，中心 {fmt(figures[key])}，相差 {fmt(diff)}")
    psntime = data.get("psntime")
    if not isinstance(psntime, int) or isinstance(psntime, bool):
        raise BadInput("psntime 应为整数（清算人次）")
    if psntime != figures["psntime"]:
        differences.append(f"psntime 申请 {psntime}，中心 {figures['psntime']}")
    if differences:
        raise Conflict(f"对账不平，不能申请清算（{setlym} {CLR_TYPES[clr_type]} 险种 {insutype}）："
                       + "；".join(differences) + "。请先对账（3201/3202）")
    for known in central.store.clearings(ctx.site, setlym):
        if (known.clr_type, known.insutype) == (clr_type, insutype) and not known.withdrawn_at:
            raise Conflict(f"{setlym} {CLR_TYPES[clr_type]} 险种 {insutype} 已申请清算（{known.clr_appy_evt_id}）；"
                           "如需重新申请，请先撤销（3204）")
    amounts = {**{k: fmt(figures[k]) for k in FIGURES},
               "funds": [{"fund_pay_type": f["fund_pay_type"], "fund_payamt": fmt(f["fund_payamt"])}
                         for f in figures["funds"]]}
    record = ClearingRecord(
        clr_appy_evt_id=f"CLR{ctx.now:%Y%m%d}{central.store.next_value('clr_appy_evt_id'):08d}", site=ctx.site,
        setlym=setlym, clr_type=clr_type, insutype=insutype, clr_way=clr_way, begndate=figures["begndate"],
        enddate=figures["enddate"], psntime=figures["psntime"], amounts_json=p.dumps(amounts).decode("utf-8"),
        msgid=ctx.env.msgid, applied_at=ctx.received)
    central.store.add_clearing(record)
    return view(record)


def view(record: ClearingRecord) -> dict[str, Any]:
    return {"clr_appy_evt_id": record.clr_appy_evt_id, "setlym": record.setlym, "clr_type": record.clr_type,
            "insutype": record.insutype, "clr_way": record.clr_way, "begndate": record.begndate,
            "enddate": record.enddate, "psntime": record.psntime, **json.loads(record.amounts_json),
            "stas": "withdrawn" if record.withdrawn_at else "applied", "applied_at": record.applied_at,
            "withdrawn_at": record.withdrawn_at}


def withdraw(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    evt = text_field(data, "clr_appy_evt_id", required=True, max_len=30)
    record = central.store.get_clearing(evt)
    if record is None or record.site != ctx.site:
        raise NotFound(f"本机构没有清算申请 {evt}")
    if record.withdrawn_at:
        raise Conflict(f"清算申请 {evt} 已于 {record.withdrawn_at} 撤销")
    approval = central.store.clearing_approval(evt)
    if approval is not None:
        raise Conflict(f"清算申请 {evt} 已于 {approval.at} 经办审核通过，不能撤销")
    central.store.withdraw_clearing(evt, ctx.received, ctx.env.msgid)
    withdrawn = central.store.get_clearing(evt)
    assert withdrawn is not None
    return view(withdrawn)
