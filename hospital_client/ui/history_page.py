"""History: find settlements by date, patient and state; open one, reprint its slip, reverse it
(a supervisor approves with their password and a reason)."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, HistoryFilter, Operator
from ..privacy import mask_id
from .breakdown import BreakdownPanel
from .messages import Notice, moment_text, show_error, show_info
from .models import LazyDictTableModel
from .preferences import chosen_printer
from .slip import produce_slip
from .tasks import TaskRunner
from .widgets import DeskPage, day_edit, key_button, table_view, with_key


class ReverseDialog(QDialog):
    """A supervisor's approval: name, password and the reason, all required. It shows which
    settlement: the patient (masked, as the history lists them) and the amounts."""

    def __init__(self, local_id: int, parent: QWidget | None = None, *, entry: Mapping[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reverse settlement %1").replace("%1", str(local_id)))
        self.setMinimumWidth(480)
        self.subject = QLabel()
        self.subject.setObjectName("reverse_subject")
        self.subject.setWordWrap(True)
        if entry is not None:  # a history row: masked name and ID, day, time and the amounts
            when = f"{entry.get('business_day', '')} {entry.get('time_text', '')}".strip()
            self.subject.setText(
                f"<b>{html.escape(str(entry.get('psn_name', '')))}</b>　{html.escape(str(entry.get('certno', '')))}<br/>"
                + html.escape(self.tr("Settlement no. %1, %2: total %3, funds %4, the patient paid %5 and gets it back.")
                              .replace("%1", str(local_id)).replace("%2", when)
                              .replace("%3", str(entry.get("medfee", ""))).replace("%4", str(entry.get("funds", "")))
                              .replace("%5", str(entry.get("cash", "")))))
        self.missing = QLabel()
        self.missing.setObjectName("reverse_missing")
        self.missing.setStyleSheet("color:#b00000")
        self.supervisor = QLineEdit()
        self.supervisor.setObjectName("reverse_supervisor")
        self.password = QLineEdit()
        self.password.setObjectName("reverse_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QLineEdit()
        self.reason.setObjectName("reverse_reason")
        form = QFormLayout()
        form.addRow(self.tr("Supervisor"), self.supervisor)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Reason"), self.reason)
        note = QLabel(self.tr("A reversal is a new journal entry with the figures negated; the original stays. The patient's year-to-date use goes back."))
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(with_key(self.tr("Reverse"), "Enter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(with_key(self.tr("Cancel"), "Esc"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.missing)
        layout.addWidget(self.buttons)

    def _check(self) -> None:
        fields = ((self.supervisor, self.supervisor.text().strip(), self.tr("Supervisor")),
                  (self.password, self.password.text(), self.tr("Password")),
                  (self.reason, self.reason.text().strip(), self.tr("Reason")))
        missing = [(widget, label) for widget, value, label in fields if not value]
        if not missing:
            self.missing.clear()
            self.accept()
            return
        self.missing.setText(self.tr("Fill in: %1.").replace("%1", self.tr(", ").join(label for _, label in missing)))
        missing[0][0].setFocus()


class EntryDialog(QDialog):
    def __init__(self, entry: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settlement %1").replace("%1", str(entry["local_id"])))
        self.resize(620, 640)
        layout = QVBoxLayout(self)
        states = {"provisional": self.tr("Provisional (offline)"), "final": self.tr("Final")}
        kinds = {"settlement": self.tr("Settlement"), "reversal": self.tr("Reversal")}
        head = QLabel("　".join(str(part) for part in (
            entry["psn_name"], entry["certno"], self.tr("Admission no. %1").replace("%1", str(entry["mdtrt_id"])),
            self.tr("Queue no. %1").replace("%1", str(entry["queue_no"])),
            kinds.get(str(entry.get("kind", "")), ""), states.get(str(entry["state"]), ""),
            moment_text(str(entry["created_at"])),
            self.tr("Clerk %1").replace("%1", str(entry.get("operator_name") or entry.get("operator", ""))))))
        head.setWordWrap(True)
        layout.addWidget(head)
        panel = BreakdownPanel()
        panel.show_result(entry.get("result") or {"setlinfo": entry["setlinfo"]})
        layout.addWidget(panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(with_key(self.tr("Close"), "Esc"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# An ID number typed into the search box (15 or 18 characters): masked on screen after the search.
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")


class HistoryPage(DeskPage):
    reversed = Signal(object)

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        today = QDate.currentDate()
        self.day_from, self.day_to = day_edit(today), day_edit(today)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("ID number, name, person no., admission no. or settlement no."))
        self.text.returnPressed.connect(self.search)
        self._searched_id = ""   # the ID number searched, kept off screen
        self._masked_id = ""     # what the box shows for it
        self._pending_reverse: int | None = None
        self._take_keys = False  # the page just shown: the table takes the keys when its rows come
        self._done = ""  # the reversal just made, shown with the next count
        self.reverse_dialog: ReverseDialog | None = None
        self.state = QComboBox()
        for key, label in (("", self.tr("All")), ("provisional", self.tr("Provisional (offline)")),
                           ("final", self.tr("Final")), ("reversed", self.tr("Reversed")),
                           ("reversal", self.tr("Reversal entries"))):
            self.state.addItem(label, key)
        search = QPushButton(with_key(self.tr("Search"), "Enter"))
        search.clicked.connect(self.search)
        filters = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.day_from, QLabel(self.tr("to")), self.day_to, self.text,
                       self.state, search):
            filters.addWidget(widget)
        self.model = LazyDictTableModel([
            (self.tr("No."), "local_id", True), (self.tr("Queue no."), "queue_no", False),
            (self.tr("Kind"), "kind_text", False), (self.tr("State"), "state_text", False),
            (self.tr("Day"), "business_day", False), (self.tr("Time"), "time_text", False),
            (self.tr("Name"), "psn_name", False),
            (self.tr("ID number"), "certno", False), (self.tr("Admission no."), "mdtrt_id", False),
            (self.tr("Total"), "medfee", True), (self.tr("Funds"), "funds", True), (self.tr("Cash"), "cash", True),
            (self.tr("Operator"), "operator_name", False), (self.tr("Upload"), "upload_text", False),
        ], tasks, page_size=200, parent=self, decorate=self._decorate,
            keep=("local_id", "kind", "reverses_local_id", "reversed_by", "state"))
        self._kinds = {"settlement": self.tr("Settlement"), "reversal": self.tr("Reversal")}
        self._states = {"provisional": self.tr("Provisional"), "final": self.tr("Final")}
        self._uploads = {"queued": self.tr("Queued"), "sent": self.tr("Sent"), "accepted": self.tr("Accepted"),
                         "adjusted": self.tr("Adjusted"), "rejected": self.tr("Rejected")}
        self._reversed_mark = self.tr(" (reversed)")
        self._names: dict[str, str] | None = None  # operators by login: their names, read once per search
        self.view = table_view(self.model, "history_table")
        self.view.doubleClicked.connect(lambda _: self.open_selected())
        for key in ("Return", "Enter"):  # Enter on a row opens it
            shortcut = QShortcut(QKeySequence(key), self.view, self.open_selected)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)  # Enter in the search box searches
        self.message = QLabel()
        self.message.setObjectName("history_message")
        self.message.setWordWrap(True)
        open_button = key_button(self.tr("Open"), "Ctrl+O", self.open_selected)
        reprint = key_button(self.tr("Reprint slip"), "Ctrl+P", self.reprint_selected)
        reverse = key_button(self.tr("Reverse…"), "Ctrl+R", self.reverse_selected)
        stay = key_button(self.tr("Admission and discharge…"), "Ctrl+T", self.stay_actions_selected, "stay_actions")
        self.stay_dialog: QDialog | None = None  # ui/stay_actions.py, for the selected settlement's stay
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        for button in (open_button, reprint, reverse, stay):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        self.model.rowsInserted.connect(lambda *_: self._select_pending())

    def _search_text(self) -> str:
        """The text to search for; an ID number does not stay on screen: the box shows it masked."""
        text = self.text.text().strip()
        if self._masked_id and text == self._masked_id:
            return self._searched_id  # the same search again
        if _ID_NUMBER.fullmatch(text):
            self._searched_id, self._masked_id = text, mask_id(text)
            self.text.setText(self._masked_id)
        else:
            self._searched_id = self._masked_id = ""
        return text

    def search(self) -> None:
        flt = HistoryFilter(day_from=self.day_from.date().toString("yyyy-MM-dd"),
                            day_to=self.day_to.date().toString("yyyy-MM-dd"),
                            text=self._search_text(), state=self.state.currentData() or "")
        self._names = None  # an operator added since is named too
        self._take_keys = self._take_keys and not self.text.hasFocus()  # typing a search: the box keeps the keys
        self.model.reset_source(lambda after, limit: self.desk.history_page(flt, after, limit))
        self.tasks.run(lambda: self.desk.history_count(flt), self._counted, self._error)

    def _counted(self, count: int) -> None:
        counted = self.tr("%1 entries").replace("%1", str(count))
        done, self._done = self._done, ""  # what was just done stays readable beside the count
        show_info(self.message, f"{done}　{counted}" if done else counted)

    def _decorate(self, row: dict[str, Any]) -> dict[str, Any]:
        # Runs in the worker that fetched the page; low-cardinality texts are interned.
        for key in ("kind", "state", "business_day", "operator", "outbox_status"):
            if isinstance(row.get(key), str):
                row[key] = sys.intern(row[key])
        info = row["setlinfo"]
        row["kind_text"] = self._kinds.get(row["kind"], row["kind"])
        row["time_text"] = sys.intern(moment_text(str(row.get("created_at") or ""))[11:16])
        row["state_text"] = sys.intern(self._states.get(row["state"], row["state"]) + (
            self._reversed_mark if row.get("reversed_by") else ""))
        row["medfee"], row["funds"], row["cash"] = (info["medfee_sumamt"], info["fund_pay_sumamt"],
                                                    info["psn_cash_pay"])
        row["upload_text"] = self._uploads.get(row.get("outbox_status") or "", row.get("outbox_status") or "")
        names = self._names
        if names is None:
            names = self._names = {k: sys.intern(v) for k, v in self.desk.operator_names().items()}
        row["operator_name"] = names.get(row["operator"], row["operator"])  # the clerk's name, not the login
        return row

    def _error(self, exc: BaseException) -> None:
        show_error(self.message, exc)

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows:
            self._error(Notice(self.tr("Select a settlement first.")))
            return None
        return self.model.row_at(rows[0].row())

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        local_id = int(row["local_id"])
        desk = self.desk

        def read() -> dict[str, Any]:
            entry = desk.entry(local_id)
            entry["operator_name"] = desk.operator_names().get(str(entry.get("operator", "")), "")
            return entry

        self.tasks.run(read, lambda e: EntryDialog(e, self).exec(), self._error)

    def reprint_selected(self, path: str | Path | None = None) -> None:
        row = self.selected()
        if row is None:
            return
        local_id = int(row["reverses_local_id"] or row["local_id"])
        desk, operator, printer_name = self.desk, self.operator.name, "" if path else chosen_printer()
        self.tasks.run(lambda: produce_slip(desk, local_id, operator, reprint=True, target=path,
                                            printer_name=printer_name),
                       lambda p: show_info(self.message, self.tr("Slip written to %1").replace("%1", p)), self._error)

    def reverse_selected(self, dialog: ReverseDialog | None = None) -> None:
        row = self.selected()
        if row is None:
            return
        if row["kind"] != "settlement" or row.get("reversed_by"):
            self._error(Notice(self.tr("Only a settlement that is not yet reversed (冲正) can be reversed.")))
            return
        local_id = int(row["local_id"])
        dialog = dialog or ReverseDialog(local_id, self, entry=row)
        if dialog.result() != QDialog.DialogCode.Accepted and dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, password, reason = dialog.supervisor.text().strip(), dialog.password.text(), dialog.reason.text()
        desk, cashier = self.desk, self.operator  # the refund counts for the clerk at the window who pays it out
        cash = str(row.get("cash") or "")  # what the patient paid, and gets back
        self.tasks.run(lambda: desk.reverse(desk.login(name, password, via="reversal"), local_id, reason,
                                            paid_by=cashier),
                       lambda outcome: self._reversed(outcome, cash), self._error)

    def stay_actions_selected(self) -> None:
        """出院办理 / 入院撤销 / 出院撤销 / 明细撤销 for the selected settlement's stay (ui/stay_actions.py)."""
        row = self.selected()
        if row is None:
            return
        from .stay_actions import StayActionsDialog

        dialog = StayActionsDialog(self.desk, self.tasks, self.operator, str(row.get("mdtrt_id") or ""), self,
                                   patient=str(row.get("psn_name") or ""))
        dialog.answered.connect(lambda _: self.search())
        self.stay_dialog = dialog
        dialog.open()

    def reverse_entry(self, local_id: int, at: str = "") -> None:
        """Find one settlement (its no., from the day it was made), select it and open its reversal."""
        day = QDate.fromString(at[:10], "yyyy-MM-dd")
        if day.isValid():
            self.day_from.setDate(min(day, self.day_to.date()))
        self.state.setCurrentIndex(0)
        self.text.setText(str(local_id))
        self._pending_reverse = local_id
        self.search()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._take_keys = True

    def _select_pending(self) -> None:
        if self._pending_reverse is None:
            self._select_newest()
            return
        wanted = self._pending_reverse
        for i, row in enumerate(self.model.rows()):
            if int(row["local_id"]) == wanted:
                self._pending_reverse = None
                self._take_keys = False  # the reversal's own dialog and row take them
                self.view.selectRow(i)
                self.view.setFocus()
                dialog = ReverseDialog(wanted, self, entry=row)
                self.reverse_dialog = dialog
                dialog.accepted.connect(lambda d=dialog: self.reverse_selected(d))
                dialog.open()
                return

    def _select_newest(self) -> None:
        """The page just shown (from another tab): the newest settlement selected and the table
        focused, so that Enter opens it, Ctrl+P reprints it and Ctrl+R reverses it at once."""
        if not self._take_keys or not self.isVisible() or not self.model.rowCount():
            return
        self._take_keys = False
        if not self.view.selectionModel().hasSelection():
            self.view.selectRow(0)
        self.view.setFocus()

    def _reversed(self, outcome: object, cash: str = "") -> None:
        committed = getattr(outcome, "committed", None)
        done = self.tr("Reversed: new entry %1.").replace("%1", str(getattr(committed, "local_id", "")))
        if cash:
            done += self.tr("Give the patient back %1 yuan.").replace("%1", cash)
        self._done = done
        show_info(self.message, done)
        self.reversed.emit(outcome)
        self.search()
