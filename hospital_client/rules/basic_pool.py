"""Step 2 of a settlement, 基本医保统筹: the deductible, the ratio by level and band, the annual cap,
each possibly by person category (psn_type)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .annual import OPEN_END
from .errors import RequestError
from .fees import FeeTotals
from .money import ONE, ZERO, clamp, fmt_pct, fmt_yuan, round_fen
from .pack_schema import AdmissionRule, Amount, BandMeasure, FigureShare, PersonCategory, RatioBand
from .packs import Pack
from .request import Encounter, Person, YearToDate
from .result import ExplainStep

_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}


@dataclass(slots=True)
class BasicPoolPay:
    deductible: Decimal
    base: Decimal
    pay: Decimal
    pool_prop_selfpay: Decimal
    info: str
    # The policy-range cost of this bill above the annual cap: the part of the base the pool paid nothing on
    # because its cap was reached (rounded to the fen); zero when the cap did not bind.
    over_cap: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class PoolRules:
    """The basic-pool rules that apply to one person: a category's where it gives them, else [basic]'s."""

    category: PersonCategory | None
    deductible: dict[str, Amount]
    ratio: dict[str, Decimal] | None
    bands: list[RatioBand]
    measure: BandMeasure
    annual_cap: Amount | None
    admission_rules: list[AdmissionRule]


def pool_rules(pack: Pack, psn_type: str) -> PoolRules:
    """The rules for this psn_type; RequestError when the pack has none for it."""
    categories = pack.model.basic.categories
    position = next((i for i, c in enumerate(categories) if psn_type in c.psn_types), None)
    # Kept with the pack by category (a pack has a few), not by psn_type (any text a request gives).
    key = ("pool_rules", position)
    found: PoolRules | None = pack.derived.get(key)
    if found is None:
        category = None if position is None else categories[position]
        found = pack.derived[key] = _pool_rules(pack, category, psn_type)
    return found


def _pool_rules(pack: Pack, category: PersonCategory | None, psn_type: str) -> PoolRules:
    basic = pack.model.basic
    deductible = basic.deductible
    ratio, bands, measure, cap = basic.ratio, basic.bands, basic.measure, basic.annual_cap
    if category is not None:
        if category.deductible is not None:
            deductible = category.deductible
        if category.ratio is not None or category.bands:
            ratio, bands = category.ratio, category.bands
            measure = category.measure or basic.measure
        if category.annual_cap is not None:
            cap = category.annual_cap
    if deductible is None or (ratio is None and not bands):
        known = ", ".join(code for c in basic.categories for code in c.psn_types)
        raise RequestError(
            "person.psn_type",
            f"{psn_type or '(none)'} has no basic-pool rules in pack {pack.id} (its categories cover {known})",
        )
    admission_rules = basic.admission_rules
    if category is not None and category.admission_rules is not None:
        admission_rules = category.admission_rules
    return PoolRules(category, deductible, ratio, bands, measure or "above_deductible", cap, admission_rules)


def amount_of(pack: Pack, value: Amount) -> tuple[Decimal, str]:
    """An amount of the pack in yuan, and how it was reached when it is a share of a published figure."""
    if isinstance(value, FigureShare):
        figure = pack.model.figures[value.of]
        amount = round_fen(figure.amount * value.factor)
        times = fmt_pct(value.factor) if value.factor <= ONE else f"{value.factor.normalize():f} 倍"
        return amount, f"{figure.name} {fmt_yuan(figure.amount)} 元的 {times}"
    return value, ""


def _rule_for(rules: list[AdmissionRule], nth: int) -> AdmissionRule | None:
    found = None
    for candidate in rules:
        if candidate.from_nth <= nth:
            found = candidate
    return found


def admission_deductible(rules: list[AdmissionRule], level: str, first: Decimal, nth: int) -> Decimal:
    """The deductible of the nth admission of the year, before out-of-area and referral rules."""
    rule = _rule_for(rules, nth)
    if rule is None:
        return first
    if rule.factor is not None:
        return round_fen(first * rule.factor)
    if rule.amount is not None:
        return rule.amount[level]
    assert rule.less_each is not None
    before = admission_deductible(rules, level, first, rule.from_nth - 1)
    floor = rule.at_least[level] if rule.at_least is not None else ZERO
    return max(min(floor, before), before - rule.less_each[level] * (nth - rule.from_nth + 1))


def _basic_deductible(pack: Pack, pool: PoolRules, enc: Encounter, ytd: YearToDate) -> tuple[Decimal, str]:
    rules = pack.model.basic
    level = _LEVEL_NAMES[enc.hosp_lv]
    amount, how = amount_of(pack, pool.deductible[str(enc.hosp_lv)])
    who = pool.category.name if pool.category is not None else ""
    why = f"{who}{level}医院起付线 {fmt_yuan(amount)} 元" + (f"（{how}）" if how else "")
    # A stay continued after a mid-stay settlement was counted by its first settlement.
    nth = max(1, ytd.admissions) if enc.stay_before is not None else ytd.admissions + 1
    rule = _rule_for(pool.admission_rules, nth)
    if rule is not None:
        amount = admission_deductible(pool.admission_rules, str(enc.hosp_lv), amount, nth)
        if rule.factor is not None:
            why += f"；本年度第 {nth} 次住院按 {fmt_pct(rule.factor)} 计为 {fmt_yuan(amount)} 元"
        else:
            why += f"；本年度第 {nth} 次住院起付线为 {fmt_yuan(amount)} 元"
    if enc.out_of_area and rules.out_of_area.deductible_factor != ONE:
        amount = round_fen(amount * rules.out_of_area.deductible_factor)
        why += f"；异地就医按 {fmt_pct(rules.out_of_area.deductible_factor)} 计为 {fmt_yuan(amount)} 元"
    if rules.deductible_mode == "once_per_year_highest":
        if ytd.act_pay_dedc:
            amount = max(ZERO, amount - ytd.act_pay_dedc)
            why += (f"；本年度已付起付线 {fmt_yuan(ytd.act_pay_dedc)} 元，"
                    f"按最高级别补足差额 {fmt_yuan(amount)} 元")
        return amount, why
    if enc.referral is not None and rules.referral == "difference":
        ref = enc.referral
        if enc.hosp_lv > ref.from_hosp_lv:
            amount = max(ZERO, amount - ref.dedc_paid)
            why += (f"；由{_LEVEL_NAMES[ref.from_hosp_lv]}医院转诊，已付 {fmt_yuan(ref.dedc_paid)} 元，"
                    f"补足差额 {fmt_yuan(amount)} 元")
        else:
            amount = ZERO
            why += f"；由{_LEVEL_NAMES[ref.from_hosp_lv]}医院转至同级或下级医院，不再计起付线"
    return amount, why


def pay_basic_pool(
    pack: Pack, person: Person, enc: Encounter, ytd: YearToDate, t: FeeTotals, explain: list[ExplainStep]
) -> BasicPoolPay:
    """The basic pool's payment on the policy-range amount; appends its explanation steps."""
    rules = pack.model.basic
    pool = pool_rules(pack, person.psn_type)
    inscp = t.inscp_scp_amt
    stay = enc.stay_before
    deductible = ZERO
    if stay is not None:
        deductible = _continued_deductible(pack, pool, enc, ytd, inscp, explain)
    elif inscp > 0:
        full, why = _basic_deductible(pack, pool, enc, ytd)
        deductible = min(full, inscp)
        text = f"{why}；本次由个人负担起付线 {fmt_yuan(deductible)} 元"
        explain.append(ExplainStep("act_pay_dedc", text, deductible))
    base = inscp - deductible

    delta = rules.group_ratio_plus.get(person.psn_type, ZERO)
    notes: list[str] = []
    if delta:
        notes.append(f"人员类别加 {fmt_pct(delta)}")
    if enc.out_of_area:
        minus = (rules.out_of_area.ratio_minus_registered if enc.out_of_area_registered
                 else rules.out_of_area.ratio_minus_unregistered)
        if minus:
            delta -= minus
            notes.append(f"异地就医{'已备案' if enc.out_of_area_registered else '未备案'}降低 {fmt_pct(minus)}")
    if pool.bands and pool.measure == "policy_range":
        notes.append("分段按政策范围内费用总额计，含起付线")
    level = str(enc.hosp_lv)
    if pool.ratio is not None:
        bands = [(OPEN_END, clamp(pool.ratio[level] + delta, ZERO, ONE))]
    else:
        bands = [(b.upto if b.upto is not None else OPEN_END, clamp(b.ratio[level] + delta, ZERO, ONE))
                 for b in pool.bands]
    parts: list[str] = []
    if stay is None:
        # Band bounds are counted from the deductible, or on the policy-range amount itself.
        offset = ZERO if pool.measure == "above_deductible" else deductible
        raw = _banded(bands, base, offset, parts)
    else:
        # The stay goes on from its earlier periods: the bands are placed on the whole stay's amounts, and
        # this period pays the stay's rounded amount after it less the one before it.
        stay_dedc = stay.act_pay_dedc + deductible
        offset = ZERO if pool.measure == "above_deductible" else stay_dedc
        before = _banded(bands, max(ZERO, stay.inscp_scp_amt - stay_dedc), offset, [])
        after = _banded(bands, stay.inscp_scp_amt + inscp - stay_dedc, offset, parts)
        raw = round_fen(after) - round_fen(before)
        notes.append(f"接续本住院此前 {stay.periods} 次中途结算，分段按整个住院累计计算")
    pay = round_fen(raw)
    capped = ""
    over_cap = ZERO
    if base > 0 and pool.annual_cap is not None:
        cap, _ = amount_of(pack, pool.annual_cap)
        room = max(ZERO, cap - ytd.hifp_pay)
        if pay > room:
            pay = room
            if stay is None:
                over_cap = round_fen(base - _inverse(bands, offset, pay))
            else:
                whole = stay.inscp_scp_amt + inscp - stay.act_pay_dedc - deductible
                over_cap = round_fen(whole - _inverse(bands, offset, round_fen(before) + pay))
            capped = (f"，达到年度最高支付限额 {fmt_yuan(cap)} 元"
                      f"（本年度此前已支付 {fmt_yuan(ytd.hifp_pay)} 元）")
    ratio_text = "/".join(parts) if parts else fmt_pct(bands[0][1])
    how = " 分段" if len(parts) > 1 else " "
    note_text = f"（{'，'.join(notes)}）" if notes else ""
    explain.append(ExplainStep(
        "hifp_pay",
        f"基本医保统筹：起付线以上政策范围内费用 {fmt_yuan(base)} 元按 {ratio_text}{how}支付{note_text}，"
        f"支付 {fmt_yuan(pay)} 元{capped}",
        pay,
    ))
    return BasicPoolPay(
        deductible=deductible, base=base, pay=pay, pool_prop_selfpay=base - pay,
        info=f"起付线{deductible:.2f}元，支付比例{ratio_text}", over_cap=min(over_cap, base),
    )


