"""The basic pool (基本医保统筹): deductible by level, by admission, referral, out-of-area,
one deductible per year at the highest level, ratio bands, group ratios, annual cap.

Demo pack (resources/policies/demo.toml), by hospital level 1/2/3:
  deductible 200/500/800; 2nd admission of the year × 50%; 3rd and later 200
  ratio up to 10,000 above the deductible 85%/75%/65%, beyond 90%/80%/70%
  psn_type 1201 (retired) and 1501 (students) +5 points
  out of area: deductible × 1.5, ratio -5 points registered, -15 points unregistered
  annual cap 200,000; 大病保险 rural deductible 12,000, 60% for the first 50,000 above it
"""

from __future__ import annotations

import pytest
from rules_helpers import carry, expect, jia, make_pack, out, pack, pack_text, request, run

from hospital_client.rules import load_pack


def test_demo_pack_still_has_the_figures_these_tests_assume():
    basic = pack("demo").model.basic
    assert {k: str(v) for k, v in basic.deductible.items()} == {"1": "200", "2": "500", "3": "800"}
    assert [(str(b.upto), {k: str(v) for k, v in b.ratio.items()}) for b in basic.bands] == [
        ("10000", {"1": "0.85", "2": "0.75", "3": "0.65"}),
        ("None", {"1": "0.90", "2": "0.80", "3": "0.70"}),
    ]
    assert str(basic.annual_cap) == "200000"


# --- deductible by hospital level ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("hosp_lv", "deductible", "hifp", "selfpay", "cash"),
    [
        (1, "200.00", "4080.00", "720.00", "920.00"),     # (5,000 - 200) × 85% = 4,080
        (2, "500.00", "3375.00", "1125.00", "1625.00"),   # (5,000 - 500) × 75% = 3,375
        (3, "800.00", "2730.00", "1470.00", "2270.00"),   # (5,000 - 800) × 65% = 2,730
    ],
)
def test_deductible_and_ratio_by_hospital_level(hosp_lv, deductible, hifp, selfpay, cash):
    r = run(request([jia("5000.00")], hosp_lv=hosp_lv))
    expect(r, act_pay_dedc=deductible, hifp_pay=hifp, pool_prop_selfpay=selfpay, psn_cash_pay=cash)


def test_bill_below_the_deductible_pays_only_the_deductible():
    r = run(request([jia("300.00")], hosp_lv=2))
    expect(r, act_pay_dedc="300.00", hifp_pay="0.00", psn_cash_pay="300.00")
    assert out(r)["year_to_date_after"]["act_pay_dedc"] == "300.00"


# --- 2nd and 3rd admissions of the year ----------------------------------------------------------

@pytest.mark.parametrize(
    ("before", "deductible", "hifp"),
    [
        (0, "500.00", "3375.00"),   # 1st: 500;             (5,000 - 500) × 75%
        (1, "250.00", "3562.50"),   # 2nd: 500 × 50% = 250; (5,000 - 250) × 75%
        (2, "200.00", "3600.00"),   # 3rd: 200;             (5,000 - 200) × 75%
        (5, "200.00", "3600.00"),   # 6th: still 200
    ],
)
def test_deductible_by_admission_count(before, deductible, hifp):
    r = run(request([jia("5000.00")], hosp_lv=2, ytd={"admissions": before}))
    expect(r, act_pay_dedc=deductible, hifp_pay=hifp)
    assert out(r)["year_to_date_after"]["admissions"] == before + 1


def test_three_admissions_carried_forward():
    r1 = run(request([jia("5000.00")], hosp_lv=2))
    r2 = run(request([jia("5000.00")], hosp_lv=2, day="2026-06-01", ytd=carry(r1)))
    r3 = run(request([jia("5000.00")], hosp_lv=2, day="2026-09-01", ytd=carry(r2)))
    assert [out(r)["setlinfo"]["act_pay_dedc"] for r in (r1, r2, r3)] == ["500.00", "250.00", "200.00"]
    assert [out(r)["setlinfo"]["hifp_pay"] for r in (r1, r2, r3)] == ["3375.00", "3562.50", "3600.00"]
    after = out(r3)["year_to_date_after"]
    assert after["admissions"] == 3
    assert after["act_pay_dedc"] == "950.00"    # 500 + 250 + 200
    assert after["hifp_pay"] == "10537.50"      # 3,375 + 3,562.50 + 3,600


# --- referral (转诊) -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("from_lv", "paid", "to_lv", "deductible", "hifp"),
    [
        (1, "200.00", 3, "600.00", "2860.00"),   # up: 800 - 200 = 600; (5,000 - 600) × 65%
        (2, "500.00", 3, "300.00", "3055.00"),   # up: 800 - 500 = 300; (5,000 - 300) × 65%
        (1, "900.00", 2, "0.00", "3750.00"),     # up, paid more than the new level's: 0; 5,000 × 75%
        (2, "500.00", 2, "0.00", "3750.00"),     # sideways: none; 5,000 × 75%
        (3, "800.00", 1, "0.00", "4250.00"),     # down: none; 5,000 × 85%
    ],
)
def test_referral_pays_only_the_difference_up_and_nothing_sideways_or_down(from_lv, paid, to_lv, deductible, hifp):
    r = run(request([jia("5000.00")], hosp_lv=to_lv, referral={"from_hosp_lv": from_lv, "dedc_paid": paid}))
    expect(r, act_pay_dedc=deductible, hifp_pay=hifp)


