"""Money as TEXT with two decimals in the database, Decimal in Python."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must be a Decimal or a decimal string, not {type(value).__name__}")
    return Decimal(str(value))


def money_text(value: Any) -> str:
    """Two-decimal text, never '-0.00'."""
    number = to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
    if number == 0:
        number = ZERO
    return f"{number:.2f}"


def negate_text(value: str) -> str:
    return money_text(-to_decimal(value))
