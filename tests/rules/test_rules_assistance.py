"""医疗救助 by group: deductible, ratio and annual cap on what is left after the basic pool and
大病保险, and the second tier (倾斜救助) on what is still left above a threshold.

Demo pack (base: compliant cost left after the pool and 大病保险):
  特困 tekun: no deductible, 100%, cap 50,000      低保 dibao: none, 70%, cap 30,000
  低保边缘 dibao_edge: 2,000, 60%, cap 20,000       建档立卡 poverty: 1,000, 70%, cap 30,000
  second tier for all four: above 10,000 of the yearly rest, 50%, cap 20,000
"""

from __future__ import annotations

import pytest
from rules_helpers import carry, expect, fee, funds, jia, make_pack, out, request, run

# demo level 2, 10,500 of 甲: deductible 500, pool 10,000 × 75% = 7,500; 大病 base 3,000 is below
# even the halved poor-group deductible (6,000); left for assistance: 10,500 - 7,500 = 3,000
BILL_LEFT_3000 = dict(fees=[jia("10500.00")], hosp_lv=2)


@pytest.mark.parametrize(
    ("group", "maf", "cash"),
    [
        ("tekun", "3000.00", "0.00"),           # 3,000 × 100%
        ("dibao", "2100.00", "900.00"),         # 3,000 × 70%
        ("dibao_edge", "600.00", "2400.00"),    # (3,000 - 2,000) × 60%
        ("poverty", "1400.00", "1600.00"),      # (3,000 - 1,000) × 70%
        (None, "0.00", "3000.00"),
        ("disabled", "0.00", "3000.00"),        # a group the pack does not assist
    ],
)
def test_assistance_by_group(group, maf, cash):
    r = run(request(**BILL_LEFT_3000, group=group))
    expect(r, hifp_pay="7500.00", hifmi_pay="0.00", maf_pay=maf, psn_cash_pay=cash)
    if maf != "0.00":
        assert funds(r)["610100"] == maf
    else:
        assert "610100" not in funds(r)


def test_assistance_deductible_is_annual():
    r1 = run(request([jia("4500.00")], hosp_lv=2, group="dibao_edge"))
    # pool (4,500 - 500) × 75% = 3,000; left 1,500 < 2,000: nothing yet
    expect(r1, hifp_pay="3000.00", maf_pay="0.00")
    r2 = run(request([jia("4500.00")], hosp_lv=2, group="dibao_edge", day="2026-05-04", ytd=carry(r1)))
    # 2nd admission: deductible 250; pool 4,250 × 75% = 3,187.50; left 1,312.50
    # year 2,812.50: (2,812.50 - 2,000) × 60% = 487.50
    expect(r2, act_pay_dedc="250.00", hifp_pay="3187.50", maf_pay="487.50")
    assert out(r2)["year_to_date_after"]["maf_base"] == "2812.50"


def test_assistance_annual_cap():
    r = run(request(**BILL_LEFT_3000, group="tekun", ytd={"maf_base": "49000.00", "maf_pay": "49000.00"}))
    # year 52,000 × 100% held at 50,000: 1,000 now; second tier: the rest 2,000 is below 10,000
    expect(r, maf_pay="1000.00", psn_cash_pay="2000.00")
    assert any("已达年度救助限额" in e["text"] for e in out(r)["explain"])


def test_second_tier_on_what_is_still_left_above_the_threshold():
    ytd = {"maf_base": "40000.00", "maf_pay": "28000.00",      # 40,000 × 70%
           "maf2_base": "12000.00", "maf2_pay": "1000.00"}     # (12,000 - 10,000) × 50%
    r = run(request(**BILL_LEFT_3000, group="dibao", ytd=ytd))
    # tier 1: year 43,000 × 70% = 30,100, held at 30,000: 2,000 now
    # tier 2: left 3,000 - 2,000 = 1,000; year 13,000: (13,000 - 10,000) × 50% = 1,500, minus 1,000 paid: 500
    expect(r, maf_pay="2500.00", fund_pay_sumamt="10000.00", psn_cash_pay="500.00")
    assert funds(r) == {"390100": "7500.00", "610100": "2000.00", "610200": "500.00"}
    after = out(r)["year_to_date_after"]
    assert (after["maf_base"], after["maf_pay"], after["maf2_base"], after["maf2_pay"]) == (
        "43000.00", "30000.00", "13000.00", "1500.00")


def test_second_tier_annual_cap():
    ytd = {"maf_base": "100000.00", "maf_pay": "30000.00", "maf2_base": "70000.00", "maf2_pay": "20000.00"}
    r = run(request(**BILL_LEFT_3000, group="dibao", ytd=ytd))
    expect(r, maf_pay="0.00", psn_cash_pay="3000.00")   # both tiers' caps are spent


def test_pool_then_hifmi_then_assistance():
    r = run(request([jia("100800.00")], hosp_lv=3, group="dibao"))
    # pool: 10,000 × 65% + 90,000 × 70% = 69,500
    # 大病 (低保: deductible 6,000, 65%): base 31,300: 25,300 × 65% = 16,445
    # 救助: 100,800 - 69,500 - 16,445 = 14,855 × 70% = 10,398.50; rest 4,456.50 < 10,000: no second tier
    expect(r, hifp_pay="69500.00", hifmi_pay="16445.00", maf_pay="10398.50",
           fund_pay_sumamt="96343.50", psn_cash_pay="4456.50")
    assert funds(r) == {"390100": "69500.00", "390200": "16445.00", "610100": "10398.50"}


ASSIST = """
[assistance]
base = "{base}"

[assistance.groups.dibao]
deductible = 0
ratio = 0.5
annual_cap = 100000
"""


@pytest.mark.parametrize(
    ("base", "maf"),
    [
        ("compliant", "330.00"),                  # (2,100 - 1,440) × 50%
        ("compliant_with_preselfpay", "430.00"),  # (2,100 + 200 - 1,440) × 50%
        ("all", "680.00"),                        # (2,800 - 1,440) × 50%
    ],
)
def test_what_the_assistance_base_includes(base, maf):
    p = make_pack(tail=ASSIST.format(base=base))
    fees = [jia("1300.00"), fee("2", "B1", "1000.00"), fee("3", "C1", "500.00")]
    # 乙 1,000: 200 first self-paid; in range 1,300 + 800 = 2,100; 丙 500; total 2,800
    # test pack level 1: deductible 300, pool (2,100 - 300) × 80% = 1,440
    r = run(request(fees, pack_id="test-pack", hosp_lv=1, group="dibao"), p)
    expect(r, inscp_scp_amt="2100.00", hifp_pay="1440.00", maf_pay=maf)
