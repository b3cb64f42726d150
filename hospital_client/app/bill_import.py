"""Importing an itemised bill from the hospital information system (HIS).

Formats: JSON in the 2301 fee-upload shape ({"feedetail": [...]}, {"fees": [...]} or a bare
list), CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 — HIS systems export all of these) and XLSX.
CSV/XLSX headers may use the platform's field names or the usual Chinese column titles.

Every line is checked with the rules core's own fee-line validation, and every problem is
reported with its line number and field; a bill with any error is refused whole.

Every size is bounded before it costs anything (a bill file can come from anywhere):

- the file itself: a regular file of at most MAX_BILL_BYTES, read by input_files;
- XLSX: the ZIP's central directory is checked first (member count, each member's and the
  total uncompressed size, compression ratio), then each XML member is scanned as it
  inflates, a chunk at a time, for over-long text runs (a cell, an attribute, whitespace)
  and for the number of rows of each sheet; only then does openpyxl read the first sheet,
  in streaming mode, and the line limit is checked as the rows arrive;
- CSV: a physical line over MAX_LINE_CHARS never reaches the csv module (whose own limit
  would raise), a cell over MAX_CELL_CHARS or a number over MAX_NUMBER_CHARS is a per-line
  error naming its field, and reading stops at MAX_LINES + 1 lines;
- JSON: numbers over MAX_NUMBER_CHARS characters are not converted (Python refuses to turn
  more than 4,300 digits into an int), they become per-line errors.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from .. import rules
from ..errors import QT_TRANSLATE_NOOP
from ..rules import RequestError
from .errors import AppError
from .input_files import InputFileError, describe_size, read_input_file

MAX_LINES = 20_000
# The bill file on disk. A 20,000-line 2301 JSON bill with every platform field is ~18 MB; an
# XLSX of that size is ~1 MB, a CSV ~6 MB.
MAX_BILL_BYTES = 32 << 20
# Excel's own limit on a cell's text: a CSV or XLSX written by Excel never holds more.
MAX_CELL_CHARS = 32_767
# A money amount, price, count or ratio: 13 integer digits, 6 decimals, sign, point and some
# padding fit easily; thousands of digits are refused before anything converts them.
MAX_NUMBER_CHARS = 40
# One physical CSV line: a HIS export line is a few hundred characters. Equal to the csv
# module's own field limit, so a line that passes can never make csv raise.
MAX_LINE_CHARS = 131_072
# Columns read from a CSV row or an XLSX sheet; a HIS export has a few dozen.
MAX_COLUMNS = 128

# XLSX (a ZIP of XML parts). A 20,000-line sheet of 30 columns unpacks to ~25 MB.
MAX_XLSX_MEMBERS = 1_000
MAX_XLSX_DIRECTORY_BYTES = 1 << 20
MAX_XLSX_MEMBER_BYTES = 64 << 20
MAX_XLSX_TOTAL_BYTES = 128 << 20
# Sheet XML deflates 5-30:1; a zip bomb ~1000:1. Checked for members above 1 MiB only.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1 << 20
# Bytes between two '<' in a part: a cell's text (32,767 characters, up to 3 bytes each in
# UTF-8, more with &amp;-style escapes), a tag with its attributes, whitespace.
MAX_XML_RUN_BYTES = 256 << 10
# <row> elements in one part, empty ones included (formatting makes Excel write some).
MAX_SHEET_ROWS = 2 * MAX_LINES + 10_000
# Excel's last row; openpyxl fills the gap to a row number with empty rows.
EXCEL_MAX_ROW = 1_048_576
_SCAN_CHUNK = 1 << 20

FIELDS = ("feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt",
          "chrgitm_lv", "selfpay_prop", "pric_uplmt_amt")
REQUIRED = ("feedetl_sn", "med_list_codg", "pric", "cnt", "det_item_fee_sumamt")
NUMERIC = frozenset({"pric", "cnt", "det_item_fee_sumamt", "selfpay_prop", "pric_uplmt_amt"})

# Column titles seen in HIS exports, mapped to the platform's field names.
HEADER_ALIASES = {
    "明细流水号": "feedetl_sn", "费用明细流水号": "feedetl_sn", "流水号": "feedetl_sn", "序号": "feedetl_sn",
    "医保目录编码": "med_list_codg", "医疗目录编码": "med_list_codg", "医保编码": "med_list_codg",
    "项目编码": "med_list_codg",
    "项目名称": "name", "医疗目录名称": "name", "名称": "name", "品名": "name",
    "单价": "pric", "数量": "cnt",
    "金额": "det_item_fee_sumamt", "总金额": "det_item_fee_sumamt", "明细项目费用总额": "det_item_fee_sumamt",
    "收费项目等级": "chrgitm_lv", "自付比例": "selfpay_prop", "限价": "pric_uplmt_amt",
    "最高限价": "pric_uplmt_amt",
}


_CLERK_TEXTS = {
    "empty": QT_TRANSLATE_NOOP("errors", "The file is empty."),
    "encoding": QT_TRANSLATE_NOOP("errors", "The file is neither UTF-8 nor GBK text."),
    "bad_json": QT_TRANSLATE_NOOP("errors", "The file is not valid JSON."),
    "bad_csv": QT_TRANSLATE_NOOP("errors", "The CSV file's header row cannot be read."),
    "bad_xlsx": QT_TRANSLATE_NOOP("errors", "The file is not a readable Excel (XLSX) workbook."),
    "unsupported": QT_TRANSLATE_NOOP("errors", "Unsupported file type; use JSON, CSV or XLSX."),
    "missing_columns": QT_TRANSLATE_NOOP("errors", "Required columns are missing from the header row."),
    "no_lines": QT_TRANSLATE_NOOP("errors", "The file contains no fee lines."),
    "too_many_lines": QT_TRANSLATE_NOOP("errors", "The bill has too many lines."),
    "unreadable": QT_TRANSLATE_NOOP("errors", "The file cannot be read."),
    "not_a_file": QT_TRANSLATE_NOOP("errors", "This is not an ordinary file (a device, folder or pipe); choose the bill file itself."),  # noqa: E501
    "too_large": QT_TRANSLATE_NOOP("errors", "The file is too large to be a bill."),
    "xlsx_too_large": QT_TRANSLATE_NOOP("errors", "The Excel workbook is too large when unpacked."),
    "xlsx_compression": QT_TRANSLATE_NOOP("errors", "The Excel workbook is packed in a way no spreadsheet program writes (suspicious compression); it was not opened."),  # noqa: E501
    "xlsx_cell_too_long": QT_TRANSLATE_NOOP("errors", "The Excel workbook holds a cell or text that is too long."),
    "header_block": QT_TRANSLATE_NOOP("errors", "The rows above the fee table (patient and admission) cannot be read."),
}
# The header block of a HIS hand-off (docs/his-interface.md): key/value rows above the fee table.
MAX_BLOCK_ROWS = 64
MAX_BLOCK_VALUE_CHARS = 500


class BillFileError(AppError):
    """The file as a whole cannot be read as a bill (format, encoding, header, size).

    code: empty, encoding, bad_json, bad_csv, bad_xlsx, unsupported, missing_columns,
    no_lines, too_many_lines, unreadable, not_a_file, too_large, xlsx_too_large,
    xlsx_compression, xlsx_cell_too_long, header_block.
    """

    clerk_text = QT_TRANSLATE_NOOP("errors", "The bill file cannot be used.")

    def __init__(self, file: str, code: str, detail: str, line: int = 0) -> None:
        self.file, self.code, self.detail, self.line = file, code, detail, line
        self.clerk_text = _CLERK_TEXTS.get(code, self.clerk_text)
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {detail}")


@dataclass(frozen=True, slots=True)
class LineError:
    line: int          # physical line (CSV), row (XLSX) or item number (JSON), 1-based
    field: str         # platform field name (or the column's title), "" for the whole line
    code: str          # stable kind of problem, translated by the UI
    detail: str        # English detail for logs and the CLI
    value: str = ""    # the offending cell as read (shortened), shown beside the translated problem


@dataclass(slots=True)
class ImportedBill:
    source: str
    format: str                      # json | csv | xlsx
    encoding: str                    # UTF-8, UTF-8 (BOM), GB18030, binary
    fees: list[dict[str, Any]]
    line_numbers: list[int]
    errors: list[LineError] = field(default_factory=list)
    title: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> Decimal:
        """Sum of the line amounts (for the preview); meaningful only when ok."""
        return sum((Decimal(str(f["det_item_fee_sumamt"])) for f in self.fees), Decimal(0))


def import_bill(path: str | Path) -> ImportedBill:
    path = Path(path)
    try:
        data = read_input_file(path, max_bytes=MAX_BILL_BYTES, what="bill")
    except InputFileError as exc:
        raise BillFileError(path.name, exc.code, exc.detail) from None
    return import_bill_bytes(data, path.name)


def import_bill_bytes(data: bytes, name: str) -> ImportedBill:
    suffix = Path(name).suffix.lower()
    if not data or data.isspace():
        raise BillFileError(name, "empty", "the file is empty")
    if len(data) > MAX_BILL_BYTES:
        raise BillFileError(name, "too_large", f"is {describe_size(len(data))}; at most "
                            f"{describe_size(MAX_BILL_BYTES)} is read")
    start = re.match(rb"\s*", data)
    first = data[start.end():start.end() + 1] if start else b""
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        bill = _from_xlsx(data, name)
    elif suffix == ".json" or first in (b"{", b"["):
        bill = _from_json(data, name)
    elif suffix in (".csv", ".txt", ""):
        bill = _from_csv(data, name)
    else:
        raise BillFileError(name, "unsupported", f"unsupported file type '{suffix}' (use JSON, CSV or XLSX)")
    if not bill.fees and not bill.errors:
        raise BillFileError(name, "no_lines", "the file has no fee lines")
    if len(bill.fees) > MAX_LINES:
        raise BillFileError(name, "too_many_lines", f"{len(bill.fees)} lines; at most {MAX_LINES} per bill")
    return bill


class HeaderBlock(dict[str, str]):
    """A hand-off's header block (keys as written) with the line (row) each key was found on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}


