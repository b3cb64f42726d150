"""Bill import: JSON (2301 shape), CSV in UTF-8 / UTF-8 BOM / GBK, XLSX; per-line errors."""

from __future__ import annotations

import io
import json
import os
import struct
import time
import tracemalloc
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from openpyxl import Workbook

from hospital_client import paths
from hospital_client.app import bill_import
from hospital_client.app.bill_import import BillFileError, import_bill, import_bill_bytes

DEMO_BILL = paths.demo_dir() / "bills" / "bill_01_pneumonia.json"


def demo_fees() -> list[dict[str, str]]:
    return json.loads(DEMO_BILL.read_text(encoding="utf-8"))["fees"]


def as_csv(fees: list[dict[str, str]], chinese_header: bool = False) -> str:
    header = "明细流水号,医保目录编码,项目名称,单价,数量,金额" if chinese_header else \
        "feedetl_sn,med_list_codg,name,pric,cnt,det_item_fee_sumamt"
    rows = [header] + [
        f'{f["feedetl_sn"]},{f["med_list_codg"]},"{f["name"]}",{f["pric"]},{f["cnt"]},{f["det_item_fee_sumamt"]}'
        for f in fees
    ]
    return "\r\n".join(rows) + "\r\n"


def test_json_demo_bill() -> None:
    bill = import_bill(DEMO_BILL)
    assert bill.ok and bill.format == "json"
    assert len(bill.fees) == len(demo_fees())
    assert bill.total == sum(Decimal(f["det_item_fee_sumamt"]) for f in demo_fees())


def test_json_2301_feedetail_keeps_only_fee_fields() -> None:
    lines = [dict(f, mdtrt_id="M1", rxno="R1", bilg_dept_codg="A01") for f in demo_fees()[:3]]
    bill = import_bill_bytes(json.dumps({"feedetail": lines}, ensure_ascii=False).encode(), "x.json")
    assert bill.ok
    assert set(bill.fees[0]) == {"feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt"}


@pytest.mark.parametrize(("encoding", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("gbk", "GB18030")])
def test_csv_encodings_with_chinese_header(encoding: str, label: str) -> None:
    fees = demo_fees()
    bill = import_bill_bytes(as_csv(fees, chinese_header=True).encode(encoding), "his_export.csv")
    assert bill.ok, bill.errors
    assert bill.encoding == label
    assert [f["name"] for f in bill.fees] == [f["name"] for f in fees]
    assert bill.total == sum(Decimal(f["det_item_fee_sumamt"]) for f in fees)


def test_xlsx(tmp_path: Path) -> None:
    fees = demo_fees()
    book = Workbook()
    sheet = book.active
    sheet.append(["明细流水号", "医保目录编码", "项目名称", "单价", "数量", "金额"])
    for f in fees:
        sheet.append([f["feedetl_sn"], f["med_list_codg"], f["name"], float(f["pric"]), float(f["cnt"]),
                      float(f["det_item_fee_sumamt"])])
    path = tmp_path / "bill.xlsx"
    book.save(path)
    bill = import_bill(path)
    assert bill.ok, bill.errors
    assert bill.format == "xlsx"
    assert bill.total == sum(Decimal(f["det_item_fee_sumamt"]) for f in fees)


def test_every_bad_line_is_reported_with_line_and_field() -> None:
    text = (
        "feedetl_sn,med_list_codg,name,pric,cnt,det_item_fee_sumamt\n"
        "1,A,床位费,40,7,280.00\n"
        "2,B,药,1.5,x,3\n"
        "3,,药,1,1,1\n"
        "4,C,药,1,1,2\n"
        "1,D,药,1,1,1\n"
    )
    bill = import_bill_bytes(text.encode("gbk"), "bad.csv")
    assert not bill.ok
    found = {(e.line, e.field, e.code) for e in bill.errors}
    assert found == {
        (3, "cnt", "not_number"),
        (4, "med_list_codg", "missing"),
        (5, "det_item_fee_sumamt", "amount_mismatch"),
        (6, "feedetl_sn", "duplicate"),
    }


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.csv", "empty"),
        (b"a,b,c\n1,2,3\n", "nohdr.csv", "missing_columns"),
        (b"{not json", "bad.json", "bad_json"),
        (b"PK\x03\x04garbage", "bad.xlsx", "bad_xlsx"),
        (b"\xff\xfe\xfa\xfb\x00\x81", "x.csv", "encoding"),
        (b"anything", "bill.pdf", "unsupported"),
    ],
)
def test_unreadable_files_are_refused_whole(data: bytes, name: str, code: str) -> None:
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(data, name)
    assert info.value.code == code
    assert name in str(info.value)


