"""A pack read back as Chinese sentences (`policy explain`), and the warnings `policy check` gives
on rules that are valid but easy to have written against the text's meaning."""

from __future__ import annotations

from decimal import Decimal

from .basic_pool import amount_of
from .further_funds import further_sentences
from .money import ONE, fmt_pct, fmt_yuan
from .pack_schema import AdmissionRule, Amount, FigureShare, OutpatientSection, PersonCategory, RatioBand
from .packs import Pack

_LEVELS = (("3", "三级"), ("2", "二级"), ("1", "一级"))


def _yuan(value: Decimal) -> str:
    """10000 -> '1 万元'; 800 -> '800 元'; 1500.5 -> '1,500.50 元'."""
    if value >= 10000 and value % 1000 == 0:
        return f"{(value / 10000).normalize():f} 万元"
    if value == value.to_integral_value():
        return f"{int(value):,} 元"
    return f"{fmt_yuan(value)} 元"


def _amount_text(pack: Pack, value: Amount) -> str:
    amount, how = amount_of(pack, value)
    return _yuan(amount) + (f"（{how}）" if how else "")


def _by_level(values: dict[str, str], what: str) -> str:
    texts = [values[level] for level, _ in _LEVELS]
    if len(set(texts)) == 1:
        return f"各级医院{what} {texts[0]}"
    return "，".join(f"{name}医院{what} {values[level]}" for level, name in _LEVELS)


def _ratio_text(ratio: dict[str, Decimal]) -> str:
    return _by_level({k: fmt_pct(v) for k, v in ratio.items()}, "支付")


def _bands_text(bands: list[RatioBand], measure: str) -> str:
    what = "政策范围内费用" if measure == "policy_range" else "起付线以上政策范围内费用"
    parts: list[str] = []
    lower = Decimal(0)
    for band in bands:
        if band.upto is None:
            span = f" {_yuan(lower)}以上部分" if lower else "全部"
        elif lower:
            span = f" {_yuan(lower)}至 {_yuan(band.upto)}部分"
        else:
            span = f" {_yuan(band.upto)}以下部分" + ("（起付线以上）" if measure == "policy_range" else "")
        parts.append(f"{what}{span}{_ratio_text(band.ratio)}")
        if band.upto is not None:
            lower = band.upto
    return "；".join(parts)


def _rules_text(pack: Pack, deductible: dict[str, Amount] | None, ratio: dict[str, Decimal] | None,
                bands: list[RatioBand], measure: str | None, cap: Amount | None, cap_given: bool) -> list[str]:
    out: list[str] = []
    if deductible is not None:
        out.append(_by_level({k: _amount_text(pack, v) for k, v in deductible.items()}, "起付线"))
    if ratio is not None:
        out.append(f"起付线以上政策范围内费用{_ratio_text(ratio)}")
    elif bands:
        out.append(_bands_text(bands, measure or "above_deductible"))
    if cap is not None:
        out.append(f"统筹基金年度最高支付限额 {_amount_text(pack, cap)}")
    elif cap_given:
        out.append("统筹基金不设年度最高支付限额")
    return out


def explain_pack(pack: Pack) -> list[str]:
    """The pack's basic-pool rules (and its other tiers in brief) as Chinese sentences, one per line."""
    model = pack.model
    info = model.pack
    basic = model.basic
    lines = [f"{info.name}（{info.id} 版本 {info.version}），依据：{info.source}；"
             f"适用参保地 {'、'.join(info.admdvs)}，险种 {'、'.join(info.insutypes)}，"
             f"有效期 {info.valid_from} 至 {info.valid_to}。"]
    head = _rules_text(pack, basic.deductible, basic.ratio, basic.bands, basic.measure, basic.annual_cap, True)
    who = "其他人员" if basic.categories else ""
    lines.append(f"基本医保统筹（{who}）：" if who else "基本医保统筹：")
    lines[-1] += "；".join(head) + "。"
    for category in basic.categories:
        lines.append(_category_text(pack, category))
    if basic.deductible_mode == "once_per_year_highest":
        lines.append("起付线一年只计一次，到更高级别医院住院时补足差额。")
    lines += [_admission_text(rule, "") for rule in basic.admission_rules]
    for category in basic.categories:
        if category.admission_rules is not None:
            lines += [_admission_text(rule, category.name) for rule in category.admission_rules]
            if not category.admission_rules:
                lines.append(f"{category.name}：每次住院起付线相同，不按住院次数调整。")
    if basic.cross_year == "split_at_year_end":
        lines.append("跨年度住院以 12 月 31 日为界中途结算，新年度接续结算，起付线只计一次。")
    else:
        lines.append("跨年度住院按出院日期确定结算年度。")
    if basic.referral == "difference":
        lines.append("转诊住院连续计算起付线：转往更高级别医院补足差额，转往同级或下级不再计起付线。")
    for code, plus in basic.group_ratio_plus.items():
        lines.append(f"人员类别 {code} 支付比例提高 {fmt_pct(plus)}。")
    ooa = basic.out_of_area
    if ooa.deductible_factor != ONE or ooa.ratio_minus_registered or ooa.ratio_minus_unregistered:
        lines.append(f"异地就医：起付线按 {fmt_pct(ooa.deductible_factor)} 计，已备案比例降低 "
                     f"{fmt_pct(ooa.ratio_minus_registered)}，未备案降低 {fmt_pct(ooa.ratio_minus_unregistered)}。")
    lines += further_sentences(pack)
    if model.hifmi is not None:
        cap = model.hifmi.annual_cap
        lines.append("大病保险：按年度累计合规费用计算" + (f"，年度最高支付 {_yuan(cap)}。" if cap is not None
                                                 else "，不设封顶线。"))
    if model.assistance is not None:
        lines.append(f"医疗救助：适用人群 {'、'.join(model.assistance.groups)}。")
    for section in model.outpatient.values():
        lines.append(_outpatient_text(section))
    if model.payment.personal_account:
        lines.append("个人现金部分可用医保个人账户支付。")
    if info.illustrative:
        lines.append(f"以下参数为示例值（政策原文未给出）：{'、'.join(info.illustrative)}。")
    return lines


