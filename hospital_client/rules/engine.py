"""The settlement pipeline of DESIGN.md section 1.

    fee lines -> 丙类/超限价/先行自付 -> policy-range amount
      -> basic pool (deductible, ratio by level and band, annual cap)
      -> 大病保险 (annual cumulative base, segments, cap or none)
      -> 医疗救助 by group (deductible, ratio, cap) and its second tier
      -> the patient's share

Annual rules are applied cumulatively: a fund's payment this time is its annual amount on
the year's cumulative base after this bill, rounded to the fen once, minus what it already
paid this year. Settling a year bill by bill therefore gives exactly the annual figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .catalog import Catalog
from .errors import RequestError
from .fees import FeeTotals, classify_fees
from .money import ONE, ZERO, clamp, fmt_pct, fmt_yuan, round_fen
from .pack_schema import DeductibleSpec, HifmiRules
from .packs import Pack
from .request import Encounter, Person, SettlementRequest, YearToDate, parse_request
from .result import ExplainStep, FundPayment, SettlementResult

INPATIENT = "21"
_INFINITY = Decimal("1e18")
_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}
GROUP_NAMES = {
    "tekun": "特困供养人员", "dibao": "低保对象", "dibao_edge": "低保边缘人员",
    "poverty": "建档立卡贫困人口", "orphan": "孤儿", "disabled": "重度残疾人", "other": "其他救助对象",
}


def settle(request: SettlementRequest | dict[str, Any], pack: Pack, catalog: Catalog) -> SettlementResult:
    """Compute the split of one bill. Pure: same inputs, same result, no I/O."""
    req = request if isinstance(request, SettlementRequest) else parse_request(request)
    _check_fits_pack(req, pack)
    ytd = req.year_to_date or YearToDate()
    fee_results, totals = classify_fees(req.fees, catalog, pack.model.items)
    explain: list[ExplainStep] = []
    warnings: list[str] = []
    _explain_fees(totals, explain, warnings)

    basic = _basic_pool(pack, req.person, req.encounter, ytd, totals, explain)
    hifmi = _critical_illness(pack, req.person, ytd, totals, basic, explain)
    maf = _assistance(pack, req.person, ytd, totals, basic, hifmi.pay, explain)

    fund_total = basic.pay + hifmi.pay + maf.pay + maf.pay2
    psn_part = totals.medfee_sumamt - fund_total
    explain.append(ExplainStep("psn_cash_pay", f"个人现金支付 {fmt_yuan(psn_part)} 元", psn_part))

    setlinfo = {
        "medfee_sumamt": totals.medfee_sumamt,
        "fulamt_ownpay_amt": totals.fulamt_ownpay_amt,
        "overlmt_selfpay": totals.overlmt_selfpay,
        "preselfpay_amt": totals.preselfpay_amt,
        "inscp_scp_amt": totals.inscp_scp_amt,
        "act_pay_dedc": basic.deductible,
        "hifp_pay": basic.pay,
        "pool_prop_selfpay": basic.pool_prop_selfpay,
        "hifmi_pay": hifmi.pay,
        "maf_pay": maf.pay + maf.pay2,
        "oth_pay": ZERO,
        "fund_pay_sumamt": fund_total,
        "psn_part_amt": psn_part,
        "acct_pay": ZERO,
        "psn_cash_pay": psn_part,
    }
    funds = pack.model.funds
    basic_fund = funds.basic_by_insutype.get(req.person.insutype, funds.basic)
    detail: list[FundPayment] = [
        FundPayment(basic_fund.code, basic_fund.name, basic.base, basic.pay, basic.info)
    ]
    if funds.hifmi is not None and hifmi.pay:
        detail.append(FundPayment(funds.hifmi.code, funds.hifmi.name, hifmi.base, hifmi.pay, hifmi.info))
    if funds.maf is not None and maf.pay:
        detail.append(FundPayment(funds.maf.code, funds.maf.name, maf.base, maf.pay, maf.info))
    if funds.maf2 is not None and maf.pay2:
        detail.append(FundPayment(funds.maf2.code, funds.maf2.name, maf.base2, maf.pay2, maf.info2))

    admissions = ytd.admissions + (1 if req.encounter.med_type == INPATIENT and totals.medfee_sumamt > 0 else 0)
    ytd_after: dict[str, Decimal | int] = {
        "admissions": admissions,
        "act_pay_dedc": _nonneg(ytd.act_pay_dedc + basic.deductible),
        "hifp_pay": _nonneg(ytd.hifp_pay + basic.pay),
        "hifmi_base": _nonneg(ytd.hifmi_base + hifmi.base),
        "hifmi_pay": _nonneg(ytd.hifmi_pay + hifmi.pay),
        "maf_base": _nonneg(ytd.maf_base + maf.base),
        "maf_pay": _nonneg(ytd.maf_pay + maf.pay),
        "maf2_base": _nonneg(ytd.maf2_base + maf.base2),
        "maf2_pay": _nonneg(ytd.maf2_pay + maf.pay2),
    }
    info = pack.model.pack
    if info.illustrative:
        warnings.append(
            f"政策包 {info.id} 中以下参数为示例值（政策原文未给出）：{'、'.join(info.illustrative)}"
        )
    return SettlementResult(
        policy_id=pack.id,
        policy_version=pack.version,
        policy_sha256=pack.sha256,
        setlinfo=setlinfo,
        setldetail=detail,
        fees=fee_results,
        year_to_date_after=ytd_after,
        explain=explain,
        warnings=warnings,
    )


def _nonneg(value: Decimal) -> Decimal:
    return value if value > 0 else ZERO


def _check_fits_pack(req: SettlementRequest, pack: Pack) -> None:
    info = pack.model.pack
    if req.person.insutype not in info.insutypes:
        raise RequestError(
            "person.insutype", f"{req.person.insutype} is not covered by pack {info.id} (covers {info.insutypes})"
        )
    if req.encounter.med_type not in info.med_types:
        raise RequestError(
            "encounter.med_type",
            f"{req.encounter.med_type} is not covered by pack {info.id} (covers {info.med_types})",
        )
    if not pack.covers_date(req.encounter.endtime):
        raise RequestError(
            "encounter.endtime",
            f"{req.encounter.endtime} is outside pack {info.id} validity ({info.valid_from} to {info.valid_to})",
        )
    hifmi = pack.model.hifmi
    if hifmi is not None and req.person.residence is None and (hifmi.deductible_urban or hifmi.deductible_rural):
        raise RequestError("person.residence", f"required by pack {info.id}: urban and rural rules differ")


def _explain_fees(t: FeeTotals, explain: list[ExplainStep], warnings: list[str]) -> None:
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


# --- basic medical insurance pool -------------------------------------------------------------

@dataclass(slots=True)
class _Basic:
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


def _basic_pool(
    pack: Pack, person: Person, enc: Encounter, ytd: YearToDate, t: FeeTotals, explain: list[ExplainStep]
) -> _Basic:
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
        bands = [(_INFINITY, clamp(rules.ratio[level] + delta, ZERO, ONE))]
    else:
        bands = [(b.upto if b.upto is not None else _INFINITY, clamp(b.ratio[level] + delta, ZERO, ONE))
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
    return _Basic(
        deductible=deductible, base=base, pay=pay, pool_prop_selfpay=base - pay,
        info=f"起付线{deductible:.2f}元，支付比例{ratio_text}",
    )


# --- 大病保险 ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Hifmi:
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


def _segments(pack: Pack) -> list[tuple[Decimal, Decimal]]:
    return [(s.upto if s.upto is not None else _INFINITY, s.ratio) for s in pack.hifmi_segments()]


def _critical_illness(
    pack: Pack, person: Person, ytd: YearToDate, t: FeeTotals, basic: _Basic, explain: list[ExplainStep]
) -> _Hifmi:
    rules = pack.model.hifmi
    if rules is None:
        return _Hifmi(ZERO, ZERO, "")
    base = basic.pool_prop_selfpay
    if rules.base == "after_pool_with_deductible":
        base += basic.deductible
    if rules.include_preselfpay:
        base += t.preselfpay_amt
    deductible, plus, poor = hifmi_deductible(rules, person)
    segments = _segments(pack)
    cumulative = ytd.hifmi_base + base
    target = round_fen(hifmi_annual(rules, segments, deductible, plus, cumulative))
    pay = _telescoped(target, ytd.hifmi_pay, base)
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
    return _Hifmi(base=base, pay=pay, info=f"大病起付线{deductible:.2f}元，年度累计{cumulative:.2f}元")


def _telescoped(target: Decimal, paid_before: Decimal, base_this: Decimal) -> Decimal:
    """This bill's share of an annual amount: the annual target minus what was paid before,
    never more than this bill's own base nor of the opposite sign."""
    pay = target - paid_before
    if base_this >= 0:
        return clamp(pay, ZERO, base_this)
    return clamp(pay, base_this, ZERO)


