"""Step 1 of a settlement: classify each fee line (甲/乙/丙, price cap, first self-paid share) and
explain the totals."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal
from itertools import compress, repeat
from operator import gt, mul, sub
from typing import Any

from .catalog import CLASS_B, CLASS_C, Catalog, CatalogItem
from .fee_lines import FeeLines
from .fee_loops import COMPILED, split_plain
from .fee_units import FeeUnits
from .line_groups import LineGroups
from .money import FEN, ZERO, fmt_yuan
from .pack_schema import ItemRules
from .result import ExplainStep, FeeResults, FeeResultsByBody, LineParts, LineResults, LineRule
from .unit_split import CodeUnits, fen, split_in_units


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
_LineRule = LineRule
_UNKNOWN_CODE: _LineRule = (CLASS_C, None, None, False)
# Rounds to the fen as round_fen does (ROUND_HALF_UP): a context's quantize, mapped over a column,
# costs less per line than Decimal.quantize given the rounding each time.
_HALF_UP = Context(rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class _CodeTable:
    """The catalogue's codes under one pack's item rules: each code's rule; the codes whose lines
    are fully self-paid; the first self-paid share of each code that has one, and the price cap
    of each code that has one (neither for class 丙)."""

    rules: dict[str, _LineRule]
    class_c: frozenset[str]
    shares: dict[str, Decimal]
    caps: dict[str, Decimal]
    # The rules for lines read as integers (unit_split.py), by the places of a bill's prices
    # (None: a cap has more places than the prices).
    units_by_places: dict[int, CodeUnits | None]

    def in_units(self, places: int) -> CodeUnits | None:
        """The rules with the caps in 10^-places, None if a cap has more places than that."""
        if places not in self.units_by_places:
            self.units_by_places[places] = _code_units(self, places)
        return self.units_by_places[places]


def _code_units(table: _CodeTable, places: int) -> CodeUnits | None:
    """The table's rules for lines read as integers, with the caps in 10^-places (None if one is finer)."""
    scaled = {code: cap.scaleb(places) for code, cap in table.caps.items()}
    if any(value != value.to_integral_value() for value in scaled.values()):
        return None
    share_places = max((_places(share) for share in table.shares.values()), default=0)
    return CodeUnits(
        fully_self_paid={code: int(code in table.class_c) for code in table.rules},
        shares={code: int(table.shares[code].scaleb(share_places)) if code in table.shares else 0
                for code in table.rules},
        share_places=share_places,
        capped={code: int(code in table.caps) for code in table.rules},
        caps={code: int(value) for code, value in scaled.items()},
    )


def classify_fees(fees: FeeLines, catalog: Catalog, rules: ItemRules) -> tuple[LineResults, FeeTotals]:
    """Split every line into fully self-paid, over-cap, first self-paid and policy-range amounts.

    Each line's parts are rounded to the fen and the policy-range part is derived by subtraction,
    so the four parts always add up to the line amount exactly.
    """
    groups = fees.groups()
    if groups is not None:
        return _classify_by_body(fees, groups, catalog, rules)
    if fees.has_overrides():
        return _classify_each(fees, catalog, rules)
    return _classify_by_code(fees, catalog, rules)


@dataclass(slots=True)
class _CodeSplit:
    """Lines without overrides split by their codes' rules: the rules (unknown codes included, as
    class 丙), the codes fully self-paid, the codes the catalogue lacks, each line's price-cap excess
    where it has one, and the lines with a first self-paid amount and each one's amount."""

    by_code: dict[str, _LineRule]
    class_c: frozenset[str] | set[str]
    missing: set[str]
    over_by_line: dict[int, Decimal]
    pre_lines: list[int]
    pre_values: list[Decimal]

    def results(self, fees: FeeLines) -> FeeResults:
        amounts, over, pre_lines, pre_values = fees.det_item_fee_sumamt, self.over_by_line, self.pre_lines, \
            self.pre_values
        return FeeResults(fees.feedetl_sn, fees.med_list_codg, self.by_code.__getitem__,
                          lambda: (amounts, over, dict(zip(pre_lines, pre_values, strict=True))))


