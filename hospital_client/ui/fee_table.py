"""The bill's lines on the settle page (费用明细), fitted to the width the page gives them.

What the fund refuses or pays only partly (超限价, 先行自付, 政策范围内 and the marks) stays in view
without scrolling on a 1366-pixel screen: the figures' columns fit their figures, the item's name
and the marks share what is left (cut with an ellipsis, whole in their tooltip), and where even that
is too narrow the code, the line number, the price and the quantity give way, in that order (and
then the name is cut shorter). The header's menu (right click) shows or hides any column; the
clerk's choice then holds, also at the next start (the user's preferences).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QWidget

from .models import FeeTableModel
from .preferences import bill_columns, save_bill_columns

__all__ = ["FeeTableView"]

# The narrowest the item's name and the marks are cut to before another column gives way; with
# nothing left to give way (the smallest window), the name is cut further rather than the marks.
NAME_MIN, FLAGS_MIN, NAME_TIGHT = 110, 96, 64


class FeeTableView(QTableView):
    def __init__(self, model: FeeTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fee_table")
        # Before the model: the marks, stretched over what is left, are never narrower than the
        # size their column was made with.
        self.horizontalHeader().setDefaultSectionSize(FLAGS_MIN)
        self.setModel(model)
        self.fee_model = model
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(60)  # measure the first rows only: bills can have thousands
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the marks take what is left
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.column_menu)
        self.column_menu_shown: QMenu | None = None
        # column -> shown, as the clerk chose in the header's menu (kept for the next start)
        self.chosen: dict[int, bool] = {model.KEYS.index(key): shown for key, shown in bill_columns().items()
                                        if key in model.KEYS}
        for changed in (model.modelReset, model.layoutChanged, model.rowsInserted):
            changed.connect(self.fit_columns)

    def viewportEvent(self, event: QEvent) -> bool:
        # The viewport, not the table: it narrows too when the row numbers or a scroll bar appear.
        if event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().viewportEvent(event)

    def fit_columns(self) -> None:
        model, header = self.fee_model, self.horizontalHeader()
        item, flags = model.ITEM, model.columnCount() - 1
        want = {c: max(header.sectionSizeHint(c), self.sizeHintForColumn(c)) for c in range(model.columnCount())}
        shown = {c: self.chosen.get(c, True) for c in want}
        floor = {item: min(want[item], NAME_MIN), flags: FLAGS_MIN}

        def needed() -> int:
            return sum(floor.get(c, w) for c, w in want.items() if shown[c])

        room = self.viewport().width()
        for column in model.GIVE_WAY:
            if needed() <= room:
                break
            if column not in self.chosen:
                shown[column] = False
        for column, width in want.items():
            self.setColumnHidden(column, not shown[column])
            if column not in (item, flags):
                header.resizeSection(column, width)
        if shown[item]:
            fixed = sum(w for c, w in want.items() if shown[c] and c not in (item, flags))
            left = room - fixed
            marks = max(FLAGS_MIN, min(want[flags], left // 2)) if shown[flags] else 0
            header.resizeSection(item, max(min(want[item], NAME_TIGHT), min(want[item], left - marks)))

    def column_menu(self, at: QPoint) -> None:
        """The header's menu: every column, ticked when shown; a click shows or hides it."""
        menu = QMenu(self)
        model = self.fee_model
        for column in range(model.columnCount()):
            action = menu.addAction(model.full_header(column))
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.choose_column(c, on))
        self.column_menu_shown = menu
        menu.popup(self.horizontalHeader().mapToGlobal(at))

    def choose_column(self, column: int, shown: bool) -> None:
        self.chosen[column] = shown
        save_bill_columns({self.fee_model.KEYS[c]: on for c, on in self.chosen.items()})
        self.fit_columns()
