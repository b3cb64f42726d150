"""The central system's SQLite store (sqlite-utils): WAL, synchronous=FULL, migrations.

One connection, used by one thread at a time (the service serialises requests). Settlements,
reversals, local keys and stored answers are append-only: triggers refuse UPDATE and DELETE.
The queries whose SQL both stores share are written once in store_queries.py (``StoreQueries``,
in this store's ``?`` placeholders); this module holds what is SQLite's own: the connection,
encryption, migrations, transactions, the queue's arrival-order appends (executemany) and claims.

Encryption at rest (optional): with ``encrypt=True``, or ``HOSPITAL_CENTRAL_ENCRYPT=1`` in the
environment of ``central init``, a new central database is made the way the desk's is
(SQLCipher, a random key in the OS keyring of the user running the server, named after the
database id; ``hospital-client key export/import --db`` escrow it). An existing file is opened
as it is: plaintext, or encrypted (keyed from the keyring) when it has no SQLite header.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from .. import config
from ..rules import SETLINFO_KEYS
from ..store import connection as desk_connection
from ..store import errors as desk_errors
from ..store.file_header import SQLITE_MAGIC, read_head
from ..store.sql import append_only_triggers, insert_sql
from . import fund_queries
from .partitions import partition_hash
from .queue_numbers import reserve_numbers as _reserve_numbers
from .stays_in_force import StayInForce, stays_in_force
from .store import (
    Accumulators,
    CatalogBlob,
    Insurer,
    ItemRejection,
    QueuedWork,
    QueueEntry,
    ReversalRecord,
    SettlementRecord,
    StoreError,
)
from .store_queries import StoreQueries
from .store_rows import REVERSAL_COLUMNS, SETTLEMENT_COLUMNS, last_moves, reversal_values, settlement_values, ytd_text

MIGRATIONS = Migrations("hospital_client_central")
BUSY_TIMEOUT_MS = 10_000


def _encrypted_connect(path: Path, *, create: bool) -> desk_connection.CipherConnection:
    """An SQLCipher connection through the desk store's one connection factory (keys from the
    OS keyring)."""
    try:
        return desk_connection.raw_connection(path, mode="rwc" if create else "rw", busy_timeout_ms=BUSY_TIMEOUT_MS)
    except desk_errors.StoreError as exc:
        raise StoreError(str(exc)) from None


def _wants_encryption(path: Path, create: bool, encrypt: bool | None) -> bool:
    head = read_head(path)
    if head:
        return not head.startswith(SQLITE_MAGIC)
    if not create:
        return False
    return encrypt if encrypt is not None else os.environ.get(config.ENV_CENTRAL_ENCRYPT, "") in ("1", "true", "yes")


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    money = ",\n  ".join(f"{k} TEXT NOT NULL" for k in SETLINFO_KEYS)
    db.executescript(f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE site (
  code TEXT PRIMARY KEY, name TEXT NOT NULL, secret TEXT NOT NULL, created_at TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE sign_in (sign_no TEXT PRIMARY KEY, site TEXT NOT NULL REFERENCES site (code),
  opter TEXT NOT NULL, sign_time TEXT NOT NULL);
CREATE TABLE nonce (site TEXT NOT NULL, nonce TEXT NOT NULL, ts INTEGER NOT NULL,
  PRIMARY KEY (site, nonce)) WITHOUT ROWID;
CREATE INDEX nonce_ts ON nonce (ts);
CREATE TABLE message (
  msgid TEXT PRIMARY KEY, site TEXT NOT NULL, infno TEXT NOT NULL, fingerprint TEXT NOT NULL,
  infcode INTEGER NOT NULL, inf_refmsgid TEXT NOT NULL, refmsg_time TEXT NOT NULL, err_msg TEXT NOT NULL,
  output TEXT NOT NULL
);
CREATE TABLE pack (id TEXT PRIMARY KEY, version TEXT NOT NULL, sha256 TEXT NOT NULL,
  source_name TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE catalog (id INTEGER PRIMARY KEY CHECK (id = 1), sha256 TEXT NOT NULL, source_name TEXT NOT NULL,
  data BLOB NOT NULL);
CREATE TABLE catalog_item (
  med_list_codg TEXT PRIMARY KEY, name TEXT NOT NULL, list_type TEXT NOT NULL, chrgitm_lv TEXT NOT NULL,
  selfpay_prop TEXT, pric_uplmt_amt TEXT, unit TEXT NOT NULL
);
CREATE TABLE person (
  psn_no TEXT PRIMARY KEY, certno TEXT NOT NULL, card_no TEXT NOT NULL, ecard_code TEXT NOT NULL,
  data TEXT NOT NULL, rev INTEGER NOT NULL
);
CREATE INDEX person_certno ON person (certno);
CREATE INDEX person_card_no ON person (card_no);
CREATE INDEX person_ecard_code ON person (ecard_code);
CREATE INDEX person_rev ON person (rev);
CREATE TABLE accumulator (
  psn_no TEXT NOT NULL REFERENCES person (psn_no), year INTEGER NOT NULL, ytd TEXT NOT NULL,
  updated_at TEXT NOT NULL, PRIMARY KEY (psn_no, year)
);
CREATE INDEX accumulator_year ON accumulator (year);
CREATE TABLE admission (
  site TEXT NOT NULL, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (site, mdtrt_id)
);
CREATE TABLE fee_upload (
  site TEXT NOT NULL, mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, data TEXT NOT NULL,
  uploaded_at TEXT NOT NULL, PRIMARY KEY (site, mdtrt_id, feedetl_sn)
);
CREATE TABLE local_key (
  site TEXT NOT NULL, local_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('settlement', 'reversal')),
  fingerprint TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (site, local_id)
);
CREATE TABLE settlement (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  setl_id TEXT NOT NULL UNIQUE, site TEXT NOT NULL REFERENCES site (code), local_id TEXT NOT NULL,
  msgid TEXT NOT NULL, psn_no TEXT NOT NULL, mdtrt_id TEXT NOT NULL, year INTEGER NOT NULL,
  setl_time TEXT NOT NULL, adjudicated_at TEXT NOT NULL, fingerprint TEXT NOT NULL,
  pack_id TEXT NOT NULL, pack_version TEXT NOT NULL, pack_sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'adjusted')),
  request TEXT NOT NULL, person TEXT NOT NULL, provisional TEXT NOT NULL, final TEXT NOT NULL, summary TEXT NOT NULL,
  ytd_before TEXT NOT NULL, ytd_after TEXT NOT NULL, adjustment TEXT NOT NULL,
  {money},
  UNIQUE (site, local_id)
);
CREATE INDEX settlement_site_time ON settlement (site, setl_time);
CREATE TABLE reversal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  rev_setl_id TEXT NOT NULL UNIQUE, setl_id TEXT NOT NULL UNIQUE REFERENCES settlement (setl_id),
  site TEXT NOT NULL REFERENCES site (code), local_id TEXT NOT NULL, msgid TEXT NOT NULL, psn_no TEXT NOT NULL,
  year INTEGER NOT NULL, rev_time TEXT NOT NULL, processed_at TEXT NOT NULL, fingerprint TEXT NOT NULL,
  ytd_before TEXT NOT NULL, ytd_after TEXT NOT NULL,
  {money},
  UNIQUE (site, local_id)
);
CREATE INDEX reversal_site_time ON reversal (site, rev_time);
CREATE TABLE true_up (
  id INTEGER PRIMARY KEY AUTOINCREMENT, psn_no TEXT NOT NULL, year INTEGER NOT NULL, amount TEXT NOT NULL,
  applied_at TEXT NOT NULL
);
CREATE TABLE sink (seq INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, received_at TEXT NOT NULL,
  body BLOB NOT NULL);
{append_only_triggers("message")}
{append_only_triggers("local_key")}
{append_only_triggers("settlement")}
{append_only_triggers("reversal")}
{append_only_triggers("true_up")}
""")