def _inverse(bands: list[tuple[Decimal, Decimal]], offset: Decimal, amount: Decimal) -> Decimal:
    """The base above the deductible on which _banded reaches amount (the end of what the pool covers)."""
    if amount <= 0:
        return ZERO
    lower = ZERO
    reached = ZERO
    for upto, ratio in bands:
        top = upto if upto == OPEN_END else upto - offset
        start = max(lower, ZERO)
        lower = max(lower, top)
        if top <= start:
            continue
        band_amount = (top - start) * ratio
        if ratio > 0 and reached + band_amount >= amount:
            return start + (amount - reached) / ratio
        reached += band_amount
    return OPEN_END


def _banded(bands: list[tuple[Decimal, Decimal]], base: Decimal, offset: Decimal, parts: list[str]) -> Decimal:
    """The pool's amount before rounding on a base above the deductible, band by band (each band's bound less
    offset); appends the ratios of the bands reached to parts."""
    raw = ZERO
    if base >= 0:
        lower = ZERO
        for upto, ratio in bands:
            top = upto if upto == OPEN_END else upto - offset
            portion = min(base, top) - max(lower, ZERO)
            lower = max(lower, top)
            if portion <= 0:
                if top >= base:
                    break
                continue
            raw += portion * ratio
            parts.append(fmt_pct(ratio))
    else:
        raw = base * bands[0][1]
        parts.append(fmt_pct(bands[0][1]))
    return raw