# --- 医疗救助 ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Assistance:
    base: Decimal = ZERO
    pay: Decimal = ZERO
    info: str = ""
    base2: Decimal = ZERO
    pay2: Decimal = ZERO
    info2: str = ""


def _assistance(
    pack: Pack, person: Person, ytd: YearToDate, t: FeeTotals, basic: _Basic, hifmi_pay: Decimal,
    explain: list[ExplainStep],
) -> _Assistance:
    rules = pack.model.assistance
    group = person.assistance_group
    if rules is None or group is None or group not in rules.groups:
        return _Assistance()
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
    pay = _telescoped(target, ytd.maf_pay, left)
    name = GROUP_NAMES.get(group, group)
    above = f"超过救助起付线 {fmt_yuan(tier.deductible)} 元部分" if tier.deductible else ""
    text = (f"医疗救助（{name}）：年度累计救助范围内个人负担 {fmt_yuan(cumulative)} 元，"
            f"{above}按 {fmt_pct(tier.ratio)} 救助，本次救助 {fmt_yuan(pay)} 元")
    if target >= tier.annual_cap:
        text += f"，已达年度救助限额 {fmt_yuan(tier.annual_cap)} 元"
    explain.append(ExplainStep("maf_pay", text, pay))
    result = _Assistance(base=left, pay=pay, info=f"救助起付线{tier.deductible:.2f}元，比例{fmt_pct(tier.ratio)}")

    second = rules.second_tier
    if second is not None and group in second.groups:
        left2 = left - pay
        cumulative2 = ytd.maf2_base + left2
        target2 = round_fen(min(second.annual_cap, second.ratio * max(ZERO, cumulative2 - second.threshold)))
        pay2 = _telescoped(target2, ytd.maf2_pay, left2)
        text2 = (f"倾斜救助：救助后年度累计个人负担 {fmt_yuan(cumulative2)} 元，超过 {fmt_yuan(second.threshold)} 元"
                 f"部分按 {fmt_pct(second.ratio)} 再救助，本次 {fmt_yuan(pay2)} 元")
        if target2 >= second.annual_cap:
            text2 += f"，已达年度限额 {fmt_yuan(second.annual_cap)} 元"
        explain.append(ExplainStep("maf2_pay", text2, pay2))
        result.base2, result.pay2 = left2, pay2
        result.info2 = f"再救助起点{second.threshold:.2f}元，比例{fmt_pct(second.ratio)}"
    return result