# ---------------------------------------------------------------------------------------------
# Bounded imports (issue 13, finding 4): one bill file must not knock a desk out. Each refusal
# comes within a second and 100 MB, as the importer's own error naming file, line and field.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_ROW = (
    '<row r="1">'
    + "".join(f'<c r="{col}1" t="inlineStr"><is><t>{title}</t></is></c>'
              for col, title in zip("ABCDEF", ("feedetl_sn", "med_list_codg", "name", "pric", "cnt",
                                               "det_item_fee_sumamt"), strict=True))
    + "</row>"
)
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}"><sheetData>{HEADER_ROW}'
SHEET_TAIL = "</sheetData></worksheet>"
PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Bill" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        "</Relationships>"
    ),
}

_CRC_POLY = 0xEDB88320


def _multmodp(a: int, b: int) -> int:
    """a × b modulo the CRC-32 polynomial (zlib's crc32_combine, which Python does not expose)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if (a & (m - 1)) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ _CRC_POLY if b & 1 else b >> 1


_X2N = [1 << 30]
for _ in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B from crc32(A), crc32(B) and len(B): a 1 GiB part's CRC without 1 GiB of work."""
    p, k = 1 << 31, 3
    while len2:
        if len2 & 1:
            p = _multmodp(_X2N[k & 31], p)
        len2 >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


class Deflated(NamedTuple):
    data: bytes   # raw deflate stream
    crc: int
    size: int     # uncompressed


def deflated(raw: bytes, level: int = 6) -> Deflated:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Deflated(packer.compress(raw) + packer.flush(), zlib.crc32(raw), len(raw))


