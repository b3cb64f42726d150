"""A plain bill's prices, counts and amounts as integers, for the column parse (fee_lines.py) and the
classification by code (unit_split.py).

A 2,000-line bill must settle within three times a plain Decimal sum of its amounts
(bench/engine.py). Decimal arithmetic costs several times integer arithmetic per line, and the
checks and sums of a settlement are exact either way, so a bill whose columns are each written
the usual way, every value of a column with the same number of decimal places ("12.50", "3",
"1234.56"), is read as integers: every amount a whole number of one unit (10^-places yuan), every
price of 10^-price_places and every count of 10^-count_places, chosen so that price x count is in
the amounts' unit. Anything else (another spelling, a sign on a price or an amount, a value too
large) leaves the bill to the Decimal column parse, which takes every spelling the line parser does.

The Decimal values of the lines are not made here: FeeLines makes them from the texts when read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from operator import itemgetter, mul, sub
from typing import Any

# Digits before the point that keep a value inside the line parser's magnitude limits
# (fee_lines._MAX_*_ADJUSTED + 1), and the decimal places it allows.
_PRICE_DIGITS, _PRICE_PLACES = 10, 6
_COUNT_DIGITS, _COUNT_PLACES = 8, 4
_AMOUNT_DIGITS, _AMOUNT_PLACES = 14, 2
# The unit of the amounts is at least the fen: the settlement's parts are rounded to it.
_FEN_PLACES = 2


@dataclass(frozen=True, slots=True)
class FeeUnits:
    """The lines' amounts, prices and counts as integers: line i's amount is amounts[i] x 10^-places
    yuan, its price prices[i] x 10^-(places - count_places) and its count counts[i] x 10^-count_places.
    No amount is negative or written with a minus sign, and no count is negative."""

    places: int
    count_places: int
    amounts: tuple[int, ...]
    prices: tuple[int, ...]
    counts: tuple[int, ...]

    @property
    def price_places(self) -> int:
        return self.places - self.count_places


def fee_units(prices: list[Any], counts: list[Any], amounts: list[Any]) -> FeeUnits | None:
    """The columns as integers, if every value is a plain decimal string within the line parser's
    limits and every amount is within its tolerance of price x count; else None.

    Amounts and prices without a sign, counts not negative: a refund line takes the Decimal path,
    whose rounding of negative parts (half away from zero, and -0.00) the integer one does not copy."""
    price_ints = _plain_ints(prices, _PRICE_DIGITS, _PRICE_PLACES)
    count_ints = _plain_ints(counts, _COUNT_DIGITS, _COUNT_PLACES)
    amount_ints = _plain_ints(amounts, _AMOUNT_DIGITS, _AMOUNT_PLACES)
    if price_ints is None or count_ints is None or amount_ints is None:
        return None
    (price_of, price_places), (count_of, count_places), (amount_of, amount_places) = price_ints, count_ints, amount_ints
    places = max(_FEN_PLACES, price_places + count_places)
    line_prices = _pick(_scaled(price_of, places - count_places - price_places), prices)
    line_counts = _pick(count_of, counts)
    line_amounts = _pick(_scaled(amount_of, places - amount_places), amounts)
    if not _amounts_match(line_prices, line_counts, line_amounts, places):
        return None
    return FeeUnits(places, count_places, line_amounts, line_prices, line_counts)


def _plain_ints(values: list[Any], digits: int, max_places: int) -> tuple[dict[str, int], int] | None:
    """Each distinct value as an integer number of 10^-p, and p, if every one is a string of up to
    `digits` digits, a point and p digits (p the same for all, at most max_places; no point if 0).

    The distinct values are checked at once by one pattern on their joined text and read by one
    split: a bill repeats its prices, counts and amounts on many lines."""
    try:
        texts = set(values)
        joined = " ".join(texts)  # a TypeError where a value is not text
    except TypeError:  # an unhashable value (list, object) or one that is not text
        return None
    first = next(iter(texts))
    point = first.find(".")
    places = 0 if point < 0 else len(first) - point - 1
    if places > max_places or _pattern(digits, places).fullmatch(joined) is None:
        return None
    numbers = joined.replace(".", "").split(" ")
    if len(numbers) != len(texts):  # a value with a space inside: never plain
        return None
    return dict(zip(texts, map(int, numbers), strict=True)), places


@cache
def _pattern(digits: int, places: int) -> re.Pattern[str]:
    """Plain values, without sign or white space, joined by single spaces (only ASCII digits: int()
    and Decimal read other digits alike, but the pattern is kept to what a bill writes)."""
    value = f"[0-9]{{1,{digits}}}" + (f"\\.[0-9]{{{places}}}" if places else "")
    return re.compile(f"{value}(?: {value})*")


def _scaled(ints: dict[str, int], places: int) -> dict[str, int]:
    """The integers in a unit `places` decimal places finer."""
    if not places:
        return ints
    factor = 10**places
    return {text: number * factor for text, number in ints.items()}


def _pick(values: dict[str, int], keys: list[Any]) -> tuple[int, ...]:
    """values[key] for every key, in order, in one C-level call."""
    if len(keys) == 1:
        return (values[keys[0]],)
    picked: tuple[int, ...] = itemgetter(*keys)(values)
    return picked


def _amounts_match(prices: tuple[int, ...], counts: tuple[int, ...], amounts: tuple[int, ...], places: int) -> bool:
    """Whether every amount is within fee_lines._TOLERANCE (0.015) of price x count, all in one unit."""
    products = tuple(map(mul, prices, counts))
    if products == amounts:  # the usual case
        return True
    # |difference| > 0.015 yuan, for a whole number of 10^-places: more than floor(15 x 10^(places-3)) units.
    limit = 15 * 10**places // 1000
    return not any(map(limit.__lt__, map(abs, map(sub, products, amounts))))
