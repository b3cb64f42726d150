"""Settings (admin only): the site, the central server and a connection test, the printer, the
policy packs in use, and the interface language."""

from __future__ import annotations

from typing import Any

from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator
from ..app.code_names import region_name
from .i18n import LANGUAGES
from .messages import show_error, show_info
from .models import DictTableModel
from .preferences import PDF_PRINTER, SETTING_LANGUAGE, SETTING_PRINTER, preferences
from .tasks import TaskRunner
from .widgets import DeskPage, key_button, table_view


class SettingsPage(DeskPage):
    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        site = desk.site
        site_box = QGroupBox(self.tr("Site"))
        form = QFormLayout(site_box)
        form.addRow(self.tr("Medical institution code"), QLabel(desk.fixmedins_code))
        form.addRow(self.tr("Name"), QLabel(desk.site_name))
        form.addRow(self.tr("Region (admdvs)"), QLabel(f"{region_name(desk.region)}（{desk.region}）"))
        form.addRow(self.tr("Site file"), QLabel(site.source if site else self.tr("none: embedded demo site")))
        database = QLabel(str(desk.db_path))
        database.setWordWrap(True)
        database.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form.addRow(self.tr("Database"), database)
        self.server = QLabel(site.server_url if site and site.server_url else self.tr("not configured (offline)"))
        self.connection = QLabel()
        self.connection.setObjectName("connection_result")
        self.connection.setWordWrap(True)
        test = key_button(self.tr("Test connection"), "Ctrl+T", self.test_connection, "test_connection")
        test.setEnabled(bool(site and site.server_url))
        row = QHBoxLayout()
        row.addWidget(self.server, 1)
        row.addWidget(test)
        form.addRow(self.tr("Central server"), row)
        form.addRow("", self.connection)
        hint = QLabel(self.tr("IT changes the site, the server and its secret with the set-up command (see the operations guide); the secret is kept in the system keyring."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555")
        form.addRow("", hint)

        prefs = preferences()
        desk_box = QGroupBox(self.tr("This desk"))
        desk_form = QFormLayout(desk_box)
        self.printer = QComboBox()
        self.printer.setObjectName("printer_choice")
        self.printer.addItem(self.tr("PDF file (no printer)"), PDF_PRINTER)
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        current = prefs.value(SETTING_PRINTER, PDF_PRINTER)
        self.printer.setCurrentIndex(max(0, self.printer.findData(current)))
        self.printer.currentIndexChanged.connect(self._save_printer)
        self.language = QComboBox()
        self.language.setObjectName("language_choice")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.value(SETTING_LANGUAGE, "zh_CN"))))
        self.language.currentIndexChanged.connect(self._save_language)
        self.saved = QLabel()
        desk_form.addRow(self.tr("Slip printer"), self.printer)
        desk_form.addRow(self.tr("Interface language"), self.language)
        desk_form.addRow("", self.saved)

        packs_box = QGroupBox(self.tr("Policy packs"))
        self.packs = DictTableModel([
            (self.tr("Pack"), "id", False), (self.tr("Version"), "version", False),
            (self.tr("Valid from"), "valid_from", False), (self.tr("Valid to"), "valid_to", False),
            (self.tr("SHA-256"), "sha_short", False), (self.tr("Name"), "name", False),
        ], self)
        QVBoxLayout(packs_box).addWidget(table_view(self.packs, "packs_table", select_rows=False))

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(site_box, 3)
        top.addWidget(desk_box, 2)
        layout.addLayout(top)
        layout.addWidget(packs_box, 1)

    def refresh(self) -> None:
        def rows() -> list[dict[str, Any]]:
            out = []
            for p in self.desk.packs_info():
                row = dict(p)
                row["sha_short"] = str(row.get("sha256", ""))[:16]
                out.append(row)
            return out

        self.tasks.run(rows, self.packs.set_rows, lambda exc: show_error(self.saved, exc))

    def _audit(self, subject: str, value: str, done: str) -> None:
        self.tasks.run(lambda: self.desk.audit("setting", self.operator.name, subject, {subject: value}),
                       lambda _: show_info(self.saved, done), lambda exc: show_error(self.saved, exc))

    def _save_printer(self) -> None:
        value = str(self.printer.currentData())
        preferences().setValue(SETTING_PRINTER, value)
        self._audit("printer", value, self.tr("Saved."))

    def _save_language(self) -> None:
        value = str(self.language.currentData())
        preferences().setValue(SETTING_LANGUAGE, value)
        self._audit("language", value, self.tr("Saved. The new language applies when the program starts again."))

    def test_connection(self) -> None:
        tester = getattr(self.desk, "test_connection", None)
        if tester is None:
            return
        self.connection.setText(self.tr("Connecting…"))
        self.tasks.run(tester, self._tested, lambda exc: show_error(self.connection, exc))

    def _tested(self, report: Any) -> None:
        failure = getattr(report, "failure", None)
        if failure is not None:
            show_error(self.connection, failure)
        else:
            show_info(self.connection, str(getattr(report, "message_zh", "")))
