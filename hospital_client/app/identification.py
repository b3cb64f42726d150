"""Who the patient is (1101 by certificate) and whether the funds pay for them (2001), online
and offline.

Online, a certificate read or scanned goes to the central system: 1101 with
``mdtrt_cert_type`` 01/02/03 and the number (and the card's ``card_sn``), then 2001 for today;
both answers are cached (the roster entry with its year-to-date, the benefit periods). The
central system's refusals come back as they are, each with its own sentence for the clerk
(e-voucher expired 3011, unknown 3012, another person's 3013, unknown person 3001).

Offline (the central system unreachable, or a desk without one), an ID card or social security
card is looked up in the roster on this desk, with the benefit periods it last learnt. An
e-voucher token cannot be checked offline: it is issued by the platform, lives a few minutes and
means nothing without it, so the desk says so and asks for the ID card or the social security
card, which the roster knows (a township clinic's patients carry them; the clerk is never left
with nothing to do). The roster's static e-card code (``ecard_code``) is still found offline.

A stay inside a benefit period (待遇暂停, 未生效, 中断) is refused before the bill is computed
and again at settlement (``require_benefits``), online and offline alike.

Logging: the certificate type and counts only, never a number or a name.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..errors import QT_TRANSLATE_NOOP
from ..protocol.benefits import STATE_NAMES, blocking_period
from ..store import LocalDatabase, benefits, caches
from . import usecases
from .card_readers import CERT_EVOUCHER, CERT_ID_CARD, CERT_SOCIAL_CARD, Credential, is_ec_token, recognise_scan
from .errors import AppError
from .usecases import PersonView

if TYPE_CHECKING:
    from ..sync.client import CentralClient

log = logging.getLogger(__name__)

__all__ = ["BenefitNotEnjoyed", "BenefitStatus", "EvoucherNeedsCentral", "Identified", "NotInRoster",
           "benefit_status", "identify", "identify_key", "require_benefits"]

_ROSTER_COLUMN = {CERT_EVOUCHER: "ecard_code", CERT_ID_CARD: "certno", CERT_SOCIAL_CARD: "card_no"}


class EvoucherNeedsCentral(AppError):
    """An e-voucher token while the central system cannot be reached."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The e-voucher can only be checked by the insurance centre, which cannot be reached now: ask for the ID card or social security card (checked against the roster on this desk).")  # noqa: E501


class NotInRoster(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "No insured person with this card or ID number in the roster on this desk: check the number, or sync the roster.")  # noqa: E501


class BenefitNotEnjoyed(AppError):
    """The stay falls in a benefit period: the funds do not pay; nothing is computed or settled."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The insurance does not pay for this patient on these days: {state} from {begndate}{until}. {reason}. Nothing was computed or settled.")  # noqa: E501

    def __init__(self, message: str, *, state: str, begndate: str, enddate: str, reason: str) -> None:
        super().__init__(message)
        self.state, self.begndate, self.enddate, self.reason = state, begndate, enddate, reason

    def clerk_args(self) -> Mapping[str, object]:
        return {"state": STATE_NAMES.get(self.state, self.state), "begndate": self.begndate,
                "until": f" – {self.enddate}" if self.enddate else "", "reason": self.reason.rstrip("。.")}


@dataclass(frozen=True, slots=True)
class BenefitStatus:
    """Whether the funds pay for a person on the days asked, and if not why (the period)."""

    psn_no: str
    enjoyed: bool
    state: str = "normal"       # normal | suspended | waiting | interrupted
    begndate: str = ""
    enddate: str = ""
    reason: str = ""
    source: str = "roster"      # "central" (2001 just now) or "roster" (as last learnt)

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, "待遇正常")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "state_name": self.state_name}


@dataclass(frozen=True, slots=True)
class Identified:
    person: PersonView
    benefit: BenefitStatus
    source: str          # "central" (1101 answered) or "roster" (this desk's roster)
    cert_type: str


def benefit_status(db: LocalDatabase, psn_no: str, first: dt.date, last: dt.date, *,
                   source: str = "roster") -> BenefitStatus:
    period = blocking_period(benefits.get_periods(db, psn_no), first, last)
    if period is None:
        return BenefitStatus(psn_no, True, source=source)
    return BenefitStatus(psn_no, False, period.state, period.begndate, period.enddate, period.reason, source)


def require_benefits(db: LocalDatabase, request: Mapping[str, Any]) -> None:
    """Refuse a request whose stay falls in one of the person's benefit periods (BenefitNotEnjoyed)."""
    person, encounter = request.get("person"), request.get("encounter")
    if not isinstance(person, Mapping) or not isinstance(encounter, Mapping):
        return  # not a request: the rules core refuses it with its own words
    try:
        first = dt.date.fromisoformat(str(encounter.get("begntime"))[:10])
        last = dt.date.fromisoformat(str(encounter.get("endtime"))[:10])
    except ValueError:
        return
    status = benefit_status(db, str(person.get("psn_no") or ""), min(first, last), max(first, last))
    if not status.enjoyed:
        until = f" until {status.enddate}" if status.enddate else ""
        raise BenefitNotEnjoyed(
            f"the person's benefits are {status.state} ({status.state_name}) from {status.begndate}{until}: "
            f"{status.reason}; the stay {first}..{last} is not paid by the insurance, nothing was settled",
            state=status.state, begndate=status.begndate, enddate=status.enddate, reason=status.reason)


