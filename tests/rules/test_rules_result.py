"""The result contract (DESIGN.md 4.1): fund_pay_type codes per insutype, the pack identity,
money as two-decimal strings, explain steps, and requests that do not fit the chosen pack."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from rules_helpers import POLICIES, expect, jia, out, pack, request, run

from hospital_client.rules import SETLINFO_KEYS, YTD_KEYS, RequestError


@pytest.mark.parametrize(
    ("insutype", "code", "name"),
    [
        ("390", "390100", "城乡居民基本医疗保险基金"),
        ("310", "310100", "职工基本医疗保险统筹基金"),   # demo [funds.basic_by_insutype.310]
    ],
)
def test_basic_fund_code_and_name_by_insutype(insutype, code, name):
    r = run(request([jia("5000.00")], insutype=insutype, hosp_lv=2))
    (basic,) = out(r)["setldetail"]
    assert basic == {"fund_pay_type": code, "fund_pay_type_name": name, "inscp_scp_amt": "4500.00",
                     "fund_payamt": "3375.00", "setl_proc_info": basic["setl_proc_info"]}


def test_every_fund_that_pays_has_its_own_detail_line():
    r = run(request([jia("100800.00")], hosp_lv=3, group="dibao"))
    detail = out(r)["setldetail"]
    assert [d["fund_pay_type"] for d in detail] == ["390100", "390200", "610100"]
    assert [d["fund_pay_type_name"] for d in detail] == [
        "城乡居民基本医疗保险基金", "城乡居民大病医疗保险资金", "医疗救助基金"]
    # each line's inscp_scp_amt is the base that fund worked on
    assert [d["inscp_scp_amt"] for d in detail] == ["100000.00", "31300.00", "14855.00"]


def test_result_records_the_pack_identity():
    r = run(request([jia("100.00")]))
    sha = hashlib.sha256((POLICIES / "demo.toml").read_bytes()).hexdigest()
    assert out(r)["policy"] == {"id": "demo", "version": pack("demo").version, "sha256": sha}


def test_result_shape_and_money_format():
    r = run(request([jia("1234.5")], hosp_lv=1))
    data = json.loads(r.to_json())
    assert list(data) == ["policy", "review", "setlinfo", "setldetail", "fees", "year_to_date_after", "explain",
                          "warnings", "violations"]
    assert data["review"] is None and data["violations"] == []  # no review library given
    assert tuple(data["setlinfo"]) == SETLINFO_KEYS
    assert set(data["year_to_date_after"]) == set(YTD_KEYS)
    money = re.compile(r"-?\d+\.\d\d")
    assert all(money.fullmatch(v) for v in data["setlinfo"].values())
    assert all(money.fullmatch(v) for k, v in data["year_to_date_after"].items() if k != "admissions")
    # (1,234.50 - 200) × 85% = 879.325 -> 879.33 (half up, once)
    expect(r, hifp_pay="879.33", psn_part_amt="355.17", psn_cash_pay="355.17", acct_pay="0.00", oth_pay="0.00")


def test_explain_has_a_chinese_sentence_per_step_with_its_amount():
    r = run(request([jia("5000.00")], hosp_lv=2))
    steps = {e["step"]: e for e in out(r)["explain"]}
    assert steps["act_pay_dedc"]["amount"] == "500.00" and "起付线" in steps["act_pay_dedc"]["text"]
    assert steps["hifp_pay"]["amount"] == "3375.00" and "75%" in steps["hifp_pay"]["text"]
    assert steps["psn_cash_pay"]["amount"] == "1625.00"
    assert "1,625.00" in steps["psn_cash_pay"]["text"]


def test_illustrative_figures_are_flagged_in_the_warnings():
    r = run(request([jia("100.00")]))
    assert any("示例值" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"insutype": "320"}, "person.insutype"),
        ({"med_type": "41"}, "encounter.med_type"),
        ({"day": "2023-12-20"}, "encounter.endtime"),
        ({"day": "2027-12-28"}, "encounter.endtime"),   # admitted inside, discharged after valid_to
    ],
)
def test_request_that_does_not_fit_the_pack(changes, field):
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], **changes))
    assert err.value.field == field
