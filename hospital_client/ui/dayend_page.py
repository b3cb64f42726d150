"""Day-end (日结) per operator and in total, and the monthly statement per fund; on screen, as
PDF and as Excel (file names suggested in Chinese: 日结-2026-12-04.xlsx, 基金月报-2026-12.xlsx)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..app import DAY_END_KEYS, DAY_END_TITLES, Desk, Operator
from .messages import long_moment_text, show_error, show_info
from .models import DictTableModel
from .report_pdf import write_pdf
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
            [(DAY_END_TITLES[k], k, True) for k in DAY_END_KEYS]
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
                             self.tr("Amount")]
        self.fund_model = DictTableModel([
            (self.fund_headers[0], "fund_pay_type_name", False), (self.fund_headers[1], "fund_pay_type", False),
            (self.fund_headers[2], "settlements", True), (self.fund_headers[3], "reversals", True),
            (self.fund_headers[4], "amount", True),
        ], self)
        self.fund_view = table_view(self.fund_model, "fund_table", select_rows=False)
        fund_box = QGroupBox(self.tr("Monthly statement per fund (to claim advanced payments)"))
        fl = QVBoxLayout(fund_box)
        fl.addLayout(mbar)
        fl.addWidget(self.fund_view)
        self.message = QLabel()
        self.message.setObjectName("dayend_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
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
            for r in self.desk.day_end(day_from, day_to):
                row = r.to_dict()
                row["operator_text"] = self.tr("Total") if r.operator == "total" else r.operator
                out.append(row)
            return out

        self.tasks.run(rows, self.day_model.set_rows, self._error)

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
            for r in self.desk.day_end(day_from, day_to):
                row = r.to_dict()
                row["operator_text"] = "合计" if r.operator == "total" else r.operator
                rows.append([row[k] for k in keys])
            stamp = long_moment_text(dt.datetime.now())
            return write_pdf(target, f"{self.desk.site_name} 日结 {day_from} 至 {day_to}",
                             f"打印：{self.operator.name} {stamp}", self.day_headers, rows)

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
            rows = [[f.fund_pay_type_name, f.fund_pay_type, f.settlements, f.reversals, f.to_dict()["amount"]]
                    for f in self.desk.fund_statement(month)]
            return write_pdf(target, f"{self.desk.site_name} {month} 基金支付月报", "", self.fund_headers, rows)

        self.tasks.run(work, self._done, self._error)
