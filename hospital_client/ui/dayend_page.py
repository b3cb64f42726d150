"""Day-end (日结) per operator and in total, the clerk's own day close (日结单: totals by payment
method and fund, the detail list, provisional settlements still queued, signature lines; closing
locks the clerk's day), and the monthly statement per fund (confirmed apart from provisional); on
screen, as PDF and as Excel (file names suggested in Chinese: 日结-2026-12-04.xlsx,
日结单-示例收费员-2026-12-04.pdf, 基金月报-2026-12.xlsx)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..app import DAY_END_KEYS, DAY_END_TITLES, PAYMENT_METHODS, DayCloseReport, Desk, Operator
from .messages import long_moment_text, show_error, show_info
from .models import DictTableModel
from .report_pdf import write_day_close_pdf, write_pdf
from .tasks import TaskRunner
from .widgets import DeskPage, day_edit, key_button, month_format, table_view


class DayEndPage(DeskPage):
    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        today = QDate.currentDate()
        self.day_from, self.day_to = day_edit(today), day_edit(today)
        show = key_button(self.tr("Show"), "Ctrl+D", self.refresh)
        pdf = key_button(self.tr("Export PDF…"), "Ctrl+P", self.export_day_end_pdf)
        xlsx = key_button(self.tr("Export Excel…"), "Ctrl+E", self.export_day_end_xlsx)
        bar = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.day_from, QLabel(self.tr("to")), self.day_to, show):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(pdf)
        bar.addWidget(xlsx)
        self.day_headers = [self.tr("Operator"), self.tr("Settlements"), self.tr("Reversals")] + \
            [DAY_END_TITLES[k] for k in DAY_END_KEYS]
        spec = [(self.day_headers[0], "operator_text", False), (self.day_headers[1], "settlements", True),
                (self.day_headers[2], "reversals", True)] + \
            [(DAY_END_TITLES[k], k, True) for k in DAY_END_KEYS] + \
            [(name, f"pay_{code}", True) for code, name in PAYMENT_METHODS.items()]
        self.day_model = DictTableModel(spec, self)
        self.day_view = table_view(self.day_model, "dayend_table", select_rows=False)
        day_box = QGroupBox(self.tr("Day-end by operator"))
        dl = QVBoxLayout(day_box)
        dl.addLayout(bar)
        dl.addWidget(self.day_view)

        self.month = QDateEdit(today)
        self.month.setDisplayFormat(month_format())
        month_show = key_button(self.tr("Show"), "Ctrl+M", self.refresh_funds)
        month_pdf = key_button(self.tr("Export PDF…"), "Ctrl+Shift+P", self.export_funds_pdf)
        month_xlsx = key_button(self.tr("Export Excel…"), "Ctrl+Shift+E", self.export_funds_xlsx)
        mbar = QHBoxLayout()
        for widget in (QLabel(self.tr("Month")), self.month, month_show):
            mbar.addWidget(widget)
        mbar.addStretch(1)
        mbar.addWidget(month_pdf)
        mbar.addWidget(month_xlsx)
        self.fund_headers = [self.tr("Fund"), self.tr("Fund code"), self.tr("Settlements"), self.tr("Reversals"),
                             self.tr("Confirmed (to claim)"), self.tr("Provisional (not confirmed)"), self.tr("Amount")]
        self.fund_model = DictTableModel([
            (self.fund_headers[0], "fund_pay_type_name", False), (self.fund_headers[1], "fund_pay_type", False),
            (self.fund_headers[2], "settlements", True), (self.fund_headers[3], "reversals", True),
            (self.fund_headers[4], "final_amount", True), (self.fund_headers[5], "provisional_amount", True),
            (self.fund_headers[6], "amount", True),
        ], self)
        self.fund_view = table_view(self.fund_model, "fund_table", select_rows=False)
        fund_box = QGroupBox(self.tr("Monthly statement per fund (to claim advanced payments)"))
        fl = QVBoxLayout(fund_box)
        fl.addLayout(mbar)
        fl.addWidget(self.fund_view)
        # The clerk's own day close.
        self.close_report: DayCloseReport | None = None
        self.close_summary = QLabel()
        self.close_summary.setObjectName("day_close_summary")
        self.close_summary.setWordWrap(True)
        self.close_summary.setStyleSheet("font-size:11pt")
        preview = key_button(self.tr("Show my day"), "Ctrl+R", self.refresh_close)
        self.close_button = key_button(self.tr("Close my day…"), "Ctrl+J", lambda: self.close_my_day())
        self.close_button.setObjectName("close_day_button")
        close_pdf = key_button(self.tr("Day-close sheet PDF…"), "Ctrl+K", self.export_close_pdf)
        close_xlsx = key_button(self.tr("Day-close sheet Excel…"), "Ctrl+L", self.export_close_xlsx)
        close_bar = QHBoxLayout()
        for widget in (preview, self.close_button):
            close_bar.addWidget(widget)
        close_bar.addStretch(1)
        close_bar.addWidget(close_pdf)
        close_bar.addWidget(close_xlsx)
        close_box = QGroupBox(self.tr("My day close (%1)").replace("%1", operator.display_name or operator.name))
        cl = QVBoxLayout(close_box)
        cl.addLayout(close_bar)
        cl.addWidget(self.close_summary)
        self.message = QLabel()
        self.message.setObjectName("dayend_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(close_box)
        layout.addWidget(day_box, 1)
        layout.addWidget(fund_box, 1)
        layout.addWidget(self.message)

    def _range(self) -> tuple[str, str]:
        return self.day_from.date().toString("yyyy-MM-dd"), self.day_to.date().toString("yyyy-MM-dd")

    def _error(self, exc: BaseException) -> None:
        show_error(self.message, exc)

    def _done(self, path: object) -> None:
        show_info(self.message, self.tr("Written to %1").replace("%1", str(path)))

    def refresh(self) -> None:
        day_from, day_to = self._range()

        def rows() -> list[dict[str, Any]]:
            out = []
            names = self.desk.operator_names()  # the clerk by name, not the login
            for r in self.desk.day_end(day_from, day_to):
                row = r.to_dict()
                row["operator_text"] = self.tr("Total") if r.operator == "total" else names.get(r.operator, r.operator)
                paid = row.pop("by_payment")
                row.update({f"pay_{k}": paid.get(k, "0.00") for k in PAYMENT_METHODS})
                out.append(row)
            return out

        self.tasks.run(rows, self.day_model.set_rows, self._error)

    # --- the clerk's day close ---------------------------------------------------------------------
    def refresh_close(self) -> None:
        self.tasks.run(lambda: self.desk.day_close_report(self.operator), self._show_close, self._error)

    def _show_close(self, report: DayCloseReport) -> None:
        self.close_report = report
        self.close_button.setEnabled(not report.closed_at)
        state = (self.tr("Closed at %1").replace("%1", report.closed_at[11:16]) if report.closed_at
                 else self.tr("Not closed yet"))
        methods = "　".join(f"{name} ¥{amount:,.2f}" for name, amount in report.by_payment.items()) or "—"
        lines = [  # three lines at most: the tables below keep their rows on a 1366×768 screen
            f"<b>{report.business_day}　{state}</b>　"
            + self.tr("Settlements %1, reversals %2; patients paid ¥%3 (funds ¥%4).")
            .replace("%1", str(report.settlements)).replace("%2", str(report.reversals))
            .replace("%3", f"{report.funds['psn_cash_pay']:,.2f}").replace("%4", f"{report.funds['fund_pay_sumamt']:,.2f}"),
            self.tr("By payment method:") + " " + methods + "　"
            + self.tr("Tendered ¥%1, change ¥%2.").replace("%1", f"{report.tendered:,.2f}")
            .replace("%2", f"{report.change:,.2f}"),
        ]
        if report.provisional_queued:
            lines.append("<span style='color:#b00000'>" + self.tr(
                "%1 provisional settlements are still waiting for the insurance centre.")
                .replace("%1", str(report.provisional_queued)) + "</span>")
        self.close_summary.setText("<br/>".join(lines))

    def close_my_day(self, *, confirm: bool = True) -> None:
        """Close the operator's day (日结): asked first; afterwards this clerk's settlements of the
        day are locked (a reversal is then a supervisor's)."""
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("Close my day"),
                self.tr("Close today's takings for %1? Afterwards no more settlements can be made under this "
                        "operator today, and a reversal needs a supervisor.")
                .replace("%1", self.operator.display_name or self.operator.name))
            if answer != QMessageBox.StandardButton.Yes:
                return

        def closed(report: DayCloseReport) -> None:
            self._show_close(report)
            show_info(self.message, self.tr("Day closed. Print the day-close sheet and sign it."))

        self.tasks.run(lambda: self.desk.close_day(self.operator), closed, self._error)

    def _close_file_name(self, suffix: str) -> str:
        day = self.close_report.business_day if self.close_report else dt.date.today().isoformat()
        return f"日结单-{self.operator.display_name or self.operator.name}-{day}.{suffix}"

    def export_close_pdf(self, path: str | Path | None = None) -> None:
        target = path or self._ask(self._close_file_name("pdf"), self.tr("PDF file (*.pdf)"))
        if not target:
            return

        def work() -> Path:
            report = self.desk.day_close_report(self.operator)
            written = write_day_close_pdf(target, report)
            self.desk.audit("export", self.operator.name, "day_close", {"day": report.business_day, "format": "pdf"})
            return written

        self.tasks.run(work, self._done, self._error)

    def export_close_xlsx(self, path: str | Path | None = None) -> None:
        target = path or self._ask(self._close_file_name("xlsx"), self.tr("Excel workbook (*.xlsx)"))
        if target:
            self.tasks.run(lambda: self.desk.export_day_close(target, self.desk.day_close_report(self.operator),
                                                              self.operator.name), self._done, self._error)

    def refresh_funds(self) -> None:
        month = self.month.date().toString("yyyy-MM")
        self.tasks.run(lambda: [f.to_dict() for f in self.desk.fund_statement(month)], self.fund_model.set_rows,
                       self._error)

    @staticmethod
    def _day_file_name(day_from: str, day_to: str, suffix: str) -> str:
        """日结-2026-12-04.xlsx, or 日结-2026-12-01至2026-12-04.xlsx for several days."""
        days = day_from if day_to == day_from else f"{day_from}至{day_to}"
        return f"日结-{days}.{suffix}"

    def _ask(self, suggested: str, pattern: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as"), suggested, pattern)
        return path

    def export_day_end_xlsx(self, path: str | Path | None = None) -> None:
        day_from, day_to = self._range()
        target = path or self._ask(self._day_file_name(day_from, day_to, "xlsx"), self.tr("Excel workbook (*.xlsx)"))
        if target:
            self.tasks.run(lambda: self.desk.export_day_end(target, day_from, day_to, self.operator.name),
                           self._done, self._error)

    def export_day_end_pdf(self, path: str | Path | None = None) -> None:
        day_from, day_to = self._range()
        target = path or self._ask(self._day_file_name(day_from, day_to, "pdf"), self.tr("PDF file (*.pdf)"))
        if not target:
            return
        keys = ["operator_text", "settlements", "reversals", *DAY_END_KEYS]

        def work() -> Path:
            rows = []
            names = self.desk.operator_names()
            for r in self.desk.day_end(day_from, day_to):
                row = r.to_dict()
                row["operator_text"] = "合计" if r.operator == "total" else names.get(r.operator, r.operator)
                rows.append([row[k] for k in keys])
            stamp = long_moment_text(dt.datetime.now())
            return write_pdf(target, f"{self.desk.site_name} 日结 {day_from} 至 {day_to}",
                             f"医疗机构编码：{self.desk.fixmedins_code}　打印：{self.operator.display_name or self.operator.name}"
                             f" {stamp}", self.day_headers[:len(keys)], rows)

        self.tasks.run(work, self._done, self._error)

    def export_funds_xlsx(self, path: str | Path | None = None) -> None:
        month = self.month.date().toString("yyyy-MM")
        target = path or self._ask(f"基金月报-{month}.xlsx", self.tr("Excel workbook (*.xlsx)"))
        if target:
            self.tasks.run(lambda: self.desk.export_fund_statement(target, month, self.operator.name),
                           self._done, self._error)

    def export_funds_pdf(self, path: str | Path | None = None) -> None:
        month = self.month.date().toString("yyyy-MM")
        target = path or self._ask(f"基金月报-{month}.pdf", self.tr("PDF file (*.pdf)"))
        if not target:
            return

        def work() -> Path:
            lines = self.desk.fund_statement(month)
            rows = [[f.fund_pay_type_name, f.fund_pay_type, f.settlements, f.reversals,
                     *(f.to_dict()[k] for k in ("final_amount", "provisional_amount", "amount"))] for f in lines]
            total = [self._sum(lines, k) for k in ("final_amount", "provisional_amount", "amount")]
            rows.append(["合计", "", sum(f.settlements for f in lines), sum(f.reversals for f in lines), *total])
            return write_pdf(target, f"{self.desk.site_name} {month} 基金支付月报",
                             f"医疗机构编码：{self.desk.fixmedins_code}　申报垫付资金只含中心已确认的结算",
                             self.fund_headers, rows)

        self.tasks.run(work, self._done, self._error)

    @staticmethod
    def _sum(lines: list[Any], key: str) -> str:
        total = sum((getattr(f, key) for f in lines), Decimal("0.00"))
        return f"{total:.2f}"