def _admission_text(rule: AdmissionRule, who: str) -> str:
    head = f"{who}：" if who else ""
    if rule.factor is not None:
        return f"{head}本年度第 {rule.from_nth} 次及以后住院，起付线按 {fmt_pct(rule.factor)} 计。"
    if rule.amount is not None:
        return (f"{head}本年度第 {rule.from_nth} 次及以后住院，"
                f"{_by_level({k: _yuan(v) for k, v in rule.amount.items()}, '起付线')}。")
    floor = rule.at_least or {}
    less = _by_level({k: _yuan(v) for k, v in (rule.less_each or {}).items()}, "每次降低")
    text = f"{head}本年度第 {rule.from_nth} 次起每次住院起付线比上一次降低（{less}）"
    if floor:
        text += f"，{_by_level({k: _yuan(v) for k, v in floor.items()}, '最低')}"
    return text + "。"


def _outpatient_text(section: OutpatientSection) -> str:
    parts: list[str] = []
    if section.deductible_per_visit is not None:
        parts.append("每次就诊：" + _by_level({k: _yuan(v) for k, v in section.deductible_per_visit.items()}, "起付线"))
    if section.deductible_annual is not None:
        shared = "，与住院共用" if section.deductible_key == "act_pay_dedc" else ""
        parts.append(f"年度起付线 {_yuan(section.deductible_annual)}{shared}")
    parts.append(_ratio_text(section.ratio))
    if section.annual_cap is not None:
        shared = "（与住院合并计算）" if section.paid_key == "hifp_pay" else ""
        parts.append(f"年度最高支付 {_yuan(section.annual_cap)}{shared}")
    if section.diseases:
        limits = "、".join(f"{d.name}（{code}）{_yuan(d.annual_limit)}" for code, d in section.diseases.items())
        parts.append(f"病种年度支付限额：{limits}")
    return f"{section.name}（医疗类别 {section.med_type}）：{'；'.join(parts)}。"


def _category_text(pack: Pack, category: PersonCategory) -> str:
    parts = _rules_text(pack, category.deductible, category.ratio, category.bands,
                        category.measure or pack.model.basic.measure, category.annual_cap, False)
    same = "，其余同上" if len(parts) < 3 else ""
    body = "；".join(parts) if parts else "同上"
    return f"基本医保统筹（{category.name}，人员类别 {'、'.join(category.psn_types)}）：{body}{same}。"


def _levels_reversed(values: dict[str, Decimal], higher_is_more: bool) -> bool:
    low, high = values["1"], values["3"]
    return low > high if higher_is_more else low < high


