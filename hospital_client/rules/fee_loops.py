"""The loops over a bill's lines of its plain path, for when this module is compiled (mypyc).

Interpreted, a loop over 2,000 lines costs more than the column-wise C-level passes that
fee_lines.py, fee_units.py and unit_split.py make; compiled, one loop costs less than those many
passes. The callers use these only when COMPILED, and they give the same results.

scan_plain: fee_lines._parse_fees_bulk's reading of lines without overrides whose numbers are
written plainly (fee_units.py): the serial, code and name columns, the price, count and amount
texts, and the integers of FeeUnits. Each distinct price, count and amount text is checked and
read once (a bill repeats them). Anything the column parse would not take that way (an override,
another key, a value that is not text, another spelling, a duplicate serial, an amount off price
x count) gives None, and the column parse decides, naming the offending line and field where it
refuses.

split_plain: unit_split.split_in_units, the split of such lines by their codes' rules.
"""

from __future__ import annotations

import types
from typing import Any, Final, cast

from .fee_units import FeeUnits
from .unit_split import CodeUnits, UnitSplit

# The line parser's limits (fee_lines._text, fee_lines._MAX_*_ADJUSTED + 1) and fee_units' places.
_MAX_TEXT: Final = 200
_PRICE_DIGITS: Final = 10
_PRICE_PLACES: Final = 6
_COUNT_DIGITS: Final = 8
_COUNT_PLACES: Final = 4
_AMOUNT_DIGITS: Final = 14
_AMOUNT_PLACES: Final = 2
_FEN_PLACES: Final = 2
_KEYS_WITHOUT_NAME: Final = 5
_KEYS_WITH_NAME: Final = 6
_POINT: Final = ord(".")
_ZERO: Final = ord("0")


class PlainScan:
    """A plain bill's columns as the column parse gives them, its integers and its distinct codes."""

    def __init__(self, texts: list[list[Any]], units: FeeUnits, distinct_codes: set[str]) -> None:
        self.texts = texts
        self.units = units
        self.distinct_codes = distinct_codes


def _places(value: Any) -> int:
    """The decimal places a text is written with (its digits after a point); -1 if it ends in a
    point or is not a str."""
    if type(value) is not str:
        return -1
    text: str = value
    point = text.find(".")
    if point < 0:
        return 0
    return len(text) - point - 1 if point < len(text) - 1 else -1


def _plain_int(value: Any, digits: int, places: int) -> int:
    """The text as an integer number of 10^-places, if it is 1 to `digits` ASCII digits, then a
    point and `places` digits when places is not 0 (fee_units._pattern); else -1."""
    if type(value) is not str:
        return -1
    text: str = value
    size = len(text)
    whole = size - places - 1 if places else size
    if whole < 1 or whole > digits or (places and ord(text[whole]) != _POINT):
        return -1
    number = 0
    for i in range(size):
        if i != whole:
            digit = ord(text[i]) - _ZERO
            if digit < 0 or digit > 9:
                return -1
            number = number * 10 + digit
    return number


def scan_plain(raw: list[Any]) -> PlainScan | None:
    """The bill read in one pass, or None where the column parse is to decide (see the module doc)."""
    serials: list[Any] = []
    codes: list[Any] = []
    names: list[Any] = []
    price_texts: list[Any] = []
    count_texts: list[Any] = []
    amount_texts: list[Any] = []
    # The integers are kept as the objects the caches hold: each line's entry is a reference, not
    # a new int (the arithmetic unboxes them).
    prices: list[object] = []
    counts: list[object] = []
    amounts: list[object] = []
    price_of: dict[Any, object] = {}
    count_of: dict[Any, object] = {}
    amount_of: dict[Any, object] = {}
    first = raw[0]
    if type(first) is not dict:
        return None
    price_places = _places(first.get("pric"))
    count_places = _places(first.get("cnt"))
    amount_places = _places(first.get("det_item_fee_sumamt"))
    if not (0 <= price_places <= _PRICE_PLACES and 0 <= count_places <= _COUNT_PLACES
            and 0 <= amount_places <= _AMOUNT_PLACES):
        return None
    places = max(_FEN_PLACES, price_places + count_places)
    price_scale: int = 10 ** (places - count_places - price_places)  # typed: int ** int is Any to mypy
    amount_scale: int = 10 ** (places - amount_places)
    limit: int = 15 * 10**places // 1000  # fee_units._amounts_match: within 0.015 yuan of price x count
    try:
        for line in raw:
            if type(line) is not dict:
                return None
            keys = len(line)
            if keys == _KEYS_WITHOUT_NAME:
                name: Any = ""
            elif keys == _KEYS_WITH_NAME:
                name = line["name"]
            else:
                return None
            serial = line["feedetl_sn"]
            code = line["med_list_codg"]
            price_text = line["pric"]
            count_text = line["cnt"]
            amount_text = line["det_item_fee_sumamt"]
            price_box = price_of.get(price_text)
            if price_box is None:
                price = _plain_int(price_text, _PRICE_DIGITS, price_places)
                if price < 0:
                    return None
                price_box = price * price_scale
                price_of[price_text] = price_box
            count_box = count_of.get(count_text)
            if count_box is None:
                count = _plain_int(count_text, _COUNT_DIGITS, count_places)
                if count < 0:
                    return None
                count_box = count
                count_of[count_text] = count_box
            amount_box = amount_of.get(amount_text)
            if amount_box is None:
                amount = _plain_int(amount_text, _AMOUNT_DIGITS, amount_places)
                if amount < 0:
                    return None
                amount_box = amount * amount_scale
                amount_of[amount_text] = amount_box
            difference = cast(int, price_box) * cast(int, count_box) - cast(int, amount_box)
            if difference > limit or -difference > limit:
                return None
            serials.append(serial)
            codes.append(code)
            names.append(name)
            price_texts.append(price_text)
            count_texts.append(count_text)
            amount_texts.append(amount_text)
            prices.append(price_box)
            counts.append(count_box)
            amounts.append(amount_box)
    except (KeyError, TypeError):  # a field missing; an unhashable value (list, object)
        return None
    distinct_codes = _checked_texts(codes, required=True)
    if distinct_codes is None or _checked_texts(names, required=False) is None:
        return None
    if not _unique_serials(serials):
        return None
    units = FeeUnits(places, count_places, cast(tuple[int, ...], tuple(amounts)), cast(tuple[int, ...], tuple(prices)),
                     cast(tuple[int, ...], tuple(counts)))
    return PlainScan([serials, codes, names, price_texts, count_texts, amount_texts], units, distinct_codes)


