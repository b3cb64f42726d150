"""A request's fee lines: FeeLines (held column by column) and their parser, with a fast path
for a well-formed bill and line-by-line checks that name the offending line and field."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, Overflow
from operator import itemgetter, mul, sub
from typing import TYPE_CHECKING, Any

from .errors import RequestError
from .fee_loops import COMPILED, scan_plain
from .fee_units import FeeUnits, fee_units
from .money import round_fen

if TYPE_CHECKING:
    from .line_groups import LineGroups


@dataclass(slots=True)
class Fee:
    feedetl_sn: str
    med_list_codg: str
    name: str
    pric: Decimal
    cnt: Decimal
    det_item_fee_sumamt: Decimal
    chrgitm_lv: str | None = None
    selfpay_prop: Decimal | None = None
    pric_uplmt_amt: Decimal | None = None


_FEE_FIELD_ORDER = tuple(Fee.__dataclass_fields__)
_FEE_FIELDS = frozenset(_FEE_FIELD_ORDER)
_OVERRIDE_FIELDS = frozenset({"chrgitm_lv", "selfpay_prop", "pric_uplmt_amt"})


@dataclass(frozen=True)
class FeeLines:
    """A bill's fee lines held column by column: one list per Fee field, all of one length.

    The engine works on whole columns: a 2,000-line bill must parse and settle in a few
    milliseconds, and building an object per line alone would take a good part of that. Two facts
    about the whole bill (its distinct codes, whether a count is negative) are worked out once,
    by the column parse where it already has them, else on first use. Lines that repeat their
    bodies may be held by body instead (by_body, line_groups.py): the same columns, made on first read.
    """

    feedetl_sn: list[str]
    med_list_codg: list[str]
    name: list[str]
    pric: list[Decimal]
    cnt: list[Decimal]
    det_item_fee_sumamt: list[Decimal]
    chrgitm_lv: list[str | None]
    selfpay_prop: list[Decimal | None]
    pric_uplmt_amt: list[Decimal | None]

    @classmethod
    def from_fees(cls, fees: list[Fee]) -> FeeLines:
        return cls(*([getattr(fee, name) for fee in fees] for name in _FEE_FIELD_ORDER))

    @classmethod
    def by_body(cls, serials: list[str], groups: LineGroups) -> FeeLines:
        """Lines held by body (line_groups.py): the serials, and each distinct body parsed once.

        The columns other than feedetl_sn are made from the bodies when first read; the engine's
        classification reads the groups instead (fees.py).
        """
        lines = cls.__new__(cls)
        object.__setattr__(lines, "feedetl_sn", serials)
        object.__setattr__(lines, "_groups", groups)
        distinct = groups.distinct
        return lines._known(distinct.distinct_codes(), distinct.has_negative_counts())

    @classmethod
    def in_units(cls, texts: list[list[Any]], units: FeeUnits, distinct_codes: set[str]) -> FeeLines:
        """Lines without overrides read as integers (fee_units.py): the serial, code and name columns
        as given (``texts``, with the price, count and amount texts after them) and ``units``.

        The Decimal columns pric, cnt and det_item_fee_sumamt are made from the texts when first
        read (the classification by code reads the integers instead), as are the override columns,
        all None."""
        lines = cls.__new__(cls)
        for field, column in zip(_FEE_FIELD_ORDER[:3], texts[:3], strict=True):
            object.__setattr__(lines, field, column)
        object.__setattr__(lines, "_number_texts", texts[3:])
        object.__setattr__(lines, "_units", units)
        return lines._known(distinct_codes, False)

    def groups(self) -> LineGroups | None:
        """The lines by body when they were parsed so (line_groups.py), else None."""
        found: LineGroups | None = self.__dict__.get("_groups")
        return found

    def units(self) -> FeeUnits | None:
        """The lines' amounts, prices and counts as integers when they were parsed so (fee_units.py), else None."""
        found: FeeUnits | None = self.__dict__.get("_units")
        return found

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise take any attribute name
        def __getattr__(self, name: str) -> Any:
            # Reached only for an attribute not set: a column made on first read, of lines held by
            # body or read as integers.
            if name not in _FEE_FIELDS:
                raise AttributeError(name)
            groups = self.__dict__.get("_groups")
            if groups is not None:
                columns = zip(_FEE_FIELD_ORDER[1:], groups.line_columns(), strict=True)
            elif "_number_texts" in self.__dict__:
                columns = zip(_FEE_FIELD_ORDER[3:], _decimal_columns(self._number_texts, len(self)), strict=True)
            else:
                raise AttributeError(name)
            for field, column in columns:
                object.__setattr__(self, field, column)
            return self.__dict__[name]

    def __len__(self) -> int:
        return len(self.feedetl_sn)

    def __iter__(self) -> Iterator[Fee]:
        return map(Fee, *(getattr(self, name) for name in _FEE_FIELD_ORDER))

    def distinct_codes(self) -> set[str]:
        """The set of the lines' med_list_codg (kept: read it, do not change it)."""
        found: set[str] | None = self.__dict__.get("_distinct_codes")
        if found is None:
            found = set(self.med_list_codg)
            object.__setattr__(self, "_distinct_codes", found)
        return found

    def has_negative_counts(self) -> bool:
        """Whether any line's cnt is negative (a refund netted against the bill)."""
        found: bool | None = self.__dict__.get("_negative_counts")
        if found is None:
            found = min(self.cnt, default=Decimal(0)) < 0
            object.__setattr__(self, "_negative_counts", found)
        return found

    def _known(self, distinct_codes: set[str], negative_counts: bool) -> FeeLines:
        """The same lines with the two whole-bill facts the column parse has already found."""
        object.__setattr__(self, "_distinct_codes", distinct_codes)
        object.__setattr__(self, "_negative_counts", negative_counts)
        return self

    def has_overrides(self) -> bool:
        """Whether any line sets its own class, first self-paid share or price cap."""
        groups = self.groups()
        if groups is not None:
            return groups.distinct.has_overrides()
        if "_units" in self.__dict__:  # read as integers: none has an override
            return False
        lines = len(self)
        return (self.chrgitm_lv.count(None) != lines or self.selfpay_prop.count(None) != lines
                or self.pric_uplmt_amt.count(None) != lines)


