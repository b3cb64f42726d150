"""Day-end (日结) and the monthly fund statement, and their Excel form (audited exports).

The fund statement is what a hospital claims back from each fund: the 大病保险 and 医疗救助 it
advanced at the window, and the basic pool. Per fund_pay_type over a month: settlements,
reversals, and the net amount (a reversal subtracts what its original paid), split into what the
central system has confirmed (final: what may be claimed) and what is still provisional (settled
offline, not yet confirmed). The workbooks carry the hospital's name and code, money formats and
a totals row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import store
from ..store import LocalDatabase, cash, journal
from ..store.money import money_text
from .private_files import private_output
from .usecases import DAY_END_KEYS, DayEndTotals

DAY_END_TITLES = {
    "medfee_sumamt": "医疗费用总额", "hifp_pay": "统筹支付", "hifmi_pay": "大病保险", "maf_pay": "医疗救助",
    "oth_pay": "其他支付", "fund_pay_sumamt": "基金支付合计", "acct_pay": "个人账户", "psn_cash_pay": "个人现金",
}


@dataclass(slots=True)
class FundLine:
    fund_pay_type: str
    fund_pay_type_name: str
    settlements: int = 0
    reversals: int = 0
    amount: Decimal = Decimal("0.00")             # final + provisional
    final_amount: Decimal = Decimal("0.00")       # confirmed by the central system: to claim
    provisional_amount: Decimal = Decimal("0.00")  # settled offline, not confirmed yet

    def to_dict(self) -> dict[str, Any]:
        return {"fund_pay_type": self.fund_pay_type, "fund_pay_type_name": self.fund_pay_type_name,
                "settlements": self.settlements, "reversals": self.reversals, "amount": money_text(self.amount),
                "final_amount": money_text(self.final_amount),
                "provisional_amount": money_text(self.provisional_amount)}


def fund_statement(db: LocalDatabase, month: str) -> list[FundLine]:
    """Per fund for a month ("2026-11"): from each settlement's setldetail, reversals subtracted
    (refused, store.JournalAltered, when an entry of the month was changed after it was written)."""
    first = f"{month}-01"
    last = f"{month}-31"
    store.content.require_intact(db, first, last)
    lines: dict[str, FundLine] = {}
    for entry in journal.list_entries(db, day_from=first, day_to=last):
        source_id = entry.reverses_local_id if entry.kind == "reversal" else entry.local_id
        if source_id is None:
            continue
        details = (journal.get_entry(db, source_id).result or {}).get("setldetail", [])
        for detail in details:
            line = lines.setdefault(detail["fund_pay_type"],
                                    FundLine(detail["fund_pay_type"], detail["fund_pay_type_name"]))
            amount = Decimal(detail["fund_payamt"])
            if entry.kind == "reversal":
                line.reversals += 1
                amount = -amount
            else:
                line.settlements += 1
            line.amount += amount
            if entry.state == "final":
                line.final_amount += amount
            else:
                line.provisional_amount += amount
    return [lines[k] for k in sorted(lines)]


MONEY_FORMAT = "#,##0.00"


def heading(sheet: Any, title: str, hospital_name: str, fixmedins_code: str, lines: Sequence[str] = ()) -> None:
    """The title, the hospital's name and code and further lines, at the top of a sheet."""
    from openpyxl.styles import Font

    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14)
    sheet.append([f"医疗机构：{hospital_name}", f"机构编码：{fixmedins_code}"])
    for line in lines:
        sheet.append([line])


def autosize(sheet: Any) -> None:
    widths: dict[str, float] = {}
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.value is not None:
                text = str(cell.value)
                size = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
                widths[cell.column_letter] = max(widths.get(cell.column_letter, 8), size + 2)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(40, width)


def write_xlsx(path: str | Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
               hospital_name: str = "", fixmedins_code: str = "", lines: Sequence[str] = ()) -> Path:
    """A one-sheet workbook: the title, the hospital's name and code, the table; money columns are
    exact numbers (Decimal) shown with two decimals and thousands separators."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    heading(sheet, title, hospital_name, fixmedins_code, lines)
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        # Decimal keeps the fen exact in the file (openpyxl writes it as a number).
        sheet.append([Decimal(v) if isinstance(v, str) and _is_money(v) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
        if row and row[0] == "合计":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    autosize(sheet)
    with private_output(path) as tmp:  # 0600 from the first byte
        book.save(tmp)
    return path


def _is_money(text: str) -> bool:
    head, _, tail = text.lstrip("-").partition(".")
    return head.isdigit() and len(tail) == 2 and tail.isdigit()


def export_day_end(db: LocalDatabase, path: str | Path, rows: Sequence[DayEndTotals], day_from: str, day_to: str,
                   operator: str, *, hospital_name: str = "", fixmedins_code: str = "",
                   names: Mapping[str, str] | None = None) -> Path:
    """The day-end totals per clerk (by name: ``names`` maps logins to names) and in total as a
    workbook (the export is audited)."""
    names = names or {}
    methods = cash.PAYMENT_METHODS
    headers = ["操作员", "结算笔数", "冲正笔数", *[f"{name}收款" for name in methods.values()],
               *[DAY_END_TITLES[k] for k in DAY_END_KEYS]]
    data = [[names.get(r.operator, r.operator) if r.operator != "total" else "合计", r.settlements, r.reversals,
             *[money_text(r.by_payment.get(m, Decimal("0.00"))) for m in methods],
             *[money_text(r.sums[k]) for k in DAY_END_KEYS]] for r in rows]
    title = f"日结 {day_from}" + (f" 至 {day_to}" if day_to != day_from else "")
    written = write_xlsx(path, title, headers, data, hospital_name=hospital_name, fixmedins_code=fixmedins_code)
    store.audit.append(db, "export", operator, "day_end", {"from": day_from, "to": day_to})
    return written


FUND_HEADERS = ("基金类型", "基金名称", "结算笔数", "冲正笔数", "已确认（申报）", "暂定（离线未确认）", "合计（元）")


def fund_rows(lines: Sequence[FundLine]) -> list[list[Any]]:
    """The statement's rows and a 合计 row: the confirmed amount (claimed) apart from the provisional."""
    zero = Decimal("0.00")
    data: list[list[Any]] = [
        [f.fund_pay_type, f.fund_pay_type_name, f.settlements, f.reversals, money_text(f.final_amount),
         money_text(f.provisional_amount), money_text(f.amount)] for f in lines]
    data.append(["合计", "", sum(f.settlements for f in lines), sum(f.reversals for f in lines),
                 money_text(sum((f.final_amount for f in lines), zero)),
                 money_text(sum((f.provisional_amount for f in lines), zero)),
                 money_text(sum((f.amount for f in lines), zero))])
    return data


def export_fund_statement(db: LocalDatabase, path: str | Path, month: str, operator: str, *,
                          hospital_name: str = "", fixmedins_code: str = "") -> Path:
    """The month's fund statement as a workbook (the export is audited)."""
    data = fund_rows(fund_statement(db, month))
    written = write_xlsx(path, f"{month} 基金支付月报", FUND_HEADERS, data, hospital_name=hospital_name,
                         fixmedins_code=fixmedins_code,
                         lines=["申报垫付资金只含中心已确认的结算；离线暂定结算确认后再申报。"])
    store.audit.append(db, "export", operator, "fund_statement", {"month": month})
    return written