def import_handoff_bytes(data: bytes, name: str) -> tuple[HeaderBlock, ImportedBill]:
    """A CSV or XLSX HIS hand-off: its header block (key/value rows above the fee table, keys as
    written) and its bill, read with the same checks and limits as a bill."""
    suffix = Path(name).suffix.lower()
    if not data or data.isspace():
        raise BillFileError(name, "empty", "the file is empty")
    if len(data) > MAX_BILL_BYTES:
        raise BillFileError(name, "too_large", f"is {describe_size(len(data))}; at most "
                            f"{describe_size(MAX_BILL_BYTES)} is read")
    block = HeaderBlock()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        bill = _from_xlsx(data, name, block)
    elif suffix in (".csv", ".txt", ""):
        bill = _from_csv(data, name, block)
    else:
        raise BillFileError(name, "unsupported", f"unsupported file type '{suffix}' (use JSON, CSV or XLSX)")
    if not bill.fees and not bill.errors:
        raise BillFileError(name, "no_lines", "the file has no fee lines")
    return block, bill


def _is_fee_header(row: Sequence[Any]) -> bool:
    keys = set()
    for cell in row[:MAX_COLUMNS]:
        key = ("" if cell is None else str(cell)).strip().lstrip("\ufeff")
        keys.add(key if key in FIELDS else HEADER_ALIASES.get(key))
    return all(f in keys for f in REQUIRED)