def pack_warnings(pack: Pack) -> list[str]:
    """Valid but worth a second look against the text: each warning names the key."""
    basic = pack.model.basic
    warnings: list[str] = []
    tables: list[tuple[str, PersonCategory | None]] = [("basic", None)]
    tables += [(f"basic.categories[{n}]", c) for n, c in enumerate(basic.categories)]
    for where, category in tables:
        deductible = category.deductible if category is not None else basic.deductible
        ratio = category.ratio if category is not None else basic.ratio
        bands = category.bands if category is not None else basic.bands
        measure = (category.measure if category is not None else None) or basic.measure
        fixed = None
        if deductible is not None and not any(isinstance(v, FigureShare) for v in deductible.values()):
            fixed = {k: v for k, v in deductible.items() if not isinstance(v, FigureShare)}
            if _levels_reversed(fixed, higher_is_more=True):
                warnings.append(f"{where}.deductible: the level-1 deductible is above the level-3 one; "
                                "check that levels 1 and 3 are not swapped")
        if ratio is not None and _levels_reversed(ratio, higher_is_more=False):
            warnings.append(f"{where}.ratio: the level-1 ratio is below the level-3 one; "
                            "check that levels 1 and 3 are not swapped")
        if bands and measure == "policy_range":
            every = fixed if fixed is not None else (
                {k: v for k, v in (basic.deductible or {}).items() if not isinstance(v, FigureShare)})
            first = bands[0].upto
            if first is not None and every:
                empty = sorted(k for k, v in every.items() if isinstance(v, Decimal) and v >= first)
                if empty:
                    warnings.append(f"{where}.bands[0]: measure = \"policy_range\" and the deductible at level(s) "
                                    f"{', '.join(empty)} is not below upto {first}: the first band is empty there")
        if bands and measure == "above_deductible" and category is None:
            warnings.append(f"{where}.measure: bands are counted from the deductible (\"above_deductible\"); "
                            "if the text says 起付线以上至 N 元 or 政策范围内费用 N 元以下, use \"policy_range\"")
    if basic.annual_cap is None and not any(c.annual_cap is not None for c in basic.categories):
        warnings.append("basic.annual_cap: not given, so the basic pool has no annual cap; "
                        "check that the text sets none")
    elif basic.annual_cap is None:
        others = [c.name for c in basic.categories if c.annual_cap is None]
        warnings.append("basic.annual_cap: not given, so persons of no category"
                        + (f" and of {', '.join(others)}" if others else "") + " have no annual cap")
    for code in basic.group_ratio_plus:
        named = [c.name for c in basic.categories if code in c.psn_types and (c.ratio is not None or c.bands)]
        if named:
            warnings.append(f"basic.group_ratio_plus.{code}: added on top of the ratio of category {named[0]}; "
                            "check the text does not already include it")
    for name in ("hifob", "cvlserv"):
        further = getattr(pack.model, name)
        if further is not None and further.base == "over_pool_cap" and basic.annual_cap is None \
                and not any(c.annual_cap is not None for c in basic.categories):
            warnings.append(f"{name}.base: \"over_pool_cap\" pays on the cost above the basic pool's annual cap, "
                            "but basic.annual_cap is not given, so it never pays")
    warnings += _outpatient_warnings(pack)
    for n, rule in enumerate(basic.admission_rules):
        if rule.amount is not None and basic.deductible is not None:
            fixed_d = {k: v for k, v in basic.deductible.items() if not isinstance(v, FigureShare)}
            higher = sorted(k for k, v in rule.amount.items() if k in fixed_d and v > fixed_d[k])
            if higher:
                warnings.append(f"basic.admission_rules[{n}].amount: above the first admission's deductible at "
                                f"level(s) {', '.join(higher)}")
    return warnings


def _outpatient_warnings(pack: Pack) -> list[str]:
    """What `policy check` points out in the outpatient sections: each warning names the key."""
    warnings: list[str] = []
    for name, section in pack.model.outpatient.items():
        where = f"outpatient.{name}"
        if _levels_reversed(section.ratio, higher_is_more=False):
            warnings.append(f"{where}.ratio: the level-1 ratio is below the level-3 one; "
                            "check that levels 1 and 3 are not swapped")
        per_visit = section.deductible_per_visit
        if per_visit is not None and _levels_reversed(per_visit, higher_is_more=True):
            warnings.append(f"{where}.deductible_per_visit: the level-1 deductible is above the level-3 one; "
                            "check that levels 1 and 3 are not swapped")
        if per_visit is None and section.deductible_annual is None:
            warnings.append(f"{where}: neither deductible_per_visit nor deductible_annual is given, so there is "
                            "no deductible; check that the text sets none")
        if section.annual_cap is None and not section.diseases:
            warnings.append(f"{where}.annual_cap: not given, so {section.name} has no annual cap; "
                            "check that the text sets none")
        for code, disease in section.diseases.items():
            if section.annual_cap is not None and disease.annual_limit > section.annual_cap:
                warnings.append(f"{where}.diseases.{code}.annual_limit: above the section's annual_cap "
                                f"{section.annual_cap}, which limits it first")
        if section.paid_key == "hifp_pay":
            warnings.append(f"{where}.paid_key: \"hifp_pay\" counts {section.name} payments together with "
                            "inpatient ones under the basic pool's annual cap; check that the text shares the limit")
        if section.deductible_key == "act_pay_dedc":
            warnings.append(f"{where}.deductible_key: \"act_pay_dedc\" shares the annual deductible with "
                            "inpatient care; check that the text shares it")
    return warnings
