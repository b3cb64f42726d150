"""Turning errors into messages a clerk can act on, in the interface language.

The layers below raise typed errors with English detail; here each kind gets a translated
sentence that says what is wrong and what to do, with the detail (file, line, field) after it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QLocale

from .. import store
from ..app.bill_import import BillFileError
from ..app.errors import AppError, PermissionDenied, UnknownPerson
from ..config import ConfigError
from ..rules import NoPackError, PackError, RequestError

# Assistance groups as the desk and the slip name them (short forms).
GROUP_NAMES = {"tekun": "特困供养", "dibao": "低保", "dibao_edge": "低保边缘", "poverty": "建档立卡"}


class Notice(Exception):
    """Guidance for the clerk raised by the window itself (already translated): shown as is."""


def field_name(field: str) -> str:
    names = {
        "feedetl_sn": Q.translate("messages", "serial no."), "med_list_codg": Q.translate("messages", "catalogue code"), "name": Q.translate("messages", "item name"),
        "pric": Q.translate("messages", "unit price"), "cnt": Q.translate("messages", "quantity"), "det_item_fee_sumamt": Q.translate("messages", "amount"),
        "chrgitm_lv": Q.translate("messages", "charge class"), "selfpay_prop": Q.translate("messages", "self-pay share"), "pric_uplmt_amt": Q.translate("messages", "price cap"),
    }
    last = field.rsplit(".", 1)[-1]
    return names.get(last, field)


def problem_text(code: str) -> str:
    texts = {
        "missing": Q.translate("messages", "is missing"),
        "not_number": Q.translate("messages", "is not a number"),
        "float": Q.translate("messages", "must be written as a decimal number"),
        "too_many_decimals": Q.translate("messages", "has too many decimal places"),
        "too_large": Q.translate("messages", "is too large"),
        "negative": Q.translate("messages", "must not be negative"),
        "not_ratio": Q.translate("messages", "must be between 0 and 1"),
        "not_text": Q.translate("messages", "must be text"),
        "too_long": Q.translate("messages", "is too long"),
        "amount_mismatch": Q.translate("messages", "does not equal unit price × quantity"),
        "bad_level": Q.translate("messages", "must be 01 (A), 02 (B) or 03 (C)"),
        "duplicate": Q.translate("messages", "is used twice in this bill"),
        "unknown_field": Q.translate("messages", "is not a known column"),
        "not_object": Q.translate("messages", "is not a fee line"),
    }
    return texts.get(code, Q.translate("messages", "is not valid"))


def error_text(exc: BaseException) -> str:
    """A translated sentence for any error the desk can meet, with its detail."""
    detail = str(exc)
    if isinstance(exc, Notice):
        return detail
    # The store and the sync carry their own Chinese sentence for the desk (exc.zh).
    zh = getattr(exc, "zh", None)
    if isinstance(zh, str) and zh and QLocale().language() == QLocale.Language.Chinese \
            and not isinstance(exc, store.AuthenticationFailed):
        return f"{zh}\n{detail}"
    if isinstance(exc, store.AuthenticationFailed):
        return Q.translate("messages", "Wrong operator name or password.")
    if isinstance(exc, PermissionDenied):
        return Q.translate("messages", "Your role does not allow this.") + f"\n{detail}"
    if isinstance(exc, UnknownPerson):
        return Q.translate("messages", "This person is not in the local roster. Check the number, or sync the roster.") + f"\n{detail}"
    if isinstance(exc, BillFileError):
        codes = {
            "empty": Q.translate("messages", "The file is empty."),
            "encoding": Q.translate("messages", "The file is neither UTF-8 nor GBK text."),
            "bad_json": Q.translate("messages", "The file is not valid JSON."),
            "bad_xlsx": Q.translate("messages", "The file is not a readable Excel (XLSX) workbook."),
            "unsupported": Q.translate("messages", "Unsupported file type; use JSON, CSV or XLSX."),
            "missing_columns": Q.translate("messages", "Required columns are missing from the header row."),
            "no_lines": Q.translate("messages", "The file contains no fee lines."),
            "too_many_lines": Q.translate("messages", "The bill has too many lines."),
            "unreadable": Q.translate("messages", "The file cannot be read."),
        }
        return codes.get(exc.code, Q.translate("messages", "The bill file cannot be used.")) + f"\n{detail}"
    if isinstance(exc, RequestError):
        return Q.translate("messages", "The settlement data is not valid:") + f" {field_name(exc.field)} {problem_text(exc.code)}\n{detail}"
    if isinstance(exc, (PackError, NoPackError)):
        return Q.translate("messages", "No usable policy pack for this settlement. Ask IT to check the site's policy packs.") + f"\n{detail}"
    if isinstance(exc, store.DatabaseLocked):
        return Q.translate("messages", "The database is in use by another program. Close it, then try again.") + f"\n{detail}"
    if isinstance(exc, store.DiskFull):
        return Q.translate("messages", "The disk is full. Nothing was saved; free space, then try again.") + f"\n{detail}"
    if isinstance(exc, store.DatabaseReadOnly):
        return Q.translate("messages", "The database cannot be written (read-only). Ask IT to check permissions.") + f"\n{detail}"
    if isinstance(exc, (store.DatabaseCorrupt, store.NotADatabase)):
        return Q.translate("messages", "The database file is damaged. Do not delete it; call IT to restore from a backup.") + f"\n{detail}"
    if isinstance(exc, store.DatabaseTooNew):
        return Q.translate("messages", "The database was written by a newer version of this program. Install the newer version.") + \
            f"\n{detail}"
    if isinstance(exc, store.AlreadyReversed):
        return Q.translate("messages", "This settlement has already been reversed.") + f"\n{detail}"
    if isinstance(exc, store.DuplicateSettlement):
        return Q.translate("messages", "This stay has already been settled; reverse it first to settle again.") + f"\n{detail}"
    if isinstance(exc, (store.StoreError, AppError, ConfigError)):
        return Q.translate("messages", "The operation failed:") + f"\n{detail}"
    if isinstance(exc, OSError):
        return Q.translate("messages", "A file or device could not be used:") + f"\n{detail}"
    return Q.translate("messages", "Unexpected error; nothing was saved. Please tell IT:") + f"\n{type(exc).__name__}: {detail}"