def _classify_by_code(fees: FeeLines, catalog: Catalog, rules: ItemRules) -> tuple[FeeResults, FeeTotals]:
    """Without overrides a line's rule depends on its code alone: whole columns at a time, in
    integers where the lines were read so (unit_split.py)."""
    units = fees.units()
    if units is not None:
        table = _catalogue_table(catalog, rules)
        code_units = table.in_units(units.price_places)
        if code_units is not None:
            return _classify_in_units(fees, units, table, code_units)
    split = _split_by_code(fees, catalog, rules)
    ful_total = sum(compress(fees.det_item_fee_sumamt, map(split.class_c.__contains__, fees.med_list_codg)), ZERO)
    totals = _totals(fees, ful_total, sum(split.over_by_line.values(), ZERO), split.pre_values,
                     _unknown_by_code(fees, split.missing))
    return split.results(fees), totals


def _classify_in_units(fees: FeeLines, units: FeeUnits, table: _CodeTable,
                       code_units: CodeUnits) -> tuple[FeeResults, FeeTotals]:
    """_classify_by_code's split in integers (unit_split.py); each line's Decimal parts are made
    when the results are first read, equal to the Decimal split's in value and spelling."""
    missing = fees.distinct_codes().difference(table.rules)
    by_code = table.rules
    if missing:  # fully self-paid, without share or cap
        by_code = by_code | dict.fromkeys(missing, _UNKNOWN_CODE)
        code_units = replace(code_units, fully_self_paid=code_units.fully_self_paid | dict.fromkeys(missing, 1),
                             shares=code_units.shares | dict.fromkeys(missing, 0),
                             capped=code_units.capped | dict.fromkeys(missing, 0))
    split = (split_plain if COMPILED else split_in_units)(fees.med_list_codg, units, code_units)

    def parts() -> LineParts:
        amounts = fees.det_item_fee_sumamt
        over = {i: amounts[i] if i in split.clipped else fen(amount) for i, amount in split.over_by_line.items()}
        return amounts, over, {i: fen(pre) for i, pre in split.pre_by_line().items()}

    totals = FeeTotals(
        medfee_sumamt=fen(split.total),
        fulamt_ownpay_amt=fen(split.fully_self_paid),
        overlmt_selfpay=fen(split.over_cap),
        preselfpay_amt=fen(split.first_self_paid),
        inscp_scp_amt=fen(split.total - split.fully_self_paid - split.over_cap - split.first_self_paid),
        unknown_codes=_unknown_by_code(fees, missing),
        has_negative_lines=False,
    )
    return FeeResults(fees.feedetl_sn, fees.med_list_codg, by_code.__getitem__, parts), totals


def _classify_by_body(fees: FeeLines, groups: LineGroups, catalog: Catalog,
                      rules: ItemRules) -> tuple[FeeResultsByBody, FeeTotals]:
    """Lines held by body (line_groups.py): each distinct body split once by its code, as
    _classify_by_code splits a line, and every total the sum of each body's part times its lines.

    Every part is a fen amount or a line amount (at most 2 places, below 10^14), so count x part
    and the sums are exact and equal the line-by-line sums, spelling included (sum() from ZERO)."""
    bodies = groups.distinct
    split = _split_by_code(bodies, catalog, rules)
    counts = groups.counts
    body_totals = list(map(mul, bodies.det_item_fee_sumamt, counts))
    total = sum(body_totals, ZERO)
    ful_total = sum(compress(body_totals, map(split.class_c.__contains__, bodies.med_list_codg)), ZERO)
    over_total = sum(map(mul, split.over_by_line.values(), map(counts.__getitem__, split.over_by_line)), ZERO)
    pre_total = sum(map(mul, split.pre_values, map(counts.__getitem__, split.pre_lines)), ZERO)
    totals = FeeTotals(
        medfee_sumamt=total,
        fulamt_ownpay_amt=ful_total,
        overlmt_selfpay=over_total,
        preselfpay_amt=pre_total,
        inscp_scp_amt=total - ful_total - over_total - pre_total,
        unknown_codes=_unknown_by_code(fees, split.missing),
        has_negative_lines=fees.has_negative_counts(),
    )
    return FeeResultsByBody(fees.feedetl_sn, groups.line_ids, split.results(bodies)), totals


