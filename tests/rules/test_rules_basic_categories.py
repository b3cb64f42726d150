"""The basic pool as region texts word it: bands on the policy-range amount itself (measure),
rules by person category and hospital level, admission-number rules per level, amounts as a share
of a published figure, levels given once, no annual cap. Every figure is computed by hand in the
comments, to the fen."""

from __future__ import annotations

import pytest
from rules_helpers import CATALOG, TEST_PACK_FUNDS, TEST_PACK_HEAD, carry, expect, jia, request

from hospital_client.rules import Pack, PackError, RequestError, parse_pack, settle
from hospital_client.rules.pack_text import explain_pack, pack_warnings
from hospital_client.rules.result import SettlementResult

# Adults (every psn_type but 1501): deductible 200/400/600 at levels 1/2/3, cap 150,000.
# Children (1501): 100/150/300, cap 200,000. Each later admission 50 (level 1) or 100 (levels 2, 3)
# less than the one before, at least 100. Ratio bands on the policy-range amount itself:
# up to 10,000 80%, 10,000-30,000 85%, above 90%, the same at every level (given once).
BANDS = """
[[basic.bands]]
upto = 10000
ratio = 0.80

[[basic.bands]]
upto = 30000
ratio = 0.85

[[basic.bands]]
ratio = 0.90
"""
BASIC = """
[basic]
annual_cap = 150000
measure = "{measure}"
deductible = {{ 1 = 200, 2 = 400, 3 = 600 }}

[[basic.admission_rules]]
from_nth = 2
less_each = {{ 1 = 50, 2 = 100, 3 = 100 }}
at_least = 100

[[basic.categories]]
name = "学生儿童"
psn_types = ["1501"]
deductible = {{ 1 = 100, 2 = 150, 3 = 300 }}
annual_cap = 200000
"""


def make(measure: str = "policy_range", extra: str = "") -> Pack:
    text = TEST_PACK_HEAD + BASIC.format(measure=measure) + BANDS + extra + TEST_PACK_FUNDS
    return parse_pack(text.encode(), "categories.toml")


POLICY_RANGE = make()
ABOVE = make("above_deductible")


def run(amount: str, *, psn_type: str = "1502", hosp_lv: int = 3, ytd: dict[str, object] | None = None,
        pack: Pack = POLICY_RANGE) -> SettlementResult:
    req = request([jia(amount)], pack_id="test-pack", psn_type=psn_type, hosp_lv=hosp_lv, ytd=ytd)
    return settle(req, pack, CATALOG)


def test_adult_three_admissions_bands_on_the_policy_range_amount():
    # 1st: deductible 600. 600-10,000: 9,400 x 80% = 7,520; 10,000-30,000: 20,000 x 85% = 17,000;
    #      30,000-40,600: 10,600 x 90% = 9,540. Total 34,060.00.
    r1 = run("40600.00")
    expect(r1, act_pay_dedc="600.00", hifp_pay="34060.00", pool_prop_selfpay="5940.00")
    # 2nd: deductible 600 - 100 = 500: 9,500 x 80% = 7,600 + 17,000 + 9,540 = 34,140.00.
    r2 = run("40600.00", ytd=carry(r1))
    expect(r2, act_pay_dedc="500.00", hifp_pay="34140.00")
    # 3rd: 400: 9,600 x 80% = 7,680 + 26,540 = 34,220.00.
    r3 = run("40600.00", ytd=carry(r2))
    expect(r3, act_pay_dedc="400.00", hifp_pay="34220.00")
    assert carry(r3)["hifp_pay"] == "102420.00"           # 34,060 + 34,140 + 34,220
    # 4th: 300: 7,760 + 26,540 = 34,300 -> 136,720 paid. 5th: 200: 7,840 + 26,540 = 34,380, but the
    # cap leaves 150,000 - 136,720 = 13,280.00.
    r4 = run("40600.00", ytd=carry(r3))
    expect(r4, act_pay_dedc="300.00", hifp_pay="34300.00")
    r5 = run("40600.00", ytd=carry(r4))
    expect(r5, act_pay_dedc="200.00", hifp_pay="13280.00")


def test_the_same_bands_counted_from_the_deductible_differ_by_deductible_times_ratio_step():
    # above_deductible: base 40,000: 10,000 x 80% + 20,000 x 85% + 10,000 x 90% = 34,000.00, which is
    # 600 x (90% - 80%) = 60 less than on the policy-range amount (34,060.00).
    expect(run("40600.00", pack=ABOVE), act_pay_dedc="600.00", hifp_pay="34000.00")


