"""Importing an itemised bill from the hospital information system (HIS).

Formats: JSON in the 2301 fee-upload shape ({"feedetail": [...]}, {"fees": [...]} or a bare
list), CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 — HIS systems export all of these) and XLSX.
CSV/XLSX headers may use the platform's field names or the usual Chinese column titles.

Every line is checked with the rules core's own fee-line validation, and every problem is
reported with its line number and field; a bill with any error is refused whole.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import rules
from ..rules import RequestError

MAX_LINES = 20_000

FIELDS = ("feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt",
          "chrgitm_lv", "selfpay_prop", "pric_uplmt_amt")
REQUIRED = ("feedetl_sn", "med_list_codg", "pric", "cnt", "det_item_fee_sumamt")

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


class BillFileError(Exception):
    """The file as a whole cannot be read as a bill (format, encoding, header)."""

    def __init__(self, file: str, code: str, detail: str, line: int = 0) -> None:
        self.file, self.code, self.detail, self.line = file, code, detail, line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {detail}")


@dataclass(frozen=True, slots=True)
class LineError:
    line: int          # physical line (CSV), row (XLSX) or item number (JSON), 1-based
    field: str         # platform field name, "" for the whole line
    code: str          # stable kind of problem, translated by the UI
    detail: str        # English detail for logs and the CLI
    value: str = ""    # the offending cell as read, shown beside the translated problem


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
        data = path.read_bytes()
    except OSError as exc:
        raise BillFileError(path.name, "unreadable", f"cannot read: {exc.strerror}") from None
    return import_bill_bytes(data, path.name)


def import_bill_bytes(data: bytes, name: str) -> ImportedBill:
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise BillFileError(name, "empty", "the file is empty")
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        bill = _from_xlsx(data, name)
    elif suffix == ".json" or data.lstrip()[:1] in (b"{", b"["):
        bill = _from_json(data, name)
    elif suffix in (".csv", ".txt", ""):
        bill = _from_csv(data, name)
    else:
        raise BillFileError(name, "unsupported", f"unsupported file type '{suffix}' (use JSON, CSV or XLSX)")
    if not bill.fees and not bill.errors:
        raise BillFileError(name, "no_lines", "the file has no fee lines")
    if len(bill.fees) > MAX_LINES:
        raise BillFileError(name, "too_many_lines", f"{len(bill.fees)} lines; at most {MAX_LINES} per bill")
    _check_lines(bill)
    return bill


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise BillFileError(name, "encoding", f"neither UTF-8 nor GBK/GB18030 text (byte {exc.start})") from None


def _from_json(data: bytes, name: str) -> ImportedBill:
    text, encoding = _decode(data, name)
    try:
        doc = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise BillFileError(name, "bad_json", f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise BillFileError(name, "bad_json", "JSON nested too deeply") from None
    title = ""
    if isinstance(doc, dict):
        title = str(doc.get("title", ""))
        items = doc.get("feedetail", doc.get("fees"))
        if "input" in doc and isinstance(doc["input"], dict):  # a whole 2301 envelope
            items = doc["input"].get("feedetail")
    else:
        items = doc
    if not isinstance(items, list):
        raise BillFileError(name, "no_lines", "expected a list of fee lines under 'feedetail' or 'fees'")
    fees: list[dict[str, Any]] = []
    for item in items:
        # 2301 lines carry many more fields (mdtrt_id, rxno, bilg_dept_codg ...): keep ours.
        fees.append({k: v for k, v in item.items() if k in FIELDS} if isinstance(item, dict) else item)
    return ImportedBill(name, "json", encoding, fees, list(range(1, len(fees) + 1)), title=title)


def _header_map(header: list[str], name: str, line: int) -> list[str | None]:
    mapped: list[str | None] = []
    for title in header:
        key = title.strip().lstrip("\ufeff")
        mapped.append(key if key in FIELDS else HEADER_ALIASES.get(key))
    missing = [f for f in REQUIRED if f not in mapped]
    if missing:
        raise BillFileError(name, "missing_columns", f"missing column(s): {', '.join(missing)}", line)
    return mapped


def _row_to_fee(mapped: list[str | None], cells: list[Any]) -> dict[str, Any]:
    fee: dict[str, Any] = {}
    for key, value in zip(mapped, cells, strict=False):
        if key is None or value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        fee[key] = value
    return fee


def _from_csv(data: bytes, name: str) -> ImportedBill:
    text, encoding = _decode(data, name)
    lines = text.splitlines()
    delimiter = "\t" if lines and lines[0].count("\t") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [(reader.line_num, row) for row in reader]
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise BillFileError(name, "no_lines", "the file has no header row")
    header_line, header = rows[0]
    mapped = _header_map(header, name, header_line)
    fees, numbers = [], []
    for line_no, row in rows[1:]:
        fees.append(_row_to_fee(mapped, row))
        numbers.append(line_no)
    return ImportedBill(name, "csv", encoding, fees, numbers)


def _excel_value(value: Any) -> Any:
    # openpyxl returns numeric cells as int/float; 15 significant digits undo binary noise
    # (a cell showing 0.3 may hold 0.30000000000000004).
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _from_xlsx(data: bytes, name: str) -> ImportedBill:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BillFileError(name, "bad_xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows = [(i, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    rows = [(n, r) for n, r in rows if any(c is not None and str(c).strip() for c in r)]
    if not rows:
        raise BillFileError(name, "no_lines", "the first sheet is empty")
    header_line, header = rows[0]
    mapped = _header_map([str(c or "") for c in header], name, header_line)
    fees, numbers = [], []
    for row_no, row in rows[1:]:
        fees.append(_row_to_fee(mapped, [_excel_value(c) for c in row]))
        numbers.append(row_no)
    return ImportedBill(name, "xlsx", "binary", fees, numbers)


def _check_lines(bill: ImportedBill) -> None:
    seen: dict[str, int] = {}
    for fee, line in zip(bill.fees, bill.line_numbers, strict=True):
        try:
            parsed = rules.parse_fee_line(fee, "line")
        except RequestError as exc:
            field_name = exc.field.removeprefix("line").lstrip(".")
            raw = fee.get(field_name) if isinstance(fee, dict) and field_name else None
            bill.errors.append(LineError(line, field_name, exc.code, exc.problem, "" if raw is None else str(raw)))
            continue
        if parsed.feedetl_sn in seen:
            bill.errors.append(LineError(
                line, "feedetl_sn", "duplicate",
                f"serial {parsed.feedetl_sn} already used on line {seen[parsed.feedetl_sn]}", parsed.feedetl_sn))
        else:
            seen[parsed.feedetl_sn] = line
