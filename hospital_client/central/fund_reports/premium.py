"""惠州 2013: the premium settlement of the insurer's contract (协议 (5) 动态调整):

    当期实际支付率达到保费总额 95%（含 95%）时，全年保费总额全额划拨给商业保险机构；
    低于 95%（不含 95%）时，除按实际支付总额划拨外，再按实际支付总额的 4% 划拨工作经费；
    赔付费用和其他约定费用高于当期保费总额的 105% 或低于 95% 时，可调整下一年度的保费总额.

The year's premium (and the other costs the contract allows) is recorded once by the fund
administrator (`central fund premium-set`, kept in the central store: the latest record of an
insurer and year counts) or given on the command line, which wins. Paid = the 大病保险
(hifmi_pay) of the insurance year's settlements, less their reversals, plus the year's true-ups,
attributed to the insurer covering them (fund_queries.py; all of them when no insurer is
defined), as recorded up to now; rate = paid / premium. Transfer = premium
when rate >= 95%, else paid + round_fen(paid × 4%). Next year's premium may be adjusted when
(paid + other contract costs) > 105% or < 95% of the premium. Figures to the fen, Decimal.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from ...rules.money import ZERO, fmt, round_fen
from ..store import CentralStore, ContractPremium
from .common import NO_INSURER, FundInputError, Insurers, Period, check_year, period_ended, total
from .document import Document, Table

FULL_RATE = Decimal("0.95")
WORKING_FEE_RATE = Decimal("0.04")
ADJUST_ABOVE = Decimal("1.05")
ADJUST_BELOW = Decimal("0.95")
_END = "9999-12-31"


def _pct(ratio: Decimal, *, above: Decimal | None = None) -> str:
    """A percentage cut (not rounded) to two decimals: 94.99998% shows 94.99%, never 95.00%; a ratio
    known to be above ``above`` is cut upwards where cutting down would show it at the line:
    105.00002% shows 105.01%, never 105.00%."""
    shown = (ratio * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if above is not None and shown <= above * 100:
        shown = (ratio * 100).quantize(Decimal("0.01"), rounding=ROUND_UP)
    return f"{shown}%"


def contract_insurer(insurers: Insurers, year: int, insurer: str | None) -> str | None:
    """The insurer whose contract of ``year`` is meant: the one named, or the only one covering
    something that year; None (the region's one contract) when no insurer covers anything then."""
    insurer = insurers.check(insurer)
    if insurer is not None:
        return insurer
    covering = insurers.covering(f"{year}-01-01", f"{year}-12-31")
    if len(covering) > 1:
        codes = ", ".join(i.code for i in covering)
        raise FundInputError(f"--insurer：{year} 年有 {len(covering)} 个承办机构（{codes}）分别承办统筹地区的一部分，"
                             "每个合同单独结算，请用 --insurer 指定")
    return covering[0].code if covering else None


def record_premium(store: CentralStore, year: int, premium: Decimal, *, insurer: str | None = None,
                   other_costs: Decimal = ZERO, note: str = "", at: str) -> ContractPremium:
    """Record the premium of an insurer's contract for a year (replacing an earlier record)."""
    check_year(year)
    if premium <= 0:
        raise FundInputError(f"--amount {premium}：必须大于零")
    if other_costs < 0:
        raise FundInputError(f"--other-costs {other_costs}：不能为负数")
    code = contract_insurer(Insurers.of(store), year, insurer)
    record = ContractPremium(insurer=code or NO_INSURER, year=year, premium=premium, other_costs=other_costs,
                             note=note.strip()[:200], recorded_at=at)
    with store.transaction():
        store.add_contract_premium(record)
    return record


def recorded_premium(store: CentralStore, year: int, insurer: str | None) -> ContractPremium | None:
    """The latest premium recorded for the insurer's (or the region's) contract of the year."""
    records = [r for r in store.contract_premiums(year) if r.insurer == (insurer or NO_INSURER)]
    return records[-1] if records else None


def premium_dict(record: ContractPremium) -> dict[str, Any]:
    return {"id": record.id, "year": record.year, "insurer": record.insurer or None, "premium": fmt(record.premium),
            "other_costs": fmt(record.other_costs), "note": record.note, "recorded_at": record.recorded_at}


def premium_settlement(store: CentralStore, year: int, premium: Decimal | None = None, *, insurer: str | None = None,
                       other_costs: Decimal | None = None) -> dict[str, Any]:
    """The year's settlement; ``premium`` and ``other_costs`` None: the recorded ones."""
    insurers = Insurers.of(store)
    insurer = contract_insurer(insurers, year, insurer)
    recorded = recorded_premium(store, year, insurer)
    if premium is None:
        if recorded is None:
            whose = f"承办机构 {insurer} 的合同" if insurer else "统筹地区的合同"
            raise FundInputError(f"--premium：{whose}尚未登记 {year} 年度的保费总额；请给出 --premium，或先用 "
                                 f"`central fund premium-set --year {year} --amount 金额"
                                 f"{' --insurer ' + insurer if insurer else ''}` 登记")
        premium = recorded.premium
        if other_costs is None:
            other_costs = recorded.other_costs
        source: dict[str, Any] = {"recorded": True, "recorded_at": recorded.recorded_at, "note": recorded.note}
    else:
        source = {"recorded": False, "recorded_at": None, "note": ""}
    other_costs = ZERO if other_costs is None else other_costs
    if premium <= 0:
        raise FundInputError(f"--premium {premium}：必须大于零")
    if other_costs < 0:
        raise FundInputError(f"--other-costs {other_costs}：不能为负数")

    def mine(code: str) -> bool:
        return insurer is None or code == insurer

    # summed in the store (fund_queries.py): the insurance year's settlements, reversals, true-ups
    first = f"{year}-01-01"
    counts = {"settlement": 0, "reversal": 0}
    sums = {"settlement": ZERO, "reversal": ZERO}
    for group in store.fund_payment_groups(first, _END, year=year):
        if mine(group.insurer):
            counts[group.kind] += group.count
            sums[group.kind] += group.sums["hifmi_pay"]
    true_up_count, true_up_sum = 0, ZERO
    for true_up in store.fund_true_up_groups(first, _END, year=year):
        if mine(true_up.insurer):
            true_up_count += true_up.count
            true_up_sum += true_up.amount
    settled_sum, reversed_sum = total([sums["settlement"]]), total([sums["reversal"]])
    true_up_sum = total([true_up_sum])
    paid = settled_sum + reversed_sum + true_up_sum
    return {
        "year": year, "ended": period_ended(Period(str(year), first, f"{year}-12-31")),
        "insurer": insurer, "insurer_name": None if insurer is None else insurers.name(insurer),
        "premium": fmt(premium), "premium_source": source,
        "paid": {"settlements": fmt(settled_sum), "settlement_count": counts["settlement"],
                 "reversals": fmt(reversed_sum), "reversal_count": counts["reversal"], "true_ups": fmt(true_up_sum),
                 "true_up_count": true_up_count, "total": fmt(paid)},
        **contract_terms(paid, premium, other_costs),
    }


def contract_terms(paid: Decimal, premium: Decimal, other_costs: Decimal = ZERO) -> dict[str, Any]:
    """The contract's rule on the year's figures: what is transferred, and next year's flag."""
    rate = paid / premium
    if paid >= premium * FULL_RATE:
        rule, working_fee, transfer = "full_premium", ZERO, premium
    else:
        working_fee = round_fen(paid * WORKING_FEE_RATE)
        rule, transfer = "paid_plus_working_fee", paid + working_fee
    costs = paid + other_costs
    if costs > premium * ADJUST_ABOVE:
        direction = "raise"
    elif costs < premium * ADJUST_BELOW:
        direction = "lower"
    else:
        direction = "none"
    return {
        "actual_payment_rate": str(rate.quantize(Decimal("0.000001"), rounding=ROUND_DOWN)),
        "actual_payment_rate_pct": _pct(rate),
        "rule": rule, "working_fee": fmt(working_fee), "transfer": fmt(transfer),
        "insurer_margin": fmt(transfer - paid - other_costs),
        "other_costs": fmt(other_costs),
        "next_year_adjustment": {"flag": direction != "none", "direction": direction, "costs": fmt(costs),
                                 "costs_ratio_pct": _pct(costs / premium,
                                                         above=ADJUST_ABOVE if direction == "raise" else None)},
    }


RULE_TEXT = {"full_premium": "实际支付率达到 95%（含）：全年保费总额全额划拨",
             "paid_plus_working_fee": "实际支付率低于 95%：按实际支付总额划拨，另加实际支付总额的 4% 工作经费"}
DIRECTION_TEXT = {"raise": "高于保费总额 105%：可调增下一年度保费总额",
                  "lower": "低于保费总额 95%：可调减下一年度保费总额", "none": "在 95%～105% 之间：不调整"}


def _source_text(result: dict[str, Any]) -> str:
    source = result.get("premium_source") or {}
    if source.get("recorded"):
        note = f"（{source['note']}）" if source.get("note") else ""
        return f"保费总额：经办机构 {source['recorded_at']} 登记{note}"
    return "保费总额：编制时给定"


PAID_NOTE = "实际支付总额按保险年度计：该年度结算的大病保险赔付，减去其撤销，加上该年度的年度末补充补偿（截至编制时）。"
YEAR_ONGOING_NOTE = ("本保险年度尚未结束：以上为截至编制时的数字，此后的结算、撤销和年度末补充补偿"
                     "仍会改变实际支付总额；保费结算应在年度结束后进行。")


def premium_documents(result: dict[str, Any], produced_at: str) -> list[Document]:
    paid = result["paid"]
    rows: list[list[Any]] = [
        ["当年保费总额", "", Decimal(result["premium"])],
        ["当年结算的大病保险赔付", paid["settlement_count"], Decimal(paid["settlements"])],
        ["撤销冲减", paid["reversal_count"], Decimal(paid["reversals"])],
        ["年度末补充补偿", paid["true_up_count"], Decimal(paid["true_ups"])],
        ["实际支付总额", "", Decimal(paid["total"])],
        ["实际支付率", "", result["actual_payment_rate_pct"]],
        ["工作经费（实际支付总额 × 4%）", "", Decimal(result["working_fee"])],
        ["应划拨承办机构", "", Decimal(result["transfer"])],
    ]
    adjust = result["next_year_adjustment"]
    adjust_rows: list[list[Any]] = [
        ["赔付费用", Decimal(paid["total"])], ["其他约定费用", Decimal(result["other_costs"])],
        ["合计", Decimal(adjust["costs"])], ["占保费总额", adjust["costs_ratio_pct"]],
        ["下一年度保费", DIRECTION_TEXT[adjust["direction"]]],
    ]
    who = f"{result['insurer']} {result['insurer_name']}" if result["insurer"] else "（未定义承办机构：全部统筹地区）"
    return [Document(
        title=f"{result['year']}年度大病保险保费结算单", sheet=f"premium-{result['year']}-{result['insurer'] or 'all'}",
        subtitle=[f"承办机构：{who}", f"适用规则：{RULE_TEXT[result['rule']]}", _source_text(result),
                  f"编制时间：{produced_at}"],
        tables=[Table("保费结算", ["项目", "笔数", "金额（元）"], rows),
                Table("下一年度保费调整", ["项目", "金额（元）/ 结论"], adjust_rows)],
        notes=([] if result.get("ended", True) else [YEAR_ONGOING_NOTE]) + [PAID_NOTE],
        signatures=["医保经办机构", "承办机构", "审核人"],
        running_header=f"{result['year']}年度大病保险保费结算单（续）　承办机构：{who}")]