def _block_row(block: dict[str, str], row: Sequence[Any], name: str, line: int) -> None:
    """One key/value row of a hand-off's header block, into ``block``."""
    cells = [("" if c is None else str(c)).strip().lstrip("\ufeff") for c in row[:MAX_COLUMNS]]
    while cells and not cells[-1]:
        cells.pop()
    if len(block) >= MAX_BLOCK_ROWS:
        raise BillFileError(name, "header_block", f"more than {MAX_BLOCK_ROWS} rows above the fee table "
                            "(is its header row missing?)", line)
    if len(cells) != 2 or not cells[0]:
        raise BillFileError(name, "header_block", "a row above the fee table must be a key and a value "
                            f"(found {len(cells)} cell(s); the fee table needs its header row)", line)
    key, value = cells
    if len(key) > 40 or len(value) > MAX_BLOCK_VALUE_CHARS:
        raise BillFileError(name, "header_block", f"{_shorten(key)}: longer than {MAX_BLOCK_VALUE_CHARS} "
                            "characters", line)
    if key in block:
        raise BillFileError(name, "header_block", f"{key}: given twice", line)
    block[key] = value
    if isinstance(block, HeaderBlock):
        block.lines[key] = line


def _too_many_lines(name: str, line: int) -> BillFileError:
    return BillFileError(name, "too_many_lines", f"more than {MAX_LINES} fee lines (reading stopped at line "
                         f"{line}); at most {MAX_LINES} per bill", line)


