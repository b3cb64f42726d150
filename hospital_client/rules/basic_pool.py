"""Step 2 of a settlement, 基本医保统筹: the deductible, the ratio by level and band, the annual cap."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .annual import OPEN_END
from .fees import FeeTotals
from .money import ONE, ZERO, clamp, fmt_pct, fmt_yuan, round_fen
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


def _basic_deductible(pack: Pack, enc: Encounter, ytd: YearToDate) -> tuple[Decimal, str]:
    rules = pack.model.basic
    level = _LEVEL_NAMES[enc.hosp_lv]
    amount = rules.deductible[str(enc.hosp_lv)]
    why = f"{level}医院起付线 {fmt_yuan(amount)} 元"
    nth = ytd.admissions + 1
    rule = None
    for candidate in rules.admission_rules:
        if candidate.from_nth <= nth:
            rule = candidate
    if rule is not None:
        if rule.factor is not None:
            amount = round_fen(amount * rule.factor)
            why += f"；本年度第 {nth} 次住院按 {fmt_pct(rule.factor)} 计为 {fmt_yuan(amount)} 元"
        elif rule.amount is not None:
            amount = rule.amount
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
    inscp = t.inscp_scp_amt
    deductible = ZERO
    if inscp > 0:
        full, why = _basic_deductible(pack, enc, ytd)
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
    level = str(enc.hosp_lv)
    if rules.ratio is not None:
        bands = [(OPEN_END, clamp(rules.ratio[level] + delta, ZERO, ONE))]
    else:
        bands = [(b.upto if b.upto is not None else OPEN_END, clamp(b.ratio[level] + delta, ZERO, ONE))
                 for b in rules.bands]
    raw = ZERO
    parts: list[str] = []
    if base >= 0:
        lower = ZERO
        for upto, ratio in bands:
            portion = min(base, upto) - lower
            if portion <= 0:
                break
            raw += portion * ratio
            parts.append(fmt_pct(ratio))
            lower = upto
    else:
        raw = base * bands[0][1]
        parts.append(fmt_pct(bands[0][1]))
    pay = round_fen(raw)
    capped = ""
    if base > 0:
        room = max(ZERO, rules.annual_cap - ytd.hifp_pay)
        if pay > room:
            pay = room
            capped = (f"，达到年度最高支付限额 {fmt_yuan(rules.annual_cap)} 元"
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
        info=f"起付线{deductible:.2f}元，支付比例{ratio_text}",
    )
