"""The fee lines' fast paths, held to their plain per-line definitions.

A 2,000-line bill must settle in a few milliseconds (bench/engine.py), so a well-formed bill is
parsed column by column (_parse_fees_bulk) and, without per-line overrides, classified by one
rule per catalogue code, kept with the catalogue. Here the column parse must agree with the line
parser (parse_fee_line, which also names a bad line's field), and the classification with the
per-line loop written out below.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rules_helpers import CATALOG, KNOWN_CODES, fee, fen, make_pack, request, run

from hospital_client.rules import Catalog, RequestError, parse_catalog
from hospital_client.rules.catalog import CLASS_B, CLASS_C
from hospital_client.rules.fee_lines import Fee, FeeLines, _parse_fees_bulk, _parse_fees_each, parse_fees
from hospital_client.rules.fees import classify_fees
from hospital_client.rules.pack_schema import ItemRules

D = Decimal
ZERO = D("0.00")
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ----------------------------------------------------------------------------------

prices = st.integers(1, 2_000_000).map(lambda c: D(c) / 100)
counts = st.one_of(st.integers(-6, 30).map(D), st.integers(-40, 400).map(lambda n: D(n) / 4))
shares = st.sampled_from([D("0"), D("0.1"), D("0.25"), D("0.000001"), D("1"), D("1.000000")])
caps = st.sampled_from([D("0"), D("0.5"), D("10"), D("80.123456"), D("1000"), D("999999999")])
# Number spellings the parsers must read alike; none is refused by the line parser.
spellings = st.sampled_from(["{:f}", "{:f}", "{:f}", " {:f} ", "\u3000{:f}\t", "{:E}"])
odd_numbers = st.sampled_from([
    "NaN", "sNaN", "Infinity", "-1", "-0", "0.001", "1e-7", "12.3456789", "1e20", "1e1000000", "1e-1000000",
    "abc", "", "1_0", 12.5, 7, True, None, [], D("1.5"),
])
# White space as str.strip() takes it (ASCII, the ideographic space, line separators) and one
# character it does not (the zero-width space).
blanks = st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000"), max_size=3)
odd_texts = st.one_of(
    st.sampled_from(["x", "A1", "ZZ", " A1 ", "\u200b", "x" * 201, " " * 201, 7, None, [], 1.5]), blanks,
)


@st.composite
def fee_line(draw: Any, sn: int, codes: tuple[str, ...], overrides: bool) -> dict[str, Any]:
    pric, cnt = draw(prices), draw(counts)
    amount = fen(pric * cnt) + draw(st.sampled_from([ZERO] * 4 + [D("0.01"), D("-0.01")]))
    line: dict[str, Any] = {
        "feedetl_sn": f"{sn:05d}", "med_list_codg": draw(st.sampled_from((*codes, "ZZ-UNKNOWN"))),
        "pric": draw(spellings).format(pric), "cnt": draw(spellings).format(cnt),
        "det_item_fee_sumamt": draw(spellings).format(amount),
    }
    if draw(st.booleans()):
        line["name"] = draw(st.sampled_from(["", "项目", "x"]))
    if draw(st.integers(0, 4)) == 0:
        line["chrgitm_lv"] = draw(st.sampled_from(["01", "02", "03", None]))
    if overrides and draw(st.integers(0, 4)) == 0:
        line["selfpay_prop"] = draw(st.one_of(st.none(), st.builds(str.format, spellings, shares)))
    if overrides and draw(st.integers(0, 4)) == 0:
        line["pric_uplmt_amt"] = draw(st.one_of(st.none(), st.builds(str.format, spellings, caps)))
    return line


def spoil(draw: Any, line: dict[str, Any]) -> dict[str, Any]:
    """The line with one bad value, missing field, unknown field or refused sign."""
    line = dict(line)
    key = draw(st.sampled_from(["feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt",
                                "chrgitm_lv", "selfpay_prop", "pric_uplmt_amt", "unknown", "remove",
                                "negative_price"]))
    if key == "negative_price":   # consistent with cnt and the amount, refused only for its sign
        line["pric"] = "-" + str(line["pric"]).strip()
        line["det_item_fee_sumamt"] = str(-D(line["det_item_fee_sumamt"]))
    elif key == "remove":
        line.pop(draw(st.sampled_from(sorted(line))))
    elif key in ("feedetl_sn", "med_list_codg", "name", "chrgitm_lv"):
        line[key] = draw(odd_texts)
    else:
        line[key] = draw(odd_numbers)
    return line


@st.composite
def bills(draw: Any, *, clean: bool | None = None) -> list[Any]:
    """Fee lines, some with class, share or cap overrides; unless clean, one line spoilt."""
    overrides = draw(st.booleans())
    codes = draw(st.sampled_from([KNOWN_CODES, KNOWN_CODES[:2]]))   # few codes: many repeated values
    lines: list[Any] = [draw(fee_line(i, codes, overrides)) for i in range(draw(st.integers(1, 12)))]
    if clean is False or (clean is None and draw(st.booleans())):
        i = draw(st.integers(0, len(lines) - 1))
        if draw(st.integers(0, 8)) == 0:
            lines[i] = {**lines[i], "feedetl_sn": lines[0]["feedetl_sn"]}   # a duplicate serial (or none)
        else:
            lines[i] = spoil(draw, lines[i])
    return lines


def columns(lines: FeeLines) -> list[list[str]]:
    """Every value with its type and exact spelling (Decimal('5') is not Decimal('5.00'))."""
    return [[repr(v) for v in getattr(lines, name)] for name in FeeLines.__dataclass_fields__]


# --- parsing -------------------------------------------------------------------------------------

def outcome(parse: Callable[[], FeeLines | list[Fee]]) -> list[list[str]] | tuple[str, str, str]:
    """The parsed columns, or the error's field, wording and code."""
    try:
        parsed = parse()
    except RequestError as exc:
        return exc.field, exc.problem, exc.code
    return columns(parsed if isinstance(parsed, FeeLines) else FeeLines.from_fees(parsed))


