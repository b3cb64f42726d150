"""Step 1 of a settlement: classify each fee line (甲/乙/丙, price cap, first self-paid share) and
explain the totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .catalog import CLASS_B, CLASS_C, Catalog, CatalogItem
from .fee_lines import FeeLines
from .money import FEN, ZERO, fmt_yuan
from .pack_schema import ItemRules
from .result import ExplainStep, FeeResult


@dataclass(slots=True)
class FeeTotals:
    medfee_sumamt: Decimal
    fulamt_ownpay_amt: Decimal
    overlmt_selfpay: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    unknown_codes: list[tuple[str, str]]
    has_negative_lines: bool


# How one line is split: (class, first self-paid share, price cap, whether the catalogue knows
# the code); share and cap are None where none applies. A plain tuple, as a line with overrides
# needs its own and a NamedTuple costs several times more to build.
_LineRule = tuple[str, Decimal | None, Decimal | None, bool]
_UNKNOWN_CODE: _LineRule = (CLASS_C, None, None, False)


def classify_fees(fees: FeeLines, catalog: Catalog, rules: ItemRules) -> tuple[list[FeeResult], FeeTotals]:
    """Split every line into fully self-paid, over-cap, first self-paid and policy-range amounts.

    Each line's parts are rounded to the fen and the policy-range part is derived by subtraction,
    so the four parts always add up to the line amount exactly.
    """
    line_rules = _line_rules(fees, catalog, rules)
    results: list[FeeResult] = []
    append = results.append
    ful_total = over_total = pre_total = ZERO
    for sn, amount, pric, cnt, (level, share, cap, known) in zip(
        fees.feedetl_sn, fees.det_item_fee_sumamt, fees.pric, fees.cnt, line_rules, strict=True
    ):
        if level == CLASS_C:
            ful_total += amount
            append(FeeResult(sn, level, amount, ZERO, ZERO, ZERO, known))
            continue
        over = ZERO
        rest = amount
        if cap is not None and pric > cap:
            over = _over_cap(pric, cap, cnt, amount)
            over_total += over
            rest = amount - over
        pre = ZERO
        if share is not None:
            pre = (rest * share).quantize(FEN, ROUND_HALF_UP)
            pre_total += pre
        append(FeeResult(sn, level, ZERO, over, pre, rest - pre, known))
    total = sum(fees.det_item_fee_sumamt, ZERO)
    totals = FeeTotals(
        medfee_sumamt=total,
        fulamt_ownpay_amt=ful_total,
        overlmt_selfpay=over_total,
        preselfpay_amt=pre_total,
        inscp_scp_amt=total - ful_total - over_total - pre_total,
        unknown_codes=_unknown_codes(fees, line_rules),
        has_negative_lines=min(fees.cnt, default=ZERO) < 0,
    )
    return results, totals


def explain_fees(t: FeeTotals, explain: list[ExplainStep], warnings: list[str]) -> None:
    """Append the explanation steps of the fee totals, and the warnings about unknown codes and refunds."""
    explain.append(ExplainStep("medfee_sumamt", f"本次医疗费用总额 {fmt_yuan(t.medfee_sumamt)} 元", t.medfee_sumamt))
    if t.fulamt_ownpay_amt:
        explain.append(ExplainStep(
            "fulamt_ownpay_amt",
            f"丙类及目录外项目 {fmt_yuan(t.fulamt_ownpay_amt)} 元，不属于医保支付范围，全部由个人负担",
            t.fulamt_ownpay_amt,
        ))
    if t.overlmt_selfpay:
        explain.append(ExplainStep(
            "overlmt_selfpay", f"超过医保限价部分 {fmt_yuan(t.overlmt_selfpay)} 元由个人负担", t.overlmt_selfpay
        ))
    if t.preselfpay_amt:
        explain.append(ExplainStep(
            "preselfpay_amt", f"乙类项目先行自付 {fmt_yuan(t.preselfpay_amt)} 元由个人负担", t.preselfpay_amt
        ))
    explain.append(ExplainStep(
        "inscp_scp_amt", f"政策范围内费用 {fmt_yuan(t.inscp_scp_amt)} 元进入医保报销", t.inscp_scp_amt
    ))
    for code, name in t.unknown_codes:
        label = f"{code}（{name}）" if name else code
        warnings.append(f"目录外项目 {label} 未在医保目录中找到，按全自费处理")
    if t.has_negative_lines:
        warnings.append("本单含退费明细（数量为负），已与同单费用冲抵")


def _over_cap(pric: Decimal, cap: Decimal, cnt: Decimal, amount: Decimal) -> Decimal:
    over = ((pric - cap) * cnt).quantize(FEN, ROUND_HALF_UP)
    # The line amount may differ from pric × cnt by a fen; the excess never exceeds it.
    return min(over, amount) if amount >= 0 else max(over, amount)


def _line_rules(fees: FeeLines, catalog: Catalog, rules: ItemRules) -> list[_LineRule]:
    """Each line's rule, in bill order."""
    codes = fees.med_list_codg
    if fees.has_overrides():
        return list(map(_rule, map(catalog.items.get, codes), fees.chrgitm_lv, fees.selfpay_prop,
                        fees.pric_uplmt_amt, [rules] * len(fees)))
    # Without overrides a line's rule depends on its code alone.
    by_code = _catalogue_rules(catalog, rules)
    missing = set(codes).difference(by_code)
    if missing:
        by_code = by_code | dict.fromkeys(missing, _UNKNOWN_CODE)
    return list(map(by_code.__getitem__, codes))


def _catalogue_rules(catalog: Catalog, rules: ItemRules) -> dict[str, _LineRule]:
    """Every catalogue code's rule under the pack's item rules, built once per catalogue and rules."""
    key = ("line_rules", rules)
    table: dict[str, _LineRule] | None = catalog.derived.get(key)
    if table is None:
        table = {code: _rule(item, None, None, None, rules) for code, item in catalog.items.items()}
        catalog.derived[key] = table
    return table


def _rule(item: CatalogItem | None, level: str | None, share: Decimal | None, cap: Decimal | None,
          rules: ItemRules) -> _LineRule:
    """A line's rule from its overrides (None: not given) and else the catalogue and pack."""
    if level is None:
        if item is None:
            return _UNKNOWN_CODE
        level = item.chrgitm_lv
    if level == CLASS_C:
        return level, None, None, True
    if cap is None and item is not None:
        cap = item.pric_uplmt_amt
    if level != CLASS_B:
        share = None
    elif share is None:
        share = item.selfpay_prop if item is not None and item.selfpay_prop is not None else rules.class_b_selfpay
    return level, share or None, cap if rules.price_caps else None, True


def _unknown_codes(fees: FeeLines, line_rules: list[_LineRule]) -> list[tuple[str, str]]:
    """The (code, name) of every line whose code the catalogue lacks, in bill order."""
    lines = zip(fees.med_list_codg, fees.name, line_rules, strict=True)
    return [(code, name) for code, name, (_, _, _, known) in lines if not known]