def test_referral_up_on_a_second_admission():
    r = run(request([jia("5000.00")], hosp_lv=3, ytd={"admissions": 1},
                    referral={"from_hosp_lv": 1, "dedc_paid": "200.00"}))
    # 2nd admission at level 3: 800 × 50% = 400; minus the 200 paid at level 1 = 200
    # (5,000 - 200) × 65% = 3,120
    expect(r, act_pay_dedc="200.00", hifp_pay="3120.00")


def test_pack_with_full_deductible_on_referral():
    p = make_pack(basic='referral = "full"')
    r = run(request([jia("5000.00")], pack_id="test-pack", hosp_lv=3,
                    referral={"from_hosp_lv": 1, "dedc_paid": "300.00"}), p)
    # the whole level-3 deductible 1,000; (5,000 - 1,000) × 80% = 3,200
    expect(r, act_pay_dedc="1000.00", hifp_pay="3200.00")


# --- out of area ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("registered", "hifp", "cash"),
    [
        (True, "2975.00", "2025.00"),    # deductible 500 × 1.5 = 750; (5,000 - 750) × (75% - 5%)
        (False, "2550.00", "2450.00"),   # deductible 750; (5,000 - 750) × (75% - 15%)
    ],
)
def test_out_of_area_deductible_factor_and_ratio_minus(registered, hifp, cash):
    r = run(request([jia("5000.00")], hosp_lv=2, out_of_area=True, registered=registered))
    expect(r, act_pay_dedc="750.00", hifp_pay=hifp, psn_cash_pay=cash)


def test_registered_flag_alone_changes_nothing_in_area():
    r = run(request([jia("5000.00")], hosp_lv=2, out_of_area=False, registered=True))
    expect(r, act_pay_dedc="500.00", hifp_pay="3375.00")


def test_out_of_area_lowers_every_band():
    r = run(request([jia("20750.00")], hosp_lv=2, out_of_area=True, registered=True))
    # deductible 750; base 20,000: 10,000 × 70% + 10,000 × 75% = 7,000 + 7,500
    expect(r, act_pay_dedc="750.00", hifp_pay="14500.00")


# --- one deductible per year at the highest level ------------------------------------------------

ONCE_PER_YEAR = 'deductible_mode = "once_per_year_highest"'


def test_once_per_year_highest_level_deductible(tmp_path):
    path = tmp_path / "once.toml"
    path.write_text(pack_text(basic=ONCE_PER_YEAR), encoding="utf-8")
    p = load_pack(path)
    # test pack: deductible 300/600/1,000, 80% at every level
    r1 = run(request([jia("5000.00")], pack_id="test-pack", hosp_lv=2), p)
    expect(r1, act_pay_dedc="600.00", hifp_pay="3520.00")             # (5,000 - 600) × 80%
    r2 = run(request([jia("5000.00")], pack_id="test-pack", hosp_lv=1, day="2026-05-01", ytd=carry(r1)), p)
    expect(r2, act_pay_dedc="0.00", hifp_pay="4000.00")               # 300 < 600 already paid: none
    r3 = run(request([jia("5000.00")], pack_id="test-pack", hosp_lv=3, day="2026-07-01", ytd=carry(r2)), p)
    expect(r3, act_pay_dedc="400.00", hifp_pay="3680.00")             # 1,000 - 600; (5,000 - 400) × 80%
    r4 = run(request([jia("5000.00")], pack_id="test-pack", hosp_lv=3, day="2026-09-01", ytd=carry(r3)), p)
    expect(r4, act_pay_dedc="0.00", hifp_pay="4000.00")               # the year's 1,000 is paid
    assert out(r4)["year_to_date_after"]["act_pay_dedc"] == "1000.00"


def test_once_per_year_deductible_partly_paid_by_a_small_bill(tmp_path):
    path = tmp_path / "once.toml"
    path.write_text(pack_text(basic=ONCE_PER_YEAR), encoding="utf-8")
    p = load_pack(path)
    r1 = run(request([jia("400.00")], pack_id="test-pack", hosp_lv=2), p)
    expect(r1, act_pay_dedc="400.00", hifp_pay="0.00")                 # only 400 of the 600 could be paid
    r2 = run(request([jia("5000.00")], pack_id="test-pack", hosp_lv=2, day="2026-05-01", ytd=carry(r1)), p)
    expect(r2, act_pay_dedc="200.00", hifp_pay="3840.00")             # 600 - 400; (5,000 - 200) × 80%


# --- ratio bands ---------------------------------------------------------------------------------

