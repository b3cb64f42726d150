"""The 医疗保障基金结算清单 (settlement list) of an inpatient settlement: built at the desk, checked
against the list's required fields, uploaded (4101), and its status and quality-control result
read back from the central system (4104) for the clerk and the 病案 office.

Where each part comes from:

    the settlement     the journal entry: the person, the stay's days, the fee lines; its figures
                       and funds as the central system confirmed them (the final result), and the
                       central setl_id (a list is made only for a settlement that is final)
    the admission      the HIS hand-off of the stay (his_stay, keyed like the settlement's
                       mdtrt_id): 住院号 (medcasno), department, attending doctor, diagnosis codes
                       (the first one is the main diagnosis)
    the medical record what the desk cannot know, from HIS's 病案首页 as a JSON file (``record``):
                       dscg_way, diagnosis names and types, procedures (oprninfo), and any
                       setlinfo field it corrects (``RECORD_SETLINFO``)

``rules.settlement_list.problems`` names every field still missing (a missing main diagnosis, a
diagnosis without its name, no 离院方式, ...); such a list is not uploaded. The central system
runs the same checks and its own against the settlement it holds (central/settlement_lists.py).
No SQL and no Qt here; logs carry local ids and counts only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import QT_TRANSLATE_NOOP, HospitalClientError
from ..privacy import mask_name
from ..protocol import codes
from ..rules.money import ZERO, fmt
from ..rules.settlement_list import MED_CHRGITM_TYPES, Problem, amount, problems, stay_days
from ..store import LocalDatabase, audit, caches, journal, reconcile
from ..store import his as his_store
from ..store.errors import NotFound as RecordNotFound
from ..sync.client import CentralClient
from ..sync.errors import CentralRefused, SyncError
from .errors import AppError, RefusedByCentre
from .slips import fee_category

if TYPE_CHECKING:
    from ..rules import Catalog

log = logging.getLogger(__name__)

__all__ = ["RECORD_SETLINFO", "ListStatus", "SettlementList", "SettlementListIncomplete", "SettlementListNotPossible",
           "SettlementListRefused", "build", "check", "list_status", "upload"]

# setlinfo fields a 病案首页 record may give (or correct).
RECORD_SETLINFO = ("medcasno", "ipt_med_type", "adm_caty", "dscg_caty", "refl_caty", "dscg_way", "chfpdr_name",
                   "chfpdr_code", "adm_way_code", "trt_type", "resp_nurs_name", "resp_nurs_code")
QUERY_CHUNK = 1000
_LEVEL_CLASS = {"01": "claa_sumfee", "1": "claa_sumfee", "甲": "claa_sumfee",
                "02": "clab_amt", "2": "clab_amt", "乙": "clab_amt"}


class SettlementListNotPossible(AppError):
    """The entry cannot have a settlement list: a reversal, a reversed settlement, or not final yet."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This entry has no settlement list: only a settlement confirmed by the central system and not reversed has one.")  # noqa: E501


class SettlementListIncomplete(AppError):
    """Required fields of the list are missing or wrong; ``problems`` names each one."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The settlement list is incomplete ({count} problems, the first: {first}); complete the medical record and upload again.")  # noqa: E501

    def __init__(self, local_id: int, found: Sequence[Problem]) -> None:
        super().__init__(f"settlement list of entry {local_id} is incomplete: "
                         + "; ".join(f"{p.field}: {p.msg}" for p in found))
        self.problems = list(found)

    def clerk_args(self) -> Mapping[str, object]:
        return {"count": len(self.problems), "first": self.problems[0].msg if self.problems else ""}


class SettlementListRefused(RefusedByCentre):
    """The central system refused an upload (4101/4101A) or a status change (4102) of a list: the
    settlement reversed, a confirmed list not withdrawn first, a list that did not pass, ..."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system refused the settlement list: {reason}")


@dataclass(frozen=True, slots=True)
class SettlementList:
    """One settlement's list as built at the desk, with what is still wrong in it."""

    local_id: int
    queue_no: str
    setl_id: str
    content: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems

    def to_dict(self, *, unmasked: bool = False) -> dict[str, Any]:
        content = self.content
        if not unmasked:
            setl = dict(content["setlinfo"])
            setl["psn_name"] = mask_name(str(setl.get("psn_name") or ""))
            content = {**content, "setlinfo": setl}
        return {"local_id": self.local_id, "queue_no": self.queue_no, "setl_id": self.setl_id, "ready": self.ready,
                "problems": [p.to_dict() for p in self.problems], "list": content}


