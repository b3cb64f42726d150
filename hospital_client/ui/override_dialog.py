"""The supervisor's override of a 拦截 (blocked review rule): which rules, who, and why.

The supervisor ticks the blocked rules to let through, signs in with their own login name and
password, and gives a reason; OK stays disabled until all of it is there. The page then checks
the password and recomputes with the override (app.Desk.preview), and the override is audited
with the settlement and sent with it to the central system.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

__all__ = ["OverrideDialog"]

MAX_REASON = 500


class OverrideDialog(QDialog):
    """Let blocked rules through: rule check boxes, supervisor login and password, reason."""

    def __init__(self, blocks: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("override_dialog")
        self.setWindowTitle(self.tr("Supervisor override of a blocked item"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The fund will refuse these items and they are now charged to the patient. A "
                               "supervisor may let the fund pay them as billed, with a reason; the override is "
                               "recorded and sent to the insurance centre."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.rule_boxes: list[QCheckBox] = []
        for violation in blocks:
            amount = Decimal(str(violation.get("amount", "0")))
            box = QCheckBox(f"{violation['rule_id']}　{violation['text']}　"
                            + self.tr("%1 yuan").replace("%1", f"{amount:,.2f}"))
            box.setProperty("rule_id", violation["rule_id"])
            box.setToolTip(str(violation["text"]))
            box.setChecked(True)
            box.toggled.connect(self._check)
            layout.addWidget(box)
            self.rule_boxes.append(box)
        form = QFormLayout()
        self.supervisor = QLineEdit()
        self.supervisor.setObjectName("override_supervisor")
        self.password = QLineEdit()
        self.password.setObjectName("override_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("override_reason")
        self.reason.setPlaceholderText(self.tr("Why the fund should pay (e.g. the indication is documented in "
                                               "the medical record)"))
        self.reason.setMaximumHeight(90)
        self.reason.setTabChangesFocus(True)  # Tab goes on to the override button, as from the other fields
        form.addRow(self.tr("Supervisor login"), self.supervisor)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("override_problem")
        self.problem.setStyleSheet("color:#b00000")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Override"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Back (Esc)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in (self.supervisor, self.password):
            edit.textChanged.connect(self._check)
        self.reason.textChanged.connect(self._check)
        self._check()

    def rule_ids(self) -> list[str]:
        return [str(box.property("rule_id")) for box in self.rule_boxes if box.isChecked()]

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _check(self, *_: object) -> None:
        problem = ""
        if not self.rule_ids():
            problem = self.tr("Tick at least one blocked item.")
        elif not self.supervisor.text().strip() or not self.password.text():
            problem = self.tr("A supervisor signs in here with their own login and password.")
        elif not self.reason_text():
            problem = self.tr("Give the reason.")
        elif len(self.reason_text()) > MAX_REASON:
            problem = self.tr("The reason is too long (at most 500 characters).")
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
