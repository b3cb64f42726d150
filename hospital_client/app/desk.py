"""The desk: the one application façade that both faces call, the window (ui/) and the command
line (cli/), for the same operations: log in, identify a person, build, preview and settle a
request, reverse, the journal, history, outbox, day-end and fund statement with their exports,
the slip, backup and check, and the central system (settle online, sync, adjustments).

Every method may block (database, network) and is meant to run in a worker thread in the window;
it returns plain data. Each thread gets its own SQLite connection (a connection must stay on the
thread that made it). Names and ID numbers reach the window masked; the full roster record is
read from the store only when a request is built, so the window never holds an ID number.

The operations that work without a desk database (the bundled packs, key escrow, restore, init,
site setup) are functions of ``app``: see ``app/__init__.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .. import config, paths, rules, store
from ..config import SiteConfig
from ..store import caches, history, journal, numbering, operators
from ..store.history import HistoryFilter
from . import backups, day_close, reports, review_context, slips, usecases
from .bundled import pack_summary
from .desk_database import DEMO_DEFAULT_FOR_ROLE, DEMO_FIXMEDINS_CODE, is_demo, open_desk_database
from .encounter import EncounterInput, build_request
from .errors import UnknownPerson
from .fee_rows import FeeRow, fee_rows
from .link_state import LinkReading, LinkState
from .reports import DAY_END_TITLES
from .usecases import PersonView, SettleOutcome, choose_pack

if TYPE_CHECKING:  # the sync is imported on first use (httpx and friends stay out of start-up)
    import datetime as dt

    from ..sync.client import CentralClient
    from .card_readers import CardReader, Credential
    from .clearing import ClearingOutcome
    from .clearing_history import ClearingHistory
    from .his_stays import TakenStay
    from .identification import BenefitStatus, Identified
    from .outpatient import OutpatientDesk
    from .settlement_list import ListStatus, SettlementList
    from .stay_periods import StayPeriod
    from .stay_transactions import StayOutcome
    from .sync_usecases import ConnectionCheck, OnlineOutcome, SyncStatus, SyncSummary

__all__ = ["DAY_END_TITLES", "DEMO_REGION", "DEMO_SITE_NAME", "Desk", "EncounterInput", "Preview", "SourceFile"]

DEMO_SITE_NAME = "示例县人民医院（演示站点）"
DEMO_REGION = "990100"
DEMO_HOSPITAL_LEVEL = 2


@dataclass(frozen=True, slots=True)
class Preview:
    """A computed, not committed, settlement: the request, the result JSON, and where the
    year-to-date came from (``request`` or ``local``)."""

    request: dict[str, Any]
    result: dict[str, Any]
    ytd_source: str


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A pack or catalogue file given for one settlement (cached, with its hash, before use)."""

    name: str
    data: bytes


