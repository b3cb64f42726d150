"""惠州: the premium settlement of the insurer's contract (`central fund premium`): the 95% / 4% rule,
next year's 105% / 95% flag, to the fen, on hand figures and on the seeded year (fund_seed.py)
reconciled against `central report`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import run_cli
from central_stores import STORES
from fund_seed import SeededYear, seeded
from openpyxl import load_workbook

from hospital_client.central.fund_reports.common import Period, period_ended
from hospital_client.central.fund_reports.premium import contract_terms

# 惠州 2013's first insurance year: 保费总额 14,589.13 万元; 95% of it is 138,596,735.00 yuan.
PREMIUM = Decimal("145891300.00")


def test_at_95_percent_the_whole_premium_is_transferred() -> None:
    terms = contract_terms(Decimal("138596735.00"), PREMIUM)
    assert (terms["rule"], terms["transfer"], terms["working_fee"]) == ("full_premium", "145891300.00", "0.00")
    assert terms["actual_payment_rate_pct"] == "95.00%"
    assert terms["next_year_adjustment"] == {"flag": False, "direction": "none", "costs": "138596735.00",
                                             "costs_ratio_pct": "95.00%"}


def test_below_95_percent_the_payments_and_4_percent_working_fee_are_transferred() -> None:
    terms = contract_terms(Decimal("138596734.99"), PREMIUM)
    # 4% of 138,596,734.99 = 5,543,869.3996 -> 5,543,869.40
    assert (terms["rule"], terms["working_fee"], terms["transfer"]) == (
        "paid_plus_working_fee", "5543869.40", "144140604.39")
    assert terms["next_year_adjustment"]["direction"] == "lower" and terms["next_year_adjustment"]["flag"]
    assert terms["insurer_margin"] == "5543869.40"


def test_above_105_percent_next_years_premium_may_be_raised() -> None:
    at_105 = contract_terms(Decimal("153185865.00"), PREMIUM)  # exactly 105%: no adjustment
    assert at_105["next_year_adjustment"]["direction"] == "none" and at_105["rule"] == "full_premium"
    assert at_105["insurer_margin"] == "-7294565.00"
    assert at_105["next_year_adjustment"]["costs_ratio_pct"] == "105.00%"
    above = contract_terms(Decimal("153185864.00"), PREMIUM, Decimal("1.01"))  # other contract costs count
    # one fen above 105% (105.0000000069%) is shown above it, never as 105.00% beside "above 105%"
    assert above["next_year_adjustment"] == {"flag": True, "direction": "raise", "costs": "153185865.01",
                                             "costs_ratio_pct": "105.01%"}


@pytest.fixture(scope="module", params=STORES)
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededYear]:
    yield seeded(request, tmp_path_factory.mktemp("fund_premium"))


def premium(db: Path | str, *argv: str) -> dict[str, Any]:
    code, out = run_cli("fund", "premium", "--db", str(db), "--year", "2026", "--json", *argv)
    assert code == 0
    return dict(json.loads(out))


def test_each_insurers_payments_reconcile_with_the_central_report(year: SeededYear) -> None:
    code, out = run_cli("report", "--db", str(year.db), "--json")
    assert code == 0
    rep = json.loads(out)
    a = premium(year.db, "--premium", "50000", "--insurer", "INSA")
    b = premium(year.db, "--premium", "50000", "--insurer", "INSB")
    true_ups = Decimal(year.true_up["total_shortfall"])
    assert Decimal(a["paid"]["total"]) + Decimal(b["paid"]["total"]) == (
        Decimal(rep["totals_not_reversed"]["hifmi_pay"]) + true_ups)
    # INSA (990100 residents) holds the three true-ups and both reversals
    assert (a["paid"]["true_ups"], a["paid"]["true_up_count"], a["paid"]["reversal_count"]) == ("7070.20", 3, 2)
    paid_b = sum((Decimal(r["final"]["hifmi_pay"]) for r in rep["settlements"]
                  if r["psn_no"] in ("DEMO990100000015", "DEMO990100000040",
                                                              "DEMO990100000062", "DEMO990100000042")
                  and not r["reversed"]), Decimal("0.00"))
    assert Decimal(b["paid"]["total"]) == paid_b == Decimal("15584.80")
    assert (a["paid"]["settlements"], a["paid"]["reversals"], a["paid"]["total"]) == ("42112.25", "-7272.00",
                                                                                      "41910.45")


def test_the_rule_applied_to_the_seeded_year(year: SeededYear) -> None:
    # INSA paid 41,910.45: 95% of a premium of 44,116.26 is 41,910.447 -> the premium in full
    full = premium(year.db, "--premium", "44116.26", "--insurer", "INSA")
    assert (full["rule"], full["transfer"], full["actual_payment_rate_pct"]) == ("full_premium", "44116.26", "95.00%")
    short = premium(year.db, "--premium", "44116.27", "--insurer", "INSA")
    # 41,910.45 < 95% of 44,116.27 (41,910.4565): 41,910.45 + 4% (1,676.418 -> 1,676.42)
    assert (short["rule"], short["working_fee"], short["transfer"]) == ("paid_plus_working_fee", "1676.42",
                                                                        "43586.87")
    assert short["next_year_adjustment"]["direction"] == "lower"
    assert (short["actual_payment_rate"], short["actual_payment_rate_pct"]) == ("0.949999", "94.99%")
    high = premium(year.db, "--premium", "30000", "--insurer", "INSA", "--other-costs", "1200.50")
    assert high["next_year_adjustment"] == {"flag": True, "direction": "raise", "costs": "43110.95",
                                            "costs_ratio_pct": "143.70%"}


def test_several_insurers_need_one_named(year: SeededYear, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("fund", "premium", "--db", str(year.db), "--year", "2026", "--premium", "1000")
    err = capsys.readouterr().err
    assert code == 2 and "INSA, INSB" in err and err.count("\n") == 1


def test_without_insurers_the_whole_region_is_one_contract(central_db: tuple[Path | str, dict[str, str]],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = central_db[0]
    result = premium(db, "--premium", "1000")
    assert (result["insurer"], result["paid"]["total"], result["rule"], result["transfer"]) == (
        None, "0.00", "paid_plus_working_fee", "0.00")
    for bad in (("--premium", "0"), ("--premium", "12.345"), ("--premium", "100", "--other-costs", "-1")):
        code, _ = run_cli("fund", "premium", "--db", str(db), "--year", "2026", *bad)
        assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_statement_as_excel(year: SeededYear, tmp_path: Path) -> None:
    out = tmp_path / "premium.xlsx"
    result = premium(year.db, "--premium", "44116.27", "--insurer", "INSA", "--xlsx", str(out))
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    # settled before its insurance year has ended, the statement says its figures will still change
    ongoing = [r[0] for r in rows if r[0] and str(r[0]).startswith("本保险年度尚未结束")]
    assert (result["ended"], len(ongoing)) == (period_ended(Period("2026", "2026-01-01", "2026-12-31")),
                                               0 if result["ended"] else 1)
    [transfer] = [r for r in rows if r[0] == "应划拨承办机构"]
    assert Decimal(str(transfer[2])).quantize(Decimal("0.01")) == Decimal(result["transfer"]) == Decimal("43586.87")


def test_a_recorded_premium_is_used_and_the_latest_record_counts(year: SeededYear) -> None:
    db = str(year.db)
    code, out = run_cli("fund", "premium-set", "--db", db, "--year", "2026", "--amount", "44116.26", "--insurer",
                        "INSA", "--note", "合同 2026-01", "--json")
    assert code == 0
    first = json.loads(out)
    assert (first["insurer"], first["year"], first["premium"], first["other_costs"], first["note"]) == (
        "INSA", 2026, "44116.26", "0.00", "合同 2026-01")
    full = premium(db, "--insurer", "INSA")
    assert (full["premium"], full["rule"], full["transfer"]) == ("44116.26", "full_premium", "44116.26")
    assert full["premium_source"]["recorded"] is True and full["premium_source"]["note"] == "合同 2026-01"
    # recorded again (a corrected contract): the later record counts, with its other costs
    assert run_cli("fund", "premium-set", "--db", db, "--year", "2026", "--amount", "44116.27", "--insurer", "INSA",
                   "--other-costs", "1200.50")[0] == 0
    short = premium(db, "--insurer", "INSA")
    assert (short["premium"], short["rule"], short["working_fee"], short["transfer"], short["other_costs"]) == (
        "44116.27", "paid_plus_working_fee", "1676.42", "43586.87", "1200.50")
    # the command line still wins
    given = premium(db, "--insurer", "INSA", "--premium", "30000")
    assert (given["premium"], given["other_costs"], given["premium_source"]["recorded"]) == ("30000.00", "0.00", False)
    code, out = run_cli("fund", "premium-list", "--db", db, "--year", "2026", "--json")
    assert code == 0
    assert [(r["insurer"], r["premium"], r["other_costs"]) for r in json.loads(out)] == [
        ("INSA", "44116.26", "0.00"), ("INSA", "44116.27", "1200.50")]
    # INSB has none recorded
    code, _ = run_cli("fund", "premium", "--db", db, "--year", "2026", "--insurer", "INSB")
    assert code == 2


def test_the_regions_one_contract_without_insurers(central_db: tuple[Path | str, dict[str, str]],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = str(central_db[0])
    code, _ = run_cli("fund", "premium", "--db", db, "--year", "2026")
    err = capsys.readouterr().err
    assert code == 2 and "统筹地区的合同尚未登记 2026 年度的保费总额" in err and "premium-set" in err
    assert run_cli("fund", "premium-set", "--db", db, "--year", "2026", "--amount", "145891300.00")[0] == 0
    result = premium(db)
    assert (result["insurer"], result["premium"], result["paid"]["total"], result["next_year_adjustment"]["direction"]
            ) == (None, "145891300.00", "0.00", "lower")
    code, out = run_cli("fund", "premium-list", "--db", db)
    assert code == 0 and "2026  (region)" in out and "145891300.00" in out
    for bad in (("--amount", "0"), ("--amount", "1.234"), ("--amount", "100", "--other-costs", "-1"),
                ("--amount", "100", "--insurer", "NOPE")):
        code, _ = run_cli("fund", "premium-set", "--db", db, "--year", "2026", *bad)
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, (bad, err)
    code, out = run_cli("fund", "premium-list", "--db", db, "--json")
    assert len(json.loads(out)) == 1
