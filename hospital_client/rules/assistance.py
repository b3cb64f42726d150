"""Step 4 of a settlement, 医疗救助: by assistance group (deductible, ratio or bands, caps), then its second tier.

Each tier is either yearly (per = "year", the default: deductible, bands and annual cap on the year's
cumulative base, settled bill by bill as in annual.py) or per admission (per = "admission": deductible,
bands and admission cap on this admission's base alone; an annual cap, if any, limits the year's total).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .annual import OPEN_END, telescoped
from .basic_pool import BasicPoolPay
from .fees import FeeTotals
from .money import ZERO, fmt_pct, fmt_yuan, round_fen
from .pack_schema import AssistanceGroup, AssistanceRules, SecondTier, Segment
from .packs import Pack
from .request import Person, StayBefore, YearToDate
from .result import ExplainStep

GROUP_NAMES = {
    "tekun": "特困供养人员", "dibao": "低保对象", "dibao_edge": "低保边缘人员",
    "poverty": "建档立卡贫困人口", "orphan": "孤儿", "disabled": "重度残疾人", "other": "其他救助对象",
}


@dataclass(slots=True)
class AssistancePay:
    base: Decimal = ZERO
    pay: Decimal = ZERO
    info: str = ""
    base2: Decimal = ZERO
    pay2: Decimal = ZERO
    info2: str = ""


@dataclass(slots=True)
class _TierPay:
    pay: Decimal
    measured: Decimal        # the base the scale was applied to: the year's cumulative one, or this admission's
    capped: str              # "", or the cap reached: "admission" or "year"
    cap: Decimal


def scale_amount(ratio: Decimal | None, bands: list[Segment], deductible: Decimal, base: Decimal) -> Decimal:
    """The part of base above the deductible times the ratio, or band by band (each 'upto' counted from the
    deductible); before rounding and caps."""
    above = base - deductible
    if above <= 0:
        return ZERO
    if ratio is not None:
        return above * ratio
    total = ZERO
    lower = ZERO
    for band in bands:
        top = band.upto if band.upto is not None else OPEN_END
        portion = min(above, top) - lower
        if portion > 0:
            total += portion * band.ratio
        lower = top
        if above <= top:
            break
    return total


def _tier_pay(tier: AssistanceGroup | SecondTier, deductible: Decimal, left: Decimal, base_before: Decimal,
              paid_before: Decimal, stay_base: Decimal | None = None, stay_paid: Decimal = ZERO) -> _TierPay:
    """The tier's payment; stay_base and stay_paid: what the stay's earlier periods (中途结算) had as this
    tier's base and payment, when this settlement continues a stay (a per-admission tier goes on from them)."""
    if tier.per == "year":
        cumulative = base_before + left
        raw = scale_amount(tier.ratio, tier.bands, deductible, cumulative)
        cap = tier.annual_cap
        target = round_fen(raw if cap is None else min(cap, raw))
        pay = telescoped(target, paid_before, left)
        reached = cap is not None and target >= cap
        return _TierPay(pay, cumulative, "year" if reached else "", cap if cap is not None else ZERO)
    if stay_base is not None:
        return _continued_admission_pay(tier, deductible, left, paid_before, stay_base, stay_paid)
    if left <= 0:
        return _TierPay(ZERO, left, "", ZERO)
    raw = scale_amount(tier.ratio, tier.bands, deductible, left)
    capped, cap = "", ZERO
    if tier.admission_cap is not None and raw >= tier.admission_cap:
        raw, capped, cap = tier.admission_cap, "admission", tier.admission_cap
    if tier.annual_cap is not None:
        room = max(ZERO, tier.annual_cap - paid_before)
        if raw >= room:
            raw, capped, cap = room, "year", tier.annual_cap
    return _TierPay(round_fen(raw), left, capped, cap)


def _continued_admission_pay(tier: AssistanceGroup | SecondTier, deductible: Decimal, left: Decimal,
                             paid_before: Decimal, stay_base: Decimal, stay_paid: Decimal) -> _TierPay:
    """A per-admission tier over a stay settled in periods: the stay's amount on its whole base (deductible,
    bands and admission cap once per stay), rounded, less what its earlier periods were paid."""
    whole = stay_base + left
    raw = scale_amount(tier.ratio, tier.bands, deductible, whole)
    capped, cap = "", ZERO
    if tier.admission_cap is not None and raw >= tier.admission_cap:
        raw, capped, cap = tier.admission_cap, "admission", tier.admission_cap
    pay = telescoped(round_fen(raw), stay_paid, left)
    if tier.annual_cap is not None:
        room = max(ZERO, tier.annual_cap - paid_before)
        if pay >= room:
            pay, capped, cap = room, "year", tier.annual_cap
    return _TierPay(pay, whole, capped, cap)


def _ratio_text(tier: AssistanceGroup | SecondTier) -> str:
    if tier.ratio is not None:
        return fmt_pct(tier.ratio)
    parts = [f"{fmt_yuan(b.upto)} 元以内 {fmt_pct(b.ratio)}" if b.upto is not None else f"以上 {fmt_pct(b.ratio)}"
             for b in tier.bands]
    return "分段（" + "、".join(parts) + "）"