def _items(fees: Sequence[Mapping[str, Any]], lines: Sequence[Mapping[str, Any]],
           catalog: Catalog | None) -> list[dict[str, str]]:
    """The fees by 医疗收费项目类别: total, 甲类, 乙类, 自费 (全自费) and the rest."""
    by_sn = {str(line.get("feedetl_sn")): line for line in lines}
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(("amt", "claa_sumfee", "clab_amt", "fulamt_ownpay_amt", "oth_amt"), ZERO))
    for fee in fees:
        kind = MED_CHRGITM_TYPES.get(fee_category(str(fee.get("med_list_codg", "")), catalog), "14")
        line = by_sn.get(str(fee.get("feedetl_sn")), {})
        total = amount(fee.get("det_item_fee_sumamt")) or ZERO
        ownpay = min(total, amount(line.get("fulamt_ownpay_amt")) or ZERO)
        row = totals[kind]
        row["amt"] += total
        row["fulamt_ownpay_amt"] += ownpay
        row[_LEVEL_CLASS.get(str(line.get("chrgitm_lv") or ""), "oth_amt")] += total - ownpay
    return [{"med_chrgitm_type": kind, **{k: fmt(v) for k, v in row.items()}} for kind, row in sorted(totals.items())]


def _diseases(codes_: Sequence[str]) -> list[dict[str, str]]:
    return [{"diag_type": "1", "diag_code": code, "diag_name": "", "maindiag_flag": "1" if i == 0 else "0"}
            for i, code in enumerate(codes_)]


def build(db: LocalDatabase, local_id: int, *, fixmedins_code: str, fixmedins_name: str,
          catalog: Catalog | None = None, record: Mapping[str, Any] | None = None) -> SettlementList:
    """The list of one settlement (journal entry ``local_id``) with its problems; refuses an entry
    that cannot have one."""
    if catalog is None:
        try:
            catalog = caches.load_catalog(db)
        except HospitalClientError:  # no catalogue cached yet: the fees count as 其他
            catalog = None
    entry = journal.get_entry(db, local_id)
    if entry.kind != "settlement":
        raise SettlementListNotPossible(f"entry {local_id} is a reversal; a settlement list belongs to a settlement")
    if entry.reversed_by is not None:
        raise SettlementListNotPossible(f"entry {local_id} was reversed by entry {entry.reversed_by}")
    remote = reconcile.remote_result(db, local_id)
    setl_id = str(remote.get("central_id") or "") if remote and entry.state == "final" else ""
    request, result = entry.request or {}, dict(entry.result or {})
    final = remote.get("final") if remote else None
    if isinstance(final, Mapping) and isinstance(final.get("setlinfo"), Mapping):
        result = {**result, **{k: final[k] for k in ("setlinfo", "setldetail") if k in final}}
    person_req, encounter = request.get("person", {}), request.get("encounter", {})
    person = caches.get_person(db, entry.psn_no)
    try:
        stay: his_store.HisStay | None = his_store.get_stay(db, entry.mdtrt_id)
    except RecordNotFound:
        stay = None
    begntime, endtime = str(encounter.get("begntime", "")), str(encounter.get("endtime", ""))
    days = stay_days_text(begntime, endtime)
    setl = result.get("setlinfo", {})
    dept = stay.dept if stay else ""
    setlinfo: dict[str, Any] = {
        "setl_id": setl_id, "psn_no": entry.psn_no, "mdtrt_id": entry.mdtrt_id,
        "fixmedins_code": fixmedins_code, "fixmedins_name": fixmedins_name,
        "medcasno": stay.ipt_no if stay else entry.mdtrt_id,
        "psn_name": person.psn_name if person else str(person_req.get("psn_name") or ""),
        "gend": person.gend if person else "", "brdy": person.brdy if person else "",
        "insutype": entry.insutype, "insu_admdvs": str(person_req.get("insuplc_admdvs") or ""),
        "ipt_med_type": "1", "adm_time": begntime, "dscg_time": endtime, "act_ipt_days": days,
        "adm_caty": dept, "dscg_caty": dept, "dscg_way": "", "chfpdr_name": stay.doctor if stay else "",
        "setl_begndate": begntime, "setl_enddate": endtime, "hi_paymtd": "1",
        "medfee_sumamt": str(setl.get("medfee_sumamt", "")), "psn_ownpay_fee": str(setl.get("fulamt_ownpay_amt", "")),
        "acct_payamt": str(setl.get("acct_pay", "")), "psn_cashpay": str(setl.get("psn_cash_pay", "")),
    }
    diagnoses = list(stay.diagnoses) if stay else [str(x) for x in encounter.get("diagnoses") or []]
    content: dict[str, Any] = {
        "setlinfo": setlinfo,
        "payinfo": [{"fund_pay_type": str(d.get("fund_pay_type")), "fund_payamt": str(d.get("fund_payamt"))}
                    for d in result.get("setldetail") or [] if isinstance(d, Mapping)],
        "diseinfo": _diseases(diagnoses),
        "oprninfo": [],
        "iteminfo": _items(request.get("fees") or [], result.get("fees") or [], catalog),
    }
    if record:
        _apply_record(content, record)
    setlinfo["diag_code_cnt"] = str(len(content["diseinfo"]))
    setlinfo["oprn_oprt_code_cnt"] = str(len(content["oprninfo"]))
    found = problems(content)
    if not setl_id:
        found = [Problem("QC01", "setlinfo.setl_id",
                         "结算尚未经中心系统确认（最终结算后才有结算ID）：请先同步，再生成结算清单"),
                 *(p for p in found if p.field != "setlinfo.setl_id")]
    return SettlementList(local_id, entry.queue_no, setl_id, content, found)