@MIGRATIONS()
def m002_adjudication_queue(db: Database) -> None:
    """9511 with ack "stored": batches kept durably and adjudicated later, in arrival order; item
    refusals kept for 9512; indexes for the per-site entries a person's accumulators include."""
    db.executescript("""
CREATE TABLE queued_batch (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL REFERENCES site (code), msgid TEXT NOT NULL,
  received_at TEXT NOT NULL, full INTEGER NOT NULL, items INTEGER NOT NULL, input BLOB NOT NULL,
  done_items INTEGER NOT NULL DEFAULT 0, finished_at TEXT
);
CREATE INDEX queued_batch_open ON queued_batch (finished_at, seq);
CREATE TABLE queued_item (site TEXT NOT NULL, local_id TEXT NOT NULL, batch_seq INTEGER NOT NULL,
  PRIMARY KEY (site, local_id, batch_seq)) WITHOUT ROWID;
CREATE TABLE item_rejection (
  id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, local_id TEXT NOT NULL, kind TEXT NOT NULL,
  msgid TEXT NOT NULL, infcode INTEGER NOT NULL, err_msg TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX item_rejection_key ON item_rejection (site, local_id, id);
CREATE INDEX settlement_site_psn ON settlement (site, psn_no, year);
CREATE INDEX reversal_site_psn ON reversal (site, psn_no, year);
""")


@MIGRATIONS()
def m003_encounter_in_force(db: Database) -> None:
    """One settlement in force per encounter (psn_no + mdtrt_id), whatever the site or local_id:
    ``encounter_in_force`` holds it, its primary key refuses a second one. Triggers keep it: a
    settlement's insert adds its row (and fails on a second settlement of the encounter), a
    reversal's insert frees the encounter. Filled from the settlements not reversed (the first of
    an encounter, should an older database hold two). Item refusals keep their output (9512)."""
    db.executescript("""
CREATE TABLE encounter_in_force (
  psn_no TEXT NOT NULL, mdtrt_id TEXT NOT NULL,
  setl_id TEXT NOT NULL UNIQUE REFERENCES settlement (setl_id),
  site TEXT NOT NULL, local_id TEXT NOT NULL, setl_time TEXT NOT NULL,
  PRIMARY KEY (psn_no, mdtrt_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO encounter_in_force (psn_no, mdtrt_id, setl_id, site, local_id, setl_time)
  SELECT s.psn_no, s.mdtrt_id, s.setl_id, s.site, s.local_id, s.setl_time FROM settlement s
  WHERE s.mdtrt_id <> '' AND NOT EXISTS (SELECT 1 FROM reversal r WHERE r.setl_id = s.setl_id) ORDER BY s.seq;
CREATE TRIGGER settlement_in_force AFTER INSERT ON settlement WHEN NEW.mdtrt_id <> ''
BEGIN
  INSERT INTO encounter_in_force (psn_no, mdtrt_id, setl_id, site, local_id, setl_time)
  VALUES (NEW.psn_no, NEW.mdtrt_id, NEW.setl_id, NEW.site, NEW.local_id, NEW.setl_time);
END;
CREATE TRIGGER reversal_frees_encounter AFTER INSERT ON reversal
BEGIN
  DELETE FROM encounter_in_force WHERE setl_id = NEW.setl_id;
END;
ALTER TABLE item_rejection ADD COLUMN output TEXT NOT NULL DEFAULT '{}';
""")


