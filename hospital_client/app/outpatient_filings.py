"""门诊慢特病备案 from the desk: a person's filing for a chronic or special disease (2503), its
revocation (2504) and the person's filings (5301), so that a 门诊慢特病 (med_type 14) visit can be
settled for that disease.

A filing is made at the central system while the clerk waits (it decides what a settlement may
pay, and the central system checks it at every 14 settlement, 2207 or 9511): there is no offline
filing; without the link the clerk is told so and nothing changes. Both messages are idempotent at
the central system (the same filing answers the one in force; a revoked one stays revoked), so a
lost reply is simply sent again. Every filing and revocation is audited (``chronic_filing``:
the filing's number, the disease and the transaction; no name or ID number).

Filing is a clerk's work; a revocation, which ends the person's 14 settlements for the disease,
needs a supervisor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .. import protocol as p
from ..errors import QT_TRANSLATE_NOOP
from ..protocol import codes
from ..store import audit, caches
from ..store.operators import Operator
from ..sync.client import CentralClient
from ..sync.errors import BadAnswer, CentralRefused, CentralUnreachable
from .errors import AppError, UnknownPerson
from .stay_transactions import StayNeedsLink
from .usecases import require_role

if TYPE_CHECKING:
    from .desk import Desk

__all__ = ["BadFiling", "Filing", "FilingRefused", "file_disease", "list_filings", "revoke_filing"]

FILING_WAIT = 5.0  # seconds the clerk waits for the central system's answer


class BadFiling(AppError):
    """A filing that cannot be asked for as given (disease, dates, filing number)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The chronic disease filing is incomplete or wrong; check the disease "
                                             "code, the dates and the filing number.")
    exit_code = 2


