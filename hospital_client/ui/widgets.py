"""What the pages of the main window share: the page itself (the desk, the task runner and the
logged-in operator), a day field with its calendar, and a table view over a model."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QDate
from PySide6.QtWidgets import QDateEdit, QHeaderView, QTableView, QWidget

from ..app import Desk, Operator
from .tasks import TaskRunner

__all__ = ["DeskPage", "day_edit", "table_view"]


class DeskPage(QWidget):
    """A tab of the main window. Its work on the desk runs in ``tasks`` (never on the GUI thread)."""

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.tasks, self.operator = desk, tasks, operator


def day_edit(day: QDate, display_format: str = "yyyy-MM-dd") -> QDateEdit:
    """A date field with a calendar pop-up."""
    edit = QDateEdit(day)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(display_format)
    return edit


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
