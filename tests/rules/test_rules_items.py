"""Fee-line classification: 甲/乙/丙, 先行自付, price caps (限价), unknown codes, refunds.

Figures are computed by hand in the comments. The bill-level figures use the demo pack
(乙类 default first self-paid share 10%; level 1: deductible 200, 85%; level 2: 500, 75%).
"""

from __future__ import annotations

from rules_helpers import expect, fee, make_pack, out, request, run


def lines(result):  # feedetl_sn -> the line's result
    return {f["feedetl_sn"]: f for f in out(result)["fees"]}


# --- 甲/乙/丙 -------------------------------------------------------------------------------------

def test_classes_from_the_catalogue():
    r = run(request([
        fee("1", "A1", "100.00", "10"),   # 甲 1,000.00: all in range
        fee("2", "B1", "50.00", "20"),    # 乙 1,000.00, 20% first self-paid: 200.00 + 800.00
        fee("3", "C1", "30.00", "10"),    # 丙 300.00: fully self-paid
    ], hosp_lv=2))
    f = lines(r)
    assert f["1"] == {"feedetl_sn": "1", "chrgitm_lv": "01", "fulamt_ownpay_amt": "0.00", "overlmt_amt": "0.00",
                      "preselfpay_amt": "0.00", "inscp_scp_amt": "1000.00"}
    assert f["2"] == {"feedetl_sn": "2", "chrgitm_lv": "02", "fulamt_ownpay_amt": "0.00", "overlmt_amt": "0.00",
                      "preselfpay_amt": "200.00", "inscp_scp_amt": "800.00"}
    assert f["3"] == {"feedetl_sn": "3", "chrgitm_lv": "03", "fulamt_ownpay_amt": "300.00", "overlmt_amt": "0.00",
                      "preselfpay_amt": "0.00", "inscp_scp_amt": "0.00"}
    expect(
        r,
        medfee_sumamt="2300.00",       # 1,000 + 1,000 + 300
        fulamt_ownpay_amt="300.00",
        overlmt_selfpay="0.00",
        preselfpay_amt="200.00",
        inscp_scp_amt="1800.00",       # 1,000 + 800
        act_pay_dedc="500.00",         # level 2
        hifp_pay="975.00",             # (1,800 - 500) × 75%
        pool_prop_selfpay="325.00",    # 1,300 - 975
        psn_cash_pay="1325.00",        # 2,300 - 975
    )


def test_class_override_on_the_fee_line_wins_over_the_catalogue():
    r = run(request([
        fee("1", "A1", "100.00", chrgitm_lv="03"),   # catalogue 甲, line says 丙: 100 self-paid
        fee("2", "C1", "100.00", chrgitm_lv="01"),   # catalogue 丙, line says 甲: 100 in range
        fee("3", "C1", "100.00", chrgitm_lv="02"),   # line says 乙, no share anywhere: pack default 10%
    ]))
    f = lines(r)
    assert (f["1"]["chrgitm_lv"], f["1"]["fulamt_ownpay_amt"], f["1"]["inscp_scp_amt"]) == ("03", "100.00", "0.00")
    assert (f["2"]["chrgitm_lv"], f["2"]["fulamt_ownpay_amt"], f["2"]["inscp_scp_amt"]) == ("01", "0.00", "100.00")
    assert (f["3"]["chrgitm_lv"], f["3"]["preselfpay_amt"], f["3"]["inscp_scp_amt"]) == ("02", "10.00", "90.00")
    expect(r, fulamt_ownpay_amt="100.00", preselfpay_amt="10.00", inscp_scp_amt="190.00")


# --- 先行自付 ------------------------------------------------------------------------------------

def test_first_self_paid_share_per_item_per_catalogue_and_pack_default():
    r = run(request([
        fee("1", "B1", "100.00", selfpay_prop="0.30"),   # per item: 30% of 100 = 30.00
        fee("2", "B1", "100.00"),                        # per catalogue: 20% = 20.00
        fee("3", "B0", "100.00"),                        # catalogue leaves it open: demo default 10% = 10.00
        fee("4", "BZ", "100.00"),                        # catalogue says 0 explicitly: 0, not the default
        fee("5", "B1", "100.00", selfpay_prop="0"),      # per item 0 overrides the catalogue's 20%
    ]))
    f = lines(r)
    assert [f[sn]["preselfpay_amt"] for sn in "12345"] == ["30.00", "20.00", "10.00", "0.00", "0.00"]
    assert [f[sn]["inscp_scp_amt"] for sn in "12345"] == ["70.00", "80.00", "90.00", "100.00", "100.00"]
    expect(r, preselfpay_amt="60.00", inscp_scp_amt="440.00")


