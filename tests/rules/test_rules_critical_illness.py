"""大病保险: annual cumulative base, segments and rising ratios, figure or income-share deductible,
urban/rural deductibles, poor-group concession, annual cap or none, what the base includes.

Demo pack 大病: base = what the patient carries after the pool incl. the basic deductible;
deductible rural 12,000, urban 50% × 40,000 = 20,000; 60% for the first 50,000 above the
deductible, +5 points per further 50,000, at most 75%; no cap; poor groups (特困/低保/低保边缘/
建档立卡): deductible × 50%, +5 points.
"""

from __future__ import annotations

import pytest
from rules_helpers import carry, expect, fee, jia, make_pack, out, pack, request, run

from hospital_client.rules import RequestError

# demo, level 2, 20,500 of 甲: deductible 500; 10,000 × 75% + 10,000 × 80% = 15,500 from the pool;
# 大病 base of this bill = 20,500 - 15,500 = 5,000
BILL_BASE_5000 = dict(fees=[jia("20500.00")], hosp_lv=2)


def test_demo_pack_still_has_the_hifmi_figures_these_tests_assume():
    segments = [(s.upto and str(s.upto), str(s.ratio)) for s in pack("demo").hifmi_segments()]
    assert segments == [("50000", "0.60"), ("100000", "0.65"), ("150000", "0.70"), (None, "0.75")]


def test_below_the_deductible_nothing_is_paid():
    r = run(request(**BILL_BASE_5000))
    expect(r, hifp_pay="15500.00", hifmi_pay="0.00", psn_cash_pay="5000.00")
    assert out(r)["year_to_date_after"]["hifmi_base"] == "5000.00"
    assert any(e["step"] == "hifmi_pay" and "未超过起付线" in e["text"] for e in out(r)["explain"])


def test_exactly_at_the_deductible_nothing_is_paid():
    r = run(request(**BILL_BASE_5000, ytd={"hifmi_base": "7000.00"}))   # 7,000 + 5,000 = 12,000
    expect(r, hifmi_pay="0.00")


def test_one_big_bill_crosses_every_segment_and_the_basic_cap():
    r = run(request([jia("400800.00")], hosp_lv=3))
    # pool: 10,000 × 65% + 390,000 × 70% = 279,500 > cap 200,000
    # 大病 base 400,800 - 200,000 = 200,800; above 12,000: 188,800
    #   50,000 × 60% + 50,000 × 65% + 50,000 × 70% + 38,800 × 75%
    #   = 30,000 + 32,500 + 35,000 + 29,100 = 126,600
    expect(r, hifp_pay="200000.00", hifmi_pay="126600.00", psn_cash_pay="74200.00")   # 400,800 - 326,600
    assert out(r)["year_to_date_after"]["hifmi_base"] == "200800.00"


def test_a_later_bill_crosses_two_segment_boundaries():
    # the year so far: base 55,000, paid (55,000 - 12,000) × 60% = 25,800
    ytd = {"hifmi_base": "55000.00", "hifmi_pay": "25800.00"}
    r = run(request([jia("200800.00")], hosp_lv=3, ytd=ytd))
    # pool: 6,500 + 190,000 × 70% = 139,500; this bill's base 200,800 - 139,500 = 61,300
    # year base 116,300: boundaries at 12,000 + 50,000 = 62,000 and 112,000
    #   55,000 -> 62,000 at 60%: 4,200; 62,000 -> 112,000 at 65%: 32,500; 112,000 -> 116,300 at 70%: 3,010
    expect(r, hifp_pay="139500.00", hifmi_pay="39710.00")
    after = out(r)["year_to_date_after"]
    assert (after["hifmi_base"], after["hifmi_pay"]) == ("116300.00", "65510.00")


def test_segments_are_applied_to_the_year_not_to_each_bill():
    # Three bills of 大病 base 5,000 each after a year base of 10,000: the deductible (12,000) is
    # crossed in the first bill, then 60%. Year: (25,000 - 12,000) × 60% = 7,800.
    r1 = run(request(**BILL_BASE_5000, ytd={"hifmi_base": "10000.00"}))
    expect(r1, hifmi_pay="1800.00")          # (15,000 - 12,000) × 60%
    # (admissions kept at 0 so that every bill has the same 500 deductible and 5,000 base)
    r2 = run(request(**BILL_BASE_5000, day="2026-05-04", ytd={**carry(r1), "admissions": 0}))
    expect(r2, hifmi_pay="3000.00")          # 5,000 × 60%
    r3 = run(request(**BILL_BASE_5000, day="2026-07-06", ytd={**carry(r2), "admissions": 0}))
    expect(r3, hifmi_pay="3000.00")
    assert out(r3)["year_to_date_after"]["hifmi_pay"] == "7800.00"