@MIGRATIONS()
def m004_audit_heads(db: Database) -> None:
    """Each site's audit chain head (9521), one row per change, append-only (audit_heads.py)."""
    db.executescript(f"""
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL REFERENCES site (code), seq INTEGER NOT NULL,
  hash TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('head', 'restart')),
  msgid TEXT NOT NULL, received_at TEXT NOT NULL, restart_seq INTEGER, replaced_seq INTEGER, replaced_hash TEXT
);
CREATE INDEX audit_head_site ON audit_head (site, id);
{append_only_triggers("audit_head")}
""")


@MIGRATIONS()
def m005_settlement_lists_and_clearing(db: Database) -> None:
    """Settlement lists (4101), one row per upload with its quality-control result, and monthly
    clearing applications (3203) with their withdrawals (3204); all append-only."""
    db.executescript(f"""
CREATE TABLE settlement_list (
  site TEXT NOT NULL REFERENCES site (code), setl_id TEXT NOT NULL REFERENCES settlement (setl_id),
  version INTEGER NOT NULL, setl_list_id TEXT NOT NULL UNIQUE, list TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')), qc TEXT NOT NULL, msgid TEXT NOT NULL,
  uploaded_at TEXT NOT NULL, PRIMARY KEY (site, setl_id, version)
);
CREATE TABLE clearing (
  clr_appy_evt_id TEXT PRIMARY KEY, site TEXT NOT NULL REFERENCES site (code), setlym TEXT NOT NULL,
  clr_type TEXT NOT NULL, insutype TEXT NOT NULL, clr_way TEXT NOT NULL, begndate TEXT NOT NULL,
  enddate TEXT NOT NULL, psntime INTEGER NOT NULL, amounts TEXT NOT NULL, msgid TEXT NOT NULL,
  applied_at TEXT NOT NULL
);
CREATE INDEX clearing_site_month ON clearing (site, setlym);
CREATE TABLE clearing_withdrawal (
  clr_appy_evt_id TEXT PRIMARY KEY REFERENCES clearing (clr_appy_evt_id), at TEXT NOT NULL, msgid TEXT NOT NULL
);
{append_only_triggers("settlement_list")}
{append_only_triggers("clearing")}
{append_only_triggers("clearing_withdrawal")}
""")


@MIGRATIONS()
def m006_fund_reports(db: Database) -> None:
    """The fund administrator's statements (fund_reports/): insurers and the (region, insurance
    type) pairs each covers (reference data), money into the funds (append-only), and indexes by
    the central system's own time of adjudication, reversal and true-up."""
    db.executescript(f"""
CREATE TABLE insurer (code TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE insurer_cover (
  admdvs TEXT NOT NULL, insutype TEXT NOT NULL, insurer TEXT NOT NULL REFERENCES insurer (code),
  PRIMARY KEY (admdvs, insutype)
) WITHOUT ROWID;
CREATE TABLE fund_income (
  id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, fund TEXT NOT NULL, kind TEXT NOT NULL,
  amount TEXT NOT NULL, admdvs TEXT NOT NULL, insutype TEXT NOT NULL, note TEXT NOT NULL, source TEXT NOT NULL,
  entered_at TEXT NOT NULL
);
CREATE INDEX fund_income_day ON fund_income (day);
CREATE INDEX settlement_adjudicated ON settlement (adjudicated_at);
CREATE INDEX reversal_processed ON reversal (processed_at);
CREATE INDEX true_up_applied ON true_up (applied_at);
CREATE INDEX true_up_psn ON true_up (psn_no, year);
{append_only_triggers("fund_income")}
""")


@MIGRATIONS()
def m007_e_voucher_tokens(db: Database) -> None:
    """E-voucher tokens issued (9531) and resolved by 1101 (evoucher.py); never updated."""
    db.executescript(f"""
CREATE TABLE ec_token (
  token TEXT PRIMARY KEY, psn_no TEXT NOT NULL REFERENCES person (psn_no), issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
{append_only_triggers("ec_token")}
""")


@MIGRATIONS()
def m008_outpatient_visits_filings(db: Database) -> None:
    """Outpatient visits (2201-2208: registration, visit information, fee batches, state) and
    门诊慢特病 filings (2503/2504) per person and disease; each row's JSON replaced whole."""
    db.executescript("""
CREATE TABLE outpatient_visit (
  site TEXT NOT NULL, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (site, mdtrt_id)
) WITHOUT ROWID;
CREATE TABLE chronic_filing (
  trt_dcla_detl_sn TEXT PRIMARY KEY, psn_no TEXT NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX chronic_filing_psn ON chronic_filing (psn_no);
""")