def test_ratio_bands_split_the_amount_above_the_deductible():
    r = run(request([jia("20800.00")], hosp_lv=3))
    # base 20,000: 10,000 × 65% + 10,000 × 70% = 6,500 + 7,000
    expect(r, act_pay_dedc="800.00", hifp_pay="13500.00", pool_prop_selfpay="6500.00")


@pytest.mark.parametrize(
    ("amount", "hifp"),
    [
        ("10200.00", "8500.00"),   # base exactly 10,000: all at 85%
        ("10200.01", "8500.01"),   # 8,500 + 0.01 × 90% = 8,500.009 -> 8,500.01
        ("30200.00", "26500.00"),  # 8,500 + 20,000 × 90% = 8,500 + 18,000
    ],
)
def test_ratio_band_boundary(amount, hifp):
    expect(run(request([jia(amount)], hosp_lv=1)), hifp_pay=hifp)


# --- group ratio plus ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("psn_type", "hifp"),
    [
        ("1501", "3600.00"),   # student: (5,000 - 500) × (75% + 5%)
        ("1201", "3600.00"),   # retired: same
        ("1101", "3375.00"),   # no adjustment: × 75%
    ],
)
def test_group_ratio_plus(psn_type, hifp):
    expect(run(request([jia("5000.00")], hosp_lv=2, psn_type=psn_type)), hifp_pay=hifp)


def test_group_ratio_plus_applies_to_every_band():
    r = run(request([jia("20800.00")], hosp_lv=3, psn_type="1201"))
    # 10,000 × 70% + 10,000 × 75% = 7,000 + 7,500
    expect(r, hifp_pay="14500.00")


def test_group_plus_and_out_of_area_minus_add_up():
    r = run(request([jia("5000.00")], hosp_lv=2, psn_type="1201", out_of_area=True, registered=False))
    # deductible 750; ratio 75% + 5% - 15% = 65%; 4,250 × 65% = 2,762.50
    expect(r, act_pay_dedc="750.00", hifp_pay="2762.50")


def test_ratio_is_kept_between_0_and_100_percent():
    high = make_pack(ratio="1 = 0.98\n2 = 0.98\n3 = 0.98", basic='[basic.group_ratio_plus]\n"1201" = 0.05')
    # 98% + 5% is held at 100%: (5,300 - 300) × 100%
    expect(run(request([jia("5300.00")], pack_id="test-pack", hosp_lv=1, psn_type="1201"), high),
           hifp_pay="5000.00", pool_prop_selfpay="0.00")
    low = make_pack(ratio="1 = 0.10\n2 = 0.10\n3 = 0.10",
                    basic="[basic.out_of_area]\nratio_minus_unregistered = 0.20")
    # 10% - 20% is held at 0%
    expect(run(request([jia("5300.00")], pack_id="test-pack", hosp_lv=1, out_of_area=True), low),
           hifp_pay="0.00", pool_prop_selfpay="5000.00")


# --- annual cap ----------------------------------------------------------------------------------

def test_annual_cap_on_a_single_bill():
    r = run(request([jia("250200.00")], hosp_lv=1))
    # 10,000 × 85% + 240,000 × 90% = 224,500 > cap 200,000
    expect(r, hifp_pay="200000.00", pool_prop_selfpay="50000.00")   # 250,000 - 200,000


def test_annual_cap_reached_across_two_bills_and_then_nothing():
    r1 = run(request([jia("150200.00")], hosp_lv=1))
    expect(
        r1,
        act_pay_dedc="200.00",
        hifp_pay="134500.00",      # 10,000 × 85% + 140,000 × 90% = 8,500 + 126,000
        hifmi_pay="2220.00",       # 大病 base 150,200 - 134,500 = 15,700; (15,700 - 12,000) × 60%
        psn_cash_pay="13480.00",   # 150,200 - 134,500 - 2,220
    )
    r2 = run(request([jia("100200.00")], hosp_lv=1, day="2026-06-01", ytd=carry(r1)))
    expect(
        r2,
        act_pay_dedc="100.00",          # 2nd admission: 200 × 50%
        hifp_pay="65500.00",            # 8,500 + 90,100 × 90% = 89,590, but only 200,000 - 134,500 left
        pool_prop_selfpay="34600.00",   # 100,100 - 65,500
        hifmi_pay="20820.00",           # base 34,600 + 100 = 34,700; year 50,400: (50,400 - 12,000) × 60%
                                        #   = 23,040, minus 2,220 already paid
        psn_cash_pay="13880.00",        # 100,200 - 65,500 - 20,820
    )
    assert out(r2)["year_to_date_after"]["hifp_pay"] == "200000.00"
    r3 = run(request([jia("10000.00")], hosp_lv=1, day="2026-09-01", ytd=carry(r2)))
    expect(
        r3,
        act_pay_dedc="200.00",          # 3rd admission: 200
        hifp_pay="0.00",                # the pool's 200,000 for the year is spent
        hifmi_pay="6000.00",            # base 9,800 + 200 = 10,000; year 60,400: 48,400 × 60% = 29,040 - 23,040
        psn_cash_pay="4000.00",
    )
    assert any("最高支付限额" in e["text"] for e in out(r3)["explain"])
