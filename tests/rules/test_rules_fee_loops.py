"""The compiled loops (fee_loops.py) held to the column passes they stand in for.

Compiled, fee_loops.scan_plain reads a plain bill and split_plain splits it; interpreted, the
column parse (fee_lines.py, fee_units.py) and unit_split.split_in_units do. Whichever is in use,
the other is called here directly: what the scan takes must be exactly what the column parse
makes of the bill (else it must give None and leave the bill to it), and the splits must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rules_helpers import CATALOG, KNOWN_CODES, D, fen

from hospital_client.rules import fee_loops, parse_catalog
from hospital_client.rules.fee_lines import FeeLines, _parse_fees_bulk
from hospital_client.rules.fee_loops import scan_plain, split_plain
from hospital_client.rules.fees import _catalogue_table
from hospital_client.rules.pack_schema import ItemRules
from hospital_client.rules.unit_split import split_in_units

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CAPS = parse_catalog(b"med_list_codg,name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt\n"
                     b"Q0,x,material,02,0.10,0\nQ9,y,material,01,,99.995\nQ5,z,material,02,,0.5\n", "caps.csv")
ITEM_RULES = [ItemRules(), ItemRules(class_b_selfpay=D("0.125")),
              ItemRules(class_b_selfpay=D("0.25"), price_caps=False)]
CODES = (*KNOWN_CODES, "Q0", "Q9", "Q5", "ZZ-UNKNOWN")
# Values the scan must refuse or read exactly as the column parse does.
ODD_VALUES = st.sampled_from([
    "", " ", "12.", ".5", "+1", "-1", "1 ", " 1", "1e2", "١٢", "１２", "1.2.3", "0.1234567", "12345678901", "12,50",
    "0001", "x" * 201, 7, 1.5, None, True, [], ("1",),
])


class Text(str):
    """A str subclass: the column parse takes it, the scan leaves it to the column parse."""


@st.composite
def plain_bills(draw: Any) -> list[Any]:
    """Lines written plainly (each number column with one number of places), now and then one
    value, key or line spoilt."""
    price_places, count_places = draw(st.integers(0, 6)), draw(st.integers(0, 4))
    lines: list[Any] = []
    for i in range(draw(st.integers(1, 12))):
        price = D(draw(st.integers(0, 3 * 10**6))).scaleb(-price_places)
        count = D(draw(st.integers(0, 4 * 10**count_places))).scaleb(-count_places)
        amount = max(fen(price * count) + draw(st.sampled_from([D(0)] * 4 + [D("0.01"), D("-0.01")])), D(0))
        line: dict[str, Any] = {"feedetl_sn": f"{i + 1:04d}", "med_list_codg": draw(st.sampled_from(CODES)),
                                "pric": f"{price:.{price_places}f}", "cnt": f"{count:.{count_places}f}",
                                "det_item_fee_sumamt": f"{amount:.2f}"}
        if draw(st.booleans()):
            line["name"] = draw(st.sampled_from(["", "项目", " "]))
        lines.append(line)
    spoil = draw(st.sampled_from(["none"] * 4 + ["value", "key", "line", "subclass"]))
    event(f"spoilt: {spoil}")
    target = lines[draw(st.integers(0, len(lines) - 1))]
    field = draw(st.sampled_from(["feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt"]))
    if spoil == "value":
        target[field] = draw(ODD_VALUES)
    elif spoil == "key":
        target[draw(st.sampled_from(["chrgitm_lv", "other"]))] = "01"
        if draw(st.booleans()):
            target.pop(field, None)
    elif spoil == "line":
        lines[lines.index(target)] = draw(st.sampled_from([None, [], "x", {**target, "feedetl_sn": "0001"}]))
    elif spoil == "subclass" and isinstance(target.get(field), str):
        target[field] = Text(target[field])
    return lines


def state(lines: FeeLines) -> tuple[Any, ...]:
    """The columns as given, the integers and the distinct codes, each value with its type."""
    texts = [[(type(v), v) for v in getattr(lines, name)] for name in ("feedetl_sn", "med_list_codg", "name")]
    numbers = [[(type(v), v) for v in column] for column in lines.__dict__["_number_texts"]]
    return texts, numbers, lines.units(), lines.distinct_codes()


@SETTINGS
@given(plain_bills())
def test_the_scan_takes_a_bill_as_the_column_parse_does_or_leaves_it(raw):
    scanned = scan_plain(raw)
    with patch("hospital_client.rules.fee_lines.COMPILED", False):
        by_columns = _parse_fees_bulk(raw)
    taken_by_columns = by_columns is not None and by_columns.units() is not None
    event(f"scan {'took' if scanned else 'left'} it, the column parse {'read' if taken_by_columns else 'did not read'}"
          " it as integers")
    if scanned is None:
        return
    assert by_columns is not None and taken_by_columns
    assert state(FeeLines.in_units(scanned.texts, scanned.units, scanned.distinct_codes)) == state(by_columns)


def test_the_scan_takes_a_plain_bill():
    raw = [{"feedetl_sn": "1", "med_list_codg": "A1", "pric": "12.50", "cnt": "3", "det_item_fee_sumamt": "37.50"},
           {"feedetl_sn": "2", "med_list_codg": "B1", "name": "x", "pric": "0.01", "cnt": "7",
            "det_item_fee_sumamt": "0.07"}]
    scanned = scan_plain(raw)
    assert scanned is not None
    assert (scanned.units.amounts, scanned.units.prices, scanned.units.counts) == ((3750, 7), (1250, 1), (3, 7))
    assert scanned.texts[:3] == [["1", "2"], ["A1", "B1"], ["", "x"]]


@SETTINGS
@given(plain_bills(), st.sampled_from(ITEM_RULES), st.sampled_from([CATALOG, CAPS]))
def test_the_one_pass_split_is_the_column_split(raw, rules, catalog):
    scanned = scan_plain(raw)
    if scanned is None:
        return
    table = _catalogue_table(catalog, rules)
    code_units = table.in_units(scanned.units.price_places)
    if code_units is None:
        return
    codes = scanned.texts[1]
    missing = set(codes).difference(table.rules)
    code_units = type(code_units)(
        fully_self_paid=code_units.fully_self_paid | dict.fromkeys(missing, 1),
        shares=code_units.shares | dict.fromkeys(missing, 0), share_places=code_units.share_places,
        capped=code_units.capped | dict.fromkeys(missing, 0), caps=code_units.caps)
    one_pass, by_columns = split_plain(codes, scanned.units, code_units), split_in_units(codes, scanned.units,
                                                                                         code_units)
    event("over a cap" if by_columns.over_by_line else "under every cap")
    for name in ("total", "fully_self_paid", "over_cap", "first_self_paid", "over_by_line", "clipped", "places"):
        assert getattr(one_pass, name) == getattr(by_columns, name), name
    assert list(one_pass.bases) == list(by_columns.bases) and list(one_pass.shares) == list(by_columns.shares)
    assert one_pass.pre_by_line() == by_columns.pre_by_line()


def test_a_compiled_fee_loops_is_not_older_than_its_source():
    """An extension module shadows the .py beside it: one built before the last edit of the
    source would run the old loops (scripts/bootstrap.sh rebuilds it when the source changes)."""
    if not fee_loops.COMPILED:
        return
    built = Path(fee_loops.__file__)
    source = built.with_name("fee_loops.py")
    assert not source.exists() or source.stat().st_mtime <= built.stat().st_mtime, \
        f"{built.name} is older than fee_loops.py: rebuild it (scripts/bootstrap.sh, or pip install -e .)"
