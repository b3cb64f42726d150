"""Money into the funds (安徽: 每季度公布医保基金收支情况 — the income side): premiums, subsidies,
transfers, entered one by one (`central fund income add`) or imported from a CSV or XLSX file
(`central fund income import`). Rows are never changed; a correction is a negative row.

A file has a header row naming its columns (English or Chinese, any order):

    date 日期 (YYYY-MM-DD) | fund 基金 (pool|hifmi|maf, or 统筹基金|大病保险|医疗救助) |
    kind 类别 (premium|contribution|subsidy|transfer|interest|other, or 保费|个人缴费|财政补助|
    划拨|利息|其他) | amount 金额 (yuan, two decimals at most) | admdvs 医保区划 (6 digits) |
    insutype 险种 (3 digits) | note 备注 (optional)

Every problem is reported as ``FILE line N: field: what`` (all of them, up to 50), and nothing is
stored unless the whole file is good.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...rules.money import fmt
from ..store import CentralStore, FundIncome
from .common import FUNDS, FundInputError, parse_amount

KINDS = {"premium": "保费", "contribution": "个人缴费", "subsidy": "财政补助", "transfer": "划拨转入",
         "interest": "利息收入", "other": "其他收入"}
_FUND_ALIASES = {"pool": "pool", "统筹基金": "pool", "基本医疗保险统筹基金": "pool", "hifmi": "hifmi",
                 "大病保险": "hifmi", "maf": "maf", "医疗救助": "maf"}
_KIND_ALIASES = {**{k: k for k in KINDS}, "保费": "premium", "个人缴费": "contribution", "财政补助": "subsidy",
                 "划拨": "transfer", "划拨转入": "transfer", "利息": "interest", "利息收入": "interest",
                 "其他": "other", "其他收入": "other"}
_COLUMNS = {"date": "date", "日期": "date", "fund": "fund", "基金": "fund", "kind": "kind", "类别": "kind",
            "amount": "amount", "金额": "amount", "admdvs": "admdvs", "医保区划": "admdvs", "insutype": "insutype",
            "险种": "insutype", "note": "note", "备注": "note"}
REQUIRED = ("date", "fund", "kind", "amount", "admdvs", "insutype")
MAX_ERRORS = 50
MAX_ROWS = 200_000


def income_row(*, day: str, fund: str, kind: str, amount: str, admdvs: str, insutype: str, note: str,
               source: str, at: str, where: str = "") -> FundIncome:
    """One checked row; the error names ``where`` (a file and line) and every field that is wrong."""
    problems: list[str] = []
    day = day.strip()
    try:
        parsed = dt.date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None
    except ValueError:
        parsed = None
    if parsed is None:
        problems.append(f"date: {day!r} is not a date as YYYY-MM-DD")
    fund_key = _FUND_ALIASES.get(fund.strip())
    if fund_key is None:
        problems.append(f"fund: {fund!r} is not one of {', '.join(FUNDS)}")
    kind_key = _KIND_ALIASES.get(kind.strip())
    if kind_key is None:
        problems.append(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    value = None
    try:
        value = parse_amount(amount, "")
    except FundInputError:
        problems.append(f"amount: {amount!r} is not an amount in yuan with at most two decimals")
    if value == 0:
        problems.append("amount: is zero")
    if not re.fullmatch(r"\d{6}", admdvs.strip()):
        problems.append(f"admdvs: {admdvs!r} is not a 6-digit region code")
    if not re.fullmatch(r"\d{3}", insutype.strip()):
        problems.append(f"insutype: {insutype!r} is not a 3-digit insurance type")
    if problems or parsed is None or fund_key is None or kind_key is None or value is None:
        raise FundInputError("; ".join(f"{where}{problem}" for problem in problems))
    return FundIncome(day=parsed.isoformat(), fund=fund_key, kind=kind_key, amount=value, admdvs=admdvs.strip(),
                      insutype=insutype.strip(), note=note.strip()[:200], source=source, entered_at=at)


def add_income(store: CentralStore, row: FundIncome) -> None:
    with store.transaction():
        store.add_fund_income([row])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):  # a number cell: 15 significant digits undo binary noise
        return f"{Decimal(f'{value:.15g}'):f}"
    return str(value).strip()


def _read_rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    """(line number, cells) of the file's rows, the header first."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise FundInputError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from None
        try:
            sheet = book.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell(v) for v in row]
        finally:
            book.close()
        return
    if path.suffix.lower() != ".csv":
        raise FundInputError(f"{path}: expected a .csv or .xlsx file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_text(encoding="gb18030")
        except UnicodeDecodeError:
            raise FundInputError(f"{path}: neither UTF-8 nor GB18030 text") from None
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        yield number, row


def read_income_file(path: str | Path, at: str) -> list[FundIncome]:
    """The file's rows, all checked; FundInputError listing every problem (file, line, field)."""
    path = Path(path)
    if not path.is_file():
        raise FundInputError(f"{path}: no such file")
    rows: list[FundIncome] = []
    errors: list[str] = []
    columns: dict[str, int] | None = None
    for number, cells in _read_rows(path):
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            columns = {}
            for index, name in enumerate(cells):
                key = _COLUMNS.get(name.strip().lower()) or _COLUMNS.get(name.strip())
                if key is not None:
                    columns[key] = index
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise FundInputError(f"{path} line {number}: the header lacks the column(s) {', '.join(missing)} "
                                     f"(expected {', '.join(REQUIRED)}, note optional)")
            continue
        if len(rows) >= MAX_ROWS:
            raise FundInputError(f"{path} line {number}: more than {MAX_ROWS} rows; split the file")

        def get(key: str, cells: Sequence[str] = cells, columns: dict[str, int] = columns) -> str:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        try:
            rows.append(income_row(day=get("date"), fund=get("fund"), kind=get("kind"), amount=get("amount"),
                                   admdvs=get("admdvs"), insutype=get("insutype"), note=get("note"),
                                   source=f"{path.name}:{number}", at=at, where=f"{path} line {number}: "))
        except FundInputError as exc:
            errors.append(str(exc))
            if len(errors) >= MAX_ERRORS:
                break
    if columns is None:
        raise FundInputError(f"{path}: empty (no header row)")
    if errors:
        more = " (stopped at the first 50)" if len(errors) >= MAX_ERRORS else ""
        raise FundInputError(f"{len(errors)} problem(s){more}, nothing imported: " + "; ".join(errors))
    if not rows:
        raise FundInputError(f"{path}: no rows after the header")
    return rows


def import_income(store: CentralStore, path: str | Path, at: str) -> dict[str, Any]:
    rows = read_income_file(path, at)
    with store.transaction():
        store.add_fund_income(rows)
    by_fund: dict[str, Decimal] = {}
    for row in rows:
        by_fund[row.fund] = by_fund.get(row.fund, Decimal("0.00")) + row.amount
    return {"file": str(path), "rows": len(rows), "by_fund": {k: fmt(v) for k, v in sorted(by_fund.items())}}


def income_dict(row: FundIncome) -> dict[str, Any]:
    return {"id": row.id, "date": row.day, "fund": row.fund, "kind": row.kind, "amount": fmt(row.amount),
            "admdvs": row.admdvs, "insutype": row.insutype, "note": row.note, "source": row.source,
            "entered_at": row.entered_at}
