"""安徽: the quarterly publication of fund income and expenditure (`central fund quarterly`), and the
income it publishes (`central fund income add|import|list`), on the seeded year (fund_seed.py),
reconciled to the fen against `central report`."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import run_cli
from central_stores import STORES
from fund_seed import SeededYear, seeded
from openpyxl import Workbook, load_workbook

from hospital_client.cli.central_console import main as console_main

QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
INCOME_CSV = """date,fund,kind,amount,admdvs,insutype,note
2026-01-15,pool,contribution,300000.00,990100,390,居民个人缴费
2026-01-15,pool,subsidy,450000.50,990100,390,财政补助
2026-02-01,hifmi,premium,60000.00,990100,390,大病保费划拨
2026-02-01,hifmi,premium,15000.00,990100,310,大病保费划拨
2026-03-31,maf,transfer,20000.00,990100,390,民政划拨
2026-04-02,pool,contribution,120000.00,990200,310,
2026-04-30,pool,subsidy,-0.50,990100,390,更正
"""


@pytest.fixture(scope="module", params=STORES)
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededYear]:
    tmp = tmp_path_factory.mktemp("fund_quarterly")
    year = seeded(request, tmp)
    source = tmp / "income.csv"
    source.write_text(INCOME_CSV, encoding="utf-8")
    code, out = run_cli("fund", "income", "import", str(source), "--db", str(year.db), "--json")
    assert code == 0
    assert json.loads(out) == {"file": str(source), "rows": 7,
                               "by_fund": {"hifmi": "75000.00", "maf": "20000.00", "pool": "870000.00"}}
    code, _ = run_cli("fund", "income", "add", "--db", str(year.db), "--date", "2026-07-01", "--fund", "hifmi",
                      "--kind", "premium", "--amount", "40000", "--admdvs", "990200", "--insutype", "390")
    assert code == 0
    yield year


def quarterly(db: Path | str, quarter: str, *extra: str) -> dict[str, Any]:
    code, out = run_cli("fund", "quarterly", "--db", str(db), "--quarter", quarter, "--json", *extra)
    assert code == 0
    return dict(json.loads(out))


def test_income_is_published_by_fund_and_kind_with_the_balance(year: SeededYear) -> None:
    q1 = quarterly(year.db, "2026Q1")
    assert q1["income"]["by_fund"] == {"pool": "750000.50", "hifmi": "75000.00", "maf": "20000.00"}
    assert q1["income"]["total"] == "845000.50"
    assert {(r["fund"], r["kind"]): r["amount"] for r in q1["income"]["rows"]} == {
        ("pool", "contribution"): "300000.00", ("pool", "subsidy"): "450000.50", ("hifmi", "premium"): "75000.00",
        ("maf", "transfer"): "20000.00"}
    for fund, b in q1["balance"].items():
        assert Decimal(b["balance"]) == Decimal(b["income"]) - Decimal(b["expenditure"])
        assert b["expenditure"] == q1["expenditure"]["by_fund"][fund]
    q2 = quarterly(year.db, "2026Q2")
    assert q2["income"]["by_fund"]["pool"] == "119999.50"  # 120,000.00 and a correction of -0.50


def test_the_year_of_quarters_reconciles_with_the_central_report(year: SeededYear) -> None:
    code, out = run_cli("report", "--db", str(year.db), "--json")
    assert code == 0
    rep = json.loads(out)
    live = [r for r in rep["settlements"] if not r["reversed"]]
    sums = {k: Decimal("0.00") for k in ("hifp_pay", "hifmi_pay", "maf_pay", "oth_pay", "fund_total", "medfee_sumamt")}
    settlements = reversals = true_ups = 0
    for quarter in QUARTERS:
        result = quarterly(year.db, quarter)
        totals = result["totals"]
        for key in sums:
            sums[key] += Decimal(totals[key])
        settlements += totals["settlements"]
        reversals += totals["reversals"]
        true_ups += totals["true_ups"]
        # the breakdowns add up to the totals
        for breakdown in ("by_insutype", "by_level", "by_insurer"):
            for key in ("hifp_pay", "hifmi_pay", "maf_pay", "fund_total", "medfee_sumamt"):
                assert sum(Decimal(r[key]) for r in result[breakdown]) == Decimal(totals[key]), (quarter, breakdown)
            assert sum(r["settlements"] for r in result[breakdown]) == totals["settlements"]
        assert Decimal(result["expenditure"]["total"]) == Decimal(totals["fund_total"])
    report_totals = rep["totals_not_reversed"]
    assert sums["hifp_pay"] == Decimal(report_totals["hifp_pay"]) == Decimal("474402.00")
    assert sums["maf_pay"] == Decimal(report_totals["maf_pay"])
    assert sums["medfee_sumamt"] == Decimal(report_totals["medfee_sumamt"])
    # 大病保险: the settlements not reversed, and the year-end true-ups (paid in December)
    assert sums["hifmi_pay"] == Decimal(report_totals["hifmi_pay"]) + Decimal(year.true_up["total_shortfall"])
    assert sums["oth_pay"] == sum((Decimal(r["final"]["oth_pay"]) for r in live), Decimal("0.00"))
    assert (settlements, reversals, true_ups) == (rep["count"], rep["reversed"], 3)


def test_persons_settlements_and_hospital_levels(year: SeededYear) -> None:
    q2 = quarterly(year.db, "2026Q2")
    # April-June: three settlements a month (nine persons, DEMO990100000001 once) plus the small June bill;
    # the June reversal of an April settlement counts on that settlement's type and level
    assert (q2["totals"]["settlements"], q2["totals"]["reversals"], q2["totals"]["persons"]) == (10, 1, 10)
    levels = {r["hosp_lv"]: r for r in q2["by_level"]}
    assert set(levels) <= {"1", "2", "3"}
    assert sum(r["settlements"] for r in levels.values()) == 10
    types = {r["insutype"]: r for r in q2["by_insutype"]}
    assert set(types) == {"310", "390"} and types["390"]["name"] == "390 城乡居民基本医疗保险"
    q4 = quarterly(year.db, "2026Q4")
    [true_up_row] = [r for r in q4["by_level"] if r["hosp_lv"] == "true_up"]
    assert (true_up_row["true_ups"], true_up_row["hifmi_pay"]) == (3, year.true_up["total_shortfall"])


def test_an_insurers_separate_account(year: SeededYear) -> None:
    for quarter in QUARTERS:
        whole = quarterly(year.db, quarter)
        rows = {r["insurer"]: r for r in whole["by_insurer"]}
        for code in ("INSA", "INSB"):
            own = quarterly(year.db, quarter, "--insurer", code)
            assert own["by_insurer"] == []
            expected = {k: v for k, v in rows[code].items() if k not in ("insurer", "name")} if code in rows else None
            if expected is not None:
                assert own["totals"] == expected
        q3_b = quarterly(year.db, "2026Q3", "--insurer", "INSB")
        assert q3_b["income"]["by_fund"]["hifmi"] == "40000.00"  # 990200:390 belongs to INSB
    q1_a = quarterly(year.db, "2026Q1", "--insurer", "INSA")
    assert q1_a["income"]["by_fund"] == {"pool": "750000.50", "hifmi": "60000.00", "maf": "20000.00"}


def test_publishable_table_as_excel(year: SeededYear, tmp_path: Path) -> None:
    out = tmp_path / "q4.xlsx"
    result = quarterly(year.db, "2026Q4", "--xlsx", str(out))
    assert result["written"] == [str(out)]
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "医保基金收支情况公布表（2026年第4季度）"
    totals = [r for r in rows if r[0] == "合计" and len(r) > 9 and r[9] is not None]
    assert Decimal(str(totals[0][9])).quantize(Decimal("0.01")) == Decimal(result["totals"]["fund_total"])


def test_the_balance_table_has_a_total_and_the_year_to_date(year: SeededYear) -> None:
    """二、基金收支与结余 carries a 合计 row and 本年累计 beside the quarter: each quarter's year to
    date is the sum of the quarters so far, and the year's, at Q4, is `central report`'s."""
    code, out = run_cli("report", "--db", str(year.db), "--json")
    assert code == 0
    rep = json.loads(out)
    code, out = run_cli("fund", "income", "list", "--db", str(year.db), "--from", "2026-01-01", "--to",
                        "2026-12-31", "--json")
    assert code == 0
    income_rows = json.loads(out)
    keys = ("income", "expenditure", "balance")
    running: dict[str, dict[str, Decimal]] = {}
    for quarter in QUARTERS:
        result = quarterly(year.db, quarter)
        assert result["year_first_day"] == "2026-01-01"
        funds, whole = result["balance"], result["balance_total"]
        assert list(funds) == ["pool", "hifmi", "maf", "other"]
        assert funds["other"]["expenditure"] == result["expenditure"]["by_fund"]["other"]
        # the 合计 row: the funds' rows added up, the quarter's income and fund payments
        for key in keys:
            assert Decimal(whole[key]) == sum(Decimal(b[key]) for b in funds.values()), (quarter, key)
            assert Decimal(whole["year_to_date"][key]) == sum(Decimal(b["year_to_date"][key])
                                                              for b in funds.values()), (quarter, key)
        assert whole["income"] == result["income"]["total"]
        assert whole["expenditure"] == result["expenditure"]["total"] == result["totals"]["fund_total"]
        # 本年累计: the quarters so far, to the fen
        for fund, b in [*funds.items(), ("total", whole)]:
            so_far = running.setdefault(fund, dict.fromkeys(keys, Decimal("0.00")))
            for key in keys:
                so_far[key] += Decimal(b[key])
                assert Decimal(b["year_to_date"][key]) == so_far[key], (quarter, fund, key)
            for row in (b, b["year_to_date"]):
                assert Decimal(row["balance"]) == Decimal(row["income"]) - Decimal(row["expenditure"])
        if quarter == "2026Q1":
            assert {f: b["year_to_date"] for f, b in funds.items()} == {
                f: {k: b[k] for k in keys} for f, b in funds.items()}
    # the year, at Q4: `central report` (the settlements not reversed, and the true-ups) and the income
    year_end = {f: b["year_to_date"] for f, b in result["balance"].items()}
    report_totals = rep["totals_not_reversed"]
    assert year_end["pool"]["expenditure"] == report_totals["hifp_pay"] == "474402.00"
    assert Decimal(year_end["hifmi"]["expenditure"]) == (Decimal(report_totals["hifmi_pay"])
                                                         + Decimal(year.true_up["total_shortfall"]))
    assert year_end["maf"]["expenditure"] == report_totals["maf_pay"]
    assert Decimal(year_end["other"]["expenditure"]) == sum(
        (Decimal(r["final"]["oth_pay"]) for r in rep["settlements"] if not r["reversed"]), Decimal("0.00"))
    for fund in ("pool", "hifmi", "maf"):
        assert Decimal(year_end[fund]["income"]) == sum(
            (Decimal(r["amount"]) for r in income_rows if r["fund"] == fund), Decimal("0.00"))
    assert result["balance_total"]["year_to_date"]["income"] == "1005000.00"
    # an insurer's account: its own income and payments, to the quarter's end
    q2_a = quarterly(year.db, "2026Q2", "--insurer", "INSA")
    assert {f: b["year_to_date"]["income"] for f, b in q2_a["balance"].items()} == {
        "pool": "750000.00", "hifmi": "60000.00", "maf": "20000.00", "other": "0.00"}
    q1_a, q3_a = quarterly(year.db, "2026Q1", "--insurer", "INSA"), quarterly(year.db, "2026Q3", "--insurer", "INSA")
    assert Decimal(q3_a["balance_total"]["year_to_date"]["expenditure"]) == sum(
        Decimal(q["balance_total"]["expenditure"]) for q in (q1_a, q2_a, q3_a))


def test_the_balance_table_in_the_workbook_and_the_pdf(year: SeededYear, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, pdf = tmp_path / "q3.xlsx", tmp_path / "q3.pdf"
    assert console_main(["fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q3", "--json", "--xlsx",
                         str(xlsx), "--pdf", str(pdf)]) == 0
    result = json.loads(capsys.readouterr().out)
    funds, whole = result["balance"], result["balance_total"]

    def figures(b: dict[str, Any]) -> list[Decimal]:
        y = b["year_to_date"]
        return [Decimal(v) for v in (b["income"], b["expenditure"], b["balance"], y["income"], y["expenditure"],
                                     y["balance"])]

    expected = [["基本医疗保险统筹基金", *figures(funds["pool"])], ["大病保险", *figures(funds["hifmi"])],
                ["医疗救助", *figures(funds["maf"])], ["合计", *figures(whole)]]  # 其他基金 paid nothing
    rows = list(load_workbook(xlsx).worksheets[0].iter_rows(values_only=True))
    start = rows.index(("二、基金收支与结余",) + (None,) * (len(rows[0]) - 1))
    assert rows[start + 1][:7] == ("基金", "本季收入", "本季支出", "本季结余", "本年累计收入", "本年累计支出",
                                   "本年累计结余")
    table = [[r[0], *(Decimal(str(v)).quantize(Decimal("0.01")) for v in r[1:7])] for r in rows[start + 2:start + 6]]
    assert table == expected
    assert Decimal(whole["year_to_date"]["expenditure"]) > Decimal(whole["expenditure"]) > 0
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line.split() for line in text.splitlines()]
    assert ["基金", "本季收入", "本季支出", "本季结余", "本年累计收入", "本年累计支出", "本年累计结余"] in lines
    for row in expected:
        assert [row[0], *(f"{v:,.2f}" for v in row[1:])] in lines, row


def _bad_files(tmp: Path) -> list[tuple[Path, list[str]]]:
    csv_file = tmp / "bad.csv"
    csv_file.write_text("date,fund,kind,amount,admdvs,insutype\n2026-01-01,pool,subsidy,100.00,990100,390\n"
                        "2026-01-02,pool,subsidy,12.345,990100,390\n2026-02-30,bank,subsidy,1,990100,390\n",
                        encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "基金", "类别", "金额", "医保区划", "险种", "备注"])
    sheet.append(["2026-01-05", "统筹基金", "财政补助", 1000.5, "990100", "390", "ok"])
    sheet.append(["2026-01-06", "大病保险", "捐赠", 10, "990100", "390", ""])
    sheet.append(["2026-01-07", "医疗救助", "划拨", 10, "99010", "390", ""])
    xlsx_file = tmp / "bad.xlsx"
    book.save(xlsx_file)
    return [
        (csv_file, [f"{csv_file} 第 3 行 amount '12.345'：", f"{csv_file} 第 4 行 date '2026-02-30'：",
                    f"{csv_file} 第 4 行 fund 'bank'："]),
        (xlsx_file, [f"{xlsx_file} 第 3 行 kind '捐赠'：", f"{xlsx_file} 第 4 行 admdvs '99010'："]),
    ]


def test_import_errors_name_file_line_and_field_and_store_nothing(year: SeededYear, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, before = run_cli("fund", "income", "list", "--db", str(year.db), "--from", "2026-01-01", "--to",
                           "2026-12-31", "--json")
    for path, words in _bad_files(tmp_path):
        code, _ = run_cli("fund", "income", "import", str(path), "--db", str(year.db))
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "未导入任何一行" in err, err
        for word in words:
            assert word in err, (word, err)
    code, after = run_cli("fund", "income", "list", "--db", str(year.db), "--from", "2026-01-01", "--to",
                          "2026-12-31", "--json")
    assert after == before and len(json.loads(after)) == 8


def test_a_good_xlsx_import_with_chinese_headers(central_db: tuple[Path | str, dict[str, str]],
                                                 tmp_path: Path) -> None:
    db = central_db[0]
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "基金", "类别", "金额", "医保区划", "险种", "备注"])
    sheet.append(["2026-01-05", "统筹基金", "财政补助", 1000.5, "990100", "390", "ok"])
    sheet.append(["2026-02-05", "大病保险", "保费", "2000.25", 990100, 310, None])
    path = tmp_path / "income.xlsx"
    book.save(path)
    code, out = run_cli("fund", "income", "import", str(path), "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["by_fund"] == {"hifmi": "2000.25", "pool": "1000.50"}
    code, out = run_cli("fund", "income", "list", "--db", str(db), "--from", "2026-01-01", "--to", "2026-12-31",
                        "--json")
    rows = json.loads(out)
    assert [(r["date"], r["fund"], r["kind"], r["amount"], r["source"]) for r in rows] == [
        ("2026-01-05", "pool", "subsidy", "1000.50", "income.xlsx:2"),
        ("2026-02-05", "hifmi", "premium", "2000.25", "income.xlsx:3")]


@pytest.mark.parametrize("argv, words", [
    (("fund", "quarterly", "--quarter", "2026Q5"), "--quarter 2026Q5"),
    (("fund", "income", "add", "--date", "2026-01-01", "--fund", "pool", "--kind", "subsidy", "--amount", "1e5",
      "--admdvs", "990100", "--insutype", "390"), "--amount '1e5'："),
    (("fund", "income", "import", "/nonexistent/x.csv"), "/nonexistent/x.csv：文件不存在"),
    (("fund", "income", "list", "--from", "2026-03-01", "--to", "2026-01-31"),
     "--from 2026-03-01 晚于 --to 2026-01-31"),
])
def test_bad_input_exits_2_in_one_line(year: SeededYear, argv: tuple[str, ...], words: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(*argv, "--db", str(year.db))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and words in err and "Traceback" not in err
