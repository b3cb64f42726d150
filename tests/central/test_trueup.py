"""Year-end true-up of 大病保险 (`central true-up --year Y --db PATH --json`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from central_helpers import item, make_request, run_cli, running_server

from hospital_client import protocol as p


def _true_up(db: Path | str, *extra: str) -> dict[str, object]:
    code, out = run_cli("true-up", "--year", "2026", "--db", str(db), "--json", *extra)
    assert code == 0
    return dict(json.loads(out))


def test_shortfall_of_the_opening_figures_is_listed_and_can_be_applied(
        central_db: tuple[Path | str, dict[str, str]]) -> None:
    db, _ = central_db
    result = _true_up(db)
    rows = {row["psn_no"]: row for row in result["shortfalls"]}  # type: ignore[attr-defined]
    # DEMO990100000001: 特困, rural. 大病 deductible 12,000 halved for the poor = 6,000; 60% + 5 points.
    # Annual: (38,600 - 6,000) × 65% = 21,190.00; paid 17,240.00 -> shortfall 3,950.00.
    row = rows["DEMO990100000001"]
    assert (row["hifmi_deductible"], row["hifmi_annual"], row["hifmi_paid"], row["shortfall"]) == (
        "6000.00", "21190.00", "17240.00", "3950.00")
    assert row["pack_id"] == "demo"
    assert result["persons_checked"] == 71 and result["applied"] is False
    applied = _true_up(db, "--apply")
    assert applied["total_shortfall"] == result["total_shortfall"] and applied["applied"] is True
    after = _true_up(db)
    assert after["shortfalls"] == [] and after["total_shortfall"] == "0.00"


def test_true_up_reads_the_year_moved_by_adjudicated_settlements(
        tmp_path: Path, central_db: tuple[Path | str, dict[str, str]]) -> None:
    person = "DEMO990100000065"  # rural, no group; opening 大病 base 25,000.00, paid 6,000.00, 3 admissions
    with running_server(tmp_path, *central_db) as central:
        before = {r["psn_no"]: r for r in _true_up(central.db)["shortfalls"]}  # type: ignore[attr-defined]
        assert before[person]["hifmi_annual"] == "7800.00"  # (25,000 - 12,000) × 60%
        assert before[person]["shortfall"] == "1800.00"
        # A fourth admission: deductible 200, pool 75% of 2,800 = 2,100; 大病 base 700 + 200 = 900.
        # Cumulative 25,900: annual 8,340.00, of which 2,340.00 is still unpaid, but a bill pays at most
        # its own base: 900.00.
        out = central.client().call(p.SETTLEMENT, {"data": item("tu-1", make_request(person, "MDT-TU-1"))})
        assert out["final"]["setlinfo"]["hifmi_pay"] == "900.00"
        after = {r["psn_no"]: r for r in _true_up(central.db)["shortfalls"]}  # type: ignore[attr-defined]
        assert (after[person]["hifmi_base"], after[person]["hifmi_annual"], after[person]["hifmi_paid"],
                after[person]["shortfall"]) == ("25900.00", "8340.00", "6900.00", "1440.00")


@pytest.mark.parametrize("argv", [("true-up", "--year", "1800"), ("true-up", "--year", "abc"),
                                  ("true-up",)])
def test_bad_arguments_exit_2(central_db: tuple[Path | str, dict[str, str]], argv: tuple[str, ...],
                              capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = central_db
    code, _ = run_cli(*argv, "--db", str(db), "--json")
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
