"""Fuzzing the request parser: any JSON in, and parse_request / settle either succeed or raise
RequestError (a RulesError), never another exception; the CLI answers a bad file with exit 2 and
one line on stderr naming the field, never a traceback.

Regression tests below pin four parser bugs this fuzzing found (huge pric × cnt, "sNaN",
unhashable overrides, and a JSON number like 1e99999999 in an integer field).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rules_helpers import CATALOG, CATALOG_CSV, fee, pack, request

from hospital_client.rules import RequestError, RulesError, parse_request, settle

D = Decimal
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID = request(
    [fee("1", "A1", "100.00", "3"), fee("2", "B1", "12.50", "4", selfpay_prop="0.2", pric_uplmt_amt="20"),
     fee("3", "ZZ9", "5.00", "-1")],
    hosp_lv=2, group="dibao", referral={"from_hosp_lv": 1, "dedc_paid": "200.00"},
    ytd={"admissions": 1, "act_pay_dedc": "500.00", "hifp_pay": "1000.00", "hifmi_base": "100.00"},
)


def attempt(data: Any) -> None:
    """parse_request and settle: success or RequestError/RulesError, nothing else."""
    try:
        parse_request(data)
    except RequestError as exc:
        assert str(exc)
        event("parse: RequestError")
        return
    try:
        settle(data, pack("demo"), CATALOG)
        event("settled")
    except RulesError as exc:
        assert str(exc)
        event(f"settle: {type(exc).__name__}")


# --- regressions (see the module docstring) ------------------------------------------------------

def _fees_with(**line: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    data["fees"][0].update(line)
    return data


def test_regression_huge_price_times_count_is_a_request_error():
    with pytest.raises(RequestError) as err:
        parse_request(_fees_with(pric="99999999999999", cnt="99999999999999", det_item_fee_sumamt="1.00"))
    assert err.value.field.startswith("fees[0]")


@pytest.mark.parametrize("key", ["pric", "cnt", "det_item_fee_sumamt"])
def test_regression_signalling_nan_is_a_request_error(key):
    with pytest.raises(RequestError) as err:
        parse_request(_fees_with(**{key: "sNaN"}))
    assert err.value.field == f"fees[0].{key}"


@pytest.mark.parametrize(("key", "value"), [("chrgitm_lv", []), ("selfpay_prop", {}), ("pric_uplmt_amt", [1])])
def test_regression_unhashable_override_is_a_request_error(key, value):
    data = copy.deepcopy(VALID)
    for line in data["fees"]:            # the bulk path needs a bill with no other overrides
        line.pop("selfpay_prop", None)
        line.pop("pric_uplmt_amt", None)
    data["fees"][0][key] = value
    with pytest.raises(RequestError) as err:
        parse_request(data)
    assert err.value.field == f"fees[0].{key}"


# --- strategies ----------------------------------------------------------------------------------

NASTY_STRINGS = st.sampled_from([
    "", " ", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e999999", "-1e999999", "1e-999999", "-0", "0.001",
    "12.345", "1_000", " 12.50 ", "1,000.00", "0x10", "１２", "99999999999999", "100000000000000",
    "2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "2026-03-02T10:00:00", "2026-03-02 25:61:00",
    "01", "02", "03", "04", "390", "21", "urban", "tekun", "\x00", "x" * 300,
])
NUMBERS = st.one_of(
    st.integers(),
    st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from([D("NaN"), D("-NaN"), D("Infinity"), D("-Infinity"), D("1E+9999"), D("-1E-9999")]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=20), NASTY_STRINGS)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children,
                                                                                max_size=4)),
    max_leaves=20,
)


@FUZZ
@given(JSON)
def test_any_json_value(data):
    attempt(data)


@FUZZ
@given(st.fixed_dictionaries(
    {"person": JSON, "encounter": JSON, "fees": st.one_of(JSON, st.lists(JSON, max_size=3))},
    optional={"year_to_date": JSON, "extra": JSON},
))
def test_any_json_under_the_right_top_level_keys(data):
    attempt(data)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(VALID)
REPLACEMENTS = st.one_of(
    SCALARS,
    JSON,
    st.floats(),                                                            # a binary float for money
    st.integers(-10**40, 10**40).map(str),                                   # huge numbers as strings
    st.integers(-10**40, 10**40),
    st.sampled_from(["NaN", "Infinity", "-1", "-0.01", "-100.00", "1e400"]),  # NaN strings, negatives
)


@st.composite
def mutated(draw: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            parent[last]                                                     # still there?
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["remove", "replace", "unknown_key", "negative_count", "float"]))
        if action == "remove":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(REPLACEMENTS)
        elif action == "unknown_key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(SCALARS)
        elif action == "negative_count" and isinstance(parent, dict) and "cnt" in parent:
            parent["cnt"] = "-" + str(parent["cnt"]).lstrip("-")
        elif action == "float":
            parent[last] = draw(st.floats(-1e6, 1e6))
    return data


@FUZZ
@given(mutated())
def test_mutated_valid_requests(data):
    attempt(data)


def test_the_unmutated_request_settles():
    result = settle(VALID, pack("demo"), CATALOG)
    assert result.to_dict()["setlinfo"]["medfee_sumamt"] == "345.00"   # 300 + 50 - 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], ""),
        ({"person": VALID["person"], "encounter": VALID["encounter"]}, "fees"),
        (_fees_with(pric=12.5), "fees[0].pric"),                                 # binary float for money
        (_fees_with(cnt="NaN"), "fees[0].cnt"),
        (_fees_with(det_item_fee_sumamt="1e20"), "fees[0].det_item_fee_sumamt"),
        (_fees_with(cnt="-3"), "fees[0].det_item_fee_sumamt"),                   # sign does not match the amount
        (_fees_with(color="red"), "fees[0].color"),
        (_fees_with(chrgitm_lv="04"), "fees[0].chrgitm_lv"),
        (_fees_with(selfpay_prop="1.5"), "fees[0].selfpay_prop"),
        ({**VALID, "encounter": {**VALID["encounter"], "hosp_lv": 4}}, "encounter.hosp_lv"),
        ({**VALID, "encounter": {**VALID["encounter"], "endtime": "2026-01-01"}}, "encounter"),
        ({**VALID, "person": {**VALID["person"], "assistance_group": "rich"}}, "person.assistance_group"),
        ({**VALID, "year_to_date": {"hifp_pay": "-1"}}, "year_to_date.hifp_pay"),
        ({**VALID, "year_to_date": {"hifp_pay": 1.5}}, "year_to_date.hifp_pay"),
        ({**VALID, "surprise": 1}, "surprise"),
    ],
)
def test_errors_name_the_field(data, field):
    with pytest.raises(RequestError) as err:
        parse_request(data)
    assert err.value.field == field


# --- the CLI on bad files (a handful of subprocess runs, outside hypothesis) ----------------------

def _cli() -> list[str]:
    script = Path(sys.executable).with_name("hospital-client")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hospital_client"]


def run_cli(tmp_path: Path, content: str | bytes, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    req = tmp_path / "request.json"
    req.write_bytes(content if isinstance(content, bytes) else content.encode())
    cat = tmp_path / "catalog.csv"
    cat.write_text(CATALOG_CSV, encoding="utf-8")
    return subprocess.run([*_cli(), "settle", str(req), "--policy", "demo", "--catalog", str(cat)],
                          capture_output=True, text=True, timeout=timeout)


def _without(path: tuple[Any, ...]) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return data


CLI_CASES = [
    pytest.param(json.dumps(_without(("person", "psn_no"))), "person.psn_no", id="missing-field"),
    pytest.param(json.dumps(_fees_with(cnt="3", det_item_fee_sumamt="-300.00")), "fees[0].det_item_fee_sumamt",
                 id="negative-amount"),
    pytest.param(json.dumps({**VALID, "year_to_date": {"hifp_pay": "NaN"}}), "year_to_date.hifp_pay",
                 id="nan-string"),
    pytest.param(json.dumps({**VALID, "encounter": {**VALID["encounter"], "hosp_lv": 2.5}}), "encounter.hosp_lv",
                 id="float-level"),
    pytest.param(json.dumps({**VALID, "encounter": {**VALID["encounter"], "wing": "B"}}), "encounter.wing",
                 id="unknown-key"),
    pytest.param(json.dumps(_fees_with(pric="1" + "0" * 40)), "fees[0].pric", id="huge-number"),
    pytest.param('{"person": ', "line 1", id="not-json"),
    pytest.param(json.dumps(_fees_with(pric="1.00")).replace('"1.00"', "NaN"), "NaN", id="json-nan"),
]


@pytest.mark.parametrize(("content", "names"), CLI_CASES)
def test_cli_bad_request_exits_2_with_one_line(tmp_path, content, names):
    proc = run_cli(tmp_path, content)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert names in lines[0]
    assert proc.stdout == ""


@pytest.mark.parametrize(
    ("content", "names"),
    [
        pytest.param(json.dumps(_fees_with(pric="99999999999999", cnt="99999999999999")), "fees[0]",
                     id="huge-price-times-count"),
        pytest.param(json.dumps(_fees_with(cnt="sNaN")), "fees[0].cnt", id="snan"),
    ],
)
def test_cli_regressions_exit_2(tmp_path, content, names):
    proc = run_cli(tmp_path, content)
    assert proc.returncode == 2, proc.stderr
    assert names in proc.stderr


def test_cli_huge_exponent_in_an_integer_field_is_refused_at_once(tmp_path):
    text = json.dumps(VALID).replace('"hosp_lv": 2', '"hosp_lv": 1e99999999')
    assert "1e99999999" in text
    try:
        proc = run_cli(tmp_path, text, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("hospital-client settle did not answer within 5 s")
    assert proc.returncode == 2 and "encounter.hosp_lv" in proc.stderr


def test_cli_good_request_exits_0(tmp_path):
    proc = run_cli(tmp_path, json.dumps(VALID))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["setlinfo"]["medfee_sumamt"] == "345.00"


@pytest.mark.parametrize(("part", "key"), [("person", "psn_no"), ("person", "insutype"), ("encounter", "mdtrt_id")])
@pytest.mark.parametrize("blank", [" ", "\t ", "\u3000"])
def test_an_id_of_spaces_only_is_refused_like_a_fee_line_serial(part, key, blank):
    data = copy.deepcopy(VALID)
    data[part][key] = blank
    with pytest.raises(RequestError) as err:
        parse_request(data)
    assert err.value.field == f"{part}.{key}"
    assert "must not be empty" in str(err.value)
