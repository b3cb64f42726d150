"""徐州: each hospital's monthly statement of the 大病保险 it advanced (`central fund monthly`), on a
seeded year of settlements made through the central service core (fund_seed.py), reconciled to the
fen against `central report`."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import SITE_A, SITE_B, local_settle, run_cli
from central_stores import STORES
from fund_seed import NO_SETTLEMENT_PERSON, SMALL_BILL_PERSON, SeededYear, open_year, request, seeded
from openpyxl import load_workbook

from hospital_client import protocol as p

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module", params=STORES)
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededYear]:
    yield seeded(request, tmp_path_factory.mktemp("fund_monthly"))


def monthly(db: Path | str, month: str, *extra: str) -> dict[str, Any]:
    code, out = run_cli("fund", "monthly", "--db", str(db), "--month", month, "--json", *extra)
    assert code == 0
    return dict(json.loads(out))


def report(db: Path | str) -> dict[str, Any]:
    code, out = run_cli("report", "--db", str(db), "--json")
    assert code == 0
    return dict(json.loads(out))


def test_every_month_reconciles_with_the_central_report(year: SeededYear) -> None:
    """Per site and month, the statements hold exactly the final 大病保险 of the settlements the
    central system adjudicated that month, less the reversals it processed that month."""
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    rep = report(year.db)
    for row in rep["settlements"]:
        expected[(row["site"], row["adjudicated_at"][:7])] += Decimal(row["final"]["hifmi_pay"])
        if row["reversed"]:
            expected[(row["site"], row["reversed"]["rev_time"][:7])] -= Decimal(row["final"]["hifmi_pay"])
    stated: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    year_settled = year_reversed = year_true_ups = Decimal("0.00")
    for month in MONTHS:
        result = monthly(year.db, month)
        for s in result["statements"]:
            settled, reversed_ = Decimal(s["settlements"]["hifmi_pay"]), Decimal(s["reversals"]["hifmi_pay"])
            stated[(s["site"], month)] += settled + reversed_
            assert Decimal(s["payable"]) == settled + reversed_ + Decimal(s["true_ups"]["hifmi_pay"])
            assert Decimal(s["payable"]) == sum(Decimal(line["hifmi_pay"]) for line in s["lines"])
        totals = result["totals"]
        year_settled += Decimal(totals["settlements"]["hifmi_pay"])
        year_reversed += Decimal(totals["reversals"]["hifmi_pay"])
        year_true_ups += Decimal(totals["true_ups"]["hifmi_pay"])
    assert {k: v for k, v in stated.items() if v} == {k: v for k, v in expected.items() if v}
    # the year: settlements less reversals = the report's total of settlements not reversed
    assert year_settled + year_reversed == Decimal(rep["totals_not_reversed"]["hifmi_pay"]) == Decimal("50425.05")
    assert year_true_ups == Decimal(year.true_up["total_shortfall"]) == Decimal("7070.20")


def test_a_late_settlement_counts_in_the_month_it_was_adjudicated(year: SeededYear) -> None:
    january = monthly(year.db, "2026-01")
    assert all(line["ref"] != year.late_setl_id for s in january["statements"] for line in s["lines"])
    february = monthly(year.db, "2026-02", "--site", SITE_A)
    [statement] = february["statements"]
    [line] = [line for line in statement["lines"] if line["ref"] == year.late_setl_id]
    assert (line["event_time"], line["booked_at"]) == ("2026-01-31 23:50:00", "2026-02-01 00:10:00")
    assert line["hifmi_pay"] == "2406.30"


def test_reversals_are_carried_into_their_own_month(year: SeededYear) -> None:
    june = monthly(year.db, "2026-06", "--site", SITE_B)
    [statement] = june["statements"]
    assert statement["reversals"] == {"count": 1, "hifmi_pay": "-3042.00"}
    [reversal] = [line for line in statement["lines"] if line["kind"] == "reversal"]
    assert reversal["reverses"] == {"setl_id": year.reversed_in_june, "booked_month": "2026-04"}
    # June at site B: the small bill of DEMO990100000065 (大病 900.00, test_trueup.py) and the reversal
    assert statement["settlements"] == {"count": 1, "hifmi_pay": "900.00"}
    assert statement["payable"] == "-2142.00"
    # April still states the settlement the June reversal undoes
    april = monthly(year.db, "2026-04", "--site", SITE_B)
    assert [line["ref"] for line in april["statements"][0]["lines"]] == [year.reversed_in_june]
    # a reversal in the settlement's own month nets to zero there
    july = {s["site"]: s for s in monthly(year.db, "2026-07")["statements"]}
    reversed_july = [s for s in july.values() if s["reversals"]["count"]]
    [s] = reversed_july
    assert Decimal(s["settlements"]["hifmi_pay"]) + Decimal(s["reversals"]["hifmi_pay"]) == 0


def test_final_figures_are_paid_and_provisional_ones_only_shown(year: SeededYear) -> None:
    rep = {row["setl_id"]: row for row in report(year.db)["settlements"]}
    differing = 0
    for month in MONTHS:
        for s in monthly(year.db, month)["statements"]:
            for line in s["lines"]:
                if line["kind"] != "settlement":
                    continue
                row = rep[line["ref"]]
                assert line["hifmi_pay"] == row["final"]["hifmi_pay"]
                assert line["provisional_hifmi_pay"] == row["provisional"]["hifmi_pay"]
                assert line["status"] == row["status"]
                if line["difference"] != "0.00":
                    differing += 1
                    assert line["status"] == "adjusted"
    assert differing >= 3  # the desk's figures were computed on stale year-to-date figures


def test_year_end_true_ups_are_paid_through_the_december_statements(year: SeededYear) -> None:
    result = monthly(year.db, "2026-12")
    december = {(s["site"], s["insurer"]): s for s in result["statements"]}
    # the true-up's shortfalls: the two opening ones (fund_seed.py) and DEMO990100000001's, whose
    # April settlement was reversed in June after later bills had been paid on its figures
    shortfalls = {row["psn_no"]: row["shortfall"] for row in year.true_up["shortfalls"]}
    assert shortfalls == {SMALL_BILL_PERSON: "1440.00", NO_SETTLEMENT_PERSON: "3085.00",
                          "DEMO990100000001": "2545.20"}
    stated = {line["psn_no"]: (s["site"], line["hifmi_pay"]) for s in result["statements"] for line in s["lines"]
              if line["kind"] == "true_up"}
    # each on the statement of the hospital of the person's latest settlement in force
    rep = report(year.db)["settlements"]
    last_site = {psn: [r["site"] for r in rep if r["psn_no"] == psn and not r["reversed"]][-1]
                 for psn in (SMALL_BILL_PERSON, "DEMO990100000001")}
    assert stated == {SMALL_BILL_PERSON: (last_site[SMALL_BILL_PERSON], "1440.00"),
                      "DEMO990100000001": (last_site["DEMO990100000001"], "2545.20"),
                      NO_SETTLEMENT_PERSON: ("", "3085.00")}
    assert last_site[SMALL_BILL_PERSON] == SITE_B
    small = december[(SITE_B, "INSA")]
    [line] = [line for line in small["lines"] if line["psn_no"] == SMALL_BILL_PERSON]
    assert (line["kind"], line["booked_at"]) == ("true_up", "2026-12-31 20:00:00")
    direct = december[("", "INSA")]
    assert direct["true_ups"] == {"count": 1, "hifmi_pay": "3085.00"} and direct["payable"] == "3085.00"
    assert direct["lines"][0]["psn_no"] == NO_SETTLEMENT_PERSON


def test_per_insurer_statements_add_up_to_the_whole(year: SeededYear) -> None:
    for month in ("2026-09", "2026-12"):
        whole = monthly(year.db, month)
        parts = [monthly(year.db, month, "--insurer", code) for code in ("INSA", "INSB")]
        assert sum(Decimal(p["totals"]["payable"]) for p in parts) == Decimal(whole["totals"]["payable"])
        assert all(s["insurer"] == code for p, code in zip(parts, ("INSA", "INSB"), strict=True)
                   for s in p["statements"])
    september_b = monthly(year.db, "2026-09", "--insurer", "INSB")
    # DEMO990100000042 (990200, employee) and DEMO990100000062 (990200, resident): INSB's region
    assert {line["psn_no"] for s in september_b["statements"] for line in s["lines"]} == {
        "DEMO990100000042", "DEMO990100000062"}
    assert september_b["totals"]["payable"] == "3677.40"


def test_excel_statement_holds_the_same_figures(year: SeededYear, tmp_path: Path) -> None:
    out = tmp_path / "2026-12.xlsx"
    result = monthly(year.db, "2026-12", "--xlsx", str(out))
    assert result["written"] == [str(out)] and out.stat().st_mode & 0o077 == 0
    book = load_workbook(out)
    assert len(book.sheetnames) == len(result["statements"])
    for sheet, statement in zip(book.worksheets, result["statements"], strict=True):
        cells = [row for row in sheet.iter_rows(values_only=True)]
        assert cells[0][0] == "大病保险先行垫付费用月度结算单"
        [due] = [row for row in cells if row[0] == "本月应付合计"]
        assert Decimal(str(due[2])).quantize(Decimal("0.01")) == Decimal(statement["payable"])


def test_a_month_that_has_ended_is_never_rewritten(central_db: tuple[Path | str, dict[str, str]]) -> None:
    year = open_year(*central_db)
    psn = "DEMO990100000001"
    out = year.settle(SITE_A, "1", request(psn, "MDT-1", SITE_A, dt.date(2026, 4, 10), 2, 1600),
                      "2026-04-10 10:00:00", "2026-04-10 10:00:05")
    paid = out["final"]["setlinfo"]["hifmi_pay"]
    assert paid == "6012.00"  # its first bill pays 大病保险 on its opening base (see fund_seed.py)
    before = monthly(year.db, "2026-04")
    year.reverse(SITE_A, "2", out["setl_id"], "2026-06-02 08:30:00")
    year.store.close()
    assert monthly(year.db, "2026-04") == before
    june = monthly(year.db, "2026-06")
    assert june["totals"]["reversals"] == {"count": 1, "hifmi_pay": f"-{paid}"}
    assert june["statements"][0]["lines"][0]["reverses"] == {"setl_id": out["setl_id"], "booked_month": "2026-04"}


@pytest.mark.parametrize("argv, words", [
    (("--month", "2026-13"), "--month 2026-13"),
    (("--month", "2026-03", "--site", "H99019999999"), "--site H99019999999"),
    (("--month", "2026-03", "--insurer", "NOPE"), "--insurer NOPE"),
])
def test_bad_input_exits_2_in_one_line(year: SeededYear, argv: tuple[str, ...], words: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("fund", "monthly", "--db", str(year.db), *argv)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and words in err and "Traceback" not in err


def test_pdf_needs_the_qt_printer_of_the_full_program(year: SeededYear, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("fund", "monthly", "--db", str(year.db), "--month", "2026-12", "--pdf", str(tmp_path / "x.pdf"))
    err = capsys.readouterr().err
    assert code == 2 and "hospital-central" in err and not (tmp_path / "x.pdf").exists()


def test_sites_without_entries_get_an_empty_statement_when_asked(year: SeededYear) -> None:
    result = monthly(year.db, "2026-03", "--site", SITE_A)
    [s] = result["statements"]
    assert (s["payable"], s["lines"]) == ("0.00", [])


def test_a_statement_says_whether_its_month_has_ended(year: SeededYear) -> None:
    assert monthly(year.db, "2026-01")["ended"] is True
    future = monthly(year.db, "2099-12")
    assert (future["ended"], future["statements"], future["totals"]["payable"]) == (False, [], "0.00")


def test_a_settlement_the_centre_cut_to_no_hifmi_is_listed_for_the_hospital(
        central_db: tuple[Path | str, dict[str, str]]) -> None:
    """The desk advanced 大病保险 on figures the central system did not accept (its year-to-date
    said the deductible had been reached; the central accumulators say not): the final 大病保险 is
    zero, and the hospital's statement still lists the line, provisional beside final, so the
    amount it advanced is accounted for."""
    year = open_year(*central_db)
    req = request("DEMO990100000040", "MDT-1", SITE_A, dt.date(2026, 3, 10), 2, 300)  # no 大病 on its own
    stale = {**req, "year_to_date": {**req["year_to_date"], "hifmi_base": "200000.00"}}
    provisional = local_settle(stale)
    assert provisional["setlinfo"]["hifmi_pay"] != "0.00"
    out = dict(year.call(SITE_A, p.SETTLEMENT, {"data": {
        "kind": "settlement", "local_id": "1", "setl_time": "2026-03-10 10:00:00", "request": req,
        "provisional": provisional}}, "2026-03-10 10:00:05"))
    year.store.close()
    assert out["final"]["setlinfo"]["hifmi_pay"] == "0.00"
    [statement] = monthly(year.db, "2026-03")["statements"]
    [line] = statement["lines"]
    assert (line["ref"], line["provisional_hifmi_pay"], line["hifmi_pay"], line["status"]) == (
        out["setl_id"], provisional["setlinfo"]["hifmi_pay"], "0.00", "adjusted")
    assert statement["adjusted"] == {"count": 1, "difference": f"-{provisional['setlinfo']['hifmi_pay']}"}
    assert statement["payable"] == "0.00"
