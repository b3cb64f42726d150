"""What the pages of the main window share: the page itself (the desk, the task runner and the
logged-in operator), a day field with its calendar (and one that starts blank), a table view over
a model, a button that shows its keyboard shortcut, and a layout that wraps between its widgets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QDate,
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSignalBlocker,
    QSize,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QPushButton,
    QTableView,
    QWidget,
)

from ..app import Desk, Operator
from .tasks import TaskRunner

__all__ = ["BlankDayEdit", "DeskPage", "FlowLayout", "day_edit", "day_format", "key_button", "month_format", "table_view", "with_key"]


class DeskPage(QWidget):
    """A tab of the main window. Its work on the desk runs in ``tasks`` (never on the GUI thread)."""

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.tasks, self.operator = desk, tasks, operator


def day_format() -> str:
    """How a day is shown in the interface language (Qt's date format: 2026年12月04日 in Chinese)."""
    return QCoreApplication.translate("widgets", "yyyy-MM-dd")


def month_format() -> str:
    """How a month is shown in the interface language (2026年12月 in Chinese)."""
    return QCoreApplication.translate("widgets", "yyyy-MM")


def day_edit(day: QDate, display_format: str | None = None) -> QDateEdit:
    """A date field with a calendar pop-up."""
    edit = QDateEdit(day)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(display_format or day_format())
    return edit


class BlankDayEdit(QDateEdit):
    """A day field that is blank (its earliest day, shown as nothing) until a day is given. From the
    blank, the day typed (20261128), an arrow key and the calendar start at today: without this the
    digits went into an invisible year 2000 and were lost, and the calendar opened on January 2000."""

    def __init__(self, earliest: QDate) -> None:
        super().__init__(earliest)
        self.setCalendarPopup(True)
        self.setDisplayFormat(day_format())
        self.setMinimumDate(earliest)
        self.setSpecialValueText(" ")
        self.calendarWidget().installEventFilter(self)

    def is_blank(self) -> bool:
        return self.date() == self.minimumDate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        typed = event.text().isdigit()
        if self.is_blank() and not self.isReadOnly() and (typed or (event.key() in steps and not event.modifiers())):
            self.setDate(QDate.currentDate())
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
            if not typed:
                return  # the first step from the blank is today
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        calendar = self.calendarWidget()
        if watched is calendar and event.type() == QEvent.Type.Show and self.is_blank():
            # Today is selected (so the arrow keys step from it) without the field taking it: Esc
            # leaves the field blank, an arrow key or Enter gives it a day as from any other.
            with QSignalBlocker(calendar):
                calendar.setSelectedDate(QDate.currentDate())
        return super().eventFilter(watched, event)


def with_key(text: str, key: str) -> str:
    """A button's text with its shortcut shown: 补打结算单（Ctrl+P）."""
    shown = QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText) or key
    shown = shown.replace("Return", "Enter")  # as the key is labelled on a PC keyboard
    return QCoreApplication.translate("widgets", "%1 (%2)").replace("%1", text).replace("%2", shown)


def key_button(text: str, key: str, slot: Callable[[], object], name: str = "") -> QPushButton:
    """A push button that shows its shortcut and answers to it while it is visible (a page in a
    hidden tab does not take the key)."""
    button = QPushButton(with_key(text, key))
    button.setShortcut(QKeySequence(key))
    button.clicked.connect(lambda: slot())
    if name:
        button.setObjectName(name)
    return button


def table_view(model: QAbstractItemModel, name: str, *, select_rows: bool = True) -> QTableView:
    """A table over ``model`` sized to its contents, without row numbers down the side; one row
    selected at a time unless not ``select_rows``."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    if select_rows:
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # No row count down the side: beside a list's own numbers (序号, 流水号, newest first) it read
    # as a second, different number for the same row. Its width changing as rows came was what
    # made the columns fit rows added later: they are fitted whenever the rows change.
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    for changed in (model.rowsInserted, model.modelReset, model.dataChanged, model.layoutChanged):
        changed.connect(header.resizeSections)
    return view


class FlowLayout(QLayout):
    """Widgets side by side, the next line begun between two widgets, never inside one (an item
    of a list with its price stays whole, as on a 1024-pixel window)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 12) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self._gap // 3, 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()