def zip_archive(parts: dict[str, Deflated]) -> bytes:
    """A ZIP written field by field, so that a part can be a deflate stream made in advance."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, part in parts.items():
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, part.crc, len(part.data),
                              part.size, len(encoded), 0) + encoded + part.data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, part.crc,
                                    len(part.data), part.size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start, listing = out.tell(), directory.getvalue()
    out.write(listing + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(listing), start, 0))
    return out.getvalue()


def workbook(sheet: Deflated) -> bytes:
    parts = {name: deflated(text.encode()) for name, text in PACKAGE_PARTS.items()}
    return zip_archive({**parts, "xl/worksheets/sheet1.xml": sheet})


def sheet_of(rows: str) -> Deflated:
    return deflated((SHEET_HEAD + rows + SHEET_TAIL).encode())


def whitespace_bomb(spaces_mib: int) -> bytes:
    """A real zip bomb: a sheet of `spaces_mib` MiB of whitespace after its header row, deflated
    once per MiB (a full flush makes every MiB's stream the same, so it is built only once)."""
    head, tail = SHEET_HEAD.encode(), SHEET_TAIL.encode()
    mib = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    one_mib = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = packer.compress(tail) + packer.flush()
    crc, size = zlib.crc32(mib), 1 << 20
    for _ in range(spaces_mib.bit_length() - 1):  # spaces_mib is a power of two
        crc, size = crc32_combine(crc, crc, size), size * 2
    crc = crc32_combine(crc32_combine(zlib.crc32(head), crc, size), zlib.crc32(tail), len(tail))
    return workbook(Deflated(start + one_mib * spaces_mib + end, crc, len(head) + size + len(tail)))


def slim_rows(first: int, count: int) -> str:
    """`count` rows of one numeric cell each, numbered by position (no r attributes)."""
    return "<row><c><v>" + "</v></c></row><row><c><v>".join(map(str, range(first, first + count))) \
        + "</v></c></row>"


def refused_within_budget(path: Path) -> tuple[BillFileError, float, int]:
    """import_bill's refusal of `path`, with the seconds and the peak of traced memory it took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(BillFileError) as info:
            import_bill(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, elapsed, peak


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bills") / "million.xlsx"
    sheet = (SHEET_HEAD + slim_rows(1, 1_000_000) + SHEET_TAIL).encode()
    path.write_bytes(workbook(deflated(sheet, level=1)))
    return path


def test_handmade_workbooks_are_real_workbooks() -> None:
    """The builder above makes workbooks openpyxl reads: the refusals below are not bad_xlsx."""
    rows = ('<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c><c r="B2" t="inlineStr"><is><t>X1</t></is>'
            '</c><c r="D2"><v>40</v></c><c r="E2"><v>7</v></c><c r="F2"><v>280</v></c></row>')
    bill = import_bill_bytes(workbook(sheet_of(rows)), "small.xlsx")
    assert bill.ok, bill.errors
    assert bill.total == Decimal(280)
    small_bomb = whitespace_bomb(4)
    with zipfile.ZipFile(io.BytesIO(small_bomb)) as archive:  # the CRC and sizes are right
        assert archive.read("xl/worksheets/sheet1.xml").count(b" ") > 4 << 20


def test_zip_bomb_is_refused_within_a_second_and_100_mb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(whitespace_bomb(1024))  # 1 GiB of whitespace
    assert path.stat().st_size < 1_200_000
    error, elapsed, peak = refused_within_budget(path)
    assert error.code == "xlsx_compression"
    assert "bomb.xlsx" in str(error) and "xl/worksheets/sheet1.xml" in error.detail
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert peak < 100 << 20, f"{peak / 2**20:.0f} MiB"


def test_a_million_rows_are_refused_within_a_second_and_100_mb(million_rows: Path) -> None:
    assert million_rows.stat().st_size < 4 << 20
    error, elapsed, peak = refused_within_budget(million_rows)
    assert error.code == "too_many_lines"
    assert "million.xlsx" in str(error) and "rows" in error.detail
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert peak < 100 << 20, f"{peak / 2**20:.0f} MiB"


def test_xlsx_line_limit_is_checked_as_rows_arrive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading stops at the first row past the limit: row 60, which openpyxl cannot read, is never reached."""
    monkeypatch.setattr(bill_import, "MAX_LINES", 50)
    rows = slim_rows(1, 58) + f"<row><c><v>{'9' * 5000}</v></c></row>"
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(workbook(sheet_of(rows)), "long.xlsx")
    assert info.value.code == "too_many_lines"
    assert info.value.line == 52  # header on row 1, fee line 51 on row 52
    assert "50" in info.value.detail


def test_xlsx_number_too_long_for_python_is_the_importers_error() -> None:
    rows = f"<row><c><v>{'9' * 5000}</v></c></row>"
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(workbook(sheet_of(rows)), "digits.xlsx")
    assert info.value.code == "bad_xlsx"
    assert "after row 1" in info.value.detail


def test_xlsx_long_number_and_long_text_are_line_errors() -> None:
    rows = (f'<row><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>X1</t></is></c>'
            f'<c r="D2"><v>1</v></c><c r="E2"><v>1</v></c><c r="F2"><v>{"9" * 4000}</v></c></row>'
            f'<row><c r="A3"><v>2</v></c><c r="B3" t="inlineStr"><is><t>X1</t></is></c>'
            f'<c r="C3" t="inlineStr"><is><t>{"药" * 40_000}</t></is></c>'
            f'<c r="D3"><v>1</v></c><c r="E3"><v>1</v></c><c r="F3"><v>1</v></c></row>')
    bill = import_bill_bytes(workbook(sheet_of(rows)), "cells.xlsx")
    assert {(e.line, e.field, e.code) for e in bill.errors} == {
        (2, "det_item_fee_sumamt", "too_long"), (3, "name", "too_long")}
    assert all(len(e.value) <= 41 for e in bill.errors)


def test_xlsx_text_run_over_the_bound_is_refused_before_parsing() -> None:
    rows = f'<row><c t="inlineStr"><is><t>{"x" * (300 << 10)}</t></is></c></row>'
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(workbook(sheet_of(rows)), "cell.xlsx")
    assert info.value.code == "xlsx_cell_too_long"
    assert "xl/worksheets/sheet1.xml" in info.value.detail


def test_xlsx_doctype_is_refused() -> None:
    sheet = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
             f'<worksheet xmlns="{MAIN_NS}"><sheetData>{HEADER_ROW}<row><c t="inlineStr"><is><t>&b;</t></is></c>'
             "</row></sheetData></worksheet>")
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(workbook(deflated(sheet.encode())), "entities.xlsx")
    assert info.value.code == "bad_xlsx"
    assert "DOCTYPE" in info.value.detail


