"""The settlement slip (结算单): what it shows for one settlement, and the audit record of every
print and reprint. ``ui.slip`` renders it.

The slip's fee categories follow the 住院收费票据 / 结算单 headings. The catalogue carries each
item's list type (drug, tcm_patent, herbal, material, facility, service); a service item's
category comes from its national service-price code (医疗服务价格项目规范: 0011 综合医疗服务,
0021-0027 医技诊疗, 0031 临床诊疗, 0033 手术, ...); a service the prefixes do not place (a local
or 自费 group), and a line whose code is not in the catalogue, by its name; what is left is 其他.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import store
from ..privacy import mask_id
from ..store import LocalDatabase, cash, his, journal
from ..store.money import money_text
from ..store.operators import Operator
from . import code_names, stay_periods
from .outpatient_slips import outpatient_slip_fields

if TYPE_CHECKING:
    from ..rules import Catalog

__all__ = ["FEE_CATEGORIES", "diagnosis_text", "fee_categories", "fee_category", "private_slip_path", "record_print",
           "slip_data"]

FEE_CATEGORIES = ("床位费", "诊察费", "检查费", "化验费", "治疗费", "手术费", "护理费", "卫生材料费",
                  "西药费", "中成药费", "中药饮片费", "其他")
_BY_LIST_TYPE = {"facility": "床位费", "material": "卫生材料费", "drug": "西药费", "tcm_patent": "中成药费",
                 "herbal": "中药饮片费"}
# Service codes by prefix, the longest prefix first.
_SERVICE_PREFIXES = (
    ("001109", "床位费"), ("001102", "诊察费"), ("001103", "诊察费"), ("001201", "护理费"), ("001202", "护理费"),
    ("003110", "治疗费"), ("003111", "治疗费"), ("003112", "治疗费"),
    ("0012", "治疗费"), ("0021", "检查费"), ("0022", "检查费"), ("0023", "检查费"), ("0024", "检查费"),
    ("0025", "化验费"), ("0026", "化验费"), ("0027", "检查费"), ("0031", "检查费"), ("0032", "治疗费"),
    ("0033", "手术费"), ("0034", "治疗费"), ("0041", "治疗费"), ("0042", "治疗费"),
)


# 0031 (临床各系统诊疗) holds examinations and treatments side by side: these words make one a treatment.
_TREATMENT_WORDS = ("复苏", "除颤", "起搏", "反搏", "注射", "激光", "洁治", "漂白", "授精", "心理咨询", "治疗", "透析")


def _by_name(name: str) -> str:
    """A service item no code prefix places (a local or 自费 group): its category from its name."""
    if "诊查" in name or "诊察" in name:
        return "诊察费"
    if "手术" in name or name.endswith("术") or "术(" in name or "术（" in name:
        return "手术费"
    if "检测" in name or "化验" in name:
        return "化验费"
    if any(word in name for word in ("检查", "体检", "计数", "摄影", "超声", "心电图")):
        return "检查费"
    if any(word in name for word in _TREATMENT_WORDS):
        return "治疗费"
    return "其他"


# A line whose code is not in the catalogue (a hospital's own code): a medicine by these words.
_DRUG_WORDS = ("制剂", "片", "胶囊", "注射液", "滴鼻液", "滴眼液", "颗粒", "口服液", "糖浆", "软膏")


def fee_category(code: str, catalog: Catalog | None, name: str = "") -> str:
    """The slip's fee category of one catalogue code: by the item's list type, a service by its
    national code prefix (0031 split into examinations and treatments by name), a service of a
    group the prefixes do not place by its name, and so is a line whose code is not in the
    catalogue (``name``: the line's name); 其他 for what none of these places."""
    item = catalog.get(code) if catalog is not None else None
    if item is None:  # a hospital's own code: by the line's name
        if any(word in name for word in _DRUG_WORDS):
            return "中成药费" if "丸" in name else "西药费"
        return _by_name(name)
    if item.list_type != "service":
        return _BY_LIST_TYPE.get(item.list_type, "其他")
    category = next((name for prefix, name in _SERVICE_PREFIXES if code.startswith(prefix)), "")
    if category == "检查费" and code.startswith("0031") and any(w in item.name for w in _TREATMENT_WORDS):
        return "治疗费"
    return category or _by_name(item.name)


def _money(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("0")


def fee_categories(fees: Sequence[Mapping[str, Any]], catalog: Catalog | None) -> list[tuple[str, str]]:
    """The bill's total by fee category, in the slip's order, the categories with fees only."""
    totals = dict.fromkeys(FEE_CATEGORIES, Decimal("0"))
    for fee in fees:
        category = fee_category(str(fee.get("med_list_codg", "")), catalog, str(fee.get("name", "")))
        totals[category] += _money(fee.get("det_item_fee_sumamt"))
    return [(name, f"{amount.quantize(Decimal('0.01'))}") for name, amount in totals.items() if amount]


def stay_days(begntime: str, endtime: str) -> int | None:
    """Days in hospital: discharge day minus admission day, a same-day stay counting one."""
    try:
        begin, end = dt.date.fromisoformat(begntime[:10]), dt.date.fromisoformat(endtime[:10])
    except ValueError:
        return None
    return max(1, (end - begin).days)


def _operator_name(db: LocalDatabase, login: str) -> str:
    row = db.conn.execute("SELECT display_name FROM operator WHERE name = ?", (login,)).fetchone()
    return str(row[0]) if row and row[0] else login


def _msgid(db: LocalDatabase, local_id: int) -> str:
    row = db.conn.execute("SELECT msgid FROM outbox WHERE local_id = ?", (local_id,)).fetchone()
    return str(row[0]) if row else ""


def _first(mapping: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list) and value:
            names = [str(v.get("diag_name") or v.get("name") or v.get("diag_code") or "") if isinstance(v, dict)
                     else str(v) for v in value]
            return "，".join(n for n in names if n)
    return ""


def slip_data(db: LocalDatabase, local_id: int, printed_by: str, *, reprint: bool, hospital_name: str,
              fixmedins_code: str, catalog: Catalog | None = None) -> dict[str, Any]:
    """What the slip shows for one settlement (full name, masked ID), and an audit record of the print.

    For a reversal entry, or a settlement that was reversed, the slip is the original settlement's
    marked 已冲正 with the refund (the reversal entry) under it."""
    entry = journal.get_entry(db, local_id)
    if entry.kind == "reversal" and entry.reverses_local_id is not None:
        entry = journal.get_entry(db, entry.reverses_local_id)
    request = entry.request or {}
    person, encounter = request.get("person", {}), request.get("encounter", {})
    reversal: dict[str, Any] | None = None
    if entry.reversed_by is not None:
        rev = journal.get_entry(db, entry.reversed_by)
        reversal = {
            "local_id": rev.local_id, "queue_no": rev.queue_no, "created_at": rev.created_at,
            "reason": rev.reason, "approver": _operator_name(db, rev.operator),
            "refund": str(-_money((rev.result or {}).get("setlinfo", {}).get("psn_cash_pay", "0"))),
            "settlement_no": _msgid(db, rev.local_id) or f"{fixmedins_code}-{rev.queue_no}",
            "paid_by": _cashier(db, rev.local_id, rev.operator),
            "method_name": _method_name(db, rev.local_id),
        }
    store.audit.append(db, "print", printed_by, f"settlement:{entry.local_id}",
                       {"reprint": reprint, "reversed": reversal is not None})
    begntime, endtime = str(encounter.get("begntime", "")), str(encounter.get("endtime", ""))
    stay = _handed_over(db, entry.mdtrt_id)
    handed = {"dept": stay.dept, "doctor": stay.doctor} if stay is not None else {}
    return {
        "hospital_name": hospital_name, "fixmedins_code": fixmedins_code,
        "psn_name": person.get("psn_name", ""), "certno_masked": mask_id(person.get("certno", "")),
        "psn_no": entry.psn_no, "insutype": entry.insutype, "mdtrt_id": entry.mdtrt_id,
        "insutype_name": code_names.insutype_name(entry.insutype),
        "psn_type_name": code_names.psn_type_name(str(person.get("psn_type", ""))),
        "region_name": code_names.region_name(str(person.get("insuplc_admdvs", ""))),
        "assistance_group_name": code_names.assistance_group_name(person.get("assistance_group")),
        "begntime": begntime, "endtime": endtime, "days": stay_days(begntime, endtime),
        "dept": _first(encounter, "dept_name", "adm_dept_name", "dscg_dept_name") or handed.get("dept", ""),
        "doctor": handed.get("doctor", ""),
        "diagnosis": diagnosis_text(encounter.get("diagnoses"), stay),
        "hosp_lv": int(encounter.get("hosp_lv", 0) or 0), "local_id": entry.local_id,
        "queue_no": entry.queue_no, "state": entry.state, "operator": _operator_name(db, entry.operator),
        "settled_at": entry.created_at,
        "settlement_no": _msgid(db, entry.local_id) or f"{fixmedins_code}-{entry.queue_no}",
        "fee_categories": fee_categories(request.get("fees", []), catalog),
        "assistance_group": person.get("assistance_group") or "",
        "result": entry.result or {}, "kind": entry.kind, "reversal": reversal,
        "payment": _payment(db, entry.local_id),
        **stay_periods.slip_fields(request, entry.result or {}),  # 中途结算（第 n 段：起—止）
        # an outpatient visit: its type, the 门诊慢特病 disease (app.outpatient_slips)
        **outpatient_slip_fields(db, entry.med_type, request, entry.result or {}),
    }


def _handed_over(db: LocalDatabase, stay_key: str) -> his.HisStay | None:
    """The stay HIS handed over (its department, doctor and diagnosis names: the request carries
    none of them), None for a stay typed at the window."""
    if not stay_key:
        return None
    try:
        stay = his.get_stay(db, stay_key)
    except his.NotFound:
        return None
    return stay if stay.stay_key == stay_key else None


def diagnosis_text(codes: object, stay: his.HisStay | None) -> str:
    """The slip's 出院诊断: the settled diagnosis codes in their order (the main one first), each as
    "肺炎（J18.900）" when HIS gave its name with the stay, else the code alone. The names come from
    the hand-off kept in the (encrypted) desk database; the request carries the codes only."""
    if not isinstance(codes, list):
        return ""
    parts = []
    for item in codes:
        code = str(item).strip()
        if not code:
            continue
        name = stay.diagnosis_name(code) if stay is not None else ""
        parts.append(f"{name}（{code}）" if name else code)
    return "，".join(parts)


def _payment(db: LocalDatabase, local_id: int) -> dict[str, str] | None:
    """How the patient paid (method, amount tendered, change), as recorded with the settlement."""
    paid = cash.cash_of(db, [local_id]).get(local_id)
    if paid is None:
        return None
    return {"method": paid.payment, "method_name": cash.PAYMENT_METHODS.get(paid.payment, paid.payment),
            "tendered": money_text(paid.tendered), "change": money_text(paid.change),
            "cashier": _operator_name(db, paid.paid_by)}


def _method_name(db: LocalDatabase, local_id: int) -> str:
    """The payment method's name of an entry (a refund goes back the way the patient paid)."""
    paid = cash.cash_of(db, [local_id]).get(local_id)
    method = paid.payment if paid is not None else "cash"
    return cash.PAYMENT_METHODS.get(method, method)


def _cashier(db: LocalDatabase, local_id: int, fallback: str) -> str:
    """The name of the clerk who took or paid out the money of an entry."""
    paid = cash.cash_of(db, [local_id]).get(local_id)
    return _operator_name(db, paid.paid_by if paid is not None else fallback)


def private_slip_path(directory: Path, name: str, retention_days: int) -> Path:
    """A path for a slip or notice PDF that only this user can read: the folder is made 0700,
    the file created 0600 before the printer writes into it, and PDFs older than
    ``retention_days`` (0: none) are removed from the folder first."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    if retention_days > 0:
        limit = time.time() - retention_days * 86400
        for old in directory.glob("*.pdf"):
            try:
                if old.stat().st_mtime < limit:
                    old.unlink()
            except OSError:
                continue
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def record_print(
    db: LocalDatabase, operator: Operator, local_id: int, *, copies: int = 1, reprint: bool = False
) -> None:
    """Record that a slip was printed (the audit log keeps every print and reprint)."""
    entry = journal.get_entry(db, local_id, full=False)
    store.audit.append(db, "print", operator.name, f"settlement:{local_id}",
                       {"queue_no": entry.queue_no, "copies": copies, "reprint": reprint, "state": entry.state})
