"""Step 2 of an outpatient settlement: the pack's [outpatient.<name>] section for the request's med_type.

    普通门诊统筹 (11): a per-visit deductible, an annual deductible, the ratio by level, an annual cap.
    门诊慢特病 (14): the same, plus the disease's annual limit (the disease code dise_codg on the request).

Each amount the section counts over the year lives in the year_to_date key the section names: a key of
its own keeps it apart from inpatient, "act_pay_dedc" or "hifp_pay" shares inpatient's.
"""

from __future__ import annotations

from decimal import Decimal

from .basic_pool import BasicPoolPay
from .errors import RequestError
from .fees import FeeTotals
from .money import ZERO, fmt_pct, fmt_yuan, round_fen
from .pack_schema import OutpatientSection
from .request import Encounter, YearToDate
from .result import ExplainStep

_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}


def ytd_value(ytd: YearToDate, key: str) -> Decimal:
    """An accumulator by key: a core one, or one the pack declares (zero when the request leaves it out)."""
    value = getattr(ytd, key, None) if key in YearToDate.model_fields else ytd.pack_keys().get(key)
    return value if isinstance(value, Decimal) else ZERO


def pay_outpatient(
    section: OutpatientSection, enc: Encounter, ytd: YearToDate, t: FeeTotals, explain: list[ExplainStep]
) -> tuple[BasicPoolPay, dict[str, Decimal]]:
    """The pool's payment for one outpatient visit, and what it adds to each accumulator it counts in."""
    disease = None
    if section.diseases:
        if enc.dise_codg is None:
            raise RequestError("encounter.dise_codg", f"required for {section.name}: the disease code")
        disease = section.diseases.get(enc.dise_codg)
        if disease is None:
            raise RequestError(
                "encounter.dise_codg",
                f"{enc.dise_codg} is not on the disease list of {section.name} ({', '.join(section.diseases)})",
            )
    level = str(enc.hosp_lv)
    inscp = t.inscp_scp_amt
    added: dict[str, Decimal] = {}
    reasons: list[str] = []
    deductible = ZERO
    if inscp > 0 and section.deductible_per_visit is not None:
        per_visit = min(section.deductible_per_visit[level], inscp)
        if section.deductible_per_visit[level]:
            reasons.append(f"{_LEVEL_NAMES[enc.hosp_lv]}医院每次就诊起付线 "
                           f"{fmt_yuan(section.deductible_per_visit[level])} 元")
        deductible += per_visit
    if inscp > deductible and section.deductible_annual is not None and section.deductible_key is not None:
        before = ytd_value(ytd, section.deductible_key)
        left = max(ZERO, section.deductible_annual - before)
        annual = min(left, inscp - deductible)
        shared = "（与住院共用）" if section.deductible_key == "act_pay_dedc" else ""
        reasons.append(f"年度起付线 {fmt_yuan(section.deductible_annual)} 元{shared}，"
                       f"本年度已付 {fmt_yuan(before)} 元")
        deductible += annual
        added[section.deductible_key] = annual
    if inscp > 0:
        why = "；".join(reasons) if reasons else "不设起付线"
        explain.append(ExplainStep(
            "act_pay_dedc", f"{section.name}：{why}；本次由个人负担起付线 {fmt_yuan(deductible)} 元", deductible
        ))
    base = inscp - deductible
    ratio = section.ratio[level]
    pay = round_fen(base * ratio)
    capped = ""
    limits: list[tuple[str, Decimal, Decimal]] = []
    if section.annual_cap is not None:
        limits.append(("年度最高支付限额", section.annual_cap, ytd_value(ytd, section.paid_key)))
    if disease is not None:
        limits.append((f"{disease.name}年度支付限额", disease.annual_limit, ytd_value(ytd, disease.paid_key)))
    if base > 0:
        for what, cap, paid in limits:
            room = max(ZERO, cap - paid)
            if pay > room:
                pay = room
                capped = f"，达到{what} {fmt_yuan(cap)} 元（本年度此前已支付 {fmt_yuan(paid)} 元）"
    added[section.paid_key] = added.get(section.paid_key, ZERO) + pay
    if disease is not None:
        added[disease.paid_key] = added.get(disease.paid_key, ZERO) + pay
    explain.append(ExplainStep(
        "hifp_pay",
        f"{section.name}统筹：起付线以上政策范围内费用 {fmt_yuan(base)} 元按 {fmt_pct(ratio)} 支付，"
        f"支付 {fmt_yuan(pay)} 元{capped}",
        pay,
    ))
    info = f"{section.name}，起付线{deductible:.2f}元，支付比例{fmt_pct(ratio)}"
    return BasicPoolPay(deductible, base, pay, base - pay, info), added
