"""Fee lines read as integers (fee_units.py) and split in integers (unit_split.py), held to the
Decimal column parse and the Decimal split they stand in for.

A bill whose columns are each written with one number of decimal places ("12.50", "3") is read as
integers; its classification by code then works in integers and makes each line's Decimal parts
only when read. Every column, part, total and settlement must be byte-identical to the Decimal
path's (fee_units patched away), every refusal the same, and the bills the integers do not take
(another spelling, a refund, a cap finer than the prices) must go the Decimal way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rules_helpers import CATALOG, KNOWN_CODES, fee, fen, request, run

from hospital_client.rules import RequestError, parse_catalog
from hospital_client.rules.fee_lines import FeeLines, _parse_fees_each, parse_fees
from hospital_client.rules.fees import classify_fees
from hospital_client.rules.pack_schema import ItemRules

D = Decimal
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ITEM_RULES = [ItemRules(), ItemRules(class_b_selfpay=D("0.10")), ItemRules(class_b_selfpay=D("0.125")),
              ItemRules(class_b_selfpay=D("0.25"), price_caps=False)]


@contextmanager
def decimal_path() -> Iterator[None]:
    """The column parse without the integers: the Decimal route these tests hold the integers to."""
    with patch("hospital_client.rules.fee_lines.fee_units", return_value=None), \
            patch("hospital_client.rules.fee_lines.scan_plain", return_value=None):
        yield


@st.composite
def plain_bills(draw: Any) -> list[dict[str, str]]:
    """Lines with each column written with one number of places, amounts within a fen of price x count."""
    price_places, count_places = draw(st.integers(0, 6)), draw(st.integers(0, 4))
    lines = []
    for i in range(draw(st.integers(1, 15))):
        price = D(draw(st.integers(0, 3 * 10**6))).scaleb(-price_places)
        count = D(draw(st.integers(0, 4 * 10**count_places))).scaleb(-count_places)
        amount = max(fen(price * count) + draw(st.sampled_from([D(0)] * 4 + [D("0.01"), D("-0.01")])), D(0))
        line = {"feedetl_sn": f"{i + 1:04d}", "med_list_codg": draw(st.sampled_from((*KNOWN_CODES, "ZZ-UNKNOWN"))),
                "pric": f"{price:.{price_places}f}", "cnt": f"{count:.{count_places}f}",
                "det_item_fee_sumamt": f"{amount:.2f}"}
        if draw(st.booleans()):
            line["name"] = draw(st.sampled_from(["", "项目"]))
        lines.append(line)
    return lines


def columns(lines: FeeLines) -> list[list[str]]:
    """Every value with its type and exact spelling."""
    return [[repr(v) for v in getattr(lines, name)] for name in FeeLines.__dataclass_fields__]


def split(lines: FeeLines, rules: ItemRules, catalog: Any = CATALOG) -> tuple[list[list[str]], list[str]]:
    """Every line's parts and the totals, each value's repr."""
    results, totals = classify_fees(lines, catalog, rules)
    parts = [[repr(getattr(r, name)) for name in r.__slots__] for r in results]
    return parts, [repr(totals), repr(results.to_dicts())]


@SETTINGS
@given(plain_bills(), st.sampled_from(ITEM_RULES))
def test_plain_bills_read_as_integers_parse_and_split_as_the_decimal_path(raw, rules):
    lines = parse_fees(raw)
    event("read as integers" if lines.units() is not None else "left to the Decimal parse")
    split_in_integers = split(lines, rules)   # before the columns are read: the parts made from the integers
    with decimal_path():
        by_decimals = parse_fees(raw)
    assert by_decimals.units() is None
    assert columns(lines) == columns(by_decimals) == columns(FeeLines.from_fees(_parse_fees_each(raw)))
    assert split_in_integers == split(by_decimals, rules)


@SETTINGS
@given(plain_bills(), st.sampled_from(["demo", "fuxin-2020", "xuzhou-2013"]))
def test_plain_bills_settle_alike_in_integers_and_decimals(raw, pack_id):
    bill = request(raw, pack_id=pack_id)
    in_integers = run(bill, pack_id).to_json()
    with decimal_path():
        assert run(bill, pack_id).to_json() == in_integers


def test_the_usual_bill_is_read_as_integers_in_fen():
    lines = parse_fees([fee("1", "B1", "12.50", "3"), fee("2", "P1", "100.00", "2"), fee("3", "C1", "0.01", "7")])
    units = lines.units()
    assert units is not None
    assert (units.places, units.amounts) == (2, (3750, 20000, 7))
    assert (units.prices, units.counts) == ((1250, 10000, 1), (3, 2, 7))


def test_finer_prices_and_counts_take_a_finer_unit():
    lines = parse_fees([fee("1", "B1", "0.1234", "2.50", det_item_fee_sumamt="0.31"),
                        fee("2", "A1", "3.0000", "0.25", det_item_fee_sumamt="0.75")])
    units = lines.units()
    assert units is not None and (units.places, units.count_places) == (6, 2)
    assert units.amounts == (310000, 750000) and units.prices == (1234, 30000) and units.counts == (250, 25)


@pytest.mark.parametrize("bill", [
    [fee("1", "A1", "12.5", "1"), fee("2", "A1", "3.25", "1")],              # prices with 1 and 2 places
    [fee("1", "A1", " 12.50", "1", det_item_fee_sumamt="12.50")],            # white space
    [fee("1", "A1", "1.25E+1", "1", det_item_fee_sumamt="12.50")],           # an exponent
    [fee("1", "A1", "12.50", "-1")],                                          # a refund line
    [fee("1", "A1", "0.00", "1", det_item_fee_sumamt="-0.00")],              # a signed zero
    [fee("1", "A1", "12.50", ".5", det_item_fee_sumamt="6.25")],             # no digit before the point
    [fee("1", "A1", "١٢.٥٠", "1", det_item_fee_sumamt="12.50")],             # digits other than ASCII
])
def test_other_spellings_go_the_decimal_way_with_the_same_lines(bill):
    lines = parse_fees(bill)
    assert lines.units() is None
    assert columns(lines) == columns(FeeLines.from_fees(_parse_fees_each(bill)))


def test_amounts_within_a_fen_are_taken_and_two_fen_off_refused_naming_the_line():
    within = [fee("1", "A1", "10.000", "3", det_item_fee_sumamt="30.01"),
              fee("2", "A1", "0.333", "3", det_item_fee_sumamt="1.00")]   # 0.999 and 1.00
    assert parse_fees(within).units() is not None
    off = [*within, fee("3", "A1", "10.000", "3", det_item_fee_sumamt="30.02")]
    with pytest.raises(RequestError) as err:
        parse_fees(off)
    assert (err.value.field, err.value.code) == ("fees[2].det_item_fee_sumamt", "amount_mismatch")


@pytest.mark.parametrize("change", [
    {"pric": "12345678901.00", "det_item_fee_sumamt": "12345678901.00"},   # a price of 11 digits
    {"cnt": "123456789", "pric": "0.00", "det_item_fee_sumamt": "0.00"},   # a count of 9 digits
    {"feedetl_sn": "0001"},                                                 # a duplicate serial
    {"med_list_codg": " "},
    {"det_item_fee_sumamt": "1.00 1.00"},                                   # two plain amounts in one
])
def test_a_bad_line_is_refused_as_the_line_parser_refuses_it(change):
    bill = [fee("0001", "A1", "1.00"), {**fee("0002", "A1", "1.00"), **change}]
    refusal: Callable[[Callable[[], Any]], tuple[str, str, str]] = _refusal
    assert refusal(lambda: parse_fees(bill)) == refusal(lambda: _parse_fees_each(bill))


def _refusal(parse: Callable[[], Any]) -> tuple[str, str, str]:
    with pytest.raises(RequestError) as err:
        parse()
    return err.value.field, err.value.problem, err.value.code


CAPS = parse_catalog(b"med_list_codg,name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt\n"
                     b"Q0,x,material,02,0.10,0\nQ9,y,material,01,,99.995\n", "caps.csv")


def test_a_line_over_its_cap_by_more_than_its_amount_keeps_its_amount_as_written():
    # Q0 is capped at 0: 20.00 x 1 is over the cap, but the line amount is 19.99 (a fen below
    # price x count), so the over-cap part is the amount itself, Decimal('19.99') as the line gives it.
    bill = [fee("1", "Q0", "20.00", "1", det_item_fee_sumamt="19.99"), fee("2", "Q0", "0.02", "2")]
    lines = parse_fees(bill)
    assert lines.units() is not None
    in_integers = split(lines, ItemRules(), CAPS)
    assert "Decimal('19.99')" in in_integers[0][0]
    with decimal_path():
        assert in_integers == split(parse_fees(bill), ItemRules(), CAPS)


def test_a_cap_finer_than_the_prices_splits_the_lines_read_as_integers_in_decimals():
    bill = [fee("1", "Q9", "100.00", "3"), fee("2", "Q0", "1.00", "3")]
    lines = parse_fees(bill)
    assert lines.units() is not None
    in_integers = split(lines, ItemRules(), CAPS)
    with decimal_path():
        assert in_integers == split(parse_fees(bill), ItemRules(), CAPS)
    # (100.00 - 99.995) x 3 = 0.015 -> 0.02 over Q9's cap, and Q0's whole 3.00 over its cap of 0.
    assert in_integers[1][0].startswith("FeeTotals(medfee_sumamt=Decimal('303.00'), fulamt_ownpay_amt=Decimal('0.00'), "
                                        "overlmt_selfpay=Decimal('3.02'), preselfpay_amt=Decimal('0.00'), "
                                        "inscp_scp_amt=Decimal('299.98')")


def test_the_parts_of_lines_read_as_integers_are_made_when_first_read():
    lines = parse_fees([fee(str(i), code, "3.00", "2") for i, code in enumerate(KNOWN_CODES)])
    # Six yuan a line; first self-paid: B1 20%, B0 the pack's 10%, PB 10%.
    results, totals = classify_fees(lines, CATALOG, ItemRules(class_b_selfpay=D("0.10")))
    assert "det_item_fee_sumamt" not in vars(lines)      # the totals came from the integers
    assert totals.medfee_sumamt == D("54.00") and repr(totals.preselfpay_amt) == "Decimal('2.40')"
    assert [r.preselfpay_amt for r in results] == [D(0), D(0), D("1.20"), D("0.60"), D(0), D(0), D(0), D("0.60"), D(0)]
    assert "det_item_fee_sumamt" in vars(lines)
