"""The central system's PostgreSQL store (psycopg 3): the same ``CentralStore`` as sqlite_store.py.

Selected by a database URL (``--db postgresql://USER@HOST:PORT/DB``; open_store.py). One
connection in autocommit mode; ``transaction()`` is a real transaction, a nested one a savepoint
(psycopg's ``Connection.transaction``). The service serialises requests, as with SQLite.
The queries whose SQL both stores share are written once in store_queries.py (``StoreQueries``,
whose ``?`` placeholders ``_pg`` turns into psycopg's); this module holds what is PostgreSQL's
own: connections and reconnection, migrations, transactions and person locks, the bulk paths
(binary COPY, unnest, pipelines) and the queue's claims.

The same guarantees as the SQLite store: settlements, reversals, local keys, stored answers, true-ups
and audit heads are append-only (triggers refuse UPDATE, DELETE and TRUNCATE); a site's local key is
bound once (primary key); at most one settlement in force per encounter (``encounter_in_force``,
kept by triggers); counters (``next_value``) are transactional rows, so they follow the transaction.
Values are stored as the SQLite store stores them (money and JSON as text), so both stores give
byte-identical answers; text keys that are sorted are ``COLLATE "C"`` (SQLite's binary order).

Laid out for Citus (docs/operations.md "Distributing with Citus"):
- reference tables (small, read everywhere): meta, site, sign_in, pack, catalog, catalog_item;
- distributed on ``psn_no``, co-located (a person's rows on one shard): person, accumulator,
  settlement, reversal, encounter_in_force, true_up;
- distributed on ``site``, co-located: nonce, local_key, admission, fee_upload, queued_batch,
  queued_item, item_rejection, audit_head, sink; ``message`` on ``msgid``.
Every primary key and unique constraint of a distributed table includes its distribution column;
foreign keys only point at reference tables; a trigger only touches co-located rows of the same
person. Uniqueness that would span shards (a setl_id, a site's local_id) is held by the table
keyed by it (ids from ``next_value``; ``local_key`` on (site, local_id)).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from ..rules import SETLINFO_KEYS
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
    QueueFigures,
    ReversalRecord,
    SettlementRecord,
    StoreError,
)
from .store_queries import StoreQueries
from .store_rows import (
    CATALOG_COLUMNS,
    REVERSAL_COLUMNS,
    SETTLEMENT_COLUMNS,
    last_moves,
    reversal_values,
    settlement_values,
    ytd_text,
)
from .store_unavailable import StoreUnavailable

# Serialises schema changes of concurrent openers (pg_advisory_xact_lock key: "hcentral").
_MIGRATION_LOCK = 0x6863656E7472616C
_CONNECT_TIMEOUT_S = 10
_APPLICATION_NAME = "hospital-client central"  # how its sessions show in pg_stat_activity
# The first key of a person's advisory lock (pg_advisory_xact_lock(int, int)); the second is hashtext(psn_no).
_PERSON_LOCK = 0x68630001
# A partitioned worker's claim reads this many of its share's oldest persons at a time (claim_person_in).
_CLAIM_CANDIDATES = 16


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


# --- schema migrations: name -> SQL, applied once each, in order ---------------------------------

def _append_only(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION central_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION central_append_only();
"""


