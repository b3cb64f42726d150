"""Table models (Qt model/view) for the desk's tables. Rows are plain display values prepared by
app/; the models only present them. Each model passes pytest-qt's qtmodeltester."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..app.fee_rows import OVER_CAP, REFUND, UNKNOWN, FeeRow

T = TypeVar("T")
_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class RowTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of row objects; subclasses define `columns()`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self._columns = self.columns()

    # (header, value getter, numeric?) per column; headers are translated at construction.
    def columns(self) -> list[tuple[str, Callable[[T], Any], bool]]:
        raise NotImplementedError

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section][0]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (
            0 <= index.column() < len(self._columns)
        ):
            return None
        row = self._rows[index.row()]
        _, getter, numeric = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getter(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if numeric else _LEFT
        return self.extra_data(row, index.column(), role)

    def extra_data(self, row: T, column: int, role: int) -> Any:
        return None


class FeeTableModel(RowTableModel[FeeRow]):
    """The bill's lines with their class and split; unknown codes, over-cap and refund lines marked."""

    def columns(self) -> list[tuple[str, Callable[[FeeRow], Any], bool]]:
        return [
            (self.tr("No."), lambda r: r.feedetl_sn, False),
            (self.tr("Code"), lambda r: r.med_list_codg, False),
            (self.tr("Item"), lambda r: r.name, False),
            (self.tr("Class"), lambda r: self._class_text(r), False),
            (self.tr("Price"), lambda r: r.pric, True),
            (self.tr("Qty"), lambda r: r.cnt, True),
            (self.tr("Amount"), lambda r: r.amount, True),
            (self.tr("Self-pay share"), lambda r: r.selfpay_prop, True),
            (self.tr("Over cap"), lambda r: r.overlmt_amt, True),
            (self.tr("First self-pay"), lambda r: r.preselfpay_amt, True),
            (self.tr("In policy range"), lambda r: r.inscp_scp_amt, True),
            (self.tr("Flags"), lambda r: self._flag_text(r), False),
        ]

    def _class_text(self, row: FeeRow) -> str:
        return {"01": self.tr("A (甲)"), "02": self.tr("B (乙)"), "03": self.tr("C (丙)")}.get(row.chrgitm_lv, "")

    def _flag_text(self, row: FeeRow) -> str:
        texts = []
        if UNKNOWN in row.flags:
            texts.append(self.tr("not in catalogue: self-paid"))
        if OVER_CAP in row.flags:
            texts.append(self.tr("over price cap"))
        if REFUND in row.flags:
            texts.append(self.tr("returned item"))
        return "; ".join(texts)

    def extra_data(self, row: FeeRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            if UNKNOWN in row.flags:
                return QBrush(QColor("#fde2e1"))
            if OVER_CAP in row.flags:
                return QBrush(QColor("#fff3cd"))
            if REFUND in row.flags:
                return QBrush(QColor("#e2ecfd"))
        return None


class DictTableModel(RowTableModel[dict[str, Any]]):
    """Rows as dicts; `spec` gives (header, key, numeric) per column."""

    def __init__(self, spec: list[tuple[str, str, bool]], parent: Any = None) -> None:
        self._spec = spec
        super().__init__(parent)

    def columns(self) -> list[tuple[str, Callable[[dict[str, Any]], Any], bool]]:
        return [(header, (lambda r, k=key: r.get(k)), numeric) for header, key, numeric in self._spec]