# --- deductible: figure, income share, urban and rural -------------------------------------------

def test_income_share_deductible_for_urban_and_figure_for_rural():
    # year so far: base 17,000; this bill adds 5,000 -> 22,000
    urban = run(request(**BILL_BASE_5000, residence="urban", ytd={"hifmi_base": "17000.00"}))
    # urban deductible 50% × 40,000 = 20,000: (22,000 - 20,000) × 60% = 1,200
    expect(urban, hifmi_pay="1200.00")
    rural = run(request(**BILL_BASE_5000, residence="rural",
                        ytd={"hifmi_base": "17000.00", "hifmi_pay": "3000.00"}))   # (17,000 - 12,000) × 60%
    # rural deductible 12,000: (22,000 - 12,000) × 60% = 6,000, minus 3,000 paid
    expect(rural, hifmi_pay="3000.00")


def test_residence_is_required_when_urban_and_rural_differ():
    with pytest.raises(RequestError) as err:
        run(request(**BILL_BASE_5000, residence=None))
    assert err.value.field == "person.residence"


# --- poor-group concession -----------------------------------------------------------------------

def test_poor_group_halved_deductible_and_extra_points():
    r = run(request(**BILL_BASE_5000, group="dibao", ytd={"hifmi_base": "17000.00", "hifmi_pay": "7150.00"}))
    # 低保, rural: deductible 12,000 × 50% = 6,000, ratio 60% + 5% = 65%
    # before: (17,000 - 6,000) × 65% = 7,150; year 22,000: 16,000 × 65% = 10,400 -> 3,250 now
    # 医疗救助 (低保 70%, no deductible): (20,500 - 15,500 - 3,250) × 70% = 1,750 × 70% = 1,225
    expect(r, hifmi_pay="3250.00", maf_pay="1225.00", psn_cash_pay="525.00")   # 20,500 - 15,500 - 3,250 - 1,225


def test_poor_urban_deductible_is_halved_income_share():
    r = run(request(**BILL_BASE_5000, group="poverty", residence="urban", ytd={"hifmi_base": "7000.00"}))
    # urban 20,000 × 50% = 10,000; year 12,000: 2,000 × 65% = 1,300
    expect(r, hifmi_pay="1300.00")


def test_group_outside_the_concession_gets_the_normal_rules():
    r = run(request(**BILL_BASE_5000, group="orphan", ytd={"hifmi_base": "17000.00", "hifmi_pay": "3000.00"}))
    expect(r, hifmi_pay="3000.00", maf_pay="0.00")   # as plain rural; 孤儿 has no assistance in the demo pack


# --- cap, base definition, measure, rising -------------------------------------------------------

SEGMENTED = """
[hifmi]
base = "{base}"
measure = "{measure}"
include_preselfpay = {pre}
{cap}

[hifmi.deductible]
amount = 5000

[[hifmi.segments]]
upto = 20000
ratio = 0.5

[[hifmi.segments]]
ratio = 0.6
"""


def segmented(base="after_pool_with_deductible", measure="above_deductible", pre="false", cap=""):
    # test pack: deductible 300/600/1,000, 80%, basic cap 1,000,000
    return make_pack(annual_cap="1000000", tail=SEGMENTED.format(base=base, measure=measure, pre=pre, cap=cap))


def test_annual_cap_of_hifmi_across_bills():
    p = segmented(cap="annual_cap = 10000")
    bill = dict(fees=[jia("50300.00")], pack_id="test-pack", hosp_lv=1)
    # each bill: pool (50,300 - 300) × 80% = 40,000; 大病 base 10,300
    r1 = run(request(**bill), p)
    expect(r1, hifmi_pay="2650.00")    # (10,300 - 5,000) × 50%
    r2 = run(request(**bill, day="2026-05-04", ytd=carry(r1)), p)
    expect(r2, hifmi_pay="5150.00")    # year 20,600: 15,600 × 50% = 7,800 - 2,650
    r3 = run(request(**bill, day="2026-07-06", ytd=carry(r2)), p)
    expect(r3, hifmi_pay="2200.00")    # year 30,900: 20,000 × 50% + 5,900 × 60% = 13,540 -> cap 10,000 - 7,800
    r4 = run(request(**bill, day="2026-09-07", ytd=carry(r3)), p)
    expect(r4, hifmi_pay="0.00")
    assert out(r4)["year_to_date_after"]["hifmi_pay"] == "10000.00"


