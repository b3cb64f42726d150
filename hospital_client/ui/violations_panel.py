"""智能审核 on the settle screen: what the fund would refuse, before the confirm.

``ViolationsPanel`` lists the violations of the computed bill, in Chinese, each beside the bill
lines it concerns (line number and item), with the amount in 元 the fund would refuse: a 提示
(warn) may be refused later, a 拦截 (block) is charged to the patient now unless a supervisor
overrides it. The clerk can re-import the bill from HIS (after HIS corrected it) or proceed.

On a short screen (1366×768) the panel is compact while nothing is blocked: the summary and its
buttons on one line, the table of warnings behind a button (the warned lines are flagged in the
bill table anyway), so the bill keeps its rows; a 拦截 always shows the table.

``ReviewGate`` wires the panel into the settle page: it shows every computed result's
violations, re-imports, and runs the supervisor's override (ui/override_dialog.py): the
password checked and the bill recomputed with the override (app.Desk.preview), kept for the
settlement (app.Desk.settle_online). A new computation without it forgets the override.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..app import Operator, OverrideInput, Preview
from .override_dialog import OverrideDialog

if TYPE_CHECKING:
    from .settle_page import SettlePage

__all__ = ["ReviewGate", "ViolationsPanel"]

BLOCK_COLOUR = QColor("#b00000")
WARN_COLOUR = QColor("#b45f06")
DONE_COLOUR = QColor("#38761d")


def blocks_open(violations: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 拦截 no supervisor has overridden."""
    return [v for v in violations if v.get("severity") == "block" and not v.get("override")]


