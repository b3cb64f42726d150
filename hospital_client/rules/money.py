"""Money and ratio helpers. Money is Decimal everywhere; rounding to the fen is ROUND_HALF_UP."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)

# A context's quantize, its rounding set once, costs half what Decimal.quantize given the rounding
# does; a result makes dozens of these calls. The context's precision and traps are the defaults'.
_quantize = Context(rounding=ROUND_HALF_UP).quantize


def round_fen(value: Decimal) -> Decimal:
    """Round to the fen (0.01 yuan), half up, as every fund payment is rounded once."""
    return _quantize(value, FEN)


def fmt(value: Decimal) -> str:
    """Money as the contract's JSON string: two decimals, no exponent."""
    # Rounded to the fen, a Decimal has exponent -2, which str() writes as format(value, ".2f") does.
    return str(_quantize(value, FEN))


def fmt_yuan(value: Decimal) -> str:
    """Money for Chinese explanation text, with thousands separators: 62,000.00."""
    return f"{_quantize(value, FEN):,.2f}"


def fmt_pct(ratio: Decimal) -> str:
    """A ratio as a percentage for explanation text: 0.6 -> '60%', 0.625 -> '62.5%'."""
    return _pct_text(str(ratio))


# By the ratio's text, which holds all of the Decimal (sign and exponent too): the ratios are a
# pack's, and their sums with a pack's bonuses, a few of them written in every result.
@lru_cache(maxsize=1024)
def _pct_text(ratio: str) -> str:
    pct = (Decimal(ratio) * 100).normalize()
    return f"{pct:f}%"


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_words(n: int) -> str:
    """Words for 0 < n < 10000, with inner zeros collapsed to one 零 and trailing zeros dropped."""
    words, zero = "", False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += _DIGITS[digit] + _UNITS[position]
    return words


def amount_in_words(value: Decimal) -> str:
    """The amount in Chinese capital numerals for slips and receipts (大写金额): 1347.01 -> 壹仟叁佰肆拾柒元零壹分."""
    value = round_fen(value)
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if yuan >= 10**16:
        raise ValueError("amount too large for words")
    text = ""
    groups = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _group_words(group) + _GROUPS[index]
        pending_zero = False
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return sign + text
