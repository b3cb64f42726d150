"""The employee schemes' further steps after the basic pool, each optional in a pack:

    [hifob]    职工大额医疗费用补助 (setlinfo hifob_pay; the platform's fund_pay_type 330100)
    [cvlserv]  公务员医疗补助      (setlinfo cvlserv_pay; 320100), for persons with person.cvlserv_flag

Each is settled on the year's cumulative base like 大病保险 (annual.py): its deductible, ratio or segments
and annual cap apply to the year's base, and this bill pays the year's rounded amount less what the step
already paid. The base is the policy-range cost above the basic pool's annual cap ("over_pool_cap"), or what
the patient still carries of the policy-range cost after the pool and the steps before ("after_pool", with
or without this bill's deductible). The year's base and payment travel in year_to_date as <name>_base and
<name>_pay.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .annual import telescoped
from .assistance import scale_amount
from .basic_pool import BasicPoolPay, amount_of
from .money import ZERO, fmt_pct, fmt_yuan, round_fen
from .outpatient import ytd_value
from .pack_schema import FURTHER_FUNDS, FURTHER_YTD_KEYS, FurtherFund
from .packs import Pack
from .request import Person, YearToDate
from .result import ExplainStep, FundPayment

STEP_NAMES = {"hifob": "职工大额医疗费用补助", "cvlserv": "公务员医疗补助"}
SETLINFO_KEY = {"hifob": "hifob_pay", "cvlserv": "cvlserv_pay"}
_BASE_TEXT = {
    "over_pool_cap": "超过统筹基金年度最高支付限额的政策范围内费用",
    "after_pool": "统筹支付后个人负担的政策范围内费用",
    "after_pool_with_deductible": "统筹支付后个人负担的政策范围内费用（含起付线）",
}


@dataclass(slots=True)
class FurtherPay:
    name: str          # "hifob" or "cvlserv"
    base: Decimal      # this bill's base
    pay: Decimal
    info: str


def applies(name: str, rules: FurtherFund, person: Person) -> bool:
    if rules.insutypes and person.insutype not in rules.insutypes:
        return False
    return name != "cvlserv" or person.cvlserv_flag


def pay_further(pack: Pack, person: Person, ytd: YearToDate, basic: BasicPoolPay,
                explain: list[ExplainStep]) -> list[FurtherPay]:
    """Each further step of the pack in order; a step that does not apply to the person pays nothing."""
    out: list[FurtherPay] = []
    paid = ZERO
    for name in FURTHER_FUNDS:
        rules: FurtherFund | None = getattr(pack.model, name)
        if rules is None:
            continue
        if not applies(name, rules, person):
            out.append(FurtherPay(name, ZERO, ZERO, ""))
            continue
        if rules.base == "over_pool_cap":
            base = basic.over_cap
        else:
            base = basic.pool_prop_selfpay - paid
            if rules.base == "after_pool_with_deductible":
                base += basic.deductible
        base_key, pay_key = FURTHER_YTD_KEYS[name]
        cumulative = ytd_value(ytd, base_key) + base
        paid_before = ytd_value(ytd, pay_key)
        deductible, _ = amount_of(pack, rules.deductible)
        raw = scale_amount(rules.ratio, rules.segments, deductible, cumulative)
        cap = amount_of(pack, rules.annual_cap)[0] if rules.annual_cap is not None else None
        target = round_fen(raw if cap is None else min(cap, raw))
        pay = telescoped(target, paid_before, base)
        scale = fmt_pct(rules.ratio) if rules.ratio is not None else "/".join(fmt_pct(s.ratio) for s in rules.segments)
        text = (f"{STEP_NAMES[name]}：年度累计{_BASE_TEXT[rules.base]} {fmt_yuan(cumulative)} 元"
                + (f"，超过起付线 {fmt_yuan(deductible)} 元部分" if deductible else "")
                + f"按 {scale} 支付，本次支付 {fmt_yuan(pay)} 元")
        if paid_before:
            text += f"（本年度此前已支付 {fmt_yuan(paid_before)} 元）"
        if cap is not None and target >= cap:
            text += f"，已达年度最高支付限额 {fmt_yuan(cap)} 元"
        explain.append(ExplainStep(SETLINFO_KEY[name], text, pay))
        out.append(FurtherPay(name, base, pay, f"起付线{deductible:.2f}元，比例{scale}，年度累计{cumulative:.2f}元"))
        paid += pay
    return out


def further_sentences(pack: Pack) -> list[str]:
    """The further steps as Chinese sentences for `policy explain`."""
    lines: list[str] = []
    for name in FURTHER_FUNDS:
        rules: FurtherFund | None = getattr(pack.model, name)
        if rules is None:
            continue
        who = "公务员（公务员标志）" if name == "cvlserv" else "参保职工"
        if rules.insutypes:
            who += f"（险种 {'、'.join(rules.insutypes)}）"
        deductible, _ = amount_of(pack, rules.deductible)
        if rules.ratio is not None:
            scale = f"按 {fmt_pct(rules.ratio)} 支付"
        else:
            parts = [f"{fmt_yuan(s.upto)} 元以内 {fmt_pct(s.ratio)}" if s.upto is not None
                     else f"以上 {fmt_pct(s.ratio)}" for s in rules.segments]
            scale = "分段支付（" + "、".join(parts) + "）"
        text = f"{STEP_NAMES[name]}：{who}年度累计{_BASE_TEXT[rules.base]}"
        text += f"超过 {fmt_yuan(deductible)} 元部分" if deductible else ""
        text += scale
        if rules.annual_cap is not None:
            cap, cap_how = amount_of(pack, rules.annual_cap)
            text += f"，年度最高支付 {fmt_yuan(cap)} 元" + (f"（{cap_how}）" if cap_how else "")
        else:
            text += "，不设年度限额"
        lines.append(text + "。")
    return lines


def after_further(basic: BasicPoolPay, further: list[FurtherPay]) -> BasicPoolPay:
    """The basic pool's result as the steps after the further ones see it: what the patient still carries
    of the policy-range cost is less what the further steps paid."""
    paid = sum((f.pay for f in further), ZERO)
    return replace(basic, pool_prop_selfpay=basic.pool_prop_selfpay - paid) if paid else basic


def further_setlinfo(further: list[FurtherPay]) -> dict[str, Decimal]:
    """The setlinfo amounts of the pack's further steps (hifob_pay, cvlserv_pay)."""
    return {SETLINFO_KEY[f.name]: f.pay for f in further}


def further_accumulators(further: list[FurtherPay]) -> dict[str, Decimal]:
    """What each further step adds to its year_to_date keys."""
    out: dict[str, Decimal] = {}
    for f in further:
        base_key, pay_key = FURTHER_YTD_KEYS[f.name]
        out[base_key], out[pay_key] = f.base, f.pay
    return out


def further_details(pack: Pack, further: list[FurtherPay]) -> list[FundPayment]:
    """The setldetail entries of the further steps that paid."""
    out: list[FundPayment] = []
    for f in further:
        fund = getattr(pack.model.funds, f.name)
        if fund is not None and f.pay:
            out.append(FundPayment(fund.code, fund.name, f.base, f.pay, f.info))
    return out