class ViolationsPanel(QGroupBox):
    """The violations of the computed bill, one row each, beside the lines they concern."""

    COLUMNS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("violations_panel")
        self.setTitle(self.tr("Smart review: what the fund would refuse"))
        self.setStyleSheet("QGroupBox#violations_panel{border:2px solid #b45f06;margin-top:8px;font-weight:bold}"
                           "QGroupBox#violations_panel::title{color:#b45f06}")
        self.summary = QLabel()
        self.summary.setObjectName("violations_summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("violations_table")
        self.table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Rule"), self.tr("Fund refuses (yuan)"),
                                              self.tr("Bill lines"), self.tr("Why")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)  # the lines: elided, whole in the tooltip
        header.resizeSection(3, 170)
        header.setSectionResizeMode(self.COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        self.reimport_button = QPushButton(self.tr("Re-import from HIS"))
        self.reimport_button.setObjectName("reimport_button")
        self.reimport_button.setToolTip(self.tr("After HIS corrected the bill: load it again and recompute"))
        self.override_button = QPushButton(self.tr("Supervisor override…"))
        self.override_button.setObjectName("override_button")
        self.details_button = QPushButton()
        self.details_button.setObjectName("violations_details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._details_shown)
        self.details_button.clicked.connect(self._details_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.details_button)
        row.addWidget(self.reimport_button)
        row.addWidget(self.override_button)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.violations: list[dict[str, Any]] = []
        self.names: dict[str, str] = {}  # the supervisors who let a rule through: name by login
        self.compact = False      # a short screen: warnings behind the details button
        self._chosen: bool | None = None  # the clerk opened or closed the table (until the next result)
        self._summary_text = ""
        self.setVisible(False)

    def show_violations(self, violations: Sequence[dict[str, Any]], fees: Sequence[dict[str, Any]]) -> None:
        """Show ``violations`` (the settle result's) against the bill lines ``fees``; hidden when none."""
        self.violations = [dict(v) for v in violations]
        lines = {str(f.get("feedetl_sn")): (n, str(f.get("name") or f.get("med_list_codg") or ""))
                 for n, f in enumerate(fees, 1)}
        self.table.setRowCount(len(self.violations))
        for row, v in enumerate(self.violations):
            block, override = v.get("severity") == "block", v.get("override")
            kind = self.tr("Block") if block else self.tr("Warning")
            if override:
                kind = self.tr("Overridden")
            sns = [str(sn) for sn in v.get("feedetl_sn") or []]
            where = "、".join(self.tr("line %1 %2").replace("%1", str(lines[sn][0])).replace("%2", lines[sn][1])
                             if sn in lines else sn for sn in sns[:4])
            if len(sns) > 4:
                where += " " + self.tr("and %1 more").replace("%1", str(len(sns) - 4))
            if not sns:
                where = self.tr("the whole stay")
            amount = Decimal(str(v.get("amount", "0")))
            why = str(v.get("text", ""))
            if override:
                why = self.tr("Let through by %1: %2").replace("%1", self._name(override.get("operator"))) \
                    .replace("%2", str(override.get("reason", ""))) + "　" + why
            cells = [kind, str(v.get("rule_id", "")), f"{amount:,.2f}", where, why]
            colour = DONE_COLOUR if override else (BLOCK_COLOUR if block else WARN_COLOUR)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if column in (0, 2):
                    cell.setForeground(colour)
                if column == 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        open_blocks = blocks_open(self.violations)
        refused = sum((Decimal(str(v.get("amount", "0"))) for v in open_blocks), Decimal(0))
        warned = sum((Decimal(str(v.get("amount", "0"))) for v in self.violations if v.get("severity") != "block"),
                     Decimal(0))
        parts = []
        if open_blocks:
            parts.append(self.tr("%1 blocked: %2 yuan is charged to the patient unless a supervisor overrides.")
                         .replace("%1", str(len(open_blocks))).replace("%2", f"{refused:,.2f}"))
        if warned:
            parts.append(self.tr("Warnings: the fund may refuse %1 yuan later.").replace("%1", f"{warned:,.2f}"))
        if not parts:
            parts.append(self.tr("Every block has been overridden by a supervisor."))
        self._summary_text = " ".join(parts)
        self.summary.setStyleSheet("color:#b00000;font-weight:bold" if open_blocks else "color:#b45f06")
        self.override_button.setEnabled(bool(open_blocks))
        visible_rows = min(len(self.violations), 3)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 22 * max(visible_rows, 1) + 4)
        self._chosen = None
        self._arrange()
        self.setVisible(bool(self.violations))

    def set_compact(self, compact: bool) -> None:
        """A short screen (the page's word): warnings only behind the details button."""
        if compact != self.compact:
            self.compact = compact
            self._arrange()

    @property
    def details_open(self) -> bool:
        return self.details_button.isChecked()

    def _arrange(self) -> None:
        """The table shown when a block is open, on a tall screen, or when the clerk opened it."""
        wanted = bool(blocks_open(self.violations)) or not self.compact
        self.details_button.setChecked(wanted if self._chosen is None else self._chosen)
        self._details_shown(self.details_button.isChecked())

    def _details_chosen(self, checked: bool) -> None:
        self._chosen = checked

    def _details_shown(self, shown: bool) -> None:
        self.table.setVisible(shown)
        self.details_button.setText(self.tr("Hide the list") if shown else
                                    self.tr("Show the list (%1)").replace("%1", str(len(self.violations))))
        # Folded, the title moves into the summary line: one line for the whole panel.
        self.setTitle(self.tr("Smart review: what the fund would refuse") if shown else "")
        self.summary.setText(self._summary_text if shown else
                             "<b>" + self.tr("Smart review:") + "</b> " + html.escape(self._summary_text))

    def _name(self, login: object) -> str:
        return self.names.get(str(login or ""), str(login or ""))


class ReviewGate(QObject):
    """The settle page's review: the panel, re-import, and the supervisor's override."""

    def __init__(self, page: SettlePage) -> None:
        super().__init__(page)
        self.page = page
        self.panel = ViolationsPanel(page)
        self.overrides: list[OverrideInput] = []
        self.approver: Operator | None = None
        self.dialog: OverrideDialog | None = None
        self.panel.reimport_button.clicked.connect(self.reimport)
        self.panel.override_button.clicked.connect(self.open_override)

    def forget_override(self) -> None:
        self.overrides, self.approver = [], None

    def clear(self) -> None:
        self.forget_override()
        self.panel.show_violations([], [])

    def show(self, result: dict[str, Any]) -> None:
        """A computed result: its violations on screen; an override it does not carry is forgotten."""
        violations = list(result.get("violations") or [])
        carried = {v["rule_id"] for v in violations if v.get("override")}
        if any(o.rule_id not in carried for o in self.overrides):
            self.forget_override()
        bill = self.page.bill
        self.panel.show_violations(violations, bill.fees if bill is not None else [])

    def reimport(self) -> None:
        """Load the bill again: the HIS hand-off of the stay taken, else the bill file dialog."""
        taken = self.page.taken
        if taken is not None:
            key = taken.stay.stay_key
            self.page.clear()
            self.page.take_stay(key)
        else:
            self.page.choose_bill()

    def open_override(self) -> None:
        preview = self.page.preview
        if preview is None:
            return
        blocks = blocks_open(preview.result.get("violations") or [])
        if not blocks:
            return
        dialog = OverrideDialog(blocks, self.page)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._override(dialog))
        dialog.open()

    def _override(self, dialog: OverrideDialog) -> None:
        preview = self.page.preview
        if preview is None:
            return
        desk, request = self.page.desk, preview.request
        name, password = dialog.supervisor.text().strip(), dialog.password.text()
        reason = dialog.reason_text()
        wanted = [OverrideInput(rule_id, reason) for rule_id in dialog.rule_ids()]
        kept = [o for o in self.overrides if o.rule_id not in {w.rule_id for w in wanted}]
        overrides = kept + wanted

        def work() -> tuple[Operator, list[OverrideInput], Preview]:
            approver = desk.login(name, password, via="desk-override")
            return approver, overrides, desk.preview(request, overrides=overrides, approver=approver)

        self.page.tasks.run(work, self._overridden, self.page._error)

    def _overridden(self, done: tuple[Operator, list[OverrideInput], Preview]) -> None:
        approver, overrides, preview = done
        self.approver, self.overrides = approver, overrides
        self.panel.names[approver.name] = approver.display_name or approver.name
        self.page.preview = preview
        self.page._show(preview.result)
        self.page._info(self.tr("Override by %1 applied: check the split, then settle (F9).")
                        .replace("%1", approver.display_name or approver.name))
