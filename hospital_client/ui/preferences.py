"""Per-user interface preferences (language, printer) in an INI file; site settings live in the
site file. Read at start-up, so this module loads nothing but QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings

SETTING_LANGUAGE = "ui/language"
SETTING_PRINTER = "ui/printer"
PDF_PRINTER = ""  # no printer chosen: slips are written as PDF files


def preferences() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "hospital-client", "desk")


def chosen_printer() -> str:
    """The printer chosen for slips on this desk, or "" to write PDF files."""
    return str(preferences().value(SETTING_PRINTER, PDF_PRINTER) or "")
