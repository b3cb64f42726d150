"""The desk session: the one object the window talks to.

Every method may block (database, later network) and is meant to run in a worker thread; it
returns plain data. Each thread gets its own SQLite connection (a connection must stay on the
thread that made it). Names and ID numbers reach the window masked; the full roster record is
read from the store only when a request is built, so the window never holds an ID number.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config, rules, store
from ..config import SiteConfig
from ..privacy import mask_id
from ..store import caches, history, journal
from ..store.money import money_text
from . import reports, usecases
from .errors import UnknownPerson
from .fee_rows import FeeRow, fee_rows
from .site import DEMO_FIXMEDINS_CODE, is_demo, open_desk
from .usecases import PersonView, SettleOutcome, choose_pack

if TYPE_CHECKING:  # the sync is imported on first use (httpx and friends stay out of start-up)
    from ..sync.client import CentralClient
    from .sync_usecases import ConnectionCheck, OnlineOutcome, SyncStatus, SyncSummary

DEMO_SITE_NAME = "示例县人民医院（演示站点）"
DAY_END_TITLES = {
    "medfee_sumamt": "医疗费用总额", "hifp_pay": "统筹支付", "hifmi_pay": "大病保险", "maf_pay": "医疗救助",
    "oth_pay": "其他支付", "fund_pay_sumamt": "基金支付合计", "acct_pay": "个人账户", "psn_cash_pay": "个人现金",
}
DEMO_REGION = "990100"


@dataclass(frozen=True, slots=True)
class EncounterInput:
    """What the clerk enters about the stay; the rest of the request comes from the roster."""

    mdtrt_id: str
    hosp_lv: int
    begntime: dt.date
    endtime: dt.date
    diagnoses: tuple[str, ...] = ()
    referral_from_lv: int | None = None
    referral_dedc_paid: str = "0.00"
    out_of_area_registered: bool = False


@dataclass(frozen=True, slots=True)
class Preview:
    request: dict[str, Any]
    result: dict[str, Any]
    ytd_source: str


class Desk:
    def __init__(self, db_path: Path | None = None, site: SiteConfig | None = None, *, first_start: bool = True):
        self.db_path = Path(db_path) if db_path else config.resolve_db_path(None)
        self.site = site
        self._local = threading.local()
        opened = open_desk(self.db_path, site, first_start=first_start)
        self._local.db = opened.db
        self.demo = is_demo(opened.db)
        self._catalog: rules.Catalog | None = None
        self._catalog_lock = threading.Lock()

    # --- connection per thread --------------------------------------------------------------
    def db(self) -> store.LocalDatabase:
        db = getattr(self._local, "db", None)
        if db is None:
            db = store.open_database(self.db_path, busy_timeout_ms=config.busy_timeout_ms())
            self._local.db = db
        return db

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
    def login(self, name: str, password: str) -> store.Operator:
        return usecases.login(self.db(), name, password)

    def lookup(self, key: str, *, year: int | None = None) -> list[PersonView]:
        """Persons by scanned or typed code. The clerk sees the full name to verify the patient;
        ID, card and e-card numbers stay masked."""
        views = usecases.lookup_person(self.db(), key.strip(), year=year)
        named = []
        for view in views:
            person = caches.get_person(self.db(), view.psn_no)
            named.append(replace(view, psn_name=person.psn_name) if person is not None else view)
        return named

    # --- bills -------------------------------------------------------------------------------
    def rows(self, fees: Sequence[Mapping[str, Any]], result: Mapping[str, Any] | None = None) -> list[FeeRow]:
        return fee_rows(fees, self.catalog(), result)

    def build_request(
        self, psn_no: str, encounter: EncounterInput, fees: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        person = caches.get_person(self.db(), psn_no)
        if person is None:
            raise UnknownPerson(f"person {psn_no} is not in the local roster")
        referral = None
        if encounter.referral_from_lv is not None:
            referral = {"from_hosp_lv": encounter.referral_from_lv, "dedc_paid": encounter.referral_dedc_paid}
        out_of_area = person.insuplc_admdvs != self.region
        return {
            "person": {
                "psn_no": person.psn_no, "psn_name": person.psn_name, "certno": person.certno,
                "insutype": person.insutype, "psn_type": person.psn_type,
                "insuplc_admdvs": person.insuplc_admdvs, "assistance_group": person.assistance_group,
                "residence": person.residence,
            },
            "encounter": {
                "mdtrt_id": encounter.mdtrt_id, "med_type": "21", "fixmedins_code": self.fixmedins_code,
                "hosp_lv": encounter.hosp_lv, "mdtrtarea_admvs": self.region,
                "begntime": encounter.begntime.isoformat(), "endtime": encounter.endtime.isoformat(),
                "diagnoses": list(encounter.diagnoses), "referral": referral,
                "out_of_area": out_of_area, "out_of_area_registered": out_of_area and encounter.out_of_area_registered,
            },
            "fees": [dict(f) for f in fees],
        }

    def preview(self, request: Mapping[str, Any]) -> Preview:
        """Compute without committing, from the same accumulators a settlement would use now."""
        db = self.db()
        parsed, _, source = usecases.with_year_to_date(db, request)
        pack = choose_pack(db, parsed, self.site.policy if self.site and self.site.policy else None)
        result: rules.SettlementResult = rules.settle(parsed, pack, self.catalog())
        return Preview(dict(request), result.to_dict(), source)

    def settle(self, operator: store.Operator, request: Mapping[str, Any]) -> SettleOutcome:
        pack_id = self.site.policy if self.site and self.site.policy else None
        return usecases.settle(self.db(), operator, request, pack_id=pack_id, catalog=self.catalog())

    def reverse(self, supervisor: str, password: str, local_id: int, reason: str) -> SettleOutcome:
        db = self.db()
        approver = usecases.login(db, supervisor, password, via="reversal")
        return usecases.reverse(db, approver, local_id, reason)

    # --- listings ------------------------------------------------------------------------------
    def journal(self, day_from: str | None = None, day_to: str | None = None) -> list[dict[str, Any]]:
        return usecases.list_journal(self.db(), day_from=day_from, day_to=day_to)

    def history_count(self, flt: history.HistoryFilter) -> int:
        return history.count_entries(self.db(), flt)

    def history_page(self, flt: history.HistoryFilter, after: Mapping[str, Any] | None,
                     limit: int) -> list[dict[str, Any]]:
        """The next page of history rows (newest first) after the given last row; masked."""
        before = int(after["local_id"]) if after else None
        return [e.to_dict() for e in history.entries_page(self.db(), flt, before_local_id=before, limit=limit)]

    def fund_statement(self, month: str) -> list[reports.FundLine]:
        return reports.fund_statement(self.db(), month)

    def export_day_end(self, path: str | Path, day_from: str, day_to: str, operator: str) -> Path:
        rows = self.day_end(day_from, day_to)
        headers = ["操作员", "结算笔数", "冲正笔数", *[DAY_END_TITLES[k] for k in usecases.DAY_END_KEYS]]
        data = [[r.operator if r.operator != "total" else "合计", r.settlements, r.reversals,
                 *[money_text(r.sums[k]) for k in usecases.DAY_END_KEYS]] for r in rows]
        title = f"日结 {day_from}" + (f" 至 {day_to}" if day_to != day_from else "")
        written = reports.write_xlsx(path, title, headers, data)
        store.audit.append(self.db(), "export", operator, "day_end", {"from": day_from, "to": day_to})
        return written

    def export_fund_statement(self, path: str | Path, month: str, operator: str) -> Path:
        lines = self.fund_statement(month)
        data = [[f.fund_pay_type, f.fund_pay_type_name, f.settlements, f.reversals, money_text(f.amount)]
                for f in lines]
        written = reports.write_xlsx(path, f"{month} 基金支付月报", ["基金类型", "基金名称", "结算笔数", "冲正笔数",
                                                                  "支付金额（元）"], data)
        store.audit.append(self.db(), "export", operator, "fund_statement", {"month": month})
        return written

    def entry(self, local_id: int) -> dict[str, Any]:
        return usecases.show_entry(self.db(), local_id)

    def outbox(self) -> list[dict[str, Any]]:
        return usecases.list_outbox(self.db())

    def day_end(self, day_from: str, day_to: str | None = None) -> list[usecases.DayEndTotals]:
        return usecases.day_end_totals(self.db(), day_from, day_to)

    def pack_summaries(self) -> list[dict[str, str]]:
        return caches.pack_summaries(self.db())

    def packs_info(self) -> list[dict[str, Any]]:
        """The cached policy packs as the settings page lists them."""
        return [{"id": p.id, "version": p.version, "name": p.model.pack.name, "sha256": p.sha256,
                 "valid_from": p.model.pack.valid_from.isoformat(), "valid_to": p.model.pack.valid_to.isoformat(),
                 "illustrative": ", ".join(p.model.pack.illustrative)} for p in caches.load_packs(self.db())]

    def audit(self, action: str, operator: str, subject: str, detail: Mapping[str, Any] | None = None) -> None:
        store.audit.append(self.db(), action, operator, subject, dict(detail or {}))

    def slip_data(self, local_id: int, printed_by: str, *, reprint: bool = False) -> dict[str, Any]:
        """What the slip shows for one settlement (full name, masked ID), and an audit record of the print."""
        entry = journal.get_entry(self.db(), local_id)
        request = entry.request or {}
        person, encounter = request.get("person", {}), request.get("encounter", {})
        store.audit.append(self.db(), "print", printed_by, f"settlement:{local_id}", {"reprint": reprint})
        return {
            "hospital_name": self.site_name, "fixmedins_code": self.fixmedins_code,
            "psn_name": person.get("psn_name", ""), "certno_masked": mask_id(person.get("certno", "")),
            "psn_no": entry.psn_no, "insutype": entry.insutype, "mdtrt_id": entry.mdtrt_id,
            "begntime": encounter.get("begntime", ""), "endtime": encounter.get("endtime", ""),
            "hosp_lv": int(encounter.get("hosp_lv", 0) or 0), "local_id": entry.local_id,
            "queue_no": entry.queue_no, "state": entry.state, "operator": entry.operator,
            "assistance_group": person.get("assistance_group") or "",
            "result": entry.result or {}, "kind": entry.kind,
        }

    def is_entry_final(self, local_id: int) -> bool:
        return journal.get_entry(self.db(), local_id, full=False).state == "final"

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- sync -------------------------------------------------------------------------------------
    # The central system (issue 4). Each method may wait for the network: call it from a worker
    # thread. One long-lived client per desk (httpx keeps its connections); the site's secret is
    # read from the OS keyring when the client is first needed.
    _sync_client: CentralClient | None = None
    _sync_client_lock = threading.Lock()

    def central_client(self) -> CentralClient:
        """The desk's CentralClient. Raises NotConfigured (demo site, no server_url),
        CredentialsMissing (run setup) or CredentialsUnavailable (no OS keyring)."""
        from . import sync_usecases as su

        with self._sync_client_lock:
            if self._sync_client is None:
                self._sync_client = su.open_client(self.site)
            return self._sync_client

    def _central_client_or_none(self) -> CentralClient | None:
        from ..sync.errors import SyncError

        try:
            return self.central_client()
        except SyncError:
            return None

    def settle_online(self, operator: store.Operator, request: Mapping[str, Any], *,
                      wait: float | None = None) -> OnlineOutcome:
        """Settle and commit locally, then send 2304 at once and wait at most ``wait`` s (default 3):
        .state is final or provisional, .message_zh says so for the slip and the window."""
        from . import sync_usecases as su

        pack_id = self.site.policy if self.site and self.site.policy else None
        return su.settle_online(self.db(), self.site, operator, request, client=self._central_client_or_none(),
                                wait=wait, pack_id=pack_id, catalog=self.catalog())

    def sync_now(self, operator: str = "desk") -> SyncSummary:
        """One sync: sign in, drain the outbox, pull packs, catalogue and roster (.ok, .busy, .to_dict())."""
        from . import sync_usecases as su

        summary = su.sync_now(self.db(), self.central_client(), operator=operator)
        if summary.pulls is not None and summary.pulls.catalogue == "updated":
            with self._catalog_lock:
                self._catalog = None  # the next settlement uses the new catalogue
        return summary

    def test_connection(self) -> ConnectionCheck:
        """Reach the central system and sign in (.ok, .message_zh; checks address, secret and clock)."""
        from . import sync_usecases as su

        return su.test_connection(self.central_client())

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

    def parked_messages(self) -> list[dict[str, Any]]:
        """Messages the central system refused (status rejected) with their reason."""
        return usecases.list_outbox(self.db(), status="rejected")

    def retry_message(self, operator: store.Operator, outbox_id: int) -> dict[str, Any]:
        """Put a parked message back in the queue; the next sync sends it again."""
        from . import sync_usecases as su

        return su.retry_message(self.db(), operator, outbox_id)

    def close_sync(self) -> None:
        """Close the central-system client (its connections); it is opened again when needed."""
        with self._sync_client_lock:
            client, self._sync_client = self._sync_client, None
        if client is not None:
            client.close()
