"""Per-user interface preferences (language, printer) in an INI file; site settings live in the
site file. Read at start-up, so this module loads nothing but QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings

SETTING_LANGUAGE = "ui/language"
SETTING_PRINTER = "ui/printer"
SETTING_BILL_COLUMNS = "ui/bill_columns"  # "code=1,no=0": the bill columns the clerk showed or hid
PDF_PRINTER = ""  # no printer chosen: slips are written as PDF files


def preferences() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "hospital-client", "desk")


def chosen_printer() -> str:
    """The printer chosen for slips on this desk, or "" to write PDF files."""
    return str(preferences().value(SETTING_PRINTER, PDF_PRINTER) or "")


def bill_columns() -> dict[str, bool]:
    """The bill table's columns this user chose to show (True) or hide (False), by their keys;
    anything unreadable in the file is left out."""
    text = str(preferences().value(SETTING_BILL_COLUMNS, "") or "")
    chosen: dict[str, bool] = {}
    for part in text.split(","):
        key, _, shown = part.partition("=")
        if key.strip() and shown.strip() in ("0", "1"):
            chosen[key.strip()] = shown.strip() == "1"
    return chosen


def save_bill_columns(chosen: dict[str, bool]) -> None:
    preferences().setValue(SETTING_BILL_COLUMNS, ",".join(f"{k}={int(v)}" for k, v in sorted(chosen.items())))
