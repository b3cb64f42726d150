"""The admission (2401 入院办理) of a stay HIS handed over, registered by the desk when it settles
the stay online: the desk never admits patients itself, but the central system needs an admission
for 2402 出院办理 and the rest of a real online chain, and a HIS that does not talk to the
central system leaves none there.

``ensure_admission`` sends 2401 with the hand-off's fields (the stay's key as ``mdtrt_id``, the
person, 住院号, admission day, level and diagnoses) before the settlement:

- the central system registers it, or answers the same for a stay it already holds with the same
  content (2401 is idempotent by ``mdtrt_id``): ``registered``;
- it holds the stay already with other content (registered elsewhere, e.g. by the HIS): a
  Conflict, ``in_place``; the settlement goes on;
- another refusal: ``refused`` with the central system's sentence; the settlement goes on (2304
  does not need the admission), the discharge (2402) will name the problem;
- no answer: found out as for a lost 2304 (sync.lost_reply): 5203 by msgid with ``fence`` finds
  the admission it made, or voids the message; 2601 (``oinfno`` 2401) confirms, and 2401 is sent
  again under a new msgid, a few rounds at most; still no answer: ``unknown``, the settlement goes on.

Never more than about ``BUDGET`` times the online wait; nothing is registered twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import protocol as p
from ..store import LocalDatabase, his
from ..store.errors import NotFound
from ..sync.client import CentralClient
from ..sync.errors import BadAnswer, CentralRefused, CentralUnreachable

log = logging.getLogger(__name__)

__all__ = ["AdmissionCheck", "admission_input", "ensure_admission"]

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


def his_stay_of(db: LocalDatabase, request: Mapping[str, Any]) -> his.HisStay | None:
    """The handed-over stay a settlement request is for (its encounter's mdtrt_id is the stay's
    key), or None for a stay typed at the window."""
    encounter = request.get("encounter")
    mdtrt_id = str(encounter.get("mdtrt_id") or "") if isinstance(encounter, Mapping) else ""
    if not mdtrt_id:
        return None
    try:
        stay = his.get_stay(db, mdtrt_id)
    except NotFound:
        return None
    return stay if stay.stay_key == mdtrt_id else None


def ensure_admission(db: LocalDatabase, client: CentralClient, request: Mapping[str, Any], *,
                     deadline: float) -> AdmissionCheck | None:
    """Register the admission of the handed-over stay ``request`` settles, before its settlement
    is sent online (module docstring); None for a stay not handed over by HIS."""
    stay = his_stay_of(db, request)
    if stay is None:
        return None
    encounter = request["encounter"]
    hosp_lv = int(encounter.get("hosp_lv") or 1)
    return register(client, admission_input(stay, hosp_lv=hosp_lv), deadline=deadline)


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
