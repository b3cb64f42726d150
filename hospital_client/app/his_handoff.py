"""Reading a HIS hand-off (docs/his-interface.md): the patient's identification, the admission and
its fee lines, as a JSON file or as CSV/XLSX with a header block of key/value rows above the fee
table. The fee lines go through the bill importer (app.bill_import) with all its checks and
limits; the patient is found in the roster and every identification HIS gives must name the same
person; the admission must have its 住院号 and its dates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import QT_TRANSLATE_NOOP
from ..store.caches import RosterPerson
from ..store.his import HisStay
from .bill_import import (
    MAX_BILL_BYTES,
    MAX_BLOCK_VALUE_CHARS,
    BillFileError,
    HeaderBlock,
    ImportedBill,
    import_bill_bytes,
    import_handoff_bytes,
)
from .errors import AppError
from .input_files import InputFileError, read_input_file

__all__ = ["HANDOFF_SUFFIXES", "Handoff", "HandoffError", "HandoffMismatch", "check_person", "read_handoff",
           "read_handoff_bytes"]

HANDOFF_SUFFIXES = (".json", ".csv", ".txt", ".xlsx")

# The header block's keys: the field names of docs/his-interface.md, or these Chinese titles.
BLOCK_ALIASES = {
    "人员编号": "psn_no", "身份证号": "certno", "证件号码": "certno", "身份证号码": "certno",
    "社保卡号": "card", "卡号": "card", "医保卡号": "card", "姓名": "name", "患者姓名": "name",
    "住院号": "ipt_no", "就诊ID": "mdtrt_id", "就诊id": "mdtrt_id", "就诊号": "mdtrt_id",
    "入院日期": "begntime", "出院日期": "endtime", "科室": "dept", "出院科室": "dept",
    "主治医师": "doctor", "主治医生": "doctor", "出院诊断": "diagnoses", "诊断": "diagnoses",
    "出院诊断名称": "diagnosis_names", "诊断名称": "diagnosis_names",
}
PATIENT_KEYS = ("psn_no", "certno", "card", "name")
ADMISSION_KEYS = ("ipt_no", "mdtrt_id", "begntime", "endtime", "dept", "doctor", "diagnoses", "diagnosis_names")
MAX_DIAGNOSES = 20
MAX_DIAGNOSIS_NAME_CHARS = 100
_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?[0-9A-Z]{0,4}$")
_CODE = re.compile(r"^[0-9A-Za-z_-]{1,30}$")

_CLERK_TEXTS = {
    "missing": QT_TRANSLATE_NOOP("errors", "The HIS hand-off lacks a required item (patient or admission)."),
    "invalid": QT_TRANSLATE_NOOP("errors", "An item of the HIS hand-off is not valid (a date, a number or a diagnosis code)."),  # noqa: E501
    "unknown_person": QT_TRANSLATE_NOOP("errors", "The patient of the HIS hand-off is not in the local roster; sync the roster first."),  # noqa: E501
}


class HandoffError(AppError):
    """A HIS hand-off that cannot be put on the waiting list; names the file, line and field.

    code: missing, invalid, unknown_person."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The HIS hand-off cannot be used.")

    def __init__(self, file: str, code: str, field: str, detail: str, line: int = 0) -> None:
        self.file, self.code, self.field, self.detail, self.line = file, code, field, detail, line
        self.clerk_text = _CLERK_TEXTS.get(code, self.clerk_text)
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {detail}")


class HandoffMismatch(AppError):
    """The hand-off's patient is not the person identified (or its identifications disagree)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This HIS bill belongs to another patient than the one identified; it was refused.")  # noqa: E501


@dataclass(frozen=True, slots=True)
class Handoff:
    """A hand-off as read: the patient's identification and the stay (its person still to be found)."""

    patient: dict[str, str]     # psn_no, certno, card, name (those given)
    stay: HisStay               # psn_no "" until the roster says who it is
    bill: ImportedBill


def read_handoff(path: str | Path) -> Handoff:
    path = Path(path)
    try:
        data = read_input_file(path, max_bytes=MAX_BILL_BYTES, what="HIS hand-off")
    except InputFileError as exc:
        raise BillFileError(path.name, exc.code, exc.detail) from None
    return read_handoff_bytes(data, path.name)


