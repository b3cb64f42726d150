"""The stays HIS handed over and waiting to be settled (待结算), on the settle screen: the clerk
picks one (or presses F3 for the one selected, the earliest discharge first) instead of typing
the stay; the settle page fills its fields from the hand-off, read-only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ..app import Desk
from .tasks import TaskRunner
from .widgets import key_button

# The open list's room beside its text: the item's margins and the frame.
POPUP_PADDING = 32


class WaitingStays(QWidget):
    """A list of waiting stays and a button (F3) that takes the selected one."""

    taken = Signal(str)          # the stay's key (住院号 or mdtrt_id)
    failed = Signal(object)      # an exception from reading the list

    def __init__(self, desk: Desk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.tasks = desk, tasks
        self.rows: list[dict[str, Any]] = []
        self.combo = QComboBox()
        self.combo.setObjectName("waiting_stays")
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.setMinimumContentsLength(24)
        self.next_button = key_button(self.tr("Next patient"), "F3", self.take, "take_stay")
        self.refused = QLabel()  # hand-offs of the drop folder that were refused (the reasons in the tooltip)
        self.refused.setObjectName("refused_handoffs")
        self.refused.setStyleSheet("color:#b00000")
        self.refused.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Waiting (HIS)")))
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.refused)
        layout.addWidget(self.next_button)

    def refresh(self) -> None:
        """Read the waiting list again (in a worker)."""
        self.tasks.run(self.desk.his_waiting, self.show_rows, self.failed.emit)

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.combo.clear()
        for row in rows:
            # Who and when first: on a narrow screen the end of the closed box is what is cut.
            text = (f"{row['ipt_no']}　{row['psn_name']}　" + self.tr("discharged %1").replace("%1", str(row["endtime"]))
                    + "　" + self.tr("%1 yuan").replace("%1", str(row["medfee_sumamt"])) + f"　{row['dept']}")
            self.combo.addItem(text, row["stay_key"])
            self.combo.setItemData(self.combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        if not rows:
            self.combo.addItem(self.tr("No patient waiting"), "")
        self._fit_popup()
        self.next_button.setEnabled(bool(rows))
        refused = dict(self.desk.his_refused)
        self.refused.setText(self.tr("%1 HIS file(s) refused").replace("%1", str(len(refused))))
        self.refused.setToolTip("\n".join(f"{name}: {reason}" for name, reason in sorted(refused.items())))
        self.refused.setVisible(bool(refused))

    def _fit_popup(self) -> None:
        """The open list as wide as its longest entry (wider than the box on a 1366 screen), so
        every entry is read whole; never wider than the screen."""
        view = self.combo.view()
        metrics = view.fontMetrics()
        widest = max((metrics.horizontalAdvance(self.combo.itemText(i)) for i in range(self.combo.count())), default=0)
        wanted = widest + POPUP_PADDING + view.verticalScrollBar().sizeHint().width()
        screen = self.screen()
        if screen is not None:
            wanted = min(wanted, screen.availableGeometry().width() - POPUP_PADDING)
        view.setMinimumWidth(wanted)

    def take(self) -> None:
        key = self.combo.currentData()
        if key:
            self.taken.emit(str(key))
