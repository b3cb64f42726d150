"""The central system's storage interface, and the records that cross it.

The service (service.py) and its transaction handlers talk only to ``CentralStore``;
``SQLiteStore`` (sqlite_store.py) implements it on an SQLite file and ``PostgresStore``
(postgres_store.py) on PostgreSQL; open_store.py opens the one ``--db`` names. A method added here
is added to both (tests/central/test_postgres_store.py checks the signatures). Every write
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
class QueuedBatch:
    """A 9511 batch acknowledged after a durable store and adjudicated later (ack "stored")."""

    seq: int
    site: str
    msgid: str
    received_at: str
    full: bool
    items: int
    done_items: int  # the items before this one are adjudicated (the input: queued_batch_input)


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


@dataclass(frozen=True, slots=True)
class TrueUpRecord:
    """A year-end 大病保险 true-up paid to a person (trueup.py), never updated."""

    id: int
    psn_no: str
    year: int
    amount: Decimal
    applied_at: str


@dataclass(frozen=True, slots=True)
class Insurer:
    """An insurer (承办机构) and the (insured region, insurance type) pairs it covers; a pair is
    covered by one insurer at most (fund_reports/insurers.py)."""

    code: str
    name: str
    created_at: str
    covers: tuple[tuple[str, str], ...] = ()


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
    def stays_of_person(self, psn_no: str, since_year: int) -> list[SettlementRecord]:
        """The person's settlements in force (not reversed) at every site, of ``since_year`` and
        later, in arrival order: the earlier stays the review rules (分解住院, 冒名就医) look at."""
        ...
    def reversals_between(self, site: str, first_day: str, last_day: str) -> list[ReversalRecord]: ...
    def add_true_up(self, psn_no: str, year: int, amount: Decimal, at: str) -> None: ...

    # the fund administrator's statements (fund_reports/): what became final, was reversed or was
    # trued up between two days (inclusive, by the central system's own time), insurers, fund income
    def settlements_adjudicated_between(self, first_day: str, last_day: str) -> list[SettlementRecord]: ...
    def reversals_processed_between(self, first_day: str, last_day: str) -> list[ReversalRecord]: ...
    def true_ups_between(self, first_day: str, last_day: str) -> list[TrueUpRecord]: ...
    def settlements_of_person(self, psn_no: str, year: int) -> list[SettlementRecord]: ...
    def put_insurer(self, insurer: Insurer) -> None: ...
    def list_insurers(self) -> list[Insurer]: ...
    def add_fund_income(self, rows: Sequence[FundIncome]) -> None: ...
    def fund_income_between(self, first_day: str, last_day: str) -> list[FundIncome]: ...

    # the benchmark hook, 9599 (bench_sink.py): store the bytes, nothing else
    def add_sink(self, site: str, body: bytes, at: str) -> None: ...

    # the adjudication queue (9511 with ack "stored"), refusals of queued items, rebase support
    def queue_batch(self, site: str, msgid: str, received_at: str, full: bool, input_bytes: bytes,
                    local_ids: Sequence[str]) -> int: ...
    def next_queued_batch(self) -> QueuedBatch | None: ...
    def queued_batch_input(self, seq: int) -> bytes: ...
    def has_queued(self) -> bool: ...
    def advance_batch(self, seq: int, done_items: int, finished_at: str | None) -> None: ...
    def is_queued(self, site: str, local_id: str) -> bool: ...
    def add_rejection(self, site: str, local_id: str, kind: str, msgid: str, infcode: int, err_msg: str,
                      at: str, output_json: str = "{}") -> None: ...
    def last_rejection(self, site: str, local_id: str) -> ItemRejection | None: ...
    def site_local_ids(self, site: str, psn_no: str, year: int) -> list[str]: ...

    # one settlement in force per encounter (a settlement adds it, its reversal frees it); a site's
    # numbers after a restore (9513: the highest local_id it used, its entries above a number)
    def encounter_in_force(self, psn_no: str, mdtrt_id: str) -> InForce | None: ...
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

    # e-voucher tokens (9531 issues, 1101 with mdtrt_cert_type 01 resolves; evoucher.py)
    def add_ec_token(self, token: EcToken) -> None: ...
    def get_ec_token(self, token: str) -> EcToken | None: ...

    # each site's audit chain head (9521, 9522; audit_heads.py), append-only
    def add_audit_head(self, head: AuditHead) -> None: ...
    def last_audit_head(self, site: str) -> AuditHead | None: ...
    def audit_restarts(self, site: str) -> list[AuditHead]: ...
