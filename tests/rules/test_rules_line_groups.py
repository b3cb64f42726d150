"""Fee lines held by body (line_groups.py) against the reference: the same bills parsed by
fee_lines.parse_fees (column by column, else line by line) and classified line by line.

A bill whose lines repeat their bodies is parsed and classified once per distinct body
(parse_request -> parse_fee_lines). Every result must be byte-identical to the reference's, every
refused bill refused with the same field, wording and code, and the per-line columns and results
read from the groups equal to the reference's. The tests lift the sampling guess (MOST_DISTINCT)
so that every bill that may be grouped is, whatever its repetition.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from review_helpers import library
from rules_helpers import CATALOG, KNOWN_CODES, fee, fen, pack, request, run

from hospital_client import paths
from hospital_client.rules import RequestError, RulesError, line_groups, load_catalog, parse_request, settle
from hospital_client.rules.fee_lines import FeeLines, parse_fees
from hospital_client.rules.fees import classify_fees
from hospital_client.rules.result import FeeResultsByBody

D = Decimal
ZERO = D("0.00")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PACKS = ("demo", "fuxin-2020", "xuzhou-2013")


@contextmanager
def grouped_whenever_possible() -> Iterator[None]:
    with patch.object(line_groups, "MOST_DISTINCT", 1.0):
        yield


@contextmanager
def never_grouped() -> Iterator[None]:
    with patch.object(line_groups, "group_fee_lines", return_value=None):
        yield


def outcome(compute: Callable[[], Any]) -> Any:
    """The canonical JSON of a result, or the refusal's field, wording and code."""
    try:
        return compute().to_json()
    except RequestError as exc:
        return exc.field, exc.problem, exc.code
    except RulesError as exc:
        return type(exc).__name__, str(exc)


def both(compute: Callable[[], Any]) -> tuple[Any, Any]:
    with grouped_whenever_possible():
        grouped = outcome(compute)
    with never_grouped():
        reference = outcome(compute)
    return grouped, reference


# --- strategies ----------------------------------------------------------------------------------

odd_numbers = st.sampled_from(["NaN", "-1", "0.001", "1e20", "abc", "", 12.5, 7, True, None, [], D("1.5")])
odd_texts = st.sampled_from(["x", " A1 ", "", "  ", "\u3000", "x" * 201, 7, None, [], 1.5])

# Few values for each field, so that bodies repeat; refunds, a negative zero and unknown codes among them.
line_prices = st.sampled_from(["10.00", "2.5", "80.00", "95.123456", "0.00", "1200", "49.99"])
line_counts = st.sampled_from(["1", "2", "3", "0.5", "-1", "-0", "1.0000"])


@st.composite
def body(draw: Any, named: bool) -> dict[str, Any]:
    pric, cnt = draw(line_prices), draw(line_counts)
    amount = fen(D(pric) * D(cnt)) + draw(st.sampled_from([ZERO] * 4 + [D("0.01"), D("-0.01")]))
    spelled = draw(st.sampled_from(["{:.2f}", "{:f}", "{:.2f}"])).format(amount)
    line: dict[str, Any] = {"med_list_codg": draw(st.sampled_from((*KNOWN_CODES, "ZZ-UNKNOWN"))),
                            "pric": pric, "cnt": cnt, "det_item_fee_sumamt": spelled}
    if named:
        line["name"] = draw(st.sampled_from(["", "项目", " x "]))
    return line