def _split_by_code(fees: FeeLines, catalog: Catalog, rules: ItemRules) -> _CodeSplit:
    """The lines above their price cap are found by comparing the capped lines' prices with their
    caps; the first self-paid share then applies to what each line leaves below its cap."""
    table = _catalogue_table(catalog, rules)
    codes = fees.med_list_codg
    by_code = table.rules
    class_c: frozenset[str] | set[str] = table.class_c
    missing = fees.distinct_codes().difference(by_code)
    if missing:
        by_code = by_code | dict.fromkeys(missing, _UNKNOWN_CODE)
        class_c = class_c | missing
    over_by_line = _over_cap_by_code(fees, table.caps) if not table.caps.keys().isdisjoint(codes) else {}
    pre_lines, pre_values = _first_self_paid_by_code(fees, table.shares, over_by_line)
    return _CodeSplit(by_code, class_c, missing, over_by_line, pre_lines, pre_values)


def _unknown_by_code(fees: FeeLines, missing: set[str]) -> list[tuple[str, str]]:
    """The (code, name) of every line whose code is among the missing ones, in bill order."""
    if not missing:
        return []
    return [(code, name) for code, name in zip(fees.med_list_codg, fees.name, strict=True) if code in missing]


def _over_cap_by_code(fees: FeeLines, caps: dict[str, Decimal]) -> dict[int, Decimal]:
    """The price-cap excess of every line priced above its code's cap, by line index.

    Whole columns at a time (map over C-level operators, not a Python call per line): the excess
    is (pric - cap) x cnt rounded to the fen, never more than the line amount (_over_cap).
    """
    codes, pric = fees.med_list_codg, fees.pric
    capped_lines = list(compress(range(len(codes)), map(caps.__contains__, codes)))
    line_caps = list(map(caps.__getitem__, map(codes.__getitem__, capped_lines)))
    line_prices = list(map(pric.__getitem__, capped_lines))
    above = list(map(gt, line_prices, line_caps))
    over_lines = list(compress(capped_lines, above))
    amounts = list(map(fees.det_item_fee_sumamt.__getitem__, over_lines))
    counts = map(fees.cnt.__getitem__, over_lines)
    if min(amounts, default=ZERO) < 0:  # a refund line: _over_cap bounds its excess the other way
        excess = list(map(_over_cap, compress(line_prices, above), compress(line_caps, above), counts, amounts))
    else:
        unbounded = map(_HALF_UP.quantize, map(mul, map(sub, compress(line_prices, above), compress(line_caps, above)),
                                               counts), repeat(FEN))
        excess = list(map(min, unbounded, amounts))
    return dict(zip(over_lines, excess, strict=True))


def _first_self_paid_by_code(fees: FeeLines, shares: dict[str, Decimal],
                             over_by_line: dict[int, Decimal]) -> tuple[list[int], list[Decimal]]:
    """The lines whose code carries a first self-paid share, and each one's first self-paid amount:
    the share of what the line leaves below its price cap, rounded to the fen."""
    codes = fees.med_list_codg
    # Each line's share, None where its code has none; a share is never zero (_rule), so the list
    # itself marks the lines that have one.
    line_shares = list(map(shares.get, codes))
    pre_lines = list(compress(range(len(codes)), line_shares))
    bases = list(compress(fees.det_item_fee_sumamt, line_shares))
    for i, over in over_by_line.items():
        if line_shares[i] is not None:
            position = bisect_left(pre_lines, i)
            bases[position] = bases[position] - over
    pre_values = list(map(_HALF_UP.quantize, map(mul, bases, filter(None, line_shares)), repeat(FEN)))
    return pre_lines, pre_values