def stay_days_text(begntime: str, endtime: str) -> str:
    """实际住院天数 as text, "" when a day is not a date."""
    try:
        return str(stay_days(dt.date.fromisoformat(begntime[:10]), dt.date.fromisoformat(endtime[:10])))
    except ValueError:
        return ""


def _apply_record(content: dict[str, Any], record: Mapping[str, Any]) -> None:
    """A 病案首页 record over the built list: setlinfo fields, diagnoses (with names), procedures."""
    setlinfo = content["setlinfo"]
    for key in RECORD_SETLINFO:
        value = record.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            setlinfo[key] = str(value).strip()
    diseases = record.get("diseinfo")
    if isinstance(diseases, list):
        content["diseinfo"] = [{k: str(v) for k, v in d.items() if v is not None} for d in diseases
                               if isinstance(d, Mapping)]
    names = record.get("diag_names")
    if isinstance(names, Mapping):
        for diag in content["diseinfo"]:
            name = names.get(diag.get("diag_code"))
            if isinstance(name, str) and name.strip() and not diag.get("diag_name"):
                diag["diag_name"] = name.strip()
    operations = record.get("oprninfo")
    if isinstance(operations, list):
        content["oprninfo"] = [{k: str(v) for k, v in o.items() if v is not None} for o in operations
                               if isinstance(o, Mapping)]


def check(built: SettlementList) -> None:
    """Refuse a list with problems (SettlementListIncomplete names them)."""
    if built.problems:
        raise SettlementListIncomplete(built.local_id, built.problems)


UPLOADS = (codes.SETTLEMENT_LIST_UPLOAD, codes.SETTLEMENT_LIST_UPLOAD_V2)