def _cap_text(tp: _TierPay, what: str) -> str:
    if tp.capped == "admission":
        return f"，已达每次住院{what} {fmt_yuan(tp.cap)} 元"
    if tp.capped == "year":
        return f"，已达年度{what} {fmt_yuan(tp.cap)} 元"
    return ""


def pay_assistance(
    pack: Pack, person: Person, ytd: YearToDate, t: FeeTotals, basic: BasicPoolPay, hifmi_pay: Decimal,
    explain: list[ExplainStep], stay: StayBefore | None = None,
) -> AssistancePay:
    """This bill's 医疗救助 (and second-tier) payment; appends their explanation steps."""
    rules = pack.model.assistance
    group = person.assistance_group
    if rules is None or group is None or group not in rules.groups:
        return AssistancePay()
    tier = rules.groups[group]
    if rules.base == "all":
        left = t.medfee_sumamt - basic.pay - hifmi_pay
    elif rules.base == "compliant_with_preselfpay":
        left = t.inscp_scp_amt + t.preselfpay_amt - basic.pay - hifmi_pay
    else:
        left = t.inscp_scp_amt - basic.pay - hifmi_pay
    if t.medfee_sumamt >= 0:
        left = max(ZERO, left)
    per_stay = stay is not None and tier.per == "admission"
    tp = _tier_pay(tier, tier.deductible, left, ytd.maf_base, ytd.maf_pay,
                   stay.maf_base if stay is not None and per_stay else None, stay.maf_pay if stay is not None else ZERO)
    pay = tp.pay
    name = GROUP_NAMES.get(group, group)
    per_admission = tier.per == "admission"
    span = "本次住院" if per_admission else "年度累计"
    above = ""
    if tier.deductible:
        above = f"超过{'每次' if per_admission else ''}救助起付线 {fmt_yuan(tier.deductible)} 元部分"
    ratio = _ratio_text(tier)
    text = (f"医疗救助（{name}）：{span}救助范围内个人负担 {fmt_yuan(tp.measured)} 元，"
            f"{above}按 {ratio} 救助，本次救助 {fmt_yuan(pay)} 元")
    text += _cap_text(tp, "救助限额")
    explain.append(ExplainStep("maf_pay", text, pay))
    info = f"救助起付线{tier.deductible:.2f}元，比例{ratio}"
    result = AssistancePay(base=left, pay=pay, info=info + ("（按次）" if per_admission else ""))

    second = rules.second_tier
    if second is not None and group in second.groups:
        left2 = left - pay
        per_stay2 = stay is not None and second.per == "admission"
        tp2 = _tier_pay(second, second.threshold, left2, ytd.maf2_base, ytd.maf2_pay,
                        stay.maf2_base if stay is not None and per_stay2 else None,
                        stay.maf2_pay if stay is not None else ZERO)
        pay2 = tp2.pay
        ratio2 = _ratio_text(second)
        if second.per == "admission":
            text2 = (f"倾斜救助：本次住院救助后个人负担 {fmt_yuan(tp2.measured)} 元，超过每次 "
                     f"{fmt_yuan(second.threshold)} 元部分按 {ratio2} 再救助，本次 {fmt_yuan(pay2)} 元")
        else:
            text2 = (f"倾斜救助：救助后年度累计个人负担 {fmt_yuan(tp2.measured)} 元，"
                     f"超过 {fmt_yuan(second.threshold)} 元部分按 {ratio2} 再救助，"
                     f"本次 {fmt_yuan(pay2)} 元")
        text2 += _cap_text(tp2, "限额")
        explain.append(ExplainStep("maf2_pay", text2, pay2))
        result.base2, result.pay2 = left2, pay2
        result.info2 = (f"再救助起点{second.threshold:.2f}元，比例{ratio2}"
                        + ("（按次）" if second.per == "admission" else ""))
    return result


def assistance_sentences(rules: AssistanceRules) -> list[str]:
    """The 医疗救助 rules of a pack as Chinese sentences, one per group and one for the second tier."""
    lines: list[str] = []
    for group, tier in rules.groups.items():
        name = GROUP_NAMES.get(group, group)
        lines.append(f"医疗救助（{name}）：" + _tier_sentence(tier, tier.deductible, "救助起付线"))
    second = rules.second_tier
    if second is not None:
        names = "、".join(GROUP_NAMES.get(g, g) for g in second.groups)
        lines.append(f"倾斜救助（{names}）：救助后个人负担" + _tier_sentence(second, second.threshold, "再救助起点"))
    return lines


def _tier_sentence(tier: AssistanceGroup | SecondTier, deductible: Decimal, what: str) -> str:
    span = "每次住院" if tier.per == "admission" else "年度累计"
    caps = []
    if tier.admission_cap is not None:
        caps.append(f"每次住院限额 {fmt_yuan(tier.admission_cap)} 元")
    if tier.annual_cap is not None:
        caps.append(f"年度限额 {fmt_yuan(tier.annual_cap)} 元")
    cap_text = "，".join(caps) if caps else "不设限额"
    return f"{span}{what} {fmt_yuan(deductible)} 元以上部分按 {_ratio_text(tier)} 救助；{cap_text}。"
