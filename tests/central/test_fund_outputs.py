"""The statements' files as the fund administrator writes them (`--xlsx`, `--pdf`): all of them or
none, never over an existing file unless --force, never for a period with nothing in it, a clear
error naming the option and the file when a target cannot be written; and what the files look
like printed (Excel's page setup, a PDF statement that fits its page). Also the import and amount
checks that keep an impossible figure out of the sums."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from central_helpers import run_cli
from fund_seed import SeededYear, seeded
from openpyxl import load_workbook

from hospital_client.central.fund_reports.document import Cell, Document, Table, documents_html
from hospital_client.cli.central_console import main as console_main
from hospital_client.ui.central_pdf import write_html_pdf


@pytest.fixture(scope="module", params=["sqlite"])
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededYear]:
    yield seeded(request, tmp_path_factory.mktemp("fund_outputs"))


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err, err
    return err


def test_an_existing_file_is_kept_unless_forced(year: SeededYear, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "2026-07.xlsx"
    out.write_bytes(b"last month's statement, sent")
    code, _ = run_cli("fund", "monthly", "--db", str(year.db), "--month", "2026-07", "--xlsx", str(out))
    assert code == 2 and f"--xlsx {out}：文件已存在" in _err(capsys)
    assert out.read_bytes() == b"last month's statement, sent"
    code, _ = run_cli("fund", "monthly", "--db", str(year.db), "--month", "2026-07", "--xlsx", str(out), "--force")
    assert code == 0 and load_workbook(out).worksheets[0]["A1"].value == "大病保险先行垫付费用月度结算单"
    assert out.stat().st_mode & 0o077 == 0


def test_an_unwritable_target_is_named_and_nothing_is_written(year: SeededYear, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "note.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    xlsx, pdf = tmp_path / "q4.xlsx", not_a_folder / "q4.pdf"
    code = console_main(["fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q4", "--xlsx", str(xlsx),
                         "--pdf", str(pdf)])
    assert code == 2 and f"--pdf {pdf}：无法写入文件夹" in _err(capsys)
    # the workbook, which could have been written, was not: all the files or none
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt"]
    code, _ = run_cli("fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q4", "--xlsx", str(tmp_path))
    assert code == 2 and "这是一个文件夹" in _err(capsys)


def test_a_failed_write_leaves_no_file_behind(year: SeededYear, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The PDF printer fails after the workbook was written: neither file is left, nor a part."""
    def broken_printer(path: Path, pages: list[tuple[str, str]]) -> Path:
        raise OSError(28, "No space left on device")

    from hospital_client.central.cli import main as central_main

    xlsx, pdf = tmp_path / "12.xlsx", tmp_path / "12.pdf"
    code = central_main(["fund", "monthly", "--db", str(year.db), "--month", "2026-12", "--xlsx", str(xlsx),
                         "--pdf", str(pdf)], pdf_writer=broken_printer)
    assert code == 2 and f"--pdf {pdf}：写入失败（No space left on device）" in _err(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, words", [
    (("monthly", "--month", "2025-03"), "2025-03 没有大病保险结算"),
    (("quarterly", "--quarter", "2025Q1"), "2025Q1 没有任何基金收入或支出记录"),
    (("premium", "--year", "2025", "--insurer", "INSA", "--premium", "1000"), "2025 保险年度没有任何大病保险赔付记录"),
])
def test_no_statement_is_written_for_a_period_with_nothing_in_it(year: SeededYear, tmp_path: Path,
                                                                 argv: tuple[str, ...], words: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "empty.xlsx"
    code, _ = run_cli("fund", *argv, "--db", str(year.db), "--xlsx", str(out))
    assert code == 2 and words in _err(capsys)
    assert list(tmp_path.iterdir()) == []
    # asked as JSON, the period's (empty) figures are still given
    code, out_text = run_cli("fund", *argv, "--db", str(year.db), "--json")
    assert code == 0 and json.loads(out_text)["written"] == []


def test_workbooks_print_on_a4_landscape_one_page_wide(year: SeededYear, tmp_path: Path) -> None:
    out = tmp_path / "q2.xlsx"
    assert run_cli("fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q2", "--xlsx", str(out))[0] == 0
    sheet = load_workbook(out).worksheets[0]
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", int(sheet.PAPERSIZE_A4))
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    # a column of Chinese labels is wide enough for them (two width units a character)
    assert sheet.column_dimensions["A"].width >= 2 * len("390 城乡居民基本医疗保险") - 4


def test_the_premium_statement_and_its_signatures_fit_one_page(year: SeededYear, tmp_path: Path) -> None:
    out = tmp_path / "premium.pdf"
    assert console_main(["fund", "premium", "--db", str(year.db), "--year", "2026", "--insurer", "INSA",
                         "--premium", "60000", "--pdf", str(out)]) == 0
    pages = [int(n) for n in re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", out.read_bytes(), re.S)]
    assert pages == [1]


def test_an_implausible_amount_is_refused_before_it_reaches_the_sums(year: SeededYear, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """An Excel cell of 1E+20 (a mistyped or pasted figure) used to be imported, and the quarter's
    sum then failed in the database."""
    path = tmp_path / "income.csv"
    path.write_text("date,fund,kind,amount,admdvs,insutype,note\n"
                    "2026-10-01,pool,subsidy,100000000000000000000.00,990100,390,\n"
                    "2026-10-02,pool,subsidy,9999999999999.99,990100,390,\"two\nlines\"\n"
                    "2026-10-03,pool,subsidy,12.345,990100,390,\n", encoding="utf-8")
    code, _ = run_cli("fund", "income", "import", str(path), "--db", str(year.db))
    err = _err(capsys)
    assert code == 2 and f"{path} 第 2 行 amount '100000000000000000000.00'：整数部分超过 13 位" in err
    # a quoted note over two lines: the next row is named by the line it is on in the file
    assert f"{path} 第 5 行 amount '12.345'" in err and "第 3 行" not in err
    code, _ = run_cli("fund", "premium", "--db", str(year.db), "--year", "2026", "--insurer", "INSA", "--premium",
                      "99999999999999999999.00")
    assert code == 2 and "--premium '99999999999999999999.00'：整数部分超过 13 位" in _err(capsys)
    code, out = run_cli("fund", "quarterly", "--db", str(year.db), "--quarter", "2026Q4", "--json")
    assert code == 0 and json.loads(out)["income"]["entries"] == 0


def test_a_long_table_repeats_its_headers_on_each_page_and_keeps_ids_whole(tmp_path: Path) -> None:
    """A long table (a big hospital's monthly detail) goes on over pages: each page has the
    column headers, so a figure on page 2 can be read without page 1."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    note = "冲减 C2026040000000000010（2026-04 已结），参保人于本月办理撤销，医院应退回已垫付的大病保险费用"
    rows: list[list[Cell]] = [["撤销冲减", f"C2026071000000{n:06d}", f"DEMO99010000{n:04d}", f"MDT-{n:03d}",
                               "2026-07-25 09:00:00", "2026-07-25 09:00:05", Decimal("100.00"), Decimal("100.00"),
                               note] for n in range(1, 121)]
    doc = Document(title="大病保险先行垫付费用月度结算单", sheet="s", subtitle=[],
                   tables=[Table("明细", ["类型", "编号", "人员编号", "就诊ID", "结算/撤销时间", "中心确认时间",
                                          "医院暂定大病金额", "确认大病金额", "说明"], rows)])
    out = write_html_pdf(tmp_path / "long.pdf", documents_html([doc]))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 3
    assert all("人员编号" in page and "确认大病金额" in page for page in pages)
    # an id is never broken over two lines
    assert all(f"C2026071000000{n:06d}" in text and f"DEMO99010000{n:04d}" in text for n in (1, 60, 120))


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _page_numbers(pages: list[str]) -> list[tuple[int, int]]:
    """Each page's "第 n 页 共 m 页" (pdftotext drops the spaces in it)."""
    found = [re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page) for page in pages]
    assert all(len(f) == 1 for f in found), found
    return [(int(f[0][0]), int(f[0][1])) for f in found]


def test_every_page_says_its_number_of_its_statements_pages(year: SeededYear, tmp_path: Path) -> None:
    """第 n 页 共 m 页 at the foot of every page, counted in each statement: a month's file holds one
    statement per hospital and insurer, and each is handed on whole by itself; from a statement's
    second page its title and whose it is stand at the top of the page."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    rows: list[list[Cell]] = [[f"第 {n} 行", f"C2026071000000{n:06d}", Decimal("100.00")] for n in range(1, 121)]
    long = Document(title="大病保险先行垫付费用月度结算单", sheet="a", subtitle=["定点医疗机构：H99010000001"],
                    tables=[Table("明细", ["项目", "编号", "金额（元）"], rows)], notes=["注：截至编制时。"],
                    signatures=["经办人", "复核人"], running_header="月度结算单（续）　定点医疗机构：H99010000001")
    short = Document(title="大病保险先行垫付费用月度结算单", sheet="b", subtitle=["定点医疗机构：H99010000002"],
                     tables=[Table("明细", ["项目", "金额（元）"], [["合计", Decimal("1.00")]])])
    pages = _pdf_pages(write_html_pdf(tmp_path / "two.pdf", documents_html([long, short, long])))
    numbers = _page_numbers(pages)
    n = numbers[0][1]
    assert n >= 3 and numbers == [*((i, n) for i in range(1, n + 1)), (1, 1), *((i, n) for i in range(1, n + 1))]
    heads = [page.lstrip().splitlines()[0] for page in pages]
    continued = (*range(1, n), *range(n + 2, 2 * n + 1))
    assert all("月度结算单（续）" in heads[i] and "H99010000001" in heads[i] for i in continued)
    assert not any("（续）" in heads[i] for i in (0, n, n + 1))
    assert "H99010000002" in pages[n] and "C2026071000000000120" in pages[2 * n]
    # the statements as written: every page of each numbered
    for argv in (("monthly", "--month", "2026-12"), ("quarterly", "--quarter", "2026Q4"),
                 ("premium", "--year", "2026", "--insurer", "INSA", "--premium", "60000")):
        out = tmp_path / f"{argv[0]}.pdf"
        assert console_main(["fund", *argv, "--db", str(year.db), "--pdf", str(out)]) == 0
        pages = _pdf_pages(out)
        numbers = _page_numbers(pages)
        starts = [i for i, (page, _) in enumerate(numbers) if page == 1]
        for start, end in zip(starts, [*starts[1:], len(numbers)], strict=True):
            assert numbers[start:end] == [(i, end - start) for i in range(1, end - start + 1)], (argv, numbers)
        if argv[0] == "monthly":
            assert len(starts) == 4  # four statements in December (fund_seed.py)
        if argv[0] == "quarterly" and len(pages) > 1:
            assert "医保基金收支情况公布表（2026年第4季度）（续）" in pages[1]


def test_the_same_file_imported_twice_is_refused(year: SeededYear, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Run again by mistake (or after a timeout), an import would count the quarter's income twice."""
    path = tmp_path / "2026Q3-income.csv"
    path.write_text("date,fund,kind,amount,admdvs,insutype\n2026-08-01,pool,subsidy,5000.00,990100,390\n"
                    "2026-08-02,hifmi,premium,300.00,990100,310\n", encoding="utf-8")

    def listed() -> list[dict[str, str]]:
        code, out = run_cli("fund", "income", "list", "--db", str(year.db), "--from", "2026-07-01", "--to",
                            "2026-09-30", "--json")
        assert code == 0
        return list(json.loads(out))

    assert run_cli("fund", "income", "import", str(path), "--db", str(year.db))[0] == 0
    before = listed()
    code, _ = run_cli("fund", "income", "import", str(path), "--db", str(year.db))
    assert code == 2 and f"{path}：第 2、3 行已于" in _err(capsys)
    assert listed() == before and len(before) == 2
    # a correction of the same file name (a negative row, a new row) is taken
    path.write_text("date,fund,kind,amount,admdvs,insutype\n2026-08-01,pool,subsidy,-5000.00,990100,390\n"
                    "2026-08-01,pool,subsidy,5500.00,990100,390\n", encoding="utf-8")
    assert run_cli("fund", "income", "import", str(path), "--db", str(year.db))[0] == 0
    assert len(listed()) == 4


def test_signature_lines_never_stand_alone_on_a_page(tmp_path: Path) -> None:
    """Wherever the page breaks (tables of 20 to 44 rows), the page with the signature lines also
    has the statement's notes: Qt's own pagination put them alone on a page of their own."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    for count in range(20, 45):
        rows: list[list[Cell]] = [[f"第 {n} 行", Decimal("100.00")] for n in range(count)]
        doc = Document(title="大病保险保费结算单", sheet="s", subtitle=["承办机构：INSA 甲保险公司"],
                       tables=[Table("保费结算", ["项目", "金额（元）"], rows)],
                       notes=["注一：实际支付总额按保险年度计。", "注二：截至编制时。"],
                       signatures=["医保经办机构", "承办机构", "审核人"])
        out = write_html_pdf(tmp_path / f"{count}.pdf", documents_html([doc]))
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        [signed] = [page for page in text.split("\f") if "审核人" in page]
        assert "注一" in signed and "注二" in signed, (count, signed)