def _shorten(value: str, size: int = 40) -> str:
    return value if len(value) <= size else value[:size] + "…"


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise BillFileError(name, "encoding", f"not UTF-8 text after its UTF-8 mark (byte {exc.start + 3})") \
                from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise BillFileError(name, "encoding", f"neither UTF-8 nor GBK/GB18030 text (byte {exc.start})") from None


# ---------------------------------------------------------------------------------------------
# One line's cells: sizes first (before anything converts them), then the fee line itself


class _Column(NamedTuple):
    key: str | None    # platform field name, None for a column the bill does not use
    title: str         # as in the header row (shortened), to name an unused column in errors


class _LongNumber:
    """A JSON number too long to convert; keeps only its length and first digits."""

    __slots__ = ("length", "preview")

    def __init__(self, text: str) -> None:
        self.length, self.preview = len(text), _shorten(text)


def _cell_too_long(line: int, where: str, value: str) -> LineError:
    # A cell of a line too long for csv arrives cut to MAX_CELL_CHARS + 1 characters.
    size = f"more than {MAX_CELL_CHARS:,}" if len(value) == MAX_CELL_CHARS + 1 else f"{len(value):,}"
    return LineError(line, where, "too_long", f"{size} characters; a cell holds at most {MAX_CELL_CHARS:,}",
                     _shorten(value))


def _cell_error(line: int, column: _Column, value: Any) -> LineError | None:
    where = column.key or column.title
    if isinstance(value, _LongNumber):
        return LineError(line, where, "too_long", f"a number of {value.length:,} characters; "
                         f"at most {MAX_NUMBER_CHARS}", value.preview)
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CELL_CHARS:
        return _cell_too_long(line, where, value)
    if column.key in NUMERIC and len(value.strip()) > MAX_NUMBER_CHARS:
        return LineError(line, where, "too_long", f"a number of {len(value.strip()):,} characters; "
                         f"at most {MAX_NUMBER_CHARS}", _shorten(value.strip()))
    return None