def test_no_cap_means_no_cap():
    p = segmented()
    r = run(request([jia("5000300.00")], pack_id="test-pack", hosp_lv=1), p)
    # pool 5,000,000 × 80% = 4,000,000, held at the basic cap of 1,000,000
    # 大病 base 5,000,300 - 1,000,000 = 4,000,300: 20,000 × 50% + 3,975,300 × 60% = 10,000 + 2,385,180
    expect(r, hifp_pay="1000000.00", hifmi_pay="2395180.00")


@pytest.mark.parametrize(
    ("base", "hifmi"),
    [
        ("after_pool", "500.00"),                   # pool_prop_selfpay 6,000: (6,000 - 5,000) × 50%
        ("after_pool_with_deductible", "1000.00"),  # 6,000 + deductible 1,000: 2,000 × 50%
    ],
)
def test_base_with_or_without_the_basic_deductible(base, hifmi):
    r = run(request([jia("31000.00")], pack_id="test-pack", hosp_lv=3), segmented(base=base))
    # deductible 1,000; pool 30,000 × 80% = 24,000
    expect(r, act_pay_dedc="1000.00", hifp_pay="24000.00", pool_prop_selfpay="6000.00", hifmi_pay=hifmi)


@pytest.mark.parametrize(("pre", "hifmi"), [("false", "800.00"), ("true", "1800.00")])
def test_base_with_or_without_first_self_paid(pre, hifmi):
    fees = [fee("1", "B1", "10000.00"), jia("21000.00", sn="2")]
    r = run(request(fees, pack_id="test-pack", hosp_lv=3), segmented(pre=pre))
    # 乙 10,000 × 20% = 2,000 first self-paid; in range 8,000 + 21,000 = 29,000
    # pool (29,000 - 1,000) × 80% = 22,400; base 29,000 - 22,400 = 6,600 (+ 2,000 = 8,600 with 先行自付)
    # (6,600 - 5,000) × 50% = 800; (8,600 - 5,000) × 50% = 1,800
    expect(r, preselfpay_amt="2000.00", hifp_pay="22400.00", hifmi_pay=hifmi)


@pytest.mark.parametrize(
    ("measure", "hifmi"),
    [
        ("above_deductible", "13000.00"),   # 25,000 above 5,000: 20,000 × 50% + 5,000 × 60%
        ("cumulative", "13500.00"),         # 5,000 -> 20,000 at 50%: 7,500; 20,000 -> 30,000 at 60%: 6,000
    ],
)
def test_segment_bounds_above_the_deductible_or_on_the_cumulative_base(measure, hifmi):
    r = run(request([jia("148800.00")], pack_id="test-pack", hosp_lv=1), segmented(measure=measure))
    # pool (148,800 - 300) × 80% = 118,800; 大病 base 30,000
    expect(r, hifp_pay="118800.00", hifmi_pay=hifmi)


def test_rising_ratio_stops_at_its_maximum():
    p = make_pack(annual_cap="1000000", tail="""
[hifmi]
base = "after_pool_with_deductible"

[hifmi.deductible]
amount = 5000

[hifmi.rising]
start = 0.50
step = 10000
points = 0.10
max = 0.75
""")
    assert [(s.upto and str(s.upto), str(s.ratio)) for s in p.hifmi_segments()] == [
        ("10000", "0.50"), ("20000", "0.60"), ("30000", "0.70"), (None, "0.75")]
    r = run(request([jia("200300.00")], pack_id="test-pack", hosp_lv=1), p)
    # pool 160,000; 大病 base 40,300, above 5,000: 35,300
    #   10,000 × 50% + 10,000 × 60% + 10,000 × 70% + 5,300 × 75% = 5,000 + 6,000 + 7,000 + 3,975
    expect(r, hifp_pay="160000.00", hifmi_pay="21975.00")
