"""Fee lines as the desk's fee table shows them: the imported line, its class from the
catalogue, and (after a computation) how the rules core split it. Display strings only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..rules import Catalog
from ..rules.catalog import CLASS_B, CLASS_NAMES
from ..rules.money import fmt_pct

UNKNOWN, OVER_CAP, REFUND = "unknown", "over_cap", "refund"
# 智能审核: a line a 拦截 not overridden makes self-paid, a line a 提示 (or an overridden 拦截) names
REVIEW_BLOCK, REVIEW_WARN = "review_block", "review_warn"


@dataclass(slots=True)
class FeeRow:
    feedetl_sn: str
    med_list_codg: str
    name: str
    pric: str
    cnt: str
    amount: str
    chrgitm_lv: str = ""          # 01/02/03, "" when unknown
    class_name: str = ""          # 甲类/乙类/丙类
    selfpay_prop: str = ""
    fulamt_ownpay_amt: str = ""
    overlmt_amt: str = ""
    preselfpay_amt: str = ""
    inscp_scp_amt: str = ""
    flags: set[str] = field(default_factory=set)
    review_rules: list[str] = field(default_factory=list)  # the review rules naming this line


def fee_rows(fees: Sequence[Mapping[str, Any]], catalog: Catalog | None,
             result: Mapping[str, Any] | None = None) -> list[FeeRow]:
    by_sn = {f["feedetl_sn"]: f for f in (result or {}).get("fees", [])}
    reviewed: dict[str, tuple[bool, list[str]]] = {}
    for violation in (result or {}).get("violations", []):
        blocks = violation.get("severity") == "block" and not violation.get("override")
        for sn in violation.get("feedetl_sn") or []:
            was_block, rules = reviewed.get(str(sn), (False, []))
            reviewed[str(sn)] = (was_block or blocks, [*rules, str(violation.get("rule_id", ""))])
    rows: list[FeeRow] = []
    for fee in fees:
        code = str(fee.get("med_list_codg", ""))
        item = catalog.get(code) if catalog is not None else None
        level = str(fee.get("chrgitm_lv") or (item.chrgitm_lv if item else ""))
        prop = fee.get("selfpay_prop")
        if prop is None and item is not None and item.selfpay_prop is not None:
            prop = item.selfpay_prop
        row = FeeRow(
            feedetl_sn=str(fee.get("feedetl_sn", "")), med_list_codg=code, name=str(fee.get("name", "")),
            pric=str(fee.get("pric", "")), cnt=str(fee.get("cnt", "")),
            amount=str(fee.get("det_item_fee_sumamt", "")),
            chrgitm_lv=level, class_name=CLASS_NAMES.get(level, ""),
            selfpay_prop=fmt_pct(Decimal(str(prop))) if level == CLASS_B and prop is not None else "",
        )
        if item is None and not fee.get("chrgitm_lv"):
            row.flags.add(UNKNOWN)
        if row.cnt.startswith("-"):
            row.flags.add(REFUND)
        split = by_sn.get(row.feedetl_sn)
        if split is not None:
            row.chrgitm_lv = split["chrgitm_lv"]
            row.class_name = CLASS_NAMES.get(split["chrgitm_lv"], "")
            row.fulamt_ownpay_amt = split["fulamt_ownpay_amt"]
            row.overlmt_amt = split["overlmt_amt"]
            row.preselfpay_amt = split["preselfpay_amt"]
            row.inscp_scp_amt = split["inscp_scp_amt"]
            if split["overlmt_amt"] not in ("0.00", "-0.00"):
                row.flags.add(OVER_CAP)
        if row.feedetl_sn in reviewed:
            block, row.review_rules = reviewed[row.feedetl_sn]
            row.flags.add(REVIEW_BLOCK if block else REVIEW_WARN)
        rows.append(row)
    return rows