def _totals(fees: FeeLines, ful_total: Decimal, over_total: Decimal, pre_values: list[Decimal],
            unknown_codes: list[tuple[str, str]]) -> FeeTotals:
    """The bill's step-1 totals; the policy-range amount is what the other three leave."""
    total = sum(fees.det_item_fee_sumamt, ZERO)
    pre_total = sum(pre_values, ZERO)
    return FeeTotals(
        medfee_sumamt=total,
        fulamt_ownpay_amt=ful_total,
        overlmt_selfpay=over_total,
        preselfpay_amt=pre_total,
        inscp_scp_amt=total - ful_total - over_total - pre_total,
        unknown_codes=unknown_codes,
        has_negative_lines=fees.has_negative_counts(),
    )


def _classify_each(fees: FeeLines, catalog: Catalog, rules: ItemRules) -> tuple[FeeResults, FeeTotals]:
    """Lines with overrides: each line's rule on its own."""
    line_rules = list(map(_rule, map(catalog.items.get, fees.med_list_codg), fees.chrgitm_lv, fees.selfpay_prop,
                          fees.pric_uplmt_amt, repeat(rules)))
    amounts = fees.det_item_fee_sumamt
    ful_total = ZERO
    working: list[int] = []
    for i, rule in enumerate(line_rules):
        if rule[0] == CLASS_C:
            ful_total += amounts[i]
        elif rule[1] is not None or rule[2] is not None:
            working.append(i)
    over_by_line: dict[int, Decimal] = {}
    pre_lines: list[int] = []
    pre_values: list[Decimal] = []
    over_total = _split_lines(fees, line_rules.__getitem__, range(len(line_rules)), working, over_by_line,
                              pre_lines, pre_values)
    totals = _totals(fees, ful_total, over_total, pre_values, _unknown_codes(fees, line_rules))
    return FeeResults(fees.feedetl_sn, range(len(line_rules)), line_rules.__getitem__,
                      lambda: (amounts, over_by_line, dict(zip(pre_lines, pre_values, strict=True)))), totals


def _split_lines(fees: FeeLines, rule_of: Callable[[Any], _LineRule], keys: Sequence[Any], lines: Iterable[int],
                 over_by_line: dict[int, Decimal], pre_lines: list[int], pre_values: list[Decimal]) -> Decimal:
    """The price-cap excess and first self-paid amount of the given lines (none of class 丙), one by one;
    line i's rule is rule_of(keys[i]).

    Fills over_by_line where a cap applies and appends to pre_lines/pre_values where a share does;
    returns the total excess.
    """
    pric, cnt, amounts = fees.pric, fees.cnt, fees.det_item_fee_sumamt
    over_total = ZERO
    for i in lines:
        _, share, cap, _ = rule_of(keys[i])
        rest = amount = amounts[i]
        if cap is not None and pric[i] > cap:
            over = _over_cap(pric[i], cap, cnt[i], amount)
            over_by_line[i] = over
            over_total += over
            rest = amount - over
        if share is not None:
            pre_lines.append(i)
            pre_values.append((rest * share).quantize(FEN, ROUND_HALF_UP))
    return over_total


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


def _catalogue_table(catalog: Catalog, rules: ItemRules) -> _CodeTable:
    """Every catalogue code's rule under the pack's item rules, built once per catalogue and rules."""
    key = ("line_rules", rules)
    table: _CodeTable | None = catalog.derived.get(key)
    if table is None:
        by_code = {code: _rule(item, None, None, None, rules) for code, item in catalog.items.items()}
        table = _CodeTable(
            rules=by_code,
            class_c=frozenset(code for code, rule in by_code.items() if rule[0] == CLASS_C),
            shares={code: rule[1] for code, rule in by_code.items() if rule[0] != CLASS_C and rule[1] is not None},
            caps={code: rule[2] for code, rule in by_code.items() if rule[0] != CLASS_C and rule[2] is not None},
            units_by_places={},
        )
        catalog.derived[key] = table
    return table


def _places(value: Decimal) -> int:
    """The decimal places a (finite) Decimal is written with."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


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