def test_pack_default_share_comes_from_the_pack():
    p = make_pack(items="class_b_selfpay = 0.15")
    r = run(request([fee("1", "B0", "200.00")], pack_id="test-pack"), p)
    # 200 × 15% = 30.00 first self-paid, 170.00 in range
    expect(r, preselfpay_amt="30.00", inscp_scp_amt="170.00")


def test_first_self_paid_share_rounds_half_up_per_line():
    r = run(request([
        fee("1", "B1", "3.33"),                          # 3.33 × 20% = 0.666 -> 0.67; in range 2.66
        fee("2", "B1", "0.05", selfpay_prop="0.5"),      # 0.05 × 50% = 0.025 -> 0.03 (half up, not 0.02)
    ]))
    f = lines(r)
    assert (f["1"]["preselfpay_amt"], f["1"]["inscp_scp_amt"]) == ("0.67", "2.66")
    assert (f["2"]["preselfpay_amt"], f["2"]["inscp_scp_amt"]) == ("0.03", "0.02")


# --- 限价 ----------------------------------------------------------------------------------------

def test_price_caps_from_the_catalogue():
    r = run(request([
        fee("1", "P1", "100.00", "3"),   # 甲, cap 80: over (100-80)×3 = 60.00, in range 240.00
        fee("2", "PB", "60.00", "2"),    # 乙, cap 50, 10%: over 20.00, rest 100.00 -> 10.00 + 90.00
    ], hosp_lv=1))
    f = lines(r)
    assert (f["1"]["overlmt_amt"], f["1"]["preselfpay_amt"], f["1"]["inscp_scp_amt"]) == ("60.00", "0.00", "240.00")
    assert (f["2"]["overlmt_amt"], f["2"]["preselfpay_amt"], f["2"]["inscp_scp_amt"]) == ("20.00", "10.00", "90.00")
    expect(
        r,
        medfee_sumamt="420.00",      # 300 + 120
        overlmt_selfpay="80.00",     # 60 + 20
        preselfpay_amt="10.00",
        inscp_scp_amt="330.00",      # 240 + 90
        act_pay_dedc="200.00",       # level 1
        hifp_pay="110.50",           # (330 - 200) × 85%
        psn_cash_pay="309.50",       # 420 - 110.50
    )


def test_price_at_or_below_the_cap_is_not_over():
    r = run(request([fee("1", "P1", "80.00", "3"), fee("2", "P1", "70.00", "2")]))
    expect(r, overlmt_selfpay="0.00", inscp_scp_amt="380.00")   # 240 + 140


def test_price_cap_with_a_fractional_count():
    r = run(request([fee("1", "P1", "100.00", "0.5")]))
    # amount 50.00; over (100 - 80) × 0.5 = 10.00; in range 40.00
    assert lines(r)["1"]["overlmt_amt"] == "10.00"
    assert lines(r)["1"]["inscp_scp_amt"] == "40.00"


def test_price_cap_override_on_the_fee_line():
    r = run(request([
        fee("1", "A1", "100.00", pric_uplmt_amt="70"),    # no cap in catalogue, line cap 70: over 30.00
        fee("2", "P1", "100.00", pric_uplmt_amt="120"),   # catalogue cap 80, line cap 120: not over
    ]))
    f = lines(r)
    assert (f["1"]["overlmt_amt"], f["1"]["inscp_scp_amt"]) == ("30.00", "70.00")
    assert (f["2"]["overlmt_amt"], f["2"]["inscp_scp_amt"]) == ("0.00", "100.00")


def test_class_c_with_a_cap_is_all_self_paid_not_over_cap():
    r = run(request([fee("1", "PC", "30.00", "2")]))   # 丙 60.00, cap 10: all 60.00 fully self-paid
    f = lines(r)["1"]
    assert (f["fulamt_ownpay_amt"], f["overlmt_amt"], f["inscp_scp_amt"]) == ("60.00", "0.00", "0.00")


def test_pack_can_switch_price_caps_off():
    p = make_pack(items="class_b_selfpay = 0.10\nprice_caps = false")
    r = run(request([fee("1", "P1", "100.00", "3")], pack_id="test-pack"), p)
    expect(r, overlmt_selfpay="0.00", inscp_scp_amt="300.00")


def test_over_cap_part_never_exceeds_the_line_amount():
    line = {"feedetl_sn": "1", "med_list_codg": "A1", "name": "x", "pric": "1.00", "cnt": "1",
            "det_item_fee_sumamt": "0.99",   # HIS rounding: within the accepted 1 fen of pric × cnt
            "pric_uplmt_amt": "0"}
    r = run(request([line], hosp_lv=1))
    # everything above the cap of 0 is over the cap, but no more than the line's 0.99
    assert (lines(r)["1"]["overlmt_amt"], lines(r)["1"]["inscp_scp_amt"]) == ("0.99", "0.00")
    expect(r, overlmt_selfpay="0.99", inscp_scp_amt="0.00", hifp_pay="0.00", psn_cash_pay="0.99")


