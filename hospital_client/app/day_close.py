"""A clerk's day close (日结): what the clerk took and paid out on one business day, by payment
method and by fund, the detail list, the provisional settlements still queued for the central
system, and the signature lines; closing records it (store.cash) and locks that clerk's day.

The 日结单 is written as Excel here (money formats, the hospital's name and code, totals) and as
PDF by the faces (ui/report_pdf.py), from the same ``DayCloseReport``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import store
from ..store import LocalDatabase, cash, journal
from ..store.money import money_text
from .private_files import private_output
from .usecases import DAY_END_KEYS, day_end_totals

__all__ = ["DETAIL_HEADERS", "DayCloseReport", "close_day", "day_report", "detail_cells", "export_day_close",
           "money_text"]

FUND_TITLES = {
    "medfee_sumamt": "医疗费用总额", "hifp_pay": "统筹基金支付", "hifmi_pay": "大病保险", "maf_pay": "医疗救助",
    "oth_pay": "其他支付", "fund_pay_sumamt": "基金支付合计", "acct_pay": "个人账户支付",
    "psn_cash_pay": "个人现金支付",
}
DETAIL_HEADERS = ("流水号", "时间", "类型", "姓名", "支付方式", "医疗费用总额", "基金支付", "个人现金", "实收",
                  "找零", "状态")
SIGNATURES = ("收款员签字", "复核人签字", "财务签收")


@dataclass(slots=True)
class DetailRow:
    queue_no: str
    time: str
    kind: str
    name: str
    payment: str
    medfee_sumamt: Decimal
    fund_pay_sumamt: Decimal
    psn_cash_pay: Decimal
    tendered: Decimal
    change: Decimal
    provisional: bool


@dataclass(slots=True)
class DayCloseReport:
    hospital_name: str
    fixmedins_code: str
    operator: str
    operator_name: str
    business_day: str
    closed_at: str = ""
    settlements: int = 0
    reversals: int = 0
    funds: dict[str, Decimal] = field(default_factory=lambda: {k: Decimal("0.00") for k in DAY_END_KEYS})
    by_payment: dict[str, Decimal] = field(default_factory=dict)
    tendered: Decimal = Decimal("0.00")
    change: Decimal = Decimal("0.00")
    provisional_queued: int = 0
    details: list[DetailRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hospital_name": self.hospital_name, "fixmedins_code": self.fixmedins_code,
            "operator": self.operator, "operator_name": self.operator_name, "business_day": self.business_day,
            "closed_at": self.closed_at, "settlements": self.settlements, "reversals": self.reversals,
            "funds": {k: money_text(v) for k, v in self.funds.items()},
            "by_payment": {k: money_text(v) for k, v in self.by_payment.items()},
            "tendered": money_text(self.tendered), "change": money_text(self.change),
            "provisional_queued": self.provisional_queued,
            "details": [{**{k: getattr(d, k) for k in ("queue_no", "time", "kind", "name", "payment", "provisional")},
                         **{k: money_text(getattr(d, k)) for k in
                            ("medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay", "tendered", "change")}}
                        for d in self.details],
        }

    def totals(self) -> dict[str, Any]:
        """What the close records (store.cash.day_close): the counts and sums, without the detail list."""
        data = self.to_dict()
        del data["details"]
        return data


def day_report(db: LocalDatabase, operator: store.Operator, day: str, *, hospital_name: str,
               fixmedins_code: str) -> DayCloseReport:
    """The 日结单 of ``operator`` for ``day`` as it stands (nothing recorded); the totals are
    day-end's (the same rule: each entry under the clerk who took or paid out the money)."""
    report = DayCloseReport(hospital_name, fixmedins_code, operator.name, operator.display_name or operator.name, day)
    done = cash.closed_day(db, operator.name, day)
    if done is not None:
        report.closed_at = done.closed_at
    rows = {r.operator: r for r in day_end_totals(db, day)}
    mine = rows.get(operator.name)
    if mine is not None:
        report.settlements, report.reversals = mine.settlements, mine.reversals
        report.funds = dict(mine.sums)
        report.by_payment = {cash.PAYMENT_METHODS[k]: v for k, v in sorted(
            mine.by_payment.items(), key=lambda kv: list(cash.PAYMENT_METHODS).index(kv[0]))}
    paid = cash.cash_of(db, day_from=day, day_to=day)
    for entry in journal.list_entries(db, day_from=day, day_to=day):
        known = paid.get(entry.local_id)
        if (known.paid_by if known is not None else entry.operator) != operator.name:
            continue
        method = known.payment if known is not None else "cash"
        due = entry.amounts["psn_cash_pay"]
        tendered = known.tendered if known is not None else due
        change = known.change if known is not None else Decimal("0.00")
        provisional = entry.state == "provisional"
        if provisional and entry.outbox_status in ("queued", "sent"):
            report.provisional_queued += 1
        report.tendered += tendered
        report.change += change
        report.details.append(DetailRow(
            entry.queue_no, entry.created_at[11:16], "冲正退费" if entry.kind == "reversal" else "结算",
            entry.psn_name_masked, cash.PAYMENT_METHODS.get(method, method), entry.amounts["medfee_sumamt"],
            entry.amounts["fund_pay_sumamt"], due, tendered, change, provisional))
    return report


