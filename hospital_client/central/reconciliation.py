"""Reconciliation: the site's statement for a range of days against the central system's.

    3201  医药机构费用结算对总账   recon_totals    totals, compared with the site's when it sends them
    3202  医药机构费用结算对明细账 recon_details   the lines, a page at a time; missing local_ids both ways

A statement line is a settlement (on its setl_time) or a reversal (on its rev_time, negative
amounts) of the site, in time order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..protocol import BadInput
from ..rules.money import ZERO, fmt
from .context import Central, Context
from .fields import day_field, input_data, int_field, money

# The amounts a statement totals and lists, per line (setlinfo keys).
AMOUNT_KEYS = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "psn_cash_pay")


def _statement(central: Central, ctx: Context, data: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    first, last = day_field(data, "stmt_begndate"), day_field(data, "stmt_enddate")
    if last < first:
        raise BadInput("stmt_enddate 早于 stmt_begndate")
    lines: list[dict[str, Any]] = []
    for s in central.store.settlements_between(ctx.site, first, last):
        lines.append({"kind": "settlement", "setl_id": s.setl_id, "rev_setl_id": "", "local_id": s.local_id,
                      "msgid": s.msgid, "psn_no": s.psn_no, "mdtrt_id": s.mdtrt_id, "setl_time": s.setl_time,
                      "amounts": s.amounts})
    for r in central.store.reversals_between(ctx.site, first, last):
        lines.append({"kind": "reversal", "setl_id": r.setl_id, "rev_setl_id": r.rev_setl_id,
                      "local_id": r.local_id, "msgid": r.msgid, "psn_no": r.psn_no, "mdtrt_id": "",
                      "setl_time": r.rev_time, "amounts": r.amounts})
    lines.sort(key=lambda x: (x["setl_time"], x["rev_setl_id"] or x["setl_id"]))
    return first, last, lines


def _sum(records: list[dict[str, Decimal]], key: str) -> Decimal:
    return sum((r[key] for r in records), ZERO)


def recon_totals(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    first, last, lines = _statement(central, ctx, data)
    amounts = [line["amounts"] for line in lines]
    totals = {k: _sum(amounts, k) for k in AMOUNT_KEYS}
    out: dict[str, Any] = {
        "stmt_begndate": first, "stmt_enddate": last, "setl_cnt": len(lines),
        "settlement_cnt": sum(1 for x in lines if x["kind"] == "settlement"),
        "reversal_cnt": sum(1 for x in lines if x["kind"] == "reversal"),
        **{k: fmt(v) for k, v in totals.items()},
    }
    differences: dict[str, str] = {}
    compared = False
    for key in ("medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay"):
        if data.get(key) is not None:
            compared = True
            diff = totals[key] - money(data[key], key)
            if diff:
                differences[key] = fmt(diff)
    if data.get("fixmedins_setl_cnt") is not None:
        compared = True
        count = int_field(data, "fixmedins_setl_cnt", 0, low=0, high=2**62)
        if count != len(lines):
            differences["setl_cnt"] = str(len(lines) - count)
    out["stmt_rslt"] = ("1" if differences else "0") if compared else ""
    out["differences"] = differences
    return out


def recon_details(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    first, last, lines = _statement(central, ctx, data)
    page_num = int_field(data, "page_num", 1, low=1, high=1_000_000)
    page_size = int_field(data, "page_size", 1000, low=1, high=5000)
    rows = [{**{k: v for k, v in line.items() if k != "amounts"},
             **{k: fmt(line["amounts"][k]) for k in AMOUNT_KEYS}} for line in lines]
    out: dict[str, Any] = {"stmt_begndate": first, "stmt_enddate": last, "total": len(rows),
                           "page_num": page_num, "page_size": page_size,
                           "data": rows[(page_num - 1) * page_size: page_num * page_size]}
    local_ids = data.get("local_ids")
    if local_ids is not None:
        if not isinstance(local_ids, list):
            raise BadInput("local_ids 应为列表")
        site_ids = {str(x) for x in local_ids}
        central_ids = {line["local_id"] for line in lines}
        out["missing_at_central"] = sorted(site_ids - central_ids)
        out["missing_at_site"] = sorted(central_ids - site_ids)
        out["stmt_rslt"] = "0" if site_ids == central_ids else "1"
    return out
