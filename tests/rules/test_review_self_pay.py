"""A 拦截 (block) in the figures: the lines it names become self-paid unless a supervisor overrides
the rule with a reason; a 提示 (warn) never moves a figure. Hand-built bills on the test catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from review_helpers import library
from rules_helpers import CATALOG, fee, pack, request

from hospital_client.rules import settle
from hospital_client.rules.review import PriorStay, ReviewOverride

D = Decimal

RULES = library('''
[[rule]]
id = "IND-B1"
kind = "indication"
severity = "block"
codes = ["B1"]
icd10_prefixes = ["K72"]
text = "{name}限肝衰竭"

[[rule]]
id = "QTY-A2"
kind = "quantity"
severity = "block"
codes = ["A2"]
max_per_stay = 1
text = "{name}每次住院限1次，超出{excess}次"

[[rule]]
id = "LVL-A1"
kind = "hosp_level"
severity = "warn"
codes = ["A1"]
levels = [3]
text = "{name}限三级"
''')


def sums_hold(data: dict[str, Any]) -> None:
    s = {k: D(v) for k, v in data["setlinfo"].items()}
    parts = s["fulamt_ownpay_amt"] + s["overlmt_selfpay"] + s["preselfpay_amt"] + s["inscp_scp_amt"]
    assert s["medfee_sumamt"] == parts
    assert s["medfee_sumamt"] == s["fund_pay_sumamt"] + s["psn_cash_pay"] + s["acct_pay"]
    assert s["fund_pay_sumamt"] == sum((D(d["fund_payamt"]) for d in data["setldetail"]), D(0))
    for f in data["fees"]:
        assert f["fulamt_ownpay_amt"] and D(f["fulamt_ownpay_amt"]) >= 0


def test_a_blocked_line_becomes_self_paid_and_an_override_restores_the_figures() -> None:
    # B1: 乙类 with 20% first self-paid; 200.00 = 40.00 先行自付 + 160.00 in policy range.
    req = request([fee("1", "A1", "1000"), fee("2", "B1", "200")])
    plain = settle(req, pack("demo"), CATALOG).to_dict()
    blocked = settle(req, pack("demo"), CATALOG, review=RULES).to_dict()
    assert [v["rule_id"] for v in blocked["violations"]] == ["IND-B1", "LVL-A1"]
    line = blocked["fees"][1]
    assert (line["fulamt_ownpay_amt"], line["preselfpay_amt"], line["inscp_scp_amt"]) == ("200.00", "0.00", "0.00")
    assert blocked["fees"][0] == plain["fees"][0]  # the warned line is untouched
    s, p = blocked["setlinfo"], plain["setlinfo"]
    assert D(s["fulamt_ownpay_amt"]) == D(p["fulamt_ownpay_amt"]) + D("200.00")
    assert D(s["inscp_scp_amt"]) == D(p["inscp_scp_amt"]) - D("160.00")
    assert D(s["preselfpay_amt"]) == D(p["preselfpay_amt"]) - D("40.00")
    assert D(s["fund_pay_sumamt"]) < D(p["fund_pay_sumamt"])
    assert any(step["step"] == "review_self_paid" and step["amount"] == "200.00" for step in blocked["explain"])
    sums_hold(blocked)

    override = ReviewOverride("IND-B1", "zhuguan", "会诊确认肝功能衰竭，诊断待补录")
    let_through = settle(req, pack("demo"), CATALOG, review=RULES, overrides=[override]).to_dict()
    assert let_through["setlinfo"] == p and let_through["fees"] == plain["fees"]
    [ind, lvl] = let_through["violations"]
    assert ind["override"] == {"operator": "zhuguan", "reason": "会诊确认肝功能衰竭，诊断待补录"}
    assert "override" not in lvl  # a warning needs no override


def test_a_quantity_block_makes_only_the_excess_self_paid() -> None:
    # A2 billed 3 times over two lines (2 + 1) with a limit of 1 per stay: 2 of 3 refused.
    req = request([fee("1", "A2", "30", "2"), fee("2", "A2", "30", "1"), fee("3", "A1", "500")])
    data = settle(req, pack("demo"), CATALOG, review=RULES).to_dict()
    [v, _warn] = data["violations"]
    assert (v["rule_id"], v["amount"], v["feedetl_sn"]) == ("QTY-A2", "60.00", ["1", "2"])
    assert [f["fulamt_ownpay_amt"] for f in data["fees"]] == ["40.00", "20.00", "0.00"]
    assert [f["inscp_scp_amt"] for f in data["fees"]] == ["20.00", "10.00", "500.00"]
    assert data["setlinfo"]["fulamt_ownpay_amt"] == "60.00"
    sums_hold(data)


def test_a_bill_with_only_warnings_settles_as_without_the_library() -> None:
    req = request([fee("1", "A1", "1000"), fee("2", "B1", "200")])
    req["encounter"]["diagnoses"] = ["K72.900"]
    plain = settle(req, pack("demo"), CATALOG).to_dict()
    data = settle(req, pack("demo"), CATALOG, review=RULES).to_dict()
    assert [v["severity"] for v in data["violations"]] == ["warn"]
    assert {k: v for k, v in data.items() if k not in ("review", "violations")} == \
        {k: v for k, v in plain.items() if k not in ("review", "violations")}


def test_a_blocked_readmission_refuses_the_whole_bill() -> None:
    rules = library('''
[[rule]]
id = "READM"
kind = "readmission"
severity = "block"
text = "出院{days}天内再次入院"
''')
    req = request([fee("1", "A1", "800"), fee("2", "B1", "100")])
    prior = PriorStay("MDT-OLD", "H99010000001", dt.date(2026, 2, 10), dt.date(2026, 2, 25), ("J18.000",))
    data = settle(req, pack("demo"), CATALOG, review=rules, stays=[prior]).to_dict()
    assert data["violations"][0]["amount"] == "900.00"
    s = data["setlinfo"]
    assert (s["fulamt_ownpay_amt"], s["fund_pay_sumamt"], s["psn_cash_pay"]) == ("900.00", "0.00", "900.00")
    sums_hold(data)