class Desk:
    """One desk: its database (opened, and on the demo site's first start created) and its site."""

    def __init__(self, db_path: Path | None = None, site: SiteConfig | None = None, *, first_start: bool = True):
        self.db_path = Path(db_path) if db_path else config.resolve_db_path(None)
        self.site = site
        self._local = threading.local()
        opened = open_desk_database(self.db_path, site, first_start=first_start)
        self._local.db = opened.db
        self.created = opened.created
        self.demo = is_demo(opened.db)
        self._catalog: rules.Catalog | None = None
        self._catalog_lock = threading.Lock()
        self._sync_client: CentralClient | None = None
        self._sync_client_lock = threading.Lock()
        self.link = LinkState()  # whether the central system answers, as the last call or check found it
        self.his_refused: dict[str, str] = {}  # drop-folder files refused, with the reason
        self._his_seen: dict[str, tuple[int, int]] = {}  # drop-folder files read: size and time
        self._his_lock = threading.Lock()
        self._card_reader: CardReader | None = None

    @classmethod
    def of_this_machine(cls, db_path: str | Path | None = None, *, first_start: bool = True) -> Desk:
        """The installation's desk: the database at ``db_path``, else ``$HOSPITAL_CLIENT_DB``, else
        the data dir; the site file, or the demo site without one."""
        return cls(config.resolve_db_path(db_path), config.load_site_config(), first_start=first_start)

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close_sync()
        self.close()

    # --- connection per thread --------------------------------------------------------------
    def db(self) -> store.LocalDatabase:
        db = getattr(self._local, "db", None)
        if db is None:
            db = store.open_database(self.db_path, busy_timeout_ms=config.busy_timeout_ms())
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- site --------------------------------------------------------------------------------
    @property
    def site_name(self) -> str:
        return self.site.name if self.site else DEMO_SITE_NAME

    @property
    def fixmedins_code(self) -> str:
        return self.site.code if self.site else DEMO_FIXMEDINS_CODE

    @property
    def region(self) -> str:
        return self.site.region if self.site else DEMO_REGION

    @property
    def hospital_level(self) -> int | None:
        """The hospital's level (hosp_lv) from the site file (the demo site: 2); None when the site
        file does not say, and the clerk chooses."""
        if self.site is None:
            return DEMO_HOSPITAL_LEVEL
        return int(self.site.level) if self.site.level else None

    @property
    def site_pack_id(self) -> str | None:
        """The pack the site file forces (``policy``), or None: chosen by place, insurance type and date."""
        return self.site.policy if self.site and self.site.policy else None

    @property
    def slip_dir(self) -> Path:
        """Where slips and notices are written as PDF when no printer is used."""
        return self.db_path.parent / "slips"

    def slip_path(self, name: str) -> Path:
        """A new file in ``slip_dir`` readable by this user only (folder 0700, file 0600); slips
        older than ``HOSPITAL_CLIENT_SLIP_DAYS`` are removed from the folder first."""
        return slips.private_slip_path(self.slip_dir, name, config.slip_retention_days())

    @property
    def encrypted(self) -> bool:
        """Whether the database file is encrypted (an old plaintext one keeps working until
        IT runs `hospital-client encrypt`)."""
        return bool(getattr(self.db(), "encrypted", True))

    def catalog(self) -> rules.Catalog:
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = caches.load_catalog(self.db())
            return self._catalog

    def warm_up(self) -> None:
        """Load the engine, the packs and the catalogue now (in a worker, once the window is up)
        so that the first bill computes as fast as the next."""
        rules.load_all()
        caches.load_packs(self.db())
        self.catalog()

    # --- operators and persons ----------------------------------------------------------------
    def login(self, name: str, password: str, *, via: str = "desk") -> store.Operator:
        """Check an operator's password (audited either way, with ``via``)."""
        return usecases.login(self.db(), name, password, via=via)

    def operator_named(self, name: str) -> store.Operator:
        """An active operator by login name, without a password (who pays a refund out, named by
        the supervisor who approves it); refused (NotFound) for an unknown or inactive one."""
        return operators.get_operator(self.db(), name.strip())

    def payment_methods(self, policy_sha256: str | None = None) -> dict[str, str]:
        """Code -> name of the payment methods the window offers for a settlement under the pack with
        this hash (a preview's ``policy.sha256``); 医保个人账户 only where the pack allows it."""
        from . import payment_methods

        return payment_methods.methods_of_pack(self.db(), policy_sha256) if policy_sha256 else \
            payment_methods.allowed_methods(None)

    def operator_names(self) -> dict[str, str]:
        """Each operator's name as people read it (slips, history, day-end), by login."""
        return operators.display_names(self.db())

    def demo_operator(self, role: str, *, via: str = "cli-demo-default") -> store.Operator | None:
        """The demo site's operator for a role (README, "Demo site"); None on a configured site."""
        if not self.demo:
            return None
        demo = DEMO_DEFAULT_FOR_ROLE[role]
        return self.login(demo.name, demo.password, via=via)

    def lookup(self, key: str, *, year: int | None = None, unmasked: bool = False, viewer: str = "desk",
               show_name: bool = True) -> list[PersonView]:
        """Persons by scanned or typed code. The clerk sees the full name to verify the patient
        (``show_name``); ID, card and e-card numbers stay masked unless ``unmasked`` (audited as
        ``viewer``)."""
        return usecases.lookup_person(self.db(), key.strip(), year=year, unmasked=unmasked, operator=viewer,
                                      show_name=show_name)

    # --- identification: card readers, 1101 by certificate, 2001 (app/identification.py) -------
    def card_reader(self) -> CardReader | None:
        """The site's card reader (``card_reader`` in the site file; the demo site's is simulated),
        loaded on first use; None when there is none. Raises ReaderUnavailable when it cannot load."""
        from . import card_readers
        from .bundled import demo_roster

        if self._card_reader is None:
            self._card_reader = card_readers.load_reader(self.site.card_reader if self.site else "",
                                                         demo=self.demo, roster=demo_roster)
        return self._card_reader

    def use_card_reader(self, reader: CardReader | None) -> None:
        """Use this reader from now on (a reader object made by the caller, e.g. the tests')."""
        self._card_reader = reader

    def read_card(self) -> Credential:
        """One certificate from the card reader (blocks until read; NoCardPresent, ReaderUnavailable)."""
        from .card_readers import ReaderUnavailable

        reader = self.card_reader()
        if reader is None:
            raise ReaderUnavailable("no card reader is configured on this desk (site file: card_reader)")
        return reader.read()

    def identify(self, credential: Credential, *, viewer: str = "desk", expected_psn_no: str = "") -> Identified:
        """The person of a certificate (1101 online, else the roster; an e-voucher needs the central
        system) with their benefit status today (2001 online, else as last learnt). With
        ``expected_psn_no`` (a stay's patient) the central system refuses another's certificate."""
        from . import identification

        return identification.identify(self.db(), self._central_client_or_none(), credential, operator=viewer,
                                       expected_psn_no=expected_psn_no)

    def identify_key(self, key: str, *, viewer: str = "desk", expected_psn_no: str = "") -> list[PersonView]:
        """The lookup box: a scanned e-voucher, ID or card number is identified like a card read;
        anything else (psn_no, e-card code) is looked up in the roster."""
        from . import identification

        return identification.identify_key(self.db(), self._central_client_or_none(), key, operator=viewer,
                                           expected_psn_no=expected_psn_no)

    def benefit_status(self, psn_no: str, first: dt.date, last: dt.date) -> BenefitStatus:
        """Whether the funds pay for the person from ``first`` to ``last`` (as last learnt)."""
        from . import identification

        return identification.benefit_status(self.db(), psn_no, first, last)

    # --- bills and settlements ----------------------------------------------------------------
    def rows(self, fees: Sequence[Mapping[str, Any]], result: Mapping[str, Any] | None = None) -> list[FeeRow]:
        return fee_rows(fees, self.catalog(), result)

    def build_request(
        self, psn_no: str, encounter: EncounterInput, fees: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        person = caches.get_person(self.db(), psn_no)
        if person is None:
            raise UnknownPerson(f"person {psn_no} is not in the local roster")
        return build_request(person, encounter, fees, fixmedins_code=self.fixmedins_code, region=self.region)

    def preview(self, request: Mapping[str, Any], *, overrides: Sequence[review_context.OverrideInput] = (),
                approver: store.Operator | None = None) -> Preview:
        """Compute without committing, from the same accumulators a settlement would use now; the bill
        audited with the person's earlier stays and declared sex and birth date, a 拦截 overridden
        when ``approver`` (a supervisor) gives ``overrides`` (app/review_context.py)."""
        db = self.db()
        _require_benefits(db, request)
        parsed, data, source = usecases.with_year_to_date(db, request)
        usecases.require_ended(parsed, store.now().date())
        pack = choose_pack(db, parsed, self.site_pack_id)
        parsed, _ = usecases.with_pack_accumulators(db, parsed, data, source, pack)
        inputs = review_context.review_inputs(db, parsed)
        accepted = review_context.check_overrides(overrides, approver)
        result: rules.SettlementResult = rules.settle(parsed, pack, self.catalog(), review=inputs.library,
                                                      stays=inputs.stays, declared=inputs.declared,
                                                      overrides=accepted)
        data = result.to_dict()
        review_context.check_overrides_fired(accepted, data["violations"])
        return Preview(dict(request), data, source)

    def settle(self, operator: store.Operator, request: Mapping[str, Any], *, pack_id: str | None = None,
               pack_file: SourceFile | None = None, catalog_file: SourceFile | None = None,
               payment: usecases.Payment | None = None,
               overrides: Sequence[review_context.OverrideInput] = (),
               approver: store.Operator | None = None) -> SettleOutcome:
        """Compute and commit one settlement (with its payment: method, tendered, change); returns
        once the commit is durable. A 拦截 of the audit is let through by ``approver`` (a supervisor)
        with ``overrides`` (rule and reason), audited with it. The pack: a
        given file (cached first), a given id, the site's, or by place, insurance type and date.
        The catalogue: a given file (cached, not made the active one) or the active one."""
        db = self.db()
        _require_benefits(db, request)
        self._catch_up_after_restore(operator.name)
        pack = None
        if pack_file is not None:
            pack = caches.put_pack(db, pack_file.data, pack_file.name, operator=operator.name)
        catalog = self.catalog() if catalog_file is None else caches.put_catalog(
            db, catalog_file.data, catalog_file.name, operator=operator.name, activate=False)
        return usecases.settle(db, operator, request, pack_id=pack_id or self.site_pack_id, pack=pack,
                               catalog=catalog, payment=payment, overrides=overrides, approver=approver)

    def reverse(self, approver: store.Operator, local_id: int, reason: str, *,
                paid_by: store.Operator | None = None) -> SettleOutcome:
        """Reverse a settlement: a new entry with the figures negated (the approver is a supervisor);
        the refund counts for ``paid_by``, the clerk who pays the cash out (default: the approver).
        Refused while the encounter's settlement is in flight (sync.in_flight, "结算进行中")."""
        from . import sync_usecases as su

        return su.reverse_online(self.db(), approver, local_id, reason, client=None, paid_by=paid_by).outcome

    def is_entry_final(self, local_id: int) -> bool:
        return journal.get_entry(self.db(), local_id, full=False).state == "final"

    # --- stays handed over by HIS ---------------------------------------------------------------
    def his_import(self, path: str | Path, operator: str) -> dict[str, Any]:
        """Put a HIS hand-off (JSON, or CSV/XLSX with its header block) on the waiting list (audited):
        its patient must be in the roster and every identification it gives must be theirs."""
        from . import his_stays  # the bill importer loads with the first hand-off, not at start-up
        from .his_handoff import read_handoff

        return his_stays.import_handoff(self.db(), read_handoff(path), operator)

    @property
    def his_drop_folder(self) -> Path | None:
        """The folder HIS drops hand-offs into (the site's ``his_drop``; the demo site: its demo hand-offs)."""
        if self.site is None:
            return paths.demo_dir() / "his"
        return Path(self.site.his_drop).expanduser() if self.site.his_drop else None

    def his_waiting(self, *, scan: bool = True) -> list[dict[str, Any]]:
        """The stays waiting to be settled (待结算), oldest discharge first; names masked. The drop
        folder is read first (new and changed hand-offs; the refused ones in ``his_refused``)."""
        from . import his_stays

        folder = self.his_drop_folder
        if scan and folder is not None:
            with self._his_lock:
                his_stays.scan_drop_folder(self.db(), folder, "his-drop", self._his_seen, self.his_refused)
        return his_stays.waiting(self.db())

    def his_take(self, key: str, psn_no: str | None = None) -> TakenStay:
        """A waiting stay (by 住院号 or mdtrt_id) to settle: its encounter and fee lines. Refused when
        it is settled already (naming the settlement) or, given ``psn_no`` (the person identified at
        the desk), when the hand-off is another person's."""
        from . import his_stays

        return his_stays.take(self.db(), key, psn_no, hosp_lv=self.hospital_level)

    def his_request(self, key: str, psn_no: str | None = None) -> dict[str, Any]:
        """The settlement request of a waiting stay, as the hand-off gives it."""
        taken = self.his_take(key, psn_no)
        return self.build_request(taken.psn_no, taken.encounter, taken.fees)

    def settle_his(self, operator: store.Operator, key: str, *,
                   payment: usecases.Payment | None = None,
                   overrides: Sequence[review_context.OverrideInput] = (),
                   approver: store.Operator | None = None) -> SettleOutcome:
        """Settle a waiting stay from its hand-off and commit it; a second one is refused naming the first."""
        return self.settle(operator, self.his_request(key), payment=payment, overrides=overrides, approver=approver)

    def overlapping_stays(self, psn_no: str, encounter: EncounterInput) -> list[dict[str, Any]]:
        """The person's settlements in force of another stay overlapping this one's dates, when either
        stay was typed by hand (app/stay_overlap.py); the clerk confirms them with a reason."""
        from . import stay_overlap

        return stay_overlap.overlapping_settlements(self.db(), psn_no, encounter.begntime, encounter.endtime,
                                                    encounter.mdtrt_id)

    def confirm_overlap(self, operator: str, stay_key: str, overlaps: Sequence[int], reason: str) -> None:
        """The clerk settles a stay despite an overlapping one: audited with the reason."""
        from . import stay_overlap

        stay_overlap.confirm_overlap(self.db(), operator, stay_key, list(overlaps), reason)

    def unlock_field(self, operator: str, stay_key: str, field: str) -> None:
        """The clerk unlocks a field the HIS hand-off filled: audited (the field and the stay only)."""
        store.audit.append(self.db(), "unlock_field", operator, f"stay:{stay_key}",
                           {"field": field, "stay": stay_key})

    # --- listings ------------------------------------------------------------------------------
    def journal(self, day_from: str | None = None, day_to: str | None = None, *, unmasked: bool = False,
                viewer: str = "desk") -> list[dict[str, Any]]:
        """Every settlement and reversal with its state; names and ID numbers masked unless asked (audited)."""
        return usecases.list_journal(self.db(), day_from=day_from, day_to=day_to, unmasked=unmasked,
                                     operator=viewer)

    def entry(self, local_id: int, *, unmasked: bool = False, viewer: str = "desk") -> dict[str, Any]:
        """One journal entry with its request, result and fee lines."""
        return usecases.show_entry(self.db(), local_id, unmasked=unmasked, operator=viewer)

    def history_count(self, flt: HistoryFilter) -> int:
        return history.count_entries(self.db(), flt)

    def history_page(self, flt: HistoryFilter, after: Mapping[str, Any] | None,
                     limit: int) -> list[dict[str, Any]]:
        """The next page of history rows (newest first) after the given last row; masked."""
        before = int(after["local_id"]) if after else None
        return [e.to_dict() for e in history.entries_page(self.db(), flt, before_local_id=before, limit=limit)]

    def outbox(self, status: str | None = None) -> list[dict[str, Any]]:
        """The messages for the central system, with their status (all, or one status)."""
        return usecases.list_outbox(self.db(), status=status)

    def parked_messages(self) -> list[dict[str, Any]]:
        """Messages the central system refused (status rejected) with their reason."""
        return self.outbox("rejected")

    def stay_period(self, preview: Preview) -> StayPeriod | None:
        """Which period of a stay settled in periods (中途结算) the previewed settlement would be; None
        for a stay settled at once (app/stay_periods.py)."""
        from .stay_periods import period_to_settle

        return period_to_settle(self.db(), preview.request, preview.result)

    def refused_stay_messages(self) -> list[dict[str, Any]]:
        """Inpatient messages made offline (出院办理) that the central system refused when the sync
        sent them, with its sentence; listed until dismissed (app/stay_refusals.py)."""
        from .stay_refusals import refused_stay_messages

        return refused_stay_messages(self.db())

    def dismiss_stay_refusal(self, operator: store.Operator, msgid: str) -> None:
        """The clerk has dealt with a refused inpatient message: no longer listed (audited)."""
        from .stay_refusals import dismiss_refused

        dismiss_refused(self.db(), operator, msgid)

    # --- reports ---------------------------------------------------------------------------------
    def day_end(self, day_from: str, day_to: str | None = None) -> list[usecases.DayEndTotals]:
        return usecases.day_end_totals(self.db(), day_from, day_to)

    def fund_statement(self, month: str) -> list[reports.FundLine]:
        return reports.fund_statement(self.db(), month)

    def export_day_end(self, path: str | Path, day_from: str, day_to: str, operator: str) -> Path:
        return reports.export_day_end(self.db(), path, self.day_end(day_from, day_to), day_from, day_to, operator,
                                      hospital_name=self.site_name, fixmedins_code=self.fixmedins_code,
                                      names=self.operator_names())

    def export_fund_statement(self, path: str | Path, month: str, operator: str) -> Path:
        return reports.export_fund_statement(self.db(), path, month, operator, hospital_name=self.site_name,
                                             fixmedins_code=self.fixmedins_code)

    def day_close_report(self, operator: store.Operator, day: str | None = None) -> day_close.DayCloseReport:
        """The clerk's 日结单 for a day (today by default) as it stands, without closing it."""
        return day_close.day_report(self.db(), operator, day or usecases.business_day(),
                                    hospital_name=self.site_name, fixmedins_code=self.fixmedins_code)

    def close_day(self, operator: store.Operator, day: str | None = None) -> day_close.DayCloseReport:
        """Close the clerk's day (日结, once): records the totals and locks that clerk's day."""
        return day_close.close_day(self.db(), operator, day or usecases.business_day(),
                                   hospital_name=self.site_name, fixmedins_code=self.fixmedins_code)

    def export_day_close(self, path: str | Path, report: day_close.DayCloseReport, operator: str) -> Path:
        """The 日结单 as a workbook (audited)."""
        return day_close.export_day_close(self.db(), path, report, operator)

    # --- outpatient visits (2201-2208, 门诊慢特病 filings): app/outpatient.py -------------------------
    def outpatient(self) -> OutpatientDesk:
        """The outpatient visits of this desk: preview, settle (online through the chain, or
        offline and queued), reverse, the person's 门诊慢特病 diseases."""
        from .outpatient import OutpatientDesk

        return OutpatientDesk(self)

    # --- settlement lists (4101) and monthly clearing (3203/3204) ----------------------------------
    # app/settlement_list.py, app/clearing.py; the uploads and queries wait for the network.
    def settlement_list(self, local_id: int, record: Mapping[str, Any] | None = None) -> SettlementList:
        """The 结算清单 of a settlement as built here (app.settlement_list.SettlementList), with its problems."""
        from . import settlement_list

        return settlement_list.build(self.db(), local_id, fixmedins_code=self.fixmedins_code,
                                     fixmedins_name=self.site_name, catalog=self.catalog(), record=record)

    def upload_settlement_list(self, operator: str, local_id: int,
                               record: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Build, check and upload (4101) a settlement's list; the central status and QC result."""
        from . import settlement_list
        from .settlement_list_state import upload_infno

        built = self.settlement_list(local_id, record)
        settlement_list.check(built)  # an incomplete list is refused before the network is tried
        infno = upload_infno(self.site.settlement_list_upload if self.site else "")  # 4101 or 4101A
        return settlement_list.upload(self.db(), self.central_client(), built, operator=operator, infno=infno)

    def change_settlement_list_status(self, operator: str, local_id: int, action: str) -> dict[str, Any]:
        """The 病案 office confirms or withdraws (``action``) a settlement's uploaded list (4102)."""
        from . import settlement_list_state

        return settlement_list_state.change_status(self.db(), self.central_client(), local_id, action,
                                                   operator=operator)

    def settlement_list_status(self, day_from: str, day_to: str) -> tuple[list[ListStatus], str]:
        """The inpatient settlements of the days with their list's state (4104), and why the central
        system could not be asked ("" when it was)."""
        from . import settlement_list

        return settlement_list.list_status(self.db(), self._central_client_or_none(), day_from, day_to)

    def apply_clearing(self, operator: str, month: str) -> ClearingOutcome:
        """Reconcile the month (3201/3202) and apply for its clearing (3203); app.clearing.ClearingOutcome."""
        from . import clearing

        return clearing.apply(self.db(), self.central_client(), month, operator=operator)

    def withdraw_clearing(self, operator: str, clr_appy_evt_id: str) -> dict[str, Any]:
        """Withdraw a clearing application (3204)."""
        from . import clearing

        return clearing.withdraw(self.db(), self.central_client(), clr_appy_evt_id, operator=operator)

    def clearing_applications(self) -> ClearingHistory:
        """The hospital's clearing applications of the last months and their state (3205A), kept
        for when the central system cannot be reached (app.clearing_history.ClearingHistory)."""
        from . import clearing_history

        return clearing_history.applications(self.db(), self._central_client_or_none())

    # --- packs, audit, slip ----------------------------------------------------------------------
    def pack_summaries(self) -> list[dict[str, str]]:
        return caches.pack_summaries(self.db())

    def packs_info(self) -> list[dict[str, Any]]:
        """The cached policy packs as the settings page lists them."""
        return [{**pack_summary(p), "illustrative": ", ".join(p.model.pack.illustrative)}
                for p in caches.load_packs(self.db())]

    def audit(self, action: str, operator: str, subject: str, detail: Mapping[str, Any] | None = None) -> None:
        store.audit.append(self.db(), action, operator, subject, dict(detail or {}))

    def slip_data(self, local_id: int, printed_by: str, *, reprint: bool = False) -> dict[str, Any]:
        """What the slip shows for one settlement (full name, masked ID), and an audit record of the print."""
        return slips.slip_data(self.db(), local_id, printed_by, reprint=reprint, hospital_name=self.site_name,
                               fixmedins_code=self.fixmedins_code, catalog=self.catalog())

    # --- maintenance -------------------------------------------------------------------------------
    def backup(self, dest: str | Path, *, operator: str) -> backups.BackupInfo:
        """A verified copy of the database, made while it is in use (audited)."""
        return backups.backup(self.db(), dest, operator=operator)

    def verify(self, *, against_central: bool = False) -> backups.CheckReport:
        """integrity_check, the journal's consistency and the audit log's hash chain; with
        ``against_central`` also the chain head the central system holds (may wait for the network)."""
        return backups.verify(self.db(), self.central_client() if against_central else None)

    # --- sync -------------------------------------------------------------------------------------
    # The central system. Each method may wait for the network: call it from a worker thread. One
    # long-lived client per desk (httpx keeps its connections); the site's secret is read from the
    # OS keyring when the client is first needed.
    def central_client(self) -> CentralClient:
        """The desk's CentralClient. Raises NotConfigured (demo site, no server_url),
        CredentialsMissing (run setup) or CredentialsUnavailable (no OS keyring)."""
        from . import sync_usecases as su

        with self._sync_client_lock:
            if self._sync_client is None:
                self._sync_client = su.open_client(self.site)
                self._sync_client.link_observer = self.link.seen
            return self._sync_client

    def use_central_client(self, client: CentralClient) -> None:
        """Use this client (opened before the desk, e.g. by `hospital-client sync`) from now on."""
        with self._sync_client_lock:
            self._sync_client = client
            client.link_observer = self.link.seen

    def stay_transaction(self, operator: str, infno: str, input_: dict[str, Any]) -> StayOutcome:
        """Send an inpatient transaction around discharge (2402, 2403, 2404, 2405, 2302; inputs from
        app.stay_transactions); a discharge waits for the link when it is down, the others are refused."""
        from . import stay_transactions

        return stay_transactions.send(self.db(), self.central_client(), operator, infno, input_)

    @staticmethod
    def needs_link(exc: BaseException) -> bool:
        """Whether ``exc`` says the central system could not be reached or is not set up here (the
        faces word it as "needs the link"), as opposed to an answer it gave."""
        from ..sync.errors import CentralUnreachable, CredentialsMissing, CredentialsUnavailable, NotConfigured

        return isinstance(exc, CentralUnreachable | NotConfigured | CredentialsMissing | CredentialsUnavailable)

    def _central_client_or_none(self) -> CentralClient | None:
        from ..sync.errors import SyncError

        try:
            return self.central_client()
        except SyncError:
            return None

    def _catch_up_after_restore(self, operator: str) -> None:
        """After a restore from a backup, before the first commit: fetch from the central system what
        the restored journal lacks and number above it (when it answers; else the restore's own
        number range is used, which cannot collide, and the next sync catches up)."""
        if not numbering.restore_state(self.db()).pending:
            return
        from . import sync_usecases as su

        su.catch_up_after_restore(self.db(), self._central_client_or_none(), operator=operator)

    def settle_online(self, operator: store.Operator, request: Mapping[str, Any], *,
                      wait: float | None = None, payment: usecases.Payment | None = None,
                      overrides: Sequence[review_context.OverrideInput] = (),
                      approver: store.Operator | None = None) -> OnlineOutcome:
        """Settle and commit locally, then send 2304 at once and wait at most ``wait`` s (default 3):
        .state is final or provisional, .message_zh says so for the slip and the window. A stay HIS
        handed over gets its admission (2401) registered first (app.his_admission)."""
        from . import sync_usecases as su

        _require_benefits(self.db(), request)
        client = self._central_client_or_none()
        if client is not None and not store.outbox.pending_brief(self.db()):
            from .his_admission import ensure_admission  # a HIS stay: its 2401 first, if not there yet

            ensure_admission(self.db(), client, request, deadline=wait if wait is not None else su.online_wait())
        return su.settle_online(self.db(), self.site, operator, request, client=client,
                                wait=wait, pack_id=self.site_pack_id, catalog=self.catalog(), payment=payment,
                                overrides=overrides, approver=approver)

    def sync_now(self, operator: str = "desk", *, pulls: bool = True) -> SyncSummary:
        """One sync: sign in, drain the outbox, pull packs, catalogue and roster (.ok, .busy, .to_dict())."""
        from . import sync_usecases as su

        summary = su.sync_now(self.db(), self.central_client(), operator=operator, pulls=pulls)
        if summary.ok:  # then the inpatient messages that waited for the link (a discharge made offline)
            from .stay_transactions import send_queued

            send_queued(self.db(), self.central_client(), operator)
        if summary.pulls is not None and summary.pulls.catalogue == "updated":
            with self._catalog_lock:
                self._catalog = None  # the next settlement uses the new catalogue
        return summary

    def test_connection(self) -> ConnectionCheck:
        """Reach the central system and sign in (.ok, .message_zh; checks address, secret and clock)."""
        from . import sync_usecases as su

        return su.test_connection(self.central_client())

    def check_link(self, timeout: float = 5.0) -> LinkReading:
        """Ask the central system's /health (at most ``timeout`` s) and return the link's reading
        (app.link_state); unknown (up None) when no central system is set up here."""
        from ..sync.errors import SyncError

        try:
            client = self.central_client()
        except SyncError:
            return LinkReading()
        try:
            client.health(timeout=timeout)
        except SyncError:
            pass  # the client told self.link
        return self.link.reading()

    def sync_status(self) -> SyncStatus:
        """Queue sizes, open adjustments, the last sync and its error, the clock warning."""
        from . import sync_usecases as su

        return su.sync_status(self.db(), self.site)

    def adjustments(self, *, open_only: bool = True) -> list[dict[str, Any]]:
        """Adjustments (补费/退费) to resolve with the patient, oldest first; names masked."""
        from . import sync_usecases as su

        return su.list_adjustments(self.db(), open_only=open_only)

    def resolve_adjustment(self, operator: store.Operator, local_id: int, note: str = "") -> dict[str, Any]:
        """Record that the difference was collected or refunded (once; who and when are kept)."""
        from . import sync_usecases as su

        return su.resolve_adjustment(self.db(), operator, local_id, note)

    def retry_message(self, operator: store.Operator, outbox_id: int) -> dict[str, Any]:
        """Put a parked message back in the queue; the next sync sends it again."""
        from . import sync_usecases as su

        return su.retry_message(self.db(), operator, outbox_id)

    def close_sync(self) -> None:
        """Close the central-system client (its connections); it is opened again when needed."""
        with self._sync_client_lock:
            client, self._sync_client = self._sync_client, None
        self.link.forget()
        if client is not None:
            client.close()


def _require_benefits(db: store.LocalDatabase, request: Mapping[str, Any]) -> None:
    """A stay inside a benefit period (待遇暂停, 未生效, 中断) is refused (app/identification.py)."""
    from .identification import require_benefits

    require_benefits(db, request)
