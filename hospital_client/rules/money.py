"""Money and ratio helpers. Money is Decimal everywhere; rounding to the fen is ROUND_HALF_UP."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)


def round_fen(value: Decimal) -> Decimal:
    """Round to the fen (0.01 yuan), half up, as every fund payment is rounded once."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """Money as the contract's JSON string: two decimals, no exponent."""
    return f"{round_fen(value):.2f}"


def fmt_yuan(value: Decimal) -> str:
    """Money for Chinese explanation text, with thousands separators: 62,000.00."""
    return f"{round_fen(value):,.2f}"


def fmt_pct(ratio: Decimal) -> str:
    """A ratio as a percentage for explanation text: 0.6 -> '60%', 0.625 -> '62.5%'."""
    pct = (ratio * 100).normalize()
    text = f"{pct:f}"
    return f"{text}%"


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))
