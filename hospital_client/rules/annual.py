"""What the fund steps share: how an annual rule pays bill by bill, and the open end of a scale.

Annual rules are applied cumulatively: a fund's payment this time is its annual amount on
the year's cumulative base after this bill, rounded to the fen once, minus what it already
paid this year. Settling a year bill by bill therefore gives exactly the annual figure.
"""

from __future__ import annotations

from decimal import Decimal

from .money import ZERO, clamp

# The upper bound of a last band or segment that has none.
OPEN_END = Decimal("1e18")


def telescoped(target: Decimal, paid_before: Decimal, base_this: Decimal) -> Decimal:
    """This bill's share of an annual amount: the annual target minus what was paid before,
    never more than this bill's own base nor of the opposite sign."""
    pay = target - paid_before
    if base_this >= 0:
        return clamp(pay, ZERO, base_this)
    return clamp(pay, base_this, ZERO)
