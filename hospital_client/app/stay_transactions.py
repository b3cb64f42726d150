"""The inpatient transactions around discharge, sent from the desk to the central system.

    2402 出院办理    discharge_input     queued when the link is down (sent with the next sync)
    2403 信息变更    change_input        online only
    2404 入院撤销    cancel_input        online only
    2405 出院撤销    cancel_input        online only
    2302 明细撤销    withdraw_input      online only

``send`` sends one and returns what the central system answered (``StayOutcome``). A refusal is
``StayTransactionRefused`` with the central system's own Chinese sentence (the stay is settled,
not admitted, ...). Only a discharge may wait for the link: it records what happened (the
patient left), whatever else is still queued, e.g. its settlement made offline; it keeps its
msgid, so sending it again can never do it twice. The others depend on what the central system
holds now (is the stay settled?) and are refused while it cannot be reached (``StayNeedsLink``).
Every transaction sent, queued or refused is audited (``stay_transaction``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import EXIT_FAILURE, QT_TRANSLATE_NOOP
from ..protocol import codes
from ..store import LocalDatabase, audit, stay_queue, stay_refusals
from ..sync.client import CentralClient
from ..sync.errors import CentralRefused, CentralUnreachable
from .errors import AppError

__all__ = ["StayNeedsLink", "StayOutcome", "StayTransactionRefused", "cancel_input", "change_input",
           "discharge_input", "send", "send_queued", "withdraw_input"]

log = logging.getLogger(__name__)

# The transaction numbers, for the faces (cli/, ui/) that do not import the protocol themselves.
DISCHARGE, ADMISSION_CHANGE, ADMISSION_CANCEL = codes.DISCHARGE, codes.ADMISSION_CHANGE, codes.ADMISSION_CANCEL
DISCHARGE_CANCEL, FEE_WITHDRAW = codes.DISCHARGE_CANCEL, codes.FEE_WITHDRAW
KINDS = {codes.DISCHARGE, codes.ADMISSION_CHANGE, codes.ADMISSION_CANCEL, codes.DISCHARGE_CANCEL,
         codes.FEE_WITHDRAW}
QUEUEABLE = frozenset({codes.DISCHARGE})
ALL_LINES = "0000"


class StayTransactionRefused(AppError):
    """The central system refused an inpatient transaction; its sentence says why."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system refused the {transaction} ({infcode}): {err_msg}")

    def __init__(self, message: str, *, infno: str, infcode: int, err_msg: str) -> None:
        super().__init__(message)
        self.infno, self.infcode, self.err_msg = infno, infcode, err_msg

    def clerk_args(self) -> Mapping[str, object]:
        return {"transaction": codes.TRANSACTIONS.get(self.infno, self.infno), "infcode": self.infcode,
                "err_msg": self.err_msg}


class StayNeedsLink(AppError):
    """A transaction that cannot wait for the link, tried while the central system cannot be reached."""

    exit_code = EXIT_FAILURE
    clerk_text = QT_TRANSLATE_NOOP("errors", "The {transaction} needs the central system, which cannot be reached just now; nothing was changed. Try again when the link is back.")  # noqa: E501

    def __init__(self, message: str, *, infno: str) -> None:
        super().__init__(message)
        self.infno = infno

    def clerk_args(self) -> Mapping[str, object]:
        return {"transaction": codes.TRANSACTIONS.get(self.infno, self.infno)}


@dataclass(frozen=True, slots=True)
class StayOutcome:
    infno: str
    state: str                       # done | queued
    msgid: str
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def message_zh(self) -> str:
        name = codes.TRANSACTIONS.get(self.infno, self.infno)
        if self.state == "queued":
            return f"{name}：暂时连不上医保中心，已保存，联网后自动上传（报文 {self.msgid}）"
        return f"{name}：已办理"

    def to_dict(self) -> dict[str, Any]:
        return {"infno": self.infno, "transaction": codes.TRANSACTIONS.get(self.infno, self.infno),
                "state": self.state, "msgid": self.msgid, "result": self.result, "message_zh": self.message_zh}


# --- the inputs ----------------------------------------------------------------------------------


def _diseinfo(diagnoses: Sequence[str]) -> list[dict[str, str]]:
    return [{"diag_code": code, "maindiag_flag": "1" if n == 0 else "0", "diag_srt_no": str(n + 1)}
            for n, code in enumerate(diagnoses)]


def discharge_input(mdtrt_id: str, *, endtime: dt.date, dscg_way: str = "1", diagnoses: Sequence[str] = (),
                    psn_no: str = "", dept: str = "") -> dict[str, Any]:
    """2402: the stay's discharge day, 离院方式 and discharge diagnoses (the first the main one)."""
    info: dict[str, Any] = {"mdtrt_id": mdtrt_id, "endtime": endtime.isoformat(), "dscg_way": dscg_way}
    if psn_no:
        info["psn_no"] = psn_no
    if dept:
        info["dscg_dept_codg"] = dept
    out: dict[str, Any] = {"dscginfo": info}
    if diagnoses:
        out["diseinfo"] = _diseinfo(diagnoses)
    return out


