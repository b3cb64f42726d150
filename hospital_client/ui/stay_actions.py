"""The inpatient transactions around discharge at the window: 出院办理 (2402), 信息变更 (2403),
入院撤销 (2404), 出院撤销 (2405) and 明细撤销 (2302) for one stay, each after a confirmation naming
the stay (and, for a change, what changes).

Opened from History (the selected settlement's stay). 信息变更 sends only what is filled in (the
admission day only when ticked); with nothing filled in it asks nothing. A discharge made while the central system
cannot be reached is kept and sent with the next sync (the answer says so); the others need the
link and are refused while it is down, with nothing changed. A refusal of the central system
(the stay is settled, not admitted, ...) is shown in its own Chinese sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator
from ..app import stay_transactions as st
from .messages import Notice, show_error, show_info
from .tasks import TaskRunner
from .widgets import day_edit, key_button, with_key

__all__ = ["StayActionsDialog"]

# The inpatient med_types a stay may be changed to (2403), with their names.
INPATIENT_MED_TYPES = (("21", "普通住院"), ("22", "外伤住院"), ("23", "转外诊治住院"), ("24", "急诊转住院"))
# The keys of the five transactions (shown on their buttons).
KEYS = {st.DISCHARGE: "Ctrl+1", st.ADMISSION_CANCEL: "Ctrl+2", st.DISCHARGE_CANCEL: "Ctrl+3",
        st.FEE_WITHDRAW: "Ctrl+4", st.ADMISSION_CHANGE: "Ctrl+5"}
ORDER = (st.DISCHARGE, st.ADMISSION_CHANGE, st.ADMISSION_CANCEL, st.DISCHARGE_CANCEL, st.FEE_WITHDRAW)


class StayActionsDialog(QDialog):
    """The transactions of one stay (``mdtrt_id``); ``answered`` carries each answer (StayOutcome)."""

    answered = Signal(object)

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, mdtrt_id: str, parent: QWidget | None = None,
                 *, psn_no: str = "", patient: str = "", discharged: dt.date | None = None) -> None:
        super().__init__(parent)
        self.desk, self.tasks, self.operator = desk, tasks, operator
        self.mdtrt_id, self.psn_no = mdtrt_id, psn_no
        self.setWindowTitle(self.tr("Stay %1: admission and discharge").replace("%1", mdtrt_id))
        self.setMinimumWidth(760)
        self.names = {
            st.DISCHARGE: self.tr("Discharge (出院办理)"),
            st.ADMISSION_CANCEL: self.tr("Cancel the admission (入院撤销)"),
            st.DISCHARGE_CANCEL: self.tr("Cancel the discharge (出院撤销)"),
            st.FEE_WITHDRAW: self.tr("Withdraw uploaded fee lines (明细撤销)"),
            st.ADMISSION_CHANGE: self.tr("Change the admission (信息变更)"),
        }
        subject = QLabel(self.tr("Stay %1").replace("%1", mdtrt_id) + (f"　{patient}" if patient else ""))
        subject.setObjectName("stay_subject")
        subject.setStyleSheet("font-weight:bold")
        self.endtime = day_edit(QDate(discharged.year, discharged.month, discharged.day) if discharged
                                else QDate.currentDate())
        self.endtime.setObjectName("stay_endtime")
        self.way = QComboBox()
        self.way.setObjectName("stay_way")
        for code, label in (("1", self.tr("1 Discharged on medical advice")), ("2", self.tr("2 Transferred on advice")),
                            ("3", self.tr("3 To a community or township health centre")),
                            ("4", self.tr("4 Left against medical advice")), ("5", self.tr("5 Died")),
                            ("9", self.tr("9 Other"))):
            self.way.addItem(label, code)
        self.diagnoses = QLineEdit()
        self.diagnoses.setObjectName("stay_diagnoses")
        self.diagnoses.setPlaceholderText(self.tr("Diagnosis codes, the main one first, separated by commas"))
        discharge_box = QGroupBox(self.tr("Discharge"))
        form = QFormLayout(discharge_box)
        form.addRow(self.tr("Discharge day"), self.endtime)
        form.addRow(self.tr("Way of leaving (离院方式)"), self.way)
        form.addRow(self.tr("Discharge diagnoses"), self.diagnoses)
        self.fee_line = QLineEdit(st.ALL_LINES)
        self.fee_line.setObjectName("stay_fee_line")
        self.fee_line.setToolTip(self.tr("0000: every uploaded line not yet settled"))
        change_box = self._change_box()
        fee_box = QGroupBox(self.tr("Uploaded fee lines"))
        fee_form = QFormLayout(fee_box)
        fee_form.addRow(self.tr("Fee line serial no. (0000: all not settled)"), self.fee_line)
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for infno in ORDER:
            button = key_button(self.names[infno], KEYS[infno], self._asker(infno), f"stay_{infno}")
            button.setAutoDefault(False)
            self.buttons[infno] = button
            actions.addWidget(button)
        self.message = QLabel()
        self.message.setObjectName("stay_message")
        self.message.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(with_key(self.tr("Close"), "Esc"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(subject)
        boxes = QHBoxLayout()
        boxes.addWidget(discharge_box, 1)
        boxes.addWidget(change_box, 1)
        layout.addLayout(boxes)
        layout.addWidget(fee_box)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.confirm_box: QMessageBox | None = None
        self.last_outcome: st.StayOutcome | None = None

    def _change_box(self) -> QGroupBox:
        """信息变更 (2403): only what is filled in changes; the admission day only when ticked."""
        box = QGroupBox(self.tr("Change of admission information (信息变更)"))
        self.change_begin = QCheckBox(self.tr("Admission day"))
        self.change_begin.setObjectName("stay_change_begin")
        self.change_begin_day = day_edit(QDate.currentDate())
        self.change_begin_day.setObjectName("stay_change_begin_day")
        self.change_begin_day.setEnabled(False)
        self.change_begin.toggled.connect(self.change_begin_day.setEnabled)
        begin_row = QHBoxLayout()
        begin_row.addWidget(self.change_begin)
        begin_row.addWidget(self.change_begin_day, 1)
        self.change_dept = QLineEdit()
        self.change_dept.setObjectName("stay_change_dept")
        self.change_dept.setPlaceholderText(self.tr("Department code"))
        self.change_dept_name = QLineEdit()
        self.change_dept_name.setObjectName("stay_change_dept_name")
        self.change_dept_name.setPlaceholderText(self.tr("Department name"))
        dept_row = QHBoxLayout()
        dept_row.addWidget(self.change_dept, 1)
        dept_row.addWidget(self.change_dept_name, 2)
        self.change_bed = QLineEdit()
        self.change_bed.setObjectName("stay_change_bed")
        self.change_doctor = QLineEdit()
        self.change_doctor.setObjectName("stay_change_doctor")
        self.change_diagnoses = QLineEdit()
        self.change_diagnoses.setObjectName("stay_change_diagnoses")
        self.change_diagnoses.setPlaceholderText(self.tr("Codes, the main one first (replace all)"))
        self.change_med_type = QComboBox()
        self.change_med_type.setObjectName("stay_change_med_type")
        self.change_med_type.addItem(self.tr("Unchanged"), "")
        for code, name in INPATIENT_MED_TYPES:
            self.change_med_type.addItem(f"{code} {name}", code)
        self.change_main_cond = QLineEdit()
        self.change_main_cond.setObjectName("stay_change_main_cond")
        self.change_main_cond.setMaxLength(100)
        self.change_main_cond.setPlaceholderText(self.tr("The patient's main condition, in words"))
        form = QFormLayout(box)
        form.addRow(begin_row)
        form.addRow(self.tr("Department"), dept_row)
        form.addRow(self.tr("Bed"), self.change_bed)
        form.addRow(self.tr("Attending doctor"), self.change_doctor)
        form.addRow(self.tr("Diagnoses"), self.change_diagnoses)
        form.addRow(self.tr("&Medical type"), self.change_med_type)
        form.addRow(self.tr("Main conditio&n (主要病情描述)"), self.change_main_cond)
        return box

    @staticmethod
    def _codes(text: str) -> list[str]:
        return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]

    def change_summary(self) -> list[str]:
        """What the 信息变更 changes, one phrase each (empty: nothing filled in)."""
        out: list[str] = []
        if self.change_begin.isChecked():
            out.append(self.tr("admission day %1").replace("%1", self.change_begin_day.date().toString("yyyy-MM-dd")))
        dept = " ".join(x for x in (self.change_dept.text().strip(), self.change_dept_name.text().strip()) if x)
        if dept:
            out.append(self.tr("department %1").replace("%1", dept))
        if self.change_bed.text().strip():
            out.append(self.tr("bed %1").replace("%1", self.change_bed.text().strip()))
        if self.change_doctor.text().strip():
            out.append(self.tr("attending doctor %1").replace("%1", self.change_doctor.text().strip()))
        codes = self._codes(self.change_diagnoses.text())
        if codes:
            out.append(self.tr("diagnoses %1").replace("%1", "、".join(codes)))
        if self.change_med_type.currentData():
            out.append(self.tr("medical type %1").replace("%1", self.change_med_type.currentText()))
        if self.change_main_cond.text().strip():
            out.append(self.tr("main condition %1").replace("%1", self.change_main_cond.text().strip()))
        return out

    def _change_input(self) -> dict[str, object]:
        begin = None
        if self.change_begin.isChecked():
            day = self.change_begin_day.date()
            begin = dt.date(day.year(), day.month(), day.day())
        codes = self._codes(self.change_diagnoses.text())
        return st.change_input(self.mdtrt_id, psn_no=self.psn_no, begntime=begin, dept=self.change_dept.text().strip(),
                               dept_name=self.change_dept_name.text().strip(), bed=self.change_bed.text().strip(),
                               doctor=self.change_doctor.text().strip(), diagnoses=codes or None,
                               med_type=str(self.change_med_type.currentData() or ""),
                               main_cond=self.change_main_cond.text().strip())

    def _asker(self, infno: str) -> Callable[[], None]:
        return lambda: self.ask(infno)

    def _input(self, infno: str) -> dict[str, object]:
        if infno == st.DISCHARGE:
            day = self.endtime.date()
            codes = [c.strip() for c in self.diagnoses.text().replace("，", ",").split(",") if c.strip()]
            return st.discharge_input(self.mdtrt_id, endtime=dt.date(day.year(), day.month(), day.day()),
                                      dscg_way=str(self.way.currentData()), diagnoses=codes, psn_no=self.psn_no)
        if infno == st.ADMISSION_CHANGE:
            return self._change_input()
        if infno == st.FEE_WITHDRAW:
            return st.withdraw_input(self.mdtrt_id, self.fee_line.text().strip() or st.ALL_LINES, psn_no=self.psn_no)
        return st.cancel_input(self.mdtrt_id, psn_no=self.psn_no)

    def _question(self, infno: str) -> str:
        stay = self.mdtrt_id
        if infno == st.DISCHARGE:
            return (self.tr("Record the discharge of stay %1 on %2 (%3) at the insurance centre?")
                    .replace("%1", stay).replace("%2", self.endtime.date().toString("yyyy-MM-dd"))
                    .replace("%3", self.way.currentText()))
        if infno == st.ADMISSION_CANCEL:
            return self.tr("Cancel the admission of stay %1 at the insurance centre? The stay can then no longer "
                           "be settled.").replace("%1", stay)
        if infno == st.ADMISSION_CHANGE:
            return (self.tr("Change the admission of stay %1 at the insurance centre: %2?").replace("%1", stay)
                    .replace("%2", "；".join(self.change_summary())))
        if infno == st.DISCHARGE_CANCEL:
            return self.tr("Cancel the discharge of stay %1? The stay is open again (its settlement must have "
                           "been reversed first).").replace("%1", stay)
        line = self.fee_line.text().strip() or st.ALL_LINES
        which = (self.tr("every uploaded fee line not yet settled") if line == st.ALL_LINES
                 else self.tr("fee line %1").replace("%1", line))
        return self.tr("Withdraw %1 of stay %2 at the insurance centre?").replace("%1", which).replace("%2", stay)

    def ask(self, infno: str) -> None:
        """The confirmation (Y confirms; Enter or Esc keep things as they are, except for a discharge,
        where Enter confirms). A change with nothing filled in is not asked about: it says so."""
        if infno == st.ADMISSION_CHANGE and not self.change_summary():
            show_error(self.message, Notice(self.tr("Fill in what changes first (department, bed, doctor, "
                                                    "diagnoses, medical type, main condition or the admission "
                                                    "day).")))
            self.change_dept.setFocus()
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.names[infno], self._question(infno),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("stay_confirm")
        yes = box.addButton(self.tr("&Yes, %1").replace("%1", self.names[infno]), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("&No"), QMessageBox.ButtonRole.NoRole)
        box.setEscapeButton(no)
        box.setDefaultButton(yes if infno == st.DISCHARGE else no)
        self.confirm_box = box
        box.finished.connect(lambda _: self._answered(box, yes, infno))
        box.open()

    def _answered(self, box: QMessageBox, yes: object, infno: str) -> None:
        self.confirm_box = None
        self.window().activateWindow()  # the keys go back to where they were (not every platform does it)
        if box.clickedButton() is not yes:
            show_info(self.message, self.tr("Nothing was sent."))
            return
        input_, desk, operator = self._input(infno), self.desk, self.operator.name
        show_info(self.message, self.tr("Sending to the insurance centre…"))
        for button in self.buttons.values():
            button.setEnabled(False)
        self.tasks.run(lambda: desk.stay_transaction(operator, infno, dict(input_)), self._sent, self._failed)

    def _sent(self, outcome: st.StayOutcome) -> None:
        self._enable()
        self.last_outcome = outcome
        if outcome.state == "queued":
            text = self.tr("%1: the insurance centre cannot be reached just now; it is kept and sent with the "
                           "next sync.").replace("%1", self.names[outcome.infno])
        else:
            text = self.tr("%1: done at the insurance centre.").replace("%1", self.names[outcome.infno])
        self.message.setStyleSheet("color:#1e7b34;font-weight:bold")
        self.message.setText(text)
        self.message.setToolTip(outcome.msgid)
        self.answered.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self._enable()
        show_error(self.message, exc)

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(True)