def spoil(draw: Any, line: dict[str, Any]) -> dict[str, Any]:
    """The line with one odd value (some refused, some only a type the grouping must not merge),
    a missing or unknown field, or an override."""
    line = dict(line)
    key = draw(st.sampled_from(["feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt",
                                "remove", "unknown", "override", "same_but_int"]))
    if key == "remove":
        line.pop(draw(st.sampled_from(sorted(line))))
    elif key == "unknown":
        line["colour"] = "red"
    elif key == "override":
        line[draw(st.sampled_from(["chrgitm_lv", "selfpay_prop", "pric_uplmt_amt"]))] = \
            draw(st.sampled_from(["01", "03", "0.1", "5", None]))
    elif key == "same_but_int":   # 1 == True == 1.0 == D(1) as dict keys: the grouping must not take one for another
        line[draw(st.sampled_from(["pric", "cnt", "med_list_codg"]))] = draw(st.sampled_from([1, True, 1.0, D(1)]))
    elif key in ("feedetl_sn", "med_list_codg", "name"):
        line[key] = draw(odd_texts)
    else:
        line[key] = draw(odd_numbers)
    return line


@st.composite
def bills(draw: Any, *, clean: bool | None = None) -> list[Any]:
    """Lines drawn from a few bodies, so that they repeat; all with a name or all without; unless
    clean, one line spoilt or a serial repeated."""
    named = draw(st.booleans())
    pool = draw(st.lists(body(named), min_size=1, max_size=5))
    lines: list[Any] = [{"feedetl_sn": f"{i:05d}", **dict(draw(st.sampled_from(pool)))}
                        for i in range(draw(st.integers(1, 40)))]
    if clean is False or (clean is None and draw(st.booleans())):
        i = draw(st.integers(0, len(lines) - 1))
        if draw(st.integers(0, 6)) == 0:
            lines[i] = {**lines[i], "feedetl_sn": lines[0]["feedetl_sn"]}   # a duplicate serial (or none)
        else:
            lines[i] = spoil(draw, lines[i])
    return lines


# --- parsing -------------------------------------------------------------------------------------

def columns(lines: FeeLines) -> list[list[str]]:
    """Every value with its type and exact spelling (Decimal('5') is not Decimal('5.00'))."""
    return [[repr(v) for v in getattr(lines, name)] for name in FeeLines.__dataclass_fields__]


def parsed(parse: Callable[[], FeeLines]) -> Any:
    try:
        lines = parse()
    except RequestError as exc:
        return exc.field, exc.problem, exc.code
    return columns(lines)


@SETTINGS
@given(bills())
def test_lines_held_by_body_are_the_lines_parse_fees_gives(raw):
    with grouped_whenever_possible():
        grouped = line_groups.group_fee_lines(raw)
        event("held by body" if grouped is not None else "left to parse_fees")
        assert parsed(lambda: line_groups.parse_fee_lines(raw)) == parsed(lambda: parse_fees(raw))
    if grouped is not None:
        reference = parse_fees(raw)
        assert columns(grouped) == columns(reference)
        assert grouped == reference
        assert list(grouped) == list(reference)
        assert (grouped.distinct_codes(), grouped.has_negative_counts(), grouped.has_overrides()) == \
            (reference.distinct_codes(), reference.has_negative_counts(), reference.has_overrides())


@SETTINGS
@given(bills(), st.sampled_from(PACKS), st.sampled_from(["21", "11"]))
def test_a_bill_settles_byte_identically_held_by_body_and_line_by_line(raw, pack_id, med_type):
    bill = request(raw, pack_id=pack_id, med_type=med_type)
    grouped, reference = both(lambda: run(bill, pack_id))
    event("refused" if isinstance(grouped, tuple) else "settled")
    assert grouped == reference


@SETTINGS
@given(bills(clean=True))
def test_each_line_result_is_its_body_result_under_its_own_serial(raw):
    with grouped_whenever_possible():
        lines = parse_request(request(raw)).fees
    reference_lines = parse_fees(raw)
    event("held by body" if lines.groups() is not None else "left to parse_fees")
    results, totals = classify_fees(lines, CATALOG, pack("demo").model.items)
    expected, expected_totals = classify_fees(reference_lines, CATALOG, pack("demo").model.items)
    assert list(results) == list(expected)
    assert results.to_dicts() == expected.to_dicts()
    assert [repr(getattr(totals, k)) for k in totals.__slots__] == \
        [repr(getattr(expected_totals, k)) for k in expected_totals.__slots__]
    assert results[-1] == expected[-1] and results[1:3] == expected[1:3]


