"""Table models (Qt model/view) for the desk's tables. Rows are plain display values prepared by
app/; the models only present them. Each model passes pytest-qt's qtmodeltester."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..app import OVER_CAP, REFUND, UNKNOWN, FeeRow
from ..app.fee_rows import REVIEW_BLOCK, REVIEW_WARN

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
    """The bill's lines with their class and split; unknown codes, over-cap and refund lines marked.
    A header's tooltip says the column in full; the item's tooltip gives its whole name and code."""

    NO, CODE, ITEM, PRICE, QTY = 0, 1, 2, 4, 5
    # The columns that give way, in this order, where the table is too narrow for them all.
    GIVE_WAY = (CODE, NO, PRICE, QTY)
    # Each column's key, kept in the user's preferences (the clerk's choice of columns)
    KEYS = ("no", "code", "item", "class", "price", "qty", "amount", "self_share", "over_cap", "first_self",
            "in_range", "flags")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._full_headers = [
            self.tr("Bill line no."), self.tr("Catalogue code"), self.tr("Item name"),
            self.tr("Class (甲/乙/丙)"), self.tr("Unit price"), self.tr("Quantity"), self.tr("Amount"),
            self.tr("Self-pay share of a class B item"), self.tr("Over the price cap (self-paid)"),
            self.tr("First self-pay of a class B item"), self.tr("In the policy's range (the fund pays from it)"),
            self.tr("Flags: what the fund refuses or pays only partly"),
        ]

    def full_header(self, column: int) -> str:
        return self._full_headers[column]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._full_headers):
            return self._full_headers[section]
        return super().headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == self.ITEM \
                and 0 <= index.row() < len(self._rows):
            row = self._rows[index.row()]
            return f"{row.name}\n{row.med_list_codg}"
        return super().data(index, role)

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
        if REVIEW_BLOCK in row.flags:
            texts.append(self.tr("review block %1: self-paid").replace("%1", ", ".join(row.review_rules)))
        if REVIEW_WARN in row.flags:
            texts.append(self.tr("review warning %1").replace("%1", ", ".join(row.review_rules)))
        if UNKNOWN in row.flags:
            texts.append(self.tr("not in catalogue: self-paid"))
        if OVER_CAP in row.flags:
            texts.append(self.tr("over price cap"))
        if REFUND in row.flags:
            texts.append(self.tr("returned item"))
        return "; ".join(texts)

    def extra_data(self, row: FeeRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            if REVIEW_BLOCK in row.flags:
                return QBrush(QColor("#f4cccc"))
            if UNKNOWN in row.flags:
                return QBrush(QColor("#fde2e1"))
            if OVER_CAP in row.flags:
                return QBrush(QColor("#fff3cd"))
            if REFUND in row.flags:
                return QBrush(QColor("#e2ecfd"))
        return None


class DictTableModel(RowTableModel[dict[str, Any]]):
    """Rows as dicts; `spec` gives (header, key, numeric) per column; `tooltips` maps a column's
    key to the key of its tooltip (e.g. the English detail behind a message in words)."""

    def __init__(self, spec: list[tuple[str, str, bool]], parent: Any = None,
                 tooltips: dict[str, str] | None = None) -> None:
        self._spec = spec
        tips = tooltips or {}
        self._tooltips = {i: tips[key] for i, (_, key, _) in enumerate(spec) if key in tips}
        super().__init__(parent)

    def columns(self) -> list[tuple[str, Callable[[dict[str, Any]], Any], bool]]:
        return [(header, operator.methodcaller("get", key), numeric) for header, key, numeric in self._spec]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() in self._tooltips \
                and 0 <= index.row() < len(self._rows):
            value = self._rows[index.row()].get(self._tooltips[index.column()])
            return "" if value is None else str(value)
        return super().data(index, role)


class LazyDictTableModel(DictTableModel):
    """Rows fetched a page at a time in a worker as the view scrolls (canFetchMore/fetchMore).

    `fetch(after_row, limit)` runs off the GUI thread and returns the next page of row dicts
    after the given last row (None for the first page); a short page means the end. A reset
    (new filter) discards pages still in flight for the old one. Rows are kept as tuples of
    the shown columns plus `keep` keys, so 100,000 of them stay small.
    """

    def __init__(self, spec: list[tuple[str, str, bool]], tasks: Any, page_size: int = 200, parent: Any = None,
                 decorate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                 keep: tuple[str, ...] = ()) -> None:
        self._keys = tuple(dict.fromkeys([key for _, key, _ in spec] + list(keep)))
        super().__init__(spec, parent)
        self._tasks = tasks
        self._page_size = page_size
        self._decorate = decorate or (lambda row: row)
        self._fetch: Callable[[dict[str, Any] | None, int], list[dict[str, Any]]] | None = None
        self._tuples: list[tuple[Any, ...]] = []
        self._exhausted = True
        self._fetching = False
        self._generation = 0

    def columns(self) -> list[tuple[str, Callable[[Any], Any], bool]]:
        index = {key: i for i, key in enumerate(self._keys)}
        return [(header, operator.itemgetter(index[key]), numeric) for header, key, numeric in self._spec]

    def row_at(self, row: int) -> dict[str, Any]:
        return dict(zip(self._keys, self._rows[row], strict=True))

    def rows(self) -> list[dict[str, Any]]:
        return [self.row_at(i) for i in range(len(self._rows))]

    def reset_source(self, fetch: Callable[[dict[str, Any] | None, int], list[dict[str, Any]]]) -> None:
        self.beginResetModel()
        self._rows = []
        self._fetch = fetch
        self._exhausted = False
        self._fetching = False
        self._generation += 1
        self.endResetModel()
        self.fetchMore(QModelIndex())

    @property
    def fetching(self) -> bool:
        return self._fetching

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and self._fetch is not None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or self._exhausted or self._fetch is None:
            return
        self._fetching = True
        fetch, limit, generation = self._fetch, self._page_size, self._generation
        last = self.row_at(len(self._rows) - 1) if self._rows else None
        keys, decorate = self._keys, self._decorate

        def page() -> list[tuple[Any, ...]]:
            return [tuple(decorate(r).get(k) for k in keys) for r in fetch(last, limit)]

        self._tasks.run(page, lambda rows: self._arrived(generation, rows), lambda exc: self._failed(generation, exc))

    def _arrived(self, generation: int, rows: list[tuple[Any, ...]]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if len(rows) < self._page_size:
            self._exhausted = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)  # type: ignore[arg-type]
            self.endInsertRows()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
            self._exhausted = True
            self.fetch_failed = exc
