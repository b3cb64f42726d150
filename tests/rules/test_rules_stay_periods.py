"""Stays settled in periods (中途结算) and stays over 31 December (跨年度住院), to the fen.

The test pack (rules_helpers.pack_text): deductibles 300/600/1000 by level, 80% flat, annual cap 100,000.
A continued settlement passes the earlier result's stay_after as encounter.stay_before.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import carry, expect, jia, make_pack, pack_text, request, run

from hospital_client.rules import RequestError, parse_pack

D = Decimal
BANDS = """
[[basic.bands]]
upto = 10000
ratio = { 1 = 0.85, 2 = 0.75, 3 = 0.65 }

[[basic.bands]]
ratio = { 1 = 0.90, 2 = 0.80, 3 = 0.70 }
"""


def period(amount: str, *, begin: str = "2026-03-01", end: str = "2026-03-20", mid: bool = False,
           before: dict[str, Any] | None = None, ytd: dict[str, Any] | None = None, hosp_lv: int = 3,
           group: str | None = None) -> dict[str, Any]:
    req = request([jia(amount)], pack_id="test-pack", hosp_lv=hosp_lv, ytd=ytd, group=group)
    req["encounter"].update(begntime=begin, endtime=end, mid_setl_flag=mid)
    if before is not None:
        req["encounter"]["stay_before"] = before
    return req


def stay_of(result: Any) -> dict[str, Any]:
    after = result.to_dict()["stay_after"]
    assert after is not None
    return dict(after)


def test_a_mid_stay_settlement_and_its_continuation_pay_the_deductible_once():
    pack = make_pack()
    # Period 1, level 3, 甲 20,000: deductible 1,000; (20,000 − 1,000) × 80% = 15,200.00.
    first = run(period("20000", end="2026-03-10", mid=True), pack)
    expect(first, act_pay_dedc="1000.00", hifp_pay="15200.00", psn_cash_pay="4800.00")
    assert stay_of(first) == {"endtime": "2026-03-10", "periods": 1, "inscp_scp_amt": "20000.00",
                              "act_pay_dedc": "1000.00", "hifp_pay": "15200.00", "maf_base": "0.00",
                              "maf_pay": "0.00", "maf2_base": "0.00", "maf2_pay": "0.00"}
    assert first.year_to_date_after["admissions"] == 1
    # Period 2, 甲 5,000: no second deductible; 5,000 × 80% = 4,000.00; still one admission.
    second = run(period("5000", before=stay_of(first), ytd=carry(first)), pack)
    expect(second, act_pay_dedc="0.00", hifp_pay="4000.00", psn_cash_pay="1000.00")
    assert second.year_to_date_after["admissions"] == 1
    assert second.year_to_date_after["hifp_pay"] == D("19200.00")
    assert stay_of(second)["periods"] == 2 and stay_of(second)["hifp_pay"] == "19200.00"
    # The whole stay at once: (25,000 − 1,000) × 80% = 19,200.00, the same.
    expect(run(period("25000"), pack), hifp_pay="19200.00")


def test_a_continuation_after_a_period_below_the_deductible_takes_what_is_left_of_it():
    pack = make_pack()
    # Period 1, 甲 400 at level 3: all of it deductible (400.00), pool 0.
    first = run(period("400", end="2026-03-05", mid=True), pack)
    expect(first, act_pay_dedc="400.00", hifp_pay="0.00")
    # Period 2, 甲 10,600: the deductible lacks 600; (10,600 − 600) × 80% = 8,000.00.
    second = run(period("10600", before=stay_of(first), ytd=carry(first)), pack)
    expect(second, act_pay_dedc="600.00", hifp_pay="8000.00")
    # At once: 甲 11,000, deductible 1,000, 10,000 × 80% = 8,000.00; 1,000 deductible in total.
    expect(run(period("11000"), pack), act_pay_dedc="1000.00", hifp_pay="8000.00")


def test_policy_range_bands_go_on_from_the_earlier_period():
    pack = make_pack(basic='measure = "policy_range"', ratio="", tail=BANDS)
    # Period 1, level 3, 甲 6,000: deductible 1,000; band 1 from 1,000 to 6,000: 5,000 × 65% = 3,250.00.
    first = run(period("6000", end="2026-03-10", mid=True), pack)
    expect(first, act_pay_dedc="1000.00", hifp_pay="3250.00")
    # Period 2, 甲 24,000: the stay reaches 30,000: 9,000 × 65% + 20,000 × 70% = 5,850 + 14,000 = 19,850;
    # less the 3,250 paid: 16,600.00.
    second = run(period("24000", before=stay_of(first), ytd=carry(first)), pack)
    expect(second, act_pay_dedc="0.00", hifp_pay="16600.00")
    # A fresh admission of 24,000 instead: 1,000 deductible, 9,000 × 65% + 14,000 × 70% = 15,650.00.
    expect(run(period("24000"), pack), hifp_pay="15650.00")


def test_the_annual_cap_still_binds_a_continuation():
    pack = make_pack()
    # Year so far 90,000. Period 1, 甲 11,000: 10,000 × 80% = 8,000.00 (room 10,000).
    first = run(period("11000", end="2026-03-10", mid=True, ytd={"admissions": 2, "hifp_pay": "90000"}), pack)
    expect(first, hifp_pay="8000.00")
    # Period 2, 甲 5,000: 4,000 by ratio, the cap leaves 2,000.00.
    second = run(period("5000", before=stay_of(first), ytd=carry(first)), pack)
    expect(second, hifp_pay="2000.00")
    assert second.year_to_date_after["hifp_pay"] == D("100000.00")


def cross_year_pack(rule: str) -> Any:
    text = pack_text(basic=f'cross_year = "{rule}"').replace("valid_to = 2026-12-31", "valid_to = 2027-12-31")
    return parse_pack(text.encode(), "test-pack.toml")


def test_a_stay_split_at_year_end_settles_each_year_on_its_own_accumulators():
    pack = cross_year_pack("split_at_year_end")
    # 2026 part (20 to 31 December), 甲 11,000, the year's pool already 95,000: deductible 1,000;
    # 10,000 × 80% = 8,000, the cap leaves 5,000.00.
    first = run(period("11000", begin="2026-12-20", end="2026-12-31", mid=True,
                       ytd={"admissions": 3, "hifp_pay": "95000"}), pack)
    expect(first, act_pay_dedc="1000.00", hifp_pay="5000.00")
    # 2027 part (to 10 January), 甲 5,000, on 2027's accumulators (none yet): no second deductible,
    # 5,000 × 80% = 4,000.00 (the stay's 15,000 − 1,000 = 14,000 × 80% = 11,200 less the 8,000 of 2026's
    # part before its cap); the stay is not a new admission of 2027.
    second = run(period("5000", begin="2026-12-20", end="2027-01-10", before=stay_of(first)), pack)
    expect(second, act_pay_dedc="0.00", hifp_pay="4000.00", psn_cash_pay="1000.00")
    assert second.year_to_date_after["admissions"] == 0
    assert second.year_to_date_after["hifp_pay"] == D("4000.00")


def test_a_split_pack_refuses_a_settlement_over_the_year_end():
    pack = cross_year_pack("split_at_year_end")
    with pytest.raises(RequestError) as err:
        run(period("16000", begin="2026-12-20", end="2027-01-10"), pack)
    assert err.value.field == "encounter.endtime" and "31 December" in err.value.problem
    # A mid-stay settlement on 15 December leaves 16 December to 10 January to be split again.
    first = run(period("3000", begin="2026-12-01", end="2026-12-15", mid=True), pack)
    with pytest.raises(RequestError):
        run(period("5000", begin="2026-12-01", end="2027-01-10", before=stay_of(first)), pack)


def test_a_discharge_date_pack_settles_the_whole_stay_in_the_discharge_year():
    pack = cross_year_pack("discharge_date")
    # 甲 16,000 from 20 December to 10 January, on 2027's accumulators: (16,000 − 1,000) × 80% = 12,000.00.
    result = run(period("16000", begin="2026-12-20", end="2027-01-10"), pack)
    expect(result, act_pay_dedc="1000.00", hifp_pay="12000.00")
    assert result.to_dict().get("stay_after") is None


def test_per_admission_assistance_goes_on_over_the_stay():
    tail = """
