"""Turning errors into messages a clerk can act on, in the interface language.

The layers below raise errors rooted in ``HospitalClientError`` (hospital_client.errors): each
carries English detail and a clerk sentence marked for translation (context ``errors``). On
screen the clerk reads only the translated sentence (``clerk_message``); the English detail
(file, line, field) is for IT: it goes to the log and to the message's tooltip (``show_error``).
``error_text`` gives both, one after the other, where a single text is needed.

Also here: the words for codes the desk would otherwise show bare (transactions, pack keys,
request fields) and the Chinese form of dates and times.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtWidgets import QLabel

from ..app import AuthenticationFailed, HospitalClientError, RequestError

log = logging.getLogger(__name__)

# The parts of a policy pack a warning may name (pack.illustrative), as the clerk and the slip say them.
PACK_KEY_NAMES = {
    "basic": "基本医保统筹", "basic.deductible": "起付线", "basic.ratio": "统筹支付比例",
    "basic.annual_cap": "统筹年度最高支付限额", "hifmi": "大病保险", "hifmi.deductible": "大病保险起付线",
    "hifmi.deductible.last_year_income": "大病保险起付线（上年人均可支配收入）",
    "hifmi.deductible_urban": "大病保险起付线（城镇）", "hifmi.deductible_rural": "大病保险起付线（农村）",
    "hifmi.deductible_urban.last_year_income": "大病保险起付线（上年城镇人均可支配收入）",
    "hifmi.deductible_rural.last_year_income": "大病保险起付线（上年农村人均可支配收入）",
    "hifmi.segments": "大病保险分段支付比例", "hifmi.annual_cap": "大病保险年度最高支付限额",
    "assistance": "医疗救助", "items": "目录项目规则", "items.class_b_selfpay": "乙类先行自付比例",
}
_ILLUSTRATIVE = re.compile(r"^政策包 (\S+) 中以下参数为示例值（政策原文未给出）：(.*)$")


class Notice(HospitalClientError):
    """Guidance for the clerk raised by the window itself (already translated): shown as is."""


def field_name(field: str) -> str:
    names = {
        "feedetl_sn": Q.translate("messages", "serial no."), "med_list_codg": Q.translate("messages", "catalogue code"), "name": Q.translate("messages", "item name"),
        "pric": Q.translate("messages", "unit price"), "cnt": Q.translate("messages", "quantity"), "det_item_fee_sumamt": Q.translate("messages", "amount"),
        "chrgitm_lv": Q.translate("messages", "charge class"), "selfpay_prop": Q.translate("messages", "self-pay share"), "pric_uplmt_amt": Q.translate("messages", "price cap"),
        "begntime": Q.translate("messages", "admission date"), "endtime": Q.translate("messages", "discharge date"),
        "hosp_lv": Q.translate("messages", "hospital level"), "mdtrt_id": Q.translate("messages", "admission no."),
        "diagnoses": Q.translate("messages", "diagnosis"), "med_type": Q.translate("messages", "kind of treatment"),
        "insutype": Q.translate("messages", "insurance type"), "residence": Q.translate("messages", "urban or rural residence"),
        "psn_no": Q.translate("messages", "person no."), "referral_dedc_paid": Q.translate("messages", "deductible paid"),
        "encounter": Q.translate("messages", "the stay"), "person": Q.translate("messages", "the patient"),
        "fees": Q.translate("messages", "the bill"),
    }
    last = re.sub(r"\[\d+\]$", "", field.rsplit(".", 1)[-1])
    if last in names:
        return names[last]
    # A column of the hospital's own file is shown as named there; a code of ours never is.
    return last if last and not re.search("[A-Za-z]", last) else Q.translate("messages", "a field")


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


def _request_problem(exc: RequestError) -> str:
    """What is wrong with the request, in words (never the English detail)."""
    if "endtime is before begntime" in exc.problem:
        return Q.translate("messages", "The discharge date is before the admission date.")
    if "outside pack" in exc.problem:
        return Q.translate("messages", "The discharge date is outside the validity of the policy pack.")
    if "is not covered by pack" in exc.problem:
        return Q.translate("messages", "The policy pack does not cover this patient's insurance type or this kind of treatment.")
    if exc.field.endswith("residence"):
        return Q.translate("messages", "The patient's urban or rural residence is needed by this policy pack.")
    return f"{field_name(exc.field)} {problem_text(exc.code)}"


def clerk_message(exc: BaseException) -> str:
    """The translated sentence for any error the desk can meet, without English detail: what
    the clerk reads on screen."""
    if isinstance(exc, Notice):
        return str(exc)
    if isinstance(exc, HospitalClientError):
        text = Q.translate("errors", exc.clerk_text).format(**exc.clerk_args())
        if isinstance(exc, RequestError):
            text += " " + _request_problem(exc)
        return text
    if isinstance(exc, OSError):
        where = exc.filename if isinstance(exc.filename, str) else ""
        return Q.translate("messages", "A file or device could not be used:") + (f" {where}" if where else "")
    return Q.translate("messages", "Unexpected error; nothing was saved. Please tell IT (the details are in the log).")


def error_detail(exc: BaseException) -> str:
    """The English detail for IT (log, tooltip); empty where there is none to tell."""
    if isinstance(exc, Notice | AuthenticationFailed):  # which of name and password was wrong is not told
        return ""
    if isinstance(exc, HospitalClientError | OSError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def error_text(exc: BaseException) -> str:
    """The clerk sentence with the detail on a second line (the start-up message box, stderr)."""
    text, detail = clerk_message(exc), error_detail(exc)
    return f"{text}\n{detail}" if detail else text


def show_error(label: QLabel, exc: BaseException) -> None:
    """Put an error on a message line: the clerk's sentence in red; the English detail in the
    tooltip and in the log, where IT reads it."""
    detail = error_detail(exc)
    if detail:
        log.warning("shown to the clerk: %s", detail)
    label.setStyleSheet("color:#b00000")
    label.setText(clerk_message(exc))
    label.setToolTip(detail)


def show_info(label: QLabel, text: str) -> None:
    """Put guidance or a result on a message line (clears an earlier error's tooltip)."""
    label.setStyleSheet("")
    label.setText(text)
    label.setToolTip("")


def readable_warning(text: str) -> str:
    """A warning of the rules core with the pack keys it names put into words."""
    match = _ILLUSTRATIVE.match(text)
    if not match:
        return text
    keys = [k.strip() for k in match.group(2).split("、") if k.strip()]
    names = "、".join(dict.fromkeys(PACK_KEY_NAMES.get(k, PACK_KEY_NAMES.get(k.split(".")[0], k)) for k in keys))
    return f"本政策包中以下参数为示例值（政策原文未给出），请向医保部门核实：{names}"


def transaction_name(infno: str) -> str:
    """A transaction the queue shows, in words (2304 → settlement, 2305 → reversal)."""
    names = {"2304": Q.translate("messages", "Settlement upload"), "2305": Q.translate("messages", "Reversal upload"),
             "9511": Q.translate("messages", "Batch upload"), "2402": Q.translate("messages", "Discharge (2402)")}
    return names.get(infno, Q.translate("messages", "Message"))


def moment_text(stamp: str, *, seconds: bool = True) -> str:
    """An ISO timestamp from the database as the clerk reads it, in local time:
    2026-12-04 22:10:50 (with ``seconds``) or 2026-12-04 22:10; "" for none."""
    if not stamp:
        return ""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp.replace("T", " ")[:19]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def long_moment_text(moment: dt.datetime) -> str:
    """A moment in a sentence: 2026年12月4日 22:10."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
