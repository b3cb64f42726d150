"""The settlement pipeline of DESIGN.md section 1: the steps in order, and the result assembled.

    fee lines -> 丙类/超限价/先行自付 -> policy-range amount          fees.py
      -> basic pool (deductible, ratio by level and band, annual cap)   basic_pool.py
      -> 大病保险 (annual cumulative base, segments, cap or none)       critical_illness.py
      -> 医疗救助 by group (deductible, ratio, cap) and its second tier  assistance.py
      -> the patient's share
    an outpatient med_type with its own [outpatient.<name>] section: that section instead of the
    basic pool, no 大病保险 or 医疗救助                                   outpatient.py

How an annual rule pays bill by bill is in annual.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from .assistance import AssistancePay, pay_assistance
from .basic_pool import pay_basic_pool
from .catalog import Catalog
from .critical_illness import CriticalIllnessPay, pay_critical_illness
from .errors import RequestError
from .fees import classify_fees, explain_fees
from .further_funds import after_further, further_accumulators, further_details, further_setlinfo, pay_further
from .money import ZERO, fmt_yuan
from .outpatient import pay_outpatient
from .packs import Pack
from .request import SettlementRequest, YearToDate, parse_request
from .result import ExplainStep, FeeResult, FundPayment, SettlementResult
from .review.engine import DeclaredPerson, PriorStay, audit
from .review.library import ReviewLibrary
from .review.self_pay import ReviewOverride, apply_refusals, blocking, refused_shares
from .stay import check_stay, stay_after

INPATIENT = "21"


def settle(request: SettlementRequest | dict[str, Any], pack: Pack, catalog: Catalog, *,
           review: ReviewLibrary | None = None, stays: Iterable[PriorStay] = (),
           declared: DeclaredPerson | None = None, overrides: Sequence[ReviewOverride] = ()) -> SettlementResult:
    """Compute the split of one bill. Pure: same inputs, same result, no I/O.

    With a review-rule library, the bill is also audited (``rules.review.audit``, given the
    person's earlier ``stays`` and the sex and birth date ``declared`` by the roster) and the
    result records the library and the violations. A 提示 (warn) changes no figure; a 拦截
    (block) makes the lines it names self-paid (``rules.review.self_pay``) unless ``overrides``
    lets its rule through (a supervisor, with a reason; the violation then carries the override)."""
    req = request if isinstance(request, SettlementRequest) else parse_request(request)
    _check_fits_pack(req, pack)
    check_stay(req, pack)
    ytd = req.year_to_date or YearToDate()
    found = audit(req, review, stays, declared) if review is not None else []
    classified, totals = classify_fees(req.fees, catalog, pack.model.items)
    fee_results: Sequence[FeeResult] = classified
    explain: list[ExplainStep] = []
    warnings: list[str] = []
    blocks = blocking(found, overrides)
    shares = refused_shares(blocks, req.fees.feedetl_sn) if blocks else {}
    refused = ZERO
    if shares:
        fee_results, totals, refused = apply_refusals(fee_results, totals, shares)
    explain_fees(totals, explain, warnings)
    if refused:
        explain.append(ExplainStep("review_self_paid", f"其中智能审核拦截项目 {fmt_yuan(refused)} 元，基金不予支付，"
                                   "由个人负担（未经主管放行）", refused))
        warnings.append(f"智能审核拦截：{'、'.join(dict.fromkeys(v.rule_id for v in blocks))}，"
                        f"相关费用 {fmt_yuan(refused)} 元按自费处理")

    section = pack.model.outpatient_for(req.encounter.med_type)
    added: dict[str, Decimal] = {}
    if section is None:
        basic = pay_basic_pool(pack, req.person, req.encounter, ytd, totals, explain)
        further = pay_further(pack, req.person, ytd, basic, explain)
        hifmi = pay_critical_illness(pack, req.person, ytd, totals, after_further(basic, further), explain)
        # 医疗救助 takes what the pool and every fund before it left: the further steps' payments with 大病's.
        maf = pay_assistance(pack, req.person, ytd, totals, basic, hifmi.pay + sum((f.pay for f in further), ZERO),
                             explain, req.encounter.stay_before)
        added = {"act_pay_dedc": basic.deductible, "hifp_pay": basic.pay, **further_accumulators(further)}
    else:
        further = []
        basic, added = pay_outpatient(section, req.encounter, ytd, totals, explain)
        hifmi = CriticalIllnessPay(ZERO, ZERO, "")
        maf = AssistancePay()

    fund_total = basic.pay + sum((f.pay for f in further), ZERO) + hifmi.pay + maf.pay + maf.pay2
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
    } | further_setlinfo(further)
    funds = pack.model.funds
    basic_fund = funds.basic_by_insutype.get(req.person.insutype, funds.basic)
    detail: list[FundPayment] = [
        FundPayment(basic_fund.code, basic_fund.name, basic.base, basic.pay, basic.info),
        *further_details(pack, further),
    ]
    if funds.hifmi is not None and hifmi.pay:
        detail.append(FundPayment(funds.hifmi.code, funds.hifmi.name, hifmi.base, hifmi.pay, hifmi.info))
    if funds.maf is not None and maf.pay:
        detail.append(FundPayment(funds.maf.code, funds.maf.name, maf.base, maf.pay, maf.info))
    if funds.maf2 is not None and maf.pay2:
        detail.append(FundPayment(funds.maf2.code, funds.maf2.name, maf.base2, maf.pay2, maf.info2))

    # A stay settled in periods counts as one admission, by its first settlement.
    admissions = ytd.admissions + (1 if req.encounter.med_type == INPATIENT and totals.medfee_sumamt > 0
                                   and req.encounter.stay_before is None else 0)
    ytd_after: dict[str, Decimal | int] = {
        "admissions": admissions,
        "act_pay_dedc": _nonneg(ytd.act_pay_dedc + added.get("act_pay_dedc", ZERO)),
        "hifp_pay": _nonneg(ytd.hifp_pay + added.get("hifp_pay", ZERO)),
        "hifmi_base": _nonneg(ytd.hifmi_base + hifmi.base),
        "hifmi_pay": _nonneg(ytd.hifmi_pay + hifmi.pay),
        "maf_base": _nonneg(ytd.maf_base + maf.base),
        "maf_pay": _nonneg(ytd.maf_pay + maf.pay),
        "maf2_base": _nonneg(ytd.maf2_base + maf.base2),
        "maf2_pay": _nonneg(ytd.maf2_pay + maf.pay2),
    }
    extra = ytd.pack_keys()
    for key, amount in added.items():
        if key not in ytd_after:
            extra[key] = extra.get(key, ZERO) + amount
    for key in sorted(extra):
        ytd_after[key] = _nonneg(extra[key])
    info = pack.model.pack
    illustrative = _illustrative_for(info.illustrative, pack.model.outpatient_name(req.encounter.med_type))
    if illustrative:
        warnings.append(
            f"政策包 {info.id} 中以下参数为示例值（政策原文未给出）：{'、'.join(illustrative)}"
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
        review=review.identity() if review is not None else None,
        violations=_violation_dicts(found, overrides),
        stay_after=stay_after(req, totals.inscp_scp_amt, basic.deductible, basic.pay,
                              (maf.base, maf.pay, maf.base2, maf.pay2)),
    )


def _violation_dicts(found: Sequence[Any], overrides: Sequence[ReviewOverride]) -> list[dict[str, Any]]:
    """The violations as JSON; an overridden 拦截 carries who let it through and why."""
    by_rule = {o.rule_id: o for o in overrides}
    out = []
    for violation in found:
        data = violation.to_dict()
        override = by_rule.get(violation.rule_id)
        if override is not None and violation.severity == "block":
            data["override"] = {"operator": override.operator, "reason": override.reason}
        out.append(data)
    return out


def _illustrative_for(keys: list[str], section: str | None) -> list[str]:
    """The illustrative keys that concern the rules applied: the top-level ones, or one outpatient section's."""
    if section is None:
        return [k for k in keys if k != "outpatient" and not k.startswith("outpatient.")]
    return [k for k in keys if k == "outpatient" or k == f"outpatient.{section}"
            or k.startswith(f"outpatient.{section}.") or k in ("items", "funds") or k.startswith("items.")]


def _nonneg(value: Decimal) -> Decimal:
    return value if value > 0 else ZERO


def _check_fits_pack(req: SettlementRequest, pack: Pack) -> None:
    info = pack.model.pack
    if req.person.insutype not in info.insutypes:
        raise RequestError(
            "person.insutype", f"{req.person.insutype} is not covered by pack {info.id} (covers {info.insutypes})"
        )
    if req.encounter.med_type not in info.med_types and pack.model.outpatient_for(req.encounter.med_type) is None:
        covers = info.med_types + [s.med_type for s in pack.model.outpatient.values()]
        raise RequestError(
            "encounter.med_type",
            f"{req.encounter.med_type} is not covered by pack {info.id} (covers {covers})",
        )
    given = req.year_to_date.pack_keys() if req.year_to_date is not None else {}
    if given:
        declared = pack.model.accumulator_keys()
        for key in given:
            if key not in declared:
                raise RequestError(
                    f"year_to_date.{key}", f"unknown field (pack {info.id} declares no such accumulator)",
                    "unknown_field",
                )
    if not pack.covers_date(req.encounter.endtime):
        raise RequestError(
            "encounter.endtime",
            f"{req.encounter.endtime} is outside pack {info.id} validity ({info.valid_from} to {info.valid_to})",
        )
    hifmi = pack.model.hifmi
    if hifmi is not None and req.person.residence is None and (hifmi.deductible_urban or hifmi.deductible_rural):
        raise RequestError("person.residence", f"required by pack {info.id}: urban and rural rules differ")
