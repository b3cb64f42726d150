"""Step 3 of a settlement, 大病保险: the deductible and its segments on the annual cumulative base."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .annual import OPEN_END, telescoped
from .basic_pool import BasicPoolPay
from .fees import FeeTotals
from .money import ONE, ZERO, fmt_pct, fmt_yuan, round_fen
from .pack_schema import DeductibleSpec, HifmiRules
from .packs import Pack
from .request import Person, YearToDate
from .result import ExplainStep


@dataclass(slots=True)
class CriticalIllnessPay:
    base: Decimal
    pay: Decimal
    info: str


def _deductible_amount(spec: DeductibleSpec) -> Decimal:
    if spec.amount is not None:
        return spec.amount
    # The schema guarantees both are given when there is no fixed amount.
    return round_fen((spec.income_share or ZERO) * (spec.last_year_income or ZERO))


def hifmi_deductible(rules: HifmiRules, person: Person) -> tuple[Decimal, Decimal, bool]:
    """The 大病保险 deductible and ratio bonus for this person, and whether a poor-group concession applied."""
    spec = rules.deductible
    if person.residence == "urban" and rules.deductible_urban is not None:
        spec = rules.deductible_urban
    elif person.residence == "rural" and rules.deductible_rural is not None:
        spec = rules.deductible_rural
    deductible = _deductible_amount(spec)
    poor = rules.poor
    if poor is not None and person.assistance_group in poor.groups:
        if poor.deductible is not None:
            return poor.deductible, poor.ratio_plus, True
        return round_fen(deductible * poor.deductible_factor), poor.ratio_plus, True
    return deductible, ZERO, False


def hifmi_annual(rules: HifmiRules, segments: list[tuple[Decimal, Decimal]], deductible: Decimal,
                 plus: Decimal, cumulative: Decimal) -> Decimal:
    """大病保险's annual payment on a cumulative base, before rounding (caps applied)."""
    total = ZERO
    lower = deductible
    for upto, ratio in segments:
        top = deductible + upto if rules.measure == "above_deductible" else upto
        portion = min(cumulative, top) - max(lower, deductible)
        if portion > 0:
            total += portion * min(ONE, ratio + plus)
        lower = max(lower, top)
        if cumulative <= top:
            break
    if rules.annual_cap is not None:
        total = min(total, rules.annual_cap)
    return total


def _reached_segments(rules: HifmiRules, segments: list[tuple[Decimal, Decimal]], deductible: Decimal,
                      cumulative: Decimal) -> list[Decimal]:
    """The ratios of the segments the cumulative base reaches into (for the explanation)."""
    reached: list[Decimal] = []
    lower = deductible
    for upto, ratio in segments:
        top = deductible + upto if rules.measure == "above_deductible" else upto
        if cumulative > lower and top > deductible:
            reached.append(ratio)
        lower = max(lower, top)
    return reached or [segments[0][1]]


def hifmi_segment_bounds(pack: Pack) -> list[tuple[Decimal, Decimal]]:
    """The pack's 大病保险 segments as (upper bound, ratio), the open last one closed: what hifmi_annual takes."""
    bounds: tuple[tuple[Decimal, Decimal], ...] | None = pack.derived.get("hifmi_segment_bounds")
    if bounds is None:
        bounds = tuple((s.upto if s.upto is not None else OPEN_END, s.ratio) for s in pack.hifmi_segments())
        pack.derived["hifmi_segment_bounds"] = bounds
    return list(bounds)


def pay_critical_illness(
    pack: Pack, person: Person, ytd: YearToDate, t: FeeTotals, basic: BasicPoolPay, explain: list[ExplainStep]
) -> CriticalIllnessPay:
    """This bill's share of the year's 大病保险 payment; appends its explanation step."""
    rules = pack.model.hifmi
    if rules is None:
        return CriticalIllnessPay(ZERO, ZERO, "")
    base = basic.pool_prop_selfpay
    if rules.base == "after_pool_with_deductible":
        base += basic.deductible
    if rules.include_preselfpay:
        base += t.preselfpay_amt
    deductible, plus, poor = hifmi_deductible(rules, person)
    segments = hifmi_segment_bounds(pack)
    cumulative = ytd.hifmi_base + base
    target = round_fen(hifmi_annual(rules, segments, deductible, plus, cumulative))
    pay = telescoped(target, ytd.hifmi_pay, base)
    reached = _reached_segments(rules, segments, deductible, cumulative)
    ratios = "/".join(fmt_pct(min(ONE, r + plus)) for r in reached)
    how = " 分段" if len(reached) > 1 else " "
    poor_text = "（困难群体起付线和支付比例倾斜）" if poor else ""
    if cumulative > deductible:
        text = (f"大病保险：年度累计合规费用 {fmt_yuan(cumulative)} 元，超过起付线 {fmt_yuan(deductible)} 元部分"
                f"按 {ratios}{how}支付{poor_text}，本次支付 {fmt_yuan(pay)} 元")
        if ytd.hifmi_pay:
            text += f"（本年度此前已支付 {fmt_yuan(ytd.hifmi_pay)} 元）"
        if rules.annual_cap is not None and target >= rules.annual_cap:
            text += f"，已达年度最高支付限额 {fmt_yuan(rules.annual_cap)} 元"
    else:
        text = (f"大病保险：年度累计合规费用 {fmt_yuan(cumulative)} 元，未超过起付线 {fmt_yuan(deductible)} 元"
                f"{poor_text}，本次不支付")
    explain.append(ExplainStep("hifmi_pay", text, pay))
    return CriticalIllnessPay(base=base, pay=pay, info=f"大病起付线{deductible:.2f}元，年度累计{cumulative:.2f}元")
