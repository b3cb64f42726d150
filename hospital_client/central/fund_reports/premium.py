"""惠州 2013: the premium settlement of the insurer's contract (协议 (5) 动态调整):

    当期实际支付率达到保费总额 95%（含 95%）时，全年保费总额全额划拨给商业保险机构；
    低于 95%（不含 95%）时，除按实际支付总额划拨外，再按实际支付总额的 4% 划拨工作经费；
    赔付费用和其他约定费用高于当期保费总额的 105% 或低于 95% 时，可调整下一年度的保费总额.

Given the year's premium: paid = the 大病保险 (hifmi_pay) of the insurance year's settlements,
less their reversals, plus the year's true-ups, for the persons the insurer covers (all of them
when no insurer is defined), as recorded up to now; rate = paid / premium. Transfer = premium
when rate >= 95%, else paid + round_fen(paid × 4%). Next year's premium may be adjusted when
(paid + other contract costs) > 105% or < 95% of the premium. Figures to the fen, Decimal.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from ...rules.money import ZERO, fmt, round_fen
from ..store import CentralStore
from .common import FundInputError, Insurers, Originals, settlement_person, total, true_up_person
from .document import Document, Table

FULL_RATE = Decimal("0.95")
WORKING_FEE_RATE = Decimal("0.04")
ADJUST_ABOVE = Decimal("1.05")
ADJUST_BELOW = Decimal("0.95")
_END = "9999-12-31"


def _pct(ratio: Decimal) -> str:
    """A percentage cut (not rounded) to two decimals: 94.99998% shows 94.99%, never 95.00%."""
    return f"{(ratio * 100).quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def premium_settlement(store: CentralStore, year: int, premium: Decimal, *, insurer: str | None = None,
                       other_costs: Decimal = ZERO) -> dict[str, Any]:
    if premium <= 0:
        raise FundInputError(f"--premium {premium}: must be more than zero")
    if other_costs < 0:
        raise FundInputError(f"--other-costs {other_costs}: cannot be negative")
    insurers = Insurers.of(store)
    insurer = insurers.check(insurer)
    covering = insurers.covering()
    if insurer is None and len(covering) > 1:
        raise FundInputError(f"--insurer: {len(covering)} insurers cover parts of the region "
                             f"({', '.join(i.code for i in covering)}); each contract is settled on its own")
    if insurer is None and covering:
        insurer = covering[0].code

    def mine(admdvs: str, insutype: str) -> bool:
        return insurer is None or insurers.insurer_of(admdvs, insutype) == insurer

    first = f"{year}-01-01"
    settled = [r for r in store.settlements_adjudicated_between(first, _END)
               if r.year == year and mine(*settlement_person(r))]
    originals = Originals(store)
    reversed_ = [r for r in store.reversals_processed_between(first, _END)
                 if r.year == year and mine(*settlement_person(originals.of(r)))]
    true_ups = [t for t in store.true_ups_between(first, _END) if t.year == year and mine(*true_up_person(store, t))]
    settled_sum = total(r.amounts["hifmi_pay"] for r in settled)
    reversed_sum = total(r.amounts["hifmi_pay"] for r in reversed_)
    true_up_sum = total(t.amount for t in true_ups)
    paid = settled_sum + reversed_sum + true_up_sum
    return {
        "year": year, "insurer": insurer, "insurer_name": None if insurer is None else insurers.name(insurer),
        "premium": fmt(premium),
        "paid": {"settlements": fmt(settled_sum), "settlement_count": len(settled), "reversals": fmt(reversed_sum),
                 "reversal_count": len(reversed_), "true_ups": fmt(true_up_sum), "true_up_count": len(true_ups),
                 "total": fmt(paid)},
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
                                 "costs_ratio_pct": _pct(costs / premium)},
    }


RULE_TEXT = {"full_premium": "实际支付率达到 95%（含）：全年保费总额全额划拨",
             "paid_plus_working_fee": "实际支付率低于 95%：按实际支付总额划拨，另加实际支付总额的 4% 工作经费"}
DIRECTION_TEXT = {"raise": "高于保费总额 105%：可调增下一年度保费总额",
                  "lower": "低于保费总额 95%：可调减下一年度保费总额", "none": "在 95%～105% 之间：不调整"}


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
        subtitle=[f"承办机构：{who}", f"适用规则：{RULE_TEXT[result['rule']]}", f"编制时间：{produced_at}"],
        tables=[Table("保费结算", ["项目", "笔数", "金额（元）"], rows),
                Table("下一年度保费调整", ["项目", "金额（元）/ 结论"], adjust_rows)],
        notes=["实际支付总额按保险年度计：该年度结算的大病保险赔付，减去其撤销，加上该年度的年度末补充补偿（截至编制时）。"],
        signatures=["医保经办机构", "承办机构", "审核人"])]
