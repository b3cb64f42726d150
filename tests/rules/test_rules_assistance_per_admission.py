"""医疗救助 per admission (per = "admission"): each admission its own deductible, threshold, bands and cap;
an annual cap beside it limits the year's total; no cap when the pack sets none; the 大病 poor-group
deductible as a published figure.

Test pack (rules_helpers): level 1 deductible 300, flat 80%, basic annual cap raised to 10,000,000, so
a level-1 bill of 甲 X leaves 300 + (X - 300) × 20% for assistance:
  X = 50,300 -> pool 40,000, left 10,300;  X = 75,300 -> pool 60,000, left 15,300;
  X = 100,300 -> pool 80,000, left 20,300.
"""

from __future__ import annotations

import pytest
from rules_helpers import carry, expect, funds, jia, make_pack, out, pack_text, request, run

from hospital_client.rules import PackError, parse_pack

BIG_CAP = "10000000"

BANDED = """
[assistance]
base = "compliant"

[assistance.groups.dibao]
per = "admission"
deductible = 500
admission_cap = 8000
{annual}

[[assistance.groups.dibao.bands]]
upto = 10000
ratio = 0.50

[[assistance.groups.dibao.bands]]
ratio = 0.70
"""


def _bill(amount: str, ytd=None):
    return request([jia(amount)], pack_id="test-pack", hosp_lv=1, group="dibao", ytd=ytd)


def test_per_admission_bands_deductible_and_cap_three_admissions_no_annual_cap():
    p = make_pack(annual_cap=BIG_CAP, tail=BANDED.format(annual=""))
    # 1st: left 10,300; above the 500 deductible 9,800, all in the first band: 9,800 × 50% = 4,900
    r1 = run(_bill("50300.00"), p)
    expect(r1, hifp_pay="40000.00", maf_pay="4900.00", psn_cash_pay="5400.00")
    # 2nd: left 15,300; above 500: 14,800 = 10,000 × 50% + 4,800 × 70% = 5,000 + 3,360 = 8,360,
    # held at the admission cap 8,000 (a yearly reading would measure 24,600 - 500 and pay far more)
    r2 = run(_bill("75300.00", carry(r1)), p)
    expect(r2, maf_pay="8000.00", psn_cash_pay="7300.00")
    assert any("已达每次住院救助限额 8,000.00 元" in e["text"] for e in out(r2)["explain"])
    # 3rd: like the 1st, its own deductible and first band again: 4,900; no annual cap, nothing withheld
    r3 = run(_bill("50300.00", carry(r2)), p)
    expect(r3, maf_pay="4900.00", psn_cash_pay="5400.00")
    after = out(r3)["year_to_date_after"]
    # maf_base: 10,300 + 15,300 + 10,300; maf_pay: 4,900 + 8,000 + 4,900
    assert (after["maf_base"], after["maf_pay"], after["admissions"]) == ("35900.00", "17800.00", 3)
    assert funds(r3) == {"390100": "40000.00", "610100": "4900.00"}


def test_per_admission_with_an_annual_cap_beside_it():
    p = make_pack(annual_cap=BIG_CAP, tail=BANDED.format(annual="annual_cap = 12000"))
    r1 = run(_bill("50300.00"), p)
    expect(r1, maf_pay="4900.00")
    # 2nd: 8,360 → admission cap 8,000 → annual room 12,000 - 4,900 = 7,100
    r2 = run(_bill("75300.00", carry(r1)), p)
    expect(r2, maf_pay="7100.00", psn_cash_pay="8200.00")
    assert any("已达年度救助限额 12,000.00 元" in e["text"] for e in out(r2)["explain"])
    # 3rd: the annual cap is spent
    r3 = run(_bill("50300.00", carry(r2)), p)
    expect(r3, maf_pay="0.00", psn_cash_pay="10300.00")


def test_per_admission_rounds_each_payment_once_half_up():
    p = make_pack(annual_cap=BIG_CAP, tail=BANDED.format(annual="").replace("deductible = 500", "deductible = 0"))
    # pool (1,234.57 - 300) × 80% = 747.656 → 747.66; left 1,234.57 - 747.66 = 486.91
    # 486.91 × 50% = 243.455 → 243.46 (half up); the patient: 486.91 - 243.46 = 243.45
    r = run(_bill("1234.57"), p)
    expect(r, hifp_pay="747.66", maf_pay="243.46", psn_cash_pay="243.45")