def test_a_repeating_bill_is_held_by_body_without_lifting_the_guess():
    raw = [fee(f"{i:04d}", code, pric, cnt) for i, (code, pric, cnt) in
           enumerate([("A1", "10.00", "1"), ("B1", "25.00", "2"), ("P1", "95.00", "1"), ("C1", "3.00", "4")] * 50)]
    lines = parse_request(request(raw)).fees
    groups = lines.groups()
    assert groups is not None and groups.counts == [50, 50, 50, 50]
    result = run(request(raw))
    assert isinstance(result.fees, FeeResultsByBody)
    with never_grouped():
        assert run(request(raw)).to_json() == result.to_json()


def test_a_bill_of_distinct_lines_is_left_to_the_column_parse():
    raw = [fee(f"{i:04d}", "A1", f"{i + 1}.00") for i in range(200)]
    assert parse_request(request(raw)).fees.groups() is None


@pytest.mark.parametrize(("change", "field"), [
    ({"pric": "-2.00", "det_item_fee_sumamt": "-2.00"}, "pric"),
    ({"cnt": True}, "cnt"),
    ({"cnt": 1}, "cnt"),
    ({"det_item_fee_sumamt": "1.02"}, "det_item_fee_sumamt"),
    ({"det_item_fee_sumamt": [1]}, "det_item_fee_sumamt"),
    ({"feedetl_sn": "0001"}, "feedetl_sn"),                 # a duplicate serial
    ({"feedetl_sn": 7}, "feedetl_sn"),                      # an int serial is read, and then repeats none
    ({"med_list_codg": " "}, "med_list_codg"),
    ({"name": "x" * 201}, "name"),
    ({"colour": "red"}, "colour"),
    ({"chrgitm_lv": "04"}, "chrgitm_lv"),
])
def test_a_bad_line_among_repeating_ones_is_named_as_today(change, field):
    raw = [fee(f"{i:04d}", "A1", "1.00") for i in range(40)]
    raw[30] = {**raw[30], **change}
    grouped, reference = both(lambda: run(request(raw)))
    assert grouped == reference
    if isinstance(reference, tuple):
        assert reference[0] == f"fees[30].{field}"


def test_the_bench_bills_settle_alike_held_by_body_and_line_by_line():
    """Bills as bench/engine.py makes them, on the demo catalogue: repeating and all-distinct,
    inpatient and outpatient, with a review library that blocks some lines."""
    catalog = load_catalog(paths.demo_catalog_path())
    items = list(catalog.items.values())
    rng = random.Random(15)
    blocks = library(f'''
[[rule]]
id = "IND-X"
kind = "indication"
severity = "block"
codes = ["{items[0].code}", "{items[1].code}"]
icd10_prefixes = ["K72"]
text = "{{name}}限肝衰竭"
''')
    for distinct in (1, 40, 400, 2000):
        bodies = [(item.code, item.demo_pric or D("10.00"), D(rng.randint(1, 6))) for item in
                  (rng.choice(items) for _ in range(distinct))]
        if distinct == 2000:
            bodies = [(code, price + D(i) / 100, cnt) for i, (code, price, cnt) in enumerate(bodies)]
        raw = [fee(f"{i:05d}", *bodies[i % distinct]) for i in range(2000)]
        raw[0] = {**raw[0], "med_list_codg": items[0].code}
        for med_type in ("21", "11"):
            bill = request(raw, med_type=med_type)
            assert (parse_request(bill).fees.groups() is not None) == (distinct <= 400)
            for review in (None, blocks):
                grouped, reference = both(lambda bill=bill, review=review: settle(
                    bill, pack("demo"), catalog, review=review))
                assert grouped == reference
