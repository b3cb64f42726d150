"""Step 1 for lines read as integers (fee_units.py) without overrides: each line split by its
code's rule in whole units, and the bill's totals as integer sums.

The same split as fees.py makes with Decimals, part by part: a class 丙 line is fully self-paid;
a line priced above its code's cap pays (price - cap) x count over the cap, rounded half up to the
fen and at most the line amount; the first self-paid share applies to what the line leaves below
its cap, rounded half up to the fen. Every amount here is at least zero (fee_units.py sends
refunds to the Decimal path), so rounding half up is adding half a fen and dividing down.
Integer sums of 2,000 lines cost a fraction of Decimal ones, and each Decimal part of a line is
made only when the line is read (fees.py, result.FeeResults).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, repeat
from operator import add, floordiv, gt, itemgetter, mul, sub
from typing import Any

from .fee_units import FeeUnits

_FEN_PLACES = 2


@dataclass(frozen=True, slots=True)
class UnitSplit:
    """A bill's split in fen: its total, fully self-paid, over-cap and first self-paid amounts;
    the over-cap amount of each line above its cap (by line index) and the lines whose over-cap
    amount is their whole amount (``clipped``). Each line's first self-paid amount is worked out
    again when asked for (pre_by_line): the settlement needs only their sum."""

    total: int
    fully_self_paid: int
    over_cap: int
    first_self_paid: int
    over_by_line: dict[int, int]
    clipped: frozenset[int]
    bases: Sequence[int]
    shares: Sequence[int]
    places: int

    def pre_by_line(self) -> dict[int, int]:
        """The first self-paid amount in fen of every line whose code has a share, by line index."""
        lines = compress(range(len(self.shares)), self.shares)
        return dict(zip(lines, _first_self_paid(self.bases, self.shares, self.places), strict=True))


@dataclass(frozen=True, slots=True)
class CodeUnits:
    """Each code's rule as split_in_units takes it, for every code a bill may give: whether its
    lines are fully self-paid (1) or not (0); its first self-paid share in 10^-share_places (0
    where none); whether it has a price cap (1) or not (0), and the caps in the units of a bill's
    prices (``caps``, only the codes that have one)."""

    fully_self_paid: dict[str, int]
    shares: dict[str, int]
    share_places: int
    capped: dict[str, int]
    caps: dict[str, int]


def split_in_units(codes: list[str], units: FeeUnits, rules: CodeUnits) -> UnitSplit:
    """The split of lines without overrides, by their codes' rules.

    Each rule is read for every line by one itemgetter of all the lines' codes (a C-level loop
    that costs less than a map of a dict's method)."""
    to_fen = 10 ** (units.places - _FEN_PLACES)
    amounts = units.amounts
    by_line = _pick_by(codes)
    over_by_line, clipped = _over_cap(codes, by_line(rules.capped), units, rules.caps, to_fen)
    bases: Sequence[int] = amounts
    if over_by_line:  # the share applies to what a line leaves below its cap
        below = list(amounts)
        for i, over in over_by_line.items():
            below[i] -= over * to_fen
        bases = below
    shares = by_line(rules.shares)
    places = units.places + rules.share_places
    return UnitSplit(
        total=sum(amounts) // to_fen,
        fully_self_paid=sum(compress(amounts, by_line(rules.fully_self_paid))) // to_fen,
        over_cap=sum(over_by_line.values()),
        first_self_paid=sum(_first_self_paid(bases, shares, places)),
        over_by_line=over_by_line,
        clipped=clipped,
        bases=bases,
        shares=shares,
        places=places,
    )


def _pick_by(keys: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving (table[key] for every key), in order, in one C-level loop."""
    if len(keys) == 1:
        return lambda table: (table[keys[0]],)
    return itemgetter(*keys)


def _over_cap(codes: list[str], capped_lines: Sequence[int], units: FeeUnits, caps: Mapping[str, int],
              to_fen: int) -> tuple[dict[int, int], frozenset[int]]:
    """The over-cap amount in fen of every line priced above its code's cap, and the lines where
    that is the line amount (the amount may be a fen below price x count); ``capped_lines`` is 1
    for a line whose code has a cap.

    Whole columns at a time, over the capped lines only: (price - cap) x count is in the amounts'
    unit, rounded half up to the fen."""
    capped = list(compress(range(len(codes)), capped_lines))
    if not capped:
        return {}, frozenset()
    at_capped = _pick_by(capped)
    line_caps = _pick_by(at_capped(codes))(caps)
    line_prices = at_capped(units.prices)
    above = list(map(gt, line_prices, line_caps))
    over_lines = list(compress(capped, above))
    if not over_lines:
        return {}, frozenset()
    at_over = _pick_by(over_lines)
    excess = map(mul, map(sub, compress(line_prices, above), compress(line_caps, above)), at_over(units.counts))
    line_amounts = at_over(units.amounts)
    if to_fen != 1:  # amounts in a unit finer than the fen
        excess = map(floordiv, map(add, excess, repeat(to_fen // 2)), repeat(to_fen))
        line_amounts = tuple(map(floordiv, line_amounts, repeat(to_fen)))
    over = list(excess)
    clipped = frozenset(compress(over_lines, map(gt, over, line_amounts)))
    if clipped:
        over = list(map(min, over, line_amounts))
    return dict(zip(over_lines, over, strict=True)), clipped


def _first_self_paid(bases: Sequence[int], shares: Sequence[int], places: int) -> Iterator[int]:
    """The first self-paid amount in fen of every line whose share is not 0, in bill order: its
    base times its share, in 10^-places, rounded half up to the fen.

    Only those lines are multiplied: a bill's lines without a share (甲类, 丙类) are often the most."""
    divisor = 10 ** (places - _FEN_PLACES)
    products = map(mul, compress(bases, shares), compress(shares, shares))
    return map(floordiv, map(add, products, repeat(divisor // 2)), repeat(divisor))


def fen(amount: int) -> Decimal:
    """A whole number of fen as the Decimal a sum of fen amounts gives: two places, never -0.00."""
    return Decimal(amount).scaleb(-_FEN_PLACES)
