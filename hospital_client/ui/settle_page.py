"""The settle screen: identify the patient, load the bill, see the split at once, settle, print.

Keyboard: F2 identify, F4 import bill, F5 compute, F9 settle, F12 print, Esc clear. Every step
that touches the database or a file runs in a worker; the window stays responsive.

A settlement made while the desk is offline (or while older ones still wait for the insurance
centre) is provisional: the confirmation says 离线结算·暂定 before it is made, and a red mark
beside the amount says so after, until the next patient.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..app import (
    Desk,
    DuplicateSettlement,
    EncounterInput,
    Operator,
    Payment,
    PersonView,
    Preview,
    SettleOutcome,
    amount_in_words,
)
from ..app.bill_import import ImportedBill, import_bill
from ..app.code_names import assistance_group_name, insutype_name, region_name
from ..app.his_handoff import HandoffMismatch
from ..app.stay_periods import StayPeriod
from .bill_dialog import BillPreviewDialog
from .breakdown import BreakdownPanel
from .fee_table import FeeTableView
from .his_queue import WaitingStays
from .identify_controls import IdentifyControls
from .messages import Notice, clerk_message, show_error, show_info
from .models import FeeTableModel
from .preferences import chosen_printer
from .tasks import TaskRunner
from .violations_panel import ReviewGate
from .widgets import BlankDayEdit, DeskPage, day_edit, key_button, with_key

if TYPE_CHECKING:  # the sync machinery (httpx) is loaded on first use, not at start-up
    from ..app.his_stays import TakenStay
    from ..app.sync_usecases import OnlineOutcome

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _day(date: QDate) -> dt.date:
    return dt.date(date.year(), date.month(), date.day())


class ConfirmDialog(QDialog):
    """The last look before committing: the amount the patient pays, in large type, and whether
    the settlement will be provisional (离线结算·暂定). Enter confirms."""

    def __init__(self, person: PersonView, result: dict[str, Any], parent: QWidget | None = None, *,
                 provisional: bool = False, payment: Payment | None = None) -> None:
        super().__init__(parent)
        self.provisional = provisional
        self.setWindowTitle(self.tr("Confirm settlement") + ("　" + self.tr("Offline settlement · provisional")
                                                              if provisional else ""))
        info = result["setlinfo"]
        cash = Decimal(info["psn_cash_pay"])
        layout = QVBoxLayout(self)
        if provisional:
            mark = QLabel("⚠ " + self.tr("Offline settlement · provisional") + "<br/><span style='font-size:10pt;"
                          "font-weight:normal'>" + self.tr("The insurance centre cannot be reached now: this "
                          "settlement is kept on this desk as provisional and confirmed by the centre once online; "
                          "a difference is paid or refunded then.") + "</span>")
            mark.setObjectName("confirm_provisional")
            mark.setWordWrap(True)
            mark.setStyleSheet("background:#b00000;color:white;font-size:15pt;font-weight:bold;padding:8px")
            layout.addWidget(mark)
        who = QLabel(f"{person.psn_name}　{person.certno}　{insutype_name(person.insutype, short=True)}")
        who.setStyleSheet("font-size:12pt")
        layout.addWidget(who)
        layout.addWidget(QLabel(self.tr("Total %1 yuan; funds pay %2 yuan.")
                                .replace("%1", f"{Decimal(info['medfee_sumamt']):,.2f}")
                                .replace("%2", f"{Decimal(info['fund_pay_sumamt']):,.2f}")))
        big = QLabel(self.tr("Patient pays") + f"　¥ {cash:,.2f}")
        big.setObjectName("confirm_amount")
        big.setStyleSheet("font-size:28pt;font-weight:bold;color:#0b5394;margin:12px")
        layout.addWidget(big)
        words = QLabel(self.tr("In words:") + " " + amount_in_words(cash))
        words.setStyleSheet("font-size:13pt")
        layout.addWidget(words)
        if payment is not None:
            layout.addWidget(self._tendered_line(payment, cash))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Settle (Enter)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Back (Esc)"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        layout.addWidget(buttons)

    def _tendered_line(self, payment: Payment, cash: Decimal) -> QLabel:
        """What the patient hands over: the amount typed and the change, or, with none typed, that
        the exact amount is taken as paid (the slip's 实收 is then the amount due)."""
        if payment.tendered is None:
            line = QLabel(exact_payment_text(cash))
            line.setStyleSheet("font-size:12pt;color:#8a5a00;font-weight:bold")
        else:
            line = QLabel(self.tr("Tendered ¥%1, change ¥%2.").replace("%1", f"{payment.tendered:,.2f}")
                          .replace("%2", f"{payment.tendered - cash:,.2f}"))
            line.setStyleSheet("font-size:12pt")
        line.setObjectName("confirm_tendered")
        line.setWordWrap(True)
        return line


def exact_payment_text(due: Decimal) -> str:
    """No amount tendered was typed: the settlement records the exact amount due as received."""
    return QCoreApplication.translate("SettlePage", "No amount tendered was entered: exact payment of ¥%1 is "
                                      "assumed (recorded as received on the slip, no change).").replace("%1", f"{due:,.2f}")


class OverlapDialog(QDialog):
    """The same person has a settlement in force of another stay with overlapping dates, and one of
    the two stays was typed by hand: settle only with a reason (audited). Enter settles, Esc goes back."""

    def __init__(self, overlaps: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overlaps = overlaps
        self.setWindowTitle(self.tr("Overlapping stay"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("This patient already has a settlement in force for a stay whose dates overlap "
                              "this one, and one of the two stays was typed by hand (no admission no. from HIS). "
                              "It may be the same stay settled twice."))
        head.setWordWrap(True)
        head.setStyleSheet("color:#8a5a00;font-weight:bold")
        layout.addWidget(head)
        for item in overlaps:
            line = QLabel(self.tr("No. %1, queue no. %2: admission no. %3, %4 to %5, settled %6 by %7, total %8 yuan.")
                          .replace("%1", str(item["local_id"])).replace("%2", str(item["queue_no"]))
                          .replace("%3", str(item["stay"])).replace("%4", str(item["begntime"]))
                          .replace("%5", str(item["endtime"])).replace("%6", str(item["at"])[:16].replace("T", " "))
                          .replace("%7", str(item["operator"])).replace("%8", str(item["total"])))
            line.setObjectName("overlap_line")
            line.setWordWrap(True)
            layout.addWidget(line)
        self.reason = QLineEdit()
        self.reason.setObjectName("overlap_reason")
        self.reason.setPlaceholderText(self.tr("Why this is another stay (required, recorded)"))
        form = QHBoxLayout()
        form.addWidget(QLabel(self.tr("Reason")))
        form.addWidget(self.reason, 1)
        layout.addLayout(form)
        self.missing = QLabel()
        self.missing.setObjectName("overlap_missing")
        self.missing.setStyleSheet("color:#b00000")
        layout.addWidget(self.missing)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(with_key(self.tr("Settle anyway"), "Enter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(with_key(self.tr("Back"), "Esc"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    def _check(self) -> None:
        if not self.reason.text().strip():
            self.missing.setText(self.tr("Give the reason first."))
            self.reason.setFocus()
            return
        self.accept()


class FirstSettlementDialog(QDialog):
    """A second settlement of a stay was refused: the first one (流水号, time, clerk, amount), with
    its slip to reprint (F12) or, for a supervisor, its reversal (Ctrl+R). Esc closes."""

    REPRINT, REVERSE = 2, 3

    def __init__(self, error: DuplicateSettlement, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(self.tr("This stay is already settled"))
        self.setMinimumWidth(500)
        layout = QVBoxLayout(self)
        text = QLabel(self.tr("This stay already has a settlement in force:"))
        text.setWordWrap(True)
        layout.addWidget(text)
        grid = QGridLayout()
        rows = ((self.tr("Settlement no."), str(error.local_id)), (self.tr("Queue no."), error.queue_no),
                (self.tr("Time"), error.at[:16].replace("T", " ")), (self.tr("Clerk"), error.operator),
                (self.tr("Total"), f"{error.total} " + self.tr("yuan")),
                (self.tr("Patient paid"), f"{error.cash} " + self.tr("yuan")))
        for i, (label, value) in enumerate(rows):
            grid.addWidget(QLabel(label), i, 0)
            shown = QLabel(value)
            shown.setObjectName(f"first_{i}")
            shown.setStyleSheet("font-weight:bold")
            grid.addWidget(shown, i, 1)
        layout.addLayout(grid)
        note = QLabel(self.tr("To correct it, a supervisor reverses it first; then the stay can be settled again."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.reprint_button = key_button(self.tr("Reprint its slip"), "F12", lambda: self.done(self.REPRINT),
                                         "first_reprint")
        self.reverse_button = key_button(self.tr("Reverse (supervisor)…"), "Ctrl+R", lambda: self.done(self.REVERSE),
                                         "first_reverse")
        self.close_button = QPushButton(with_key(self.tr("Close"), "Esc"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.reprint_button, self.reverse_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.reprint_button.setDefault(True)
        self.reprint_button.setFocus()


# The fields a HIS hand-off fills, as the audit names them.
HANDOFF_FIELDS = ("admission_no", "admitted", "discharged", "diagnosis")
# Below this height (the page maximised on a 1366×768 screen is about 600 px) the smart review
# folds its warnings so the bill keeps about eight rows.
ROOMY_PAGE_HEIGHT = 760


class SettlePage(DeskPage):
    settled = Signal(object)        # SettleOutcome
    printed = Signal(str)           # path of the PDF written
    reverse_requested = Signal(int, str)  # local id and time of a settlement to reverse (History)

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        self.person: PersonView | None = None
        self.bill: ImportedBill | None = None
        self.preview: Preview | None = None
        self.outcome: SettleOutcome | None = None
        self.online: OnlineOutcome | None = None
        self.slip_dir = desk.slip_dir
        self.confirm_settle = True     # tests switch the confirmation dialog off

        # --- patient ---------------------------------------------------------------------------
        self.identify = QLineEdit()
        self.identify.setObjectName("identify_input")
        self.identify.setPlaceholderText(self.tr("Scan the e-voucher or social security card, or type the ID number (F2)"))
        self.identify.returnPressed.connect(self.lookup)
        find = QPushButton(with_key(self.tr("Find"), "Enter"))
        find.clicked.connect(self.lookup)
        self.person_label = QLabel(self.tr("No patient yet."))
        self.person_label.setObjectName("person_label")
        self.person_label.setWordWrap(True)
        person_box = QGroupBox(self.tr("Patient"))
        pl = QGridLayout(person_box)
        pl.addWidget(self.identify, 0, 0)
        pl.addWidget(find, 0, 1)
        pl.addWidget(self.person_label, 1, 0, 1, 3)
        # The stays HIS handed over: the clerk takes the next one instead of typing the stay.
        self.taken: TakenStay | None = None
        self.waiting = WaitingStays(desk, tasks)
        self.waiting.taken.connect(self.take_stay)
        self.waiting.failed.connect(self._error)
        pl.addWidget(self.waiting, 3, 0, 1, 3)

        # --- stay --------------------------------------------------------------------------------
        today = QDate.currentDate()
        self.mdtrt_id = QLineEdit()
        self.mdtrt_id.setObjectName("mdtrt_id")
        self.hosp_lv = QComboBox()
        self.hosp_lv.setObjectName("hosp_lv")
        for lv, text in ((1, self.tr("Level 1")), (2, self.tr("Level 2")), (3, self.tr("Level 3"))):
            self.hosp_lv.addItem(text, lv)
        self.hosp_lv.setCurrentIndex(1)
        self.begin: QDateEdit = BlankDayEdit(QDate(2000, 1, 1))  # blank until given or from HIS
        self.end = day_edit(today)
        # The card reader (F6) beside Find; the benefit status under the patient (ui/identify_controls.py).
        self.identification = IdentifyControls(self)
        pl.addWidget(self.identification, 0, 2)
        pl.addWidget(self.identification.benefit_label, 2, 0, 1, 3)
        self.diagnosis = QLineEdit()
        self.diagnosis.setPlaceholderText(self.tr("ICD-10, e.g. J18.900"))
        self.referral = QCheckBox(self.tr("Referred from"))
        self.referral_lv = QComboBox()
        for lv, text in ((1, self.tr("Level 1")), (2, self.tr("Level 2")), (3, self.tr("Level 3"))):
            self.referral_lv.addItem(text, lv)
        self.referral_paid = QLineEdit("0.00")
        self.referral_paid.setMaximumWidth(90)
        self.registered = QCheckBox(self.tr("Out-of-area stay registered (异地备案)"))
        # 中途结算: this settlement closes a period of a long stay; the stay's next one continues it.
        self.mid_stay = QCheckBox(self.tr("Mid-stay settlement (中途结算): the stay goes on"))
        self.mid_stay.setObjectName("mid_stay")
        stay_box = QGroupBox(self.tr("Stay"))
        sl = QGridLayout(stay_box)
        sl.addWidget(QLabel(self.tr("Admission no.")), 0, 0)
        sl.addWidget(self.mdtrt_id, 0, 1)
        sl.addWidget(QLabel(self.tr("Hospital level")), 0, 2)
        sl.addWidget(self.hosp_lv, 0, 3)
        sl.addWidget(QLabel(self.tr("Admitted")), 1, 0)
        sl.addWidget(self.begin, 1, 1)
        sl.addWidget(QLabel(self.tr("Discharged")), 1, 2)
        sl.addWidget(self.end, 1, 3)
        sl.addWidget(QLabel(self.tr("Diagnosis")), 2, 0)
        sl.addWidget(self.diagnosis, 2, 1)
        referral_row = QHBoxLayout()
        referral_row.addWidget(self.referral)
        referral_row.addWidget(self.referral_lv)
        referral_row.addWidget(QLabel(self.tr("deductible paid")))
        referral_row.addWidget(self.referral_paid)
        sl.addLayout(referral_row, 2, 2, 1, 2)
        flags_row = QHBoxLayout()
        flags_row.addWidget(self.registered)
        flags_row.addWidget(self.mid_stay)
        flags_row.addStretch(1)
        sl.addLayout(flags_row, 3, 0, 1, 3)
        # What the hand-off filled is read-only; the clerk may unlock one field (audited).
        self.unlock_button = QPushButton(with_key(self.tr("Unlock a field"), "Ctrl+U"))
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_menu = QMenu(self.unlock_button)
        for field, label in zip(HANDOFF_FIELDS, (self.tr("Admission no."), self.tr("Admitted"),
                                                 self.tr("Discharged"), self.tr("Diagnosis")), strict=True):
            action = self.unlock_menu.addAction(label)
            action.setData(field)
            action.triggered.connect(lambda _=False, f=field: self.unlock_field(f))
        self.unlock_button.setMenu(self.unlock_menu)
        QShortcut(QKeySequence("Ctrl+U"), self, self.unlock_button.showMenu)
        sl.addWidget(self.unlock_button, 3, 3)
        self._overlap_checked = False
        self.overlap_dialog: OverlapDialog | None = None
        self.first_dialog: FirstSettlementDialog | None = None

        top = QHBoxLayout()
        top.addWidget(person_box, 3)
        top.addWidget(stay_box, 4)

        # --- bill and breakdown -------------------------------------------------------------------
        self.import_button = QPushButton(self.tr("Import bill (F4)"))
        self.import_button.clicked.connect(self.choose_bill)
        self.bill_label = QLabel(self.tr("No bill loaded."))
        self.bill_label.setObjectName("bill_label")
        self.fee_model = FeeTableModel(self)
        self.fee_view = FeeTableView(self.fee_model)  # the columns fitted to the room (ui/fee_table.py)
        bill_box = QWidget()
        bl = QVBoxLayout(bill_box)
        bl.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.import_button)
        bar.addWidget(self.bill_label, 1)
        bl.addLayout(bar)
        bl.addWidget(self.fee_view, 1)
        self.review = ReviewGate(self)  # 智能审核: the violations under the lines, before the confirm
        bl.addWidget(self.review.panel)
        self.breakdown = BreakdownPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(bill_box)
        split.addWidget(self.breakdown)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)  # dragging the divider never hides a figure
        split.setSizes([3000, 2000])  # the bill three fifths from the start: the split has room to spare
        self.fee_view.setMinimumWidth(320)

        # --- the amount and the actions -----------------------------------------------------------
        self.cash_label = QLabel(self.tr("Patient pays") + "　—")
        self.cash_label.setObjectName("cash_label")
        self.cash_label.setStyleSheet("font-size:24pt;font-weight:bold;color:#0b5394")
        self.cash_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.provisional_mark = QLabel()
        self.provisional_mark.setObjectName("provisional_mark")
        self.provisional_mark.setStyleSheet("color:#b00000;border:2px solid #b00000;font-size:13pt;"
                                            "font-weight:bold;padding:2px 6px")
        self.provisional_mark.setVisible(False)
        # a period of a stay settled in periods (中途结算): which one, from when to when
        self.period_mark = QLabel()
        self.period_mark.setObjectName("period_mark")
        self.period_mark.setStyleSheet("color:#0b5394;border:2px solid #0b5394;font-size:13pt;"
                                       "font-weight:bold;padding:2px 6px")
        self.period_mark.setVisible(False)
        self.state_label = QLabel()
        self.state_label.setObjectName("state_label")
        self.state_label.setWordWrap(True)
        self.state_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._settled_text = ""
        self.provisional_expected = not (desk.site and desk.site.server_url)
        # The clerk's cash: how the patient pays, what they hand over (F7), the change, large.
        self.payment_method = QComboBox()
        self.payment_method.setObjectName("payment_method")
        for code, name in desk.payment_methods().items():  # 医保个人账户 once a pack allowing it is known
            self.payment_method.addItem(name, code)
        self.tendered = QLineEdit()
        self.tendered.setObjectName("tendered")
        self.tendered.setPlaceholderText(self.tr("amount tendered (F7)"))
        self.tendered.setMaximumWidth(160)
        self.tendered.textEdited.connect(self._update_change)
        self.tendered.returnPressed.connect(self.settle)  # the amount typed, Enter settles (as F9)
        self.payment_method.currentIndexChanged.connect(self._update_change)
        self.change_label = QLabel()
        self.change_label.setObjectName("change_label")
        self.change_label.setStyleSheet("font-size:24pt;font-weight:bold;color:#0a7d2c")
        self._due: Decimal | None = None
        self._paid_exact = False  # the settlement on screen was made with no amount tendered typed
        self.compute_button = QPushButton(self.tr("Compute (F5)"))
        self.compute_button.clicked.connect(self.compute)
        self.settle_button = QPushButton(self.tr("Settle (F9)"))
        self.settle_button.setObjectName("settle_button")
        self.settle_button.clicked.connect(self.settle)
        self.print_button = QPushButton(self.tr("Print slip (F12)"))
        self.print_button.clicked.connect(lambda: self.print_slip())
        self.clear_button = QPushButton(self.tr("New patient (Esc)"))
        self.clear_button.clicked.connect(lambda: self.new_patient())
        bottom = QHBoxLayout()
        amount_box = QVBoxLayout()
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.cash_label)
        amount_row.addWidget(self.provisional_mark)
        amount_row.addWidget(self.period_mark)
        amount_row.addStretch(1)
        amount_box.addLayout(amount_row)
        pay_row = QHBoxLayout()
        for widget in (QLabel(self.tr("Payment")), self.payment_method, QLabel(self.tr("Tendered")), self.tendered,
                       self.change_label):
            pay_row.addWidget(widget)
        pay_row.addStretch(1)
        amount_box.addLayout(pay_row)
        amount_box.addWidget(self.state_label)
        bottom.addLayout(amount_box, 1)
        for button in (self.compute_button, self.settle_button, self.print_button, self.clear_button):
            button.setMinimumHeight(40)
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.setTabOrder(self.identify, self.mdtrt_id)
        self.setTabOrder(self.mdtrt_id, self.hosp_lv)
        self.setTabOrder(self.hosp_lv, self.begin)
        self.setTabOrder(self.begin, self.end)
        self.setTabOrder(self.end, self.diagnosis)
        self.setTabOrder(self.diagnosis, self.import_button)
        self.setTabOrder(self.import_button, self.compute_button)
        # As the round goes: the figures, how the patient pays and what they hand over, settle,
        # print, the next patient.
        self.setTabOrder(self.compute_button, self.payment_method)
        self.setTabOrder(self.payment_method, self.tendered)
        self.setTabOrder(self.tendered, self.settle_button)
        self.setTabOrder(self.settle_button, self.print_button)
        self.setTabOrder(self.print_button, self.clear_button)
        for combo in (self.hosp_lv, self.referral_lv):
            combo.currentIndexChanged.connect(self._stay_changed)
        for date_edit in (self.begin, self.end):
            date_edit.dateChanged.connect(self._stay_changed)
        for box in (self.referral, self.registered):
            box.toggled.connect(self._stay_changed)
        self.diagnosis.textEdited.connect(self._stay_changed)
        self.referral_paid.textEdited.connect(self._stay_changed)
        self.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.review.panel.set_compact(self.height() < ROOMY_PAGE_HEIGHT)

    # --- helpers --------------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        for button in (self.compute_button, self.settle_button, self.import_button):
            button.setEnabled(not busy)

    def _error(self, exc: BaseException) -> None:
        self._busy(False)
        show_error(self.state_label, exc)
        if isinstance(exc, DuplicateSettlement) and exc.local_id:
            self.show_first_settlement(exc)

    def show_first_settlement(self, error: DuplicateSettlement) -> None:
        """The settlement in force of the stay, with its reprint or reversal a key away."""
        dialog = FirstSettlementDialog(error, self)
        self.first_dialog = dialog
        dialog.finished.connect(lambda code: self._first_chosen(error, code))
        dialog.open()

    def _first_chosen(self, error: DuplicateSettlement, code: int) -> None:
        if code == FirstSettlementDialog.REPRINT:
            self.print_slip(local_id=error.local_id, reprint=True)
        elif code == FirstSettlementDialog.REVERSE:
            self.reverse_requested.emit(error.local_id, error.at)

    def _info(self, text: str) -> None:
        show_info(self.state_label, text)

    def set_provisional_expected(self, provisional: bool) -> None:
        """The window's word on the connection: a settlement made now would be provisional."""
        self.provisional_expected = provisional

    def _stay_changed(self, *_: object) -> None:
        self._overlap_checked = False
        if self.outcome is None and self.preview is not None:
            self.preview = None
            self.breakdown.show_result(None)
            self.cash_label.setText(self.tr("Patient pays") + "　—")
            self.period_mark.setVisible(False)
            self._info(self.tr("The stay changed: press F5 to compute again."))

    def clear(self) -> None:
        self._overlap_checked = False
        self.identification.clear()
        self.person = None
        self.bill = None
        self.preview = None
        self.outcome = None
        self.online = None
        self._settled_text = ""
        self.slip_printed = False
        self.provisional_mark.setVisible(False)
        self.period_mark.setVisible(False)
        self.identify.clear()
        self.person_label.setText(self.tr("No patient yet."))
        self._reset_stay()
        self.diagnosis.clear()
        self.referral.setChecked(False)
        self.referral_paid.setText("0.00")
        self.registered.setChecked(False)
        self.mid_stay.setChecked(False)
        self.fee_model.set_rows([])
        self.bill_label.setText(self.tr("No bill loaded."))
        self.breakdown.show_result(None)
        self.review.clear()
        self.cash_label.setText(self.tr("Patient pays") + "　—")
        self._due = None
        self.tendered.clear()
        self._offer_methods(self.desk.payment_methods())
        self.payment_method.setCurrentIndex(0)
        self._update_change()
        self._info(self.tr("Scan or type the patient's code, then import the bill (F4)."))
        self._busy(False)
        self.identify.setFocus()

    # --- the stay: typed, or taken from HIS ----------------------------------------------------
    def _stay_fields_read_only(self, read_only: bool) -> None:
        for edit in (self.mdtrt_id, self.diagnosis):
            edit.setReadOnly(read_only)
        for date_edit in (self.begin, self.end):
            date_edit.setReadOnly(read_only)
        tip = self.tr("From the HIS hand-off") if read_only else ""
        for widget in (self.mdtrt_id, self.begin, self.end, self.diagnosis):
            widget.setToolTip(tip)
        self.unlock_button.setEnabled(read_only)

    def _field_widget(self, field: str) -> QLineEdit | Any:
        return {"admission_no": self.mdtrt_id, "admitted": self.begin, "discharged": self.end,
                "diagnosis": self.diagnosis}[field]

    def unlock_field(self, field: str) -> None:
        """Make one field the HIS hand-off filled editable; audited (the field and the stay only)."""
        if self.taken is None:
            self._error(Notice(self.tr("Only a stay taken from HIS has locked fields.")))
            return
        widget = self._field_widget(field)
        if not widget.isReadOnly():
            widget.setFocus()
            return
        desk, operator, stay_key = self.desk, self.operator.name, self.taken.stay.stay_key

        def unlocked(_: object) -> None:
            widget.setReadOnly(False)
            widget.setToolTip(self.tr("From the HIS hand-off, unlocked by the clerk (recorded)"))
            widget.setStyleSheet("background:#fff4d6")
            widget.setFocus()
            self._info(self.tr("Field unlocked (recorded). Check it against the patient's papers."))

        self.tasks.run(lambda: desk.unlock_field(operator, stay_key, field), unlocked, self._error)

    def _reset_stay(self) -> None:
        """Nothing of the previous patient's stay stays on screen: no admission no., no admission
        date, the discharge today, the hospital level of the site."""
        self.taken = None
        self._stay_fields_read_only(False)
        for widget in (self.mdtrt_id, self.begin, self.end, self.diagnosis):
            widget.setStyleSheet("")
        self.mdtrt_id.clear()
        self.begin.setDate(self.begin.minimumDate())
        self.end.setDate(QDate.currentDate())
        level = self.desk.hospital_level
        index = self.hosp_lv.findData(level if level is not None else 2)
        self.hosp_lv.setCurrentIndex(max(index, 0))
        self.hosp_lv.setEnabled(level is None)
        self.waiting.refresh()

    def take_stay(self, key: str) -> None:
        """Take a waiting stay: its patient, admission and fee lines come from the HIS hand-off."""
        if self.outcome is not None:
            self._error(Notice(self.tr("Press Esc for the next patient first.")))
            return
        desk, psn_no = self.desk, (self.person.psn_no if self.person is not None else None)

        def work() -> tuple[TakenStay, list[PersonView]]:
            taken = desk.his_take(key, psn_no)
            return taken, desk.lookup(taken.psn_no)

        self._info(self.tr("Taking the stay from HIS…"))
        self.tasks.run(work, self._stay_taken, self._error)

    def _stay_taken(self, result: tuple[TakenStay, list[PersonView]]) -> None:
        taken, people = result
        stay = taken.stay
        self.taken = taken
        self.mdtrt_id.setText(stay.stay_key)
        self.begin.setDate(QDate.fromString(stay.begntime, "yyyy-MM-dd"))
        self.end.setDate(QDate.fromString(stay.endtime, "yyyy-MM-dd"))
        self.diagnosis.setText(", ".join(stay.diagnoses))
        self._stay_fields_read_only(True)
        bill = ImportedBill(stay.source, "his", "", list(taken.fees), list(range(1, len(stay.fees) + 1)))
        self.bill = bill
        self.preview = None
        self.bill_label.setText(self.tr("From HIS, admission no. %1 (%2): %3 lines, total %4 yuan")
                                .replace("%1", stay.ipt_no).replace("%2", stay.dept or "—")
                                .replace("%3", str(len(bill.fees))).replace("%4", f"{bill.total:,.2f}"))
        self.tasks.run(lambda: self.desk.rows(bill.fees), self.fee_model.set_rows, self._error)
        self.person = None
        self._found(people)

    def new_patient(self) -> None:
        """Esc: the next patient; a settled patient whose slip was not printed is asked about first."""
        if self.outcome is not None and not self.slip_printed:
            choice = self.ask_unprinted()
            if choice == "print":
                self.print_slip()
                return
            if choice != "clear":
                return
        self.clear()

    def ask_unprinted(self) -> str:
        """"print", "clear" or "cancel": the slip of the settlement on screen was not printed."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Slip not printed"),
                          self.tr("The slip of settlement no. %1 has not been printed. Print it before the next patient?")
                          .replace("%1", str(self.outcome.committed.local_id if self.outcome else "")), parent=self)
        print_button = box.addButton(with_key(self.tr("Print slip"), "F12"), QMessageBox.ButtonRole.AcceptRole)
        clear_button = box.addButton(self.tr("Next patient without printing"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(with_key(self.tr("Cancel"), "Esc"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(print_button)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "print" if clicked is print_button else "clear" if clicked is clear_button else "cancel"

    # --- identify ---------------------------------------------------------------------------
    def focus_identify(self) -> None:
        self.identify.setFocus()
        self.identify.selectAll()

    def lookup(self) -> None:
        key = self.identify.text().strip()
        if not key:
            return
        self._info(self.tr("Looking up…"))
        self.identification.lookup(key)

    def _found(self, people: list[PersonView]) -> None:
        self.identify.clear()  # the number typed or scanned does not stay on screen
        if people and self.taken is not None and people[0].psn_no != self.taken.psn_no:
            self._error(HandoffMismatch(f"the stay {self.taken.stay.ipt_no} was handed over for another person "
                                        "than the one identified"))
            return
        if not people:
            self.person = None
            self.person_label.setText(self.tr("Not found in the roster. Check the code, or sync the roster."))
            self._error(Notice(self.tr("No insured person with this code.")))
            return
        person = people[0]
        self.person = person
        self.identification.person_shown(person)
        self.outcome = None
        ytd = person.year_to_date
        group = assistance_group_name(person.assistance_group)
        area = "" if person.insuplc_admdvs == self.desk.region else self.tr("out-of-area insured (%1)").replace(
            "%1", region_name(person.insuplc_admdvs))
        group_html = f"<span style='color:#8a5a00'>{group}</span>" if group else ""
        self.person_label.setText(
            f"<b style='font-size:14pt'>{person.psn_name}</b>　{person.certno}　"
            f"{insutype_name(person.insutype, short=True)}　{group_html}　{area}<br/>"
            + self.tr("This year: %1 admission(s), pool paid %2, critical-illness base %3, paid %4")
            .replace("%1", str(ytd.get("admissions", 0))).replace("%2", str(ytd.get("hifp_pay", "0.00")))
            .replace("%3", str(ytd.get("hifmi_base", "0.00"))).replace("%4", str(ytd.get("hifmi_pay", "0.00")))
        )
        self._stay_changed()
        self._info(self.tr("Patient found. Import the bill (F4)."))
        if self.bill is not None:
            self.compute()

    # --- bill -------------------------------------------------------------------------------
    def choose_bill(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import bill"), "", self.tr("Bills (*.json *.csv *.txt *.xlsx);;All files (*)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path, *, ask: bool = True) -> None:
        if self.taken is not None:
            self._error(Notice(self.tr("This stay's bill comes from HIS; press Esc to enter another patient by hand.")))
            return
        self._info(self.tr("Reading the bill…"))
        self._busy(True)
        self.tasks.run(lambda: import_bill(path), lambda bill: self._bill_read(bill, ask), self._error)

    def _bill_read(self, bill: ImportedBill, ask: bool) -> None:
        self._busy(False)
        if ask or not bill.ok:
            dialog = BillPreviewDialog(bill, self)
            self._last_bill_dialog = dialog
            if not ask:
                dialog.show()
                self._error(Notice(self.tr("The bill has %1 problem(s) and was refused.").replace("%1", str(len(bill.errors)))))
                return
            if dialog.exec() != QDialog.DialogCode.Accepted:
                self._info(self.tr("Bill not accepted."))
                return
        self.bill = bill
        self.outcome = None
        self.preview = None
        self.bill_label.setText(self.tr("%1: %2 lines, total %3 yuan").replace("%1", bill.source)
                                .replace("%2", str(len(bill.fees))).replace("%3", f"{bill.total:,.2f}"))
        self.tasks.run(lambda: self.desk.rows(bill.fees), self.fee_model.set_rows, self._error)
        if self.person is not None:
            self.compute()
        else:
            self._info(self.tr("Bill loaded. Identify the patient (F2)."))

    # --- compute and settle -------------------------------------------------------------------
    def _encounter(self) -> EncounterInput:
        return EncounterInput(
            mdtrt_id=self.mdtrt_id.text().strip(),
            hosp_lv=int(self.hosp_lv.currentData()),
            begntime=_day(self.begin.date()),
            endtime=_day(self.end.date()),
            diagnoses=tuple(d.strip() for d in self.diagnosis.text().replace("，", ",").split(",") if d.strip()),
            referral_from_lv=int(self.referral_lv.currentData()) if self.referral.isChecked() else None,
            referral_dedc_paid=self.referral_paid.text().strip() or "0.00",
            out_of_area_registered=self.registered.isChecked(),
            mid_stay=self.mid_stay.isChecked(),
        )

    def _request(self) -> dict[str, Any] | None:
        if self.person is None:
            self._error(Notice(self.tr("Identify the patient first (F2).")))
            return None
        if self.bill is None:
            self._error(Notice(self.tr("Import the bill first (F4).")))
            return None
        return self.desk.build_request(self.person.psn_no, self._encounter(), self.bill.fees)

    def _stay_missing(self) -> bool:
        """The admission no. and date must be given (or come from HIS): nothing is made up."""
        if not self.mdtrt_id.text().strip():
            self._error(Notice(self.tr("Enter the admission no. (住院号), or take the next waiting patient (F3).")))
            self.mdtrt_id.setFocus()
            return True
        if self.begin.date() == self.begin.minimumDate():
            self._error(Notice(self.tr("Enter the admission date.")))
            self.begin.setFocus()
            return True
        return False

    def enter_stay(self, admission_no: str, admitted: dt.date) -> None:
        """Type a stay's admission no. and date (a stay not handed over by HIS)."""
        self.mdtrt_id.setText(admission_no)
        self.begin.setDate(QDate(admitted.year, admitted.month, admitted.day))

    def compute(self) -> None:
        if self.person is None or self.bill is None:
            self._request()
            return
        if self._stay_missing():
            return
        psn_no, encounter, fees = self.person.psn_no, self._encounter(), self.bill.fees
        self._info(self.tr("Computing…"))
        self.tasks.run(lambda: self.desk.preview(self.desk.build_request(psn_no, encounter, fees)),
                       self._computed, self._error)

    def _computed(self, preview: Preview) -> None:
        self.preview = preview
        self._overlap_checked = False
        self._show(preview.result)
        self._show_period(preview)
        pack_sha = str(preview.result.get("policy", {}).get("sha256", ""))
        self.tasks.run(lambda: self.desk.payment_methods(pack_sha), self._offer_methods, self._error)
        self._info(self.tr("Check the split, then settle (F9)."))

    def _show_period(self, preview: Preview) -> None:
        """Which period of a stay settled in periods this settlement is (中途结算), or nothing (read
        from the journal in a worker)."""
        self.period_mark.setVisible(False)
        self.tasks.run(lambda: self.desk.stay_period(preview), lambda period: self._period_read(preview, period),
                       self._error)

    def _period_read(self, preview: Preview, period: StayPeriod | None) -> None:
        if self.preview is not preview:  # the page moved on meanwhile
            return
        if period is None:
            self.period_mark.setVisible(False)
            return
        text = (self.tr("Mid-stay settlement, period %1: %2 – %3") if period.stay_goes_on else
                self.tr("Discharge settlement, period %1: %2 – %3 (the last of a stay settled in periods)"))
        self.period_mark.setText(text.replace("%1", str(period.number)).replace("%2", period.start)
                                 .replace("%3", period.end))
        self.period_mark.setVisible(True)

    def _show(self, result: dict[str, Any]) -> None:
        self.breakdown.show_result(result)
        self.review.show(result)
        cash = Decimal(result["setlinfo"]["psn_cash_pay"])
        self.cash_label.setText(self.tr("Patient pays") + f"　¥ {cash:,.2f}")
        self._due = cash
        self._update_change()
        if self.bill is not None:
            self.tasks.run(lambda: self.desk.rows(self.bill.fees if self.bill else [], result),
                           self.fee_model.set_rows, self._error)

    def settle(self) -> None:
        if self.outcome is not None:
            self._info(self.tr("Already settled (no. %1). Press Esc for the next patient.").replace("%1", str(self.outcome.committed.local_id)))
            return
        if self.preview is None:
            self.compute()
            return
        if self.person is None:
            return
        payment = self._payment()
        if payment is None:
            return
        if not self._overlap_checked:
            psn_no, encounter = self.person.psn_no, self._encounter()
            self.tasks.run(lambda: self.desk.overlapping_stays(psn_no, encounter), self._overlaps_read, self._error)
            return
        if self.confirm_settle:
            dialog = ConfirmDialog(self.person, self.preview.result, self, provisional=self.provisional_expected,
                                   payment=payment)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        self._paid_exact = payment.tendered is None
        request = self.preview.request
        self._busy(True)
        self._info(self.tr("Saving…"))
        overrides, approver = self.review.overrides, self.review.approver
        self.tasks.run(lambda: self.desk.settle_online(self.operator, request, payment=payment, overrides=overrides,
                                                       approver=approver), self._settled, self._error)

    def _overlaps_read(self, overlaps: list[dict[str, Any]]) -> None:
        if not overlaps:
            self._overlap_checked = True
            self.settle()
            return
        dialog = OverlapDialog(overlaps, self)
        self.overlap_dialog = dialog
        dialog.accepted.connect(lambda: self._overlap_confirmed(dialog))
        self._info(self.tr("Another stay of this patient overlaps these dates: confirm with a reason, or go back."))
        dialog.open()

    def _overlap_confirmed(self, dialog: OverlapDialog) -> None:
        desk, operator, stay_key = self.desk, self.operator.name, self._encounter().mdtrt_id
        ids, reason = [int(o["local_id"]) for o in dialog.overlaps], dialog.reason.text().strip()

        def recorded(_: object) -> None:
            self._overlap_checked = True
            self.settle()

        self.tasks.run(lambda: desk.confirm_overlap(operator, stay_key, ids, reason), recorded, self._error)

    # --- the clerk's cash ------------------------------------------------------------------------
    def focus_tendered(self) -> None:
        self.tendered.setFocus()
        self.tendered.selectAll()

    def _tendered_amount(self) -> Decimal | None:
        """The amount typed (yuan, at most two decimals), or None when empty or not an amount."""
        text = self.tendered.text().strip().replace(",", "").replace("，", "")
        if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,2})?", text):
            return None
        return Decimal(text)

    def _update_change(self, *_: object) -> None:
        """The change (找零 = tendered − due), shown large as the amount is typed."""
        tendered = self._tendered_amount()
        if self._due is None or tendered is None:
            self.change_label.setText(self.tr("Change") + "　—")
        elif tendered < self._due:
            self.change_label.setText(self.tr("Short by") + f"　¥ {self._due - tendered:,.2f}")
        else:
            self.change_label.setText(self.tr("Change") + f"　¥ {tendered - self._due:,.2f}")

    def _offer_methods(self, methods: dict[str, str]) -> None:
        """Offer these payment methods (code -> name), keeping the one chosen when it is still offered."""
        box = self.payment_method
        if [box.itemData(i) for i in range(box.count())] == list(methods):
            return
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for code, name in methods.items():
            box.addItem(name, code)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)
        self._update_change()

    def _payment(self) -> Payment | None:
        """The payment to record; None (and a message) when the amount tendered is wrong or short."""
        method = str(self.payment_method.currentData())
        if not self.tendered.text().strip():
            return Payment(method, None)
        tendered = self._tendered_amount()
        if tendered is None:
            self._error(Notice(self.tr("The amount tendered is not an amount of money (e.g. 100 or 86.50).")))
            self.focus_tendered()
            return None
        if self._due is not None and tendered < self._due:
            self._error(Notice(self.tr("The amount tendered is less than the amount due.")))
            self.focus_tendered()
            return None
        return Payment(method, tendered)

    def _settled(self, online: OnlineOutcome) -> None:
        self._busy(False)
        outcome = online.outcome
        self.outcome = outcome
        self.online = online
        committed = outcome.setlinfo_text()
        # The committed figures are normally the ones on screen already (same bill, same
        # year-to-date); they are redrawn only if the commit computed something else.
        if self.preview is None or committed != self.preview.result["setlinfo"]:
            if outcome.result is not None:
                self._show(outcome.result.to_dict())
        c = outcome.committed
        if online.central_status == "already_settled" and online.notice is not None:
            text = clerk_message(online.notice)  # the stay was paid already: recorded against it, give back
        elif online.final and online.central_status == "adjusted":
            cash = str((online.adjustment or {}).get("psn_cash_pay", "0.00"))
            text = self.tr("Settled: no. %1, confirmed by the insurance centre with a different figure: the patient pays %2 more (negative: gets it back). See Upload and sync. Print the slip (F12).") \
                .replace("%1", str(c.local_id)).replace("%2", cash)
        elif online.final:
            text = self.tr("Settled and confirmed by the insurance centre: no. %1. Print the slip (F12).").replace("%1", str(c.local_id))
        elif online.central_status == "rejected":
            text = self.tr("Settled locally (provisional): no. %1, queue no. %2, but the insurance centre refused it. See Upload and sync.") \
                .replace("%1", str(c.local_id)).replace("%2", c.queue_no)
            if _CJK.search(online.reason):  # the centre's own words (Chinese) are for the clerk too
                text += f"（{online.reason}）"
        else:
            text = self.tr("Settled offline (provisional): no. %1, queue no. %2. It will be confirmed by the insurance centre when online. Print the slip (F12).") \
                .replace("%1", str(c.local_id)).replace("%2", c.queue_no)
        if outcome.payment and self._paid_exact:  # nothing typed: no change to count out
            self.change_label.setText(self.tr("Change") + "　—")
            text += "\n" + exact_payment_text(Decimal(outcome.payment["tendered"]))
        elif outcome.payment:
            self.change_label.setText(self.tr("Change") + f"　¥ {Decimal(outcome.payment['change']):,.2f}")
        self._info(text)
        self.state_label.setToolTip(online.reason)  # the centre's or the network's words, for IT
        self._settled_text = text
        self.slip_printed = False
        if not online.final:
            self.provisional_mark.setText(self.tr("Offline settlement · provisional") + "　"
                                          + self.tr("queue no. %1").replace("%1", c.queue_no))
            self.provisional_mark.setVisible(True)
        self.settled.emit(outcome)

    # --- print --------------------------------------------------------------------------------
    def print_slip(self, path: str | Path | None = None, *, local_id: int | None = None, reprint: bool = False) -> None:
        local_id = local_id or (self.outcome.committed.local_id if self.outcome else None)
        if local_id is None:
            self._error(Notice(self.tr("Nothing to print yet: settle first (F9).")))
            return
        from .slip import produce_slip  # Qt's printing and text layout load on the first print

        desk, operator, chosen = self.desk, self.operator.name, local_id
        printer_name = "" if path else chosen_printer()
        self._info(self.tr("Printing…"))
        self.tasks.run(lambda: produce_slip(desk, chosen, operator, reprint=reprint, target=path,
                                            printer_name=printer_name), self._printed, self._error)

    def _printed(self, path: str) -> None:
        printed = self.tr("Slip written to %1").replace("%1", path)
        # The settlement's own message (provisional, queue no.) stays; the print is added to it.
        self._info(f"{self._settled_text}\n{printed}" if self._settled_text else printed)
        self.slip_printed = True
        self.printed.emit(path)

    def show_message(self, text: str) -> None:
        QMessageBox.information(self, self.windowTitle(), text)