def _m001_initial() -> str:
    money = ",\n  ".join(f"{k} TEXT NOT NULL" for k in SETLINFO_KEYS)
    return f"""
CREATE FUNCTION central_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only: % rows cannot be %', TG_TABLE_NAME,
    CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

-- reference tables
CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE site (
  code TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, secret TEXT NOT NULL, created_at TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE sign_in (sign_no TEXT PRIMARY KEY, site TEXT NOT NULL REFERENCES site (code),
  opter TEXT NOT NULL, sign_time TEXT NOT NULL);
CREATE TABLE pack (id TEXT COLLATE "C" PRIMARY KEY, version TEXT NOT NULL, sha256 TEXT NOT NULL,
  source_name TEXT NOT NULL, data BYTEA NOT NULL);
CREATE TABLE catalog (id INTEGER PRIMARY KEY CHECK (id = 1), sha256 TEXT NOT NULL, source_name TEXT NOT NULL,
  data BYTEA NOT NULL);
CREATE TABLE catalog_item (
  med_list_codg TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, list_type TEXT NOT NULL,
  chrgitm_lv TEXT NOT NULL, selfpay_prop TEXT, pric_uplmt_amt TEXT, unit TEXT NOT NULL
);

-- distributed on psn_no (co-located)
CREATE TABLE person (
  psn_no TEXT COLLATE "C" PRIMARY KEY, certno TEXT NOT NULL, card_no TEXT NOT NULL, ecard_code TEXT NOT NULL,
  data TEXT NOT NULL, rev BIGINT NOT NULL
);
CREATE INDEX person_certno ON person (certno);
CREATE INDEX person_card_no ON person (card_no);
CREATE INDEX person_ecard_code ON person (ecard_code);
CREATE INDEX person_rev ON person (rev);
CREATE TABLE accumulator (
  psn_no TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL, ytd TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (psn_no, year)
);
CREATE INDEX accumulator_year ON accumulator (year, psn_no);
CREATE TABLE settlement (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  setl_id TEXT NOT NULL, site TEXT NOT NULL REFERENCES site (code), local_id TEXT NOT NULL,
  msgid TEXT NOT NULL, psn_no TEXT COLLATE "C" NOT NULL, mdtrt_id TEXT NOT NULL, year INTEGER NOT NULL,
  setl_time TEXT NOT NULL, adjudicated_at TEXT NOT NULL, fingerprint TEXT NOT NULL,
  pack_id TEXT NOT NULL, pack_version TEXT NOT NULL, pack_sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'adjusted')),
  request TEXT NOT NULL, person TEXT NOT NULL, provisional TEXT NOT NULL, final TEXT NOT NULL, summary TEXT NOT NULL,
  ytd_before TEXT NOT NULL, ytd_after TEXT NOT NULL, adjustment TEXT NOT NULL,
  {money},
  PRIMARY KEY (psn_no, seq),
  UNIQUE (psn_no, setl_id),
  UNIQUE (psn_no, site, local_id)
);
CREATE INDEX settlement_setl_id ON settlement (setl_id);
CREATE INDEX settlement_seq ON settlement (seq);
CREATE INDEX settlement_site_time ON settlement (site, setl_time);
CREATE INDEX settlement_site_psn ON settlement (site, psn_no, year);
CREATE TABLE reversal (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  rev_setl_id TEXT NOT NULL, setl_id TEXT NOT NULL,
  site TEXT NOT NULL REFERENCES site (code), local_id TEXT NOT NULL, msgid TEXT NOT NULL,
  psn_no TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL, rev_time TEXT NOT NULL, processed_at TEXT NOT NULL,
  fingerprint TEXT NOT NULL, ytd_before TEXT NOT NULL, ytd_after TEXT NOT NULL,
  {money},
  PRIMARY KEY (psn_no, seq),
  UNIQUE (psn_no, rev_setl_id),
  UNIQUE (psn_no, setl_id),
  UNIQUE (psn_no, site, local_id)
);
CREATE INDEX reversal_rev_setl_id ON reversal (rev_setl_id);
CREATE INDEX reversal_setl_id ON reversal (setl_id);
CREATE INDEX reversal_site_time ON reversal (site, rev_time);
CREATE INDEX reversal_site_psn ON reversal (site, psn_no, year);
CREATE TABLE encounter_in_force (
  psn_no TEXT COLLATE "C" NOT NULL, mdtrt_id TEXT NOT NULL, setl_id TEXT NOT NULL,
  site TEXT NOT NULL, local_id TEXT NOT NULL, setl_time TEXT NOT NULL,
  PRIMARY KEY (psn_no, mdtrt_id),
  UNIQUE (psn_no, setl_id)
);
CREATE TABLE true_up (
  id BIGINT GENERATED ALWAYS AS IDENTITY, psn_no TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL,
  amount TEXT NOT NULL, applied_at TEXT NOT NULL,
  PRIMARY KEY (psn_no, id)
);

-- the in-force encounter follows settlements and reversals (the same person's rows: co-located)
CREATE FUNCTION central_settlement_in_force() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO encounter_in_force (psn_no, mdtrt_id, setl_id, site, local_id, setl_time)
  VALUES (NEW.psn_no, NEW.mdtrt_id, NEW.setl_id, NEW.site, NEW.local_id, NEW.setl_time);
  RETURN NULL;
END $$;
CREATE FUNCTION central_reversal_frees_encounter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM encounter_in_force WHERE psn_no = NEW.psn_no AND setl_id = NEW.setl_id;
  RETURN NULL;
END $$;
CREATE TRIGGER settlement_in_force AFTER INSERT ON settlement
  FOR EACH ROW WHEN (NEW.mdtrt_id <> '') EXECUTE FUNCTION central_settlement_in_force();
CREATE TRIGGER reversal_frees_encounter AFTER INSERT ON reversal
  FOR EACH ROW EXECUTE FUNCTION central_reversal_frees_encounter();

-- distributed on site (co-located); message on msgid
CREATE TABLE nonce (site TEXT NOT NULL, nonce TEXT NOT NULL, ts BIGINT NOT NULL, PRIMARY KEY (site, nonce));
CREATE INDEX nonce_ts ON nonce (ts);
CREATE TABLE message (
  msgid TEXT PRIMARY KEY, site TEXT NOT NULL, infno TEXT NOT NULL, fingerprint TEXT NOT NULL,
  infcode INTEGER NOT NULL, inf_refmsgid TEXT NOT NULL, refmsg_time TEXT NOT NULL, err_msg TEXT NOT NULL,
  output TEXT NOT NULL
);
CREATE TABLE local_key (
  site TEXT NOT NULL, local_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('settlement', 'reversal')),
  fingerprint TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (site, local_id)
);
CREATE TABLE admission (
  site TEXT NOT NULL, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (site, mdtrt_id)
);
CREATE TABLE fee_upload (
  site TEXT NOT NULL, mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, data TEXT NOT NULL,
  uploaded_at TEXT NOT NULL, PRIMARY KEY (site, mdtrt_id, feedetl_sn)
);
CREATE TABLE sink (seq BIGINT GENERATED ALWAYS AS IDENTITY, site TEXT NOT NULL, received_at TEXT NOT NULL,
  body BYTEA NOT NULL, PRIMARY KEY (site, seq));
CREATE TABLE queued_batch (
  seq BIGINT GENERATED ALWAYS AS IDENTITY, site TEXT NOT NULL REFERENCES site (code), msgid TEXT NOT NULL,
  received_at TEXT NOT NULL, "full" BOOLEAN NOT NULL, items INTEGER NOT NULL, input BYTEA NOT NULL,
  done_items INTEGER NOT NULL DEFAULT 0, finished_at TEXT,
  PRIMARY KEY (site, seq)
);
CREATE INDEX queued_batch_open ON queued_batch (seq) WHERE finished_at IS NULL;
CREATE INDEX queued_batch_seq ON queued_batch (seq);
CREATE TABLE queued_item (site TEXT NOT NULL, local_id TEXT NOT NULL, batch_seq BIGINT NOT NULL,
  PRIMARY KEY (site, local_id, batch_seq));
CREATE INDEX queued_item_batch ON queued_item (batch_seq);
CREATE TABLE item_rejection (
  id BIGINT GENERATED ALWAYS AS IDENTITY, site TEXT NOT NULL, local_id TEXT NOT NULL, kind TEXT NOT NULL,
  msgid TEXT NOT NULL, infcode INTEGER NOT NULL, err_msg TEXT NOT NULL, at TEXT NOT NULL,
  output TEXT NOT NULL DEFAULT '{{}}',
  PRIMARY KEY (site, id)
);
CREATE INDEX item_rejection_key ON item_rejection (site, local_id, id);
CREATE TABLE audit_head (
  id BIGINT GENERATED ALWAYS AS IDENTITY, site TEXT NOT NULL REFERENCES site (code), seq BIGINT NOT NULL,
  hash TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('head', 'restart')),
  msgid TEXT NOT NULL, received_at TEXT NOT NULL, restart_seq BIGINT, replaced_seq BIGINT, replaced_hash TEXT,
  PRIMARY KEY (site, id)
);
{_append_only("message")}
{_append_only("local_key")}
{_append_only("settlement")}
{_append_only("reversal")}
{_append_only("true_up")}
{_append_only("audit_head")}
"""


