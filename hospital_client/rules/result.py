"""The settlement result (DESIGN.md 4.1) and its canonical JSON form.

The same inputs give byte-identical JSON in the client and in the central system, so the
serialisation is fixed here: key order as in the contract, money as two-decimal strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .money import fmt

SETLINFO_KEYS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "maf_pay", "oth_pay",
    "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay",
)


@dataclass(slots=True)
class FeeResult:
    feedetl_sn: str
    chrgitm_lv: str
    fulamt_ownpay_amt: Decimal
    overlmt_amt: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    known: bool = True

    def to_dict(self) -> dict[str, str]:
        return {
            "feedetl_sn": self.feedetl_sn,
            "chrgitm_lv": self.chrgitm_lv,
            "fulamt_ownpay_amt": fmt(self.fulamt_ownpay_amt),
            "overlmt_amt": fmt(self.overlmt_amt),
            "preselfpay_amt": fmt(self.preselfpay_amt),
            "inscp_scp_amt": fmt(self.inscp_scp_amt),
        }


@dataclass(slots=True)
class FundPayment:
    fund_pay_type: str
    fund_pay_type_name: str
    inscp_scp_amt: Decimal
    fund_payamt: Decimal
    setl_proc_info: str

    def to_dict(self) -> dict[str, str]:
        return {
            "fund_pay_type": self.fund_pay_type,
            "fund_pay_type_name": self.fund_pay_type_name,
            "inscp_scp_amt": fmt(self.inscp_scp_amt),
            "fund_payamt": fmt(self.fund_payamt),
            "setl_proc_info": self.setl_proc_info,
        }


@dataclass(slots=True)
class ExplainStep:
    step: str
    text: str
    amount: Decimal

    def to_dict(self) -> dict[str, str]:
        return {"step": self.step, "text": self.text, "amount": fmt(self.amount)}


@dataclass(slots=True)
class SettlementResult:
    policy_id: str
    policy_version: str
    policy_sha256: str
    setlinfo: dict[str, Decimal]
    setldetail: list[FundPayment]
    fees: list[FeeResult]
    year_to_date_after: dict[str, Decimal | int]
    explain: list[ExplainStep]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": {"id": self.policy_id, "version": self.policy_version, "sha256": self.policy_sha256},
            "setlinfo": {k: fmt(self.setlinfo[k]) for k in SETLINFO_KEYS},
            "setldetail": [d.to_dict() for d in self.setldetail],
            "fees": [f.to_dict() for f in self.fees],
            "year_to_date_after": {
                k: (v if isinstance(v, int) else fmt(v)) for k, v in self.year_to_date_after.items()
            },
            "explain": [e.to_dict() for e in self.explain],
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        return result_json(self.to_dict())


def result_json(data: dict[str, Any]) -> str:
    """The canonical text of a result: identical bytes for identical results."""
    return json.dumps(data, ensure_ascii=False, indent=2)
