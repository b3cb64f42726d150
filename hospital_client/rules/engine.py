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

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .assistance import AssistancePay, pay_assistance
from .basic_pool import pay_basic_pool
from .catalog import Catalog
from .critical_illness import CriticalIllnessPay, pay_critical_illness
from .errors import RequestError
from .fees import classify_fees, explain_fees
from .money import ZERO, fmt_yuan
from .outpatient import pay_outpatient
from .packs import Pack
from .request import SettlementRequest, YearToDate, parse_request
from .result import ExplainStep, FundPayment, SettlementResult
from .review.engine import DeclaredPerson, PriorStay, audit
from .review.library import ReviewLibrary

INPATIENT = "21"


def settle(request: SettlementRequest | dict[str, Any], pack: Pack, catalog: Catalog, *,
           review: ReviewLibrary | None = None, stays: Iterable[PriorStay] = (),
           declared: DeclaredPerson | None = None) -> SettlementResult:
    """Compute the split of one bill. Pure: same inputs, same result, no I/O.

    With a review-rule library, the bill is also audited (``rules.review.audit``) and the result
    records the library and the violations; no figure changes, whatever their severity."""
    req = request if isinstance(request, SettlementRequest) else parse_request(request)
    _check_fits_pack(req, pack)
    ytd = req.year_to_date or YearToDate()
    fee_results, totals = classify_fees(req.fees, catalog, pack.model.items)
    explain: list[ExplainStep] = []
    warnings: list[str] = []
    explain_fees(totals, explain, warnings)

    section = pack.model.outpatient_for(req.encounter.med_type)
    added: dict[str, Decimal] = {}
    if section is None:
        basic = pay_basic_pool(pack, req.person, req.encounter, ytd, totals, explain)
        hifmi = pay_critical_illness(pack, req.person, ytd, totals, basic, explain)
        maf = pay_assistance(pack, req.person, ytd, totals, basic, hifmi.pay, explain)
        added = {"act_pay_dedc": basic.deductible, "hifp_pay": basic.pay}
    else:
        basic, added = pay_outpatient(section, req.encounter, ytd, totals, explain)
        hifmi = CriticalIllnessPay(ZERO, ZERO, "")
        maf = AssistancePay()

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
        violations=[v.to_dict() for v in audit(req, review, stays, declared)] if review is not None else [],
    )


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
    declared = pack.model.accumulator_keys()
    for key in (req.year_to_date.pack_keys() if req.year_to_date is not None else {}):
        if key not in declared:
            raise RequestError(
                f"year_to_date.{key}", f"unknown field (pack {info.id} declares no such accumulator)", "unknown_field"
            )
    if not pack.covers_date(req.encounter.endtime):
        raise RequestError(
            "encounter.endtime",
            f"{req.encounter.endtime} is outside pack {info.id} validity ({info.valid_from} to {info.valid_to})",
        )
    hifmi = pack.model.hifmi
    if hifmi is not None and req.person.residence is None and (hifmi.deductible_urban or hifmi.deductible_rural):
        raise RequestError("person.residence", f"required by pack {info.id}: urban and rural rules differ")