@MIGRATIONS()
def m009_stay_periods(db: Database) -> None:
    """A stay settled in periods (中途结算, stay_periods.py): which settlement each later period
    continues; append-only (a reversed period stays, its reversal says so)."""
    db.executescript(f"""
CREATE TABLE stay_period (
  setl_id TEXT PRIMARY KEY, prior_setl_id TEXT NOT NULL REFERENCES settlement (setl_id)
) WITHOUT ROWID;
CREATE INDEX stay_period_prior ON stay_period (prior_setl_id);
{append_only_triggers("stay_period")}
""")



@MIGRATIONS()
def m010_review_libraries(db: Database) -> None:
    """The review-rule libraries (审核规则库) the desks download (9504): the exact bytes with
    their sha256, one version per id, replaced by `central review-load`."""
    db.executescript("""
CREATE TABLE review_library (id TEXT PRIMARY KEY, version TEXT NOT NULL, sha256 TEXT NOT NULL,
  source_name TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;
""")


@MIGRATIONS()
def m011_list_states_clearing_approvals(db: Database) -> None:
    """A settlement list's status changes (4102: confirmed, withdrawn) and the fund administrator's
    approval of clearing applications (`central clearing approve`); both append-only."""
    db.executescript(f"""
CREATE TABLE settlement_list_state (
  id INTEGER PRIMARY KEY, site TEXT NOT NULL REFERENCES site (code), setl_id TEXT NOT NULL,
  setl_list_id TEXT NOT NULL, stas_type TEXT NOT NULL, msgid TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX settlement_list_state_setl ON settlement_list_state (site, setl_id, id);
CREATE TABLE clearing_approval (
  clr_appy_evt_id TEXT PRIMARY KEY REFERENCES clearing (clr_appy_evt_id), at TEXT NOT NULL, opter_name TEXT NOT NULL
) WITHOUT ROWID;
{append_only_triggers("settlement_list_state")}
{append_only_triggers("clearing_approval")}
""")

@MIGRATIONS()
def m012_person_queue(db: Database) -> None:
    """Queued items in their persons' partitions (queue_work.py), each with the number of its
    setl_id / rev_setl_id reserved when its batch was stored; from now on a settlement's (and a
    reversal's) seq is its id's number, so the counters start above every seq there is."""
    db.executescript("""
CREATE TABLE queued_work (
  psn_no TEXT NOT NULL, batch_seq INTEGER NOT NULL, idx INTEGER NOT NULL, site TEXT NOT NULL,
  local_id TEXT NOT NULL, kind TEXT NOT NULL, number INTEGER NOT NULL, msgid TEXT NOT NULL,
  received_at TEXT NOT NULL, full INTEGER NOT NULL, item BLOB NOT NULL,
  PRIMARY KEY (psn_no, batch_seq, idx)
) WITHOUT ROWID;
CREATE INDEX queued_work_key ON queued_work (site, local_id, batch_seq, idx);
CREATE INDEX queued_work_number ON queued_work (site, kind, number);
CREATE INDEX queued_work_batch ON queued_work (batch_seq);
CREATE TABLE queued_person (
  psn_no TEXT PRIMARY KEY, first_batch INTEGER NOT NULL, first_idx INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX queued_person_order ON queued_person (first_batch, first_idx, psn_no);
INSERT INTO meta (key, value) SELECT 'seq:setl_id', CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM settlement WHERE true
  ON CONFLICT (key) DO UPDATE
  SET value = CAST(MAX(CAST(meta.value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT);
INSERT INTO meta (key, value) SELECT 'seq:rev_setl_id', CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM reversal WHERE true
  ON CONFLICT (key) DO UPDATE
  SET value = CAST(MAX(CAST(meta.value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT);
""")


@MIGRATIONS()
def m013_insurer_terms_contract_premiums(db: Database) -> None:
    """An insurer covers a region and insurance type for a term (valid_from..valid_to, days, both
    included; the covers so far hold from always to forever), and the premium of each insurer's
    contract for an insurance year (`central fund premium-set`, append-only: the latest counts)."""
    db.executescript(f"""
CREATE TABLE insurer_cover_term (
  admdvs TEXT NOT NULL, insutype TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
  insurer TEXT NOT NULL REFERENCES insurer (code), CHECK (valid_from <= valid_to),
  PRIMARY KEY (admdvs, insutype, valid_from)
) WITHOUT ROWID;
INSERT INTO insurer_cover_term (admdvs, insutype, valid_from, valid_to, insurer)
  SELECT admdvs, insutype, '0001-01-01', '9999-12-31', insurer FROM insurer_cover;
DROP TABLE insurer_cover;
ALTER TABLE insurer_cover_term RENAME TO insurer_cover;
CREATE INDEX insurer_cover_insurer ON insurer_cover (insurer);
CREATE TABLE contract_premium (
  id INTEGER PRIMARY KEY AUTOINCREMENT, insurer TEXT NOT NULL, year INTEGER NOT NULL, premium TEXT NOT NULL,
  other_costs TEXT NOT NULL, note TEXT NOT NULL, recorded_at TEXT NOT NULL
);
CREATE INDEX contract_premium_year ON contract_premium (insurer, year, id);
{append_only_triggers("contract_premium")}
""")