def _continued_deductible(pack: Pack, pool: PoolRules, enc: Encounter, ytd: YearToDate, inscp: Decimal,
                          explain: list[ExplainStep]) -> Decimal:
    """The deductible of a settlement that continues a stay: no second one; in the year of the earlier periods,
    what the stay's deductible still lacks (when they did not reach it), in a new year none."""
    stay = enc.stay_before
    assert stay is not None
    if stay.endtime.year != enc.endtime.year:
        explain.append(ExplainStep(
            "act_pay_dedc",
            f"跨年度住院接续 {stay.endtime.year} 年度的中途结算（已付起付线 {fmt_yuan(stay.act_pay_dedc)} 元），"
            "本次不再计起付线", ZERO))
        return ZERO
    full, why = _basic_deductible(pack, pool, enc, ytd)
    if pack.model.basic.deductible_mode == "once_per_year_highest":
        # The year's deductible paid so far (year_to_date) already holds what the earlier periods paid.
        deductible = clamp(full, ZERO, max(ZERO, inscp))
    else:
        deductible = clamp(min(full, stay.inscp_scp_amt + inscp) - stay.act_pay_dedc, ZERO, max(ZERO, inscp))
    explain.append(ExplainStep(
        "act_pay_dedc",
        f"{why}；本住院此前中途结算已付起付线 {fmt_yuan(stay.act_pay_dedc)} 元，不再重复计算，"
        f"本次由个人负担起付线 {fmt_yuan(deductible)} 元", deductible))
    return deductible