def _text(value: Any, name: str, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal, dt.date)):
        raise HandoffError(name, "invalid", key, "must be text")
    text = str(value).strip()
    if len(text) > MAX_BLOCK_VALUE_CHARS:
        raise HandoffError(name, "invalid", key, f"longer than {MAX_BLOCK_VALUE_CHARS} characters")
    return text


def _from_json(data: bytes, name: str) -> tuple[dict[str, Any], ImportedBill]:
    bill = import_bill_bytes(data, name)  # the fee lines, with the bill's checks (and its JSON errors)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise HandoffError(name, "invalid", "patient", "a JSON hand-off is UTF-8 JSON with plain numbers") from None
    if not isinstance(doc, dict):
        raise HandoffError(name, "missing", "patient", "a hand-off is an object with 'patient', 'admission' and "
                           "'feedetail'")
    raw: dict[str, Any] = {}
    for part, keys in (("patient", PATIENT_KEYS), ("admission", ADMISSION_KEYS)):
        section = doc.get(part)
        if not isinstance(section, dict):
            raise HandoffError(name, "missing", part, f"the '{part}' object is missing")
        for key in keys:
            if key in section:
                raw[key] = section[key]
    return raw, bill


def _from_block(block: HeaderBlock) -> tuple[dict[str, Any], dict[str, int]]:
    """The block's fields by their names, and the line each was found on."""
    raw: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, value in block.items():
        field = key if key in PATIENT_KEYS or key in ADMISSION_KEYS else BLOCK_ALIASES.get(key)
        if field is not None:
            raw[field] = value
            lines[field] = block.lines.get(key, 0)
    return raw, lines


def _day(value: Any, name: str, key: str) -> str:
    text = _text(value, name, key)
    if not text:
        raise HandoffError(name, "missing", key, "the date is missing")
    try:
        return dt.date.fromisoformat(text[:10].replace("/", "-")).isoformat()
    except ValueError:
        raise HandoffError(name, "invalid", key, f"{text[:20]!r} is not a date (YYYY-MM-DD)") from None


def _diagnosis_name(value: Any, name: str, field: str, line: int) -> str:
    text = _text(value, name, field)
    if len(text) > MAX_DIAGNOSIS_NAME_CHARS:
        raise HandoffError(name, "invalid", field, f"a diagnosis name longer than {MAX_DIAGNOSIS_NAME_CHARS} "
                           "characters", line)
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise HandoffError(name, "invalid", field, "a diagnosis name with a control character", line)
    return text