class FilingRefused(AppError):
    """The central system refused a filing or a revocation (a disease not on the pack's list, one
    filed already, an unknown filing); its sentence says why."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The insurance centre refused the {transaction}: {err_msg}")
    exit_code = 2

    def __init__(self, message: str, *, infno: str, err_msg: str) -> None:
        super().__init__(message)
        self.infno, self.err_msg = infno, err_msg

    def clerk_args(self) -> Mapping[str, object]:
        return {"transaction": codes.TRANSACTIONS.get(self.infno, self.infno), "err_msg": self.err_msg}


@dataclass(frozen=True, slots=True)
class Filing:
    """One filing as the central system answers it (2503, 2504, 5301)."""

    trt_dcla_detl_sn: str
    psn_no: str
    opsp_dise_code: str
    opsp_dise_name: str
    begndate: str
    enddate: str
    state: str            # active | revoked
    fixmedins_code: str = ""
    filed_at: str = ""
    revoked_at: str = ""

    @classmethod
    def from_view(cls, view: Mapping[str, Any]) -> Filing:
        if not view.get("trt_dcla_detl_sn"):
            raise BadAnswer("a filing the central system answered has no trt_dcla_detl_sn")
        return cls(**{k: str(view.get(k) or "") for k in cls.__slots__})

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def in_force(self, day: dt.date) -> bool:
        text = day.isoformat()
        return self.state == "active" and self.begndate <= text and (not self.enddate or text <= self.enddate)


def _client(desk: Desk, infno: str) -> CentralClient:
    client = desk._central_client_or_none()
    if client is None:
        raise StayNeedsLink(f"{infno}: no central system is configured at this desk", infno=infno)
    return client


def _call(desk: Desk, infno: str, data: dict[str, Any]) -> Any:
    client = _client(desk, infno)
    try:
        return client.call(infno, {"data": data}, deadline=FILING_WAIT).output
    except CentralUnreachable as exc:
        raise StayNeedsLink(f"{infno}: {exc}", infno=infno) from None
    except CentralRefused as exc:
        if isinstance(exc.protocol_error, p.BusinessError):
            raise FilingRefused(f"{infno} refused: {exc.infcode} {exc.err_msg}", infno=infno,
                                err_msg=exc.err_msg) from None
        raise


def _known_person(desk: Desk, psn_no: str) -> str:
    psn_no = psn_no.strip()
    if not psn_no:
        raise BadFiling("psn_no: required, the person's number")
    if caches.get_person(desk.db(), psn_no) is None:
        raise UnknownPerson(f"person {psn_no} is not in the local roster")
    return psn_no


def _result(output: Any, infno: str) -> Filing:
    view = output.get("result") if isinstance(output, dict) else None
    if not isinstance(view, dict):
        raise BadAnswer(f"{infno}: the answer has no result")
    return Filing.from_view(view)


def file_disease(desk: Desk, operator: Operator, psn_no: str, dise_codg: str, *, begndate: dt.date,
                 enddate: dt.date | None = None, dr_name: str = "", memo: str = "") -> Filing:
    """2503: file the person for a 门诊慢特病 disease of their pack from ``begndate`` (to ``enddate``,
    open when None). The same filing again answers the one in force; another one for a disease
    filed already is refused by the central system (revoke it first)."""
    require_role(operator, "clerk", "a chronic disease filing")
    psn_no = _known_person(desk, psn_no)
    dise_codg = dise_codg.strip()
    if not dise_codg:
        raise BadFiling("opsp_dise_code: required, the disease code")
    if enddate is not None and enddate < begndate:
        raise BadFiling(f"enddate {enddate} is before begndate {begndate}")
    data: dict[str, Any] = {"psn_no": psn_no, "opsp_dise_code": dise_codg, "begndate": begndate.isoformat()}
    if enddate is not None:
        data["enddate"] = enddate.isoformat()
    if dr_name.strip():
        data["dr_name"] = dr_name.strip()[:200]
    if memo.strip():
        data["memo"] = memo.strip()[:200]
    filing = _result(_call(desk, codes.CHRONIC_FILING, data), codes.CHRONIC_FILING)
    audit.append(desk.db(), "chronic_filing", operator.name, f"filing:{filing.trt_dcla_detl_sn}",
                 {"infno": codes.CHRONIC_FILING, "dise": filing.opsp_dise_code, "begndate": filing.begndate,
                  "enddate": filing.enddate})
    return filing


def revoke_filing(desk: Desk, approver: Operator, psn_no: str, trt_dcla_detl_sn: str, memo: str) -> Filing:
    """2504: revoke a filing (a supervisor's decision, with a reason): later 14 settlements of the
    disease are refused; those made stay."""
    require_role(approver, "supervisor", "revoking a chronic disease filing")
    psn_no = _known_person(desk, psn_no)
    sn = trt_dcla_detl_sn.strip()
    if not sn:
        raise BadFiling("trt_dcla_detl_sn: required, the filing's number")
    if not memo.strip():
        raise BadFiling("memo: the reason of the revocation is required")
    filing = _result(_call(desk, codes.CHRONIC_FILING_CANCEL,
                           {"psn_no": psn_no, "trt_dcla_detl_sn": sn, "memo": memo.strip()[:200]}),
                     codes.CHRONIC_FILING_CANCEL)
    audit.append(desk.db(), "chronic_filing", approver.name, f"filing:{filing.trt_dcla_detl_sn}",
                 {"infno": codes.CHRONIC_FILING_CANCEL, "dise": filing.opsp_dise_code, "state": filing.state})
    return filing


def list_filings(desk: Desk, psn_no: str) -> list[Filing]:
    """5301: the person's filings, active and revoked, the active ones first, newest first."""
    psn_no = _known_person(desk, psn_no)
    output = _call(desk, codes.CHRONIC_FILING_QUERY, {"psn_no": psn_no})
    rows = output.get("feedetail") if isinstance(output, dict) else None
    if not isinstance(rows, list):
        raise BadAnswer("5301: the answer has no feedetail list")
    filings = [Filing.from_view(r) for r in rows if isinstance(r, dict)]
    return sorted(filings, key=lambda f: (f.state != "active", f.opsp_dise_code, f.trt_dcla_detl_sn))
