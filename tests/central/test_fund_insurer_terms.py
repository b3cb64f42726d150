"""Insurers' terms (独立核算 with contracts that change hands): the seeded year (fund_seed.py) with
the contract of 990100:390 passing from INSA to INSC on 1 July 2026, and a settlement made at
the desk on 30 June 23:50 but adjudicated on 1 July 00:10. Every statement gives each settlement
to the insurer covering it on its settlement day, a reversal to its settlement's insurer and the
year-end true-ups to the insurer of 31 December; checked to the fen against `central report`."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import SITE_A, roster, run_cli
from central_stores import STORES
from fund_seed import Clock, SeededYear, seeded
from fund_seed import request as settlement_request

from hospital_client.central.open_store import open_store
from hospital_client.central.service import CentralService

BOUNDARY_PERSON = "DEMO990100000006"  # 990100:390, no true-up
TERMS: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    ("990100", "390"): [("INSA", "0001-01-01", "2026-06-30"), ("INSC", "2026-07-01", "9999-12-31")],
    ("990100", "310"): [("INSB", "0001-01-01", "9999-12-31")],
    ("990200", "310"): [("INSB", "0001-01-01", "9999-12-31")],
    ("990200", "390"): [("INSB", "0001-01-01", "9999-12-31")],
}


def insurer_on(psn_no: str, day: str) -> str:
    person = roster()[psn_no]
    for code, first, last in TERMS.get((person["insuplc_admdvs"], person["insutype"]), []):
        if first <= day[:10] <= last:
            return code
    return ""


def cli(*argv: str) -> Any:
    code, out = run_cli(*argv)
    assert code == 0
    return json.loads(out)


@dataclass
class Terms:
    db: Path | str
    seeded: SeededYear
    boundary: dict[str, Any]  # the 2304 output of the settlement of 30 June adjudicated on 1 July

    @property
    def boundary_hifmi(self) -> Decimal:
        return Decimal(self.boundary["final"]["setlinfo"]["hifmi_pay"])


@pytest.fixture(scope="module", params=STORES)
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Terms]:
    seeded_year = seeded(request, tmp_path_factory.mktemp("fund_terms"))
    store = open_store(seeded_year.db)
    clock = Clock()
    late = SeededYear(db=seeded_year.db, store=store, service=CentralService(store, clock=clock), clock=clock,
                      secrets=seeded_year.secrets)
    req = settlement_request(BOUNDARY_PERSON, "MDT-900", SITE_A, dt.date(2026, 6, 30), 2, 900)
    boundary = late.settle(SITE_A, "900", req, "2026-06-30 23:50:00", "2026-07-01 00:10:00")
    store.close()
    db = str(seeded_year.db)
    assert run_cli("fund", "insurer", "add", "--db", db, "--code", "INSA", "--name", "甲保险公司",
                   "--cover", "990100:390::2026-06-30")[0] == 0
    assert run_cli("fund", "insurer", "add", "--db", db, "--code", "INSC", "--name", "丙保险公司",
                   "--cover", "990100:390:2026-07-01")[0] == 0
    yield Terms(db=seeded_year.db, seeded=seeded_year, boundary=boundary)


def expected_by_insurer(db: Path | str) -> tuple[dict[str, Any], dict[str, Decimal]]:
    """The central report, and each insurer's 大病保险 of the settlements not reversed, computed
    from it on the terms above."""
    rep = cli("report", "--db", str(db), "--json")
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for row in rep["settlements"]:
        if not row["reversed"]:
            paid[insurer_on(row["psn_no"], row["setl_time"])] += Decimal(row["final"]["hifmi_pay"])
    return rep, paid


def test_insurers_list_their_terms(year: Terms) -> None:
    insurers = {i["code"]: i for i in cli("fund", "insurer", "list", "--db", str(year.db), "--json")}
    assert [(c["admdvs"], c["insutype"], c["valid_from"], c["valid_to"]) for c in insurers["INSA"]["covers"]] == [
        ("990100", "390", None, "2026-06-30")]
    assert [(c["valid_from"], c["valid_to"], c["text"]) for c in insurers["INSC"]["covers"]] == [
        ("2026-07-01", None, "990100:390:2026-07-01:")]
    assert insurers["INSB"]["covers"][0]["valid_from"] is None
    code, out = run_cli("fund", "insurer", "list", "--db", str(year.db))
    assert code == 0 and "INSA  甲保险公司  990100:390::2026-06-30" in out


def test_monthly_statements_follow_the_contract_of_the_settlement_day(year: Terms) -> None:
    rep, _ = expected_by_insurer(year.db)
    setl_time = {row["setl_id"]: row["setl_time"] for row in rep["settlements"]}
    per_insurer: dict[str, Decimal] = defaultdict(Decimal)
    true_ups: dict[str, Decimal] = defaultdict(Decimal)
    for month in range(1, 13):
        result = cli("fund", "monthly", "--db", str(year.db), "--month", f"2026-{month:02d}", "--json")
        for s in result["statements"]:
            for line in s["lines"]:
                if line["kind"] == "settlement":
                    assert s["insurer"] == insurer_on(line["psn_no"], line["event_time"]), line
                    per_insurer[s["insurer"]] += Decimal(line["hifmi_pay"])
                elif line["kind"] == "reversal":
                    day = setl_time[line["reverses"]["setl_id"]]
                    assert s["insurer"] == insurer_on(line["psn_no"], day), line
                    per_insurer[s["insurer"]] += Decimal(line["hifmi_pay"])
                else:
                    assert s["insurer"] == insurer_on(line["psn_no"], "2026-12-31")
                    true_ups[s["insurer"]] += Decimal(line["hifmi_pay"])
    _, expected = expected_by_insurer(year.db)
    assert {k: v for k, v in per_insurer.items() if v} == {k: v for k, v in expected.items() if v}
    # the year-end true-ups (990100:390 persons) belong to the contract of 31 December
    assert dict(true_ups) == {"INSC": Decimal("7070.20")}
    # the boundary settlement: July's statement (adjudicated then), INSA's (settled on 30 June)
    july = cli("fund", "monthly", "--db", str(year.db), "--month", "2026-07", "--site", SITE_A, "--json")
    [line] = [ln for s in july["statements"] for ln in s["lines"] if ln["ref"] == year.boundary["setl_id"]]
    [statement] = [s for s in july["statements"] if line in s["lines"]]
    assert statement["insurer"] == "INSA" and line["booked_at"] == "2026-07-01 00:10:00"
    assert Decimal(line["hifmi_pay"]) == year.boundary_hifmi > 0


def test_each_contracts_premium_settlement_to_the_fen(year: Terms) -> None:
    rep, expected = expected_by_insurer(year.db)
    results = {code: cli("fund", "premium", "--db", str(year.db), "--year", "2026", "--premium", "20000",
                         "--insurer", code, "--json") for code in ("INSA", "INSB", "INSC")}
    true_ups = {code: Decimal(r["paid"]["true_ups"]) for code, r in results.items()}
    assert true_ups == {"INSA": Decimal("0.00"), "INSB": Decimal("0.00"), "INSC": Decimal("7070.20")}
    for code, result in results.items():
        assert Decimal(result["paid"]["total"]) == expected[code] + true_ups[code], code
    # the whole year of 990100:390 (41,910.45 with the seeded year alone, test_fund_premium.py) is split
    assert (Decimal(results["INSA"]["paid"]["total"]) + Decimal(results["INSC"]["paid"]["total"])
            == Decimal("41910.45") + year.boundary_hifmi)
    assert sum(Decimal(r["paid"]["total"]) for r in results.values()) == (
        Decimal(rep["totals_not_reversed"]["hifmi_pay"]) + Decimal(year.seeded.true_up["total_shortfall"]))


def test_the_premium_needs_the_insurer_when_the_contract_changed_hands(year: Terms,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("fund", "premium", "--db", str(year.db), "--year", "2026", "--premium", "1000")
    err = capsys.readouterr().err
    assert code == 2 and "有 3 个承办机构" in err and "INSA, INSB, INSC" in err
    # in 2027 INSA no longer covers anything: two contracts remain
    code, _ = run_cli("fund", "premium", "--db", str(year.db), "--year", "2027", "--premium", "1000")
    assert code == 2 and "INSB, INSC" in capsys.readouterr().err


def test_quarters_give_each_insurer_its_own_days(year: Terms) -> None:
    q3 = cli("fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q3", "--json")
    rows = {r["insurer"]: r for r in q3["by_insurer"]}
    # in the third quarter INSA has only the settlement of 30 June adjudicated on 1 July
    assert (rows["INSA"]["settlements"], rows["INSA"]["persons"], Decimal(rows["INSA"]["hifmi_pay"])) == (
        1, 1, year.boundary_hifmi)
    own = cli("fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q3", "--insurer", "INSA", "--json")
    assert own["totals"] == {k: v for k, v in rows["INSA"].items() if k not in ("insurer", "name")}
    q2 = cli("fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q2", "--json")
    assert "INSC" not in {r["insurer"] for r in q2["by_insurer"]}
    for quarter in ("2026Q1", "2026Q2", "2026Q3", "2026Q4"):
        whole = cli("fund", "quarterly", "--db", str(year.db), "--quarter", quarter, "--json")
        for key in ("hifmi_pay", "fund_total", "medfee_sumamt"):
            assert sum(Decimal(r[key]) for r in whole["by_insurer"]) == Decimal(whole["totals"][key])
        assert sum(r["persons"] for r in whole["by_insurer"]) >= whole["totals"]["persons"]


def test_income_follows_the_term_of_its_day(year: Terms) -> None:
    db = str(year.db)
    for day, amount in (("2026-06-30", "100.00"), ("2026-07-01", "200.00")):
        assert run_cli("fund", "income", "add", "--db", db, "--date", day, "--fund", "hifmi", "--kind", "premium",
                       "--amount", amount, "--admdvs", "990100", "--insutype", "390")[0] == 0
    q2 = cli("fund", "quarterly", "--db", db, "--quarter", "2026Q2", "--insurer", "INSA", "--json")
    q3a = cli("fund", "quarterly", "--db", db, "--quarter", "2026Q3", "--insurer", "INSA", "--json")
    q3c = cli("fund", "quarterly", "--db", db, "--quarter", "2026Q3", "--insurer", "INSC", "--json")
    assert (q2["income"]["by_fund"]["hifmi"], q3a["income"]["by_fund"]["hifmi"],
            q3c["income"]["by_fund"]["hifmi"]) == ("100.00", "0.00", "200.00")


@pytest.mark.parametrize("covers, words", [
    (["990100:390:2026-06-01:2026-12-31"], "已由承办机构 INSA 承办（990100:390::2026-06-30）"),
    (["990200:390:2026-01-01"], "已由承办机构 INSB 承办"),
    (["990300:390:2026-01-01:2026-06-30", "990300:390:2026-06-30:"], "承办期限重叠"),
    (["990300:390:2026-02-30"], "起止日期应写作 YYYY-MM-DD"),
    (["990300:390:2026-07-01:2026-06-30"], "截止日期早于起始日期"),
    (["990300:390:2026-07-01:2026-12-31:x"], "REGION:INSUTYPE[:FROM[:TO]]"),
])
def test_terms_that_overlap_or_are_not_days_are_refused(year: Terms, covers: list[str], words: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fund", "insurer", "add", "--db", str(year.db), "--code", "INSD", "--name", "丁"]
    for cover in covers:
        argv += ["--cover", cover]
    code, _ = run_cli(*argv)
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1, err
    assert "INSD" not in {i["code"] for i in cli("fund", "insurer", "list", "--db", str(year.db), "--json")}


def test_a_cover_that_ends_the_day_before_another_begins_is_accepted(central_db: tuple[Path | str, dict[str, str]],
                                                                      ) -> None:
    db = str(central_db[0])
    assert run_cli("fund", "insurer", "add", "--db", db, "--code", "OLD", "--name", "旧", "--cover",
                   "990100:390:2025-01-01:2025-12-31")[0] == 0
    assert run_cli("fund", "insurer", "add", "--db", db, "--code", "NEW", "--name", "新", "--cover",
                   "990100:390:2026-01-01")[0] == 0
    assert run_cli("fund", "insurer", "add", "--db", db, "--code", "LATE", "--name", "迟", "--cover",
                   "990100:390:2025-12-31:2025-12-31")[0] == 2
