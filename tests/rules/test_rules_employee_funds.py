"""The employee schemes' further steps, [hifob] 职工大额医疗费用补助 and [cvlserv] 公务员医疗补助, to the fen.

The test pack (rules_helpers.pack_text): deductibles 300/600/1000 by level, 80% flat, annual cap 100,000,
covering insutypes 390 and 310.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import carry, expect, fen, funds, jia, make_pack, pack_text, request, run

from hospital_client.rules import PackError, RequestError, parse_pack
from hospital_client.rules.pack_text import explain_pack, pack_warnings

D = Decimal
FUNDS = """
[funds.hifob]
code = "330100"
name = "职工大额医疗费用补助基金"

[funds.cvlserv]
code = "320100"
name = "公务员医疗补助资金"
"""
HIFOB = """
[hifob]
base = "over_pool_cap"
insutypes = ["310"]
deductible = 2000
annual_cap = 50000

[[hifob.segments]]
upto = 20000
ratio = 0.80

[[hifob.segments]]
ratio = 0.90
"""
CVLSERV = """
[cvlserv]
base = "after_pool"
ratio = 0.50
annual_cap = { factor = 0.1, of = "wage" }

[figures.wage]
name = "上年度在岗职工平均工资"
amount = 60000
"""


def employee(amount: str, *, cs: bool = False, ytd: dict[str, Any] | None = None, insutype: str = "310",
             group: str | None = None) -> dict[str, Any]:
    req = request([jia(amount)], pack_id="test-pack", insutype=insutype, hosp_lv=3, ytd=ytd, group=group)
    req["person"]["cvlserv_flag"] = cs
    return req


PACK = make_pack(tail=HIFOB + CVLSERV + FUNDS)


def test_hifob_pays_on_the_cost_above_the_pool_cap_year_by_year():
    # Level 3, 甲 131,000: deductible 1,000; by ratio 130,000 × 80% = 104,000, the cap pays 100,000.00,
    # covering 100,000 ÷ 80% = 125,000 of the 130,000: 5,000 above the cap; less the 2,000 deductible:
    # 3,000 × 80% = 2,400.00.
    first = run(employee("131000"), PACK)
    expect(first, hifp_pay="100000.00", hifob_pay="2400.00", psn_cash_pay="28600.00")
    assert funds(first)["330100"] == "2400.00"
    assert first.year_to_date_after["hifob_base"] == D("5000.00")
    # Again 甲 31,000 in the year: the pool pays 0, all 30,000 above the deductible is above its cap;
    # the year's 35,000: 20,000 × 80% + 13,000 × 90% = 27,700, less 2,400: 25,300.00.
    second = run(employee("31000", ytd=carry(first)), PACK)
    expect(second, hifp_pay="0.00", hifob_pay="25300.00", act_pay_dedc="1000.00")
    # A third, 甲 41,000: the year's 75,000 would give 63,700; the annual cap of 50,000 leaves 22,300.00.
    third = run(employee("41000", ytd=carry(second)), PACK)
    expect(third, hifob_pay="22300.00")
    assert third.year_to_date_after["hifob_pay"] == D("50000.00")


def test_hifob_is_for_the_insutypes_it_names():
    # A resident (390) with the same bill: no 大额补助; the key is carried at zero.
    result = run(employee("131000", insutype="390"), PACK)
    expect(result, hifp_pay="100000.00", hifob_pay="0.00", psn_cash_pay="31000.00")
    assert "330100" not in funds(result)


def test_cvlserv_is_for_civil_servants_after_the_pool_and_hifob():
    # 甲 11,000: pool 10,000 × 80% = 8,000; the patient carries 2,000 of the policy range (the deductible
    # not included: base "after_pool"): × 50% = 1,000.00.
    expect(run(employee("11000", cs=True), PACK), hifp_pay="8000.00", cvlserv_pay="1000.00",
           psn_cash_pay="2000.00")
    expect(run(employee("11000"), PACK), cvlserv_pay="0.00", psn_cash_pay="3000.00")
    # 甲 131,000 as above, a civil servant: the pool leaves 130,000 − 100,000 = 30,000 of the policy range,
    # 大额补助 pays 2,400 of it, so 27,600 × 50% = 13,800, but the cap is 10% of 60,000 = 6,000.00.
    result = run(employee("131000", cs=True), PACK)
    expect(result, hifob_pay="2400.00", cvlserv_pay="6000.00", psn_cash_pay="22600.00")
    assert funds(result) == {"390100": "100000.00", "330100": "2400.00", "320100": "6000.00"}
    assert list(result.to_dict()["setlinfo"])[7:11] == ["pool_prop_selfpay", "cvlserv_pay", "hifmi_pay", "hifob_pay"]


def test_the_steps_after_take_what_the_further_steps_left():
    tail = CVLSERV + FUNDS + """
