"""The per-request work made cheaper gives exactly what it replaced.

A request's amounts and codes are checked by one validator each instead of pydantic's constraint
functions (after a BeforeValidator pydantic runs each constraint as Python code of its own): the
same values pass, and a refused one gets pydantic's own error (type, message, context). Money is
written by a context's quantize and str() instead of format(round_fen(value), ".2f"); a ratio's
percentage is kept once worked out; a pack keeps what the steps derive from it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter, ValidationError
from rules_helpers import jia, pack, request, run

from hospital_client.rules import RequestError, parse_request
from hospital_client.rules.basic_pool import pool_rules
from hospital_client.rules.critical_illness import hifmi_segment_bounds
from hospital_client.rules.money import fmt, fmt_pct, fmt_yuan, round_fen
from hospital_client.rules.request import Code, NonNegAmount, _code_text, _exact_number

D = Decimal
FEN = D("0.01")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


# The annotations as they were written with pydantic's constraints.
PYDANTIC_AMOUNT: TypeAdapter[Decimal] = TypeAdapter(Annotated[
    Decimal, BeforeValidator(_exact_number), Field(ge=0, allow_inf_nan=False, max_digits=16, decimal_places=2)])
PYDANTIC_CODE: TypeAdapter[str] = TypeAdapter(Annotated[
    str, BeforeValidator(_code_text), Field(min_length=1, max_length=64), AfterValidator(_not_blank)])
AMOUNT: TypeAdapter[Decimal] = TypeAdapter(NonNegAmount)
CODE: TypeAdapter[str] = TypeAdapter(Code)


def outcome(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        result = adapter.validate_python(value)
    except ValidationError as exc:
        return [(e["type"], e["msg"], repr(e.get("ctx")), e["loc"]) for e in exc.errors()]
    return ("ok", result, result.as_tuple() if isinstance(result, Decimal) else None)


@st.composite
def number_texts(draw: Any) -> str:
    digits = draw(st.text("0123456789", min_size=1, max_size=22))
    sign = draw(st.sampled_from(["", "", "-", "+"]))
    form = draw(st.sampled_from(["plain", "point", "exponent", "zeros"]))
    if form == "point":
        cut = draw(st.integers(0, len(digits)))
        return f"{sign}{digits[:cut]}.{digits[cut:]}"
    if form == "exponent":
        exponent = draw(st.one_of(st.integers(-8, 8), st.integers(-500, 500), st.integers(-10**9, 10**9)))
        return f"{sign}{digits}E{exponent}"
    if form == "zeros":
        return f"{sign}{digits}.{'0' * draw(st.integers(0, 6))}"
    return sign + digits


AMOUNT_EDGES = ["0", "-0", "0.00", "-0.00", "0E-10", "0E+10", "1.001", "1.000", "1.0000000", "12345678901234.56",
                "123456789012345.6", "99999999999999.99", "999999999999999.99", "1234567890123456",
                "12345678901234567", "1e14", "1E+3", "1e-3", "1e400", "1e99999999", "1e-99999999", "NaN", "sNaN",
                "-Infinity", " 5 ", "1_000", "abc", "", 0, 7, -1, 10**20, True, 1.5, None, [], D("12.5"), D("1E+2")]


def test_an_amount_is_checked_as_pydantic_checked_it_at_the_edges():
    for value in AMOUNT_EDGES:
        assert outcome(AMOUNT, value) == outcome(PYDANTIC_AMOUNT, value), value


@settings(max_examples=400, deadline=None)
@given(st.one_of(number_texts(), number_texts().map(D), st.integers(-10**18, 10**18)))
def test_an_amount_is_checked_as_pydantic_checked_it(value):
    assert outcome(AMOUNT, value) == outcome(PYDANTIC_AMOUNT, value)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(" a\t中\u3000", max_size=80), st.integers(-10**70, 10**70), st.none(), st.booleans()))
def test_a_code_is_checked_as_pydantic_checked_it(value):
    assert outcome(CODE, value) == outcome(PYDANTIC_CODE, value)


@pytest.mark.parametrize(("block", "field", "value", "problem"), [
    ("year_to_date", "hifp_pay", "1.005", "Decimal input should have no more than 2 decimal places"),
    ("year_to_date", "maf_pay", "-0.01", "Input should be greater than or equal to 0"),
    ("year_to_date", "maf_base", "1e400", "Input should be a finite number"),
    ("person", "psn_no", "X" * 65, "Value should have at most 64 items after validation, not 65"),
    ("encounter", "med_type", "", "Value should have at least 1 item after validation, not 0"),
    ("encounter", "mdtrt_id", "   ", "must not be empty"),
])
def test_a_request_field_is_refused_in_the_same_words(block, field, value, problem):
    req = request([jia("100.00")], ytd={})
    req[block][field] = value
    with pytest.raises(RequestError) as refused:
        parse_request(req)
    assert (refused.value.field, refused.value.problem, refused.value.code) == (f"{block}.{field}", problem, "invalid")


def _old_fmt(value: Decimal, spec: str) -> str:
    return format(value.quantize(FEN, rounding=ROUND_HALF_UP), spec)


def _either(compute: Any, value: Decimal) -> Any:
    try:
        return compute(value)
    except ArithmeticError as exc:
        return type(exc).__name__


money = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.builds(lambda n, e: D(n).scaleb(e), st.integers(-10**30, 10**30), st.integers(-12, 6)),
    st.sampled_from([D("-0"), D("-0.00"), D("0.005"), D("-0.005"), D("2.675"), D("1E+3"), D("NaN"), D("Infinity")]),
)


@settings(max_examples=500, deadline=None)
@given(money)
def test_money_is_written_and_rounded_as_format_and_quantize_did(value):
    assert _either(fmt, value) == _either(lambda v: _old_fmt(v, ".2f"), value)
    assert _either(fmt_yuan, value) == _either(lambda v: _old_fmt(v, ",.2f"), value)
    assert _either(lambda v: round_fen(v).as_tuple(),
                   value) == _either(lambda v: v.quantize(FEN, rounding=ROUND_HALF_UP).as_tuple(), value)


def test_a_percentage_is_the_ratio_it_was_given_not_an_equal_one():
    # Equal ratios may be written apart (a zero's sign); the text kept is each one's own.
    assert [fmt_pct(D(r)) for r in ("0", "-0", "0.60", "0.6", "0.625", "1", "1.00")] == [
        "0%", "-0%", "60%", "60%", "62.5%", "100%", "100%"]


def test_a_pack_keeps_what_the_steps_derive_from_it():
    demo = pack("demo")
    assert pool_rules(demo, "1501") is pool_rules(demo, "1501") is pool_rules(demo, "any other")
    kept = len(demo.derived)
    for n in range(50):  # kept by category, not by every psn_type a request may give
        pool_rules(demo, f"X{n}")
    assert len(demo.derived) == kept
    bounds = hifmi_segment_bounds(demo)
    bounds.append((D(1), D(1)))  # a caller's list is its own
    assert hifmi_segment_bounds(demo) == bounds[:-1]
    first = run(request([jia("30000.00")], hosp_lv=3, group="dibao")).to_json()
    assert run(request([jia("30000.00")], hosp_lv=3, group="dibao")).to_json() == first