def test_xlsx_uncompressed_sizes_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook(sheet_of(slim_rows(1, 2000)))
    monkeypatch.setattr(bill_import, "MAX_XLSX_MEMBER_BYTES", 20_000)
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(data, "big.xlsx")
    assert (info.value.code, "xl/worksheets/sheet1.xml" in info.value.detail) == ("xlsx_too_large", True)
    monkeypatch.setattr(bill_import, "MAX_XLSX_MEMBER_BYTES", 1 << 30)
    monkeypatch.setattr(bill_import, "MAX_XLSX_TOTAL_BYTES", 20_000)
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(data, "big.xlsx")
    assert info.value.code == "xlsx_too_large"


def test_xlsx_with_too_many_parts_is_refused_from_its_end_record() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(bill_import.MAX_XLSX_MEMBERS + 1):
            archive.writestr(f"p{number}.xml", b"")
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(out.getvalue(), "parts.xlsx")
    assert info.value.code == "xlsx_too_large"


def test_xlsx_damaged_part_is_bad_xlsx() -> None:
    data = bytearray(workbook(sheet_of(slim_rows(1, 100))))
    at = data.rfind(b"PK\x01\x02")  # flip a byte inside the sheet's deflate stream
    data[at - 40] ^= 0xFF
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(bytes(data), "damaged.xlsx")
    assert info.value.code == "bad_xlsx"


HEADER = "feedetl_sn,med_list_codg,name,pric,cnt,det_item_fee_sumamt\n"


def test_csv_field_over_csv_limit_is_a_line_error() -> None:
    text = HEADER + "1,A," + "x" * 140_000 + ",1,1,1\n" + "2,B,药,1.5,2,4\n"
    bill = import_bill_bytes(text.encode(), "wide.csv")
    assert {(e.line, e.field, e.code) for e in bill.errors} == {
        (2, "name", "too_long"), (3, "det_item_fee_sumamt", "amount_mismatch")}
    assert "140,0" in bill.errors[0].detail and len(bill.errors[0].value) <= 41


def test_csv_quoted_field_over_csv_limit_across_lines_is_a_line_error() -> None:
    cell = '"' + ("y" * 999 + "\n") * 200 + '"'
    text = HEADER + "1,A," + cell + ",1,1,1\n" + "2,B,药,1,1,1\n"
    bill = import_bill_bytes(text.encode(), "multiline.csv")
    assert not bill.ok
    assert bill.errors[0].code == "too_long" and 2 <= bill.errors[0].line <= 202


def test_csv_line_over_bound_without_a_long_cell_is_a_line_error() -> None:
    text = HEADER + "1,A,药,1,1,1" + ",z" * 70_000 + "\n"
    bill = import_bill_bytes(text.encode(), "commas.csv")
    assert [(e.line, e.field, e.code) for e in bill.errors] == [(2, "", "too_long")]


def test_csv_header_line_over_bound_is_refused() -> None:
    text = "feedetl_sn," + "h" * 200_000 + "\n1,2\n"
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(text.encode(), "header.csv")
    assert (info.value.code, info.value.line) == ("bad_csv", 1)


def test_csv_amount_of_thousands_of_digits_is_a_line_error() -> None:
    started = time.perf_counter()
    bill = import_bill_bytes((HEADER + "1,A,药,1,1," + "9" * 5000 + "\n").encode(), "digits.csv")
    assert [(e.line, e.field, e.code) for e in bill.errors] == [(2, "det_item_fee_sumamt", "too_long")]
    assert "5,000" in bill.errors[0].detail
    assert time.perf_counter() - started < 1.0