def _m002_lists_clearing_fund_reports_tokens() -> str:
    """Settlement lists (4101; distributed on site), clearing applications and withdrawals (3203,
    3204; reference: a few rows a site a month), insurers and fund income (reference), e-voucher
    tokens (9531; distributed on token), and indexes by the central system's own times."""
    return f"""
CREATE TABLE settlement_list (
  site TEXT NOT NULL REFERENCES site (code), setl_id TEXT NOT NULL,
  version INTEGER NOT NULL, setl_list_id TEXT NOT NULL, list TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')), qc TEXT NOT NULL, msgid TEXT NOT NULL,
  uploaded_at TEXT NOT NULL, PRIMARY KEY (site, setl_id, version), UNIQUE (site, setl_list_id)
);
CREATE TABLE clearing (
  clr_appy_evt_id TEXT COLLATE "C" PRIMARY KEY, site TEXT NOT NULL REFERENCES site (code), setlym TEXT NOT NULL,
  clr_type TEXT NOT NULL, insutype TEXT NOT NULL, clr_way TEXT NOT NULL, begndate TEXT NOT NULL,
  enddate TEXT NOT NULL, psntime INTEGER NOT NULL, amounts TEXT NOT NULL, msgid TEXT NOT NULL,
  applied_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX clearing_site_month ON clearing (site, setlym);
CREATE TABLE clearing_withdrawal (
  clr_appy_evt_id TEXT PRIMARY KEY REFERENCES clearing (clr_appy_evt_id), at TEXT NOT NULL, msgid TEXT NOT NULL
);
CREATE TABLE insurer (code TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE insurer_cover (
  admdvs TEXT COLLATE "C" NOT NULL, insutype TEXT COLLATE "C" NOT NULL,
  insurer TEXT NOT NULL REFERENCES insurer (code), PRIMARY KEY (admdvs, insutype)
);
CREATE TABLE fund_income (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, day TEXT COLLATE "C" NOT NULL, fund TEXT NOT NULL,
  kind TEXT NOT NULL, amount TEXT NOT NULL, admdvs TEXT NOT NULL, insutype TEXT NOT NULL, note TEXT NOT NULL,
  source TEXT NOT NULL, entered_at TEXT NOT NULL
);
CREATE INDEX fund_income_day ON fund_income (day);
CREATE INDEX settlement_adjudicated ON settlement (adjudicated_at);
CREATE INDEX reversal_processed ON reversal (processed_at);
CREATE INDEX true_up_applied ON true_up (applied_at);
CREATE INDEX true_up_psn ON true_up (psn_no, year);
CREATE TABLE ec_token (
  token TEXT PRIMARY KEY, psn_no TEXT NOT NULL, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL
);
{_append_only("settlement_list")}
{_append_only("clearing")}
{_append_only("clearing_withdrawal")}
{_append_only("fund_income")}
{_append_only("ec_token")}
"""


def _m003_stays_visits_filings() -> str:
    """Fee lines keep their upload order (``line_seq``, SQLite's rowid); a stay settled in periods
    (stay_period, the same person's: on psn_no, append-only); outpatient visits (on site) and
    门诊慢特病 filings (on psn_no), each row's JSON replaced whole."""
    return f"""
ALTER TABLE fee_upload ADD COLUMN line_seq BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE TABLE stay_period (
  psn_no TEXT COLLATE "C" NOT NULL, setl_id TEXT NOT NULL, prior_setl_id TEXT NOT NULL,
  PRIMARY KEY (psn_no, setl_id)
);
CREATE INDEX stay_period_setl_id ON stay_period (setl_id);
CREATE INDEX stay_period_prior ON stay_period (prior_setl_id);
CREATE TABLE outpatient_visit (
  site TEXT NOT NULL, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (site, mdtrt_id)
);
CREATE TABLE chronic_filing (
  psn_no TEXT COLLATE "C" NOT NULL, trt_dcla_detl_sn TEXT COLLATE "C" NOT NULL, data TEXT NOT NULL,
  updated_at TEXT NOT NULL, PRIMARY KEY (psn_no, trt_dcla_detl_sn)
);
{_append_only("stay_period")}
"""



def _m004_review_libraries() -> str:
    """The review-rule libraries (审核规则库) the desks download (9504): the exact bytes with
    their sha256, one version per id, replaced by `central review-load`."""
    return """
CREATE TABLE review_library (id TEXT COLLATE "C" PRIMARY KEY, version TEXT NOT NULL, sha256 TEXT NOT NULL,
  source_name TEXT NOT NULL, data BYTEA NOT NULL);
"""

def _m005_list_states_clearing_approvals() -> str:
    """A settlement list's status changes (4102; on site, like the lists) and the approval of
    clearing applications (`central clearing approve`; reference: a few rows a site a month)."""
    return f"""
CREATE TABLE settlement_list_state (
  id BIGINT GENERATED ALWAYS AS IDENTITY, site TEXT NOT NULL REFERENCES site (code), setl_id TEXT NOT NULL,
  setl_list_id TEXT NOT NULL, stas_type TEXT NOT NULL, msgid TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (site, id)
);
CREATE INDEX settlement_list_state_setl ON settlement_list_state (site, setl_id, id);
CREATE TABLE clearing_approval (
  clr_appy_evt_id TEXT PRIMARY KEY REFERENCES clearing (clr_appy_evt_id), at TEXT NOT NULL, opter_name TEXT NOT NULL
);
{_append_only("settlement_list_state")}
{_append_only("clearing_approval")}
"""


def _m006_insurer_terms_contract_premiums() -> str:
    """An insurer covers a region and insurance type for a term (valid_from..valid_to, days, both
    included; the covers so far from always to forever), and the premium of each insurer's
    contract for an insurance year (`central fund premium-set`; reference, append-only)."""
    return f"""
ALTER TABLE insurer_cover ADD COLUMN valid_from TEXT COLLATE "C" NOT NULL DEFAULT '0001-01-01',
  ADD COLUMN valid_to TEXT COLLATE "C" NOT NULL DEFAULT '9999-12-31';
ALTER TABLE insurer_cover DROP CONSTRAINT insurer_cover_pkey, ADD PRIMARY KEY (admdvs, insutype, valid_from),
  ADD CHECK (valid_from <= valid_to);
CREATE INDEX insurer_cover_insurer ON insurer_cover (insurer);
CREATE TABLE contract_premium (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, insurer TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL,
  premium TEXT NOT NULL, other_costs TEXT NOT NULL, note TEXT NOT NULL, recorded_at TEXT NOT NULL
);
CREATE INDEX contract_premium_year ON contract_premium (insurer, year, id);
{_append_only("contract_premium")}
"""