def _row_to_fee(columns: Sequence[_Column], cells: Sequence[Any], line: int, errors: list[LineError],
                convert: Callable[[Any], Any] | None = None) -> tuple[dict[str, Any], bool]:
    """The fee line of one row, and whether its cells are all within size (errors appended)."""
    fee: dict[str, Any] = {}
    within = True
    for column, value in zip(columns, cells, strict=False):
        if value is None:
            continue
        if convert is not None:
            value = convert(value)
        problem = _cell_error(line, column, value)
        if problem is not None:
            errors.append(problem)
            within = False
            continue
        if column.key is None:
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        fee[column.key] = value
    # Cells right of the header: not used, only held to the cell limit (an XLSX row comes padded
    # with None to MAX_COLUMNS, hence the count at C speed first).
    extra = cells[len(columns):MAX_COLUMNS]
    if extra and extra.count(None) != len(extra):
        for number, value in enumerate(extra, start=len(columns) + 1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                errors.append(_cell_too_long(line, f"column {number}", value))
                within = False
    return fee, within


def _header_columns(header: Sequence[Any], name: str, line: int) -> list[_Column]:
    columns: list[_Column] = []
    titles = list(header[:MAX_COLUMNS])
    while titles and not _filled(titles[-1]):  # an XLSX row comes padded to MAX_COLUMNS
        titles.pop()
    for number, cell in enumerate(titles, start=1):
        key = ("" if cell is None else str(cell)).strip().lstrip("\ufeff")
        columns.append(_Column(key if key in FIELDS else HEADER_ALIASES.get(key), _shorten(key) or f"column {number}"))
    missing = [f for f in REQUIRED if f not in {c.key for c in columns}]
    if missing:
        raise BillFileError(name, "missing_columns", f"missing column(s): {', '.join(missing)}", line)
    return columns


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _check_lines(bill: ImportedBill, skip: set[int]) -> None:
    """The rules core's check of every line whose cells were within size (the others already
    have their errors)."""
    seen: dict[str, int] = {}
    for fee, line in zip(bill.fees, bill.line_numbers, strict=True):
        if line in skip:
            continue
        try:
            parsed = rules.parse_fee_line(fee, "line")
        except RequestError as exc:
            field_name = exc.field.removeprefix("line").lstrip(".")
            raw = fee.get(field_name) if isinstance(fee, dict) and field_name else None
            bill.errors.append(LineError(line, field_name, exc.code, exc.problem,
                                         "" if raw is None else _shorten(str(raw))))
            continue
        if parsed.feedetl_sn in seen:
            bill.errors.append(LineError(
                line, "feedetl_sn", "duplicate",
                f"serial {parsed.feedetl_sn} already used on line {seen[parsed.feedetl_sn]}",
                _shorten(parsed.feedetl_sn)))
        else:
            seen[parsed.feedetl_sn] = line
    bill.errors.sort(key=lambda e: e.line)


# ---------------------------------------------------------------------------------------------
# JSON


def _json_int(text: str) -> int | _LongNumber:
    return int(text) if len(text) <= MAX_NUMBER_CHARS else _LongNumber(text)


def _json_float(text: str) -> Decimal | _LongNumber:
    return Decimal(text) if len(text) <= MAX_NUMBER_CHARS else _LongNumber(text)


def _from_json(data: bytes, name: str) -> ImportedBill:
    text, encoding = _decode(data, name)
    try:
        doc = json.loads(text, parse_float=_json_float, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise BillFileError(name, "bad_json", f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise BillFileError(name, "bad_json", "JSON nested too deeply") from None
    except ValueError as exc:  # any other conversion the decoder refuses
        raise BillFileError(name, "bad_json", f"invalid JSON: {_shorten(str(exc), 120)}") from None
    title = ""
    if isinstance(doc, dict):
        raw_title = doc.get("title", "")
        title = _shorten(raw_title, 200) if isinstance(raw_title, str) else ""
        items = doc.get("feedetail", doc.get("fees"))
        if "input" in doc and isinstance(doc["input"], dict):  # a whole 2301 envelope
            items = doc["input"].get("feedetail")
    else:
        items = doc
    if not isinstance(items, list):
        raise BillFileError(name, "no_lines", "expected a list of fee lines under 'feedetail' or 'fees'")
    if len(items) > MAX_LINES:
        raise BillFileError(name, "too_many_lines", f"{len(items)} lines; at most {MAX_LINES} per bill")
    fees: list[dict[str, Any]] = []
    errors: list[LineError] = []
    skip: set[int] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            fees.append(item)  # the rules core names it: not a fee line
            continue
        # 2301 lines carry many more fields (mdtrt_id, rxno, bilg_dept_codg ...): keep ours.
        fee = {k: v for k, v in item.items() if k in FIELDS}
        for key, value in fee.items():
            problem = _cell_error(number, _Column(key, key), value)
            if problem is not None:
                errors.append(problem)
                skip.add(number)
        fees.append(fee)
    bill = ImportedBill(name, "json", encoding, fees, list(range(1, len(fees) + 1)), errors, title=title)
    _check_lines(bill, skip)
    return bill


# ---------------------------------------------------------------------------------------------
# CSV

_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"?')


def _split_long_line(line: str, delimiter: str) -> str:
    """A line too long for the csv module, rewritten as one csv can read: its first MAX_COLUMNS
    cells, each cut to MAX_CELL_CHARS + 1 characters (still over the cell limit, so the cell
    check names the field). Only a line over MAX_LINE_CHARS, already an error, comes here."""
    body = line.rstrip("\r\n")
    cells: list[str] = []
    position, end = 0, len(body)
    while len(cells) < MAX_COLUMNS:
        if body.startswith('"', position):
            match = _QUOTED.match(body, position)
            assert match is not None  # the pattern matches any text that starts with a quote
            cells.append(match.group(1)[:2 * MAX_CELL_CHARS + 2].replace('""', '"')[:MAX_CELL_CHARS + 1])
            position = match.end()
        else:
            stop = body.find(delimiter, position)
            stop = end if stop < 0 else stop
            cells.append(body[position:min(stop, position + MAX_CELL_CHARS + 1)])
            position = stop
        following = body.find(delimiter, position)
        if following < 0:
            break
        position = following + 1
    return delimiter.join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n"


class _PhysicalLines:
    """The text's lines as the csv module reads them (newline=''), each line over
    MAX_LINE_CHARS replaced by its shortened cells and its number remembered."""

    def __init__(self, text: str, delimiter: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self._delimiter = delimiter
        self.number = 0
        self.too_long: dict[int, int] = {}  # line number -> length

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        if len(line) <= MAX_LINE_CHARS:
            return line
        self.too_long[self.number] = len(line)
        return _split_long_line(line, self._delimiter)


def _from_csv(data: bytes, name: str, block: dict[str, str] | None = None) -> ImportedBill:
    text, encoding = _decode(data, name)
    newline = re.search(r"[\r\n]", text)
    first = text[:newline.start() if newline else len(text)]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    lines = _PhysicalLines(text, delimiter)
    reader = csv.reader(lines, delimiter=delimiter)
    columns: list[_Column] | None = None
    fees: list[dict[str, Any]] = []
    numbers: list[int] = []
    errors: list[LineError] = []
    skip: set[int] = set()
    count = 0  # data lines so far, good or bad
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a quoted cell over csv's own limit, spread over lines
            line = reader.line_num
            if columns is None:
                raise BillFileError(name, "bad_csv", f"the header row cannot be read: {exc}", line) from None
            count += 1
            if count > MAX_LINES:
                raise _too_many_lines(name, line) from None
            if "field larger" in str(exc):
                errors.append(LineError(line, "", "too_long", f"a quoted cell of more than {MAX_LINE_CHARS:,} "
                                        "characters, over several lines"))
            else:
                errors.append(LineError(line, "", "bad_csv", f"cannot be read as CSV: {exc}"))
            skip.add(line)
            continue
        line = reader.line_num
        length = lines.too_long.get(line)
        if columns is None:
            if not any(map(_filled, row[:MAX_COLUMNS])):
                continue
            if length is not None:
                raise BillFileError(name, "bad_csv", f"the header row is {length:,} characters long; "
                                    f"at most {MAX_LINE_CHARS:,}", line)
            if block is not None and not _is_fee_header(row):
                _block_row(block, row, name, line)
                continue
            columns = _header_columns(row, name, line)
            continue
        if not any(map(_filled, row[:MAX_COLUMNS])):
            continue
        count += 1
        if count > MAX_LINES:
            raise _too_many_lines(name, line)
        found = len(errors)
        fee, within = _row_to_fee(columns, row, line, errors)
        if length is not None:
            if len(errors) == found:  # no cell over the limit: the line as a whole
                errors.append(LineError(line, "", "too_long", f"a line of {length:,} characters; "
                                        f"at most {MAX_LINE_CHARS:,}"))
            else:
                errors[found:] = [replace(e, detail=f"{e.detail} (a line of {length:,} characters)")
                                  for e in errors[found:]]
            within = False
        if not within:
            skip.add(line)
        fees.append(fee)
        numbers.append(line)
    if columns is None:
        raise BillFileError(name, "no_lines", "the file has no header row")
    bill = ImportedBill(name, "csv", encoding, fees, numbers, errors)
    _check_lines(bill, skip)
    return bill


# ---------------------------------------------------------------------------------------------
# XLSX: the ZIP directory, then each XML part as it inflates, then the first sheet's rows

_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
# In a part: <row> elements are counted (bytes.count, no allocation per row, for the usual
# spellings; a regex for namespace prefixes); a DOCTYPE (entity declarations) or a CDATA section
# (text that may hold '<' and so escape the run check) is in no workbook.
_ROW_TAGS = (b"<row ", b"<row>", b"<row/>", b"<row\t", b"<row\n", b"<row\r")
_PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]{0,15}:row[\s/>]")
_FORBIDDEN = re.compile(rb"<!DOCTYPE|<!\[CDATA\[")
_MARK_OVERLAP = 32  # longer than any mark: a mark cut by a chunk's end is found in the next


def _part(info: zipfile.ZipInfo) -> str:
    return _shorten(info.filename, 80)


def _xlsx_directory(data: bytes, name: str) -> zipfile.ZipFile:
    """The workbook's ZIP directory, opened once its size, its entries' uncompressed sizes and
    their compression ratios are within bounds (only the central directory is read)."""
    tail = len(data) - 22
    if tail >= 0 and data[tail:tail + 4] == _END_RECORD:
        end = tail
    else:
        end = data.rfind(_END_RECORD, max(0, len(data) - 65_557))
    if end < 0 or len(data) - end < 22:
        raise BillFileError(name, "bad_xlsx", "not a readable XLSX workbook (no ZIP directory)")
    entries = int.from_bytes(data[end + 10:end + 12], "little")
    directory = int.from_bytes(data[end + 12:end + 16], "little")
    if end >= 76 and data[end - 20:end - 16] == _ZIP64_LOCATOR:  # zipfile would use these instead
        record = end - 76
        entries = max(entries, int.from_bytes(data[record + 32:record + 40], "little"))
        directory = max(directory, int.from_bytes(data[record + 40:record + 48], "little"))
    if entries > MAX_XLSX_MEMBERS or directory > MAX_XLSX_DIRECTORY_BYTES:
        raise BillFileError(name, "xlsx_too_large", f"the workbook's ZIP directory lists {entries:,} parts in "
                            f"{describe_size(directory)}; at most {MAX_XLSX_MEMBERS:,} parts")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, and whatever a damaged directory makes zipfile raise
        raise BillFileError(name, "bad_xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    infos = archive.infolist()
    if len(infos) > MAX_XLSX_MEMBERS:
        archive.close()
        raise BillFileError(name, "xlsx_too_large", f"the workbook has {len(infos):,} parts; at most "
                            f"{MAX_XLSX_MEMBERS:,}")
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        problem = None
        if size > XLSX_RATIO_FROM_BYTES and size > MAX_XLSX_RATIO * max(packed, 1):
            problem = BillFileError(
                name, "xlsx_compression",
                f"part {_part(info)} unpacks from {describe_size(packed)} to {describe_size(size)} "
                f"({size // max(packed, 1):,}:1); a workbook part never packs more than {MAX_XLSX_RATIO}:1 "
                f"(a 'zip bomb')")
        elif size > MAX_XLSX_MEMBER_BYTES:
            problem = BillFileError(name, "xlsx_too_large", f"part {_part(info)} unpacks to {describe_size(size)}; "
                                    f"at most {describe_size(MAX_XLSX_MEMBER_BYTES)} per part")
        total += size
        if problem is None and total > MAX_XLSX_TOTAL_BYTES:
            problem = BillFileError(name, "xlsx_too_large", f"the workbook unpacks to more than "
                                    f"{describe_size(MAX_XLSX_TOTAL_BYTES)}")
        if problem is not None:
            archive.close()
            raise problem
    return archive


def _long_run(chunk: bytes, first: int, last: int) -> int:
    """The length of a run without '<' longer than MAX_XML_RUN_BYTES between the chunk's first
    and last '<', or 0. Looks only at windows of half that size (at C speed): such a run
    covers at least one whole window."""
    step = MAX_XML_RUN_BYTES // 2
    for start in range(first + 1, last, step):
        stop = min(start + step, last)
        if chunk.find(b"<", start, stop) < 0:
            length = chunk.find(b"<", stop) - chunk.rfind(b"<", 0, start) - 1
            if length > MAX_XML_RUN_BYTES:
                return length
    return 0


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Inflates one part a chunk at a time (its CRC is checked at the end) and refuses it on a
    run of text over MAX_XML_RUN_BYTES, more than MAX_SHEET_ROWS rows, a DOCTYPE or CDATA."""

    def long_text(length: int) -> BillFileError:
        return BillFileError(name, "xlsx_cell_too_long", f"part {_part(info)} holds {describe_size(length)} of "
                             f"text in one place (a cell, a tag or whitespace); at most "
                             f"{describe_size(MAX_XML_RUN_BYTES)}")

    with archive.open(info) as part:
        chunk = part.read(_SCAN_CHUNK)
        head = chunk[3:] if chunk.startswith(b"\xef\xbb\xbf") else chunk
        if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
            raise BillFileError(name, "bad_xlsx", f"part {_part(info)} is UTF-16 XML, which no workbook writer uses")
        if head[:1] and not head[:1].isspace() and head[:1] != b"<":
            return  # not XML (an image, printer settings): no XML parser reads it
        rows, run, carry = 0, 0, b""
        while chunk:
            following = part.read(_SCAN_CHUNK)
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
            else:
                run += first
                if run > MAX_XML_RUN_BYTES:
                    raise long_text(run)
                last = chunk.rfind(b"<")
                inner = _long_run(chunk, first, last)
                if inner:
                    raise long_text(inner)
                run = len(chunk) - last - 1
            if run > MAX_XML_RUN_BYTES:
                raise long_text(run)
            buffer = carry + chunk
            forbidden = _FORBIDDEN.search(buffer)
            if forbidden:
                kind = "a DOCTYPE" if b"DOCTYPE" in forbidden.group() else "a CDATA section"
                raise BillFileError(name, "bad_xlsx", f"part {_part(info)} holds {kind}, which no workbook has")
            # Marks starting before `cut` are counted now, the others (in `carry`) with the next chunk.
            cut = max(len(buffer) - _MARK_OVERLAP, 0) if following else len(buffer)
            rows += sum(buffer.count(tag, 0, cut + len(tag) - 1) for tag in _ROW_TAGS)
            rows += sum(1 for match in _PREFIXED_ROW.finditer(buffer) if match.start() < cut)
            if rows > MAX_SHEET_ROWS:
                raise BillFileError(name, "too_many_lines", f"part {_part(info)} has more than "
                                    f"{MAX_SHEET_ROWS:,} rows; a bill has at most {MAX_LINES:,} lines")
            carry = buffer[cut:]
            chunk = following


def _excel_value(value: Any) -> Any:
    # openpyxl returns numeric cells as int/float; 15 significant digits undo binary noise
    # (a cell showing 0.3 may hold 0.30000000000000004).
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _from_xlsx(data: bytes, name: str, block: dict[str, str] | None = None) -> ImportedBill:
    archive = _xlsx_directory(data, name)
    try:
        for info in archive.infolist():
            _scan_part(archive, info, name)
    except BillFileError:
        raise
    except Exception as exc:  # a bad CRC, a damaged deflate stream, an unknown compression
        raise BillFileError(name, "bad_xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    finally:
        archive.close()

    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BillFileError(name, "bad_xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        try:
            sheet = book.worksheets[0]
            # Every row, whatever the sheet's <dimension> claims, but no more than MAX_COLUMNS cells each.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        except Exception as exc:
            raise BillFileError(name, "bad_xlsx", f"the first sheet cannot be read ({type(exc).__name__})") from None
        return _xlsx_bill(rows, name, block)
    finally:
        book.close()


def _xlsx_bill(rows: Iterator[tuple[Any, ...]], name: str, block: dict[str, str] | None = None) -> ImportedBill:
    """The bill from the first sheet's rows, read as they arrive: reading stops at the first
    row past MAX_LINES fee lines."""
    columns: list[_Column] | None = None
    fees: list[dict[str, Any]] = []
    numbers: list[int] = []
    errors: list[LineError] = []
    skip: set[int] = set()
    blank: tuple[Any, ...] | None = None  # openpyxl yields one tuple for every missing row
    index = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except Exception as exc:  # a cell openpyxl cannot convert (a 5,000-digit number ...)
            raise BillFileError(name, "bad_xlsx", f"a row after row {index} cannot be read "
                                f"({type(exc).__name__}: {_shorten(str(exc), 80)})") from None
        index += 1
        if index > EXCEL_MAX_ROW:
            raise BillFileError(name, "bad_xlsx", f"the sheet has rows past Excel's last row {EXCEL_MAX_ROW:,}")
        if row is blank:
            continue
        if row.count(None) == len(row) or not any(map(_filled, row)):
            blank = row
            continue
        if columns is None:
            if block is not None and not _is_fee_header(row):
                _block_row(block, tuple(_excel_value(c) for c in row), name, index)
                continue
            columns = _header_columns(row, name, index)
            continue
        if len(numbers) >= MAX_LINES:
            raise _too_many_lines(name, index)
        fee, within = _row_to_fee(columns, row, index, errors, _excel_value)
        if not within:
            skip.add(index)
        fees.append(fee)
        numbers.append(index)
    if columns is None:
        raise BillFileError(name, "no_lines", "the first sheet is empty")
    bill = ImportedBill(name, "xlsx", "binary", fees, numbers, errors)
    _check_lines(bill, skip)
    return bill
