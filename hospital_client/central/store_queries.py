"""The ``CentralStore`` methods whose SQL is the same on SQLite and on PostgreSQL, written once.

``StoreQueries`` is the base of both stores (sqlite_store.py, postgres_store.py). Its SQL has
``?`` placeholders (SQLite's); the PostgreSQL store turns them into ``%s`` (and a ``%`` into
``%%``) before running them. Each store provides the few hooks below (how a query is run and its
rows fetched, a person's lock, a transaction when none is open) and the words of its dialect that
differ (class attributes); it keeps for itself what differs in more than words: connections,
migrations, transactions, the bulk paths (PostgreSQL's binary COPY and unnest, SQLite's
executemany in arrival order), the queue's claims, and how errors are translated.

A method whose SQL differs between the two is written in each store, not here.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from . import fund_queries
from .partitions import partition_hash
from .queue_numbers import reserve_numbers
from .store import (
    Accumulators,
    AuditHead,
    CatalogBlob,
    ClearingApproval,
    ClearingRecord,
    ContractPremium,
    EcToken,
    FundIncome,
    HifmiLine,
    IncomeGroup,
    InForce,
    Insurer,
    InsurerCover,
    LegacyBatch,
    LocalKey,
    PackBlob,
    PaymentGroup,
    PersonCounts,
    PersonRecord,
    QueuedWork,
    QueueEntry,
    QueueFigures,
    ReversalRecord,
    ReviewLibraryBlob,
    SettlementListRecord,
    SettlementListStateRecord,
    SettlementRecord,
    Site,
    StoredMessage,
    StoreError,
    TrueUpGroup,
)
from .store_rows import (
    AUDIT_HEAD_COLUMNS,
    CATALOG_COLUMNS,
    CLEARING_COLUMNS,
    CLEARING_SELECT,
    LIST_COLUMNS,
    REVERSAL_COLUMNS,
    SETTLEMENT_COLUMNS,
    day_after,
    money_text,
    reversal_record,
    settlement_record,
    ytd_values,
)


def _json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _insert(table: str, columns: Sequence[str]) -> str:
    """``INSERT INTO table (a, b) VALUES (?, ?)`` (as store/sql.py's insert_sql: that package is the
    desk's, whose import would put its logging handler on the PostgreSQL server too)."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _where(conditions: Sequence[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """`` WHERE a AND b`` ("" without a condition) and the values of its placeholders."""
    if not conditions:
        return "", []
    return " WHERE " + " AND ".join(c for c, _ in conditions), [v for _, v in conditions]


class StoreQueries(ABC):
    """What both central stores do with the same SQL (the store.py ``CentralStore`` methods here)."""

    # --- the dialect's words ---------------------------------------------------------------------
    _FUND: fund_queries.Dialect  # the fund statements' SQL (fund_queries.py)
    _INSERT_IGNORING: str  # INSERT that skips a row whose key is taken: its head (before the table) ...
    _IGNORING_TAIL: str  # ... and its end (after VALUES)
    _POSITION: str  # the function giving where a text stands in another (0: nowhere)
    _FEE_LINE_ORDER: str  # the column that keeps fee lines in upload order
    _NUMERIC: str  # a local_id made of digits only (the desk's journal keys are numbers) ...
    _NUMBER: str  # ... and its number
    _FOR_UPDATE: str  # a read that locks the row it reads until the transaction ends
    _NO_BYTES: str  # an empty BLOB / BYTEA

    # --- hooks: how the store runs this module's SQL (``?`` placeholders) -----------------------

    @abstractmethod
    def _fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first row, or None."""

    @abstractmethod
    def _fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """A write; its cursor (``rowcount``)."""

    @abstractmethod
    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for each row of parameters."""

    @abstractmethod
    def _fetch_by_ids(self, sql: str, head: Sequence[Any], ids: Sequence[str], *,
                      replan: bool = False) -> Iterable[Any]:
        """The rows of ``sql``, whose ``IN {ids}`` stands for the ids given, its other placeholders
        ``head``. ``replan``: planned for the ids each time (where the store keeps plans)."""

    @abstractmethod
    def _lock_person(self, psn_no: str) -> None:
        """Inside a transaction, hold the person until it ends, where the store needs it."""

    @abstractmethod
    def _atomic(self) -> AbstractContextManager[Any]:
        """A transaction around several statements when none is open, where the store needs one."""

    @abstractmethod
    def _fund_run(self, sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
        """A fund statement's query (fund_queries.py: its placeholders already the store's)."""

    @abstractmethod
    def next_values(self, counter: str, count: int) -> int:
        """``count`` values of a counter at once; returns the last (the first is last - count + 1)."""

    # --- the database ------------------------------------------------------------------------------

    def next_value(self, counter: str) -> int:
        return self.next_values(counter, 1)

    def is_initialised(self) -> bool:
        return self._fetch_one("SELECT 1 FROM meta WHERE key = 'initialised_at'") is not None

    def mark_initialised(self, at: str) -> None:
        self._execute("INSERT INTO meta (key, value) VALUES ('initialised_at', ?)", (at,))

    # --- sites, sign-ins, nonces -------------------------------------------------------------------

    def add_site(self, site: Site) -> None:
        if self.get_site(site.code) is not None:
            raise StoreError(f"site {site.code} already exists")
        self._execute("INSERT INTO site (code, name, secret, created_at, active) VALUES (?, ?, ?, ?, ?)",
                      (site.code, site.name, site.secret, site.created_at, site.active))

    def get_site(self, code: str) -> Site | None:
        row = self._fetch_one("SELECT code, name, secret, created_at, active FROM site WHERE code = ?", (code,))
        return None if row is None else Site(row[0], row[1], row[2], row[3], bool(row[4]))

    def list_sites(self) -> list[Site]:
        rows = self._fetch_all("SELECT code, name, secret, created_at, active FROM site ORDER BY code")
        return [Site(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_sign_in(self, sign_no: str, site: str, opter: str, at: str) -> None:
        self._execute("INSERT INTO sign_in (sign_no, site, opter, sign_time) VALUES (?, ?, ?, ?)",
                      (sign_no, site, opter, at))

    def sign_in_site(self, sign_no: str) -> str | None:
        row = self._fetch_one("SELECT site FROM sign_in WHERE sign_no = ?", (sign_no,))
        return None if row is None else str(row[0])

    def use_nonce(self, site: str, nonce: str, timestamp: int) -> bool:
        cursor = self._execute(f"{self._INSERT_IGNORING} nonce (site, nonce, ts) VALUES (?, ?, ?){self._IGNORING_TAIL}",
                               (site, nonce, timestamp))
        return bool(cursor.rowcount == 1)

    def prune_nonces(self, older_than: int) -> None:
        self._execute("DELETE FROM nonce WHERE ts < ?", (older_than,))

    # --- stored answers ----------------------------------------------------------------------------

    def get_message(self, msgid: str) -> StoredMessage | None:
        row = self._fetch_one("SELECT msgid, site, infno, fingerprint, infcode, inf_refmsgid, refmsg_time, err_msg, "
                              "output FROM message WHERE msgid = ?", (msgid,))
        return None if row is None else StoredMessage(*row)

    def put_message(self, message: StoredMessage) -> None:
        self._execute(
            "INSERT INTO message (msgid, site, infno, fingerprint, infcode, inf_refmsgid, refmsg_time, err_msg, "
            "output) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (message.msgid, message.site, message.infno, message.fingerprint, message.infcode,
             message.inf_refmsgid, message.refmsg_time, message.err_msg, message.output_json),
        )

    # --- reference data ----------------------------------------------------------------------------

    def _put_versioned(self, table: str, blob: PackBlob | ReviewLibraryBlob) -> None:
        """A pack or a review-rule library: one version per id, replaced whole."""
        self._execute(
            f"INSERT INTO {table} (id, version, sha256, source_name, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, "
            "source_name = excluded.source_name, data = excluded.data",
            (blob.id, blob.version, blob.sha256, blob.source_name, blob.data),
        )

    def _versioned(self, table: str) -> list[tuple[str, str, str, str, bytes]]:
        rows = self._fetch_all(f"SELECT id, version, sha256, source_name, data FROM {table} ORDER BY id")
        return [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in rows]

    def put_pack(self, pack: PackBlob) -> None:
        self._put_versioned("pack", pack)

    def list_packs(self) -> list[PackBlob]:
        return [PackBlob(*row) for row in self._versioned("pack")]

    def put_review_library(self, library: ReviewLibraryBlob) -> None:
        self._put_versioned("review_library", library)

    def list_review_libraries(self) -> list[ReviewLibraryBlob]:
        return [ReviewLibraryBlob(*row) for row in self._versioned("review_library")]

    def get_catalog(self) -> CatalogBlob | None:
        row = self._fetch_one("SELECT sha256, source_name, data FROM catalog WHERE id = 1")
        return None if row is None else CatalogBlob(row[0], row[1], bytes(row[2]))

    def query_catalog(self, *, code: str, name: str, list_type: str, offset: int,
                      limit: int) -> tuple[list[dict[str, Any]], int]:
        where, params = _where([(clause, value) for clause, value in (
            ("med_list_codg = ?", code), (f"{self._POSITION}(name, ?) > 0", name), ("list_type = ?", list_type))
            if value])
        total = int(self._fetch_one(f"SELECT count(*) FROM catalog_item{where}", params)[0])
        rows = self._fetch_all(f"SELECT {', '.join(CATALOG_COLUMNS)} FROM catalog_item{where} "
                               "ORDER BY med_list_codg LIMIT ? OFFSET ?", [*params, limit, offset])
        return [dict(zip(CATALOG_COLUMNS, row, strict=True)) for row in rows], total

    # --- persons and accumulators ------------------------------------------------------------------

    def put_person(self, person: PersonRecord) -> None:
        data = person.data
        rev = self.next_value("roster_rev")
        self._execute(
            "INSERT INTO person (psn_no, certno, card_no, ecard_code, data, rev) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (psn_no) DO UPDATE SET certno = excluded.certno, card_no = excluded.card_no, "
            "ecard_code = excluded.ecard_code, data = excluded.data, rev = excluded.rev",
            (person.psn_no, data.get("certno") or "", data.get("card_no") or "", data.get("ecard_code") or "",
             json.dumps(data, ensure_ascii=False, sort_keys=True), rev),
        )

    def find_person(self, *, psn_no: str = "", certno: str = "", card_no: str = "",
                    ecard_code: str = "") -> PersonRecord | None:
        for column, value in (("psn_no", psn_no), ("certno", certno), ("card_no", card_no),
                              ("ecard_code", ecard_code)):
            if value:
                row = self._fetch_one(f"SELECT psn_no, data, rev FROM person WHERE {column} = ? ORDER BY psn_no "
                                      "LIMIT 1", (value,))
                return None if row is None else PersonRecord(row[0], json.loads(row[1]), row[2])
        return None

    def persons_since(self, cursor: int, limit: int) -> list[PersonRecord]:
        rows = self._fetch_all("SELECT psn_no, data, rev FROM person WHERE rev > ? ORDER BY rev LIMIT ?",
                               (cursor, limit))
        return [PersonRecord(r[0], json.loads(r[1]), r[2]) for r in rows]

    def get_accumulators(self, psn_no: str, year: int) -> Accumulators | None:
        self._lock_person(psn_no)
        row = self._fetch_one("SELECT ytd FROM accumulator WHERE psn_no = ? AND year = ?", (psn_no, year))
        return None if row is None else ytd_values(row[0])

    def accumulators_of_year(self, year: int) -> Iterator[tuple[str, Accumulators]]:
        rows = self._fetch_all("SELECT psn_no, ytd FROM accumulator WHERE year = ? ORDER BY psn_no", (year,))
        for psn_no, ytd in rows:
            yield psn_no, ytd_values(ytd)

    def latest_accumulators(self, psn_no: str) -> tuple[int, Accumulators] | None:
        self._lock_person(psn_no)
        row = self._fetch_one("SELECT year, ytd FROM accumulator WHERE psn_no = ? ORDER BY year DESC LIMIT 1",
                              (psn_no,))
        return None if row is None else (int(row[0]), ytd_values(row[1]))

    # --- admissions and fee uploads ----------------------------------------------------------------

    def get_admission(self, site: str, mdtrt_id: str) -> dict[str, Any] | None:
        row = self._fetch_one("SELECT data FROM admission WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))
        return None if row is None else dict(json.loads(row[0]))

    def put_admission(self, site: str, mdtrt_id: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self._execute("INSERT INTO admission (site, mdtrt_id, psn_no, data, created_at) VALUES (?, ?, ?, ?, ?)",
                      (site, mdtrt_id, psn_no, _json_text(data), at))

    def delete_admission(self, site: str, mdtrt_id: str) -> None:
        with self._atomic():
            self._execute("DELETE FROM fee_upload WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))
            self._execute("DELETE FROM admission WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))

    def update_admission(self, site: str, mdtrt_id: str, data: dict[str, Any], at: str) -> None:
        self._execute("UPDATE admission SET data = ? WHERE site = ? AND mdtrt_id = ?",
                      (_json_text(data), site, mdtrt_id))

    def fee_line_numbers(self, site: str, mdtrt_id: str) -> list[str]:
        rows = self._fetch_all(f"SELECT feedetl_sn FROM fee_upload WHERE site = ? AND mdtrt_id = ? "
                               f"ORDER BY {self._FEE_LINE_ORDER}", (site, mdtrt_id))
        return [str(r[0]) for r in rows]

    def put_fee_upload(self, site: str, mdtrt_id: str, fees: Sequence[dict[str, Any]], at: str) -> None:
        self._execute_many(
            "INSERT INTO fee_upload (site, mdtrt_id, feedetl_sn, data, uploaded_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (site, mdtrt_id, feedetl_sn) DO UPDATE SET data = excluded.data, "
            "uploaded_at = excluded.uploaded_at",
            [(site, mdtrt_id, str(f["feedetl_sn"]), _json_text(f), at) for f in fees],
        )

    # --- outpatient visits (2201-2208) and 门诊慢特病 filings (2503/2504) ----------------------------

    def get_visit(self, site: str, mdtrt_id: str) -> dict[str, Any] | None:
        row = self._fetch_one("SELECT data FROM outpatient_visit WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))
        return None if row is None else dict(json.loads(row[0]))

    def put_visit(self, site: str, mdtrt_id: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self._execute(
            "INSERT INTO outpatient_visit (site, mdtrt_id, psn_no, data, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (site, mdtrt_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (site, mdtrt_id, psn_no, _json_text(data), at),
        )

    def filings_of(self, psn_no: str) -> list[dict[str, Any]]:
        rows = self._fetch_all("SELECT data FROM chronic_filing WHERE psn_no = ? ORDER BY trt_dcla_detl_sn",
                               (psn_no,))
        return [dict(json.loads(row[0])) for row in rows]

    # --- settlements and reversals -----------------------------------------------------------------

    def get_local_key(self, site: str, local_id: str) -> LocalKey | None:
        row = self._fetch_one("SELECT site, local_id, kind, fingerprint, ref FROM local_key "
                              "WHERE site = ? AND local_id = ?", (site, local_id))
        return None if row is None else LocalKey(*row)

    def get_settlement(self, setl_id: str) -> SettlementRecord | None:
        row = self._fetch_one(f"SELECT {SETTLEMENT_COLUMNS} FROM settlement WHERE setl_id = ?", (setl_id,))
        return None if row is None else settlement_record(row)

    def get_reversal_of(self, setl_id: str) -> ReversalRecord | None:
        row = self._fetch_one(f"SELECT {REVERSAL_COLUMNS} FROM reversal WHERE setl_id = ?", (setl_id,))
        return None if row is None else reversal_record(row)

    def get_reversal(self, rev_setl_id: str) -> ReversalRecord | None:
        row = self._fetch_one(f"SELECT {REVERSAL_COLUMNS} FROM reversal WHERE rev_setl_id = ?", (rev_setl_id,))
        return None if row is None else reversal_record(row)

    def settlements(self, *, site: str | None = None, after_seq: int = 0,
                    limit: int | None = None) -> list[SettlementRecord]:
        where, params = _where([("seq > ?", after_seq), *([("site = ?", site)] if site is not None else [])])
        sql = f"SELECT {SETTLEMENT_COLUMNS} FROM settlement{where} ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [settlement_record(row) for row in self._fetch_all(sql, params)]

    def settlements_between(self, site: str, first_day: str, last_day: str) -> list[SettlementRecord]:
        rows = self._fetch_all(f"SELECT {SETTLEMENT_COLUMNS} FROM settlement WHERE site = ? "
                               "AND substr(setl_time, 1, 10) BETWEEN ? AND ? ORDER BY seq", (site, first_day, last_day))
        return [settlement_record(row) for row in rows]

    def reversals_between(self, site: str, first_day: str, last_day: str) -> list[ReversalRecord]:
        rows = self._fetch_all(f"SELECT {REVERSAL_COLUMNS} FROM reversal WHERE site = ? "
                               "AND substr(rev_time, 1, 10) BETWEEN ? AND ? ORDER BY seq", (site, first_day, last_day))
        return [reversal_record(row) for row in rows]

    def add_true_up(self, psn_no: str, year: int, amount: Decimal, at: str) -> None:
        self._execute("INSERT INTO true_up (psn_no, year, amount, applied_at) VALUES (?, ?, ?, ?)",
                      (psn_no, year, money_text(amount), at))

    def add_sink(self, site: str, body: bytes, at: str) -> None:
        self._execute("INSERT INTO sink (site, received_at, body) VALUES (?, ?, ?)", (site, at, body))

    # --- the fund administrator's statements (fund_reports/) ---------------------------------------

    def list_insurers(self) -> list[Insurer]:
        covers: dict[str, list[InsurerCover]] = {}
        for admdvs, insutype, valid_from, valid_to, code in self._fetch_all(
                "SELECT admdvs, insutype, valid_from, valid_to, insurer FROM insurer_cover "
                "ORDER BY admdvs, insutype, valid_from"):
            covers.setdefault(code, []).append(InsurerCover(admdvs, insutype, valid_from, valid_to))
        rows = self._fetch_all("SELECT code, name, created_at FROM insurer ORDER BY code")
        return [Insurer(code, name, created_at, tuple(covers.get(code, ()))) for code, name, created_at in rows]

    def add_fund_income(self, rows: Sequence[FundIncome]) -> None:
        self._execute_many(
            "INSERT INTO fund_income (day, fund, kind, amount, admdvs, insutype, note, source, entered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.day, r.fund, r.kind, money_text(r.amount), r.admdvs, r.insutype, r.note, r.source, r.entered_at)
             for r in rows])

    def fund_income_between(self, first_day: str, last_day: str) -> list[FundIncome]:
        rows = self._fetch_all(
            "SELECT id, day, fund, kind, amount, admdvs, insutype, note, source, entered_at FROM fund_income "
            "WHERE day BETWEEN ? AND ? ORDER BY day, id", (first_day, last_day))
        return [FundIncome(id=r[0], day=r[1], fund=r[2], kind=r[3], amount=Decimal(r[4]), admdvs=r[5],
                           insutype=r[6], note=r[7], source=r[8], entered_at=r[9]) for r in rows]

    def add_contract_premium(self, premium: ContractPremium) -> None:
        self._execute(
            "INSERT INTO contract_premium (insurer, year, premium, other_costs, note, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (premium.insurer, premium.year, money_text(premium.premium),
                                          money_text(premium.other_costs), premium.note, premium.recorded_at))

    def contract_premiums(self, year: int | None = None) -> list[ContractPremium]:
        where, params = _where([("year = ?", year)] if year is not None else [])
        rows = self._fetch_all("SELECT id, insurer, year, premium, other_costs, note, recorded_at FROM "
                               f"contract_premium{where} ORDER BY year, insurer, id", params)
        return [ContractPremium(id=r[0], insurer=r[1], year=r[2], premium=Decimal(r[3]), other_costs=Decimal(r[4]),
                                note=r[5], recorded_at=r[6]) for r in rows]

    def fund_payment_groups(self, first_day: str, last_day: str, year: int | None = None) -> list[PaymentGroup]:
        return fund_queries.payment_groups(self._FUND, self._fund_run, first_day, day_after(last_day), year)

    def fund_persons(self, first_day: str, last_day: str, insurer: str | None = None) -> PersonCounts:
        return fund_queries.person_counts(self._FUND, self._fund_run, first_day, day_after(last_day), insurer)

    def fund_true_up_groups(self, first_day: str, last_day: str, year: int | None = None) -> list[TrueUpGroup]:
        return fund_queries.true_up_groups(self._FUND, self._fund_run, first_day, day_after(last_day), year)

    def fund_income_groups(self, first_day: str, last_day: str) -> list[IncomeGroup]:
        return fund_queries.income_groups(self._FUND, self._fund_run, first_day, last_day)

    def fund_hifmi_lines(self, first_day: str, last_day: str, site: str | None = None) -> list[HifmiLine]:
        return fund_queries.hifmi_lines(self._FUND, self._fund_run, first_day, day_after(last_day), site)

    # --- the adjudication queue (9511 with ack "stored") -------------------------------------------

    def queued_psn_no(self, site: str, local_id: str) -> str | None:
        row = self._fetch_one("SELECT psn_no FROM queued_work WHERE site = ? AND local_id = ? "
                              "ORDER BY batch_seq DESC, idx DESC LIMIT 1", (site, local_id))
        return None if row is None else str(row[0])

    def person_work(self, psn_no: str) -> list[QueuedWork]:
        rows = self._fetch_all(
            'SELECT batch_seq, idx, site, local_id, kind, number, msgid, received_at, "full", item FROM queued_work '
            "WHERE psn_no = ? ORDER BY batch_seq, idx", (psn_no,))
        return [QueuedWork(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bytes(r[9])) for r in rows]

    def close_batches(self, at: str) -> int:
        done = self._execute(
            "UPDATE queued_batch SET done_items = items, finished_at = ? WHERE finished_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM queued_work w WHERE w.batch_seq = queued_batch.seq) "
            "AND length(input) = 0", (at,))  # (a batch of the version before: converted first, queue_upgrade.py)
        return int(done.rowcount)

    def has_queued(self) -> bool:
        return self._fetch_one("SELECT 1 FROM queued_person LIMIT 1") is not None

    def queue_figures(self, now: float, since: str) -> QueueFigures:
        kinds = {str(kind): int(n)
                 for kind, n in self._fetch_all("SELECT kind, count(*) FROM queued_work GROUP BY kind")}
        oldest = self._fetch_one("SELECT received_at FROM queued_work ORDER BY batch_seq, idx LIMIT 1")
        claimed = None
        if getattr(self, "claims_by_lease", False):
            claimed = int(self._fetch_one("SELECT count(*) FROM queued_person WHERE lease_until > ?", (now,))[0])
        return QueueFigures(
            settlements=kinds.get("settlement", 0), reversals=kinds.get("reversal", 0),
            persons=int(self._fetch_one("SELECT count(*) FROM queued_person")[0]),
            open_batches=int(self._fetch_one("SELECT count(*) FROM queued_batch WHERE finished_at IS NULL")[0]),
            oldest_received_at=None if oldest is None else str(oldest[0]), claimed=claimed,
            refused_since=int(self._fetch_one("SELECT count(*) FROM item_rejection WHERE at >= ?", (since,))[0]))

    def has_queued_in(self, index: int, count: int) -> bool:
        return self._fetch_one("SELECT 1 FROM queued_person WHERE partition_hash % ? = ? LIMIT 1",
                               (count, index)) is not None

    def legacy_batch_seqs(self) -> list[int]:
        return [int(row[0]) for row in self._fetch_all(
            "SELECT seq FROM queued_batch WHERE finished_at IS NULL AND length(input) > 0 ORDER BY seq")]

    def take_legacy_batch(self, seq: int) -> LegacyBatch | None:
        row = self._fetch_one('SELECT seq, site, msgid, received_at, "full", done_items, input FROM queued_batch '
                              f"WHERE seq = ? AND finished_at IS NULL AND length(input) > 0{self._FOR_UPDATE}", (seq,))
        return None if row is None else LegacyBatch(int(row[0]), str(row[1]), str(row[2]), str(row[3]),
                                                     bool(row[4]), int(row[5]), bytes(row[6]))

    def requeue_legacy_batch(self, batch: LegacyBatch, entries: Sequence[QueueEntry]) -> None:
        first = batch.done_items  # the items before it were adjudicated by the version before
        firsts: dict[str, int] = {}
        for i, e in enumerate(entries):
            firsts.setdefault(e.psn_no, first + i)
        with self._atomic():
            numbers = reserve_numbers(self.next_values, entries)
            self._execute_many(
                "INSERT INTO queued_person (psn_no, first_batch, first_idx, partition_hash) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (psn_no) DO UPDATE SET first_batch = excluded.first_batch, "
                "first_idx = excluded.first_idx WHERE (excluded.first_batch, excluded.first_idx) "
                "< (queued_person.first_batch, queued_person.first_idx)",
                [(psn_no, batch.seq, i, partition_hash(psn_no)) for psn_no, i in sorted(firsts.items())])
            self._execute("DELETE FROM queued_item WHERE site = ? AND batch_seq = ?", (batch.site, batch.seq))
            self._execute_many(f"{self._INSERT_IGNORING} queued_item (site, local_id, batch_seq) VALUES (?, ?, ?)"
                               f"{self._IGNORING_TAIL}", [(batch.site, e.local_id, batch.seq) for e in entries])
            self._execute_many(
                'INSERT INTO queued_work (psn_no, batch_seq, idx, site, local_id, kind, number, msgid, received_at, '
                '"full", item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                [(e.psn_no, batch.seq, first + i, batch.site, e.local_id, e.kind, numbers[i], batch.msgid,
                  batch.received_at, batch.full, e.item) for i, e in enumerate(entries)])
            self._execute(f"UPDATE queued_batch SET input = {self._NO_BYTES} WHERE site = ? AND seq = ?",
                          (batch.site, batch.seq))

    def pending_floor(self, site: str) -> int | None:
        row = self._fetch_one("SELECT MIN(number) FROM queued_work WHERE site = ? AND kind = 'settlement'", (site,))
        return None if row is None or row[0] is None else int(row[0])

    def add_rejection(self, site: str, local_id: str, kind: str, msgid: str, infcode: int, err_msg: str,
                      at: str, output_json: str = "{}") -> None:
        self._execute(
            "INSERT INTO item_rejection (site, local_id, kind, msgid, infcode, err_msg, at, output) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (site, local_id, kind, msgid, infcode, err_msg, at, output_json))

    # --- the same look-ups for many ids at once (9512 by local_id) ---------------------------------

    def queued_local_ids(self, site: str, local_ids: Sequence[str]) -> set[str]:
        return {str(row[0]) for row in self._fetch_by_ids(
            "SELECT DISTINCT local_id FROM queued_item WHERE site = ? AND local_id IN {ids}", (site,), local_ids)}

    def local_keys(self, site: str, local_ids: Sequence[str]) -> dict[str, LocalKey]:
        # replan: a plan kept from when the table was small (a PostgreSQL worker's prepared statement)
        # looks the site's keys up and filters them, reading every key of the site
        keys = (LocalKey(*row) for row in self._fetch_by_ids(
            "SELECT site, local_id, kind, fingerprint, ref FROM local_key WHERE site = ? AND local_id IN {ids}",
            (site,), local_ids, replan=True))
        return {key.local_id: key for key in keys}

    def settlements_by_id(self, setl_ids: Sequence[str]) -> dict[str, SettlementRecord]:
        records = (settlement_record(row) for row in self._fetch_by_ids(
            f"SELECT {SETTLEMENT_COLUMNS} FROM settlement WHERE setl_id IN {{ids}}", (), setl_ids))
        return {record.setl_id: record for record in records}

    def reversals_by_id(self, rev_setl_ids: Sequence[str]) -> dict[str, ReversalRecord]:
        records = (reversal_record(row) for row in self._fetch_by_ids(
            f"SELECT {REVERSAL_COLUMNS} FROM reversal WHERE rev_setl_id IN {{ids}}", (), rev_setl_ids))
        return {record.rev_setl_id: record for record in records}

    def reversals_of(self, setl_ids: Sequence[str]) -> dict[str, ReversalRecord]:
        records = (reversal_record(row) for row in self._fetch_by_ids(
            f"SELECT {REVERSAL_COLUMNS} FROM reversal WHERE setl_id IN {{ids}} ORDER BY seq", (), setl_ids))
        found: dict[str, ReversalRecord] = {}
        for record in records:
            found.setdefault(record.setl_id, record)
        return found

    # --- one settlement in force per encounter; a stay in periods; a site's numbers (9513) ---------

    def encounters_in_force(self, psn_no: str) -> dict[str, InForce]:
        self._lock_person(psn_no)
        rows = self._fetch_all("SELECT psn_no, mdtrt_id, setl_id, site, local_id, setl_time FROM encounter_in_force "
                               "WHERE psn_no = ?", (psn_no,))
        return {str(row[1]): InForce(*row) for row in rows}

    def encounter_in_force(self, psn_no: str, mdtrt_id: str) -> InForce | None:
        self._lock_person(psn_no)
        row = self._fetch_one("SELECT psn_no, mdtrt_id, setl_id, site, local_id, setl_time FROM encounter_in_force "
                              "WHERE psn_no = ? AND mdtrt_id = ?", (psn_no, mdtrt_id))
        return None if row is None else InForce(*row)

    def prior_period(self, setl_id: str) -> str | None:
        row = self._fetch_one("SELECT prior_setl_id FROM stay_period WHERE setl_id = ?", (setl_id,))
        return None if row is None else str(row[0])

    def reinstate_in_force(self, setl_id: str) -> None:
        self._execute("INSERT INTO encounter_in_force (psn_no, mdtrt_id, setl_id, site, local_id, setl_time) "
                      "SELECT psn_no, mdtrt_id, setl_id, site, local_id, setl_time FROM settlement "
                      "WHERE setl_id = ?", (setl_id,))

    def site_high_water_mark(self, site: str, below: int | None = None) -> int:
        top = 2**63 - 1 if below is None else below
        number, numeric = self._NUMBER, self._NUMERIC
        row = self._fetch_one(
            f"SELECT MAX(n) FROM (SELECT {number} AS n FROM local_key WHERE site = ? AND {numeric} "
            f"UNION ALL SELECT {number} FROM queued_item WHERE site = ? AND {numeric} "
            f"UNION ALL SELECT {number} FROM item_rejection WHERE site = ? AND {numeric}) AS numbers WHERE n < ?",
            (site, site, site, top))
        return int(row[0] or 0)

    def local_keys_after(self, site: str, after: int, limit: int, below: int | None = None) -> list[LocalKey]:
        top = 2**63 - 1 if below is None else below
        number = self._NUMBER
        rows = self._fetch_all(
            f"SELECT site, local_id, kind, fingerprint, ref FROM local_key WHERE site = ? AND {self._NUMERIC} "
            f"AND {number} > ? AND {number} < ? ORDER BY {number} LIMIT ?", (site, after, top, limit))
        return [LocalKey(*row) for row in rows]

    def site_local_ids(self, site: str, psn_no: str, year: int) -> list[str]:
        rows = self._fetch_all(
            "SELECT local_id FROM settlement WHERE site = ? AND psn_no = ? AND year = ? "
            "UNION ALL SELECT local_id FROM reversal WHERE site = ? AND psn_no = ? AND year = ?",
            (site, psn_no, year, site, psn_no, year))
        return [str(r[0]) for r in rows]

    # --- e-voucher tokens (evoucher.py) ------------------------------------------------------------

    def add_ec_token(self, token: EcToken) -> None:
        self._execute("INSERT INTO ec_token (token, psn_no, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                      (token.token, token.psn_no, token.issued_at, token.expires_at))

    def get_ec_token(self, token: str) -> EcToken | None:
        row = self._fetch_one("SELECT token, psn_no, issued_at, expires_at FROM ec_token WHERE token = ?", (token,))
        return None if row is None else EcToken(*row)

    # --- audit chain heads (audit_heads.py) --------------------------------------------------------

    def add_audit_head(self, head: AuditHead) -> None:
        self._execute(_insert("audit_head", AUDIT_HEAD_COLUMNS),
                      [getattr(head, name) for name in AUDIT_HEAD_COLUMNS])

    def last_audit_head(self, site: str) -> AuditHead | None:
        row = self._fetch_one(f"SELECT {', '.join(AUDIT_HEAD_COLUMNS)} FROM audit_head WHERE site = ? "
                              "ORDER BY id DESC LIMIT 1", (site,))
        return None if row is None else AuditHead(*row)

    def audit_restarts(self, site: str) -> list[AuditHead]:
        rows = self._fetch_all(f"SELECT {', '.join(AUDIT_HEAD_COLUMNS)} FROM audit_head WHERE site = ? "
                               "AND kind = 'restart' ORDER BY id", (site,))
        return [AuditHead(*row) for row in rows]

    # --- settlement lists (4101-4104) and clearing (3203-3205A) ------------------------------------

    def add_settlement_list(self, record: SettlementListRecord) -> None:
        self._execute(_insert("settlement_list", LIST_COLUMNS),
                      (record.site, record.setl_id, record.version, record.setl_list_id, record.list_json,
                       record.status, record.qc_json, record.msgid, record.uploaded_at))

    def last_settlement_list(self, site: str, setl_id: str) -> SettlementListRecord | None:
        row = self._fetch_one(f"SELECT {', '.join(LIST_COLUMNS)} FROM settlement_list WHERE site = ? AND setl_id = ? "
                              "ORDER BY version DESC LIMIT 1", (site, setl_id))
        return None if row is None else SettlementListRecord(*row)

    def add_settlement_list_state(self, record: SettlementListStateRecord) -> None:
        self._execute("INSERT INTO settlement_list_state (site, setl_id, setl_list_id, stas_type, msgid, at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (record.site, record.setl_id, record.setl_list_id,
                                                    record.stas_type, record.msgid, record.at))

    def last_settlement_list_state(self, site: str, setl_id: str) -> SettlementListStateRecord | None:
        row = self._fetch_one("SELECT site, setl_id, setl_list_id, stas_type, msgid, at FROM settlement_list_state "
                              "WHERE site = ? AND setl_id = ? ORDER BY id DESC LIMIT 1", (site, setl_id))
        return None if row is None else SettlementListStateRecord(*row)

    def add_clearing(self, record: ClearingRecord) -> None:
        self._execute(_insert("clearing", CLEARING_COLUMNS),
                      (record.clr_appy_evt_id, record.site, record.setlym, record.clr_type, record.insutype,
                       record.clr_way, record.begndate, record.enddate, record.psntime, record.amounts_json,
                       record.msgid, record.applied_at))

    def get_clearing(self, clr_appy_evt_id: str) -> ClearingRecord | None:
        row = self._fetch_one(f"{CLEARING_SELECT} WHERE c.clr_appy_evt_id = ?", (clr_appy_evt_id,))
        return None if row is None else ClearingRecord(*row)

    def clearings(self, site: str, setlym: str) -> list[ClearingRecord]:
        rows = self._fetch_all(f"{CLEARING_SELECT} WHERE c.site = ? AND c.setlym = ? ORDER BY c.applied_at, "
                               "c.clr_appy_evt_id", (site, setlym))
        return [ClearingRecord(*row) for row in rows]

    def clearings_between(self, site: str, setlym_from: str, setlym_to: str) -> list[ClearingRecord]:
        rows = self._fetch_all(f"{CLEARING_SELECT} WHERE c.site = ? AND c.setlym BETWEEN ? AND ? "
                               "ORDER BY c.setlym, c.applied_at, c.clr_appy_evt_id", (site, setlym_from, setlym_to))
        return [ClearingRecord(*row) for row in rows]

    def withdraw_clearing(self, clr_appy_evt_id: str, at: str, msgid: str) -> None:
        self._execute("INSERT INTO clearing_withdrawal (clr_appy_evt_id, at, msgid) VALUES (?, ?, ?)",
                      (clr_appy_evt_id, at, msgid))

    def approve_clearing(self, approval: ClearingApproval) -> None:
        self._execute("INSERT INTO clearing_approval (clr_appy_evt_id, at, opter_name) VALUES (?, ?, ?)",
                      (approval.clr_appy_evt_id, approval.at, approval.opter_name))

    def clearing_approval(self, clr_appy_evt_id: str) -> ClearingApproval | None:
        row = self._fetch_one("SELECT clr_appy_evt_id, at, opter_name FROM clearing_approval "
                              "WHERE clr_appy_evt_id = ?", (clr_appy_evt_id,))
        return None if row is None else ClearingApproval(*row)


__all__ = ["StoreQueries"]
