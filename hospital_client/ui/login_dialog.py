"""Log in: operator name and password. The check runs off the GUI thread (argon2 is slow on purpose)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator
from .messages import show_error
from .tasks import TaskRunner
from .widgets import with_key


class LoginDialog(QDialog):
    def __init__(self, desk: Desk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.tasks = tasks
        self.operator: Operator | None = None
        self.setWindowTitle(self.tr("Log in — Discharge settlement"))
        self.setMinimumWidth(380)

        title = QLabel(desk.site_name)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size:16pt;font-weight:bold;margin:8px")
        self.name = QLineEdit()
        self.name.setObjectName("login_name")
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setStyleSheet("color:#b00000")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Operator"), self.name)
        form.addRow(self.tr("Password"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(with_key(self.tr("Log in"), "Enter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(with_key(self.tr("Cancel"), "Esc"))
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if desk.demo:
            hint = QLabel(self.tr("Demo site: operator demo / demo123 (clerk), super / super123 (supervisor), admin / admin123 (admin)."))
            hint.setWordWrap(True)
            hint.setStyleSheet("color:#555")
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for key in ("Return", "Enter"):  # Enter in the name goes on to the password, trying no login yet
            on = QShortcut(QKeySequence(key), self.name, self.password.setFocus)
            on.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.password.returnPressed.connect(self.try_login)

    def try_login(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        if not name or not password:
            self.message.setText(self.tr("Enter operator name and password."))
            return
        self.buttons.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        self.tasks.run(lambda: self.desk.login(name, password), self._logged_in, self._failed)

    def _logged_in(self, operator: Operator) -> None:
        self.operator = operator
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        show_error(self.message, exc)