@SETTINGS
@given(bills())
def test_the_column_parse_agrees_with_the_line_parser(raw):
    by_lines = outcome(lambda: _parse_fees_each(raw))
    fast = _parse_fees_bulk(raw)
    event("left to the line parser" if fast is None else "parsed by columns")
    if fast is not None:
        assert columns(fast) == by_lines
    assert outcome(lambda: parse_fees(raw)) == by_lines


GOOD = [fee("1", "A1", "10.00", "2"), fee("2", "B1", "2.50", "4"), fee("3", "C1", "1.00", "1"),
        fee("4", "A2", "3.00", "3")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pric": "-2.00", "det_item_fee_sumamt": "-2.00"}, "pric"),            # negative price
        ({"pric": "0.0000001", "det_item_fee_sumamt": "0.00"}, "pric"),          # 7 decimal places
        ({"pric": "1E+10", "cnt": "1", "det_item_fee_sumamt": "10000000000.00"}, "pric"),   # too large
        ({"pric": 1.0}, "pric"),                                                  # binary float
        ({"pric": "1E+1000000"}, "pric"),                                       # beyond the context's Emax
        ({"pric": None}, "pric"),
        ({"cnt": True}, "cnt"),
        ({"cnt": "NaN"}, "cnt"),
        ({"cnt": "sNaN"}, "cnt"),
        ({"cnt": "Infinity"}, "cnt"),
        ({"cnt": "1.00001"}, "cnt"),
        ({"pric": "0.01", "cnt": "1E+8", "det_item_fee_sumamt": "1000000.00"}, "cnt"),
        ({"det_item_fee_sumamt": "1.001"}, "det_item_fee_sumamt"),
        ({"det_item_fee_sumamt": "1.02"}, "det_item_fee_sumamt"),                # 2 fen off pric × cnt
        ({"det_item_fee_sumamt": [1]}, "det_item_fee_sumamt"),
        ({"feedetl_sn": ""}, "feedetl_sn"),
        ({"feedetl_sn": "   "}, "feedetl_sn"),
        ({"feedetl_sn": "\u3000\t"}, "feedetl_sn"),
        ({"feedetl_sn": "1"}, "feedetl_sn"),                                      # duplicate serial
        ({"feedetl_sn": "x" * 201}, "feedetl_sn"),
        ({"feedetl_sn": ["3"]}, "feedetl_sn"),
        ({"med_list_codg": ""}, "med_list_codg"),
        ({"med_list_codg": " "}, "med_list_codg"),
        ({"med_list_codg": "\n\xa0"}, "med_list_codg"),
        ({"med_list_codg": "C" * 201}, "med_list_codg"),
        ({"med_list_codg": None}, "med_list_codg"),
        ({"name": "x" * 201}, "name"),
        ({"name": {}}, "name"),
        ({"chrgitm_lv": "04"}, "chrgitm_lv"),
        ({"chrgitm_lv": []}, "chrgitm_lv"),
        ({"selfpay_prop": "1.5"}, "selfpay_prop"),
        ({"selfpay_prop": "-0.1"}, "selfpay_prop"),
        ({"selfpay_prop": "0.1234567"}, "selfpay_prop"),
        ({"selfpay_prop": 0.5}, "selfpay_prop"),
        ({"selfpay_prop": "NaN"}, "selfpay_prop"),
        ({"pric_uplmt_amt": "-1"}, "pric_uplmt_amt"),
        ({"pric_uplmt_amt": "1E+10"}, "pric_uplmt_amt"),
        ({"pric_uplmt_amt": "1E+1000000"}, "pric_uplmt_amt"),
        ({"selfpay_prop": "1E-1000000"}, "selfpay_prop"),
        ({"pric_uplmt_amt": "abc"}, "pric_uplmt_amt"),
        ({"pric_uplmt_amt": [2]}, "pric_uplmt_amt"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_the_column_parse_leaves_every_bad_line_to_the_line_parser(change, field):
    raw = [*GOOD[:2], {**GOOD[2], **change}, GOOD[3]]
    assert _parse_fees_bulk(raw) is None
    with pytest.raises(RequestError) as err:
        parse_fees(raw)
    assert err.value.field == f"fees[2].{field}"
    assert outcome(lambda: parse_fees(raw)) == outcome(lambda: _parse_fees_each(raw))


@pytest.mark.parametrize("field", ["feedetl_sn", "med_list_codg"])
@pytest.mark.parametrize("blank", ["", "  ", "\u3000"])
def test_a_blank_serial_or_code_is_refused_whichever_path_the_bill_takes(field, blank):
    raw = [fee(str(i), "A1", "1.00") for i in range(20)]
    raw[12] = {**raw[12], field: blank}
    on_the_line_path = [*raw, {**fee("", "A1", "1.00"), "feedetl_sn": 99}]   # only the line parser reads an int
    for bill in (raw, on_the_line_path):
        with pytest.raises(RequestError) as err:
            parse_fees(bill)
        assert (err.value.field, err.value.problem, err.value.code) == (f"fees[12].{field}", "must not be empty",
                                                                        "missing")


def test_a_blank_or_spaced_name_is_kept_on_either_path():
    raw = [fee("1", "A1", "1.00", name="  "), fee("2", "A1", "1.00", name=""), fee("3", "A1", "1.00", name=" x ")]
    assert _parse_fees_bulk(raw) is not None
    on_the_line_path = [*raw, {**fee("", "A1", "1.00"), "feedetl_sn": 4}]
    assert parse_fees(raw).name == parse_fees(on_the_line_path).name[:3] == ["  ", "", " x "]


def test_the_column_parse_takes_a_good_bill_and_its_overrides():
    raw = [GOOD[0], {**GOOD[1], "selfpay_prop": "0.25", "pric_uplmt_amt": None},
           {**GOOD[2], "pric_uplmt_amt": " 0.80 "}, {**GOOD[3], "chrgitm_lv": "03", "selfpay_prop": None}]
    lines = _parse_fees_bulk(raw)
    assert lines is not None
    assert (lines.chrgitm_lv, lines.selfpay_prop, lines.pric_uplmt_amt) == (
        [None, None, None, "03"], [None, D("0.25"), None, None], [None, None, D("0.80"), None])
    assert columns(lines) == columns(FeeLines.from_fees(_parse_fees_each(raw)))


@SETTINGS
@given(bills(clean=True), st.sampled_from(["demo", "fuxin-2020", "xuzhou-2013"]))
def test_a_bill_settles_alike_by_columns_and_line_by_line(raw, pack_id):
    bill = request(raw, pack_id=pack_id)
    event("parsed by columns" if _parse_fees_bulk(raw) is not None else "left to the line parser")
    by_columns = run(bill, pack_id).to_dict()
    with patch("hospital_client.rules.fee_lines._parse_fees_bulk", return_value=None):
        by_lines = run(bill, pack_id).to_dict()
    assert by_columns == by_lines


def test_fee_lines_give_back_their_fees():
    lines = parse_fees([fee("1", "A1", "10.00", "2"), fee("2", "B1", "5.00", "-1", chrgitm_lv="01")])
    assert len(lines) == 2
    assert columns(FeeLines.from_fees(list(lines))) == columns(lines)
    assert [(f.feedetl_sn, f.cnt, f.chrgitm_lv) for f in lines] == [("1", D(2), None), ("2", D(-1), "01")]


# --- classification ------------------------------------------------------------------------------

def classify_line_by_line(lines: FeeLines, catalog: Catalog, rules: ItemRules) -> list[tuple[Any, ...]]:
    """The definition: each line on its own, overrides first, then the catalogue, then the pack."""
    out = []
    for f in lines:
        item = catalog.items.get(f.med_list_codg)
        level, known = f.chrgitm_lv, True
        if level is None:
            level, known = (item.chrgitm_lv, True) if item is not None else (CLASS_C, False)
        if level == CLASS_C:
            out.append((f.feedetl_sn, level, f.det_item_fee_sumamt, ZERO, ZERO, ZERO, known))
            continue
        cap = f.pric_uplmt_amt if f.pric_uplmt_amt is not None else (item.pric_uplmt_amt if item else None)
        over = ZERO
        if rules.price_caps and cap is not None and f.pric > cap:
            over = ((f.pric - cap) * f.cnt).quantize(D("0.01"), ROUND_HALF_UP)
            amount = f.det_item_fee_sumamt
            over = min(over, amount) if amount >= 0 else max(over, amount)
        rest = f.det_item_fee_sumamt - over
        pre = ZERO
        if level == CLASS_B:
            share = f.selfpay_prop
            if share is None:
                share = item.selfpay_prop if item is not None and item.selfpay_prop is not None else \
                    rules.class_b_selfpay
            if share:
                pre = (rest * share).quantize(D("0.01"), ROUND_HALF_UP)
        out.append((f.feedetl_sn, level, ZERO, over, pre, rest - pre, known))
    return out


ITEM_RULES = [ItemRules(), ItemRules(class_b_selfpay=D("0.10")), ItemRules(class_b_selfpay=D("0.25"), price_caps=False)]


@SETTINGS
@given(bills(clean=True), st.sampled_from(ITEM_RULES))
def test_classification_agrees_with_the_line_by_line_definition(raw, rules):
    lines = parse_fees(raw)
    results, totals = classify_fees(lines, CATALOG, rules)
    expected = classify_line_by_line(lines, CATALOG, rules)
    got = [(r.feedetl_sn, r.chrgitm_lv, r.fulamt_ownpay_amt, r.overlmt_amt, r.preselfpay_amt, r.inscp_scp_amt,
            r.known) for r in results]
    assert [list(map(repr, line)) for line in got] == [list(map(repr, line)) for line in expected]
    parts = list(zip(*expected, strict=True))[2:6] if expected else [[], [], [], []]
    assert totals.medfee_sumamt == sum(lines.det_item_fee_sumamt, ZERO)
    assert (totals.fulamt_ownpay_amt, totals.overlmt_selfpay, totals.preselfpay_amt, totals.inscp_scp_amt) == \
        tuple(sum(part, ZERO) for part in parts)
    assert totals.unknown_codes == [(f.med_list_codg, f.name) for f in lines
                                    if f.chrgitm_lv is None and f.med_list_codg not in CATALOG.items]
    assert totals.has_negative_lines == any(c < 0 for c in lines.cnt)


def test_one_catalogue_serves_packs_with_different_item_rules():
    catalog = parse_catalog(b"med_list_codg,name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt\n"
                            b"B0,x,drug,02,,\nP1,y,material,01,,80\n", "two.csv")
    bill = request([fee("1", "B0", "100.00"), fee("2", "P1", "100.00")], pack_id="test-pack")
    tenth = run(bill, make_pack(items="class_b_selfpay = 0.10"), catalog).to_dict()["setlinfo"]
    quarter = run(bill, make_pack(items="class_b_selfpay = 0.25\nprice_caps = false"), catalog).to_dict()["setlinfo"]
    assert (tenth["preselfpay_amt"], tenth["overlmt_selfpay"]) == ("10.00", "20.00")
    assert (quarter["preselfpay_amt"], quarter["overlmt_selfpay"]) == ("25.00", "0.00")
    assert run(bill, make_pack(items="class_b_selfpay = 0.10"), catalog).to_dict()["setlinfo"] == tenth