def _m007_person_queue() -> str:
    """Queued items in their persons' partitions (queue_work.py; distributed on psn_no with the
    person's other rows), each with the number of its setl_id / rev_setl_id reserved when its batch
    was stored; from now on a settlement's (and a reversal's) seq is its id's number, so the
    counters start above every seq there is."""
    return """
CREATE TABLE queued_work (
  psn_no TEXT COLLATE "C" NOT NULL, batch_seq BIGINT NOT NULL, idx INTEGER NOT NULL, site TEXT NOT NULL,
  local_id TEXT NOT NULL, kind TEXT NOT NULL, number BIGINT NOT NULL, msgid TEXT NOT NULL,
  received_at TEXT NOT NULL, "full" BOOLEAN NOT NULL, item BYTEA NOT NULL,
  PRIMARY KEY (psn_no, batch_seq, idx)
);
CREATE INDEX queued_work_key ON queued_work (site, local_id, batch_seq, idx);
CREATE INDEX queued_work_number ON queued_work (site, kind, number);
CREATE INDEX queued_work_batch ON queued_work (batch_seq);
CREATE TABLE queued_person (
  psn_no TEXT COLLATE "C" PRIMARY KEY, first_batch BIGINT NOT NULL, first_idx INTEGER NOT NULL
);
CREATE INDEX queued_person_order ON queued_person (first_batch, first_idx, psn_no);
INSERT INTO meta (key, value) SELECT 'seq:setl_id', COALESCE(MAX(seq), 0)::text FROM settlement
  ON CONFLICT (key) DO UPDATE SET value = GREATEST(CAST(meta.value AS BIGINT), CAST(EXCLUDED.value AS BIGINT))::text;
INSERT INTO meta (key, value) SELECT 'seq:rev_setl_id', COALESCE(MAX(seq), 0)::text FROM reversal
  ON CONFLICT (key) DO UPDATE SET value = GREATEST(CAST(meta.value AS BIGINT), CAST(EXCLUDED.value AS BIGINT))::text;
"""


def _m008_queue_partition_hash() -> str:
    """Each queued person's partition hash (crc32 of the psn_no's UTF-8 bytes, as Python's zlib.crc32;
    partitions.py), for workers that serve one share of the queue (`central work --partition K/N`);
    filled for the persons queued by a function that exists for this migration only."""
    return """
ALTER TABLE queued_person ADD COLUMN partition_hash BIGINT;
CREATE FUNCTION central_migration_crc32(data BYTEA) RETURNS BIGINT LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  crc BIGINT := 4294967295;
BEGIN
  FOR i IN 0 .. length(data) - 1 LOOP
    crc := crc # get_byte(data, i);
    FOR j IN 1 .. 8 LOOP
      crc := (crc >> 1) # (3988292384 * (crc & 1));
    END LOOP;
  END LOOP;
  RETURN crc # 4294967295;
END $$;
UPDATE queued_person SET partition_hash = central_migration_crc32(convert_to(psn_no, 'UTF8'));
DROP FUNCTION central_migration_crc32(BYTEA);
ALTER TABLE queued_person ALTER COLUMN partition_hash SET NOT NULL;
"""


def _m009_settlement_lz4() -> str:
    """A settlement's JSON columns compressed with lz4 instead of pglz when the server has it (PostgreSQL
    14 or later built with lz4, as Debian's and the PGDG packages are): a settlement row is TOASTed, and
    lz4 takes the server a fraction of pglz's time to compress it. Rows stored before stay as they are;
    both are read alike. A server without lz4 keeps pglz."""
    columns = ("request", "person", "provisional", "final", "summary", "ytd_before", "ytd_after", "adjustment")
    alter = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION lz4" for c in columns)
    return f"""
DO $$
BEGIN
  EXECUTE 'ALTER TABLE settlement {alter}';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
  NULL;
END $$;
"""


def _m010_queue_items_uncompressed() -> str:
    """A queued item's bytes (queued_work.item) kept out of line without compression (STORAGE
    EXTERNAL): they stay only until the item is adjudicated, and compressing each on arrival cost
    the server more than the rest of storing a 9511 batch. Items stored before stay as they are;
    both are read alike."""
    return """
ALTER TABLE queued_work ALTER COLUMN item SET STORAGE EXTERNAL;
"""


def _m011_sink_uncompressed() -> str:
    """The benchmark sink's bodies (9599, bench_sink.py) stored as the queued items are since m010,
    without compression: the floor bench/sync.py measures must store the same bytes no slower than
    the 9511 path does."""
    return """
ALTER TABLE sink ALTER COLUMN body SET STORAGE EXTERNAL;
"""


MIGRATIONS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("m001_initial", _m001_initial),
    ("m002_lists_clearing_fund_reports_tokens", _m002_lists_clearing_fund_reports_tokens),
    ("m003_stays_visits_filings", _m003_stays_visits_filings),
    ("m004_review_libraries", _m004_review_libraries),
    ("m005_list_states_clearing_approvals", _m005_list_states_clearing_approvals),
    ("m006_insurer_terms_contract_premiums", _m006_insurer_terms_contract_premiums),
    ("m007_person_queue", _m007_person_queue),
    ("m008_queue_partition_hash", _m008_queue_partition_hash),
    ("m009_settlement_lz4", _m009_settlement_lz4),
    ("m010_queue_items_uncompressed", _m010_queue_items_uncompressed),
    ("m011_sink_uncompressed", _m011_sink_uncompressed),
)


# --- values --------------------------------------------------------------------------------------

# The settlement columns' types, as a binary COPY names them.
_SETTLEMENT_TYPES = [{"seq": "int8", "year": "int4"}.get(c, "text") for c in SETTLEMENT_COLUMNS.split(", ")]

# A claim storing this many settlements or more stores them (and their local keys) by COPY.
_COPY_FROM = 3


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"


def _insert_with_seq(table: str, columns: Sequence[str]) -> bytes:
    """An INSERT that gives the identity column ``seq`` its value (the id's number)."""
    return (f"INSERT INTO {table} ({', '.join(columns)}) OVERRIDING SYSTEM VALUE "
            f"VALUES ({', '.join('%s' for _ in columns)})").encode()


