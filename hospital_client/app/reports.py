"""Day-end (日结) and the monthly fund statement, and their Excel form (audited exports).

The fund statement is what a hospital claims back from each fund: the 大病保险 and 医疗救助 it
advanced at the window, and the basic pool. Per fund_pay_type over a month: settlements,
reversals, and the net amount (a reversal subtracts what its original paid).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import store
from ..store import LocalDatabase, journal
from ..store.money import money_text
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
    amount: Decimal = Decimal("0.00")

    def to_dict(self) -> dict[str, Any]:
        return {"fund_pay_type": self.fund_pay_type, "fund_pay_type_name": self.fund_pay_type_name,
                "settlements": self.settlements, "reversals": self.reversals, "amount": money_text(self.amount)}


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
                line.amount -= amount
            else:
                line.settlements += 1
                line.amount += amount
    return [lines[k] for k in sorted(lines)]


def write_xlsx(path: str | Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """A one-sheet workbook; money columns are written as exact text-formatted numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        # Decimal keeps the fen exact in the file (openpyxl writes it as a number).
        sheet.append([Decimal(v) if isinstance(v, str) and _is_money(v) else v for v in row])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column[1:]) if len(column) > 1 else 10
        sheet.column_dimensions[column[0].column_letter].width = min(40, max(10, width * 1.6))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _is_money(text: str) -> bool:
    head, _, tail = text.lstrip("-").partition(".")
    return head.isdigit() and len(tail) == 2 and tail.isdigit()


def export_day_end(db: LocalDatabase, path: str | Path, rows: Sequence[DayEndTotals], day_from: str, day_to: str,
                   operator: str) -> Path:
    """The day-end totals as a workbook (the export is audited)."""
    headers = ["操作员", "结算笔数", "冲正笔数", *[DAY_END_TITLES[k] for k in DAY_END_KEYS]]
    data = [[r.operator if r.operator != "total" else "合计", r.settlements, r.reversals,
             *[money_text(r.sums[k]) for k in DAY_END_KEYS]] for r in rows]
    title = f"日结 {day_from}" + (f" 至 {day_to}" if day_to != day_from else "")
    written = write_xlsx(path, title, headers, data)
    store.audit.append(db, "export", operator, "day_end", {"from": day_from, "to": day_to})
    return written


def export_fund_statement(db: LocalDatabase, path: str | Path, month: str, operator: str) -> Path:
    """The month's fund statement as a workbook (the export is audited)."""
    data = [[f.fund_pay_type, f.fund_pay_type_name, f.settlements, f.reversals, money_text(f.amount)]
            for f in fund_statement(db, month)]
    headers = ["基金类型", "基金名称", "结算笔数", "冲正笔数", "支付金额（元）"]
    written = write_xlsx(path, f"{month} 基金支付月报", headers, data)
    store.audit.append(db, "export", operator, "fund_statement", {"month": month})
    return written
