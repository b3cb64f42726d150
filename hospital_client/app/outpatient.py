"""Outpatient visits at the window: 普通门诊 (med_type 11) and 门诊慢特病 (14).

A visit (``VisitInput``, the contract of `hospital-client outpatient settle REQUEST.json`) is
settled like an inpatient stay: figures at once from the local rules core, a commit to the
journal and the outbox in one transaction, then the central system:

- online, through the chain: 2201 挂号 (the central system names the ``mdtrt_id``), 2203 就诊信息
  for a 门诊慢特病 visit (its disease), 2204 明细上传, 2206 预结算 (whose year-to-date, the
  outpatient accumulators included, goes into the request the desk settles), the local commit,
  then 2207 结算 with the journal entry (the same item a 9511 batch would carry, under the entry's
  msgid). Accepted within the wait: final.
- offline (no central system, unreachable, or older entries still queued): the visit gets a
  local ``mdtrt_id``, is committed provisionally and queued; the drain sends it later in a 9511
  batch like any entry (the central system applies the same checks as 2207: one settlement
  per visit, the 备案 of a 门诊慢特病 disease).
  Its figures use the outpatient accumulators this desk knows (``store.accumulators.pack_key_totals``:
  the roster's figures plus this desk's movements, as for the core keys).

A reversal (2208) is committed locally and sent at once, or queued the same way. When the
reply of a 2207 or 2208 is lost the desk finds out as for 2304 (sync.lost_reply: 5203 by msgid,
or 2601 and sent again) while the visit is locked ("结算进行中"); should that get no answer
either, the entry stays ``sent`` and the next drain asks by local id (never settled twice).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import rules
from ..errors import QT_TRANSLATE_NOOP
from ..protocol import codes
from ..store import accumulators, caches, journal
from ..store import outbox as store_outbox
from ..store.operators import Operator
from ..sync.client import CentralClient
from ..sync.drain import OnlineAnswer, send_now
from ..sync.errors import CentralRefused, CentralUnreachable
from ..sync.in_flight import REVERSAL as REVERSAL_IN_FLIGHT
from ..sync.in_flight import SETTLEMENT as SETTLEMENT_IN_FLIGHT
from ..sync.in_flight import InFlight, check_free
from ..sync.lost_reply import resolve_lost_reply
from . import sync_usecases as su
from . import usecases
from .errors import AppError, UnknownPerson
from .identification import require_benefits
from .usecases import require_role

if TYPE_CHECKING:
    from .desk import Desk

__all__ = ["OUTPATIENT_MED_TYPES", "BadVisit", "DiseaseChoice", "OutpatientDesk", "VisitInput", "parse_visit"]

OUTPATIENT_MED_TYPES = {"11": "普通门诊", "14": "门诊慢特病"}
CHRONIC = "14"
# How long the chain's steps before the commit may take together, at most (seconds): after it
# the visit is settled offline (provisional, queued), the clerk does not wait longer.
CHAIN_WAIT = 3.0
_TEXT_FIELDS = ("ipt_otp_no", "atddr_no", "dr_name", "dept_code", "dept_name", "caty")


class BadVisit(AppError):
    """An outpatient visit that cannot be settled as given (med_type, disease, fee lines)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The outpatient visit is incomplete or wrong; check the type, "
                                             "the disease and the fee lines.")
    exit_code = 2


@dataclass(frozen=True, slots=True)
class VisitInput:
    """One outpatient visit as the clerk (or REQUEST.json) gives it."""

    psn_no: str
    med_type: str
    fees: tuple[dict[str, Any], ...]
    dise_codg: str = ""
    begntime: dt.date = field(default_factory=dt.date.today)
    hosp_lv: int | None = None
    ipt_otp_no: str = ""
    atddr_no: str = ""
    dr_name: str = ""
    dept_code: str = ""
    dept_name: str = ""
    caty: str = ""


@dataclass(frozen=True, slots=True)
class DiseaseChoice:
    """A 门诊慢特病 disease the pack lists for the person, and whether the person's 备案 covers it
    (None: not known, the central system was not reached)."""

    code: str
    name: str
    filed: bool | None


