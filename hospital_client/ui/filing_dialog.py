"""门诊慢特病备案 of one patient, from the outpatient page (Ctrl+B), keyboard only:

    the disease list   a disease of the patient's pack (↑/↓), from the day in the date box
    Ctrl+S             file it (2503); the same filing again answers the one in force
    the table          the patient's filings (5301), active first; ↑/↓ chooses one
    the reason box     why the chosen filing is revoked; Ctrl+R revokes it (2504, a supervisor)
    Esc                close: the outpatient page reads the patient's filed diseases again

Every step asks the central system (in a worker); without the link nothing changes and the clerk
is told so. ID numbers are never shown here: the patient's name and 医保 number only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator
from ..app.outpatient_filings import Filing, file_disease, list_filings, revoke_filing
from .messages import show_error, show_info
from .tasks import TaskRunner
from .widgets import day_edit, with_key

__all__ = ["FilingDialog"]

_COLUMNS = ("trt_dcla_detl_sn", "opsp_dise_code", "opsp_dise_name", "begndate", "enddate", "state")


class FilingDialog(QDialog):
    """The patient's 门诊慢特病 filings: file a disease, revoke one, see them all."""

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, psn_no: str, psn_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.tasks, self.operator, self.psn_no = desk, tasks, operator, psn_no
        self.filings: list[Filing] = []
        self.busy = False
        self.setObjectName("filing_dialog")
        self.setWindowTitle(self.tr("Chronic disease filings"))
        self.setMinimumWidth(720)
        who = QLabel(f"{psn_name}　{psn_no}")
        who.setObjectName("filing_person")
        self.disease = QComboBox()
        self.disease.setObjectName("filing_disease")
        for choice in desk.outpatient().diseases(psn_no, ask_central=False):
            self.disease.addItem(f"{choice.code} {choice.name}", choice.code)
        self.begin = day_edit(QDate.currentDate())
        self.begin.setObjectName("filing_begin")
        self.doctor = QLineEdit()
        self.doctor.setObjectName("filing_doctor")
        self.doctor.setPlaceholderText(self.tr("The doctor who certified the disease (optional)"))
        self.file_button = QPushButton(with_key(self.tr("File this disease"), "Ctrl+S"))
        self.file_button.setObjectName("filing_add")
        self.file_button.clicked.connect(lambda: self.file())
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setObjectName("filing_table")
        self.table.setHorizontalHeaderLabels([self.tr("Filing no."), self.tr("Disease"), self.tr("Name"),
                                              self.tr("From"), self.tr("To"), self.tr("State")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the reason box; ↑/↓ choose the filing
        self.reason = QLineEdit()
        self.reason.setObjectName("filing_reason")
        self.reason.setPlaceholderText(self.tr("Why the chosen filing is revoked"))
        self.revoke_button = QPushButton(with_key(self.tr("Revoke the chosen filing"), "Ctrl+R"))
        self.revoke_button.setObjectName("filing_revoke")
        self.revoke_button.clicked.connect(lambda: self.revoke())
        close = QPushButton(with_key(self.tr("Close"), "Esc"))
        close.clicked.connect(self.reject)
        self.message = QLabel()
        self.message.setObjectName("filing_message")
        self.message.setWordWrap(True)
        for key, slot in (("Ctrl+S", self.file), ("Ctrl+R", self.revoke)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        form = QFormLayout()
        form.addRow(self.tr("Patient"), who)
        form.addRow(self.tr("Disease"), self.disease)
        form.addRow(self.tr("From"), self.begin)
        form.addRow(self.tr("Doctor"), self.doctor)
        form.addRow("", self.file_button)
        revoke_row = QHBoxLayout()
        revoke_row.addWidget(self.reason, 1)
        revoke_row.addWidget(self.revoke_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Filings at the insurance centre")))
        layout.addWidget(self.table, 1)
        layout.addLayout(revoke_row)
        layout.addWidget(self.message)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.disease.setFocus()
        if self.disease.count() == 0:
            show_info(self.message, self.tr("The patient's policy has no chronic disease list."))
        self.refresh()

    def _run(self, what: str, fn: Callable[[], tuple[list[Filing], str]]) -> None:
        if self.busy:
            return
        self.busy = True
        show_info(self.message, what)
        self.tasks.run(fn, self._answered, self._failed)

    def refresh(self) -> None:
        """5301: the patient's filings."""
        desk, psn_no = self.desk, self.psn_no
        self._run(self.tr("Asking the insurance centre…"), lambda: (list_filings(desk, psn_no), ""))

    def file(self) -> None:
        """2503: the chosen disease from the day given."""
        code = str(self.disease.currentData() or "")
        if not code:
            show_info(self.message, self.tr("Choose a disease first."))
            return
        desk, operator, psn_no = self.desk, self.operator, self.psn_no
        begin = dt.date.fromisoformat(self.begin.date().toString("yyyy-MM-dd"))
        doctor = self.doctor.text()

        def work() -> tuple[list[Filing], str]:
            filing = file_disease(desk, operator, psn_no, code, begndate=begin, dr_name=doctor)
            return list_filings(desk, psn_no), self.tr("Filed: %1 %2, no. %3.").replace(
                "%1", filing.opsp_dise_code).replace("%2", filing.opsp_dise_name).replace("%3", filing.trt_dcla_detl_sn)
        self._run(self.tr("Filing…"), work)

    def chosen(self) -> Filing | None:
        row = self.table.currentRow()
        return self.filings[row] if 0 <= row < len(self.filings) else None

    def revoke(self) -> None:
        """2504: the chosen filing, with the reason given."""
        filing = self.chosen()
        if filing is None or filing.state != "active":
            show_info(self.message, self.tr("Choose an active filing in the table first."))
            return
        reason = self.reason.text().strip()
        if not reason:
            show_info(self.message, self.tr("Give the reason of the revocation first."))
            self.reason.setFocus()
            return
        desk, operator, psn_no, sn = self.desk, self.operator, self.psn_no, filing.trt_dcla_detl_sn

        def work() -> tuple[list[Filing], str]:
            done = revoke_filing(desk, operator, psn_no, sn, reason)
            return list_filings(desk, psn_no), self.tr("Revoked: filing no. %1.").replace("%1", done.trt_dcla_detl_sn)
        self._run(self.tr("Revoking…"), work)

    def _answered(self, answer: tuple[list[Filing], str]) -> None:
        self.busy = False
        self.filings, text = answer
        self._show()
        if text:
            self.reason.clear()
        show_info(self.message, text or (self.tr("No chronic disease filing yet.") if not self.filings else
                                         self.tr("%1 filing(s).").replace("%1", str(len(self.filings)))))

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        show_error(self.message, exc)

    def _show(self) -> None:
        states = {"active": self.tr("active"), "revoked": self.tr("revoked")}
        self.table.setRowCount(len(self.filings))
        for row, filing in enumerate(self.filings):
            values = filing.to_dict()
            for col, key in enumerate(_COLUMNS):
                text = values[key]
                if key == "state":
                    text = states.get(text, text)
                elif key == "enddate" and not text:
                    text = self.tr("open")
                self.table.setItem(row, col, QTableWidgetItem(text))
        if self.filings:
            self.table.selectRow(0)