# --- unknown codes -------------------------------------------------------------------------------

def test_unknown_code_is_fully_self_paid_with_a_warning():
    r = run(request([fee("1", "A1", "500.00"), fee("2", "ZZ999", "100.00", "2")], hosp_lv=1))
    f = lines(r)
    assert (f["2"]["chrgitm_lv"], f["2"]["fulamt_ownpay_amt"], f["2"]["inscp_scp_amt"]) == ("03", "200.00", "0.00")
    expect(
        r,
        medfee_sumamt="700.00",
        fulamt_ownpay_amt="200.00",
        inscp_scp_amt="500.00",
        hifp_pay="255.00",          # (500 - 200) × 85%
        psn_cash_pay="445.00",      # 700 - 255
    )
    about = [w for w in r.warnings if "ZZ999" in w]
    assert len(about) == 1
    assert not [w for w in r.warnings if "A1" in w]


def test_bill_of_only_unknown_codes_pays_nothing():
    r = run(request([fee("1", "ZZ1", "80.00"), fee("2", "ZZ2", "20.00")]))
    expect(r, medfee_sumamt="100.00", fulamt_ownpay_amt="100.00", inscp_scp_amt="0.00", act_pay_dedc="0.00",
           hifp_pay="0.00", fund_pay_sumamt="0.00", psn_cash_pay="100.00")
    assert any("ZZ1" in w for w in r.warnings) and any("ZZ2" in w for w in r.warnings)


# --- refunds (negative cnt) ----------------------------------------------------------------------

def test_refund_lines_are_netted_within_the_bill():
    r = run(request([
        fee("1", "A1", "100.00", "10"),   # +1,000.00 甲
        fee("2", "A1", "100.00", "-2"),   # -200.00 甲 returned
        fee("3", "C1", "50.00", "4"),     # +200.00 丙
        fee("4", "C1", "50.00", "-1"),    # -50.00 丙 returned
        fee("5", "B1", "10.00", "5"),     # +50.00 乙 20%: 10.00 + 40.00
        fee("6", "B1", "10.00", "-3"),    # -30.00 乙 20%: -6.00 + -24.00
        fee("7", "P1", "100.00", "-1"),   # -100.00 甲 cap 80: over -20.00, in range -80.00
        fee("8", "P1", "100.00", "2"),    # +200.00: over 40.00, in range 160.00
    ], hosp_lv=1))
    f = lines(r)
    assert (f["2"]["inscp_scp_amt"], f["4"]["fulamt_ownpay_amt"]) == ("-200.00", "-50.00")
    assert (f["6"]["preselfpay_amt"], f["6"]["inscp_scp_amt"]) == ("-6.00", "-24.00")
    assert (f["7"]["overlmt_amt"], f["7"]["inscp_scp_amt"]) == ("-20.00", "-80.00")
    expect(
        r,
        medfee_sumamt="1070.00",      # 1000 - 200 + 200 - 50 + 50 - 30 - 100 + 200
        fulamt_ownpay_amt="150.00",   # 200 - 50
        overlmt_selfpay="20.00",      # -20 + 40
        preselfpay_amt="4.00",        # 10 - 6
        inscp_scp_amt="896.00",       # 1000 - 200 + 40 - 24 - 80 + 160
        act_pay_dedc="200.00",
        hifp_pay="591.60",            # (896 - 200) × 85%
        psn_cash_pay="478.40",        # 1,070 - 591.60
    )
    assert any("退费" in w for w in r.warnings)
    assert out(r)["year_to_date_after"]["admissions"] == 1


def test_a_bill_of_only_returned_items_gives_money_back_and_is_no_admission():
    r = run(request([fee("1", "A1", "100.00", "-2")], hosp_lv=1,
                    ytd={"admissions": 1, "act_pay_dedc": "200.00", "hifp_pay": "1000.00"}))
    expect(
        r,
        medfee_sumamt="-200.00",
        inscp_scp_amt="-200.00",
        act_pay_dedc="0.00",          # no deductible on a refund
        hifp_pay="-170.00",           # -200 × 85%: the pool takes back its share
        psn_cash_pay="-30.00",        # -200 - (-170): the patient gets back theirs
    )
    after = out(r)["year_to_date_after"]
    assert after["admissions"] == 1            # a refund is not another admission
    assert after["hifp_pay"] == "830.00"       # 1,000 - 170