def parse_visit(raw: Any) -> VisitInput:
    """REQUEST.json of `outpatient settle` (docs/operations.md, "Outpatient visits")."""
    if not isinstance(raw, Mapping):
        raise BadVisit("the outpatient request must be a JSON object (psn_no, med_type, fees, ...)")
    psn_no = raw.get("psn_no")
    if not isinstance(psn_no, str) or not psn_no:
        raise BadVisit("psn_no: required, the person's number")
    med_type = str(raw.get("med_type") or "11")
    if med_type not in OUTPATIENT_MED_TYPES:
        raise BadVisit(f"med_type: {med_type!r} is not an outpatient type (11 普通门诊, 14 门诊慢特病)")
    dise_codg = str(raw.get("dise_codg") or "")
    if med_type == CHRONIC and not dise_codg:
        raise BadVisit("dise_codg: required for med_type 14 (the filed disease)")
    fees = raw.get("fees")
    if not isinstance(fees, list) or not fees or not all(isinstance(f, Mapping) for f in fees):
        raise BadVisit("fees: required, a non-empty list of fee lines")
    begntime = dt.date.today()
    if raw.get("begntime"):
        try:
            begntime = dt.date.fromisoformat(str(raw["begntime"])[:10])
        except ValueError:
            raise BadVisit(f"begntime: {raw['begntime']!r} is not a date yyyy-MM-dd") from None
    hosp_lv = raw.get("hosp_lv")
    if hosp_lv is not None and (not isinstance(hosp_lv, int) or isinstance(hosp_lv, bool) or not 1 <= hosp_lv <= 3):
        raise BadVisit("hosp_lv: 1, 2 or 3")
    texts = {k: str(raw.get(k) or "") for k in _TEXT_FIELDS}
    lines = tuple({**dict(f), "feedetl_sn": str(f.get("feedetl_sn") or i)} for i, f in enumerate(fees, start=1))
    return VisitInput(psn_no=psn_no, med_type=med_type, fees=lines, dise_codg=dise_codg, begntime=begntime,
                      hosp_lv=hosp_lv, **texts)