def upload(db: LocalDatabase, client: CentralClient, built: SettlementList, *, operator: str,
           infno: str = codes.SETTLEMENT_LIST_UPLOAD) -> dict[str, Any]:
    """Send a complete list (4101, or 4101A when the site says so: without ``payinfo``, which the
    central system takes from the settlement it holds); its answer (status and QC result), audited."""
    check(built)
    if infno not in UPLOADS:
        raise ValueError(f"{infno} is not a settlement-list upload")
    content = built.content
    if infno == codes.SETTLEMENT_LIST_UPLOAD_V2:
        content = {k: v for k, v in content.items() if k != "payinfo"}
    try:
        answer = client.call(infno, content)
    except CentralRefused as exc:
        raise SettlementListRefused(f"{infno} for entry {built.local_id} ({built.setl_id}) refused ({exc.infcode}): "
                                    f"{exc.err_msg}", exc.err_msg) from None
    out = dict(answer.output) if isinstance(answer.output, Mapping) else {}
    audit.append(db, "settlement_list", operator, f"settlement:{built.local_id}",
                 {"step": "upload", "infno": infno, "setl_id": built.setl_id,
                  "setl_list_id": out.get("setl_list_id", ""), "stas": out.get("stas", ""),
                  "qc_items": len(out.get("qc_items") or [])})
    log.info("settlement list of entry %s uploaded (%s): %s", built.local_id, infno, out.get("stas", ""))
    return {"local_id": built.local_id, "queue_no": built.queue_no, "infno": infno, **out}


@dataclass(frozen=True, slots=True)
class ListStatus:
    """A settlement of the period and its list: missing, accepted, rejected (with the reasons),
    confirmed or withdrawn by the 病案 office (4102), not_final (no central setl_id yet) or unknown
    (the central system could not be asked)."""

    local_id: int
    queue_no: str
    setl_date: str
    psn_name_masked: str
    mdtrt_id: str
    setl_id: str
    state: str
    reasons: list[str]
    setl_list_id: str = ""
    uploaded_at: str = ""
    changed_at: str = ""  # when the 病案 office last confirmed or withdrew it (4102)

    def to_dict(self) -> dict[str, Any]:
        return {"local_id": self.local_id, "queue_no": self.queue_no, "setl_date": self.setl_date,
                "psn_name_masked": self.psn_name_masked, "mdtrt_id": self.mdtrt_id, "setl_id": self.setl_id,
                "state": self.state, "reasons": list(self.reasons), "setl_list_id": self.setl_list_id,
                "uploaded_at": self.uploaded_at, "changed_at": self.changed_at}


STATES = ("missing", "rejected", "accepted", "confirmed", "withdrawn", "not_final", "unknown")


def list_status(db: LocalDatabase, client: CentralClient | None, day_from: str,
                day_to: str) -> tuple[list[ListStatus], str]:
    """Every inpatient settlement in force of the business days, with its list's state; the
    second value is the reason the central system could not be asked ("" when it was)."""
    entries = [e for e in journal.list_entries(db, day_from=day_from, day_to=day_to)
               if e.kind == "settlement" and e.reversed_by is None and e.med_type.startswith("2")]
    ids: dict[int, str] = {}
    for e in entries:
        remote = reconcile.remote_result(db, e.local_id) if e.state == "final" else None
        ids[e.local_id] = str(remote.get("central_id") or "") if remote else ""
    known: dict[str, Mapping[str, Any]] = {}
    problem = ""
    wanted = [s for s in ids.values() if s]
    if wanted and client is None:
        problem = "no central system configured"
    elif wanted and client is not None:
        try:
            for start in range(0, len(wanted), QUERY_CHUNK):
                chunk = wanted[start:start + QUERY_CHUNK]
                answer = client.call(codes.SETTLEMENT_LIST_QC, {"data": {"setl_ids": chunk}})
                for row in (answer.output or {}).get("data") or []:
                    if isinstance(row, Mapping):
                        known[str(row.get("setl_id"))] = row
        except SyncError as exc:
            problem = str(exc)
            known = {}
    out: list[ListStatus] = []
    for e in entries:
        setl_id = ids[e.local_id]
        row = known.get(setl_id, {})
        if not setl_id:
            state = "not_final"
        elif problem:
            state = "unknown"
        else:
            state = str(row.get("stas") or "unknown")
            state = state if state in STATES else "unknown"
        reasons = [str(x.get("msg")) for x in row.get("qc_items") or [] if isinstance(x, Mapping)]
        out.append(ListStatus(e.local_id, e.queue_no, e.setl_date, e.psn_name_masked, e.mdtrt_id, setl_id, state,
                              reasons, str(row.get("setl_list_id") or ""), str(row.get("uploaded_at") or ""),
                              str(row.get("stas_chg_time") or "")))
    return out, problem