def change_input(mdtrt_id: str, *, psn_no: str = "", begntime: dt.date | None = None,
                 endtime: dt.date | None = None, dept: str = "", bed: str = "",
                 diagnoses: Sequence[str] | None = None, dept_name: str = "",
                 doctor: str = "", med_type: str = "", main_cond: str = "") -> dict[str, Any]:
    """2403: what changes of the admission (dates, department code and name, bed, the attending
    doctor's name, diagnoses, the med_type of the stay, 主要病情描述 ``main_cond_dscr``)."""
    info: dict[str, Any] = {"mdtrt_id": mdtrt_id}
    for key, value in (("psn_no", psn_no), ("adm_dept_codg", dept), ("adm_dept_name", dept_name),
                       ("adm_bed", bed), ("chfpdr_name", doctor), ("med_type", med_type),
                       ("main_cond_dscr", main_cond)):
        if value:
            info[key] = value
    if begntime is not None:
        info["begntime"] = begntime.isoformat()
    if endtime is not None:
        info["endtime"] = endtime.isoformat()
    out: dict[str, Any] = {"adminfo": info}
    if diagnoses is not None:
        out["diseinfo"] = _diseinfo(diagnoses)
    return out


def cancel_input(mdtrt_id: str, *, psn_no: str = "") -> dict[str, Any]:
    """2404 (入院撤销) and 2405 (出院撤销)."""
    return {"data": {"mdtrt_id": mdtrt_id, **({"psn_no": psn_no} if psn_no else {})}}


def withdraw_input(mdtrt_id: str, feedetl_sn: str, *, psn_no: str = "") -> dict[str, Any]:
    """2302: one uploaded fee line, or ``0000`` for every line not settled."""
    return {"data": {"mdtrt_id": mdtrt_id, "feedetl_sn": feedetl_sn, **({"psn_no": psn_no} if psn_no else {})}}


def _mdtrt_id(input_: Mapping[str, Any]) -> str:
    for key in ("dscginfo", "adminfo", "data"):
        block = input_.get(key)
        if isinstance(block, Mapping):
            return str(block.get("mdtrt_id") or "")
    return ""


# --- sending -------------------------------------------------------------------------------------


def send(db: LocalDatabase, client: CentralClient | None, operator: str, infno: str,
         input_: dict[str, Any]) -> StayOutcome:
    """Send one inpatient transaction and return its answer; a discharge is queued when the link is
    down (``state`` queued). Refusals: StayTransactionRefused, StayNeedsLink."""
    if infno not in KINDS:
        raise ValueError(f"{infno} is not an inpatient transaction of the desk")
    stay = _mdtrt_id(input_)
    if client is None:
        raise StayNeedsLink(f"{infno} for stay {stay}: no central system is set up for this desk", infno=infno)
    msgid = client.new_msgid()
    try:
        answer = client.call(infno, input_, msgid=msgid)
    except CentralRefused as exc:
        audit.append(db, "stay_transaction", operator, f"stay:{stay}",
                     {"infno": infno, "msgid": msgid, "state": "refused", "infcode": exc.infcode})
        raise StayTransactionRefused(f"{infno} for stay {stay} refused ({exc.infcode}): {exc.err_msg}",
                                     infno=infno, infcode=exc.infcode, err_msg=exc.err_msg) from None
    except CentralUnreachable as exc:
        if infno not in QUEUEABLE:
            raise StayNeedsLink(f"{infno} for stay {stay}: central system unreachable ({exc})", infno=infno) from None
        stay_queue.put(db, stay_queue.QueuedStayMessage(msgid, infno, input_, operator,
                                                        dt.datetime.now(dt.UTC).isoformat()))
        audit.append(db, "stay_transaction", operator, f"stay:{stay}", {"infno": infno, "msgid": msgid,
                                                                       "state": "queued"})
        return StayOutcome(infno, "queued", msgid)
    audit.append(db, "stay_transaction", operator, f"stay:{stay}", {"infno": infno, "msgid": msgid, "state": "done"})
    output = answer.output if isinstance(answer.output, dict) else {}
    result = output.get("result")
    return StayOutcome(infno, "done", msgid, dict(result) if isinstance(result, dict) else {})


def send_queued(db: LocalDatabase, client: CentralClient, operator: str = "sync") -> list[dict[str, Any]]:
    """Send the waiting messages, oldest first, each under its own msgid; stops at the first that
    finds the link down (the rest wait). Returns what became of each sent: done, or refused with
    the central system's sentence (a refused one no longer waits; it is audited)."""
    report: list[dict[str, Any]] = []
    for message in stay_queue.queued(db):
        stay = _mdtrt_id(message.input)
        try:
            client.call(message.infno, message.input, msgid=message.msgid)
        except CentralUnreachable:
            break
        except CentralRefused as exc:
            stay_queue.forget(db, message.msgid)
            audit.append(db, "stay_transaction", operator, f"stay:{stay}",
                         {"infno": message.infno, "msgid": message.msgid, "state": "refused", "infcode": exc.infcode})
            log.warning("queued %s %s refused: %s", message.infno, message.msgid, exc.infcode)
            stay_refusals.record(db, stay_refusals.RefusedStayMessage(  # listed for the clerk (queue page)
                message.msgid, message.infno, stay, exc.infcode, exc.err_msg, message.queued_at,
                dt.datetime.now(dt.UTC).isoformat()))
            report.append({"msgid": message.msgid, "infno": message.infno, "mdtrt_id": stay, "state": "refused",
                           "infcode": exc.infcode, "err_msg": exc.err_msg})
            continue
        stay_queue.forget(db, message.msgid)
        audit.append(db, "stay_transaction", operator, f"stay:{stay}",
                     {"infno": message.infno, "msgid": message.msgid, "state": "done"})
        report.append({"msgid": message.msgid, "infno": message.infno, "mdtrt_id": stay, "state": "done"})
    return report