def _decimal_columns(texts: list[list[str]], lines: int) -> list[list[Any]]:
    """The Decimal columns pric, cnt and det_item_fee_sumamt of lines read as integers, from their
    texts (each distinct text parsed once, as the column parse does), and the override columns."""
    columns: list[list[Any]] = []
    for column in texts:
        parsed = {text: Decimal(text) for text in set(column)}
        columns.append(list(map(parsed.__getitem__, column)))
    return [*columns, [None] * lines, [None] * lines, [None] * lines]


# det_item_fee_sumamt may differ from pric × cnt by one fen of rounding, not more.
_TOLERANCE = Decimal("0.015")
# Magnitude limits (Decimal.adjusted(), i.e. the power of ten of the leading digit): amounts
# below 10^14 yuan, unit prices below 10^10, counts below 10^8, so that pric × cnt and every
# sum stay far inside the 28-digit decimal context and are computed exactly.
_MAX_ADJUSTED = 13
_MAX_PRICE_ADJUSTED = 9
_MAX_COUNT_ADJUSTED = 7


# Fee lines are parsed by hand rather than by pydantic: a 2,000-line bill must parse and settle
# in a few milliseconds, and pydantic's Decimal validation alone takes longer than that.
def _decimal(
    value: Any, field: str, places: int, *, nonneg: bool, ratio: bool = False, max_adjusted: int = _MAX_ADJUSTED
) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise RequestError(
            field, "binary floating-point is not accepted for money; write it as a string, e.g. \"12.50\"", "float"
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (str, int)):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except (InvalidOperation, ValueError):
            raise RequestError(field, f"'{value}' is not a number", "not_number") from None
    elif value is None:
        raise RequestError(field, "required field is missing", "missing")
    else:
        raise RequestError(field, "must be a number written as a string, e.g. \"12.50\"", "not_number")
    if not number.is_finite():
        raise RequestError(field, "must be a finite number", "not_number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise RequestError(field, f"{number} has more than {places} decimal places", "too_many_decimals")
    if number and number.adjusted() > max_adjusted:
        raise RequestError(field, f"{number} is too large", "too_large")
    if nonneg and number < 0:
        raise RequestError(field, f"{number} must not be negative", "negative")
    if ratio and number > 1:
        raise RequestError(field, f"{number} must be between 0 and 1", "not_ratio")
    return number


def _text(value: Any, field: str, *, required: bool) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None and not required:
        return ""
    if value is None:
        raise RequestError(field, "required field is missing", "missing")
    if not isinstance(value, str):
        raise RequestError(field, "must be a string", "not_text")
    if required and not value.strip():
        raise RequestError(field, "must not be empty", "missing")
    if len(value) > 200:
        raise RequestError(field, "is longer than 200 characters", "too_long")
    return value


def parse_fees(raw: Any) -> FeeLines:
    """Fee lines from decoded JSON. Raises RequestError naming the line and field."""
    if not isinstance(raw, list):
        raise RequestError("fees", "must be a list of fee lines")
    if not raw:
        raise RequestError("fees", "the bill has no fee lines")
    fees = _parse_fees_bulk(raw)
    if fees is not None:
        return fees
    return FeeLines.from_fees(_parse_fees_each(raw))


def _parse_fees_bulk(raw: list[Any]) -> FeeLines | None:
    """The fast path for a well-formed bill: column-wise checks with C-level loops.

    A 2,000-line bill must settle within a few milliseconds; a per-line Python loop of field
    checks costs more than the whole settlement. Anything unusual returns None and the bill
    goes through _parse_fees_each, which finds and names the offending line and field.
    """
    if COMPILED:  # one compiled pass over the lines costs less than the passes below
        scanned = scan_plain(raw)
        if scanned is not None:
            return FeeLines.in_units(scanned.texts, scanned.units, scanned.distinct_codes)
    if set(map(type, raw)) != {dict}:
        return None
    try:
        serials = list(map(_get_serial, raw))
        codes = list(map(_get_code, raw))
        prices = list(map(_get_price, raw))
        counts = list(map(_get_count, raw))
        amounts = list(map(_get_amount, raw))
    except KeyError:
        return None
    names, keys = _names_and_keys(raw)
    if not keys <= _FEE_FIELDS or not unique_serials(serials):
        return None
    if keys.isdisjoint(_OVERRIDE_FIELDS):
        return _plain_lines(serials, codes, names, prices, counts, amounts)
    basic = basic_lines(serials, codes, names, prices, counts, amounts)
    if basic is None:
        return None
    levels = [line.get("chrgitm_lv") for line in raw]
    try:
        if set(levels) - {None, "01", "02", "03"}:
            return None
    except TypeError:  # an unhashable value (list, object) where a code belongs
        return None
    props = _override_column([line.get("selfpay_prop") for line in raw], _MAX_ADJUSTED, ratio=True)
    caps = _override_column([line.get("pric_uplmt_amt") for line in raw], _MAX_PRICE_ADJUSTED)
    if props is None or caps is None:
        return None
    fees = FeeLines(serials, codes, names, basic.pric, basic.cnt, basic.det_item_fee_sumamt, levels, props, caps)
    return fees._known(basic.distinct_codes(), basic.has_negative_counts())


def unique_serials(serials: list[Any]) -> bool:
    """Whether every serial passes _text as a str and no two are the same.

    Once the serials are known to be distinct, the text checks read them in bill order: lines
    parsed in order lie in memory in order, which a walk in a set's hash order is not."""
    try:
        distinct = set(serials)
    except TypeError:  # an unhashable value (list, object)
        return False
    return len(distinct) == len(serials) and "" not in distinct and _checked_texts_of(serials, required=True)


def _plain_lines(serials: list[str], codes: list[Any], names: list[Any], prices: list[Any], counts: list[Any],
                 amounts: list[Any]) -> FeeLines | None:
    """Lines without overrides, as basic_lines takes them, read as integers where their numbers are
    written plainly (fee_units.py): the classification by code then works on integers."""
    distinct_codes = _checked_texts(codes, names)
    if distinct_codes is None:
        return None
    units = fee_units(prices, counts, amounts)
    if units is None:
        return _decimal_lines(serials, codes, names, prices, counts, amounts, distinct_codes)
    return FeeLines.in_units([serials, codes, names, prices, counts, amounts], units, distinct_codes)


def basic_lines(serials: list[str], codes: list[Any], names: list[Any], prices: list[Any], counts: list[Any],
                amounts: list[Any]) -> FeeLines | None:
    """Lines without overrides from their columns as given, if every code, name and number passes
    parse_fee_line's checks (the serials are checked by unique_serials), else None."""
    distinct_codes = _checked_texts(codes, names)
    if distinct_codes is None:
        return None
    return _decimal_lines(serials, codes, names, prices, counts, amounts, distinct_codes)


def _checked_texts(codes: list[Any], names: list[Any]) -> set[str] | None:
    """The distinct codes, if every code and name passes parse_fee_line's checks, else None."""
    distinct_codes = _distinct_texts(codes, required=True)
    if distinct_codes is None or _distinct_texts(names, required=False) is None:
        return None
    return distinct_codes


def _decimal_lines(serials: list[str], codes: list[str], names: list[str], prices: list[Any], counts: list[Any],
                   amounts: list[Any], distinct_codes: set[str]) -> FeeLines | None:
    """Lines without overrides with Decimal columns, if every number passes parse_fee_line's checks, else None."""
    count_values = _parse_distinct(counts, 4, nonneg=False, max_adjusted=_MAX_COUNT_ADJUSTED)
    pric = _decimal_column(prices, 6, True, _MAX_PRICE_ADJUSTED)
    amount = _decimal_column(amounts, 2, False, _MAX_ADJUSTED)
    if count_values is None or pric is None or amount is None:
        return None
    cnt = list(map(count_values.__getitem__, counts))
    if not _amounts_match(pric, cnt, amount):
        return None
    lines = len(codes)
    return FeeLines(serials, codes, names, pric, cnt, amount, [None] * lines, [None] * lines,
                    [None] * lines)._known(distinct_codes, min(count_values.values()) < 0)


_BASIC_FIELDS = frozenset({"feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt"})
_get_serial, _get_code, _get_name, _get_price, _get_count, _get_amount = map(
    itemgetter, ("feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt"))


def _names_and_keys(raw: list[dict[Any, Any]]) -> tuple[list[Any], set[Any]]:
    """The name column ("" where a line gives none) and every key the lines use, given that each
    line has the five required fields.

    Lines that all have five keys, or all six with a name, have exactly the basic fields: this
    costs less than uniting every line's keys.
    """
    sizes = set(map(len, raw))
    if sizes == {len(_BASIC_FIELDS) - 1}:
        return [""] * len(raw), set(_BASIC_FIELDS - {"name"})
    if sizes == {len(_BASIC_FIELDS)}:
        try:
            return list(map(_get_name, raw)), set(_BASIC_FIELDS)
        except KeyError:
            pass
    keys: set[Any] = set().union(*raw)
    names = [line.get("name", "") for line in raw] if "name" in keys else [""] * len(raw)
    return names, keys


def _distinct_texts(values: list[Any], *, required: bool) -> set[str] | None:
    """The distinct values of a column if every one passes _text as a str, else None.

    The checks run on the distinct values only: a bill repeats codes (and names) on many lines.
    A str never equals a value of another type, so no wrong type hides in the set.
    """
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value (list, object)
        return None
    if required and "" in distinct:
        return None
    return distinct if _checked_texts_of(distinct, required=required) else None


def _checked_texts_of(texts: Collection[Any], *, required: bool) -> bool:
    """Whether every value is a str that passes _text, none of white space only if required (an
    empty one is the caller's to find, in its set)."""
    try:
        joined = "".join(texts)  # a TypeError where any value is not text
    except TypeError:
        return False
    if len(joined) > 200 and max(map(len, texts)) > 200:
        return False
    # Text without white space (str.split() takes the same characters as str.strip()) has no blank value.
    return not required or joined.split(None, 1) == [joined] or not _has_blank(texts)


def _has_blank(texts: Collection[str]) -> bool:
    """Whether any text is empty after strip(), as _text refuses a required one.

    str.strip() and str.isspace() take the same characters for white space, and isspace() stops
    at the first other character without building a new string.
    """
    return "" in texts or any(map(str.isspace, texts))


def _decimal_column(values: list[Any], places: int, nonneg: bool, max_adjusted: int) -> list[Decimal] | None:
    """A whole column of plain decimal strings at C speed, or None to fall back to line checks."""
    parsed = _parse_distinct(values, places, nonneg=nonneg, max_adjusted=max_adjusted)
    return None if parsed is None else list(map(parsed.__getitem__, values))


def _override_column(values: list[Any], max_adjusted: int, *, ratio: bool = False) -> list[Decimal | None] | None:
    """A column of optional overrides (selfpay_prop, pric_uplmt_amt): None where a line gives none."""
    parsed = _parse_distinct(values, 6, nonneg=True, max_adjusted=max_adjusted, ratio=ratio, optional=True)
    return None if parsed is None else list(map(parsed.get, values))


def _parse_distinct(
    values: list[Any], places: int, *, nonneg: bool, max_adjusted: int, ratio: bool = False, optional: bool = False
) -> dict[str, Decimal] | None:
    """Each distinct value of a column parsed, if all are strings that pass _decimal's checks, else None.

    A bill repeats the same prices, counts and amounts on many lines (daily doses): each distinct
    string is parsed and checked once, and the lines share the (immutable) Decimal. With
    `optional`, None stands for a value not given.
    """
    try:
        texts = set(values)
    except TypeError:  # an unhashable value (list, object) where a number belongs
        return None
    if optional:
        texts.discard(None)
        if not texts:
            return {}
    if set(map(type, texts)) != {str}:  # as in _distinct_texts, no other type hides in the set
        return None
    try:
        parsed = dict(zip(texts, map(Decimal, texts), strict=True))
        distinct = parsed.values()
        # The sum keeps the finest exponent of its terms and is NaN/infinite if any term is
        # (a signalling NaN raises instead, and a term beyond the context's range overflows).
        total = sum(distinct, Decimal(0))
        low, high = min(distinct), max(distinct)
    except (InvalidOperation, Overflow):
        return None
    exponent = total.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -places:
        return None
    if (high and high.adjusted() > max_adjusted) or (low and low.adjusted() > max_adjusted):
        return None
    if (nonneg and low < 0) or (ratio and high > 1):
        return None
    return parsed


def _amounts_match(prices: list[Decimal], counts: list[Decimal], amounts: list[Decimal]) -> bool:
    """Whether every det_item_fee_sumamt is within _TOLERANCE of pric × cnt."""
    products = list(map(mul, prices, counts))
    if products == amounts:  # the usual case, and cheaper than the tolerance arithmetic
        return True
    return not any(map(_TOLERANCE.__lt__, map(abs, map(sub, products, amounts))))


def _parse_fees_each(raw: list[Any]) -> list[Fee]:
    fees: list[Fee] = []
    seen: set[str] = set()
    for i, line in enumerate(raw):
        fee = parse_fee_line(line, f"fees[{i}]")
        if fee.feedetl_sn in seen:
            raise RequestError(f"fees[{i}].feedetl_sn", f"duplicate serial {fee.feedetl_sn}", "duplicate")
        seen.add(fee.feedetl_sn)
        fees.append(fee)
    return fees


def parse_fee_line(line: Any, where: str) -> Fee:
    """One fee line, every field checked; errors name `where` + the field (e.g. fees[3].pric)."""
    if type(line) is not dict:
        raise RequestError(where, "each fee line must be an object", "not_object")
    if not line.keys() <= _FEE_FIELDS:
        unknown = sorted(map(str, line.keys() - _FEE_FIELDS))[0]
        raise RequestError(f"{where}.{unknown}", "unknown field", "unknown_field")
    sn = _text(line.get("feedetl_sn"), f"{where}.feedetl_sn", required=True)
    code = _text(line.get("med_list_codg"), f"{where}.med_list_codg", required=True)
    name = _text(line.get("name", ""), f"{where}.name", required=False)
    pric = _decimal(line.get("pric"), f"{where}.pric", 6, nonneg=True, max_adjusted=_MAX_PRICE_ADJUSTED)
    cnt = _decimal(line.get("cnt"), f"{where}.cnt", 4, nonneg=False, max_adjusted=_MAX_COUNT_ADJUSTED)
    amount = _decimal(line.get("det_item_fee_sumamt"), f"{where}.det_item_fee_sumamt", 2, nonneg=False)
    if abs(pric * cnt - amount) > _TOLERANCE:
        raise RequestError(
            f"{where}.det_item_fee_sumamt", f"{amount} does not match pric × cnt = {round_fen(pric * cnt)}",
            "amount_mismatch",
        )
    level = line.get("chrgitm_lv")
    if level is not None and level not in ("01", "02", "03"):
        raise RequestError(f"{where}.chrgitm_lv", f"'{level}' is not 01 (甲), 02 (乙) or 03 (丙)", "bad_level")
    prop = line.get("selfpay_prop")
    cap = line.get("pric_uplmt_amt")
    return Fee(
        feedetl_sn=sn,
        med_list_codg=code,
        name=name,
        pric=pric,
        cnt=cnt,
        det_item_fee_sumamt=amount,
        chrgitm_lv=level,
        selfpay_prop=None if prop is None else _decimal(prop, f"{where}.selfpay_prop", 6, nonneg=True, ratio=True),
        pric_uplmt_amt=None if cap is None else _decimal(
            cap, f"{where}.pric_uplmt_amt", 6, nonneg=True, max_adjusted=_MAX_PRICE_ADJUSTED),
    )
