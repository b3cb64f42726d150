"""The central system's storage interface, and the records that cross it.

The service (service.py) and its transaction handlers talk only to ``CentralStore``;
``SQLiteStore`` (sqlite_store.py) implements it on an SQLite file and ``PostgresStore``
(postgres_store.py) on PostgreSQL; open_store.py opens the one ``--db`` names. A method added here
is added to both (tests/central/test_postgres_store.py checks the signatures): once, in
store_queries.py (``StoreQueries``, the base of both), when its SQL is the same for both. Every write
happens inside ``transaction()``; a nested
``transaction()`` is a savepoint that rolls back on its own when its block raises, leaving the
outer transaction usable.

Money crosses this interface as Decimal and is stored as TEXT with two decimals.
Accumulators are dicts of the rules core's YTD keys: ``admissions`` an int, the rest Decimal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ..errors import EXIT_BAD_INPUT, HospitalClientError
from .stays_in_force import StayInForce

Accumulators = dict[str, Decimal | int]


class StoreError(HospitalClientError):
    """Something the store cannot do (not initialised, duplicate key); the message says what."""

    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True, slots=True)
class Site:
    code: str
    name: str
    secret: str
    created_at: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """The first answer to a msgid, kept to be returned again for a repeat."""

    msgid: str
    site: str
    infno: str
    fingerprint: str
    infcode: int
    inf_refmsgid: str
    refmsg_time: str
    err_msg: str
    output_json: str


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A roster entry, as in resources/demo/roster.json (without year_to_date)."""

    psn_no: str
    data: dict[str, Any]
    rev: int = 0


@dataclass(frozen=True, slots=True)
class ReviewLibraryBlob:
    """A review-rule library (审核规则库) as the central system holds it: one version per id."""

    id: str
    version: str
    sha256: str
    source_name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PackBlob:
    id: str
    version: str
    sha256: str
    source_name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class CatalogBlob:
    sha256: str
    source_name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class SettlementRecord:
    """One adjudicated settlement. Never updated: a reversal is its own record."""

    setl_id: str
    site: str
    local_id: str
    msgid: str
    psn_no: str
    mdtrt_id: str
    year: int
    setl_time: str
    adjudicated_at: str
    fingerprint: str
    pack_id: str
    pack_version: str
    pack_sha256: str
    status: str  # accepted | adjusted
    request_json: str  # the client's request, canonical JSON (what the fingerprint covers)
    person_json: str  # the central roster's person block the final result was computed with
    provisional_json: str  # policy, setlinfo, setldetail of the client's result; "null" without one
    final_json: str  # the full result (DESIGN.md 4.1)
    summary_json: str  # policy, review, setlinfo, setldetail, year_to_date_after, warnings, violations of the result
    ytd_before: Accumulators
    ytd_after: Accumulators
    adjustment_json: str  # "null" without a provisional result
    amounts: dict[str, Decimal]  # the final setlinfo
    seq: int = 0


@dataclass(frozen=True, slots=True)
class ReversalRecord:
    rev_setl_id: str
    setl_id: str
    site: str
    local_id: str
    msgid: str
    psn_no: str
    year: int
    rev_time: str
    processed_at: str
    fingerprint: str
    ytd_before: Accumulators
    ytd_after: Accumulators
    amounts: dict[str, Decimal]  # the reversed settlement's setlinfo, negated
    seq: int = 0


@dataclass(frozen=True, slots=True)
class LocalKey:
    """A site's local journal key, bound once to what it named (per-settlement idempotency)."""

    site: str
    local_id: str
    kind: str  # settlement | reversal
    fingerprint: str
    ref: str  # setl_id or rev_setl_id


@dataclass(frozen=True, slots=True)
class InForce:
    """The settlement in force for an encounter (the person's psn_no and the mdtrt_id): at most
    one per encounter, whatever the site; a reversal frees the encounter."""

    psn_no: str
    mdtrt_id: str
    setl_id: str
    site: str
    local_id: str
    setl_time: str


