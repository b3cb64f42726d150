"""结算清单: for the clerk and the 病案 office, the inpatient settlements of a period and the state
of each one's settlement list at the central system (4104): missing (not uploaded), accepted,
rejected by the quality control (with the reasons), not final yet (no central settlement id), or
unknown (the central system could not be asked). Building and uploading a list needs the medical
record (病案首页) and is done with `hospital-client settlement-list` (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator
from .messages import show_error, show_info
from .models import DictTableModel
from .tasks import TaskRunner
from .widgets import DeskPage, day_edit, key_button, table_view

__all__ = ["SettlementListPage"]

# The states that need someone's work first.
TO_DO = ("missing", "rejected")


class SettlementListPage(DeskPage):
    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        today = QDate.currentDate()
        self.day_from, self.day_to = day_edit(QDate(today.year(), today.month(), 1)), day_edit(today)
        self.day_from.setObjectName("list_day_from")
        self.day_to.setObjectName("list_day_to")
        self.only_to_do = QCheckBox(self.tr("Only missing and rejected"))
        self.only_to_do.setObjectName("list_only_to_do")
        self.only_to_do.toggled.connect(lambda _: self._fill())
        show = key_button(self.tr("Show"), "Ctrl+D", self.refresh, "list_show")
        bar = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.day_from, QLabel(self.tr("to")), self.day_to, show,
                       self.only_to_do):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.state_names = {
            "missing": self.tr("Missing (not uploaded)"), "accepted": self.tr("Uploaded, passed"),
            "rejected": self.tr("Rejected by quality control"), "not_final": self.tr("Settlement not final yet"),
            "unknown": self.tr("Unknown (central system not reached)"),
        }
        self.summary = QLabel()
        self.summary.setObjectName("list_summary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message = QLabel()
        self.message.setObjectName("list_message")
        self.message.setWordWrap(True)
        self.model = DictTableModel([
            (self.tr("Settlement no."), "local_id", True), (self.tr("Queue no."), "queue_no", False),
            (self.tr("Date"), "setl_date", False), (self.tr("Name"), "psn_name_masked", False),
            (self.tr("Stay"), "mdtrt_id", False), (self.tr("Central settlement id"), "setl_id", False),
            (self.tr("Settlement list"), "state_text", False), (self.tr("Reasons"), "reasons_text", False),
            (self.tr("Uploaded"), "uploaded_at", False),
        ], self, tooltips={"reasons_text": "reasons_text"})
        self.view = table_view(self.model, "settlement_list_table")
        self.view.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)  # the reasons
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.detail = QLabel()
        self.detail.setObjectName("list_detail")
        self.detail.setWordWrap(True)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        help_text = QLabel(self.tr("A list is built and uploaded with the medical record: "
                                   "hospital-client settlement-list LOCAL_ID --record FILE --upload"))
        help_text.setObjectName("list_help")
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color:#555555")
        box = QGroupBox(self.tr("Settlement lists"))
        layout = QVBoxLayout(box)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addWidget(help_text)
        outer = QVBoxLayout(self)
        outer.addWidget(box, 1)
        outer.addWidget(self.message)
        self._rows: list[dict[str, Any]] = []

    def refresh(self) -> None:
        day_from = self.day_from.date().toString("yyyy-MM-dd")
        day_to = self.day_to.date().toString("yyyy-MM-dd")

        def work() -> tuple[list[dict[str, Any]], str]:
            rows, problem = self.desk.settlement_list_status(day_from, day_to)
            return [r.to_dict() for r in rows], problem

        self.tasks.run(work, self._arrived, lambda exc: show_error(self.message, exc))

    def _arrived(self, result: tuple[list[dict[str, Any]], str]) -> None:
        rows, problem = result
        for row in rows:
            row["state_text"] = self.state_names.get(row["state"], row["state"])
            row["reasons_text"] = "；".join(row["reasons"])
        self._rows = rows
        counts = {state: sum(1 for r in rows if r["state"] == state) for state in self.state_names}
        parts = [f"{self.state_names[s]} {counts[s]}" for s in ("missing", "rejected", "accepted", "not_final",
                                                                 "unknown") if counts[s]]
        total = self.tr("%1 inpatient settlements").replace("%1", str(len(rows)))
        self.summary.setText(total + ("：" + "，".join(parts) if parts else ""))
        if problem:
            self.message.setStyleSheet("color:#b00000")
            self.message.setText(self.tr("The central system could not be asked; the upload states are unknown."))
            self.message.setToolTip(problem)
        else:
            show_info(self.message, "")
        self._fill()

    def _fill(self) -> None:
        rows = [r for r in self._rows if r["state"] in TO_DO] if self.only_to_do.isChecked() else self._rows
        self.model.set_rows(rows)
        self.detail.setText("")

    def _show_selected(self) -> None:
        indexes = self.view.selectionModel().selectedRows()
        if not indexes:
            self.detail.setText("")
            return
        row = self.model.row_at(indexes[0].row())
        reasons = row.get("reasons") or []
        text = self.tr("Settlement no. %1: %2").replace("%1", str(row["local_id"])).replace("%2", row["state_text"])
        self.detail.setText(text + ("\n" + "\n".join(f"• {r}" for r in reasons) if reasons else ""))
