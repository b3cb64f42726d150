"""大病保险 amounts from [figures], admission-number rules per person category, and what `policy check`
says about outpatient sections."""

from __future__ import annotations

import pytest
from rules_helpers import expect, jia, make_pack, pack, pack_text, request, run

from hospital_client.rules import PackError, parse_pack
from hospital_client.rules.pack_text import explain_pack, pack_warnings

HIFMI_BY_FIGURE = """
[figures.income]
name = "上年度居民人均可支配收入"
amount = 30000

[hifmi]
base = "after_pool"
annual_cap = { factor = 2.5, of = "income" }

[hifmi.deductible]
income_share = 0.4
of = "income"

[hifmi.deductible_urban]
income_share = 0.5
of = "income"

[[hifmi.segments]]
ratio = 0.50
"""


def bill(amount: str, **kwargs: object) -> dict[str, object]:
    return request([jia(amount)], pack_id="test-pack", hosp_lv=3, **kwargs)  # type: ignore[arg-type]


def test_hifmi_deductible_and_cap_from_a_figure():
    hifmi = make_pack(tail=HIFMI_BY_FIGURE)
    # Level 3, 甲 81,000: pool (81,000 − 1,000) × 80% = 64,000; base after the pool 16,000.
    # Rural: deductible 40% of 30,000 = 12,000: (16,000 − 12,000) × 50% = 2,000.00.
    expect(run(bill("81000"), hifmi), hifp_pay="64000.00", hifmi_pay="2000.00")
    # Urban: 50% = 15,000: 1,000 × 50% = 500.00.
    expect(run(bill("81000", residence="urban"), hifmi), hifmi_pay="500.00")
    # The cap is 2.5 × 30,000 = 75,000: with 74,000 paid on a year's base of 200,000, only 1,000.00.
    expect(run(bill("81000", ytd={"hifmi_base": "200000", "hifmi_pay": "74000"}), hifmi), hifmi_pay="1000.00")
    assert hifmi.model.hifmi is not None and str(hifmi.model.hifmi.annual_cap) == "75000.00"


@pytest.mark.parametrize(("change", "message"), [
    (("0.4\nof = \"income\"", "0.4\nof = \"income\"\nlast_year_income = 1"), "either 'last_year_income' or 'of'"),
    (("0.4\nof = \"income\"", "0.4\nof = \"wages\""), "'of' names no [figures.<name>] table: wages"),
    (("factor = 2.5, of = \"income\"", "factor = 2.5, of = \"wages\""), "hifmi.annual_cap: 'of' names no"),
    (("factor = 2.5", "factor = 200"), "annual_cap"),
])
def test_bad_figure_references_are_refused(change, message):
    old, new = change
    with pytest.raises(PackError) as err:
        parse_pack(pack_text(tail=HIFMI_BY_FIGURE.replace(old, new, 1)).encode(), "p.toml")
    assert message in str(err.value)


CATEGORY = """
[[basic.categories]]
name = "学生儿童"
psn_types = ["1501"]
deductible = { 1 = 100, 2 = 200, 3 = 400 }
admission_rules = [{ from_nth = 2, less_each = 100, at_least = 200 }]

[[basic.categories]]
name = "大学生"
psn_types = ["1502"]
admission_rules = []
"""


def test_admission_rules_per_category():
    categories = make_pack(basic="[[basic.admission_rules]]\nfrom_nth = 2\nfactor = 0.5\n", tail=CATEGORY)
    # Others, level 3 (1,000): the second admission half: 500; (10,500 − 500) × 80% = 8,000.00.
    expect(run(bill("10500", ytd={"admissions": 1}), categories), act_pay_dedc="500.00", hifp_pay="8000.00")
    # 学生儿童, level 3 (400): 300 at the second, 200 at the third and later (at least 200).
    expect(run(bill("10300", psn_type="1501", ytd={"admissions": 1}), categories), act_pay_dedc="300.00",
           hifp_pay="8000.00")
    expect(run(bill("10200", psn_type="1501", ytd={"admissions": 5}), categories), act_pay_dedc="200.00",
           hifp_pay="8000.00")
    # 大学生: [basic]'s deductible, no reduction by admission: 1,000 at the fourth.
    expect(run(bill("11000", psn_type="1502", ytd={"admissions": 3}), categories), act_pay_dedc="1000.00")
    text = "\n".join(explain_pack(categories))
    assert "学生儿童：本年度第 2 次起每次住院起付线比上一次降低" in text
    assert "大学生：每次住院起付线相同，不按住院次数调整。" in text


def test_category_admission_rules_are_checked():
    bad = CATEGORY.replace("admission_rules = []", "admission_rules = [{ from_nth = 3, factor = 0.5 }, "
                                                   "{ from_nth = 2, factor = 0.8 }]")
    with pytest.raises(PackError) as err:
        parse_pack(pack_text(tail=bad).encode(), "p.toml")
    assert "increasing from_nth" in str(err.value)
    once = pack_text(basic='deductible_mode = "once_per_year_highest"', tail=CATEGORY)
    with pytest.raises(PackError) as err:
        parse_pack(once.encode(), "p.toml")
    assert "once_per_year_highest" in str(err.value)


OUTPATIENT = """
[outpatient.general]
name = "普通门诊"
med_type = "11"
ratio = { 1 = 0.40, 2 = 0.50, 3 = 0.60 }
deductible_per_visit = { 1 = 30, 2 = 20, 3 = 10 }
paid_key = "hifp_pay"

[outpatient.chronic]
name = "门诊慢特病"
med_type = "14"
ratio = 0.6
deductible_annual = 200
deductible_key = "act_pay_dedc"
annual_cap = 1000
paid_key = "mtb_pay"

[outpatient.chronic.diseases.I10]
name = "高血压"
annual_limit = 1500
paid_key = "mtb_pay_i10"

[outpatient.dental]
name = "口腔门诊"
med_type = "16"
ratio = 0.5
paid_key = "dental_pay"
"""


def test_policy_check_points_at_outpatient_sections():
    warnings = pack_warnings(make_pack(tail=OUTPATIENT))
    keys = {w.split(":", 1)[0] for w in warnings}
    assert {"outpatient.general.ratio", "outpatient.general.deductible_per_visit", "outpatient.general.paid_key",
            "outpatient.general.annual_cap", "outpatient.chronic.deductible_key",
            "outpatient.chronic.diseases.I10.annual_limit", "outpatient.dental",
            "outpatient.dental.annual_cap"} <= keys
    assert not any(k.startswith("outpatient.chronic.annual_cap") for k in keys)
    # 阜新 2020's sections (separate keys, a cap, deductibles rising with the level) give none.
    assert not [w for w in pack_warnings(pack("fuxin-2020")) if w.startswith("outpatient.")]