def visit_request(person: caches.RosterPerson, visit: VisitInput, mdtrt_id: str, *, fixmedins_code: str,
                  region: str, hosp_lv: int, year_to_date: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settlement request (DESIGN.md 4.1) of an outpatient visit at this site."""
    encounter: dict[str, Any] = {
        "mdtrt_id": mdtrt_id, "med_type": visit.med_type, "fixmedins_code": fixmedins_code, "hosp_lv": hosp_lv,
        "mdtrtarea_admvs": region, "begntime": visit.begntime.isoformat(), "endtime": visit.begntime.isoformat(),
    }
    if visit.dise_codg:
        encounter["dise_codg"] = visit.dise_codg
    request: dict[str, Any] = {
        "person": {"psn_no": person.psn_no, "psn_name": person.psn_name, "certno": person.certno,
                   "insutype": person.insutype, "psn_type": person.psn_type,
                   "insuplc_admdvs": person.insuplc_admdvs, "assistance_group": person.assistance_group,
                   "residence": person.residence},
        "encounter": encounter,
        "fees": [dict(f) for f in visit.fees],
    }
    if year_to_date is not None:
        request["year_to_date"] = dict(year_to_date)
    return request


def _offline_mdtrt_id(fixmedins_code: str) -> str:
    """A visit number for a visit settled without the central system: never one it makes (O...)."""
    return f"MZ{fixmedins_code[-6:]}{dt.datetime.now():%Y%m%d%H%M%S}{secrets.token_hex(3)}"


@dataclass(slots=True)
class _Chain:
    mdtrt_id: str = ""
    year_to_date: dict[str, Any] | None = None
    offline_reason: str = ""


class OutpatientDesk:
    """The outpatient visits of one desk (``Desk.outpatient()``)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- what the screen needs --------------------------------------------------------------

    def hosp_lv(self, visit: VisitInput) -> int:
        return visit.hosp_lv or self.desk.hospital_level or 1

    def _person(self, psn_no: str) -> caches.RosterPerson:
        person = caches.get_person(self.desk.db(), psn_no)
        if person is None:
            raise UnknownPerson(f"person {psn_no} is not in the local roster")
        return person

    def _client(self) -> CentralClient | None:
        return self.desk._central_client_or_none()

    def diseases(self, psn_no: str, day: dt.date | None = None, *, ask_central: bool = True) -> list[DiseaseChoice]:
        """The 门诊慢特病 diseases of the person's pack, the filed ones first (5301 when the central
        system answers within a second; else ``filed`` is None)."""
        person = self._person(psn_no)
        day = day or dt.date.today()
        pack = self._pack_for(person, day)
        section = pack.model.outpatient_for(CHRONIC) if pack is not None else None
        if section is None:
            return []
        filed: set[str] | None = None
        client = self._client() if ask_central else None
        if client is not None:
            try:
                answer = client.call(codes.CHRONIC_FILING_QUERY, {"data": {"psn_no": psn_no}}, deadline=1.0,
                                     retry=False)
                rows = answer.output.get("feedetail") if isinstance(answer.output, dict) else None
                filed = {str(r.get("opsp_dise_code")) for r in rows or [] if isinstance(r, dict)
                         and r.get("state") == "active" and str(r.get("begndate") or "") <= day.isoformat()
                         and (not r.get("enddate") or day.isoformat() <= str(r.get("enddate")))}
            except (CentralUnreachable, CentralRefused):
                filed = None
        choices = [DiseaseChoice(code, d.name, None if filed is None else code in filed)
                   for code, d in section.diseases.items()]
        return sorted(choices, key=lambda c: (c.filed is not True, c.code))

    def _pack_for(self, person: caches.RosterPerson, day: dt.date) -> rules.Pack | None:
        packs = caches.load_packs(self.desk.db())
        try:
            if self.desk.site_pack_id:
                return rules.find_pack(packs, self.desk.site_pack_id)
            return rules.select_pack(packs, person.insuplc_admdvs, person.insutype, day)
        except rules.RulesError:
            return None

    def request(self, visit: VisitInput, mdtrt_id: str = "preview",
                year_to_date: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return visit_request(self._person(visit.psn_no), visit, mdtrt_id, fixmedins_code=self.desk.fixmedins_code,
                             region=self.desk.region, hosp_lv=self.hosp_lv(visit), year_to_date=year_to_date)

    def local_year_to_date(self, psn_no: str, year: int) -> dict[str, Any] | None:
        """The person's year-to-date at this desk: the core accumulators (roster plus this desk's
        entries) and the pack-declared ones, outpatient included (``accumulators.pack_key_totals``, the
        same sum); None for a person not in the roster."""
        db = self.desk.db()
        core = accumulators.year_to_date(db, psn_no, year)
        if core is None:
            return None
        extra = {k: f"{v:.2f}" for k, v in accumulators.pack_key_totals(db, psn_no, year).items()}
        return {**usecases.ytd_json(core), **extra}

    def preview(self, visit: VisitInput) -> dict[str, Any]:
        """The figures of the visit now (local rules core and accumulators), nothing recorded."""
        ytd = self.local_year_to_date(visit.psn_no, visit.begntime.year)
        try:
            return self.desk.preview(self.request(visit, year_to_date=ytd)).result
        except rules.RequestError as exc:
            raise BadVisit(str(exc)) from None

    # --- settle and reverse ------------------------------------------------------------------

    def settle(self, operator: Operator, visit: VisitInput, *, payment: usecases.Payment | None = None,
               wait: float | None = None) -> su.OnlineOutcome:
        """Settle a visit: online through the chain (2201, 2203, 2204, 2206, commit, 2207) or, when
        the central system is not there, committed provisionally and queued (module docstring). The
        visit (person and 门诊号) is locked while it is settled: a second attempt from another window
        meanwhile gets SettlementInProgress ("结算进行中")."""
        db = self.desk.db()
        client = self._client()
        with _in_flight(db, client, _visit_key(visit), SETTLEMENT_IN_FLIGHT):
            return self._settle(db, client, operator, visit, payment=payment, wait=wait)

    def _settle(self, db: Any, client: CentralClient | None, operator: Operator, visit: VisitInput, *,
                payment: usecases.Payment | None, wait: float | None) -> su.OnlineOutcome:
        day = visit.begntime.isoformat()  # benefits refused that day (2001 / the roster): nothing is sent
        require_benefits(db, {"person": {"psn_no": visit.psn_no}, "encounter": {"begntime": day, "endtime": day}})
        su.catch_up_after_restore(db, client, operator=operator.name, wait=wait)
        person = self._person(visit.psn_no)
        chain = _Chain()
        if client is None:
            chain.offline_reason = "no central system configured"
        elif store_outbox.pending_brief(db):
            chain.offline_reason = "older entries are still queued"
        else:
            chain = self._chain(client, visit)
        mdtrt_id = chain.mdtrt_id or _offline_mdtrt_id(self.desk.fixmedins_code)
        ytd = chain.year_to_date or self.local_year_to_date(visit.psn_no, visit.begntime.year)
        request = visit_request(person, visit, mdtrt_id, fixmedins_code=self.desk.fixmedins_code,
                                region=self.desk.region, hosp_lv=self.hosp_lv(visit), year_to_date=ytd)
        with _in_flight(db, client, mdtrt_id, SETTLEMENT_IN_FLIGHT):
            try:
                outcome = usecases.settle(db, operator, request, pack_id=self.desk.site_pack_id,
                                          catalog=self.desk.catalog(), payment=payment)
            except rules.RequestError as exc:
                raise BadVisit(str(exc)) from None
            local_id = outcome.committed.local_id
            if client is None or chain.offline_reason:
                state = "offline" if client is None else "queued"
                return su.OnlineOutcome(outcome, "provisional", state, reason=chain.offline_reason)
            if store_outbox.older_pending(db, local_id):
                return su.OnlineOutcome(outcome, "provisional", "queued", reason="older entries are still queued")
            answer = send_entry(db, client, local_id, codes.OUTPATIENT_SETTLEMENT, wait=wait, operator=operator.name)
        return su._online_outcome(db, outcome, answer)

    def _chain(self, client: CentralClient, visit: VisitInput) -> _Chain:
        """2201, 2203 (a 门诊慢特病 visit's disease), 2204, 2206 within CHAIN_WAIT seconds; a refusal
        (e.g. no 备案) is raised for the clerk, no answer means offline."""
        deadline = dt.datetime.now().timestamp() + CHAIN_WAIT
        chain = _Chain()

        def call(infno: str, data: dict[str, Any]) -> Any:
            left = max(0.2, deadline - dt.datetime.now().timestamp())
            return client.call(infno, {"data": data}, deadline=left, retry=False).output

        try:
            registered = call(codes.OUTPATIENT_REGISTER, {
                "psn_no": visit.psn_no, "med_type": visit.med_type, "begntime": visit.begntime.isoformat(),
                "hosp_lv": self.hosp_lv(visit), "dise_codg": visit.dise_codg,
                "ipt_otp_no": visit.ipt_otp_no or f"MZ{dt.datetime.now():%H%M%S%f}",
                **{k: getattr(visit, k) for k in _TEXT_FIELDS if k != "ipt_otp_no"}})
            chain.mdtrt_id = str(registered["result"]["mdtrt_id"])
            if visit.med_type == CHRONIC:
                call(codes.OUTPATIENT_VISIT_INFO, {"mdtrtinfo": {
                    "mdtrt_id": chain.mdtrt_id, "psn_no": visit.psn_no, "med_type": visit.med_type,
                    "dise_codg": visit.dise_codg}})
            call(codes.OUTPATIENT_FEE_UPLOAD, {"mdtrt_id": chain.mdtrt_id, "psn_no": visit.psn_no, "chrg_bchno": "1",
                                               "feedetail": [dict(f) for f in visit.fees]})
            pre = call(codes.OUTPATIENT_PRE_SETTLEMENT, {"mdtrt_id": chain.mdtrt_id, "psn_no": visit.psn_no})
            ytd = pre.get("year_to_date_before") if isinstance(pre, dict) else None
            chain.year_to_date = dict(ytd) if isinstance(ytd, dict) else None
        except CentralUnreachable as exc:
            chain.offline_reason = str(exc)
            chain.year_to_date = None
        except CentralRefused as exc:
            if chain.mdtrt_id:
                try:  # the visit is not settled: its registration withdrawn, best effort
                    call(codes.OUTPATIENT_REGISTER_CANCEL, {"mdtrt_id": chain.mdtrt_id})
                except (CentralUnreachable, CentralRefused):
                    pass
            raise BadVisit(f"the central system refused the visit: {exc}") from None
        return chain

    def reverse(self, approver: Operator, local_id: int, reason: str, *, paid_by: Operator | None = None,
                wait: float | None = None) -> su.OnlineOutcome:
        """Reverse an outpatient settlement: committed locally, then 2208 at once (or queued)."""
        require_role(approver, "supervisor", "a reversal")
        db = self.desk.db()
        entry = journal.get_entry(db, local_id, full=False)
        if entry.kind != "settlement" or entry.med_type not in OUTPATIENT_MED_TYPES:
            raise BadVisit(f"journal entry {local_id} is not an outpatient settlement (med_type {entry.med_type})")
        client = self._client()
        path = getattr(db, "path", None)
        if client is None and isinstance(path, Path) and entry.mdtrt_id:
            check_free(path, entry.mdtrt_id)
        with _in_flight(db, client, entry.mdtrt_id, REVERSAL_IN_FLIGHT):
            outcome = usecases.reverse(db, approver, local_id, reason, paid_by=paid_by)
            if client is None:
                return su.OnlineOutcome(outcome, "provisional", "offline", reason="no central system configured")
            reversal_id = outcome.committed.local_id
            if store_outbox.older_pending(db, reversal_id):
                return su.OnlineOutcome(outcome, "provisional", "queued", reason="older entries are still queued")
            answer = send_entry(db, client, reversal_id, codes.OUTPATIENT_REVERSAL, wait=wait, operator=approver.name)
        return su._online_outcome(db, outcome, answer)


def _visit_key(visit: VisitInput) -> str:
    """The in-flight key of a visit before the central system named it: the person and the HIS's
    门诊号 (none without one: each such visit is a new registration)."""
    return f"visit {visit.psn_no} {visit.ipt_otp_no}" if visit.ipt_otp_no else ""


@contextmanager
def _in_flight(db: Any, client: CentralClient | None, mdtrt_id: str, what: str) -> Iterator[None]:
    path = getattr(db, "path", None)
    if client is None or not isinstance(path, Path) or not mdtrt_id:
        yield
        return
    with InFlight(path, mdtrt_id, what):
        yield


def send_entry(db: Any, client: CentralClient, local_id: int, infno: str, *, wait: float | None,
               operator: str) -> OnlineAnswer:
    """Send one journal entry at once with 2207 (a settlement) or 2208 (a reversal): the item a 9511
    batch would carry, under the entry's msgid; the answer recorded as for 2304 / 2305. A lost reply
    is found out as for 2304 (sync.lost_reply: 5203 by msgid, or 2601 with ``oinfno`` 2207 / 2208 and
    sent again); when even that gets no answer the entry stays ``sent`` and the next drain asks (the
    central system binds the local id once: never settled twice). The clerk only waits."""
    deadline = wait if wait is not None else su.online_wait()
    answer = send_now(db, client, local_id, deadline=deadline, operator=operator, infno=infno)
    if answer.lost:
        answer = resolve_lost_reply(db, client, local_id, deadline=deadline, operator=operator, infno=infno)
    return answer


def outcome_json(outcome: su.OnlineOutcome) -> str:
    return json.dumps(outcome.to_dict(), ensure_ascii=False, default=str)


def fee_lines(rows: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Fee lines numbered 1, 2, ... in order (feedetl_sn), as the screen builds them."""
    return tuple({**dict(r), "feedetl_sn": str(i)} for i, r in enumerate(rows, start=1))