def split_plain(codes: list[str], units: FeeUnits, rules: CodeUnits) -> UnitSplit:
    """unit_split.split_in_units in one pass over the lines (the same split and the same sums)."""
    to_fen: int = 10 ** (units.places - _FEN_PLACES)  # typed: int ** int is Any to mypy, slow compiled
    half_fen = to_fen // 2
    places = units.places + rules.share_places
    divisor: int = 10 ** (places - _FEN_PLACES)
    half = divisor // 2
    amounts = units.amounts
    prices = units.prices
    counts = units.counts
    fully_self_paid = rules.fully_self_paid
    shares_of = rules.shares
    caps = rules.caps
    shares: list[int] = []
    over_by_line: dict[int, int] = {}
    clipped: list[int] = []
    below: list[int] | None = None
    total = 0
    fully = 0
    over_cap = 0
    first_self_paid = 0
    for i in range(len(codes)):
        code = codes[i]
        amount = amounts[i]
        total += amount
        if fully_self_paid[code]:
            fully += amount
        share = shares_of[code]
        shares.append(share)
        base = amount
        cap = caps.get(code)  # the codes with a cap (rules.capped) are the keys of rules.caps
        if cap is not None and prices[i] > cap:  # over the cap: (price - cap) x count, half up to the fen
            excess = (prices[i] - cap) * counts[i]
            line_amount = amount
            if to_fen != 1:
                excess = (excess + half_fen) // to_fen
                line_amount = amount // to_fen
            if excess > line_amount:
                clipped.append(i)
                excess = line_amount
            over_by_line[i] = excess
            over_cap += excess
            base = amount - excess * to_fen
            if below is None:
                below = list(amounts)
            below[i] = base
        if share:
            first_self_paid += (base * share + half) // divisor
    return UnitSplit(
        total=total // to_fen,
        fully_self_paid=fully // to_fen,
        over_cap=over_cap,
        first_self_paid=first_self_paid,
        over_by_line=over_by_line,
        clipped=frozenset(clipped),
        bases=amounts if below is None else below,
        shares=shares,
        places=places,
    )


def _text_ok(value: Any, required: bool) -> bool:
    """Whether a value passes fee_lines._text as a str: text of at most 200 characters, not blank if required."""
    if type(value) is not str:
        return False
    text: str = value
    if len(text) > _MAX_TEXT:
        return False
    return not required or not (text == "" or text.isspace())


def _checked_texts(values: list[Any], required: bool) -> set[Any] | None:
    """The distinct values of a column if every one passes fee_lines._text as a str, else None."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value (list, object)
        return None
    for value in distinct:
        if not _text_ok(value, required):
            return None
    return distinct


def _unique_serials(serials: list[Any]) -> bool:
    """Whether every serial passes fee_lines._text as a required str and no two are the same."""
    for serial in serials:
        if not _text_ok(serial, True):
            return False
    return len(set(serials)) == len(serials)  # every serial a str: hashable


def _probe() -> None:
    """A function of this module: a plain Python function unless the module is compiled."""


COMPILED: Final = type(_probe) is not types.FunctionType