SECOND_PER_ADMISSION = """
[assistance]
base = "compliant"

[assistance.groups.dibao]
ratio = 0.60
annual_cap = 10000

[assistance.second_tier]
groups = ["dibao"]
per = "{per}"
threshold = 3000
ratio = 0.50
{caps}
"""


def test_second_tier_threshold_per_admission_four_admissions():
    p = make_pack(annual_cap=BIG_CAP, tail=SECOND_PER_ADMISSION.format(per="admission", caps="admission_cap = 5000"))
    # 1st: left 10,300; tier 1 (yearly) 10,300 × 60% = 6,180; still left 4,120; (4,120 - 3,000) × 50% = 560
    r1 = run(_bill("50300.00"), p)
    expect(r1, maf_pay="6740.00", psn_cash_pay="3560.00")
    assert funds(r1) == {"390100": "40000.00", "610100": "6180.00", "610200": "560.00"}
    # 2nd: tier 1 year 20,600 × 60% = 12,360 → cap 10,000 → 10,000 - 6,180 = 3,820; still left 6,480;
    # (6,480 - 3,000) × 50% = 1,740 (a yearly threshold would pay (10,600 - 3,000) × 50% - 560 = 3,240)
    r2 = run(_bill("50300.00", carry(r1)), p)
    assert funds(r2) == {"390100": "40000.00", "610100": "3820.00", "610200": "1740.00"}
    expect(r2, maf_pay="5560.00", psn_cash_pay="4740.00")
    # 3rd: tier 1 spent: 0; still left 10,300; (10,300 - 3,000) × 50% = 3,650
    r3 = run(_bill("50300.00", carry(r2)), p)
    assert funds(r3) == {"390100": "40000.00", "610200": "3650.00"}
    expect(r3, maf_pay="3650.00", psn_cash_pay="6650.00")
    # 4th: left 20,300; (20,300 - 3,000) × 50% = 8,650 → admission cap 5,000
    r4 = run(_bill("100300.00", carry(r3)), p)
    expect(r4, hifp_pay="80000.00", maf_pay="5000.00", psn_cash_pay="15300.00")
    after = out(r4)["year_to_date_after"]
    # maf2_base: 4,120 + 6,480 + 10,300 + 20,300; maf2_pay: 560 + 1,740 + 3,650 + 5,000
    assert (after["maf_pay"], after["maf2_base"], after["maf2_pay"]) == ("10000.00", "41200.00", "10950.00")


def test_second_tier_yearly_without_a_cap_keeps_the_yearly_reading():
    p = make_pack(annual_cap=BIG_CAP, tail=SECOND_PER_ADMISSION.format(per="year", caps=""))
    r1 = run(_bill("50300.00"), p)
    expect(r1, maf_pay="6740.00")                      # 6,180 + 560, as per admission on a first bill
    r2 = run(_bill("50300.00", carry(r1)), p)
    # year rest 4,120 + 6,480 = 10,600: (10,600 - 3,000) × 50% = 3,800 - 560 = 3,240
    assert funds(r2)["610200"] == "3240.00"


def test_no_annual_cap_when_the_pack_sets_none():
    tail = "[assistance]\n[assistance.groups.dibao]\nratio = 0.5\n"
    p = make_pack(annual_cap=BIG_CAP, tail=tail)
    # the year already had 10,000,000 of assistance; still 10,300 × 50% = 5,150
    r = run(_bill("50300.00", {"maf_base": "20000000.00", "maf_pay": "10000000.00"}), p)
    expect(r, maf_pay="5150.00")


POOR = """
[hifmi]
base = "after_pool_with_deductible"

[hifmi.deductible]
amount = 10000

[[hifmi.segments]]
ratio = 0.50

[hifmi.poor]
groups = ["dibao"]
{how}
ratio_plus = 0.10
"""


