"""A 拦截 (block) applied to the figures: the lines it names become self-paid, unless a supervisor
overrode the rule with a reason. Pure; no I/O.

Which part of which line the fund refuses (``refused_shares``):

- a line rule names its lines: all of each (a quantity rule: the excess share, excess ÷ count, of
  each line of the item, so that the amount moved is the excess at the line's average price);
- a stay rule (分解住院) names no line and refuses the whole bill: every line, all of it;
  a stay rule whose amount is 0 (冒名就医) moves nothing.

A refused share of a line moves that share of each of its parts (over the price cap, first
self-paid, policy range) into the fully self-paid part (``fulamt_ownpay_amt``), each rounded to
the fen, so the four parts still add up to the line amount exactly and the totals to the bill's.
The basic pool, 大病保险 and 医疗救助 are then computed on the new totals as for any bill.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..fees import FeeTotals
from ..money import FEN, ZERO
from ..result import FeeResult
from .engine import Violation

__all__ = ["ReviewOverride", "apply_refusals", "blocking", "refused_shares"]

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class ReviewOverride:
    """A supervisor let a 拦截 rule's lines be paid by the fund as billed, with a reason."""

    rule_id: str
    operator: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "operator": self.operator, "reason": self.reason}


def blocking(violations: Iterable[Violation], overrides: Iterable[ReviewOverride]) -> list[Violation]:
    """The 拦截 violations no override lets through."""
    let_through = {o.rule_id for o in overrides}
    return [v for v in violations if v.severity == "block" and v.rule_id not in let_through]


def refused_shares(blocks: Iterable[Violation], serials: Sequence[str]) -> dict[int, Decimal]:
    """Line index -> the share of the line (0 < share <= 1) the blocks make self-paid; the largest
    share when several blocks name one line."""
    position = {sn: i for i, sn in enumerate(serials)}
    shares: dict[int, Decimal] = {}

    def take(i: int, share: Decimal) -> None:
        if share > shares.get(i, ZERO):
            shares[i] = min(share, ONE)

    for block in blocks:
        if block.amount == 0 and not block.feedetl_sn:
            continue
        share = ONE
        if block.kind == "quantity":
            cnt = Decimal(str(block.evidence.get("cnt", "0")))
            excess = Decimal(str(block.evidence.get("excess", "0")))
            if cnt <= 0 or excess <= 0:
                continue
            share = excess / cnt
        lines = [position[sn] for sn in block.feedetl_sn if sn in position] if block.feedetl_sn else \
            list(range(len(serials)))
        for i in lines:
            take(i, share)
    return shares


def _part(value: Decimal, share: Decimal) -> Decimal:
    return value if share == ONE else (value * share).quantize(FEN, ROUND_HALF_UP)


def apply_refusals(fees: Sequence[FeeResult], totals: FeeTotals,
                   shares: dict[int, Decimal]) -> tuple[list[FeeResult], FeeTotals, Decimal]:
    """Every line's split with the refused shares moved to fully self-paid, the new totals, and
    the amount moved."""
    lines = list(fees)
    moved_over = moved_pre = moved_scp = ZERO
    for i, share in shares.items():
        line = lines[i]
        over = _part(line.overlmt_amt, share)
        pre = _part(line.preselfpay_amt, share)
        scp = _part(line.inscp_scp_amt, share)
        if not (over or pre or scp):
            continue
        lines[i] = FeeResult(line.feedetl_sn, line.chrgitm_lv, line.fulamt_ownpay_amt + over + pre + scp,
                             line.overlmt_amt - over, line.preselfpay_amt - pre, line.inscp_scp_amt - scp, line.known)
        moved_over += over
        moved_pre += pre
        moved_scp += scp
    moved = moved_over + moved_pre + moved_scp
    new_totals = FeeTotals(
        medfee_sumamt=totals.medfee_sumamt,
        fulamt_ownpay_amt=totals.fulamt_ownpay_amt + moved,
        overlmt_selfpay=totals.overlmt_selfpay - moved_over,
        preselfpay_amt=totals.preselfpay_amt - moved_pre,
        inscp_scp_amt=totals.inscp_scp_amt - moved_scp,
        unknown_codes=totals.unknown_codes,
        has_negative_lines=totals.has_negative_lines,
    )
    return lines, new_totals, moved
