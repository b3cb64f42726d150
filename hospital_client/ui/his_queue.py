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
            # The amount before the department and date: on a narrow screen the end is what is cut.
            text = (f"{row['ipt_no']}　{row['psn_name']}　"
                    + self.tr("%1 yuan").replace("%1", str(row["medfee_sumamt"]))
                    + f"　{row['dept']}　" + self.tr("discharged %1").replace("%1", str(row["endtime"])))
            self.combo.addItem(text, row["stay_key"])
            self.combo.setItemData(self.combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        if not rows:
            self.combo.addItem(self.tr("No patient waiting"), "")
        self.next_button.setEnabled(bool(rows))
        refused = dict(self.desk.his_refused)
        self.refused.setText(self.tr("%1 HIS file(s) refused").replace("%1", str(len(refused))))
        self.refused.setToolTip("\n".join(f"{name}: {reason}" for name, reason in sorted(refused.items())))
        self.refused.setVisible(bool(refused))

    def take(self) -> None:
        key = self.combo.currentData()
        if key:
            self.taken.emit(str(key))
