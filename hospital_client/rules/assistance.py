"""Step 4 of a settlement, 医疗救助: by assistance group (deductible, ratio, cap), then its second tier."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .annual import telescoped
from .basic_pool import BasicPoolPay
from .fees import FeeTotals
from .money import ZERO, fmt_pct, fmt_yuan, round_fen
from .packs import Pack
from .request import Person, YearToDate
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


def pay_assistance(
    pack: Pack, person: Person, ytd: YearToDate, t: FeeTotals, basic: BasicPoolPay, hifmi_pay: Decimal,
    explain: list[ExplainStep],
) -> AssistancePay:
    """This bill's share of the year's 医疗救助 (and second-tier) payment; appends their explanation steps."""
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
    cumulative = ytd.maf_base + left
    target = round_fen(min(tier.annual_cap, tier.ratio * max(ZERO, cumulative - tier.deductible)))
    pay = telescoped(target, ytd.maf_pay, left)
    name = GROUP_NAMES.get(group, group)
    above = f"超过救助起付线 {fmt_yuan(tier.deductible)} 元部分" if tier.deductible else ""
    text = (f"医疗救助（{name}）：年度累计救助范围内个人负担 {fmt_yuan(cumulative)} 元，"
            f"{above}按 {fmt_pct(tier.ratio)} 救助，本次救助 {fmt_yuan(pay)} 元")
    if target >= tier.annual_cap:
        text += f"，已达年度救助限额 {fmt_yuan(tier.annual_cap)} 元"
    explain.append(ExplainStep("maf_pay", text, pay))
    result = AssistancePay(base=left, pay=pay, info=f"救助起付线{tier.deductible:.2f}元，比例{fmt_pct(tier.ratio)}")

    second = rules.second_tier
    if second is not None and group in second.groups:
        left2 = left - pay
        cumulative2 = ytd.maf2_base + left2
        target2 = round_fen(min(second.annual_cap, second.ratio * max(ZERO, cumulative2 - second.threshold)))
        pay2 = telescoped(target2, ytd.maf2_pay, left2)
        text2 = (f"倾斜救助：救助后年度累计个人负担 {fmt_yuan(cumulative2)} 元，超过 {fmt_yuan(second.threshold)} 元"
                 f"部分按 {fmt_pct(second.ratio)} 再救助，本次 {fmt_yuan(pay2)} 元")
        if target2 >= second.annual_cap:
            text2 += f"，已达年度限额 {fmt_yuan(second.annual_cap)} 元"
        explain.append(ExplainStep("maf2_pay", text2, pay2))
        result.base2, result.pay2 = left2, pay2
        result.info2 = f"再救助起点{second.threshold:.2f}元，比例{fmt_pct(second.ratio)}"
    return result
