"""Step 1 of a settlement: classify each fee line (甲/乙/丙, price cap, first self-paid share)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .catalog import CLASS_A, CLASS_B, CLASS_C, Catalog
from .money import FEN
from .pack_schema import ItemRules
from .request import Fee
from .result import FeeResult

_ZERO = Decimal("0.00")


@dataclass(slots=True)
class FeeTotals:
    medfee_sumamt: Decimal
    fulamt_ownpay_amt: Decimal
    overlmt_selfpay: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    unknown_codes: list[tuple[str, str]]
    has_negative_lines: bool


def classify_fees(fees: list[Fee], catalog: Catalog, rules: ItemRules) -> tuple[list[FeeResult], FeeTotals]:
    """Split every line into fully self-paid, over-cap, first self-paid and policy-range amounts.

    Each line's parts are rounded to the fen and the policy-range part is derived by subtraction,
    so the four parts always add up to the line amount exactly.
    """
    items = catalog.items
    default_b = rules.class_b_selfpay
    use_caps = rules.price_caps
    results: list[FeeResult] = []
    append = results.append
    total = ful_total = over_total = pre_total = _ZERO
    unknown: list[tuple[str, str]] = []
    negative = False
    for fee in fees:
        amount = fee.det_item_fee_sumamt
        total += amount
        if fee.cnt < 0:
            negative = True
        item = items.get(fee.med_list_codg)
        level = fee.chrgitm_lv
        known = True
        if level is None:
            if item is None:
                level = CLASS_C
                known = False
                unknown.append((fee.med_list_codg, fee.name))
            else:
                level = item.chrgitm_lv
        if level == CLASS_C:
            ful_total += amount
            append(FeeResult(fee.feedetl_sn, level, amount, _ZERO, _ZERO, _ZERO, known))
            continue
        cap = fee.pric_uplmt_amt
        if cap is None and item is not None:
            cap = item.pric_uplmt_amt
        over = _ZERO
        if use_caps and cap is not None and fee.pric > cap:
            over = ((fee.pric - cap) * fee.cnt).quantize(FEN, ROUND_HALF_UP)
            # The line amount may differ from pric × cnt by a fen; the excess never exceeds it.
            over = min(over, amount) if amount >= 0 else max(over, amount)
            over_total += over
        rest = amount - over
        pre = _ZERO
        if level == CLASS_B:
            share = fee.selfpay_prop
            if share is None:
                share = item.selfpay_prop if item is not None and item.selfpay_prop is not None else default_b
            if share:
                pre = (rest * share).quantize(FEN, ROUND_HALF_UP)
                pre_total += pre
        append(FeeResult(fee.feedetl_sn, level, _ZERO, over, pre, rest - pre, known))
    totals = FeeTotals(
        medfee_sumamt=total,
        fulamt_ownpay_amt=ful_total,
        overlmt_selfpay=over_total,
        preselfpay_amt=pre_total,
        inscp_scp_amt=total - ful_total - over_total - pre_total,
        unknown_codes=unknown,
        has_negative_lines=negative,
    )
    return results, totals


__all__ = ["CLASS_A", "FeeTotals", "classify_fees"]
