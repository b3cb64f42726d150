"""Money into the funds (安徽: 每季度公布医保基金收支情况 — the income side): premiums, subsidies,
transfers, entered one by one (`central fund income add`) or imported from a CSV or XLSX file
(`central fund income import`). Rows are never changed; a correction is a negative row.

A file has a header row naming its columns (English or Chinese, any order):

    date 日期 (YYYY-MM-DD) | fund 基金 (pool|hifmi|maf, or 统筹基金|大病保险|医疗救助) |
    kind 类别 (premium|contribution|subsidy|transfer|interest|other, or 保费|个人缴费|财政补助|
    划拨|利息|其他) | amount 金额 (yuan, two decimals at most) | admdvs 医保区划 (6 digits) |
    insutype 险种 (3 digits) | note 备注 (optional)

Every problem is reported as ``FILE 第 N 行 field 'value'：what`` (all of them, up to 50), and
nothing is stored unless the whole file is good; a file whose rows are stored already (the same
name, line and figures) is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
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


def _choices(names: dict[str, Any]) -> str:
    return ", ".join(names)


def income_row(*, day: str, fund: str, kind: str, amount: str, admdvs: str, insutype: str, note: str,
               source: str, at: str, where: str = "") -> FundIncome:
    """One checked row; the error names ``where`` (a file and line) and every field that is wrong
    (by its column name in a file, by its option on the command line)."""
    problems: list[str] = []

    def field(name: str) -> str:
        return name if where else f"--{name}"

    day = day.strip()
    try:
        parsed = dt.date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None
    except ValueError:
        parsed = None
    if parsed is None:
        problems.append(f"{field('date')} {day!r}：不是日期（YYYY-MM-DD）")
    fund_key = _FUND_ALIASES.get(fund.strip())
    if fund_key is None:
        problems.append(f"{field('fund')} {fund!r}：不是基金（{_choices(FUNDS)}）")
    kind_key = _KIND_ALIASES.get(kind.strip())
    if kind_key is None:
        problems.append(f"{field('kind')} {kind!r}：不是收入类别（{_choices(KINDS)}）")
    value = None
    try:
        value = parse_amount(amount, field("amount"))
    except FundInputError as exc:
        problems.append(str(exc))
    if value == 0:
        problems.append(f"{field('amount')} {amount!r}：金额为零")
    if not re.fullmatch(r"\d{6}", admdvs.strip()):
        problems.append(f"{field('admdvs')} {admdvs!r}：不是 6 位医保区划代码")
    if not re.fullmatch(r"\d{3}", insutype.strip()):
        problems.append(f"{field('insutype')} {insutype!r}：不是 3 位险种代码")
    if problems or parsed is None or fund_key is None or kind_key is None or value is None:
        raise FundInputError("；".join(f"{where}{problem}" for problem in problems))
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
            raise FundInputError(f"{path}：无法作为 XLSX 工作簿读取（{type(exc).__name__}）") from None
        try:
            sheet = book.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell(v) for v in row]
        finally:
            book.close()
        return
    if path.suffix.lower() != ".csv":
        raise FundInputError(f"{path}：只能导入 .csv 或 .xlsx 文件")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_text(encoding="gb18030")
        except UnicodeDecodeError:
            raise FundInputError(f"{path}：既不是 UTF-8 也不是 GB18030 编码的文本") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    first_line = 1
    for row in reader:  # a quoted note may span lines: a row is named by the line it starts on
        yield first_line, row
        first_line = reader.line_num + 1


def read_income_file(path: str | Path, at: str) -> list[FundIncome]:
    """The file's rows, all checked; FundInputError listing every problem (file, line, field)."""
    path = Path(path)
    if path.is_dir():
        raise FundInputError(f"{path}：这是一个文件夹，不是文件")
    if not path.is_file():
        raise FundInputError(f"{path}：文件不存在")
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
                raise FundInputError(f"{path} 第 {number} 行（表头）：缺少列 {', '.join(missing)}（应有 "
                                     f"{', '.join(REQUIRED)}，或对应的中文列名；note 备注可选）")
            continue
        if len(rows) >= MAX_ROWS:
            raise FundInputError(f"{path} 第 {number} 行：超过 {MAX_ROWS} 行，请拆分文件后分别导入")

        def get(key: str, cells: Sequence[str] = cells, columns: dict[str, int] = columns) -> str:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        try:
            rows.append(income_row(day=get("date"), fund=get("fund"), kind=get("kind"), amount=get("amount"),
                                   admdvs=get("admdvs"), insutype=get("insutype"), note=get("note"),
                                   source=f"{path.name}:{number}", at=at, where=f"{path} 第 {number} 行 "))
        except FundInputError as exc:
            errors.append(str(exc))
            if len(errors) >= MAX_ERRORS:
                break
    if columns is None:
        raise FundInputError(f"{path}：文件为空（没有表头行）")
    if errors:
        more = f"（只列出前 {MAX_ERRORS} 行）" if len(errors) >= MAX_ERRORS else ""
        raise FundInputError(f"{len(errors)} 行有错{more}，未导入任何一行：" + "；".join(errors))
    if not rows:
        raise FundInputError(f"{path}：表头之后没有数据行")
    return rows


def _key(row: FundIncome) -> tuple[str, str, str, str, Decimal, str, str]:
    return row.source, row.day, row.fund, row.kind, row.amount, row.admdvs, row.insutype


def _already_imported(store: CentralStore, path: Path, rows: list[FundIncome]) -> None:
    """The same file imported again would count its income twice: refused when any of its rows is
    stored already, from the same file name and line, with the same figures."""
    stored = {_key(r): r.entered_at for r in store.fund_income_between(min(r.day for r in rows),
                                                                      max(r.day for r in rows))}
    again = [(row.source.rsplit(":", 1)[-1], stored[_key(row)]) for row in rows if _key(row) in stored]
    if again:
        lines = "、".join(line for line, _ in again[:10]) + (" 等" if len(again) > 10 else "")
        raise FundInputError(f"{path}：第 {lines} 行已于 {again[0][1]} 从同名文件导入，未导入任何一行"
                             "（再次导入会重复计入收入；更正请导入负数行）")


def import_income(store: CentralStore, path: str | Path, at: str) -> dict[str, Any]:
    rows = read_income_file(path, at)
    with store.transaction():
        _already_imported(store, Path(path), rows)
        store.add_fund_income(rows)
    by_fund: dict[str, Decimal] = {}
    for row in rows:
        by_fund[row.fund] = by_fund.get(row.fund, Decimal("0.00")) + row.amount
    return {"file": str(path), "rows": len(rows), "by_fund": {k: fmt(v) for k, v in sorted(by_fund.items())}}


def income_dict(row: FundIncome) -> dict[str, Any]:
    return {"id": row.id, "date": row.day, "fund": row.fund, "kind": row.kind, "amount": fmt(row.amount),
            "admdvs": row.admdvs, "insutype": row.insutype, "note": row.note, "source": row.source,
            "entered_at": row.entered_at}
