"""Turning errors into messages a clerk can act on, in the interface language.

The layers below raise errors rooted in ``HospitalClientError`` (hospital_client.errors): each
carries English detail and a clerk sentence marked for translation (context ``errors``); here
that sentence is translated and the detail (file, line, field) put after it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication as Q

from ..app import AuthenticationFailed, HospitalClientError, RequestError

# Assistance groups as the desk and the slip name them (short forms).
GROUP_NAMES = {"tekun": "特困供养", "dibao": "低保", "dibao_edge": "低保边缘", "poverty": "建档立卡"}


class Notice(HospitalClientError):
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
        "bad_csv": Q.translate("messages", "cannot be read as CSV"),
    }
    return texts.get(code, Q.translate("messages", "is not valid"))


def error_text(exc: BaseException) -> str:
    """A translated sentence for any error the desk can meet, with its detail (the one place
    where the desk words an error; the sentence itself travels with the error's class)."""
    detail = str(exc)
    if isinstance(exc, Notice):
        return detail
    if isinstance(exc, HospitalClientError):
        text = Q.translate("errors", exc.clerk_text).format(**exc.clerk_args())
        if isinstance(exc, RequestError):
            text += f" {field_name(exc.field)} {problem_text(exc.code)}"
        if isinstance(exc, AuthenticationFailed):
            return text  # which of name and password was wrong is deliberately not told
        return f"{text}\n{detail}" if detail else text
    if isinstance(exc, OSError):
        return Q.translate("messages", "A file or device could not be used:") + f"\n{detail}"
    return Q.translate("messages", "Unexpected error; nothing was saved. Please tell IT:") + f"\n{type(exc).__name__}: {detail}"
