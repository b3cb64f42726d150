"""What the pages of the main window share: the page itself (the desk, the task runner and the
logged-in operator), a day field with its calendar, a table view over a model, and a button that
shows its keyboard shortcut."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QDate
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDateEdit, QHeaderView, QPushButton, QTableView, QWidget

from ..app import Desk, Operator
from .tasks import TaskRunner

__all__ = ["DeskPage", "day_edit", "day_format", "key_button", "month_format", "table_view", "with_key"]


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


def with_key(text: str, key: str) -> str:
    """A button's text with its shortcut shown: 补打结算单（Ctrl+P）."""
    shown = QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText) or key
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
    """A table over ``model`` sized to its contents; one row selected at a time unless not ``select_rows``."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    if select_rows:
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view