[assistance]
base = "compliant"

[assistance.groups.dibao]
per = "admission"
deductible = 1000
admission_cap = 10000

[[assistance.groups.dibao.bands]]
upto = 10000
ratio = 0.50

[[assistance.groups.dibao.bands]]
ratio = 0.70
"""
    pack = make_pack(tail=tail)
    # Period 1, level 3, 甲 21,000: pool 20,000 × 80% = 16,000; left 5,000; (5,000 − 1,000) × 50% = 2,000.00.
    first = run(period("21000", end="2026-03-10", mid=True, group="dibao"), pack)
    expect(first, hifp_pay="16000.00", maf_pay="2000.00")
    # Period 2, 甲 40,000: pool 32,000; left 8,000; the stay's 13,000: 10,000 × 50% + 2,000 × 70% = 6,400,
    # less 2,000: 4,400.00 (a fresh admission would get (8,000 − 1,000) × 50% = 3,500).
    second = run(period("40000", before=stay_of(first), ytd=carry(first), group="dibao"), pack)
    expect(second, hifp_pay="32000.00", maf_pay="4400.00")
    # At once: 甲 61,000: pool 48,000, left 13,000: 6,400.00.
    expect(run(period("61000", group="dibao"), pack), maf_pay="6400.00")


def test_only_inpatient_care_is_settled_in_periods():
    req = period("100", mid=True)
    req["encounter"]["med_type"] = "11"
    demo_like = make_pack(tail='[outpatient.general]\nname = "普通门诊"\nmed_type = "11"\nratio = 0.5\n'
                               'paid_key = "op_pay"\n')
    with pytest.raises(RequestError) as err:
        run(req, demo_like)
    assert err.value.field == "encounter.mid_setl_flag"


def test_stay_before_must_lie_within_the_stay():
    with pytest.raises(RequestError) as err:
        run(period("100", before={"endtime": "2026-04-01"}), make_pack())
    assert err.value.field.startswith("encounter")


amounts = st.integers(100, 6_000_000).map(lambda c: D(c) / 100)


@settings(max_examples=150, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=4), st.sampled_from([1, 2, 3]), st.integers(0, 3),
       st.integers(0, 99_000), st.booleans())
def test_settling_a_stay_in_periods_equals_settling_it_at_once(parts, level, admissions, paid, banded):
    pack = make_pack(basic='measure = "policy_range"', ratio="", tail=BANDS) if banded else make_pack()
    ytd0: dict[str, Any] = {"admissions": admissions, "hifp_pay": str(paid)}
    whole = run(period(f"{sum(parts):.2f}", hosp_lv=level, ytd=copy.deepcopy(ytd0)), pack)
    ytd, stay = ytd0, None
    total_dedc = total_pay = D(0)
    for n, amount in enumerate(parts):
        last = n == len(parts) - 1
        result = run(period(f"{amount:.2f}", hosp_lv=level, ytd=ytd, before=stay, mid=not last,
                            end=f"2026-03-{10 + n:02d}"), pack)
        total_dedc += result.setlinfo["act_pay_dedc"]
        total_pay += result.setlinfo["hifp_pay"]
        ytd, stay = carry(result), (None if last else stay_of(result))
    assert total_dedc == whole.setlinfo["act_pay_dedc"]
    assert total_pay == whole.setlinfo["hifp_pay"]
    assert ytd["admissions"] == whole.year_to_date_after["admissions"]