@dataclass(frozen=True, slots=True)
class ItemRejection:
    """The refusal of a queued batch item (reported by 9512), with the output the refusal carries."""

    kind: str
    infcode: int
    err_msg: str
    output_json: str = "{}"


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """An item of a 9511 batch acknowledged after a durable store (ack "stored"), as it is queued:
    in its person's partition (``psn_no``; "" when the item names nobody the central system can
    find, it is then refused on its own when its turn comes), with its bytes as the site sent them
    (queue_intake.py)."""

    local_id: str
    kind: str  # settlement | reversal
    psn_no: str
    item: bytes


@dataclass(frozen=True, slots=True)
class LegacyBatch:
    """A 9511 batch stored (ack "stored") by a version before the per-person queue and not finished:
    its items from ``done_items`` on (of the ``data`` of its ``input``, the 9511 input as received)
    are still to be adjudicated (queue_upgrade.py puts them into their persons' partitions)."""

    seq: int
    site: str
    msgid: str
    received_at: str
    full: bool
    done_items: int
    input: bytes


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """What an operator watches of the adjudication queue (`central status`)."""

    settlements: int  # queued items waiting, by kind
    reversals: int
    persons: int  # persons with items waiting
    open_batches: int  # 9511 batches not yet wholly adjudicated
    oldest_received_at: str | None  # arrival (central time) of the oldest item waiting
    claimed: int | None  # persons a worker holds now; None where the store cannot tell
    refused_since: int  # items refused since the moment asked for
    connections: int | None = None  # the central system's other database sessions (PostgreSQL), None: unknown