@functools.lru_cache(maxsize=1024)
def _pg(sql: str) -> str:
    """store_queries.py's SQL with psycopg's placeholders: ``?`` becomes ``%s``, a ``%`` ``%%``."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(StoreQueries):
    """CentralStore on one PostgreSQL database (psycopg 3); the queries written once for both stores
    come from ``StoreQueries`` (store_queries.py)."""

    _FUND = fund_queries.POSTGRES
    _INSERT_IGNORING, _IGNORING_TAIL = "INSERT INTO", " ON CONFLICT DO NOTHING"
    _POSITION = "strpos"
    _FEE_LINE_ORDER = "line_seq"
    _NUMERIC = "local_id ~ '^[0-9]+$'"
    _NUMBER = "CAST(local_id AS NUMERIC)"
    _FOR_UPDATE = " FOR UPDATE"
    _NO_BYTES = "''::bytea"

    def __init__(self, url: str, *, create: bool = False) -> None:
        self.url = url
        self._depth = 0  # transaction() blocks open on this connection
        self._locked: set[str] = set()  # persons locked in the open transaction (_lock_person)
        self._rev_pending: list[str] = []  # persons whose roster revision moves at the commit (put_accumulators)
        shown = redact_url(url)
        try:
            self.conn = self._connect()
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{shown}: cannot connect to PostgreSQL: {first}") from None
        try:
            if not create and not self._has_schema():
                raise StoreError(f"{shown}: no central database here; create it with `central init --db {shown}`")
            self._migrate()
        except psycopg.Error as exc:
            self.conn.close()
            raise StoreError(f"{shown}: cannot prepare the schema: {exc}") from None
        except BaseException:
            self.conn.close()
            raise

    # --- lifecycle and migrations ------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S,
                               application_name=_APPLICATION_NAME)

    def _reconnect_if_broken(self) -> None:
        """Outside any transaction, a new connection when the server closed the old one (a restart,
        a failover, an idle timeout). Inside one, never: its statements must not go on elsewhere."""
        if self._depth == 0 and (self.conn.closed or self.conn.broken):
            self.conn.close()
            try:
                self.conn = self._connect()
            except psycopg.OperationalError as exc:  # still down: the next call tries again
                raise self._unavailable(exc) from None

    def _lost(self) -> bool:
        """The connection is gone (the server restarted or cannot be reached)."""
        return self.conn.closed or self.conn.broken

    def _unavailable(self, exc: psycopg.Error) -> StoreUnavailable:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreUnavailable(f"{redact_url(self.url)}: the PostgreSQL server cannot be reached: {first}")

    def _idle(self) -> bool:
        return self._depth == 0 and self.conn.info.transaction_status in (TransactionStatus.IDLE,
                                                                          TransactionStatus.UNKNOWN)

    @contextmanager
    def _counted(self) -> Iterator[None]:
        self._depth += 1
        mark = len(self._rev_pending)
        try:
            with self.conn.transaction():
                yield
                if self._depth == 1 and self._rev_pending:
                    self._move_roster_revs()
        except psycopg.OperationalError as exc:
            self._locked.clear()
            del self._rev_pending[mark:]
            if self._depth == 1 and self._lost():  # the outermost transaction died with the connection
                raise self._unavailable(exc) from None
            raise
        except BaseException:
            self._locked.clear()  # a savepoint rolled back may have released its locks: take them again
            del self._rev_pending[mark:]
            raise
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._locked.clear()
                self._rev_pending.clear()

    def _move_roster_revs(self) -> None:
        """Just before the commit: the persons whose accumulators moved get new roster revisions (the
        9502 delta). Taken last, the counter's row is locked for an instant, not for the whole
        transaction: queue workers on other persons do not wait for each other on it."""
        moves = list(self._rev_pending)  # one revision per move, as the SQLite store numbers them
        self._rev_pending.clear()
        if len(set(moves)) == 1:  # one person (a queue claim): the counter and the person's row in one statement
            self.conn.execute(
                "WITH n AS (INSERT INTO meta (key, value) VALUES ('seq:roster_rev', %s::text) ON CONFLICT (key) "
                "DO UPDATE SET value = (CAST(meta.value AS BIGINT) + %s)::text RETURNING CAST(value AS BIGINT) AS rev) "
                "UPDATE person SET rev = n.rev FROM n WHERE person.psn_no = %s", (len(moves), len(moves), moves[0]))
            return
        last = self.next_values("roster_rev", len(moves))
        revs = dict(zip(moves, range(last - len(moves) + 1, last + 1), strict=True))  # a person's last move
        self.conn.execute("UPDATE person SET rev = r.rev FROM unnest(%s::text[], %s::bigint[]) AS r(psn_no, rev) "
                          "WHERE person.psn_no = r.psn_no", (list(revs), list(revs.values())))

    def _lock_person(self, psn_no: str) -> None:
        """Inside a transaction, hold the person until it ends (an advisory lock on the psn_no), before
        the first read of what a settlement of theirs depends on. Two servers or workers on one
        database then adjudicate one person's messages one after the other, as SQLite's single writer
        does, while other persons' go on at the same time. Outside a transaction: nothing."""
        if self._depth == 0 or psn_no in self._locked:
            return
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_PERSON_LOCK, psn_no))
        self._locked.add(psn_no)

    def _has_schema(self) -> bool:
        return self._one("SELECT to_regclass('central_schema_migration') IS NOT NULL")[0] is True

    def _migrate(self) -> None:
        """Apply the migrations not applied yet, each once, in order, under an advisory lock. Nothing
        is created when nothing is missing: a role without CREATE can run an up-to-date database."""
        if self._has_schema() and {name for name, _ in MIGRATIONS} <= set(self.applied_migrations()):
            return
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.conn.execute("CREATE TABLE IF NOT EXISTS central_schema_migration "
                              "(name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = set(self.applied_migrations())
            for name, script in MIGRATIONS:
                if name in done:
                    continue
                self.conn.execute(script().encode("utf-8"))
                self.conn.execute("INSERT INTO central_schema_migration (name) VALUES (%s)", (name,))

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM central_schema_migration ORDER BY name")]

    def close(self) -> None:
        self.conn.close()

    def reopen(self) -> PostgresStore:
        """Another connection to this database, for another thread of this process (queue workers)."""
        return PostgresStore(self.url)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT; inside another transaction, a savepoint. An outermost transaction
        starts on a live connection (reconnecting after a server restart)."""
        self._reconnect_if_broken()
        with self._counted():
            yield

    def _atomic(self) -> AbstractContextManager[Any]:
        """A transaction when none is open; inside one, nothing more (as the SQLite store: no savepoint)."""
        if self._idle():
            self._reconnect_if_broken()
            return self._counted()
        return nullcontext()

    def _read(self, query: str, params: Sequence[Any], prepare: bool | None = None) -> psycopg.Cursor[Any]:
        """Run a read; outside a transaction, once more on a new connection when the server went away.
        ``prepare=False``: planned for the values given each time (psycopg's ``prepare``)."""
        if not self._idle():
            return self.conn.execute(query.encode("utf-8"), params, prepare=prepare)
        self._reconnect_if_broken()
        try:
            return self.conn.execute(query.encode("utf-8"), params, prepare=prepare)
        except psycopg.OperationalError:
            if not self._lost():
                raise
            self._reconnect_if_broken()
            try:
                return self.conn.execute(query.encode("utf-8"), params, prepare=prepare)
            except psycopg.OperationalError as exc:
                if not self._lost():
                    raise
                raise self._unavailable(exc) from None

    def _one(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self._read(query, params).fetchone()

    def _all(self, query: str, params: Sequence[Any] = (), prepare: bool | None = None) -> list[Any]:
        return self._read(query, params, prepare).fetchall()

    # (store_queries.py's hooks: its SQL with ``?`` placeholders, see _pg)

    def _fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._one(_pg(sql), params)

    def _fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._all(_pg(sql), params)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(_pg(sql), params)

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(_pg(sql), rows)

    def _fetch_by_ids(self, sql: str, head: Sequence[Any], ids: Sequence[str], *,
                      replan: bool = False) -> list[Any]:
        """One query, the ids an array (``= ANY(...)``)."""
        return self._all(_pg(sql.replace("IN {ids}", "= ANY(?)")), (*head, list(ids)),
                         prepare=False if replan else None)

    # --- reference data ----------------------------------------------------------------------

    def put_catalog(self, catalog: CatalogBlob, items: Sequence[dict[str, Any]]) -> None:
        with self._atomic():
            self.conn.execute(
                "INSERT INTO catalog (id, sha256, source_name, data) VALUES (1, %s, %s, %s) ON CONFLICT (id) "
                "DO UPDATE SET sha256 = excluded.sha256, source_name = excluded.source_name, data = excluded.data",
                (catalog.sha256, catalog.source_name, catalog.data),
            )
            self.conn.execute("DELETE FROM catalog_item")
            with self.conn.cursor() as cursor:
                cursor.executemany(_insert("catalog_item", CATALOG_COLUMNS),
                                   [[_catalog_value(item.get(c)) for c in CATALOG_COLUMNS] for item in items])

    # --- persons and accumulators ------------------------------------------------------------

    def put_accumulators(self, psn_no: str, year: int, values: Accumulators, at: str) -> None:
        self._lock_person(psn_no)
        with self._atomic():
            self.conn.execute(
                "INSERT INTO accumulator (psn_no, year, ytd, updated_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (psn_no, year) DO UPDATE SET ytd = excluded.ytd, updated_at = excluded.updated_at",
                (psn_no, year, ytd_text(values), at),
            )
            # The person's roster entry now carries new year-to-date figures: it is part of the next delta
            # (its revision moves at the commit: _move_roster_revs).
            self._rev_pending.append(psn_no)

    # --- fee uploads; 门诊慢特病 filings (2503/2504) -----------------------------------------

    def withdraw_fee_lines(self, site: str, mdtrt_id: str, feedetl_sns: Sequence[str] | None) -> list[str]:
        with self._atomic():
            present = self.fee_line_numbers(site, mdtrt_id)
            gone = present if feedetl_sns is None else [sn for sn in present if sn in set(feedetl_sns)]
            self.conn.execute("DELETE FROM fee_upload WHERE site = %s AND mdtrt_id = %s AND feedetl_sn = ANY(%s)",
                              (site, mdtrt_id, gone))
        return gone

    def put_filing(self, trt_dcla_detl_sn: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self.conn.execute(
            "INSERT INTO chronic_filing (psn_no, trt_dcla_detl_sn, data, updated_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (psn_no, trt_dcla_detl_sn) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at",
            (psn_no, trt_dcla_detl_sn, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str), at),
        )

    # --- settlements and reversals -----------------------------------------------------------

    def add_settlement(self, record: SettlementRecord) -> None:
        with self._atomic(), self.conn.pipeline():  # both rows in one round trip
            self.conn.execute(
                "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (%s, %s, 'settlement', %s, %s)",
                (record.site, record.local_id, record.fingerprint, record.setl_id),
            )
            if record.seq:  # the setl_id's number (settlement.py): the same whichever worker stores it
                self.conn.execute(_insert_with_seq("settlement", SETTLEMENT_COLUMNS.split(", ")),
                                  [record.seq, *settlement_values(record)])
            else:
                self.conn.execute(_insert("settlement", SETTLEMENT_COLUMNS.split(", ")[1:]).encode("utf-8"),
                                  settlement_values(record))

    def add_reversal(self, record: ReversalRecord) -> None:
        with self._atomic():
            if self._one("SELECT 1 FROM settlement WHERE setl_id = %s AND psn_no = %s",
                         (record.setl_id, record.psn_no)) is None:
                raise StoreError(f"reversal {record.rev_setl_id}: no settlement {record.setl_id} of that person")
            self.conn.execute(
                "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (%s, %s, 'reversal', %s, %s)",
                (record.site, record.local_id, record.fingerprint, record.rev_setl_id),
            )
            if record.seq:  # the rev_setl_id's number
                self.conn.execute(_insert_with_seq("reversal", REVERSAL_COLUMNS.split(", ")),
                                  [record.seq, *reversal_values(record)])
            else:
                self.conn.execute(_insert("reversal", REVERSAL_COLUMNS.split(", ")[1:]).encode("utf-8"),
                                  reversal_values(record))

    def stays_in_force(self, psn_no: str, since_year: int) -> list[StayInForce]:
        """The person's settlements not reversed, from ``since_year`` on (a co-located join on psn_no),
        the request's encounter only (NULL when it is not an object)."""
        self._lock_person(psn_no)
        rows = self._all("SELECT s.setl_id, s.mdtrt_id, s.site, CASE WHEN json_typeof(e.enc) = 'object' "
                         "THEN e.enc::text END FROM settlement s CROSS JOIN LATERAL "
                         "(SELECT s.request::json -> 'encounter' AS enc) e WHERE s.psn_no = %s AND s.year >= %s "
                         "AND NOT EXISTS (SELECT 1 FROM reversal r WHERE r.psn_no = s.psn_no "
                         "AND r.setl_id = s.setl_id) ORDER BY s.seq", (psn_no, since_year))
        return stays_in_force(rows)

    # --- the fund administrator's statements (fund_reports/) ----------------------------------

    def put_insurer(self, insurer: Insurer) -> None:
        with self._atomic():
            self.conn.execute("INSERT INTO insurer (code, name, created_at) VALUES (%s, %s, %s) "
                              "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                              (insurer.code, insurer.name, insurer.created_at))
            # one writer of the covers at a time: the overlap check below sees every other cover
            self.conn.execute("LOCK TABLE insurer_cover IN SHARE ROW EXCLUSIVE MODE")
            self.conn.execute("DELETE FROM insurer_cover WHERE insurer = %s", (insurer.code,))
            try:
                with self.conn.transaction(), self.conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO insurer_cover (admdvs, insutype, valid_from, valid_to, insurer) "
                        "VALUES (%s, %s, %s, %s, %s)",
                        [(c.admdvs, c.insutype, c.valid_from, c.valid_to, insurer.code) for c in insurer.covers])
            except psycopg.errors.IntegrityError as exc:
                raise StoreError(f"insurer {insurer.code}: a region and insurance type is covered by another "
                                 f"insurer from the same day ({str(exc).splitlines()[0]})") from None
            overlap = self._one(fund_queries.cover_overlap_sql(fund_queries.POSTGRES), (insurer.code,))
            if overlap is not None:
                raise StoreError(f"insurer {insurer.code}: {overlap[0]}:{overlap[1]} is covered by insurer "
                                 f"{overlap[2]} from {overlap[3]} to {overlap[4]}")

    def _fund_run(self, sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
        return self._all(sql, params)

    # --- the adjudication queue (9511 with ack "stored") -------------------------------------

    def queue_batch(self, site: str, msgid: str, received_at: str, full: bool,
                    entries: Sequence[QueueEntry]) -> int:
        firsts: dict[str, int] = {}
        for i, e in enumerate(entries):
            firsts.setdefault(e.psn_no, i)
        with self._atomic():
            row = self._one('INSERT INTO queued_batch (site, msgid, received_at, "full", items, input) '
                            "VALUES (%s, %s, %s, %s, %s, ''::bytea) RETURNING seq",
                            (site, msgid, received_at, full, len(entries)))
            seq = int(row[0])
            numbers = _reserve_numbers(self.next_values, entries)
            with self.conn.cursor() as cursor:
                # a person being adjudicated right now: wait for that worker's commit (its row lock),
                # so that it cannot drop the partition these items join; persons in one order
                # (partition_hash: the person's share for `central work --partition`, partitions.py)
                # (one statement each for the batch's persons and local ids, its items in one binary COPY)
                persons = sorted(firsts.items())
                cursor.execute("INSERT INTO queued_person (psn_no, first_batch, first_idx, partition_hash) "
                               "SELECT u.psn_no, %s, u.idx, u.hash FROM unnest(%s::text[], %s::int[], %s::bigint[]) "
                               "AS u (psn_no, idx, hash) ORDER BY u.psn_no "
                               "ON CONFLICT (psn_no) DO UPDATE SET first_batch = queued_person.first_batch",
                               (seq, [psn_no for psn_no, _ in persons], [i for _, i in persons],
                                [partition_hash(psn_no) for psn_no, _ in persons]))
                cursor.execute("INSERT INTO queued_item (site, local_id, batch_seq) SELECT %s, u.local_id, %s "
                               "FROM unnest(%s::text[]) AS u (local_id) ON CONFLICT DO NOTHING",
                               (site, seq, [e.local_id for e in entries]))
                with cursor.copy('COPY queued_work (psn_no, batch_seq, idx, site, local_id, kind, number, msgid, '
                                 'received_at, "full", item) FROM STDIN (FORMAT BINARY)') as copy:
                    copy.set_types(["text", "int8", "int4", "text", "text", "text", "int8", "text", "text", "bool",
                                    "bytea"])
                    for i, e in enumerate(entries):
                        copy.write_row((e.psn_no, seq, i, site, e.local_id, e.kind, numbers[i], msgid, received_at,
                                        full, e.item))
        return seq

    def next_values(self, counter: str, count: int) -> int:
        """``count`` values of a counter at once; returns the last (the first is last - count + 1)."""
        row = self._one(
            "INSERT INTO meta (key, value) VALUES (%s, %s::text) "
            "ON CONFLICT (key) DO UPDATE SET value = (CAST(meta.value AS BIGINT) + %s)::text RETURNING value",
            (f"seq:{counter}", count, count),
        )
        return int(row[0])

    def claim_person(self, skip: Sequence[str] = ()) -> str | None:
        """Inside the caller's transaction: the oldest partition no other worker holds, locked until
        the transaction ends (a worker that dies mid-way: its connection closes, the server rolls
        the transaction back and the lock is free again). In two steps, as ``claim_person_in``, so that
        Citus can run it (the whole queue is share 0 of 1)."""
        return self.claim_person_in(0, 1, skip)

    def first_blocked_work(self, psn_no: str) -> tuple[int, int] | None:
        row = self._one(
            "SELECT w.batch_seq, w.idx FROM queued_work w WHERE w.psn_no = %s AND EXISTS (SELECT 1 FROM queued_work o "
            "WHERE o.site = w.site AND o.local_id = w.local_id AND o.psn_no <> w.psn_no "
            "AND (o.batch_seq, o.idx) < (w.batch_seq, w.idx)) ORDER BY w.batch_seq, w.idx LIMIT 1", (psn_no,))
        return None if row is None else (int(row[0]), int(row[1]))

    def add_adjudications(self, moves: Sequence[tuple[str, int, Accumulators, str]],
                          settlements: Sequence[SettlementRecord]) -> None:
        for psn_no in dict.fromkeys([m[0] for m in moves] + [r.psn_no for r in settlements]):
            self._lock_person(psn_no)
        if any(not r.seq for r in settlements):  # (a queued settlement always has its number)
            for psn_no, year, values, at in moves:
                self.put_accumulators(psn_no, year, values, at)
            for record in settlements:
                self.add_settlement(record)
            return
        copied = len(settlements) >= _COPY_FROM
        with self._atomic(), self.conn.cursor() as cursor:
            if copied:  # binary COPY: the rows cost the server (and psycopg) less than INSERTs; a round trip each
                with cursor.copy("COPY local_key (site, local_id, kind, fingerprint, ref) FROM STDIN (FORMAT BINARY)") \
                        as copy:
                    copy.set_types(["text"] * 5)
                    for r in settlements:
                        copy.write_row((r.site, r.local_id, "settlement", r.fingerprint, r.setl_id))
                with cursor.copy(f"COPY settlement ({SETTLEMENT_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_SETTLEMENT_TYPES)  # (seq given, as the INSERT's OVERRIDING SYSTEM VALUE)
                    for r in settlements:
                        copy.write_row((r.seq, *settlement_values(r)))
            with self.conn.pipeline() if moves or not copied else nullcontext():  # one round trip
                if moves:
                    cursor.executemany(
                        "INSERT INTO accumulator (psn_no, year, ytd, updated_at) VALUES (%s, %s, %s, %s) "
                        "ON CONFLICT (psn_no, year) DO UPDATE SET ytd = excluded.ytd, updated_at = excluded.updated_at",
                        [(psn_no, year, ytd_text(values), at)
                         for (psn_no, year), (values, at) in last_moves(moves).items()])
                if settlements and not copied:
                    cursor.executemany(
                        "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) "
                        "VALUES (%s, %s, 'settlement', %s, %s)",
                        [(r.site, r.local_id, r.fingerprint, r.setl_id) for r in settlements])
                    cursor.executemany(_insert_with_seq("settlement", SETTLEMENT_COLUMNS.split(", ")),
                                       [[r.seq, *settlement_values(r)] for r in settlements])
            # (their roster revisions move at the commit: _move_roster_revs)
            self._rev_pending.extend(m[0] for m in moves)

    def finish_work(self, psn_no: str, done: Sequence[QueuedWork]) -> None:
        seqs, idxs = [w.batch_seq for w in done], [w.idx for w in done]
        with self._atomic(), self.conn.pipeline():  # the four statements in one round trip
            self.conn.execute("DELETE FROM queued_work WHERE psn_no = %s AND (batch_seq, idx) IN "
                              "(SELECT * FROM unnest(%s::bigint[], %s::int[]))", (psn_no, seqs, idxs))
            self.conn.execute(
                "DELETE FROM queued_item q USING unnest(%s::text[], %s::text[], %s::bigint[]) AS d(site, local_id, b) "
                "WHERE q.site = d.site AND q.local_id = d.local_id AND q.batch_seq = d.b AND NOT EXISTS "
                "(SELECT 1 FROM queued_work w WHERE w.site = d.site AND w.local_id = d.local_id AND w.batch_seq = d.b)",
                ([w.site for w in done], [w.local_id for w in done], seqs))
            # the person's partition now starts at its first item left; without one it is gone
            self.conn.execute("UPDATE queued_person SET (first_batch, first_idx) = (SELECT batch_seq, idx FROM "
                              "queued_work WHERE psn_no = %s ORDER BY batch_seq, idx LIMIT 1) WHERE psn_no = %s "
                              "AND EXISTS (SELECT 1 FROM queued_work WHERE psn_no = %s)", (psn_no, psn_no, psn_no))
            self.conn.execute("DELETE FROM queued_person WHERE psn_no = %s AND NOT EXISTS "
                              "(SELECT 1 FROM queued_work WHERE psn_no = %s)", (psn_no, psn_no))

    def queue_figures(self, now: float, since: str) -> QueueFigures:
        """The shared figures, and the central system's other sessions of this database now (its
        server and workers connect as "hospital-client central")."""
        sessions = self._one("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                             "AND datname = current_database() AND pid <> pg_backend_pid()",
                             (_APPLICATION_NAME,))
        return dataclasses.replace(super().queue_figures(now, since), connections=int(sessions[0]))

    # --- a worker's share of the queue (partitions.py) -------------------------------------------

    def claim_person_in(self, index: int, count: int, skip: Sequence[str] = ()) -> str | None:
        """As ``claim_person``, within the share, in two steps that each stay on one shard on Citus
        (whose ``FOR UPDATE`` runs only with an equality on the distribution column): the share's oldest
        persons (a plain read), then the first of them no other worker holds, locked by its psn_no."""
        tried = list(skip)
        share, values = ("partition_hash %% %s = %s AND ", [count, index]) if count > 1 else ("", [])
        while True:
            candidates = [str(r[0]) for r in self._all(
                f"SELECT psn_no FROM queued_person WHERE {share}NOT (psn_no = ANY(%s)) "
                "ORDER BY first_batch, first_idx, psn_no LIMIT %s", (*values, tried, _CLAIM_CANDIDATES))]
            for psn_no in candidates:
                if self._one("SELECT psn_no FROM queued_person WHERE psn_no = %s FOR UPDATE SKIP LOCKED",
                             (psn_no,)) is not None:
                    return psn_no
            if len(candidates) < _CLAIM_CANDIDATES:
                return None
            tried.extend(candidates)

    # --- the last refusal of each of many ids at once (9512 by local_id): one query, = ANY(array) ---

    def last_rejections(self, site: str, local_ids: Sequence[str]) -> dict[str, ItemRejection]:
        rows = self._all("SELECT DISTINCT ON (local_id) local_id, kind, infcode, err_msg, output FROM item_rejection "
                         "WHERE site = %s AND local_id = ANY(%s) ORDER BY local_id, id DESC", (site, list(local_ids)))
        return {str(row[0]): ItemRejection(str(row[1]), int(row[2]), str(row[3]), str(row[4])) for row in rows}

    # --- a stay settled in periods (中途结算, stay_periods.py) ------------------------------------

    def continue_stay(self, prior_setl_id: str, setl_id: str) -> None:
        with self._atomic():
            self.conn.execute("DELETE FROM encounter_in_force WHERE setl_id = %s", (prior_setl_id,))
            # the prior period's person (the same stay): no foreign key, the prior settlement must exist
            done = self.conn.execute("INSERT INTO stay_period (psn_no, setl_id, prior_setl_id) "
                                     "SELECT psn_no, %s, setl_id FROM settlement WHERE setl_id = %s",
                                     (setl_id, prior_setl_id))
            if done.rowcount != 1:
                raise StoreError(f"stay period {setl_id}: no settlement {prior_setl_id} to continue")

    def later_period_in_force(self, setl_id: str) -> str | None:
        row = self._one("SELECT p.setl_id FROM stay_period p WHERE p.prior_setl_id = %s AND NOT EXISTS "
                        "(SELECT 1 FROM reversal r WHERE r.psn_no = p.psn_no AND r.setl_id = p.setl_id)",
                        (setl_id,))
        return None if row is None else str(row[0])


def _catalog_value(value: Any) -> Any:
    """A catalogue cell as SQLite keeps it through sqlite-utils: text, or NULL."""
    if value is None or isinstance(value, str):
        return value
    return str(value)


__all__ = ["MIGRATIONS", "PostgresStore", "redact_url"]