def test_csv_line_limit_stops_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bill_import, "MAX_LINES", 10)
    text = HEADER + "".join(f"{n},A,药,1,1,1\n" for n in range(1, 20))
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(text.encode(), "many.csv")
    assert (info.value.code, info.value.line) == ("too_many_lines", 12)


@pytest.mark.parametrize("amount", ["9" * 5000, '"' + "9" * 5000 + '"', "0." + "1" * 5000, "1" * 5000 + "e-4990"])
def test_json_amount_of_thousands_of_digits_is_a_line_error(amount: str) -> None:
    doc = ('{"fees": [{"feedetl_sn": "1", "med_list_codg": "A", "pric": "1", "cnt": "1", '
           f'"det_item_fee_sumamt": {amount}}}, {{"feedetl_sn": {"7" * 5000}, "med_list_codg": "A", "pric": "1", '
           '"cnt": "1", "det_item_fee_sumamt": "1"}]}')
    started = time.perf_counter()
    bill = import_bill_bytes(doc.encode(), "digits.json")
    assert time.perf_counter() - started < 1.0
    assert [(e.line, e.field, e.code) for e in bill.errors] == [
        (1, "det_item_fee_sumamt", "too_long"), (2, "feedetl_sn", "too_long")]
    assert all(len(e.value) <= 41 and len(e.detail) < 100 for e in bill.errors)


@pytest.mark.timeout(20)  # a FIFO opened for reading waits for a writer: that is the bug
def test_bill_file_must_be_a_regular_file_within_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        started = time.perf_counter()
        with pytest.raises(BillFileError) as info:
            import_bill(tmp_path / "pipe.csv")
        assert info.value.code == "not_a_file" and time.perf_counter() - started < 1.0
        assert "pipe.csv" in str(info.value)
    with pytest.raises(BillFileError) as info:
        import_bill(tmp_path)
    assert info.value.code == "not_a_file"
    monkeypatch.setattr(bill_import, "MAX_BILL_BYTES", 100)
    path = tmp_path / "bill.csv"
    path.write_text(HEADER + "1,A,药,1,1,1\n" * 3, encoding="utf-8")
    with pytest.raises(BillFileError) as info:
        import_bill(path)
    assert info.value.code == "too_large" and "bill.csv" in str(info.value)
    with pytest.raises(BillFileError) as info:
        import_bill(tmp_path / "missing.csv")
    assert info.value.code == "unreadable"


@pytest.mark.parametrize("chunk", [7, 1000])
def test_xlsx_rows_are_counted_across_chunks_and_prefixes(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(bill_import, "_SCAN_CHUNK", chunk)
    monkeypatch.setattr(bill_import, "MAX_SHEET_ROWS", 120)
    prefixed = "".join(f'<x:row r="{n}"><x:c r="A{n}"><x:v>{n}</x:v></x:c></x:row>' for n in range(2, 62))
    plain = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(62, 121))

    def sheet(rows: str) -> bytes:
        return workbook(deflated(SHEET_HEAD.replace("<worksheet ", f'<worksheet xmlns:x="{MAIN_NS}" ').encode()
                                 + rows.encode() + SHEET_TAIL.encode()))

    bill = import_bill_bytes(sheet(prefixed + plain), "120.xlsx")  # 120 rows: within the bound
    assert len(bill.fees) == 119 and bill.line_numbers[-1] == 120
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(sheet(prefixed + plain + '<row r="121"><c r="A121"><v>1</v></c></row>'), "121.xlsx")
    assert info.value.code == "too_many_lines"


def test_xlsx_cell_right_of_the_header_is_held_to_the_cell_limit() -> None:
    rows = (f'<row><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>X1</t></is></c><c r="D2"><v>1</v></c>'
            f'<c r="E2"><v>1</v></c><c r="F2"><v>1</v></c><c r="H2" t="inlineStr"><is><t>{"z" * 40_000}</t></is>'
            "</c></row>")
    bill = import_bill_bytes(workbook(sheet_of(rows)), "extra.xlsx")
    assert [(e.line, e.field, e.code) for e in bill.errors] == [(2, "column 8", "too_long")]