@MIGRATIONS()
def m014_queue_partition_hash(db: Database) -> None:
    """Each queued person's partition hash (crc32 of the psn_no, partitions.py), for workers that
    serve one share of the queue (`central work --partition K/N`); filled for the persons queued."""
    db.execute("ALTER TABLE queued_person ADD COLUMN partition_hash INTEGER NOT NULL DEFAULT 0")
    rows = [(partition_hash(str(row[0])), row[0]) for row in db.execute("SELECT psn_no FROM queued_person")]
    db.conn.executemany("UPDATE queued_person SET partition_hash = ? WHERE psn_no = ?", rows)


@MIGRATIONS()
def m015_queue_items_by_arrival(db: Database) -> None:
    """Queued items in a table kept in arrival order (rowid), their place in a person's partition
    (psn_no, batch_seq, idx) a unique index: a 9511 batch's items are appended where the table
    ends, instead of each into its person's place in a table clustered by person, which cost the
    server more than the rest of storing the batch (every item several kilobytes). The same
    columns and look-ups; the items waiting are copied over."""
    db.executescript("""
CREATE TABLE queued_work_by_arrival (
  psn_no TEXT NOT NULL, batch_seq INTEGER NOT NULL, idx INTEGER NOT NULL, site TEXT NOT NULL,
  local_id TEXT NOT NULL, kind TEXT NOT NULL, number INTEGER NOT NULL, msgid TEXT NOT NULL,
  received_at TEXT NOT NULL, full INTEGER NOT NULL, item BLOB NOT NULL
);
INSERT INTO queued_work_by_arrival (psn_no, batch_seq, idx, site, local_id, kind, number, msgid, received_at, full,
  item)
  SELECT psn_no, batch_seq, idx, site, local_id, kind, number, msgid, received_at, full, item FROM queued_work
  ORDER BY batch_seq, idx;
DROP TABLE queued_work;
ALTER TABLE queued_work_by_arrival RENAME TO queued_work;
CREATE UNIQUE INDEX queued_work_place ON queued_work (psn_no, batch_seq, idx);
CREATE INDEX queued_work_key ON queued_work (site, local_id, batch_seq, idx);
CREATE INDEX queued_work_number ON queued_work (site, kind, number);
CREATE INDEX queued_work_batch ON queued_work (batch_seq);
""")


@MIGRATIONS()
def m016_queue_leases(db: Database) -> None:
    """A queued person's lease: the worker adjudicating the person's items outside the write lock
    (queue_work.py) and until when (seconds since the epoch); nobody else claims the person before
    then. None for the persons queued."""
    db.executescript("""
ALTER TABLE queued_person ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE queued_person ADD COLUMN lease_until REAL NOT NULL DEFAULT 0;
""")


# Ids per query of the look-ups by many ids (well under SQLite's limit of bound parameters).
_ID_CHUNK = 500