def _view(db: LocalDatabase, psn_no: str, year: int) -> PersonView:
    views = [v for v in usecases.lookup_person(db, psn_no, year=year, show_name=True) if v.psn_no == psn_no]
    if not views:  # pragma: no cover - the person was just cached or found
        raise NotInRoster(f"person {psn_no} is not in the roster")
    return views[0]


def _online(db: LocalDatabase, client: CentralClient, credential: Credential, today: dt.date,
            operator: str, expected_psn_no: str) -> Identified | None:
    from ..sync import pulls
    from ..sync.errors import CentralUnreachable
    from ..sync.evoucher import check_benefits

    try:
        cached = pulls.pull_person(db, client, cert_type=credential.cert_type, cert_no=credential.number,
                                   operator=operator,
                                   extra={"card_sn": credential.card_sn, "psn_no": expected_psn_no})
    except CentralUnreachable:
        log.info("identify: central system unreachable; type %s looked up offline", credential.cert_type)
        return None
    source = "central"
    try:
        answer = check_benefits(db, client, cached.psn_no, today, today, insutype=cached.insutype)
        del answer  # its periods are cached: the status below is read like any other
    except CentralUnreachable:
        source = "roster"
    status = benefit_status(db, cached.psn_no, today, today, source=source)
    log.info("identify: type %s answered by the central system (benefits %s)", credential.cert_type, status.state)
    return Identified(_view(db, cached.psn_no, today.year), status, "central", credential.cert_type)


def identify(db: LocalDatabase, client: CentralClient | None, credential: Credential, *,
             today: dt.date | None = None, operator: str = "desk", expected_psn_no: str = "") -> Identified:
    """The person of a certificate and their benefit status today: online when the central system
    answers, else from this desk's roster (an e-voucher token: EvoucherNeedsCentral). With
    ``expected_psn_no`` (the patient of a stay HIS handed over) the central system refuses the
    certificate of someone else (3013); offline the caller compares the person found."""
    today = today or dt.date.today()
    if client is not None:
        found = _online(db, client, credential, today, operator, expected_psn_no)
        if found is not None:
            return found
    if credential.cert_type == CERT_EVOUCHER and is_ec_token(credential.number):
        raise EvoucherNeedsCentral("an e-voucher token can only be checked by the central system, which is "
                                   "not reachable from this desk now; use the ID card or social security card")
    column, number = _ROSTER_COLUMN[credential.cert_type], credential.number.strip().upper()
    matches = [p for p in caches.find_person(db, credential.number)
               if str(getattr(p, column) or "").upper() == number]
    if not matches:
        raise NotInRoster(f"no person with this {column} in the local roster")
    psn_no = matches[0].psn_no
    log.info("identify: type %s found in the local roster", credential.cert_type)
    return Identified(_view(db, psn_no, today.year), benefit_status(db, psn_no, today, today),
                      "roster", credential.cert_type)


def identify_key(db: LocalDatabase, client: CentralClient | None, key: str, *, today: dt.date | None = None,
                 operator: str = "desk", expected_psn_no: str = "") -> list[PersonView]:
    """What the lookup box got (typed, or scanned by a keyboard-wedge scanner): a certificate it
    recognises is identified (``identify``); anything else is looked up in the roster as it is."""
    credential = recognise_scan(key)
    year = (today or dt.date.today()).year
    if credential is None:
        return usecases.lookup_person(db, key.strip(), year=year, show_name=True)
    try:
        return [identify(db, client, credential, today=today, operator=operator,
                         expected_psn_no=expected_psn_no).person]
    except NotInRoster:  # a region's own number that only looks like a certificate: the roster as it is
        return usecases.lookup_person(db, key.strip(), year=year, show_name=True)
