"""门诊: an outpatient visit at the window, fast enough for a queue, keyboard only.

    the ID box        scan or type the 医保 number, e-voucher, ID or card number, Enter: the
                      patient (identified as on the settle page: 1101 online, the roster offline)
    F6                read the card on the reader
                      the patient's benefits (2001) are shown under them; a person who cannot
                      enjoy them today is stopped before any figure is computed
    Ctrl+M            普通门诊 (11) <-> 门诊慢特病 (14); for 14 the disease list opens, the
                      person's filed diseases first (5301), Enter takes one
    the item box      "N" (a quick item by its number), a catalogue code, "*QTY" and "@PRICE"
                      optional ("2*3", "XA10ABP052B001010100022*12@16.50"), Enter: the line is
                      added and the figures are computed at once
    Enter (item box empty)   confirm and settle (online through the chain, or offline, queued)
    Ctrl+O            the visit from a HIS file (the JSON of `outpatient settle`)
    Ctrl+Del          remove the last line;  Ctrl+N  the next patient
    F5 / F9 / Esc     (the window's keys, on this page) compute / settle (Ctrl+Enter too) / the next patient
    F12               print the last visit's slip again (门诊费用结算单: printed at once after each
                      settlement, on the chosen printer or as a PDF in the slips folder)
    Ctrl+B            门诊慢特病备案 of the patient: file a disease (2503), revoke (2504), list (5301)

A visit after the ID: Enter, "1*12", Enter, Enter: 7 keystrokes (14: Ctrl+M, Enter, 9).
After a settlement its slip is printed and the page is ready for the next patient with the ID box
focused.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, HospitalClientError, Operator, PersonView
from ..app.identification import BenefitNotEnjoyed, BenefitStatus
from ..app.outpatient import DiseaseChoice, VisitInput, parse_visit
from .identify_controls import IdentifyControls
from .messages import show_error, show_info
from .tasks import TaskRunner
from .widgets import DeskPage, FlowLayout, key_button, with_key

if TYPE_CHECKING:
    from ..app.sync_usecases import OnlineOutcome
    from .filing_dialog import FilingDialog

__all__ = ["OutpatientPage"]

# The quick items, typed by their number: common outpatient drugs and services of the catalogue
# (those it holds, with a price); anything else by its catalogue code or from a HIS file.
QUICK_CODES = ("XA10ABP052B001010100022", "XA11GAM668B001010100024", "XA02BCJ660A003010100001",
               "001204000010000", "001204000070000", "001209000040000", "001208000020000", "002101000010000")
FIGURES = ("medfee_sumamt", "act_pay_dedc", "hifp_pay", "fund_pay_sumamt", "psn_cash_pay")


class OutpatientPage(DeskPage):
    settled = Signal(object)  # the OnlineOutcome of a visit settled (the window refreshes its queue count)

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        self.person: PersonView | None = None
        self.lines: list[dict[str, str]] = []
        self.result: dict[str, Any] | None = None
        self.outcome: OnlineOutcome | None = None
        self.busy = False
        self.last_local_id: int | None = None  # the last visit settled here: its slip (F12)
        self.slip_prints = 0
        self._settled_text = ""
        self.filing_dialog: FilingDialog | None = None
        catalog = desk.catalog()
        self.quick = [item for item in (catalog.get(code) for code in QUICK_CODES)
                      if item is not None and item.demo_pric is not None]

        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("op_id")
        self.id_edit.setPlaceholderText(self.tr("Scan or type the insurance number, ID or card number, Enter"))
        self.id_edit.returnPressed.connect(self.lookup)
        # what the identification (ui/identify_controls.py) asks of its page: the lookup box, the
        # visit's day (today), no HIS stay, the message line
        self.identify = self.id_edit
        self.taken: Any = None
        self.begin = QDateEdit(QDate.currentDate(), self)
        self.begin.setVisible(False)
        self.end = self.begin
        self._from_file: VisitInput | None = None
        self.person_label = QLabel()
        self.person_label.setObjectName("op_person")
        self.med_type = QComboBox()
        self.med_type.setObjectName("op_med_type")
        self.med_type.addItem(self.tr("General outpatient (11)"), "11")
        self.med_type.addItem(self.tr("Chronic/special disease outpatient (14)"), "14")
        self.med_type.currentIndexChanged.connect(lambda _: self._type_changed())
        self.disease = QComboBox()
        self.disease.setObjectName("op_disease")
        self.disease.setMinimumContentsLength(16)
        self.disease.activated.connect(lambda _: self._disease_taken())
        self.disease_label = QLabel(self.tr("Disease"))

        self.item_edit = QLineEdit()
        self.item_edit.setObjectName("op_item")
        self.item_edit.setPlaceholderText(self.tr("Item no. or code, *quantity, @price; Enter adds; "
                                                  "Enter on an empty box settles"))
        self.item_edit.returnPressed.connect(self.item_entered)
        # One label per item: a narrow window wraps the line between items, never an item from its price.
        self.quick_box = QWidget()
        self.quick_box.setObjectName("op_quick")
        quick_flow = FlowLayout(self.quick_box)
        quick_flow.addWidget(QLabel(self.tr("Quick items:")))
        for n, item in enumerate(self.quick, start=1):
            quick_flow.addWidget(QLabel(f"{n}. {item.name} {item.demo_pric}"))

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("op_lines")
        self.table.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Name"), self.tr("Price"),
                                              self.tr("Quantity"), self.tr("Amount")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.figure_labels: dict[str, QLabel] = {}
        names = {"medfee_sumamt": self.tr("Total"), "act_pay_dedc": self.tr("Deductible"),
                 "hifp_pay": self.tr("Pool pays"), "fund_pay_sumamt": self.tr("Funds pay"),
                 "psn_cash_pay": self.tr("Patient pays")}
        figures = QGroupBox(self.tr("Figures"))
        grid = QGridLayout(figures)
        for col, key in enumerate(FIGURES):
            label = QLabel("—")
            label.setObjectName(f"op_{key}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("font-size:20px;font-weight:bold" if key == "psn_cash_pay" else "font-size:16px")
            grid.addWidget(QLabel(names[key]), 0, col, Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(label, 1, col)
            self.figure_labels[key] = label
        self.explain = QLabel()
        self.explain.setObjectName("op_explain")
        self.explain.setWordWrap(True)
        self.explain.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.addWidget(self.explain, 2, 0, 1, len(FIGURES))

        self.message = QLabel()
        self.message.setObjectName("op_message")
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state_label = self.message
        self.identification = IdentifyControls(self)
        self.identification.status_shown.connect(self._benefit_shown)
        # Named by F9, the window's settle key on this page as on the settle page; Ctrl+Enter works too.
        settle_button = QPushButton(with_key(self.tr("Settle"), "F9"))
        settle_button.setObjectName("op_settle")
        settle_button.setShortcut(QKeySequence("Ctrl+Return"))  # after the text: setText resets it
        settle_button.setToolTip(self.tr("F9 or Ctrl+Enter"))
        settle_button.clicked.connect(lambda: self.settle())
        next_button = key_button(self.tr("Next patient"), "Ctrl+N", self.new_visit, "op_next")
        file_button = key_button(self.tr("Visit from HIS file"), "Ctrl+O", self.open_file, "op_file")
        # F12 is the window's key (main_window routes it here while this page is shown)
        self.print_button = QPushButton(with_key(self.tr("Reprint slip"), "F12"))
        self.print_button.setObjectName("op_print")
        self.print_button.clicked.connect(lambda: self.reprint_slip())
        self.print_button.setEnabled(False)
        filing_button = QPushButton(with_key(self.tr("Chronic disease filing"), "Ctrl+B"))
        filing_button.setObjectName("op_filing")
        filing_button.clicked.connect(lambda: self.open_filings())
        QShortcut(QKeySequence("Ctrl+B"), self, self.open_filings,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+M"), self, self.toggle_type, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+Del"), self, self.remove_last,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        form = QFormLayout()
        id_row = QHBoxLayout()
        id_row.addWidget(self.id_edit, 1)
        id_row.addWidget(self.identification)
        form.addRow(self.tr("Patient"), id_row)
        form.addRow("", self.person_label)
        form.addRow("", self.identification.benefit_label)
        kind = QHBoxLayout()
        kind.addWidget(self.med_type)
        kind.addWidget(self.disease_label)
        kind.addWidget(self.disease, 1)
        form.addRow(self.tr("Type (Ctrl+M)"), kind)
        form.addRow(self.tr("Item"), self.item_edit)
        buttons = QHBoxLayout()
        for button in (settle_button, next_button, file_button, self.print_button, filing_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.quick_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(figures)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._type_changed()
        show_info(self.message, self.tr("Scan or type the patient's number and press Enter."))

    # --- the patient and the type ---------------------------------------------------------------
    def focus_id(self) -> None:
        self.id_edit.setFocus()
        self.id_edit.selectAll()

    def lookup(self) -> None:
        """The ID box: a scanned e-voucher, ID or card number is identified like a card read (in a
        worker: 1101 online, the roster offline), a 医保 number looked up in the roster."""
        key = self.id_edit.text().strip()
        if not key:
            return
        show_info(self.message, self.tr("Looking up…"))
        self.identification.lookup(key)

    def _info(self, text: str) -> None:
        show_info(self.message, text)

    def _found(self, people: list[PersonView]) -> None:
        """The person identified (the ID box or the card reader, F6)."""
        if not people:
            show_info(self.message, self.tr("No insured person with this number in the roster."))
            self._from_file = None
            self.focus_id()
            return
        from_file, self._from_file = self._from_file, None
        self.new_visit(keep_id=True)
        self.person = people[0]
        self.id_edit.setText(self.person.psn_no)  # an ID or card number typed or scanned does not stay on screen
        self.person_label.setText(f"{self.person.psn_name}　{self.person.certno}　{self.person.psn_no}")
        self.identification.person_shown(self.person)
        show_info(self.message, self.tr("Type an item (its number or code) and press Enter."))
        if from_file is not None:
            self._fill_from(from_file)
        elif self.med_type.currentData() == "14":
            self._load_diseases()
        else:
            self.item_edit.setFocus()

    def _refusal(self) -> BenefitNotEnjoyed | None:
        """The patient's benefits refused for today (2001, or the roster offline), else None."""
        status = self.identification.status
        if status is None or status.enjoyed or self.person is None or status.psn_no != self.person.psn_no:
            return None
        return BenefitNotEnjoyed(f"benefits {status.state} from {status.begndate}", state=status.state,
                                 begndate=status.begndate, enddate=status.enddate, reason=status.reason)

    def _benefit_shown(self, status: BenefitStatus) -> None:
        if not status.enjoyed:
            self._recompute()  # no figures for a visit the insurance does not pay

    def toggle_type(self) -> None:
        self.med_type.setCurrentIndex(1 - self.med_type.currentIndex())

    def _type_changed(self) -> None:
        chronic = self.med_type.currentData() == "14"
        self.disease.setVisible(chronic)
        self.disease_label.setVisible(chronic)
        if chronic and self.person is not None:
            self._load_diseases()
        elif not chronic:
            self.item_edit.setFocus()
        self._recompute()

    def _load_diseases(self) -> None:
        if self.person is None:
            return
        psn_no = self.person.psn_no
        self.tasks.run(lambda: self.desk.outpatient().diseases(psn_no), self._diseases_read, self._error)

    def _diseases_read(self, choices: list[DiseaseChoice]) -> None:
        self.disease.clear()
        marks = {True: self.tr("filed"), False: self.tr("not filed"), None: self.tr("filing unknown (offline)")}
        for choice in choices:
            self.disease.addItem(f"{choice.code} {choice.name}（{marks[choice.filed]}）", choice.code)
        if not choices:
            show_info(self.message, self.tr("The patient's policy has no chronic disease list."))
            return
        self.disease.setFocus()
        self.disease.showPopup()

    def _disease_taken(self) -> None:
        self.item_edit.setFocus()
        self._recompute()

    # --- the lines and the figures -----------------------------------------------------------
    def item_entered(self) -> None:
        text = self.item_edit.text().strip()
        if not text:
            self.settle()
            return
        if self.person is None:  # lines typed before the patient is known would go when they are found
            show_info(self.message, self.tr("Identify the patient first (the box above, Enter), then type the items."))
            if not self.id_edit.text().strip():
                self.focus_id()
            return
        line = self._parse_item(text)
        if line is None:
            show_info(self.message, self.tr("Unknown item: give its number in the quick list or its catalogue "
                                            "code, e.g. 1*2 or CODE*2@3.50."))
            return
        self.lines.append(line)
        self.item_edit.clear()
        self._show_lines()
        self._recompute()
        if self.result is not None:  # the next step, now that there are figures
            show_info(self.message, self.tr("Next item, or Enter in the empty box to settle."))

    def _parse_item(self, text: str) -> dict[str, str] | None:
        price_text = ""
        if "@" in text:
            text, price_text = text.split("@", 1)
        qty_text = "1"
        if "*" in text:
            text, qty_text = text.split("*", 1)
        code = text.strip()
        if code.isdigit() and 1 <= int(code) <= len(self.quick):
            item = self.quick[int(code) - 1]
        else:
            found = self.desk.catalog().get(code)
            if found is None:
                return None
            item = found
        try:
            qty = Decimal(qty_text.strip())
            price = Decimal(price_text.strip()) if price_text.strip() else item.demo_pric
        except InvalidOperation:
            return None
        if price is None or qty <= 0 or price < 0:
            return None
        amount = (qty * price).quantize(Decimal("0.01"))
        return {"med_list_codg": item.code, "name": item.name, "pric": f"{price:.2f}", "cnt": f"{qty.normalize():f}",
                "det_item_fee_sumamt": f"{amount:.2f}"}

    def remove_last(self) -> None:
        if self.lines and self.outcome is None:
            self.lines.pop()
            self._show_lines()
            self._recompute()

    def _show_lines(self) -> None:
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            for col, key in enumerate(("med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt")):
                cell = QTableWidgetItem(line[key])
                if col >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, cell)

    def visit(self) -> VisitInput | None:
        if self.person is None or not self.lines:
            return None
        med_type = str(self.med_type.currentData())
        dise = str(self.disease.currentData() or "") if med_type == "14" else ""
        if med_type == "14" and not dise:
            return None
        return parse_visit({"psn_no": self.person.psn_no, "med_type": med_type, "dise_codg": dise,
                            "fees": [dict(line) for line in self.lines]})

    def compute(self) -> None:
        """F5 on this page: the figures again (they follow every line at once anyway)."""
        self._recompute()
        refusal = self._refusal()
        if refusal is not None:
            show_error(self.message, refusal)
        elif self.result is None:
            show_info(self.message, self.tr("Identify the patient, choose the disease (14) and add at least "
                                            "one item first."))

    def _recompute(self) -> None:
        """The figures at once (local rules core, a few milliseconds); none for a patient whose
        benefits are refused today."""
        self.result = None
        visit = self.visit()
        if visit is None or self._refusal() is not None:
            for label in self.figure_labels.values():
                label.setText("—")
            self.explain.clear()
            return
        try:
            self.result = self.desk.outpatient().preview(visit)
        except HospitalClientError as exc:
            show_error(self.message, exc)
            return
        info = self.result["setlinfo"]
        for key, label in self.figure_labels.items():
            label.setText(str(info.get(key, "0.00")))
        self.explain.setText("；".join(step["text"] for step in self.result.get("explain", [])
                                      if step.get("step") in ("act_pay_dedc", "hifp_pay") and step.get("text")))

    # --- settle -----------------------------------------------------------------------------------
    def settle(self) -> None:
        if self.busy:
            return
        if self.outcome is not None:
            show_info(self.message, self.tr("Already settled. Ctrl+N for the next patient."))
            return
        refusal = self._refusal()
        if refusal is not None:
            show_error(self.message, refusal)
            return
        visit = self.visit()
        if visit is None or self.result is None:
            show_info(self.message, self.tr("Identify the patient, choose the disease (14) and add at least "
                                            "one item first."))
            return
        self.busy = True
        show_info(self.message, self.tr("Saving…"))
        operator = self.operator
        self.tasks.run(lambda: self.desk.outpatient().settle(operator, visit), self._settled, self._error)

    def _settled(self, outcome: OnlineOutcome) -> None:
        self.busy = False
        self.outcome = outcome
        info = outcome.outcome.to_dict()["result"]["setlinfo"]
        for key, label in self.figure_labels.items():
            label.setText(str(info.get(key, "0.00")))
        show_info(self.message, self.tr("No. %1 settled: %2. Patient pays %3. Next patient: scan the number.")
                  .replace("%1", str(outcome.outcome.committed.local_id)).replace("%2", outcome.message_zh)
                  .replace("%3", str(info.get("psn_cash_pay"))))
        self.id_edit.clear()
        self.id_edit.setFocus()
        self.last_local_id = outcome.outcome.committed.local_id
        self.print_button.setEnabled(True)
        self._settled_text = self.message.text()
        self.print_slip(reprint=False)
        self.settled.emit(outcome)

    # --- the slip ---------------------------------------------------------------------------------
    def print_slip(self, path: str | Path | None = None, *, reprint: bool = True) -> None:
        """The 门诊费用结算单 of the last visit settled here (in a worker): on the chosen printer, or
        as a PDF (``path``, else the slips folder). Audited as a print or a reprint."""
        if self.last_local_id is None:
            show_info(self.message, self.tr("No visit settled yet: its slip is printed after the settlement."))
            return
        from .preferences import chosen_printer
        from .slip import produce_slip  # Qt's printing loads on the first print

        desk, operator, local_id = self.desk, self.operator.name, self.last_local_id
        printer_name = "" if path else chosen_printer()
        self.tasks.run(lambda: produce_slip(desk, local_id, operator, reprint=reprint, target=path,
                                            printer_name=printer_name), self._printed, self._error)

    def reprint_slip(self) -> None:
        """F12: the last visit's slip again (marked 补打)."""
        self.print_slip(reprint=True)

    def _printed(self, where: str) -> None:
        self.slip_prints += 1
        printed = self.tr("Slip written to %1").replace("%1", where)
        text = self._settled_text
        show_info(self.message, f"{text}\n{printed}" if text else printed)

    # --- 门诊慢特病备案 -------------------------------------------------------------------------------
    def open_filings(self) -> None:
        """Ctrl+B: the patient's 门诊慢特病 filings (2503 / 2504 / 5301) in a dialog; the disease list
        of a 14 visit is read again after it."""
        if self.person is None:
            show_info(self.message, self.tr("Identify the patient first, then Ctrl+B for their chronic disease "
                                            "filings."))
            return
        from .filing_dialog import FilingDialog

        self.filing_dialog = FilingDialog(self.desk, self.tasks, self.operator, self.person.psn_no,
                                          self.person.psn_name, self)
        self.filing_dialog.finished.connect(lambda _: self._filings_closed())
        self.filing_dialog.open()

    def _filings_closed(self) -> None:
        self.filing_dialog = None
        self.window().activateWindow()  # the keyboard back on the page
        if self.med_type.currentData() == "14":
            self._load_diseases()
        else:
            self.item_edit.setFocus()

    def _error(self, exc: BaseException) -> None:
        self.busy = False
        show_error(self.message, exc)

    def new_visit(self, *, keep_id: bool = False) -> None:
        self.person, self.lines, self.result, self.outcome = None, [], None, None
        self.person_label.clear()
        self.identification.clear()
        self.disease.clear()
        self.item_edit.clear()
        self._show_lines()
        self._recompute()
        if not keep_id:
            self.id_edit.clear()
            self.focus_id()

    def open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Visit from HIS file"), "", "JSON (*.json)")
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """The visit of a HIS file (the JSON of `outpatient settle`): patient, type, disease, lines."""
        try:
            visit = parse_visit(json.loads(path.read_text(encoding="utf-8-sig")))
        except (OSError, ValueError, HospitalClientError) as exc:
            show_error(self.message, exc)
            return
        self.id_edit.setText(visit.psn_no)
        self.med_type.setCurrentIndex(0 if visit.med_type == "11" else 1)
        self._from_file = visit  # its lines once the patient is identified
        self.lookup()

    def _fill_from(self, visit: VisitInput) -> None:
        self.lines = [{k: str(f.get(k, "")) for k in ("med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt")}
                      for f in visit.fees]
        if visit.dise_codg:
            self.disease.clear()
            self.disease.addItem(visit.dise_codg, visit.dise_codg)
        self._show_lines()
        self._recompute()
        self.item_edit.setFocus()
