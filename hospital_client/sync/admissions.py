"""The admission (2401 入院办理) of a stay HIS handed over, registered at the central system before
its settlement: online just before the 2304 (app.his_admission), and for a settlement committed
offline or by `hospital-client settle --his --commit` just before the 9511 batch that carries it
(``register_before_upload``, called by the drain), so that the central system holds the
admission before the settlement in either way, and 2402 出院办理 finds it.

``register`` sends 2401 with the hand-off's fields (``admission_input``: the stay's key as
``mdtrt_id``, the person, 住院号, admission day, level and diagnoses):

- the central system registers it, or answers the same for a stay it already holds with the same
  content (2401 is idempotent by ``mdtrt_id``): ``registered``;
- it holds the stay already with other content (registered elsewhere, e.g. by the HIS): a
  Conflict, ``in_place``; the settlement goes on;
- another refusal: ``refused`` with the central system's sentence; the settlement goes on (2304
  does not need the admission), the discharge (2402) will name the problem;
- no answer: found out as for a lost 2304 (sync.lost_reply): 5203 by msgid with ``fence`` finds
  the admission it made, or voids the message; 2601 (``oinfno`` 2401) confirms, and 2401 is sent
  again under a new msgid, a few rounds at most; still no answer: ``unknown``.

Never more than about ``BUDGET`` times the wait; nothing is registered twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import protocol as p
from ..store import LocalDatabase, his
from ..store.his_admissions import handed_over_stays
from ..store.outbox import Pending
from .client import CentralClient
from .errors import BadAnswer, CentralRefused, CentralUnreachable

log = logging.getLogger(__name__)

__all__ = ["ADMISSION_WAIT", "AdmissionCheck", "admission_input", "register", "register_before_upload"]

ROUNDS = 3
BUDGET = 4
INPATIENT = "21"  # 普通住院


@dataclass(frozen=True, slots=True)
class AdmissionCheck:
    """What became of a HIS stay's admission at the central system: ``registered``, ``in_place``
    (held with other content), ``refused`` (``reason`` the central system's sentence) or
    ``unknown`` (no answer)."""

    mdtrt_id: str
    status: str
    msgid: str = ""
    reason: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"mdtrt_id": self.mdtrt_id, "status": self.status, "msgid": self.msgid, "reason": self.reason}


def admission_input(stay: his.HisStay, *, hosp_lv: int) -> dict[str, Any]:
    """The 2401 input of a handed-over stay (docs/protocol.md, 2401)."""
    data: dict[str, Any] = {"mdtrt_id": stay.stay_key, "psn_no": stay.psn_no, "med_type": INPATIENT,
                            "begntime": stay.begntime, "hosp_lv": hosp_lv, "ipt_no": stay.ipt_no,
                            "diagnoses": list(stay.diagnoses)}
    return data


def register(client: CentralClient, data: Mapping[str, Any], *, deadline: float) -> AdmissionCheck:
    """Send 2401 (idempotent by ``mdtrt_id``) and find out what became of it when its reply is lost."""
    mdtrt_id = str(data["mdtrt_id"])
    started = time.monotonic()
    msgid = client.new_msgid()
    for attempt in range(ROUNDS):
        if attempt and time.monotonic() - started > BUDGET * deadline:
            break
        try:
            client.call(p.ADMISSION, {"data": dict(data)}, msgid=msgid, deadline=deadline, retry=False)
            return AdmissionCheck(mdtrt_id, "registered", msgid)
        except CentralRefused as exc:
            return _refused(mdtrt_id, msgid, exc)
        except CentralUnreachable:
            pass
        try:  # the reply was lost: what became of the message?
            view = _ask(client, msgid, deadline)
            if view is not None and view.get("kind") == "admission" and view.get("status") == "in_force":
                log.info("admission %s: the lost reply's 2401 was processed", msgid)
                return AdmissionCheck(mdtrt_id, "registered", msgid)
            if view is not None and view.get("kind") == "refused":
                if int(view.get("infcode") or 0) == p.Conflict.infcode:
                    return AdmissionCheck(mdtrt_id, "in_place", msgid, str(view.get("err_msg") or ""))
                return AdmissionCheck(mdtrt_id, "refused", msgid, str(view.get("err_msg") or ""))
            client.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": p.ADMISSION}}, deadline=deadline)
        except (CentralUnreachable, CentralRefused, BadAnswer) as exc:
            log.info("admission %s: what became of it cannot be asked now (%s)", msgid, type(exc).__name__)
            return AdmissionCheck(mdtrt_id, "unknown", msgid, str(exc))
        msgid = client.new_msgid()  # voided (or undone): registered again under a new msgid
    return AdmissionCheck(mdtrt_id, "unknown", msgid, "reply lost several times")


def _refused(mdtrt_id: str, msgid: str, exc: CentralRefused) -> AdmissionCheck:
    if isinstance(exc.protocol_error, p.Conflict):  # held already, with other content: it is there
        return AdmissionCheck(mdtrt_id, "in_place", msgid, exc.err_msg)
    log.warning("admission %s refused (%s)", msgid, exc.infcode)
    return AdmissionCheck(mdtrt_id, "refused", msgid, f"{exc.infcode} {exc.err_msg}")


def _ask(client: CentralClient, msgid: str, deadline: float) -> dict[str, Any] | None:
    """5203 by msgid with ``fence``: the view of what the message made, or None (never received,
    now voided)."""
    try:
        answer = client.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid, "fence": True}}, deadline=deadline)
    except CentralRefused as exc:
        if isinstance(exc.protocol_error, p.NotFound):
            return None
        raise
    if not isinstance(answer.output, dict):
        raise BadAnswer("5203: the answer is not an object")
    return None if answer.output.get("kind") == "none" else answer.output


ADMISSION_WAIT = 5.0  # seconds each 2401 of the drain waits for its answer


def register_before_upload(db: LocalDatabase, client: CentralClient, chunk: Sequence[Pending], *,
                           deadline: float = ADMISSION_WAIT) -> list[AdmissionCheck]:
    """Before a 9511 batch is sent: 2401 for every settlement in it of a stay HIS handed over, in
    local order (idempotent: a stay registered before, online or by an earlier batch, answers the
    same). An admission whose fate stays unknown (no answer) raises CentralUnreachable: the drain
    stops before the batch, which stays queued, and the next drain sends the admission first again.
    Refused or held with other content: the settlement goes on, as online."""
    checks = []
    for _local_id, stay, hosp_lv in handed_over_stays(db, [m.local_id for m in chunk]):
        check = register(client, admission_input(stay, hosp_lv=hosp_lv), deadline=deadline)
        if check.status == "unknown":
            raise CentralUnreachable(f"2401 of stay {check.mdtrt_id}: no answer ({check.reason})")
        if check.status == "refused":
            log.warning("admission %s refused before its upload; the settlement goes on", check.msgid)
        checks.append(check)
    return checks
