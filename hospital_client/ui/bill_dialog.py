"""Preview of an imported bill before anything is accepted: totals, and every bad line with why."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..app.bill_import import ImportedBill
from .messages import field_name, problem_text
from .widgets import with_key


class BillPreviewDialog(QDialog):
    def __init__(self, bill: ImportedBill, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import bill — %1").replace("%1", bill.source))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        summary = QLabel()
        summary.setObjectName("bill_summary")
        summary.setWordWrap(True)
        lines = self.tr("%1 lines, format %2, encoding %3").replace("%1", str(len(bill.fees))) \
            .replace("%2", bill.format.upper()).replace("%3", bill.encoding)
        if bill.ok:
            summary.setText(lines + "　" + self.tr("Total %1 yuan. Accept this bill?").replace("%1", f"{bill.total:,.2f}"))
        else:
            summary.setText(lines + "\n" + self.tr("%1 problem(s) found: the bill is refused whole. Correct the file in the hospital system and import it again.").replace("%1", str(len(bill.errors))))
            summary.setStyleSheet("color:#b00000")
        layout.addWidget(summary)
        self.errors = QTableWidget(len(bill.errors), 3)
        self.errors.setObjectName("bill_errors")
        self.errors.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Field"), self.tr("Problem")])
        for row, error in enumerate(bill.errors):
            self.errors.setItem(row, 0, QTableWidgetItem(str(error.line)))
            column = error.field if error.code == "unknown_field" else field_name(error.field)  # as the file names it
            self.errors.setItem(row, 1, QTableWidgetItem(column if error.field else ""))
            shown = f"{problem_text(error.code)}（“{error.value}”）" if error.value else problem_text(error.code)
            item = QTableWidgetItem(shown)
            item.setToolTip(error.detail)
            self.errors.setItem(row, 2, item)
        self.errors.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # The file's line numbers only (a row count beside them read as a second, different line
        # number); what the file said is read, not edited here.
        self.errors.verticalHeader().setVisible(False)
        self.errors.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.errors.setVisible(not bill.ok)
        layout.addWidget(self.errors, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(with_key(self.tr("Accept bill"), "Enter"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(with_key(self.tr("Cancel"), "Esc"))
        ok.setEnabled(bill.ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
