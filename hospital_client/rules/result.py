"""The settlement result (DESIGN.md 4.1) and its canonical JSON form.

The same inputs give byte-identical JSON in the client and in the central system, so the
serialisation is fixed here: key order as in the contract, money as two-decimal strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from .catalog import CLASS_C
from .money import ZERO, fmt

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


# A line's rule as the fee classification gives it: (class, first self-paid share, price cap,
# whether the catalogue knows the code).
LineRule = tuple[str, Decimal | None, Decimal | None, bool]
_ZERO_TEXT = fmt(ZERO)
# With a pack's employee further steps, setlinfo also gives their payments, in the platform's order.
_SETLINFO_WITH_FURTHER = (*SETLINFO_KEYS[:8], "cvlserv_pay", "hifmi_pay", "hifob_pay", *SETLINFO_KEYS[9:])


def setlinfo_keys(setlinfo: dict[str, Decimal]) -> tuple[str, ...]:
    """The setlinfo keys of a result in the contract's order: SETLINFO_KEYS, and the further steps' if any."""
    if "hifob_pay" not in setlinfo and "cvlserv_pay" not in setlinfo:
        return SETLINFO_KEYS
    return tuple(k for k in _SETLINFO_WITH_FURTHER if k in SETLINFO_KEYS or k in setlinfo)


class LineResults(Sequence[FeeResult]):
    """Every line's split, a FeeResult made when a line is read (FeeResults, FeeResultsByBody).

    A 2,000-line bill must settle in a few milliseconds, and building an object per line would
    take a good part of that.
    """

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def _line(self, i: int) -> FeeResult:
        raise NotImplementedError

    def to_dicts(self) -> list[dict[str, str]]:
        """Every line's FeeResult.to_dict()."""
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> FeeResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[FeeResult]: ...
    def __getitem__(self, index: int | slice) -> FeeResult | list[FeeResult]:
        if isinstance(index, slice):
            return [self._line(i) for i in range(len(self))[index]]
        return self._line(range(len(self))[index])

    def __iter__(self) -> Iterator[FeeResult]:
        return map(self._line, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


# Each line's amount, and its price-cap excess and first self-paid amount by line index (absent:
# none applied), as FeeResults reads them.
LineParts = tuple[Sequence[Decimal], dict[int, Decimal], dict[int, Decimal]]


class FeeResults(LineResults):
    """Every line's split, held column by column.

    Each line holds its rule; its amount, price-cap excess and first self-paid amount come from
    ``parts``, called when a line is first read: lines read as integers (fee_units.py) make
    their Decimal values only then, as a settlement often reads only the totals.
    """

    __slots__ = ("_amounts", "_keys", "_over", "_parts", "_pre", "_rule_of", "_serials")

    def __init__(self, serials: list[str], keys: Sequence[Any], rule_of: Callable[[Any], LineRule],
                 parts: Callable[[], LineParts]) -> None:
        """Line i's rule is rule_of(keys[i]): by its code, or by its index in a list of rules."""
        self._serials = serials
        self._keys = keys
        self._rule_of = rule_of
        self._parts: Callable[[], LineParts] | None = parts
        self._amounts: Sequence[Decimal] = ()
        self._over: dict[int, Decimal] = {}
        self._pre: dict[int, Decimal] = {}

    def __len__(self) -> int:
        return len(self._serials)

    def _made(self) -> None:
        """The lines' amounts and parts, made on first read."""
        if self._parts is not None:
            self._amounts, self._over, self._pre = self._parts()
            self._parts = None

    def to_dicts(self) -> list[dict[str, str]]:
        """Every line's FeeResult.to_dict(), without making the FeeResults."""
        self._made()
        rule_of, over_get, pre_get = self._rule_of, self._over.get, self._pre.get
        out: list[dict[str, str]] = []
        append = out.append
        for i, (serial, key, amount) in enumerate(zip(self._serials, self._keys, self._amounts, strict=True)):
            level = rule_of(key)[0]
            if level == CLASS_C:
                append({"feedetl_sn": serial, "chrgitm_lv": level, "fulamt_ownpay_amt": fmt(amount),
                        "overlmt_amt": _ZERO_TEXT, "preselfpay_amt": _ZERO_TEXT, "inscp_scp_amt": _ZERO_TEXT})
                continue
            over = over_get(i)
            pre = pre_get(i)
            if over is None and pre is None:  # the whole amount is in the policy range
                append({"feedetl_sn": serial, "chrgitm_lv": level, "fulamt_ownpay_amt": _ZERO_TEXT,
                        "overlmt_amt": _ZERO_TEXT, "preselfpay_amt": _ZERO_TEXT, "inscp_scp_amt": fmt(amount)})
                continue
            rest = amount if over is None else amount - over
            if pre is None:
                pre = ZERO
            append({"feedetl_sn": serial, "chrgitm_lv": level, "fulamt_ownpay_amt": _ZERO_TEXT,
                    "overlmt_amt": _ZERO_TEXT if over is None else fmt(over), "preselfpay_amt": fmt(pre),
                    "inscp_scp_amt": fmt(rest - pre)})
        return out

    def _line(self, i: int) -> FeeResult:
        self._made()
        level, _, _, known = self._rule_of(self._keys[i])
        amount = self._amounts[i]
        if level == CLASS_C:
            return FeeResult(self._serials[i], level, amount, ZERO, ZERO, ZERO, known)
        over = self._over.get(i)
        rest = amount if over is None else amount - over
        pre = self._pre.get(i, ZERO)
        return FeeResult(self._serials[i], level, ZERO, ZERO if over is None else over, pre, rest - pre, known)


class FeeResultsByBody(LineResults):
    """The split of lines held by body (line_groups.py): lines that share a body share its split,
    each under its own serial. Line i's body is line_ids()[i], an index into ``bodies``."""

    __slots__ = ("_bodies", "_line_ids", "_serials")

    def __init__(self, serials: list[str], line_ids: Callable[[], list[int]], bodies: LineResults) -> None:
        self._serials = serials
        self._line_ids = line_ids
        self._bodies = bodies

    def __len__(self) -> int:
        return len(self._serials)

    def to_dicts(self) -> list[dict[str, str]]:
        """Every line's FeeResult.to_dict(): its body's, under its own serial."""
        by_body = self._bodies.to_dicts()
        out: list[dict[str, str]] = []
        append = out.append
        for serial, body in zip(self._serials, self._line_ids(), strict=True):
            line = by_body[body].copy()
            line["feedetl_sn"] = serial
            append(line)
        return out

    def _line(self, i: int) -> FeeResult:
        line = self._bodies[self._line_ids()[i]]
        line.feedetl_sn = self._serials[i]
        return line


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
    fees: Sequence[FeeResult]
    year_to_date_after: dict[str, Decimal | int]
    explain: list[ExplainStep]
    warnings: list[str] = field(default_factory=list)
    # The review-rule library applied (id, version, sha256), None when none applies, and what it
    # found (Violation.to_dict()); neither changes a figure.
    review: dict[str, str] | None = None
    violations: list[dict[str, Any]] = field(default_factory=list)
    # A stay settled in periods (中途结算): what it came to after this settlement, the next period's
    # encounter.stay_before; None (and absent from the JSON) for any other settlement.
    stay_after: dict[str, Decimal | int | str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": {"id": self.policy_id, "version": self.policy_version, "sha256": self.policy_sha256},
            "review": dict(self.review) if self.review is not None else None,
            "setlinfo": {k: fmt(self.setlinfo[k]) for k in setlinfo_keys(self.setlinfo)},
            "setldetail": [d.to_dict() for d in self.setldetail],
            "fees": self.fees.to_dicts() if isinstance(self.fees, LineResults) else [f.to_dict() for f in self.fees],
            "year_to_date_after": {
                k: (v if isinstance(v, int) else fmt(v)) for k, v in self.year_to_date_after.items()
            },
            "explain": [e.to_dict() for e in self.explain],
            "warnings": list(self.warnings),
            "violations": [dict(v) for v in self.violations],
        } | ({} if self.stay_after is None else {"stay_after": {
            k: (fmt(v) if isinstance(v, Decimal) else v) for k, v in self.stay_after.items()}})

    def to_json(self) -> str:
        return result_json(self.to_dict())


def result_json(data: dict[str, Any]) -> str:
    """The canonical text of a result: identical bytes for identical results."""
    return json.dumps(data, ensure_ascii=False, indent=2)