def close_day(db: LocalDatabase, operator: store.Operator, day: str, *, hospital_name: str,
              fixmedins_code: str) -> DayCloseReport:
    """Close ``operator``'s ``day`` (once; store.cash.DayClosed the second time) and return its 日结单."""
    report = day_report(db, operator, day, hospital_name=hospital_name, fixmedins_code=fixmedins_code)
    done = cash.record_day_close(db, operator.name, day, report.totals())
    report.closed_at = done.closed_at
    return report


def detail_cells(report: DayCloseReport) -> list[list[Any]]:
    """The detail list as table rows (money as two-decimal text), and a 合计 row."""
    rows: list[list[Any]] = [
        [d.queue_no, d.time, d.kind, d.name, d.payment, money_text(d.medfee_sumamt), money_text(d.fund_pay_sumamt),
         money_text(d.psn_cash_pay), money_text(d.tendered), money_text(d.change),
         "暂定" if d.provisional else "已确认"]
        for d in report.details]
    rows.append(["合计", "", f"{len(report.details)} 笔", "", "",
                 money_text(sum((d.medfee_sumamt for d in report.details), Decimal("0.00"))),
                 money_text(sum((d.fund_pay_sumamt for d in report.details), Decimal("0.00"))),
                 money_text(sum((d.psn_cash_pay for d in report.details), Decimal("0.00"))),
                 money_text(report.tendered), money_text(report.change), ""])
    return rows


def export_day_close(db: LocalDatabase, path: str | Path, report: DayCloseReport, operator: str) -> Path:
    """The 日结单 as a workbook (audited): header, totals by payment method and fund, the detail
    list with its totals, signature lines."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .reports import MONEY_FORMAT, autosize, heading

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "日结单"
    heading(sheet, f"{report.hospital_name} 收款员日结单", report.hospital_name, report.fixmedins_code,
            [f"日期 {report.business_day}", f"收款员 {report.operator_name}",
             f"日结时间 {report.closed_at[:16].replace('T', ' ') or '未日结'}"])
    sheet.append([])
    sheet.append(["按支付方式", "金额（元）"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name, amount in report.by_payment.items():
        sheet.append([name, amount])
        sheet.cell(sheet.max_row, 2).number_format = MONEY_FORMAT
    sheet.append(["合计", sum(report.by_payment.values(), Decimal("0.00"))])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.cell(sheet.max_row, 2).number_format = MONEY_FORMAT
    sheet.append([])
    sheet.append(["按基金", "金额（元）"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for key in DAY_END_KEYS:
        sheet.append([FUND_TITLES[key], report.funds[key]])
        sheet.cell(sheet.max_row, 2).number_format = MONEY_FORMAT
    sheet.append(["结算笔数", report.settlements])
    sheet.append(["冲正笔数", report.reversals])
    sheet.append(["未上传的暂定结算", report.provisional_queued])
    sheet.append([])
    sheet.append(list(DETAIL_HEADERS))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in detail_cells(report):
        sheet.append([Decimal(v) if 5 <= i <= 9 and v != "" else v for i, v in enumerate(row)])
        for col in range(6, 11):
            sheet.cell(sheet.max_row, col).number_format = MONEY_FORMAT
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    sheet.append([f"{s}：________________" for s in SIGNATURES])
    autosize(sheet)
    with private_output(path) as tmp:  # it names patients (masked): 0600 from the first byte
        book.save(tmp)
    store.audit.append(db, "export", operator, "day_close", {"day": report.business_day, "clerk": report.operator})
    return path
