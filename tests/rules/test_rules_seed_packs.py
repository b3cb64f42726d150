"""Each seed region's pack, with cases built from the figures its policy text gives, crossing the
大病保险 segment boundaries and the basic pool's annual cap. Encounter dates lie inside each pack's
validity. Basic-pool figures are the packs' illustrative ones (the texts leave them open)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rules_helpers import carry, expect, fee, funds, jia, pack, request, run

from hospital_client.rules import RequestError

D = Decimal


def test_every_seed_pack_marks_its_illustrative_figures():
    for pack_id in ("fuxin-2020", "huizhou-2013-resident", "huizhou-2013-employee", "xuzhou-2013",
                    "anhui-2015-pilot"):
        assert pack(pack_id).model.pack.illustrative, pack_id


# --- 阜新 2020 (阜政发〔2019〕18号) -----------------------------------------------------------------
# 大病: deductible 50% × last year's income 22,000 (illustrative) = 11,000; 60%, +5% per 50,000 of
# compliant cost, at most 70%; no cap. Basic (illustrative): deductible 200/500/900,
# 80%/75%/70% ("保持在75%左右"), cap 150,000; referral: 连续计算起付线.

def test_fuxin_pack_carries_the_text_figures():
    m = pack("fuxin-2020").model
    assert m.hifmi is not None and m.hifmi.rising is not None
    assert (m.hifmi.deductible.income_share, m.hifmi.deductible.last_year_income) == (D("0.5"), D("22000"))
    r = m.hifmi.rising
    assert (r.start, r.step, r.points, r.max) == (D("0.60"), D("50000"), D("0.05"), D("0.70"))
    assert m.hifmi.annual_cap is None                   # 不设封顶线
    assert m.basic.ratio is not None and m.basic.ratio["2"] == D("0.75")
    assert (str(m.pack.valid_from), str(m.pack.valid_to)) == ("2020-01-01", "2020-12-31")


@pytest.mark.parametrize(
    ("amount", "hifp", "hifmi"),
    [
        ("40500.00", "30000.00", "0.00"),      # (40,500 - 500) × 75%; 大病 base 10,500 < 11,000
        ("42500.00", "31500.00", "0.00"),      # 大病 base 42,500 - 31,500 = 11,000: exactly the deductible
        ("42502.00", "31501.50", "0.30"),      # base 11,000.50: 0.50 × 60%
    ],
)
def test_fuxin_hifmi_deductible_is_half_of_last_years_income(amount, hifp, hifmi):
    expect(run(request([jia(amount)], pack_id="fuxin-2020", hosp_lv=2, residence=None), "fuxin-2020"),
           hifp_pay=hifp, hifmi_pay=hifmi)


def test_fuxin_big_bill_crosses_every_segment_and_the_basic_cap():
    r = run(request([jia("400900.00")], pack_id="fuxin-2020", hosp_lv=3), "fuxin-2020")
    # pool (400,900 - 900) × 70% = 280,000 -> cap 150,000
    # 大病 base 400,900 - 150,000 = 250,900; above 11,000: 239,900
    #   50,000 × 60% + 50,000 × 65% + 139,900 × 70% = 30,000 + 32,500 + 97,930 = 160,430 (no cap)
    expect(r, act_pay_dedc="900.00", hifp_pay="150000.00", hifmi_pay="160430.00",
           psn_cash_pay="90470.00")            # 400,900 - 150,000 - 160,430


def test_fuxin_year_crosses_a_segment_and_the_basic_cap_bill_by_bill():
    r1 = run(request([jia("150900.00")], pack_id="fuxin-2020", hosp_lv=3, day="2020-03-02"), "fuxin-2020")
    # pool 150,000 × 70% = 105,000; 大病 base 45,900: (45,900 - 11,000) × 60% = 20,940
    expect(r1, hifp_pay="105000.00", hifmi_pay="20940.00", psn_cash_pay="24960.00")
    r2 = run(request([jia("100900.00")], pack_id="fuxin-2020", hosp_lv=3, day="2020-06-01", ytd=carry(r1)),
             "fuxin-2020")
    # pool 100,000 × 70% = 70,000 but only 150,000 - 105,000 = 45,000 left
    # 大病 base 100,900 - 45,000 = 55,900; year 101,800, above 11,000: 90,800
    #   50,000 × 60% + 40,800 × 65% = 30,000 + 26,520 = 56,520, minus 20,940 = 35,580
    expect(r2, hifp_pay="45000.00", hifmi_pay="35580.00", psn_cash_pay="20320.00")
    r3 = run(request([jia("20500.00")], pack_id="fuxin-2020", hosp_lv=2, day="2020-11-02", ytd=carry(r2)),
             "fuxin-2020")
    # pool: nothing left; 大病 base 20,000 + deductible 500 = 20,500; year 122,300, above: 111,300
    #   30,000 + 32,500 + 11,300 × 70% = 70,410, minus 56,520 = 13,890
    expect(r3, hifp_pay="0.00", hifmi_pay="13890.00", psn_cash_pay="6610.00")
    after = r3.to_dict()["year_to_date_after"]
    assert (after["hifp_pay"], after["hifmi_base"], after["hifmi_pay"]) == ("150000.00", "122300.00", "70410.00")


def test_fuxin_second_bill_crosses_the_first_segment_boundary():
    r1 = run(request([jia("150900.00")], pack_id="fuxin-2020", hosp_lv=3), "fuxin-2020")
    r2 = run(request([jia("50900.00")], pack_id="fuxin-2020", hosp_lv=3, day="2020-09-01", ytd=carry(r1)),
             "fuxin-2020")
    # pool 50,000 × 70% = 35,000; 大病 base 15,900; year 61,800: 50,000 at 60% + 800 at 65%
    #   = 30,520 - 20,940 = 9,580 (15,100 × 60% + 800 × 65% = 9,060 + 520)
    expect(r2, hifp_pay="35000.00", hifmi_pay="9580.00", psn_cash_pay="6320.00")


def test_fuxin_referral_counts_the_deductible_continuously():
    r = run(request([jia("10400.00")], pack_id="fuxin-2020", hosp_lv=3,
                    referral={"from_hosp_lv": 2, "dedc_paid": "500.00"}), "fuxin-2020")
    expect(r, act_pay_dedc="400.00", hifp_pay="7000.00")     # 900 - 500; 10,000 × 70%


def test_fuxin_assistance_after_pool_and_hifmi():
    r = run(request([jia("150900.00")], pack_id="fuxin-2020", hosp_lv=3, group="tekun"), "fuxin-2020")
    # left 150,900 - 105,000 - 20,940 = 24,960, 特困 100% (cap 40,000)
    expect(r, maf_pay="24960.00", psn_cash_pay="0.00")


def test_fuxin_outside_2020_is_refused():
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], pack_id="fuxin-2020", day="2019-12-20"), "fuxin-2020")
    assert err.value.field == "encounter.endtime"


# --- 惠州 2013 (惠府办〔2013〕19号) -----------------------------------------------------------------
# 大病二次补偿: the year's personal share of compliant inpatient cost including the deductible,
# above 10,000, is paid at 95%, no cap. Residents (illustrative basic): 300/600/1,000,
# 80%/70%/60%, cap 150,000; employees: 300/500/800, 90%/88%/85%, cap 300,000.

@pytest.mark.parametrize("pack_id", ["huizhou-2013-resident", "huizhou-2013-employee"])
def test_huizhou_packs_carry_the_text_figures(pack_id):
    m = pack(pack_id).model
    assert m.hifmi is not None
    assert m.hifmi.base == "after_pool_with_deductible"        # 含起付标准
    assert m.hifmi.deductible.amount == D("10000")
    assert [(s.upto, s.ratio) for s in m.hifmi.segments] == [(None, D("0.95"))]
    assert m.hifmi.annual_cap is None


def test_huizhou_resident_personal_share_above_10000_at_95_percent():
    r = run(request([jia("31000.00")], pack_id="huizhou-2013-resident", hosp_lv=3), "huizhou-2013-resident")
    # deductible 1,000; pool 30,000 × 60% = 18,000; personal share 13,000 incl. deductible
    # (13,000 - 10,000) × 95% = 2,850; the patient keeps 10,000 + 5% × 3,000 = 10,150
    expect(r, hifp_pay="18000.00", hifmi_pay="2850.00", psn_cash_pay="10150.00")
    assert funds(r) == {"390100": "18000.00", "390200": "2850.00"}


def test_huizhou_first_self_paid_share_is_not_in_the_95_percent_base():
    fees = [fee("1", "B1", "10000.00"), jia("25000.00", sn="2")]
    r = run(request(fees, pack_id="huizhou-2013-resident", hosp_lv=2), "huizhou-2013-resident")
    # 乙 10,000 × 20% = 2,000 first self-paid; in range 33,000; pool (33,000 - 600) × 70% = 22,680
    # personal compliant share 33,000 - 22,680 = 10,320: 320 × 95% = 304
    expect(r, preselfpay_amt="2000.00", hifp_pay="22680.00", hifmi_pay="304.00",
           psn_cash_pay="12016.00")   # 35,000 - 22,680 - 304


def test_huizhou_year_crosses_10000_in_the_second_bill():
    p = "huizhou-2013-resident"
    r1 = run(request([jia("16000.00")], pack_id=p, hosp_lv=3), p)
    expect(r1, hifp_pay="9000.00", hifmi_pay="0.00")      # 15,000 × 60%; share 7,000
    r2 = run(request([jia("11000.00")], pack_id=p, hosp_lv=3, day="2013-09-02", ytd=carry(r1)), p)
    expect(r2, hifp_pay="6000.00", hifmi_pay="1900.00")   # share 5,000; year 12,000: 2,000 × 95%


def test_huizhou_resident_basic_cap_then_95_percent():
    p = "huizhou-2013-resident"
    r = run(request([jia("300000.00")], pack_id=p, hosp_lv=3), p)
    # pool 299,000 × 60% = 179,400 -> cap 150,000; share 150,000: 140,000 × 95% = 133,000
    expect(r, hifp_pay="150000.00", hifmi_pay="133000.00", psn_cash_pay="17000.00")


def test_huizhou_employee_basic_cap_then_95_percent():
    p = "huizhou-2013-employee"
    r = run(request([jia("400800.00")], pack_id=p, insutype="310", hosp_lv=3), p)
    # pool 400,000 × 85% = 340,000 -> cap 300,000; share 100,800: 90,800 × 95% = 86,260
    expect(r, hifp_pay="300000.00", hifmi_pay="86260.00", psn_cash_pay="14540.00")
    assert funds(r) == {"310100": "300000.00", "310200": "86260.00"}


def test_huizhou_employee_below_10000():
    p = "huizhou-2013-employee"
    r = run(request([jia("60500.00")], pack_id=p, insutype="310", hosp_lv=2), p)
    expect(r, hifp_pay="52800.00", hifmi_pay="0.00")      # 60,000 × 88%; share 7,700


@pytest.mark.parametrize(("pack_id", "insutype"), [("huizhou-2013-employee", "390"),
                                                    ("huizhou-2013-resident", "310")])
def test_huizhou_packs_are_per_insutype(pack_id, insutype):
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], pack_id=pack_id, insutype=insutype), pack_id)
    assert err.value.field == "person.insutype"


# --- 徐州 2013 (徐州市城乡居民大病保险工作实施意见) --------------------------------------------------
# 大病: rural deductible 10,000; urban 50% of last year's urban income (22,000, illustrative) = 11,000;
# at least 50%; no cap. Pilot from 2013-07-01. Basic (illustrative): 200/500/800, 85%/70%/60%,
# cap 120,000.

def test_xuzhou_pack_carries_the_text_figures():
    m = pack("xuzhou-2013").model
    assert m.hifmi is not None and m.hifmi.deductible_rural is not None and m.hifmi.deductible_urban is not None
    assert m.hifmi.deductible_rural.amount == D("10000")
    assert m.hifmi.deductible_urban.income_share == D("0.5")
    assert [(s.upto, s.ratio) for s in m.hifmi.segments] == [(None, D("0.50"))]
    assert m.hifmi.annual_cap is None
    assert str(m.pack.valid_from) == "2013-07-01"


@pytest.mark.parametrize(("residence", "hifmi", "cash"), [("rural", "1400.00", "11400.00"),
                                                          ("urban", "900.00", "11900.00")])
def test_xuzhou_rural_and_urban_deductibles(residence, hifmi, cash):
    r = run(request([jia("30800.00")], pack_id="xuzhou-2013", hosp_lv=3, residence=residence), "xuzhou-2013")
    # pool 30,000 × 60% = 18,000; 大病 base 12,800
    # rural (12,800 - 10,000) × 50% = 1,400; urban (12,800 - 11,000) × 50% = 900
    expect(r, hifp_pay="18000.00", hifmi_pay=hifmi, psn_cash_pay=cash)


@pytest.mark.parametrize(("residence", "hifmi"), [("rural", "60400.00"), ("urban", "59900.00")])
def test_xuzhou_basic_cap_then_50_percent_without_cap(residence, hifmi):
    r = run(request([jia("250800.00")], pack_id="xuzhou-2013", hosp_lv=3, residence=residence), "xuzhou-2013")
    # pool 250,000 × 60% = 150,000 -> cap 120,000; 大病 base 130,800
    # rural 120,800 × 50% = 60,400; urban 119,800 × 50% = 59,900
    expect(r, hifp_pay="120000.00", hifmi_pay=hifmi)


def test_xuzhou_year_accumulates_to_the_deductible():
    p = "xuzhou-2013"
    r1 = run(request([jia("20500.00")], pack_id=p, hosp_lv=2), p)
    expect(r1, hifp_pay="14000.00", hifmi_pay="0.00")     # 20,000 × 70%; base 6,500
    r2 = run(request([jia("20500.00")], pack_id=p, hosp_lv=2, day="2013-10-08", ytd=carry(r1)), p)
    expect(r2, hifp_pay="14000.00", hifmi_pay="1500.00")  # year 13,000: 3,000 × 50%


def test_xuzhou_needs_the_residence():
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], pack_id="xuzhou-2013", residence=None), "xuzhou-2013")
    assert err.value.field == "person.residence"


def test_xuzhou_before_the_pilot_is_refused():
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], pack_id="xuzhou-2013", day="2013-06-10"), "xuzhou-2013")
    assert err.value.field == "encounter.endtime"


# --- 安徽 2015 pilot (all benefit figures illustrative) -------------------------------------------
# Basic: 200/600/1,000, 2nd admission × 50%, 85%/75%/65%, cap 200,000. 大病: base incl. deductible,
# deductible 20,000, segments on the cumulative base: to 50,000 50%, to 100,000 60%, to 200,000 70%,
# beyond 80%, cap 300,000; 特困/低保/建档立卡: deductible × 50%, +5 points. 救助: 特困 100%
# (50,000), 低保/建档立卡 70% (30,000); second tier above 5,000 at 50% (20,000).

def test_anhui_pack_validity_and_regions():
    m = pack("anhui-2015-pilot").model
    assert (str(m.pack.valid_from), str(m.pack.valid_to)) == ("2015-07-01", "2017-12-31")
    assert "340100" in m.pack.admdvs        # 合肥市
    assert set(m.pack.illustrative) >= {"basic", "hifmi", "assistance"}


def test_anhui_first_segment():
    r = run(request([jia("101000.00")], pack_id="anhui-2015-pilot", hosp_lv=3), "anhui-2015-pilot")
    # pool 100,000 × 65% = 65,000; 大病 base 36,000: (36,000 - 20,000) × 50% = 8,000
    expect(r, hifp_pay="65000.00", hifmi_pay="8000.00", psn_cash_pay="28000.00")


def test_anhui_crosses_two_segment_boundaries():
    r = run(request([jia("301000.00")], pack_id="anhui-2015-pilot", hosp_lv=3), "anhui-2015-pilot")
    # pool 300,000 × 65% = 195,000 (under 200,000); 大病 base 106,000 on the cumulative scale:
    #   20,000 -> 50,000 at 50%: 15,000; 50,000 -> 100,000 at 60%: 30,000; 100,000 -> 106,000 at 70%: 4,200
    expect(r, hifp_pay="195000.00", hifmi_pay="49200.00", psn_cash_pay="56800.00")


def test_anhui_hifmi_annual_cap():
    ytd = {"admissions": 1, "act_pay_dedc": "1000.00", "hifp_pay": "100000.00",
           "hifmi_base": "400000.00", "hifmi_pay": "275000.00"}
    # so far: 15,000 + 30,000 + 70,000 + 200,000 × 80% = 275,000
    r = run(request([jia("100500.00")], pack_id="anhui-2015-pilot", hosp_lv=3, ytd=ytd), "anhui-2015-pilot")
    # 2nd admission: deductible 500; pool 100,000 × 65% = 65,000; 大病 base 35,500
    # year 435,500: 275,000 + 35,500 × 80% = 303,400 -> cap 300,000: 25,000 now
    expect(r, act_pay_dedc="500.00", hifp_pay="65000.00", hifmi_pay="25000.00", psn_cash_pay="10500.00")


def test_anhui_poor_group_with_both_assistance_tiers():
    r = run(request([jia("101000.00")], pack_id="anhui-2015-pilot", hosp_lv=3, group="dibao"),
            "anhui-2015-pilot")
    # 大病 (低保): deductible 10,000, 55% to 50,000: (36,000 - 10,000) × 55% = 14,300
    # 救助: 101,000 - 65,000 - 14,300 = 21,700 × 70% = 15,190
    # second tier: 21,700 - 15,190 = 6,510; (6,510 - 5,000) × 50% = 755
    expect(r, hifp_pay="65000.00", hifmi_pay="14300.00", maf_pay="15945.00", psn_cash_pay="5755.00")
    assert funds(r) == {"390100": "65000.00", "390200": "14300.00", "610100": "15190.00", "610200": "755.00"}


def test_anhui_second_admission_and_class_b_default():
    fees = [jia("4000.00"), fee("2", "B0", "1000.00")]   # 乙 with no share in the catalogue: pack's 10%
    r = run(request(fees, pack_id="anhui-2015-pilot", hosp_lv=2, ytd={"admissions": 1}), "anhui-2015-pilot")
    # in range 4,000 + 900 = 4,900; deductible 600 × 50% = 300; (4,900 - 300) × 75% = 3,450
    expect(r, preselfpay_amt="100.00", act_pay_dedc="300.00", hifp_pay="3450.00")


def test_anhui_before_the_pilot_is_refused():
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], pack_id="anhui-2015-pilot", day="2015-06-20"), "anhui-2015-pilot")
    assert err.value.field == "encounter.endtime"