@pytest.mark.parametrize(
    ("group", "how", "hifmi"),
    [
        (None, "deductible = 4800", "150.00"),             # base 10,000 + 300 = 10,300: 300 × 50%
        ("dibao", "deductible = 4800", "3300.00"),         # (10,300 - 4,800) × 60%
        ("dibao", "deductible_factor = 0.5", "3180.00"),   # (10,300 - 5,000) × 60%
    ],
)
def test_hifmi_poor_deductible_as_a_published_figure(group, how, hifmi):
    p = make_pack(annual_cap=BIG_CAP, tail=POOR.format(how=how))
    r = run(request([jia("50300.00")], pack_id="test-pack", hosp_lv=1, group=group), p)
    expect(r, hifp_pay="40000.00", hifmi_pay=hifmi)


def test_existing_assistance_keys_keep_their_yearly_meaning():
    p = make_pack(tail="[assistance]\n[assistance.groups.dibao]\ndeductible = 100\nratio = 0.5\nannual_cap = 1")
    assert p.model.assistance is not None
    tier = p.model.assistance.groups["dibao"]
    assert (tier.per, tier.admission_cap, tier.bands) == ("year", None, [])


@pytest.mark.parametrize(
    ("tail", "key", "words"),
    [
        pytest.param("[assistance]\n[assistance.groups.dibao]\nratio = 0.5\n[[assistance.groups.dibao.bands]]\n"
                     "ratio = 0.5\n", "assistance.groups.dibao", "exactly one of 'ratio' or [[bands]]",
                     id="ratio-and-bands"),
        pytest.param("[assistance]\n[assistance.groups.dibao]\n", "assistance.groups.dibao",
                     "exactly one of 'ratio' or [[bands]]", id="neither"),
        pytest.param("[assistance]\n[assistance.groups.dibao]\nratio = 0.5\nadmission_cap = 100\n",
                     "assistance.groups.dibao", "admission_cap needs per = \"admission\"", id="cap-on-yearly"),
        pytest.param("[assistance]\n[assistance.groups.dibao]\nratio = 0.5\nper = \"visit\"\n",
                     "assistance.groups.dibao.per", "'year' or 'admission'", id="bad-per"),
        pytest.param("[assistance]\n[assistance.groups.dibao]\nper = \"admission\"\n"
                     "[[assistance.groups.dibao.bands]]\nupto = 100\nratio = 0.5\n",
                     "assistance.groups.dibao", "last of bands", id="last-band-bounded"),
        pytest.param("[assistance]\n[assistance.groups.dibao]\nratio = 0.5\n[assistance.second_tier]\n"
                     "groups = [\"dibao\"]\nthreshold = 1\nratio = 0.5\nadmission_cap = 5\n",
                     "assistance.second_tier", "admission_cap needs per", id="second-tier-cap-on-yearly"),
        pytest.param(POOR.format(how="deductible = 4800\ndeductible_factor = 0.5"), "hifmi.poor",
                     "either 'deductible_factor' or 'deductible'", id="poor-factor-and-figure"),
    ],
)
def test_invalid_per_admission_rules_name_file_key_and_problem(tail, key, words):
    with pytest.raises(PackError) as err:
        parse_pack(pack_text(tail=tail).encode(), "broken.toml")
    e = err.value
    assert (e.file, e.key) == ("broken.toml", key)
    assert words in e.problem


def test_rules_read_back_as_sentences():
    from hospital_client.rules.assistance import assistance_sentences

    p = make_pack(annual_cap=BIG_CAP, tail=BANDED.format(annual="annual_cap = 12000"))
    assert p.model.assistance is not None
    assert assistance_sentences(p.model.assistance) == [
        "医疗救助（低保对象）：每次住院救助起付线 500.00 元以上部分按 分段（10,000.00 元以内 50%、以上 70%） 救助；"
        "每次住院限额 8,000.00 元，年度限额 12,000.00 元。"
    ]
    p2 = make_pack(annual_cap=BIG_CAP, tail=SECOND_PER_ADMISSION.format(per="admission", caps=""))
    assert p2.model.assistance is not None
    assert assistance_sentences(p2.model.assistance)[1] == (
        "倾斜救助（低保对象）：救助后个人负担每次住院再救助起点 3,000.00 元以上部分按 50% 救助；不设限额。")