def _diagnoses(value: Any, names_value: Any, name: str,
               lines: Mapping[str, int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The discharge diagnoses' ICD-10 codes, the main one first, and their names ("" where HIS gave
    none): a JSON item is a code or {"code": ..., "name": ...}; a parallel list ``diagnosis_names``
    (in a cell separated by ; ； or |, as a name may hold commas and spaces) names the codes in order.
    A name without a code is refused."""
    line = lines.get("diagnoses", 0)
    codes: list[str] = []
    names: list[str] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            field = f"diagnoses[{index}]"
            if isinstance(item, dict):
                code = _text(item.get("code"), name, f"{field}.code")
                label = _diagnosis_name(item.get("name"), name, f"{field}.name", line)
                if not code:
                    if label:
                        raise HandoffError(name, "invalid", f"{field}.code",
                                           f"the diagnosis {label[:20]!r} has no ICD-10 code", line)
                    continue
            else:
                code, label = _text(item, name, field), ""
                if not code:
                    continue
            codes.append(code.upper())
            names.append(label)
    else:
        codes = [i.upper() for i in re.split(r"[;；,，、|\s]+", _text(value, name, "diagnoses")) if i]
        names = [""] * len(codes)
    for code in codes:
        if not _ICD10.match(code):
            raise HandoffError(name, "invalid", "diagnoses", f"{code[:20]!r} is not an ICD-10 code", line)
    if names_value is not None and names_value != "":
        names_line = lines.get("diagnosis_names", 0)
        if isinstance(names_value, list):
            given = [_diagnosis_name(v, name, "diagnosis_names", names_line) for v in names_value]
        else:
            given = [n.strip() for n in re.split(r"[;；|]", _text(names_value, name, "diagnosis_names"))]
            given = [_diagnosis_name(n, name, "diagnosis_names", names_line) for n in given]
        while given and not given[-1]:
            given.pop()
        if len(given) > len(codes):
            raise HandoffError(name, "invalid", "diagnosis_names",
                               f"{len(given)} diagnosis names for {len(codes)} diagnosis code(s): the name "
                               f"{given[len(codes)][:20]!r} has no code", names_line)
        for index, label in enumerate(given):
            if label and names[index] and label != names[index]:
                raise HandoffError(name, "invalid", "diagnosis_names",
                                   f"diagnosis {codes[index]} is named twice, differently", names_line)
            names[index] = names[index] or label
    return tuple(codes[:MAX_DIAGNOSES]), tuple(names[:MAX_DIAGNOSES])


def read_handoff_bytes(data: bytes, name: str) -> Handoff:
    """A hand-off from its bytes; a JSON by its name or first character, else CSV/XLSX with a header block."""
    start = data.lstrip()[:1]
    lines: dict[str, int] = {}
    if Path(name).suffix.lower() == ".json" or start in (b"{", b"["):
        raw, bill = _from_json(data, name)
    else:
        block, bill = import_handoff_bytes(data, name)
        raw, lines = _from_block(block)
    if not bill.ok:
        first = bill.errors[0]
        raise HandoffError(name, "invalid", first.field or "feedetail",
                           f"{len(bill.errors)} fee line error(s), the first: {first.detail}", first.line)
    patient = {k: _text(raw.get(k), name, k) for k in PATIENT_KEYS if _text(raw.get(k), name, k)}
    if not any(k in patient for k in ("psn_no", "certno", "card")):
        raise HandoffError(name, "missing", "psn_no", "the patient's identification is missing (psn_no, certno or "
                           "card)")
    ipt_no = _text(raw.get("ipt_no"), name, "ipt_no")
    if not ipt_no:
        raise HandoffError(name, "missing", "ipt_no", "the admission number (住院号) is missing")
    mdtrt_id = _text(raw.get("mdtrt_id"), name, "mdtrt_id")
    for key, value in (("ipt_no", ipt_no), ("mdtrt_id", mdtrt_id)):
        if value and not _CODE.match(value):
            raise HandoffError(name, "invalid", key, f"{value[:40]!r}: letters, digits, - and _ only, at most 30")
    begin, end = _day(raw.get("begntime"), name, "begntime"), _day(raw.get("endtime"), name, "endtime")
    if end < begin:
        raise HandoffError(name, "invalid", "endtime", f"the discharge ({end}) is before the admission ({begin})")
    codes, names = _diagnoses(raw.get("diagnoses"), raw.get("diagnosis_names"), name, lines)
    stay = HisStay(
        ipt_no=ipt_no, mdtrt_id=mdtrt_id, psn_no="", begntime=begin, endtime=end,
        dept=_text(raw.get("dept"), name, "dept"), doctor=_text(raw.get("doctor"), name, "doctor"),
        diagnoses=codes, diagnosis_names=names, fees=tuple(bill.fees),
        medfee_sumamt=f"{bill.total:.2f}", source=name)
    return Handoff(patient, stay, bill)


def check_person(handoff_patient: Mapping[str, str], person: RosterPerson, *, source: str) -> None:
    """Every identification the hand-off gives must be this person's; the reason names the item."""
    given = {"psn_no": person.psn_no, "certno": person.certno.upper(), "card": person.card_no or ""}
    for key in ("psn_no", "certno", "card"):
        value = handoff_patient.get(key, "")
        if value and value.upper() != given[key].upper():
            raise HandoffMismatch(f"{source}: the hand-off's {key} is not the identified person's "
                                  f"({person.psn_no}); the bill belongs to another patient")
    name = handoff_patient.get("name", "")
    if name and name != person.psn_name:
        raise HandoffMismatch(f"{source}: the hand-off's patient name is not the identified person's "
                              f"({person.psn_no}); the bill belongs to another patient")