class SQLiteStore(StoreQueries):
    """CentralStore on one SQLite file; the queries written once for both stores come from
    ``StoreQueries`` (store_queries.py)."""

    _FUND = fund_queries.SQLITE
    _INSERT_IGNORING, _IGNORING_TAIL = "INSERT OR IGNORE INTO", ""
    _POSITION = "instr"
    _FEE_LINE_ORDER = "rowid"
    _NUMERIC = "local_id <> '' AND local_id NOT GLOB '*[^0-9]*'"
    _NUMBER = "CAST(local_id AS INTEGER)"
    _FOR_UPDATE = ""  # (a writer holds the whole database: BEGIN IMMEDIATE)
    _NO_BYTES = "x''"

    def __init__(self, path: str | Path, *, create: bool = False, encrypt: bool | None = None,
                 known_encrypted: bool | None = None) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path}: no central database here; create it with `central init --db {path}`")
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        # (reopen: known, so the file is not opened and closed outside SQLite, which would drop this
        # process's POSIX locks on it and let another process delete the WAL under the open connections)
        self.encrypted = _wants_encryption(self.path, create, encrypt) if known_encrypted is None else known_encrypted
        conn: sqlite3.Connection  # an sqlcipher3 connection when encrypted: the same API
        try:
            if self.encrypted:
                conn = _encrypted_connect(self.path, create=create)
            else:
                conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                                       isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database: {exc}") from None
        if mode.lower() != "wal":
            raise StoreError(f"{self.path}: cannot switch the database to WAL mode (got {mode})")
        self.conn = conn
        self.db = Database(conn)
        try:
            MIGRATIONS.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot prepare the schema: {exc}") from None

    # --- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def reopen(self) -> SQLiteStore:
        """Another connection to this database, for another thread of this process (queue workers)."""
        return SQLiteStore(self.path, known_encrypted=self.encrypted)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; inside another transaction, a savepoint."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()

    # (store_queries.py's hooks: its SQL is this store's, ``?`` placeholders)

    _fetch_one = _one

    def _fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def _fetch_by_ids(self, sql: str, head: Sequence[Any], ids: Sequence[str], *,
                      replan: bool = False) -> Iterator[Any]:
        """The rows for the distinct ids, a chunk of them at a time (``IN (?, ?, ...)``)."""
        distinct = list(dict.fromkeys(ids))
        for start in range(0, len(distinct), _ID_CHUNK):
            chunk = distinct[start:start + _ID_CHUNK]
            yield from self.conn.execute(sql.replace("{ids}", f"({', '.join('?' * len(chunk))})"), [*head, *chunk])

    def _lock_person(self, psn_no: str) -> None:
        """Nothing: a writer holds the whole database (BEGIN IMMEDIATE)."""

    def _atomic(self) -> AbstractContextManager[Any]:
        return nullcontext()  # (each statement on its own, as it always was here)

    _fund_run = _fetch_all  # (fund_queries.SQLITE's placeholders are this store's too)

    # --- reference data --------------------------------------------------------------------

    def put_catalog(self, catalog: CatalogBlob, items: Sequence[dict[str, Any]]) -> None:
        self.conn.execute(
            "INSERT INTO catalog (id, sha256, source_name, data) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
            "SET sha256 = excluded.sha256, source_name = excluded.source_name, data = excluded.data",
            (catalog.sha256, catalog.source_name, catalog.data),
        )
        self.conn.execute("DELETE FROM catalog_item")
        self.db["catalog_item"].insert_all(items)  # type: ignore[union-attr]

    # --- persons and accumulators ----------------------------------------------------------

    def put_accumulators(self, psn_no: str, year: int, values: Accumulators, at: str) -> None:
        self.conn.execute(
            "INSERT INTO accumulator (psn_no, year, ytd, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (psn_no, year) DO UPDATE SET ytd = excluded.ytd, updated_at = excluded.updated_at",
            (psn_no, year, ytd_text(values), at),
        )
        # The person's roster entry now carries new year-to-date figures: it is part of the next delta.
        self.conn.execute("UPDATE person SET rev = ? WHERE psn_no = ?", (self.next_value("roster_rev"), psn_no))

    # --- fee uploads; 门诊慢特病 filings (outpatient.py) --------------------------------------

    def put_filing(self, trt_dcla_detl_sn: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self.conn.execute(
            "INSERT INTO chronic_filing (trt_dcla_detl_sn, psn_no, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (trt_dcla_detl_sn) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (trt_dcla_detl_sn, psn_no, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str), at),
        )

    def withdraw_fee_lines(self, site: str, mdtrt_id: str, feedetl_sns: Sequence[str] | None) -> list[str]:
        present = self.fee_line_numbers(site, mdtrt_id)
        gone = present if feedetl_sns is None else [sn for sn in present if sn in set(feedetl_sns)]
        self.conn.executemany("DELETE FROM fee_upload WHERE site = ? AND mdtrt_id = ? AND feedetl_sn = ?",
                              [(site, mdtrt_id, sn) for sn in gone])
        return gone

    # --- settlements and reversals ---------------------------------------------------------

    def add_settlement(self, record: SettlementRecord) -> None:
        self.conn.execute(
            "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (?, ?, 'settlement', ?, ?)",
            (record.site, record.local_id, record.fingerprint, record.setl_id),
        )
        names = SETTLEMENT_COLUMNS.split(", ")[1:]
        values = settlement_values(record)
        if record.seq:  # the setl_id's number (settlement.py): the same whichever worker stores it
            names, values = ["seq", *names], [record.seq, *values]
        self.conn.execute(insert_sql("settlement", names), values)

    def add_reversal(self, record: ReversalRecord) -> None:
        self.conn.execute(
            "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (?, ?, 'reversal', ?, ?)",
            (record.site, record.local_id, record.fingerprint, record.rev_setl_id),
        )
        names = REVERSAL_COLUMNS.split(", ")[1:]
        values = reversal_values(record)
        if record.seq:  # the rev_setl_id's number
            names, values = ["seq", *names], [record.seq, *values]
        self.conn.execute(insert_sql("reversal", names), values)

    def stays_in_force(self, psn_no: str, since_year: int) -> list[StayInForce]:
        # site IN (...) lets the (site, psn_no, year) index serve a look-up by person.
        rows = self.conn.execute(
            "SELECT setl_id, mdtrt_id, site, CASE json_type(request, '$.encounter') WHEN 'object' "
            "THEN json_extract(request, '$.encounter') END FROM settlement s WHERE site IN (SELECT code FROM site) "
            "AND psn_no = ? AND year >= ? AND NOT EXISTS (SELECT 1 FROM reversal r WHERE r.setl_id = s.setl_id) "
            "ORDER BY seq", (psn_no, since_year))
        return stays_in_force(rows)

    # --- the fund administrator's statements (fund_reports/) --------------------------------

    def put_insurer(self, insurer: Insurer) -> None:
        with self.transaction():
            self.conn.execute("INSERT INTO insurer (code, name, created_at) VALUES (?, ?, ?) "
                              "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                              (insurer.code, insurer.name, insurer.created_at))
            self.conn.execute("DELETE FROM insurer_cover WHERE insurer = ?", (insurer.code,))
            try:
                self.conn.executemany(
                    "INSERT INTO insurer_cover (admdvs, insutype, valid_from, valid_to, insurer) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(c.admdvs, c.insutype, c.valid_from, c.valid_to, insurer.code) for c in insurer.covers])
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"insurer {insurer.code}: a region and insurance type is covered by another "
                                 f"insurer from the same day ({exc})") from None
            overlap = self._one(fund_queries.cover_overlap_sql(fund_queries.SQLITE), (insurer.code,))
            if overlap is not None:
                raise StoreError(f"insurer {insurer.code}: {overlap[0]}:{overlap[1]} is covered by insurer "
                                 f"{overlap[2]} from {overlap[3]} to {overlap[4]}")

    # --- the adjudication queue (9511 with ack "stored") ------------------------------------

    def queue_batch(self, site: str, msgid: str, received_at: str, full: bool,
                    entries: Sequence[QueueEntry]) -> int:
        cursor = self.conn.execute(
            "INSERT INTO queued_batch (site, msgid, received_at, full, items, input) VALUES (?, ?, ?, ?, ?, x'')",
            (site, msgid, received_at, int(full), len(entries)))
        seq = int(cursor.lastrowid or 0)
        numbers = _reserve_numbers(self.next_values, entries)
        self.conn.executemany("INSERT OR IGNORE INTO queued_item (site, local_id, batch_seq) VALUES (?, ?, ?)",
                              [(site, e.local_id, seq) for e in entries])
        self.conn.executemany(
            "INSERT INTO queued_work (psn_no, batch_seq, idx, site, local_id, kind, number, msgid, received_at, full, "
            "item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.psn_no, seq, i, site, e.local_id, e.kind, numbers[i], msgid, received_at, int(full), e.item)
             for i, e in enumerate(entries)])
        firsts: dict[str, int] = {}
        for i, e in enumerate(entries):
            firsts.setdefault(e.psn_no, i)
        # (partition_hash: the person's share for `central work --partition`, partitions.py)
        self.conn.executemany("INSERT OR IGNORE INTO queued_person (psn_no, first_batch, first_idx, partition_hash) "
                              "VALUES (?, ?, ?, ?)",
                              [(psn_no, seq, i, partition_hash(psn_no)) for psn_no, i in sorted(firsts.items())])
        return seq

    def next_values(self, counter: str, count: int) -> int:
        """``count`` values of a counter at once; returns the last (the first is last - count + 1)."""
        row = self._one(
            "INSERT INTO meta (key, value) VALUES (?, CAST(? AS TEXT)) "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + ? RETURNING value",
            (f"seq:{counter}", count, count),
        )
        return int(row[0])

    def claim_person(self, skip: Sequence[str] = ()) -> str | None:
        """Inside the caller's write transaction (BEGIN IMMEDIATE: the claim is the write lock itself,
        released by COMMIT, or by the process's death with nothing of it written); a person another
        worker holds a lease on is not claimed."""
        return self._claimable(None, skip)

    def _claimable(self, share: tuple[int, int] | None, skip: Sequence[str]) -> str | None:
        marks = ", ".join("?" for _ in skip)
        row = self._one("SELECT psn_no FROM queued_person WHERE lease_until < ?"
                        + (" AND partition_hash % ? = ?" if share else "")
                        + (f" AND psn_no NOT IN ({marks})" if skip else "")
                        + " ORDER BY first_batch, first_idx, psn_no LIMIT 1",
                        (time.time(), *((share[1], share[0]) if share else ()), *skip))
        return None if row is None else str(row[0])

    # --- leases: a person's items adjudicated outside the write lock (queue_work.py) ----------------

    claims_by_lease = True

    def lease_person(self, holder: str, seconds: float, skip: Sequence[str] = (),
                     share: tuple[int, int] | None = None) -> str | None:
        """In a write transaction of its own: the oldest person nobody holds (of ``share``, as
        (index, count)), leased to ``holder`` for ``seconds``."""
        with self.transaction():
            psn_no = self._claimable(share, skip)
            if psn_no is not None:
                self.conn.execute("UPDATE queued_person SET lease_holder = ?, lease_until = ? WHERE psn_no = ?",
                                  (holder, time.time() + seconds, psn_no))
        return psn_no

    @contextmanager
    def redoable(self) -> Iterator[None]:
        """Commits inside are not each waited onto the disk (``synchronous = NORMAL``; the WAL still
        keeps every commit whole): a power cut may lose the last of them, never part of one, and
        never one that a later commit waited for came after. For queue claims: their items stay
        queued until the claim is stored, so a claim lost is done again, to the same figures."""
        if self.conn.in_transaction:  # (SQLite refuses the change inside one: the caller's commit decides)
            yield
            return
        self.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        finally:
            if self.conn.in_transaction:  # one left open inside is rolled back, never kept as redoable
                self.conn.execute("ROLLBACK")
            self.conn.execute("PRAGMA synchronous = FULL")

    def holds_lease(self, psn_no: str, holder: str, work: Sequence[QueuedWork]) -> bool:
        """Whether ``holder`` still holds the person's lease and ``work`` is still the head of the
        person's queue (items leave it only from the front, adjudicated)."""
        row = self._one("SELECT lease_holder FROM queued_person WHERE psn_no = ?", (psn_no,))
        if row is None or row[0] != holder:
            return False
        head = self.conn.execute("SELECT batch_seq, idx FROM queued_work WHERE psn_no = ? ORDER BY batch_seq, idx "
                                 "LIMIT ?", (psn_no, len(work))).fetchall()
        return [(int(r[0]), int(r[1])) for r in head] == [(w.batch_seq, w.idx) for w in work]

    def release_lease(self, psn_no: str, holder: str) -> None:
        self.conn.execute("UPDATE queued_person SET lease_holder = '', lease_until = 0 "
                          "WHERE psn_no = ? AND lease_holder = ?", (psn_no, holder))

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: what is read inside is one state of the database (WAL: writers go on).
        Inside the caller's transaction, that one."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def first_blocked_work(self, psn_no: str) -> tuple[int, int] | None:
        row = self._one(
            "SELECT w.batch_seq, w.idx FROM queued_work w WHERE w.psn_no = ? AND EXISTS (SELECT 1 FROM queued_work o "
            "WHERE o.site = w.site AND o.local_id = w.local_id AND o.psn_no <> w.psn_no "
            "AND (o.batch_seq < w.batch_seq OR (o.batch_seq = w.batch_seq AND o.idx < w.idx))) "
            "ORDER BY w.batch_seq, w.idx LIMIT 1", (psn_no,))
        return None if row is None else (int(row[0]), int(row[1]))

    def add_adjudications(self, moves: Sequence[tuple[str, int, Accumulators, str]],
                          settlements: Sequence[SettlementRecord]) -> None:
        if moves:
            self.conn.executemany(
                "INSERT INTO accumulator (psn_no, year, ytd, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (psn_no, year) DO UPDATE SET ytd = excluded.ytd, updated_at = excluded.updated_at",
                [(psn_no, year, ytd_text(values), at) for (psn_no, year), (values, at) in last_moves(moves).items()])
            # one roster revision per move, as put_accumulators takes them; a person keeps its last
            first = self.next_values("roster_rev", len(moves)) - len(moves) + 1
            revs = {psn_no: first + n for n, (psn_no, *_) in enumerate(moves)}
            self.conn.executemany("UPDATE person SET rev = ? WHERE psn_no = ?",
                                  [(rev, psn_no) for psn_no, rev in revs.items()])
        numbered = [r for r in settlements if r.seq]
        if len(numbered) < len(settlements):  # (a queued settlement always has its number)
            for record in settlements:
                self.add_settlement(record)
            return
        self.conn.executemany(
            "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (?, ?, 'settlement', ?, ?)",
            [(r.site, r.local_id, r.fingerprint, r.setl_id) for r in settlements])
        self.conn.executemany(insert_sql("settlement", SETTLEMENT_COLUMNS.split(", ")),
                              [[r.seq, *settlement_values(r)] for r in settlements])

    def finish_work(self, psn_no: str, done: Sequence[QueuedWork]) -> None:
        self.conn.executemany("DELETE FROM queued_work WHERE psn_no = ? AND batch_seq = ? AND idx = ?",
                              [(psn_no, w.batch_seq, w.idx) for w in done])
        self.conn.executemany(
            "DELETE FROM queued_item WHERE site = ? AND local_id = ? AND batch_seq = ? AND NOT EXISTS "
            "(SELECT 1 FROM queued_work WHERE site = ? AND local_id = ? AND batch_seq = ?)",
            [(w.site, w.local_id, w.batch_seq) * 2 for w in done])
        first = self._one("SELECT batch_seq, idx FROM queued_work WHERE psn_no = ? ORDER BY batch_seq, idx LIMIT 1",
                          (psn_no,))
        if first is None:
            self.conn.execute("DELETE FROM queued_person WHERE psn_no = ?", (psn_no,))
        else:
            self.conn.execute("UPDATE queued_person SET first_batch = ?, first_idx = ?, lease_holder = '', "
                              "lease_until = 0 WHERE psn_no = ?", (first[0], first[1], psn_no))

    # --- a worker's share of the queue (partitions.py) -------------------------------------------

    def claim_person_in(self, index: int, count: int, skip: Sequence[str] = ()) -> str | None:
        return self._claimable((index, count), skip)

    # --- the last refusal of each of many ids at once (9512 by local_id) ---------------------

    def last_rejections(self, site: str, local_ids: Sequence[str]) -> dict[str, ItemRejection]:
        found: dict[str, ItemRejection] = {}
        for row in self._fetch_by_ids(
                "SELECT local_id, kind, infcode, err_msg, output FROM item_rejection WHERE site = ? "
                "AND local_id IN {ids} ORDER BY id", (site,), local_ids):  # the last one of each wins
            found[str(row[0])] = ItemRejection(str(row[1]), int(row[2]), str(row[3]), str(row[4]))
        return found

    # --- a stay settled in periods (中途结算, stay_periods.py) ----------------------------------

    def continue_stay(self, prior_setl_id: str, setl_id: str) -> None:
        self.conn.execute("DELETE FROM encounter_in_force WHERE setl_id = ?", (prior_setl_id,))
        self.conn.execute("INSERT INTO stay_period (setl_id, prior_setl_id) VALUES (?, ?)", (setl_id, prior_setl_id))

    def later_period_in_force(self, setl_id: str) -> str | None:
        row = self._one("SELECT p.setl_id FROM stay_period p WHERE p.prior_setl_id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM reversal r WHERE r.setl_id = p.setl_id)", (setl_id,))
        return None if row is None else str(row[0])