def test_children_by_level_and_admission():
    # Level 3, 1st: deductible 300: 9,700 x 80% = 7,760 + 17,000 + 9,540 = 34,300.00.
    r1 = run("40600.00", psn_type="1501")
    expect(r1, act_pay_dedc="300.00", hifp_pay="34300.00")
    # 2nd: 200: 9,800 x 80% = 7,840 -> 34,380.00. 3rd: 300 - 200 = 100 (the floor) -> 7,920 -> 34,460.00.
    r2 = run("40600.00", psn_type="1501", ytd=carry(r1))
    expect(r2, act_pay_dedc="200.00", hifp_pay="34380.00")
    r3 = run("40600.00", psn_type="1501", ytd=carry(r2))
    expect(r3, act_pay_dedc="100.00", hifp_pay="34460.00")
    # 4th: 300 - 300 = 0, held at 100.
    expect(run("40600.00", psn_type="1501", ytd=carry(r3)), act_pay_dedc="100.00", hifp_pay="34460.00")


def test_level_one_floor_and_a_deductible_already_at_the_floor():
    # Adult level 1, 2nd admission: 200 - 50 = 150: 150-10,000 in the first band: 9,850 x 80% = 7,880.00.
    expect(run("10000.00", hosp_lv=1, ytd={"admissions": 1}), act_pay_dedc="150.00", hifp_pay="7880.00")
    # 10,150: the 150 above 10,000 is in the second band: 7,880 + 150 x 85% = 8,007.50.
    expect(run("10150.00", hosp_lv=1, ytd={"admissions": 1}), hifp_pay="8007.50")
    # Child level 1: 100 already; 2nd admission 100 - 50 = 50 but at least min(100, 100) = 100:
    # 9,900 x 80% = 7,920.00.
    expect(run("10000.00", psn_type="1501", hosp_lv=1, ytd={"admissions": 1}),
           act_pay_dedc="100.00", hifp_pay="7920.00")


def test_category_caps():
    # Child: cap 200,000, 190,000 paid: 34,300 fits no more than 10,000.00.
    expect(run("40600.00", psn_type="1501", ytd={"hifp_pay": "190000"}), hifp_pay="10000.00")
    # Adult: cap 150,000, 145,000 paid: 5,000.00.
    expect(run("40600.00", ytd={"hifp_pay": "145000"}), hifp_pay="5000.00")


def test_fen_rounding_once_across_bands():
    # Adult level 2, 12,345.67: deductible 400; 400-10,000: 9,600 x 80% = 7,680;
    # 10,000-12,345.67: 2,345.67 x 85% = 1,993.8195; 9,673.8195 -> 9,673.82 (half up, once).
    expect(run("12345.67", hosp_lv=2), act_pay_dedc="400.00", hifp_pay="9673.82", pool_prop_selfpay="2271.85")


def test_a_bill_under_the_first_band():
    # Adult level 3, 5,600: 5,000 x 80% = 4,000.00 (only the first band).
    expect(run("5600.00"), hifp_pay="4000.00")


FIGURES = TEST_PACK_HEAD.replace('insutypes = ["390", "310"]', 'insutypes = ["310"]') + """
[figures.wage]
name = "上年度在岗职工平均工资"
amount = 72345.67

[basic]
deductible = { factor = 0.10, of = "wage" }
annual_cap = { factor = 6, of = "wage" }
ratio = 0.90
""" + TEST_PACK_FUNDS


def test_deductible_and_cap_as_shares_of_a_published_figure():
    pack = parse_pack(FIGURES.encode(), "figures.toml")
    # Deductible 72,345.67 x 10% = 7,234.567 -> 7,234.57 (to the fen); 20,000 - 7,234.57 = 12,765.43 x 90%
    # = 11,488.887 -> 11,488.89.
    req = request([jia("20000.00")], pack_id="test-pack", insutype="310", hosp_lv=2)
    expect(settle(req, pack, CATALOG), act_pay_dedc="7234.57", hifp_pay="11488.89")
    # Cap 6 x 72,345.67 = 434,074.02; 433,000 paid: 1,074.02 left.
    req = request([jia("20000.00")], pack_id="test-pack", insutype="310", hosp_lv=2, ytd={"hifp_pay": "433000"})
    expect(settle(req, pack, CATALOG), hifp_pay="1074.02")
    text = "\n".join(explain_pack(pack))
    assert "上年度在岗职工平均工资 72,345.67 元的 10%" in text and "6 倍" in text


def test_no_cap_and_levels_given_once():
    text = TEST_PACK_HEAD + "\n[basic]\ndeductible = 800\nratio = 0.70\n" + TEST_PACK_FUNDS
    pack = parse_pack(text.encode(), "once.toml")
    # Level 1, 10,800, 500,000 already paid: no cap: 10,000 x 70% = 7,000.00.
    req = request([jia("10800.00")], pack_id="test-pack", hosp_lv=1, ytd={"hifp_pay": "500000"})
    expect(settle(req, pack, CATALOG), act_pay_dedc="800.00", hifp_pay="7000.00")
    assert any("annual_cap" in w for w in pack_warnings(pack))
    assert "各级医院起付线 800 元" in "\n".join(explain_pack(pack))


def _refused(text: str) -> PackError:
    with pytest.raises(PackError) as err:
        parse_pack(text.encode(), "bad.toml")
    return err.value


