"""Fee lines grouped by body: a bill's lines that repeat the same item at the same price, count and
amount (an inpatient stay's daily bed, nursing, doses) are checked, parsed and classified once.

A line's body is everything it gives but its serial (feedetl_sn). The grouping takes a bill whose
lines are all plain dicts with exactly the required fields (with or without ``name``, the same on
every line): it reads each line's body as one tuple and counts the distinct ones at C speed,
checks every serial, and then checks and parses the distinct bodies with the column parse of
fee_lines.py. Anything else (a missing or unknown key, an override, a value that is not a string,
a duplicate serial, any check that fails) leaves the bill to fee_lines.parse_fees, which parses
it column by column or line by line and names the offending line and field.

The classification (fees.py) then splits each distinct body once and weights its parts by the
number of its lines; each line's result is its body's under its own serial (result.py,
FeeResultsByBody).
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any

from .fee_lines import FeeLines, basic_lines, parse_fees, unique_serials

_WITH_NAME = itemgetter("med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt")
_WITHOUT_NAME = itemgetter("med_list_codg", "pric", "cnt", "det_item_fee_sumamt")
_SERIAL = itemgetter("feedetl_sn")
# A line with the serial and the body's fields has this many keys, with or without a name.
_KEYS_WITH_NAME = 6
_KEYS_WITHOUT_NAME = 5
# The grouping pays while a 2,000-line bill has fewer than about 1,100 distinct bodies (measured on
# bills like bench/engine.py's); a sample of every 16th line at most 85% distinct says about 750 or
# fewer, and a bill of random lines (bench/engine.py's first) gives over 95%. A sample of every 8th
# line guessed much the same and cost a bill that is not grouped twice as much.
SAMPLE_STEP = 16
MOST_DISTINCT = 0.85


class LineGroups:
    """A bill's lines by body: the distinct bodies parsed (one line each, in order of first
    appearance; their serials are blank), how many lines share each, and each line's body as given."""

    __slots__ = ("_line_ids", "bodies", "counts", "distinct", "order")

    def __init__(self, distinct: FeeLines, counted: Counter[tuple[Any, ...]], bodies: list[tuple[Any, ...]]) -> None:
        self.distinct = distinct
        self.counts = list(counted.values())
        self.order = counted                # a distinct body's position is its position in this mapping
        self.bodies = bodies
        self._line_ids: list[int] | None = None

    def line_ids(self) -> list[int]:
        """Each line's distinct body, by its index in ``distinct``."""
        if self._line_ids is None:
            position = dict(zip(self.order, range(len(self.counts)), strict=True))
            self._line_ids = list(map(position.__getitem__, self.bodies))
        return self._line_ids

    def line_columns(self) -> list[list[Any]]:
        """Every FeeLines column but feedetl_sn, one value per line, in FeeLines' field order."""
        ids = self.line_ids()
        distinct = self.distinct
        return [list(map(column.__getitem__, ids)) for column in (
            distinct.med_list_codg, distinct.name, distinct.pric, distinct.cnt, distinct.det_item_fee_sumamt,
            distinct.chrgitm_lv, distinct.selfpay_prop, distinct.pric_uplmt_amt)]


def parse_fee_lines(raw: Any) -> FeeLines:
    """The request's fee lines: held by body where the bill allows (group_fee_lines), else
    parse_fees. The same lines, figures and errors either way."""
    if isinstance(raw, list) and raw:
        grouped = group_fee_lines(raw)
        if grouped is not None:
            return grouped
    return parse_fees(raw)


def group_fee_lines(raw: list[Any]) -> FeeLines | None:
    """The lines held by body if they repeat enough and every line passes parse_fee_line's checks
    on the way described above, else None."""
    named = type(raw[0]) is dict and len(raw[0]) == _KEYS_WITH_NAME
    body_of = _WITH_NAME if named else _WITHOUT_NAME
    if not _repeats_enough(raw, body_of) or set(map(type, raw)) != {dict}:
        return None
    if set(map(len, raw)) != {_KEYS_WITH_NAME if named else _KEYS_WITHOUT_NAME}:
        return None
    try:
        # With the key count known, a line that has the serial and the body's fields has no other.
        bodies: list[tuple[Any, ...]] = list(map(body_of, raw))
        serials = list(map(_SERIAL, raw))
        counted = Counter(bodies)
    except (KeyError, TypeError):  # a field missing; an unhashable value (list, object)
        return None
    if not unique_serials(serials):
        return None
    # The column parse refuses any value that is not a str, so no value of another type that
    # compares equal to a body's first one (1, True, 1.0) is taken for it.
    columns: list[list[Any]] = [list(column) for column in zip(*counted, strict=True)]
    if not named:
        columns.insert(1, [""] * len(counted))
    distinct = basic_lines([""] * len(counted), *columns)
    if distinct is None:
        return None
    return FeeLines.by_body(serials, LineGroups(distinct, counted, bodies))


def _repeats_enough(raw: list[Any], body_of: itemgetter[Any]) -> bool:
    """Whether a sample of every SAMPLE_STEP-th line repeats a body often enough for the grouping
    to pay: it costs a count of the bodies over the whole bill, which a bill of mostly distinct
    lines does not earn back. A cheap guess, not a check; either way the figures are the same."""
    sample = raw[::SAMPLE_STEP]
    if set(map(type, sample)) != {dict}:
        return False
    try:
        distinct = len(set(map(body_of, sample)))
    except (KeyError, TypeError):
        return False
    return distinct <= MOST_DISTINCT * len(sample)