[assistance]
base = "compliant"

[assistance.groups.dibao]
ratio = 0.50
"""
    pack = make_pack(tail=tail)
    # 甲 11,000, civil servant and 低保: pool 8,000, 公务员补助 1,000; 医疗救助 on the 11,000 − 8,000 − 1,000
    # = 2,000 left: 1,000.00; the patient pays 1,000.00.
    expect(run(employee("11000", cs=True, group="dibao"), pack), cvlserv_pay="1000.00", maf_pay="1000.00",
           psn_cash_pay="1000.00")


def test_a_pack_without_the_funds_is_refused_and_checked():
    with pytest.raises(PackError) as err:
        parse_pack(pack_text(tail=HIFOB).encode(), "p.toml")
    assert "[funds.hifob]" in str(err.value)
    no_cap = parse_pack(pack_text(tail=HIFOB + FUNDS).replace("annual_cap = 100000\n", "", 1).encode(), "p.toml")
    assert any(w.startswith("hifob.base:") for w in pack_warnings(no_cap))
    text = "\n".join(explain_pack(PACK))
    assert "职工大额医疗费用补助：参保职工（险种 310）年度累计超过统筹基金年度最高支付限额的政策范围内费用" in text
    assert "公务员医疗补助：公务员（公务员标志）" in text and "年度最高支付 6,000.00 元" in text


def test_an_unknown_further_accumulator_is_refused_on_a_pack_without_it():
    with pytest.raises(RequestError) as err:
        run(employee("100", ytd={"hifob_pay": "1"}), make_pack())
    assert err.value.field == "year_to_date.hifob_pay"


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(100, 9_000_000).map(lambda c: D(c) / 100), min_size=1, max_size=6))
def test_a_year_of_bills_pays_hifob_as_the_annual_rule_on_the_cost_above_the_cap(amounts):
    # 80% flat and a cap of 100,000: the pool covers about the first 125,000 above the year's deductibles;
    # the rest is the 大额补助 base. Each bill's part above the cap is measured from its rounded pool payment,
    # so the year's base may differ from the exact 125,000 split by a fen per bill, no more; and the year's
    # 大额补助 is exactly the annual rule (deductible 2,000, 80% to 20,000, 90% above, cap 50,000) on that base.
    ytd: dict[str, Any] | None = None
    paid = D(0)
    above_deductibles = D(0)
    for amount in amounts:
        result = run(employee(f"{amount:.2f}", ytd=ytd), PACK)
        paid += result.setlinfo["hifob_pay"]
        above_deductibles += result.setlinfo["inscp_scp_amt"] - result.setlinfo["act_pay_dedc"]
        ytd = carry(result)
    assert ytd is not None
    base = D(ytd["hifob_base"])
    assert abs(base - max(D(0), above_deductibles - D(125000))) <= D("0.01") * len(amounts)
    above = max(D(0), base - D(2000))
    annual = min(above, D(20000)) * D("0.8") + max(D(0), above - D(20000)) * D("0.9")
    assert paid == min(D(50000), fen(annual)) == D(ytd["hifob_pay"])


def test_the_cost_above_the_cap_follows_the_pool_bands():
    bands = """
[[basic.bands]]
upto = 10000
ratio = { 1 = 0.85, 2 = 0.75, 3 = 0.65 }

[[basic.bands]]
ratio = { 1 = 0.90, 2 = 0.80, 3 = 0.70 }

[hifob]
base = "over_pool_cap"
ratio = 0.90
"""
    banded = make_pack(basic='measure = "policy_range"', ratio="", annual_cap="10000", tail=bands + FUNDS)
    # Level 3, 甲 21,000, deductible 1,000: by the bands 9,000 × 65% + 11,000 × 70% = 13,550; the cap pays
    # 10,000.00: the first band's 5,850 and 4,150 ÷ 70% = 5,928.571… of the second, so the pool covers
    # 14,928.571… of the 20,000 above the deductible; 5,071.428… → 5,071.43 is above the cap:
    # × 90% = 4,564.287 → 4,564.29.
    result = run(employee("21000"), banded)
    expect(result, hifp_pay="10000.00", hifob_pay="4564.29")
    assert result.year_to_date_after["hifob_base"] == D("5071.43")