def test_bands_without_measure_are_refused_with_both_phrasings():
    bad = TEST_PACK_HEAD + "\n[basic]\nannual_cap = 1000\ndeductible = 800\n" + BANDS + TEST_PACK_FUNDS
    err = _refused(bad)
    assert err.file == "bad.toml" and err.key == "basic"
    assert "policy_range" in err.problem and "above_deductible" in err.problem and "起付线以上至" in err.problem


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('\n[[basic.categories]]\nname = "又一类"\npsn_types = ["1501"]\nannual_cap = 1\n', "psn_type '1501'"),
        ('\n[[basic.admission_rules]]\nfrom_nth = 3\nat_least = 100\nfactor = 0.5\n', "'at_least' goes with"),
    ],
)
def test_invalid_category_and_admission_rules(extra, words):
    text = TEST_PACK_HEAD + BASIC.format(measure="policy_range") + BANDS + extra + TEST_PACK_FUNDS
    assert words in str(_refused(text))


def test_unknown_figure_and_unknown_illustrative_name():
    assert "wages" in str(_refused(FIGURES.replace('of = "wage" }\nannual', 'of = "wages" }\nannual')))
    bad = FIGURES.replace('valid_to = 2026-12-31\n', 'valid_to = 2026-12-31\nillustrative = ["figures.wage.amout"]\n')
    err = _refused(bad)
    assert err.key == "pack.illustrative[0]"


def test_a_person_of_no_category_when_basic_gives_no_deductible():
    text = (TEST_PACK_HEAD + "\n[basic]\nratio = 0.80\n"
            + '\n[[basic.categories]]\nname = "在职"\npsn_types = ["1101"]\ndeductible = 1000\n'
            + '\n[[basic.categories]]\nname = "退休"\npsn_types = ["1201"]\ndeductible = 700\n' + TEST_PACK_FUNDS)
    pack = parse_pack(text.encode(), "employees.toml")
    # 退休, 5,700: (5,700 - 700) x 80% = 4,000.00
    req = request([jia("5700.00")], pack_id="test-pack", psn_type="1201")
    expect(settle(req, pack, CATALOG), act_pay_dedc="700.00", hifp_pay="4000.00")
    with pytest.raises(RequestError) as err:
        settle(request([jia("5700.00")], pack_id="test-pack", psn_type="1501"), pack, CATALOG)
    assert err.value.field == "person.psn_type" and "1101, 1201" in err.value.problem


def test_explain_reads_the_pack_back():
    text = "\n".join(explain_pack(POLICY_RANGE))
    assert "政策范围内费用 1 万元以下部分（起付线以上）各级医院支付 80%" in text
    assert "学生儿童" in text and "三级医院起付线 300 元" in text
    assert "统筹基金年度最高支付限额 20 万元" in text
    assert "本年度第 2 次起每次住院起付线比上一次降低" in text


def test_warnings():
    assert pack_warnings(POLICY_RANGE) == []
    assert any("above_deductible" in w for w in pack_warnings(ABOVE))
    reversed_text = (TEST_PACK_HEAD + "\n[basic]\nannual_cap = 1\ndeductible = { 1 = 900, 2 = 500, 3 = 200 }\n"
                     "ratio = { 1 = 0.6, 2 = 0.7, 3 = 0.8 }\n" + TEST_PACK_FUNDS)
    warnings = pack_warnings(parse_pack(reversed_text.encode(), "r.toml"))
    assert any(w.startswith("basic.deductible") for w in warnings)
    assert any(w.startswith("basic.ratio") for w in warnings)
    empty = TEST_PACK_HEAD + BASIC.format(measure="policy_range").replace("3 = 600", "3 = 12000") + BANDS \
        + TEST_PACK_FUNDS
    assert any("first band is empty" in w for w in pack_warnings(parse_pack(empty.encode(), "e.toml")))


def test_a_referral_moves_the_first_band_under_policy_range():
    # Adult level 3 referred from level 1 (200 paid): deductible 600 - 200 = 400; the first band then
    # holds 9,600: 9,600 x 80% = 7,680 + 17,000 + 9,540 = 34,220.00.
    req = request([jia("40600.00")], pack_id="test-pack", psn_type="1502", hosp_lv=3,
                  referral={"from_hosp_lv": 1, "dedc_paid": "200"})
    expect(settle(req, POLICY_RANGE, CATALOG), act_pay_dedc="400.00", hifp_pay="34220.00")


def test_a_category_ratio_replaces_the_bands():
    extra = '\n[[basic.categories]]\nname = "退休"\npsn_types = ["1201"]\nratio = { 1 = 0.95, 2 = 0.92, 3 = 0.90 }\n'
    pack = make(extra=extra)
    # 退休, level 2, 10,400: deductible 400 ([basic]'s); 10,000 x 92% = 9,200.00 (no bands).
    expect(run("10400.00", psn_type="1201", hosp_lv=2, pack=pack), act_pay_dedc="400.00", hifp_pay="9200.00")
    # others keep the bands: 1502, level 2, 10,400: 9,600 x 80% + 400 x 85% = 7,680 + 340 = 8,020.00.
    expect(run("10400.00", hosp_lv=2, pack=pack), hifp_pay="8020.00")