@dataclass(frozen=True, slots=True)
class QueuedWork:
    """A queued item waiting in its person's partition (queue_work.py adjudicates them, each
    person's in arrival order). ``number`` is the setl_id (or rev_setl_id) number reserved for it
    when its batch was stored, so that ids never depend on which worker came first."""

    batch_seq: int
    idx: int  # its place in the batch
    site: str
    local_id: str
    kind: str
    number: int
    msgid: str
    received_at: str
    full: bool
    item: bytes


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The head of a site's audit chain as the site reported it (9521); one row per change, never
    updated. ``kind`` is ``restart`` when the site's chain no longer contained the previous head
    after a restore; ``replaced_*`` then name the head it no longer has."""

    site: str
    seq: int
    hash: str
    at: str  # the site's time of that audit entry (ISO 8601 with offset)
    kind: str  # head | restart
    msgid: str
    received_at: str
    restart_seq: int | None = None
    replaced_seq: int | None = None
    replaced_hash: str | None = None


OPEN_FROM = "0001-01-01"  # an insurer's cover with no first day
OPEN_TO = "9999-12-31"  # an insurer's cover with no last day


@dataclass(frozen=True, slots=True)
class InsurerCover:
    """An (insured region, insurance type) pair an insurer covers from one day to another, both
    included (its contract's term); a pair is covered by one insurer at most on any day."""

    admdvs: str
    insutype: str
    valid_from: str = OPEN_FROM  # YYYY-MM-DD
    valid_to: str = OPEN_TO  # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Insurer:
    """An insurer (承办机构) and the pairs it covers, each for its term (fund_reports/insurers.py)."""

    code: str
    name: str
    created_at: str
    covers: tuple[InsurerCover, ...] = ()


@dataclass(frozen=True, slots=True)
class ContractPremium:
    """The premium (保费总额) of an insurer's contract for an insurance year as the fund administrator
    recorded it (insurer "" for the region's one contract when no insurer is defined), with the
    other costs the contract allows; a later record for the same insurer and year replaces it."""

    insurer: str
    year: int
    premium: Decimal
    other_costs: Decimal
    note: str
    recorded_at: str
    id: int = 0


# The sums the fund statements read (fund_reports/), what a settlement's final setlinfo holds.
FUND_SUM_KEYS = ("medfee_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "oth_pay")


@dataclass(frozen=True, slots=True)
class PaymentGroup:
    """Settlements (``kind`` settlement) or reversals (``kind`` reversal, sums negative) summed in
    the store by the insurer covering them on their settlement's day, the insurance type and the
    hospital level (digits, "" unknown) of the settlement (a reversal: of the one it undoes)."""

    kind: str
    insurer: str
    insutype: str
    hosp_lv: str
    count: int
    sums: dict[str, Decimal]  # FUND_SUM_KEYS


@dataclass(frozen=True, slots=True)
class TrueUpGroup:
    """Year-end true-ups summed by the insurer covering the person's roster region and type on
    the day applied (at the latest on the 31 December of the true-up's year), and that type."""

    insurer: str
    insutype: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class IncomeGroup:
    """Fund income rows summed by the insurer covering their region and type on their day."""

    insurer: str
    fund: str
    kind: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PersonCounts:
    """Distinct persons with a settlement adjudicated in a period: in all, and by insurer, by
    insurance type and by hospital level (keys as in PaymentGroup)."""

    total: int
    by_insurer: dict[str, int]
    by_insutype: dict[str, int]
    by_hosp_lv: dict[str, int]


@dataclass(frozen=True, slots=True)
class HifmiLine:
    """One line of a hospital's monthly 大病保险 statement (fund_reports/monthly.py), read narrow:
    a settlement (its final and the desk's provisional hifmi_pay), a reversal (negative, with the
    settlement it undoes) or a true-up (``site`` the hospital of the person's latest settlement
    of the year in force when applied, "" when none; ``ref`` the true-up's id)."""

    kind: str  # settlement | reversal | true_up
    ref: str
    site: str
    insurer: str
    psn_no: str
    mdtrt_id: str
    year: int
    event_time: str
    booked_at: str
    status: str
    hifmi_pay: Decimal
    provisional_hifmi_pay: Decimal | None = None
    reverses_setl_id: str = ""
    reverses_booked_at: str = ""


@dataclass(frozen=True, slots=True)
class FundIncome:
    """Money into a fund (premium, transfer, subsidy ...) on a day, for a region and insurance
    type (fund_reports/income.py); never updated, a correction is a negative row."""

    day: str  # YYYY-MM-DD
    fund: str  # pool | hifmi | maf
    kind: str
    amount: Decimal
    admdvs: str
    insutype: str
    note: str
    source: str  # "entered", or the imported file's name and line
    entered_at: str
    id: int = 0


@dataclass(frozen=True, slots=True)
class SettlementListRecord:
    """One upload of a settlement's 结算清单 (4101) with the quality-control result of the central
    system (settlement_lists.py); a corrected upload is a new version, never an update."""

    site: str
    setl_id: str
    version: int
    setl_list_id: str
    list_json: str  # setlinfo, payinfo, diseinfo, oprninfo, iteminfo as received (canonical JSON)
    status: str  # accepted | rejected (quality control)
    qc_json: str  # the failed checks: [{"code", "field", "msg"}]
    msgid: str
    uploaded_at: str


@dataclass(frozen=True, slots=True)
class ClearingRecord:
    """A monthly clearing application (3203) of one site for one clearing type and insurance type
    (clearing.py); a withdrawal (3204) is recorded beside it (``withdrawn_at``), never an update."""

    clr_appy_evt_id: str
    site: str
    setlym: str  # YYYYMM
    clr_type: str
    insutype: str
    clr_way: str
    begndate: str
    enddate: str
    psntime: int
    amounts_json: str  # medfee_sumamt, fund_appy_sum, cash_payamt, acct_pay and the funds, as accepted
    msgid: str
    applied_at: str
    withdrawn_at: str = ""


@dataclass(frozen=True, slots=True)
class SettlementListStateRecord:
    """A status change (4102) of a settlement's uploaded list (settlement_list_status.py): the 病案
    office confirms it (``stas_type`` 1) or withdraws it (2); append-only, the last one counts."""

    site: str
    setl_id: str
    setl_list_id: str  # the upload it concerns (a later upload starts afresh)
    stas_type: str
    msgid: str
    at: str


@dataclass(frozen=True, slots=True)
class ClearingApproval:
    """The fund administrator's approval of a clearing application (`central clearing approve`,
    clearing_status.py); recorded beside the application, never an update."""

    clr_appy_evt_id: str
    at: str
    opter_name: str


@dataclass(frozen=True, slots=True)
class EcToken:
    """An e-voucher token (ecToken) the central system issued (9531, evoucher.py): whose it is
    and until when (CST, ``yyyy-MM-dd HH:mm:ss``) it identifies the person in 1101."""

    token: str
    psn_no: str
    issued_at: str
    expires_at: str


class CentralStore(Protocol):
    """What the central service needs from its database."""

    # lifecycle and transactions
    def close(self) -> None: ...
    # another connection to the same database, for another thread (queue_work.py's worker threads)
    def reopen(self) -> CentralStore: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def is_initialised(self) -> bool: ...
    def mark_initialised(self, at: str) -> None: ...
    def next_value(self, counter: str) -> int: ...

    # sites, sign-ins, nonces
    def add_site(self, site: Site) -> None: ...
    def get_site(self, code: str) -> Site | None: ...
    def list_sites(self) -> list[Site]: ...
    def add_sign_in(self, sign_no: str, site: str, opter: str, at: str) -> None: ...
    def sign_in_site(self, sign_no: str) -> str | None: ...
    def use_nonce(self, site: str, nonce: str, timestamp: int) -> bool: ...
    def prune_nonces(self, older_than: int) -> None: ...

    # the msgid answers
    def get_message(self, msgid: str) -> StoredMessage | None: ...
    def put_message(self, message: StoredMessage) -> None: ...

    # reference data
    def put_pack(self, pack: PackBlob) -> None: ...
    def list_packs(self) -> list[PackBlob]: ...
    def put_review_library(self, library: ReviewLibraryBlob) -> None: ...
    def list_review_libraries(self) -> list[ReviewLibraryBlob]: ...
    def put_catalog(self, catalog: CatalogBlob, items: Sequence[dict[str, Any]]) -> None: ...
    def get_catalog(self) -> CatalogBlob | None: ...
    def query_catalog(self, *, code: str, name: str, list_type: str, offset: int,
                      limit: int) -> tuple[list[dict[str, Any]], int]: ...

    # persons and accumulators
    def put_person(self, person: PersonRecord) -> None: ...
    def find_person(self, *, psn_no: str = "", certno: str = "", card_no: str = "",
                    ecard_code: str = "") -> PersonRecord | None: ...
    def persons_since(self, cursor: int, limit: int) -> list[PersonRecord]: ...
    def get_accumulators(self, psn_no: str, year: int) -> Accumulators | None: ...
    def put_accumulators(self, psn_no: str, year: int, values: Accumulators, at: str) -> None: ...
    def accumulators_of_year(self, year: int) -> Iterator[tuple[str, Accumulators]]: ...
    def latest_accumulators(self, psn_no: str) -> tuple[int, Accumulators] | None: ...

    # admissions and fee uploads
    def get_admission(self, site: str, mdtrt_id: str) -> dict[str, Any] | None: ...
    def put_admission(self, site: str, mdtrt_id: str, psn_no: str, data: dict[str, Any], at: str) -> None: ...
    def put_fee_upload(self, site: str, mdtrt_id: str, fees: Sequence[dict[str, Any]], at: str) -> None: ...
    # 2601 冲正 of an admission (correction.py): the admission and its fee lines are gone
    def delete_admission(self, site: str, mdtrt_id: str) -> None: ...
    # around discharge (inpatient.py): 2402/2403/2405 rewrite the admission's data, 2302 withdraws
    # fee lines (all when ``feedetl_sns`` is None) and answers the feedetl_sn withdrawn
    def update_admission(self, site: str, mdtrt_id: str, data: dict[str, Any], at: str) -> None: ...
    def fee_line_numbers(self, site: str, mdtrt_id: str) -> list[str]: ...
    def withdraw_fee_lines(self, site: str, mdtrt_id: str, feedetl_sns: Sequence[str] | None) -> list[str]: ...
    # a stay settled in periods (中途结算, stay_periods.py): the next period continues a mid-stay
    # settlement in force (which leaves encounter_in_force, its successor takes the row); reversing
    # the latest period puts the one before back in force
    def continue_stay(self, prior_setl_id: str, setl_id: str) -> None: ...
    def prior_period(self, setl_id: str) -> str | None: ...
    def later_period_in_force(self, setl_id: str) -> str | None: ...
    def reinstate_in_force(self, setl_id: str) -> None: ...

    # outpatient visits (2201-2208) and 门诊慢特病 filings (2503/2504), outpatient.py: each a JSON
    # object kept whole and replaced whole (a visit's state and fee batches, a filing's state)
    def get_visit(self, site: str, mdtrt_id: str) -> dict[str, Any] | None: ...
    def put_visit(self, site: str, mdtrt_id: str, psn_no: str, data: dict[str, Any], at: str) -> None: ...
    def put_filing(self, trt_dcla_detl_sn: str, psn_no: str, data: dict[str, Any], at: str) -> None: ...
    def filings_of(self, psn_no: str) -> list[dict[str, Any]]: ...

    # settlements and reversals
    def get_local_key(self, site: str, local_id: str) -> LocalKey | None: ...
    def add_settlement(self, record: SettlementRecord) -> None: ...
    def get_settlement(self, setl_id: str) -> SettlementRecord | None: ...
    def add_reversal(self, record: ReversalRecord) -> None: ...
    def get_reversal_of(self, setl_id: str) -> ReversalRecord | None: ...
    def get_reversal(self, rev_setl_id: str) -> ReversalRecord | None: ...
    def settlements(self, *, site: str | None = None, after_seq: int = 0,
                    limit: int | None = None) -> list[SettlementRecord]: ...
    def settlements_between(self, site: str, first_day: str, last_day: str) -> list[SettlementRecord]: ...
    def stays_in_force(self, psn_no: str, since_year: int) -> list[StayInForce]:
        """The person's settlements in force (not reversed) at every site, of ``since_year`` and
        later, in arrival order: the earlier stays the review rules (分解住院, 冒名就医) look at, as
        only what the rules read of them (the request's encounter), without the rest of each row;
        those without an encounter's dates left out."""
        ...
    def reversals_between(self, site: str, first_day: str, last_day: str) -> list[ReversalRecord]: ...
    def add_true_up(self, psn_no: str, year: int, amount: Decimal, at: str) -> None: ...

    # the fund administrator's statements (fund_reports/): insurers, fund income, contract premiums,
    # and what became final, was reversed or was trued up between two days (inclusive, by the
    # central system's own time)
    def put_insurer(self, insurer: Insurer) -> None: ...
    def list_insurers(self) -> list[Insurer]: ...
    def add_fund_income(self, rows: Sequence[FundIncome]) -> None: ...
    def fund_income_between(self, first_day: str, last_day: str) -> list[FundIncome]: ...
    def add_contract_premium(self, premium: ContractPremium) -> None: ...
    # every record (of ``year``), by year, insurer and the order recorded: the last of each counts
    def contract_premiums(self, year: int | None = None) -> list[ContractPremium]: ...
    # summed in the database by fund_queries.py (a province's year is never read row by row); with
    # ``year`` only the rows of that insurance year; ``site`` narrows the monthly lines to a hospital
    def fund_payment_groups(self, first_day: str, last_day: str, year: int | None = None) -> list[PaymentGroup]: ...
    def fund_persons(self, first_day: str, last_day: str, insurer: str | None = None) -> PersonCounts: ...
    def fund_true_up_groups(self, first_day: str, last_day: str, year: int | None = None) -> list[TrueUpGroup]: ...
    def fund_income_groups(self, first_day: str, last_day: str) -> list[IncomeGroup]: ...
    def fund_hifmi_lines(self, first_day: str, last_day: str, site: str | None = None) -> list[HifmiLine]: ...

    # the benchmark hook, 9599 (bench_sink.py): store the bytes, nothing else
    def add_sink(self, site: str, body: bytes, at: str) -> None: ...

    # the adjudication queue (9511 with ack "stored"), refusals of queued items, rebase support
    # (queue_work.py): a batch's items go into their persons' partitions with their ids' numbers
    # reserved; a worker claims the oldest partition nobody holds (PostgreSQL: FOR UPDATE SKIP
    # LOCKED; SQLite: the write transaction itself), inside its own transaction, one person each
    def queue_batch(self, site: str, msgid: str, received_at: str, full: bool,
                    entries: Sequence[QueueEntry]) -> int: ...
    def queued_psn_no(self, site: str, local_id: str) -> str | None: ...
    def claim_person(self, skip: Sequence[str] = ()) -> str | None: ...
    def person_work(self, psn_no: str) -> list[QueuedWork]: ...
    # the first of the person's items that waits for an earlier item of another person with the same
    # (site, local_id) (two desks sharing a site code): (batch_seq, idx), or None
    def first_blocked_work(self, psn_no: str) -> tuple[int, int] | None: ...
    # what a claim adjudicated, stored at once: the accumulator moves in order (a roster revision
    # each, as put_accumulators), then the settlements (as add_settlement, in order)
    def add_adjudications(self, moves: Sequence[tuple[str, int, Accumulators, str]],
                          settlements: Sequence[SettlementRecord]) -> None: ...
    def finish_work(self, psn_no: str, done: Sequence[QueuedWork]) -> None: ...
    def close_batches(self, at: str) -> int: ...
    def has_queued(self) -> bool: ...
    # the queue's figures now (``now``: time.time(), for leases); refusals stored at or after ``since``
    def queue_figures(self, now: float, since: str) -> QueueFigures: ...
    # a worker's share of the queue (`central work --partition K/N`, partitions.py): the persons whose
    # partition hash (crc32 of the psn_no, kept on their queued_person row) is ``index`` modulo ``count``
    def claim_person_in(self, index: int, count: int, skip: Sequence[str] = ()) -> str | None: ...
    def has_queued_in(self, index: int, count: int) -> bool: ...
    # batches stored by a version before the per-person queue, not finished (queue_upgrade.py): their
    # seqs; one of them locked for the caller's transaction (None once converted); its items from
    # ``LegacyBatch.done_items`` on put into their persons' partitions, as ``queue_batch`` does
    def legacy_batch_seqs(self) -> list[int]: ...
    def take_legacy_batch(self, seq: int) -> LegacyBatch | None: ...
    def requeue_legacy_batch(self, batch: LegacyBatch, entries: Sequence[QueueEntry]) -> None: ...
    # the lowest setl_id number still queued at the site (9512 pages settlements below it), or None
    def pending_floor(self, site: str) -> int | None: ...
    def add_rejection(self, site: str, local_id: str, kind: str, msgid: str, infcode: int, err_msg: str,
                      at: str, output_json: str = "{}") -> None: ...
    # the same look-ups for many local ids (9512 by local_id), a few queries whatever their number:
    # the ids among them still queued; their local keys; their last refusals
    def queued_local_ids(self, site: str, local_ids: Sequence[str]) -> set[str]: ...
    def local_keys(self, site: str, local_ids: Sequence[str]) -> dict[str, LocalKey]: ...
    def last_rejections(self, site: str, local_ids: Sequence[str]) -> dict[str, ItemRejection]: ...
    # settlements and reversals by their ids; the reversals of settlements (by the setl_id reversed)
    def settlements_by_id(self, setl_ids: Sequence[str]) -> dict[str, SettlementRecord]: ...
    def reversals_by_id(self, rev_setl_ids: Sequence[str]) -> dict[str, ReversalRecord]: ...
    def reversals_of(self, setl_ids: Sequence[str]) -> dict[str, ReversalRecord]: ...
    def site_local_ids(self, site: str, psn_no: str, year: int) -> list[str]: ...

    # one settlement in force per encounter (a settlement adds it, its reversal frees it); a site's
    # numbers after a restore (9513: the highest local_id it used, its entries above a number)
    def encounter_in_force(self, psn_no: str, mdtrt_id: str) -> InForce | None: ...
    # a person's in-force encounters by mdtrt_id (a queue claim reads them once: queue_work.py)
    def encounters_in_force(self, psn_no: str) -> dict[str, InForce]: ...
    # (``below``: only numbers under it, one desk's range when a hospital has several desks)
    def site_high_water_mark(self, site: str, below: int | None = None) -> int: ...
    def local_keys_after(self, site: str, after: int, limit: int, below: int | None = None) -> list[LocalKey]: ...

    # settlement lists (4101, 4103, 4104; settlement_lists.py) and clearing (3203, 3204; clearing.py)
    def add_settlement_list(self, record: SettlementListRecord) -> None: ...
    def last_settlement_list(self, site: str, setl_id: str) -> SettlementListRecord | None: ...
    def add_clearing(self, record: ClearingRecord) -> None: ...
    def get_clearing(self, clr_appy_evt_id: str) -> ClearingRecord | None: ...
    def clearings(self, site: str, setlym: str) -> list[ClearingRecord]: ...
    def withdraw_clearing(self, clr_appy_evt_id: str, at: str, msgid: str) -> None: ...
    # a list's status (4102; settlement_list_status.py); a site's applications of several months
    # and their approval (3205A, `central clearing approve`; clearing_status.py)
    def add_settlement_list_state(self, record: SettlementListStateRecord) -> None: ...
    def last_settlement_list_state(self, site: str, setl_id: str) -> SettlementListStateRecord | None: ...
    def clearings_between(self, site: str, setlym_from: str, setlym_to: str) -> list[ClearingRecord]: ...
    def approve_clearing(self, approval: ClearingApproval) -> None: ...
    def clearing_approval(self, clr_appy_evt_id: str) -> ClearingApproval | None: ...

    # e-voucher tokens (9531 issues, 1101 with mdtrt_cert_type 01 resolves; evoucher.py)
    def add_ec_token(self, token: EcToken) -> None: ...
    def get_ec_token(self, token: str) -> EcToken | None: ...

    # each site's audit chain head (9521, 9522; audit_heads.py), append-only
    def add_audit_head(self, head: AuditHead) -> None: ...
    def last_audit_head(self, site: str) -> AuditHead | None: ...
    def audit_restarts(self, site: str) -> list[AuditHead]: ...


class LeasingStore(CentralStore, Protocol):
    """A store whose queue workers adjudicate outside its write lock (SQLite: one writer at a time;
    queue_work.py): a worker leases a person in a short write transaction, reads and adjudicates in
    a read transaction, and writes in another short one after checking that its lease holds and
    nothing it read has changed. ``claims_by_lease`` is true on such a store."""

    claims_by_lease: bool

    # in a write transaction of its own: the oldest person nobody holds (of the share (index, count)),
    # leased to ``holder`` for ``seconds``; then, inside the caller's: whether the lease still holds
    # and ``work`` is still the head of the person's queue; the lease given back
    def lease_person(self, holder: str, seconds: float, skip: Sequence[str] = (),
                     share: tuple[int, int] | None = None) -> str | None: ...
    def holds_lease(self, psn_no: str, holder: str, work: Sequence[QueuedWork]) -> bool: ...
    def release_lease(self, psn_no: str, holder: str) -> None: ...
    # a read transaction: one state of the database for everything read inside
    def snapshot(self) -> AbstractContextManager[None]: ...
    # commits inside not each waited onto the disk (a queue claim lost with the machine stays queued)
    def redoable(self) -> AbstractContextManager[None]: ...
