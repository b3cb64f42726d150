"""The identification of the settle and outpatient screens: the lookup box (a QR scanner typing an e-voucher, an ID
or card number, like a keyboard), the card reader (F6, its button beside 查找), and the patient's
benefit status (2001 / the roster) on its own line under the patient, before any bill is computed.

Every read and look-up runs in a worker; the reader's driver never blocks the window.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ..app import PersonView
from ..app.identification import BenefitNotEnjoyed, BenefitStatus
from .messages import show_error
from .widgets import key_button

if TYPE_CHECKING:
    from ..app import Desk
    from .tasks import TaskRunner

READ_CARD_KEY = "F6"


def _day(date: QDate) -> dt.date:
    return dt.date(date.year(), date.month(), date.day())


class IdentifyHost(Protocol):
    """What a page offers its IdentifyControls (the settle page, the outpatient page): the lookup
    box, the days asked about (``begin``/``end``), the message line, the stay HIS handed over
    (``taken``, None if none) and where the person found goes (``_found``)."""

    desk: Desk
    tasks: TaskRunner
    person: PersonView | None
    taken: Any
    begin: QDateEdit
    end: QDateEdit
    identify: QLineEdit
    state_label: QLabel

    def _found(self, people: list[PersonView]) -> None: ...

    def _info(self, text: str) -> None: ...

    def _error(self, exc: BaseException) -> None: ...


class IdentifyControls(QWidget):
    """The read-card button (F6) for the row of the lookup box, and ``benefit_label`` for the
    line under the patient. ``lookup`` and ``read_card`` hand the person to the page's ``_found``;
    ``status_shown`` carries each benefit status shown (a page refuses to compute a refused one)."""

    status_shown = Signal(object)

    def __init__(self, page: IdentifyHost) -> None:
        super().__init__(page if isinstance(page, QWidget) else None)
        self.page = page
        self.read_button: QPushButton = key_button(self.tr("Read card"), READ_CARD_KEY, self.read_card,
                                                   "read_card_button")
        self.read_button.setToolTip(self.tr("Read the social security card or ID card on the reader"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.read_button)
        self.benefit_label = QLabel()
        self.benefit_label.setObjectName("benefit_label")
        self.benefit_label.setWordWrap(True)
        self.benefit_label.setVisible(False)
        self.status: BenefitStatus | None = None
        self._asked = 0  # the latest question: an older answer arriving late is not shown
        page.begin.dateChanged.connect(self._dates_changed)
        page.end.dateChanged.connect(self._dates_changed)

    # --- what starts an identification ---------------------------------------------------------
    def lookup(self, key: str) -> None:
        """The lookup box: a scanned e-voucher, ID or card number, or a psn_no typed."""
        page, desk, expected = self.page, self.page.desk, self._expected()
        page.tasks.run(lambda: desk.identify_key(key, expected_psn_no=expected), page._found, self._lookup_failed)

    def _lookup_failed(self, exc: BaseException) -> None:
        # The code stays selected: the scanner's next code (or the clerk's typing) replaces it.
        self.page.identify.selectAll()
        self.page._error(exc)

    def read_card(self) -> None:
        """F6: read the card on the reader and identify its holder."""
        page, desk, expected = self.page, self.page.desk, self._expected()

        def work() -> list[PersonView]:
            return [desk.identify(desk.read_card(), expected_psn_no=expected).person]

        page._info(self.tr("Reading the card…"))
        page.tasks.run(work, page._found, page._error)

    def _expected(self) -> str:
        """The patient of the stay HIS handed over, if one is taken: the central system refuses a
        certificate of someone else (3013); offline the page compares (HandoffMismatch)."""
        return self.page.taken.psn_no if self.page.taken is not None else ""

    # --- the benefit line ------------------------------------------------------------------------
    def _stay_days(self) -> tuple[dt.date, dt.date]:
        begin, end = self.page.begin, self.page.end
        last = _day(end.date())
        first = last if begin.date() == begin.minimumDate() else _day(begin.date())
        return min(first, last), max(first, last)

    def person_shown(self, person: PersonView) -> None:
        """The page shows a person: their benefit status over the stay's days (today without them)."""
        desk, psn_no = self.page.desk, person.psn_no
        first, last = self._stay_days()
        self._asked += 1
        asked = self._asked
        self.page.tasks.run(lambda: desk.benefit_status(psn_no, first, last),
                            lambda status: self.show_status(status) if asked == self._asked else None,
                            self.page._error)

    def _dates_changed(self, *_: object) -> None:
        if self.page.person is not None:
            self.person_shown(self.page.person)

    def show_status(self, status: BenefitStatus) -> None:
        if self.page.person is None or self.page.person.psn_no != status.psn_no:
            return  # an answer for a patient no longer on screen
        self.status = status
        if status.enjoyed:
            self.benefit_label.setStyleSheet("color:#0a7d2c")
            self.benefit_label.setText(self.tr("Insurance benefits: normal"))
        else:
            until = status.enddate or self.tr("further notice")
            self.benefit_label.setStyleSheet("color:#b00000;font-weight:bold;border:1px solid #b00000;padding:3px")
            self.benefit_label.setText(
                self.tr("Insurance benefits %1 from %2 to %3: %4. This stay cannot be settled with the insurance.")
                .replace("%1", status.state_name).replace("%2", status.begndate).replace("%3", until)
                .replace("%4", status.reason or "—"))
            # and on the message line, instead of "import the bill": this stay goes no further
            show_error(self.page.state_label, BenefitNotEnjoyed(
                f"benefits {status.state} from {status.begndate}", state=status.state, begndate=status.begndate,
                enddate=status.enddate, reason=status.reason))
        self.benefit_label.setVisible(True)
        self.status_shown.emit(status)

    def clear(self) -> None:
        self._asked += 1
        self.status = None
        self.benefit_label.clear()
        self.benefit_label.setVisible(False)
