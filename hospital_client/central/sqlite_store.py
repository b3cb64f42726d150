"""The central system's SQLite store (sqlite-utils): WAL, synchronous=FULL, migrations.

One connection, used by one thread at a time (the service serialises requests). Settlements,
reversals, local keys and stored answers are append-only: triggers refuse UPDATE and DELETE.

Encryption at rest (optional): with ``encrypt=True``, or ``HOSPITAL_CENTRAL_ENCRYPT=1`` in the
environment of ``central init``, a new central database is made the way the desk's is
(SQLCipher, a random key in the OS keyring of the user running the server, named after the
database id; ``hospital-client key export/import --db`` escrow it). An existing file is opened
as it is: plaintext, or encrypted (keyed from the keyring) when it has no SQLite header.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from .. import config
from ..rules import SETLINFO_KEYS
from ..store import connection as desk_connection
from ..store import errors as desk_errors
from ..store.file_header import SQLITE_MAGIC, read_head
from ..store.sql import Where, append_only_triggers, insert_sql
from . import fund_queries
from .partitions import partition_hash
from .queue_numbers import reserve_numbers as _reserve_numbers
from .stays_in_force import StayInForce, stays_in_force
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
    ItemRejection,
    LegacyBatch,
    LocalKey,
    PackBlob,
    PaymentGroup,
    PersonCounts,
    PersonRecord,
    QueuedWork,
    QueueEntry,
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


_YTD_JSON = json.JSONEncoder(separators=(",", ":"))  # made once (json.dumps would make one a call)


def _ytd_text(values: Accumulators) -> str:
    return _YTD_JSON.encode({k: (v if isinstance(v, int) else f"{v:.2f}") for k, v in values.items()})


def _ytd_values(text: str) -> Accumulators:
    raw = json.loads(text)
    return {k: (v if isinstance(v, int) else Decimal(v)) for k, v in raw.items()}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _day_after(day: str) -> str:
    """'2026-01-31' -> '2026-02-01': times of a day range compare below the next day's date."""
    first = dt.date.fromisoformat(day)
    return "9999-12-32" if first == dt.date.max else (first + dt.timedelta(days=1)).isoformat()


_SETTLEMENT_COLUMNS = (
    "seq, setl_id, site, local_id, msgid, psn_no, mdtrt_id, year, setl_time, adjudicated_at, fingerprint, "
    "pack_id, pack_version, pack_sha256, status, request, person, provisional, final, summary, ytd_before, "
    "ytd_after, adjustment, "
    + ", ".join(SETLINFO_KEYS)
)
_REVERSAL_COLUMNS = (
    "seq, rev_setl_id, setl_id, site, local_id, msgid, psn_no, year, rev_time, processed_at, fingerprint, "
    "ytd_before, ytd_after, " + ", ".join(SETLINFO_KEYS)
)


# Ids per query of the look-ups by many ids (well under SQLite's limit of bound parameters).
_ID_CHUNK = 500

# A local_id made of digits only, and its number (the desk's journal keys are numbers).
_NUMERIC = "local_id <> '' AND local_id NOT GLOB '*[^0-9]*'"
_NUMBER = "CAST(local_id AS INTEGER)"

_AUDIT_HEAD_COLUMNS = ("site", "seq", "hash", "at", "kind", "msgid", "received_at", "restart_seq", "replaced_seq",
                       "replaced_hash")


_LIST_COLUMNS = ("site", "setl_id", "version", "setl_list_id", "list", "status", "qc", "msgid", "uploaded_at")
_CLEARING_COLUMNS = ("clr_appy_evt_id", "site", "setlym", "clr_type", "insutype", "clr_way", "begndate", "enddate",
                     "psntime", "amounts", "msgid", "applied_at")
_CLEARING_SELECT = ("SELECT c.clr_appy_evt_id, c.site, c.setlym, c.clr_type, c.insutype, c.clr_way, c.begndate, "
                    "c.enddate, c.psntime, c.amounts, c.msgid, c.applied_at, COALESCE(w.at, '') FROM clearing c "
                    "LEFT JOIN clearing_withdrawal w ON w.clr_appy_evt_id = c.clr_appy_evt_id")


def _last_moves(moves: Sequence[tuple[str, int, Accumulators, str]]) -> dict[tuple[str, int], tuple[Accumulators, str]]:
    """Where several accumulator moves leave each (psn_no, year): its row holds the last one only."""
    return {(psn_no, year): (values, at) for psn_no, year, values, at in moves}


def _settlement(row: sqlite3.Row | tuple[Any, ...]) -> SettlementRecord:
    (seq, setl_id, site, local_id, msgid, psn_no, mdtrt_id, year, setl_time, adjudicated_at, fingerprint,
     pack_id, pack_version, pack_sha256, status, request, person, provisional, final, summary, ytd_before, ytd_after,
     adjustment, *money) = row
    return SettlementRecord(
        seq=seq, setl_id=setl_id, site=site, local_id=local_id, msgid=msgid, psn_no=psn_no, mdtrt_id=mdtrt_id,
        year=year, setl_time=setl_time, adjudicated_at=adjudicated_at, fingerprint=fingerprint, pack_id=pack_id,
        pack_version=pack_version, pack_sha256=pack_sha256, status=status, request_json=request,
        person_json=person, provisional_json=provisional, final_json=final, summary_json=summary,
        ytd_before=_ytd_values(ytd_before),
        ytd_after=_ytd_values(ytd_after), adjustment_json=adjustment,
        amounts={k: Decimal(v) for k, v in zip(SETLINFO_KEYS, money, strict=True)},
    )


def _settlement_row(record: SettlementRecord) -> list[Any]:
    """A settlement's columns after ``seq``, as stored."""
    return [
        record.setl_id, record.site, record.local_id, record.msgid, record.psn_no, record.mdtrt_id, record.year,
        record.setl_time, record.adjudicated_at, record.fingerprint, record.pack_id, record.pack_version,
        record.pack_sha256, record.status, record.request_json, record.person_json, record.provisional_json,
        record.final_json, record.summary_json,
        _ytd_text(record.ytd_before), _ytd_text(record.ytd_after), record.adjustment_json,
        *(_money(record.amounts[k]) for k in SETLINFO_KEYS),
    ]


def _reversal(row: sqlite3.Row | tuple[Any, ...]) -> ReversalRecord:
    (seq, rev_setl_id, setl_id, site, local_id, msgid, psn_no, year, rev_time, processed_at, fingerprint,
     ytd_before, ytd_after, *money) = row
    return ReversalRecord(
        seq=seq, rev_setl_id=rev_setl_id, setl_id=setl_id, site=site, local_id=local_id, msgid=msgid,
        psn_no=psn_no, year=year, rev_time=rev_time, processed_at=processed_at, fingerprint=fingerprint,
        ytd_before=_ytd_values(ytd_before), ytd_after=_ytd_values(ytd_after),
        amounts={k: Decimal(v) for k, v in zip(SETLINFO_KEYS, money, strict=True)},
    )


class SQLiteStore:
    """CentralStore on one SQLite file."""

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

    def is_initialised(self) -> bool:
        return self._one("SELECT 1 FROM meta WHERE key = 'initialised_at'") is not None

    def mark_initialised(self, at: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('initialised_at', ?)", (at,))

    def next_value(self, counter: str) -> int:
        row = self._one(
            "INSERT INTO meta (key, value) VALUES (?, '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value",
            (f"seq:{counter}",),
        )
        return int(row[0])

    # --- sites, sign-ins, nonces -----------------------------------------------------------

    def add_site(self, site: Site) -> None:
        if self.get_site(site.code) is not None:
            raise StoreError(f"site {site.code} already exists")
        self.conn.execute("INSERT INTO site (code, name, secret, created_at, active) VALUES (?, ?, ?, ?, ?)",
                          (site.code, site.name, site.secret, site.created_at, int(site.active)))

    def get_site(self, code: str) -> Site | None:
        row = self._one("SELECT code, name, secret, created_at, active FROM site WHERE code = ?", (code,))
        return None if row is None else Site(row[0], row[1], row[2], row[3], bool(row[4]))

    def list_sites(self) -> list[Site]:
        rows = self.conn.execute("SELECT code, name, secret, created_at, active FROM site ORDER BY code")
        return [Site(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_sign_in(self, sign_no: str, site: str, opter: str, at: str) -> None:
        self.conn.execute("INSERT INTO sign_in (sign_no, site, opter, sign_time) VALUES (?, ?, ?, ?)",
                          (sign_no, site, opter, at))

    def sign_in_site(self, sign_no: str) -> str | None:
        row = self._one("SELECT site FROM sign_in WHERE sign_no = ?", (sign_no,))
        return None if row is None else str(row[0])

    def use_nonce(self, site: str, nonce: str, timestamp: int) -> bool:
        cursor = self.conn.execute("INSERT OR IGNORE INTO nonce (site, nonce, ts) VALUES (?, ?, ?)",
                                   (site, nonce, timestamp))
        return cursor.rowcount == 1

    def prune_nonces(self, older_than: int) -> None:
        self.conn.execute("DELETE FROM nonce WHERE ts < ?", (older_than,))

    # --- stored answers --------------------------------------------------------------------

    def get_message(self, msgid: str) -> StoredMessage | None:
        row = self._one("SELECT msgid, site, infno, fingerprint, infcode, inf_refmsgid, refmsg_time, err_msg, output "
                        "FROM message WHERE msgid = ?", (msgid,))
        return None if row is None else StoredMessage(*row)

    def put_message(self, message: StoredMessage) -> None:
        self.conn.execute(
            "INSERT INTO message (msgid, site, infno, fingerprint, infcode, inf_refmsgid, refmsg_time, err_msg, "
            "output) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (message.msgid, message.site, message.infno, message.fingerprint, message.infcode,
             message.inf_refmsgid, message.refmsg_time, message.err_msg, message.output_json),
        )

    # --- reference data --------------------------------------------------------------------

    def put_pack(self, pack: PackBlob) -> None:
        self.conn.execute(
            "INSERT INTO pack (id, version, sha256, source_name, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, "
            "source_name = excluded.source_name, data = excluded.data",
            (pack.id, pack.version, pack.sha256, pack.source_name, pack.data),
        )

    def list_packs(self) -> list[PackBlob]:
        rows = self.conn.execute("SELECT id, version, sha256, source_name, data FROM pack ORDER BY id")
        return [PackBlob(r[0], r[1], r[2], r[3], bytes(r[4])) for r in rows]

    def put_review_library(self, library: ReviewLibraryBlob) -> None:
        self.conn.execute(
            "INSERT INTO review_library (id, version, sha256, source_name, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, "
            "source_name = excluded.source_name, data = excluded.data",
            (library.id, library.version, library.sha256, library.source_name, library.data),
        )

    def list_review_libraries(self) -> list[ReviewLibraryBlob]:
        rows = self.conn.execute("SELECT id, version, sha256, source_name, data FROM review_library ORDER BY id")
        return [ReviewLibraryBlob(r[0], r[1], r[2], r[3], bytes(r[4])) for r in rows]

    def put_catalog(self, catalog: CatalogBlob, items: Sequence[dict[str, Any]]) -> None:
        self.conn.execute(
            "INSERT INTO catalog (id, sha256, source_name, data) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
            "SET sha256 = excluded.sha256, source_name = excluded.source_name, data = excluded.data",
            (catalog.sha256, catalog.source_name, catalog.data),
        )
        self.conn.execute("DELETE FROM catalog_item")
        self.db["catalog_item"].insert_all(items)  # type: ignore[union-attr]

    def get_catalog(self) -> CatalogBlob | None:
        row = self._one("SELECT sha256, source_name, data FROM catalog WHERE id = 1")
        return None if row is None else CatalogBlob(row[0], row[1], bytes(row[2]))

    def query_catalog(self, *, code: str, name: str, list_type: str, offset: int,
                      limit: int) -> tuple[list[dict[str, Any]], int]:
        where = (Where().given(code, "med_list_codg = ?").given(name, "instr(name, ?) > 0")
                 .given(list_type, "list_type = ?"))
        total = int(self._one(f"SELECT count(*) FROM catalog_item{where}", where.params)[0])
        cursor = self.conn.execute(
            "SELECT med_list_codg, name, list_type, chrgitm_lv, selfpay_prop, pric_uplmt_amt, unit "
            f"FROM catalog_item{where} ORDER BY med_list_codg LIMIT ? OFFSET ?", [*where.params, limit, offset])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor], total

    # --- persons and accumulators ----------------------------------------------------------

    def put_person(self, person: PersonRecord) -> None:
        data = person.data
        rev = self.next_value("roster_rev")
        self.conn.execute(
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
                row = self._one(f"SELECT psn_no, data, rev FROM person WHERE {column} = ? ORDER BY psn_no LIMIT 1",
                                (value,))
                return None if row is None else PersonRecord(row[0], json.loads(row[1]), row[2])
        return None

    def persons_since(self, cursor: int, limit: int) -> list[PersonRecord]:
        rows = self.conn.execute("SELECT psn_no, data, rev FROM person WHERE rev > ? ORDER BY rev LIMIT ?",
                                 (cursor, limit))
        return [PersonRecord(r[0], json.loads(r[1]), r[2]) for r in rows]

    def get_accumulators(self, psn_no: str, year: int) -> Accumulators | None:
        row = self._one("SELECT ytd FROM accumulator WHERE psn_no = ? AND year = ?", (psn_no, year))
        return None if row is None else _ytd_values(row[0])

    def put_accumulators(self, psn_no: str, year: int, values: Accumulators, at: str) -> None:
        self.conn.execute(
            "INSERT INTO accumulator (psn_no, year, ytd, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (psn_no, year) DO UPDATE SET ytd = excluded.ytd, updated_at = excluded.updated_at",
            (psn_no, year, _ytd_text(values), at),
        )
        # The person's roster entry now carries new year-to-date figures: it is part of the next delta.
        self.conn.execute("UPDATE person SET rev = ? WHERE psn_no = ?", (self.next_value("roster_rev"), psn_no))

    def accumulators_of_year(self, year: int) -> Iterator[tuple[str, Accumulators]]:
        rows = self.conn.execute("SELECT psn_no, ytd FROM accumulator WHERE year = ? ORDER BY psn_no", (year,))
        for psn_no, ytd in rows.fetchall():
            yield psn_no, _ytd_values(ytd)

    def latest_accumulators(self, psn_no: str) -> tuple[int, Accumulators] | None:
        row = self._one("SELECT year, ytd FROM accumulator WHERE psn_no = ? ORDER BY year DESC LIMIT 1", (psn_no,))
        return None if row is None else (int(row[0]), _ytd_values(row[1]))

    # --- admissions and fee uploads --------------------------------------------------------

    def get_admission(self, site: str, mdtrt_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT data FROM admission WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))
        return None if row is None else dict(json.loads(row[0]))

    def put_admission(self, site: str, mdtrt_id: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self.conn.execute(
            "INSERT INTO admission (site, mdtrt_id, psn_no, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (site, mdtrt_id, psn_no, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str), at),
        )

    def delete_admission(self, site: str, mdtrt_id: str) -> None:
        self.conn.execute("DELETE FROM fee_upload WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))
        self.conn.execute("DELETE FROM admission WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))

    # --- outpatient visits and 门诊慢特病 filings (outpatient.py) ------------------------------

    def get_visit(self, site: str, mdtrt_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT data FROM outpatient_visit WHERE site = ? AND mdtrt_id = ?", (site, mdtrt_id))
        return None if row is None else dict(json.loads(row[0]))

    def put_visit(self, site: str, mdtrt_id: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self.conn.execute(
            "INSERT INTO outpatient_visit (site, mdtrt_id, psn_no, data, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (site, mdtrt_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (site, mdtrt_id, psn_no, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str), at),
        )

    def put_filing(self, trt_dcla_detl_sn: str, psn_no: str, data: dict[str, Any], at: str) -> None:
        self.conn.execute(
            "INSERT INTO chronic_filing (trt_dcla_detl_sn, psn_no, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (trt_dcla_detl_sn) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (trt_dcla_detl_sn, psn_no, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str), at),
        )

    def filings_of(self, psn_no: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT data FROM chronic_filing WHERE psn_no = ? ORDER BY trt_dcla_detl_sn",
                                 (psn_no,))
        return [dict(json.loads(row[0])) for row in rows.fetchall()]

    def update_admission(self, site: str, mdtrt_id: str, data: dict[str, Any], at: str) -> None:
        self.conn.execute(
            "UPDATE admission SET data = ? WHERE site = ? AND mdtrt_id = ?",
            (json.dumps(data, ensure_ascii=False, sort_keys=True, default=str), site, mdtrt_id),
        )

    def fee_line_numbers(self, site: str, mdtrt_id: str) -> list[str]:
        rows = self.conn.execute("SELECT feedetl_sn FROM fee_upload WHERE site = ? AND mdtrt_id = ? ORDER BY rowid",
                                 (site, mdtrt_id))
        return [str(r[0]) for r in rows]

    def withdraw_fee_lines(self, site: str, mdtrt_id: str, feedetl_sns: Sequence[str] | None) -> list[str]:
        present = self.fee_line_numbers(site, mdtrt_id)
        gone = present if feedetl_sns is None else [sn for sn in present if sn in set(feedetl_sns)]
        self.conn.executemany("DELETE FROM fee_upload WHERE site = ? AND mdtrt_id = ? AND feedetl_sn = ?",
                              [(site, mdtrt_id, sn) for sn in gone])
        return gone

    def put_fee_upload(self, site: str, mdtrt_id: str, fees: Sequence[dict[str, Any]], at: str) -> None:
        self.conn.executemany(
            "INSERT INTO fee_upload (site, mdtrt_id, feedetl_sn, data, uploaded_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (site, mdtrt_id, feedetl_sn) DO UPDATE SET data = excluded.data, "
            "uploaded_at = excluded.uploaded_at",
            [(site, mdtrt_id, str(f["feedetl_sn"]), json.dumps(f, ensure_ascii=False, sort_keys=True, default=str),
              at) for f in fees],
        )

    # --- settlements and reversals ---------------------------------------------------------

    def get_local_key(self, site: str, local_id: str) -> LocalKey | None:
        row = self._one("SELECT site, local_id, kind, fingerprint, ref FROM local_key WHERE site = ? AND local_id = ?",
                        (site, local_id))
        return None if row is None else LocalKey(*row)

    def add_settlement(self, record: SettlementRecord) -> None:
        self.conn.execute(
            "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (?, ?, 'settlement', ?, ?)",
            (record.site, record.local_id, record.fingerprint, record.setl_id),
        )
        names = _SETTLEMENT_COLUMNS.split(", ")[1:]
        values = _settlement_row(record)
        if record.seq:  # the setl_id's number (settlement.py): the same whichever worker stores it
            names, values = ["seq", *names], [record.seq, *values]
        self.conn.execute(insert_sql("settlement", names), values)

    def get_settlement(self, setl_id: str) -> SettlementRecord | None:
        row = self._one(f"SELECT {_SETTLEMENT_COLUMNS} FROM settlement WHERE setl_id = ?", (setl_id,))
        return None if row is None else _settlement(row)

    def add_reversal(self, record: ReversalRecord) -> None:
        self.conn.execute(
            "INSERT INTO local_key (site, local_id, kind, fingerprint, ref) VALUES (?, ?, 'reversal', ?, ?)",
            (record.site, record.local_id, record.fingerprint, record.rev_setl_id),
        )
        names = _REVERSAL_COLUMNS.split(", ")[1:]
        values = [
            record.rev_setl_id, record.setl_id, record.site, record.local_id, record.msgid, record.psn_no,
            record.year, record.rev_time, record.processed_at, record.fingerprint, _ytd_text(record.ytd_before),
            _ytd_text(record.ytd_after), *(_money(record.amounts[k]) for k in SETLINFO_KEYS),
        ]
        if record.seq:  # the rev_setl_id's number
            names, values = ["seq", *names], [record.seq, *values]
        self.conn.execute(insert_sql("reversal", names), values)

    def get_reversal_of(self, setl_id: str) -> ReversalRecord | None:
        row = self._one(f"SELECT {_REVERSAL_COLUMNS} FROM reversal WHERE setl_id = ?", (setl_id,))
        return None if row is None else _reversal(row)

    def get_reversal(self, rev_setl_id: str) -> ReversalRecord | None:
        row = self._one(f"SELECT {_REVERSAL_COLUMNS} FROM reversal WHERE rev_setl_id = ?", (rev_setl_id,))
        return None if row is None else _reversal(row)

    def settlements(self, *, site: str | None = None, after_seq: int = 0,
                    limit: int | None = None) -> list[SettlementRecord]:
        where = Where().add("seq > ?", after_seq)
        if site is not None:
            where.add("site = ?", site)
        sql = f"SELECT {_SETTLEMENT_COLUMNS} FROM settlement{where} ORDER BY seq"
        params = where.params
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_settlement(row) for row in self.conn.execute(sql, params)]

    def stays_in_force(self, psn_no: str, since_year: int) -> list[StayInForce]:
        # site IN (...) lets the (site, psn_no, year) index serve a look-up by person.
        rows = self.conn.execute(
            "SELECT setl_id, mdtrt_id, site, CASE json_type(request, '$.encounter') WHEN 'object' "
            "THEN json_extract(request, '$.encounter') END FROM settlement s WHERE site IN (SELECT code FROM site) "
            "AND psn_no = ? AND year >= ? AND NOT EXISTS (SELECT 1 FROM reversal r WHERE r.setl_id = s.setl_id) "
            "ORDER BY seq", (psn_no, since_year))
        return stays_in_force(rows)

    def settlements_between(self, site: str, first_day: str, last_day: str) -> list[SettlementRecord]:
        rows = self.conn.execute(
            f"SELECT {_SETTLEMENT_COLUMNS} FROM settlement WHERE site = ? AND substr(setl_time, 1, 10) BETWEEN ? AND ? "
            "ORDER BY seq", (site, first_day, last_day))
        return [_settlement(row) for row in rows]

    def reversals_between(self, site: str, first_day: str, last_day: str) -> list[ReversalRecord]:
        rows = self.conn.execute(
            f"SELECT {_REVERSAL_COLUMNS} FROM reversal WHERE site = ? AND substr(rev_time, 1, 10) BETWEEN ? AND ? "
            "ORDER BY seq", (site, first_day, last_day))
        return [_reversal(row) for row in rows]

    def add_true_up(self, psn_no: str, year: int, amount: Decimal, at: str) -> None:
        self.conn.execute("INSERT INTO true_up (psn_no, year, amount, applied_at) VALUES (?, ?, ?, ?)",
                          (psn_no, year, _money(amount), at))

    def add_sink(self, site: str, body: bytes, at: str) -> None:
        self.conn.execute("INSERT INTO sink (site, received_at, body) VALUES (?, ?, ?)", (site, at, body))

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

    def list_insurers(self) -> list[Insurer]:
        covers: dict[str, list[InsurerCover]] = {}
        for admdvs, insutype, valid_from, valid_to, code in self.conn.execute(
                "SELECT admdvs, insutype, valid_from, valid_to, insurer FROM insurer_cover "
                "ORDER BY admdvs, insutype, valid_from"):
            covers.setdefault(code, []).append(InsurerCover(admdvs, insutype, valid_from, valid_to))
        rows = self.conn.execute("SELECT code, name, created_at FROM insurer ORDER BY code").fetchall()
        return [Insurer(code, name, created_at, tuple(covers.get(code, ()))) for code, name, created_at in rows]

    def add_fund_income(self, rows: Sequence[FundIncome]) -> None:
        self.conn.executemany(
            "INSERT INTO fund_income (day, fund, kind, amount, admdvs, insutype, note, source, entered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.day, r.fund, r.kind, _money(r.amount), r.admdvs, r.insutype, r.note, r.source, r.entered_at)
             for r in rows])

    def fund_income_between(self, first_day: str, last_day: str) -> list[FundIncome]:
        rows = self.conn.execute(
            "SELECT id, day, fund, kind, amount, admdvs, insutype, note, source, entered_at FROM fund_income "
            "WHERE day BETWEEN ? AND ? ORDER BY day, id", (first_day, last_day))
        return [FundIncome(id=r[0], day=r[1], fund=r[2], kind=r[3], amount=Decimal(r[4]), admdvs=r[5],
                           insutype=r[6], note=r[7], source=r[8], entered_at=r[9]) for r in rows]

    def add_contract_premium(self, premium: ContractPremium) -> None:
        self.conn.execute(
            "INSERT INTO contract_premium (insurer, year, premium, other_costs, note, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (premium.insurer, premium.year, _money(premium.premium),
                                          _money(premium.other_costs), premium.note, premium.recorded_at))

    def contract_premiums(self, year: int | None = None) -> list[ContractPremium]:
        where = Where()
        if year is not None:
            where.add("year = ?", year)
        rows = self.conn.execute("SELECT id, insurer, year, premium, other_costs, note, recorded_at FROM "
                                 f"contract_premium{where} ORDER BY year, insurer, id", where.params)
        return [ContractPremium(id=r[0], insurer=r[1], year=r[2], premium=Decimal(r[3]), other_costs=Decimal(r[4]),
                                note=r[5], recorded_at=r[6]) for r in rows]

    def _fund_run(self, sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
        return self.conn.execute(sql, params).fetchall()

    def fund_payment_groups(self, first_day: str, last_day: str, year: int | None = None) -> list[PaymentGroup]:
        return fund_queries.payment_groups(fund_queries.SQLITE, self._fund_run, first_day, _day_after(last_day), year)

    def fund_persons(self, first_day: str, last_day: str, insurer: str | None = None) -> PersonCounts:
        return fund_queries.person_counts(fund_queries.SQLITE, self._fund_run, first_day, _day_after(last_day),
                                          insurer)

    def fund_true_up_groups(self, first_day: str, last_day: str, year: int | None = None) -> list[TrueUpGroup]:
        return fund_queries.true_up_groups(fund_queries.SQLITE, self._fund_run, first_day, _day_after(last_day), year)

    def fund_income_groups(self, first_day: str, last_day: str) -> list[IncomeGroup]:
        return fund_queries.income_groups(fund_queries.SQLITE, self._fund_run, first_day, last_day)

    def fund_hifmi_lines(self, first_day: str, last_day: str, site: str | None = None) -> list[HifmiLine]:
        return fund_queries.hifmi_lines(fund_queries.SQLITE, self._fund_run, first_day, _day_after(last_day), site)

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

    def queued_psn_no(self, site: str, local_id: str) -> str | None:
        row = self._one("SELECT psn_no FROM queued_work WHERE site = ? AND local_id = ? "
                        "ORDER BY batch_seq DESC, idx DESC LIMIT 1", (site, local_id))
        return None if row is None else str(row[0])

    def claim_person(self, skip: Sequence[str] = ()) -> str | None:
        """Inside the caller's write transaction (BEGIN IMMEDIATE: the claim is the write lock itself,
        released by COMMIT, or by the process's death with nothing of it written)."""
        marks = ", ".join("?" for _ in skip)
        row = self._one("SELECT psn_no FROM queued_person"
                        + (f" WHERE psn_no NOT IN ({marks})" if skip else "")
                        + " ORDER BY first_batch, first_idx, psn_no LIMIT 1", tuple(skip))
        return None if row is None else str(row[0])

    def person_work(self, psn_no: str) -> list[QueuedWork]:
        rows = self.conn.execute(
            "SELECT batch_seq, idx, site, local_id, kind, number, msgid, received_at, full, item FROM queued_work "
            "WHERE psn_no = ? ORDER BY batch_seq, idx", (psn_no,))
        return [QueuedWork(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bytes(r[9])) for r in rows]

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
                [(psn_no, year, _ytd_text(values), at) for (psn_no, year), (values, at) in _last_moves(moves).items()])
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
        self.conn.executemany(insert_sql("settlement", _SETTLEMENT_COLUMNS.split(", ")),
                              [[r.seq, *_settlement_row(r)] for r in settlements])

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
            self.conn.execute("UPDATE queued_person SET first_batch = ?, first_idx = ? WHERE psn_no = ?",
                              (first[0], first[1], psn_no))

    def close_batches(self, at: str) -> int:
        done = self.conn.execute(
            "UPDATE queued_batch SET done_items = items, finished_at = ? WHERE finished_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM queued_work w WHERE w.batch_seq = queued_batch.seq) "
            "AND length(input) = 0", (at,))  # (a batch of the version before: converted first, queue_upgrade.py)
        return int(done.rowcount)

    def has_queued(self) -> bool:
        return self._one("SELECT 1 FROM queued_person LIMIT 1") is not None

    # --- a worker's share of the queue (partitions.py); batches of the version before (queue_upgrade.py)

    def claim_person_in(self, index: int, count: int, skip: Sequence[str] = ()) -> str | None:
        marks = ", ".join("?" for _ in skip)
        row = self._one("SELECT psn_no FROM queued_person WHERE partition_hash % ? = ?"
                        + (f" AND psn_no NOT IN ({marks})" if skip else "")
                        + " ORDER BY first_batch, first_idx, psn_no LIMIT 1", (count, index, *skip))
        return None if row is None else str(row[0])

    def has_queued_in(self, index: int, count: int) -> bool:
        return self._one("SELECT 1 FROM queued_person WHERE partition_hash % ? = ? LIMIT 1", (count, index)) is not None

    def legacy_batch_seqs(self) -> list[int]:
        return [int(row[0]) for row in self.conn.execute(
            "SELECT seq FROM queued_batch WHERE finished_at IS NULL AND length(input) > 0 ORDER BY seq")]

    def take_legacy_batch(self, seq: int) -> LegacyBatch | None:
        row = self._one("SELECT seq, site, msgid, received_at, full, done_items, input FROM queued_batch "
                        "WHERE seq = ? AND finished_at IS NULL AND length(input) > 0", (seq,))
        return None if row is None else LegacyBatch(int(row[0]), str(row[1]), str(row[2]), str(row[3]),
                                                     bool(row[4]), int(row[5]), bytes(row[6]))

    def requeue_legacy_batch(self, batch: LegacyBatch, entries: Sequence[QueueEntry]) -> None:
        first = batch.done_items  # the items before it were adjudicated by the version before
        numbers = _reserve_numbers(self.next_values, entries)
        self.conn.execute("DELETE FROM queued_item WHERE site = ? AND batch_seq = ?", (batch.site, batch.seq))
        self.conn.executemany("INSERT OR IGNORE INTO queued_item (site, local_id, batch_seq) VALUES (?, ?, ?)",
                              [(batch.site, e.local_id, batch.seq) for e in entries])
        self.conn.executemany(
            "INSERT INTO queued_work (psn_no, batch_seq, idx, site, local_id, kind, number, msgid, received_at, full, "
            "item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.psn_no, batch.seq, first + i, batch.site, e.local_id, e.kind, numbers[i], batch.msgid,
              batch.received_at, int(batch.full), e.item) for i, e in enumerate(entries)])
        firsts: dict[str, int] = {}
        for i, e in enumerate(entries):
            firsts.setdefault(e.psn_no, first + i)
        self.conn.executemany(
            "INSERT INTO queued_person (psn_no, first_batch, first_idx, partition_hash) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (psn_no) DO UPDATE SET first_batch = excluded.first_batch, first_idx = excluded.first_idx "
            "WHERE (excluded.first_batch, excluded.first_idx) < (queued_person.first_batch, queued_person.first_idx)",
            [(psn_no, batch.seq, i, partition_hash(psn_no)) for psn_no, i in sorted(firsts.items())])
        self.conn.execute("UPDATE queued_batch SET input = x'' WHERE seq = ?", (batch.seq,))

    def pending_floor(self, site: str) -> int | None:
        row = self._one("SELECT MIN(number) FROM queued_work WHERE site = ? AND kind = 'settlement'", (site,))
        return None if row is None or row[0] is None else int(row[0])

    def add_rejection(self, site: str, local_id: str, kind: str, msgid: str, infcode: int, err_msg: str,
                      at: str, output_json: str = "{}") -> None:
        self.conn.execute(
            "INSERT INTO item_rejection (site, local_id, kind, msgid, infcode, err_msg, at, output) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (site, local_id, kind, msgid, infcode, err_msg, at, output_json))

    # --- the same look-ups for many ids at once (9512 by local_id) ---------------------------

    def _in_chunks(self, sql: str, head: Sequence[Any], ids: Sequence[str]) -> Iterator[Any]:
        """Rows of ``sql`` (its ``{ids}`` a list of placeholders) for the distinct ids, a chunk at a time."""
        distinct = list(dict.fromkeys(ids))
        for start in range(0, len(distinct), _ID_CHUNK):
            chunk = distinct[start:start + _ID_CHUNK]
            yield from self.conn.execute(sql.format(ids=", ".join("?" * len(chunk))), [*head, *chunk])

    def queued_local_ids(self, site: str, local_ids: Sequence[str]) -> set[str]:
        return {str(row[0]) for row in self._in_chunks(
            "SELECT DISTINCT local_id FROM queued_item WHERE site = ? AND local_id IN ({ids})", (site,), local_ids)}

    def local_keys(self, site: str, local_ids: Sequence[str]) -> dict[str, LocalKey]:
        keys = (LocalKey(*row) for row in self._in_chunks(
            "SELECT site, local_id, kind, fingerprint, ref FROM local_key WHERE site = ? AND local_id IN ({ids})",
            (site,), local_ids))
        return {key.local_id: key for key in keys}

    def last_rejections(self, site: str, local_ids: Sequence[str]) -> dict[str, ItemRejection]:
        found: dict[str, ItemRejection] = {}
        for row in self._in_chunks(
                "SELECT local_id, kind, infcode, err_msg, output FROM item_rejection WHERE site = ? "
                "AND local_id IN ({ids}) ORDER BY id", (site,), local_ids):  # the last one of each wins
            found[str(row[0])] = ItemRejection(str(row[1]), int(row[2]), str(row[3]), str(row[4]))
        return found

    def settlements_by_id(self, setl_ids: Sequence[str]) -> dict[str, SettlementRecord]:
        records = (_settlement(row) for row in self._in_chunks(
            f"SELECT {_SETTLEMENT_COLUMNS} FROM settlement WHERE setl_id IN ({{ids}})", (), setl_ids))
        return {record.setl_id: record for record in records}

    def reversals_by_id(self, rev_setl_ids: Sequence[str]) -> dict[str, ReversalRecord]:
        records = (_reversal(row) for row in self._in_chunks(
            f"SELECT {_REVERSAL_COLUMNS} FROM reversal WHERE rev_setl_id IN ({{ids}})", (), rev_setl_ids))
        return {record.rev_setl_id: record for record in records}

    def reversals_of(self, setl_ids: Sequence[str]) -> dict[str, ReversalRecord]:
        records = (_reversal(row) for row in self._in_chunks(
            f"SELECT {_REVERSAL_COLUMNS} FROM reversal WHERE setl_id IN ({{ids}}) ORDER BY seq", (), setl_ids))
        found: dict[str, ReversalRecord] = {}
        for record in records:
            found.setdefault(record.setl_id, record)
        return found

    # --- one settlement in force per encounter; a site's numbers (9513) ----------------------

    def continue_stay(self, prior_setl_id: str, setl_id: str) -> None:
        self.conn.execute("DELETE FROM encounter_in_force WHERE setl_id = ?", (prior_setl_id,))
        self.conn.execute("INSERT INTO stay_period (setl_id, prior_setl_id) VALUES (?, ?)", (setl_id, prior_setl_id))

    def prior_period(self, setl_id: str) -> str | None:
        row = self._one("SELECT prior_setl_id FROM stay_period WHERE setl_id = ?", (setl_id,))
        return None if row is None else str(row[0])

    def later_period_in_force(self, setl_id: str) -> str | None:
        row = self._one("SELECT p.setl_id FROM stay_period p WHERE p.prior_setl_id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM reversal r WHERE r.setl_id = p.setl_id)", (setl_id,))
        return None if row is None else str(row[0])

    def reinstate_in_force(self, setl_id: str) -> None:
        self.conn.execute("INSERT INTO encounter_in_force (psn_no, mdtrt_id, setl_id, site, local_id, setl_time) "
                          "SELECT psn_no, mdtrt_id, setl_id, site, local_id, setl_time FROM settlement "
                          "WHERE setl_id = ?", (setl_id,))

    def encounters_in_force(self, psn_no: str) -> dict[str, InForce]:
        rows = self.conn.execute("SELECT psn_no, mdtrt_id, setl_id, site, local_id, setl_time FROM encounter_in_force "
                                 "WHERE psn_no = ?", (psn_no,))
        return {str(row[1]): InForce(*row) for row in rows}

    def encounter_in_force(self, psn_no: str, mdtrt_id: str) -> InForce | None:
        row = self._one("SELECT psn_no, mdtrt_id, setl_id, site, local_id, setl_time FROM encounter_in_force "
                        "WHERE psn_no = ? AND mdtrt_id = ?", (psn_no, mdtrt_id))
        return None if row is None else InForce(*row)

    def site_high_water_mark(self, site: str, below: int | None = None) -> int:
        top = 2**63 - 1 if below is None else below
        row = self._one(
            f"SELECT MAX(n) FROM (SELECT {_NUMBER} AS n FROM local_key WHERE site = ? AND {_NUMERIC} "
            f"UNION ALL SELECT {_NUMBER} FROM queued_item WHERE site = ? AND {_NUMERIC} "
            f"UNION ALL SELECT {_NUMBER} FROM item_rejection WHERE site = ? AND {_NUMERIC}) WHERE n < ?",
            (site, site, site, top))
        return int(row[0] or 0)

    def local_keys_after(self, site: str, after: int, limit: int, below: int | None = None) -> list[LocalKey]:
        top = 2**63 - 1 if below is None else below
        rows = self.conn.execute(
            f"SELECT site, local_id, kind, fingerprint, ref FROM local_key WHERE site = ? AND {_NUMERIC} "
            f"AND {_NUMBER} > ? AND {_NUMBER} < ? ORDER BY {_NUMBER} LIMIT ?", (site, after, top, limit))
        return [LocalKey(*row) for row in rows]

    def site_local_ids(self, site: str, psn_no: str, year: int) -> list[str]:
        rows = self.conn.execute(
            "SELECT local_id FROM settlement WHERE site = ? AND psn_no = ? AND year = ? "
            "UNION ALL SELECT local_id FROM reversal WHERE site = ? AND psn_no = ? AND year = ?",
            (site, psn_no, year, site, psn_no, year))
        return [str(r[0]) for r in rows]

    # --- e-voucher tokens (evoucher.py) ------------------------------------------------------

    def add_ec_token(self, token: EcToken) -> None:
        self.conn.execute("INSERT INTO ec_token (token, psn_no, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                          (token.token, token.psn_no, token.issued_at, token.expires_at))

    def get_ec_token(self, token: str) -> EcToken | None:
        row = self._one("SELECT token, psn_no, issued_at, expires_at FROM ec_token WHERE token = ?", (token,))
        return None if row is None else EcToken(*row)

    # --- audit chain heads (audit_heads.py) -------------------------------------------------

    def add_audit_head(self, head: AuditHead) -> None:
        self.conn.execute(insert_sql("audit_head", _AUDIT_HEAD_COLUMNS),
                          [getattr(head, name) for name in _AUDIT_HEAD_COLUMNS])

    def last_audit_head(self, site: str) -> AuditHead | None:
        row = self._one(f"SELECT {', '.join(_AUDIT_HEAD_COLUMNS)} FROM audit_head WHERE site = ? "
                        "ORDER BY id DESC LIMIT 1", (site,))
        return None if row is None else AuditHead(*row)

    def audit_restarts(self, site: str) -> list[AuditHead]:
        rows = self.conn.execute(f"SELECT {', '.join(_AUDIT_HEAD_COLUMNS)} FROM audit_head WHERE site = ? "
                                 "AND kind = 'restart' ORDER BY id", (site,))
        return [AuditHead(*row) for row in rows]

    # --- settlement lists (4101, 4103, 4104) and clearing (3203, 3204) ----------------------

    def add_settlement_list(self, record: SettlementListRecord) -> None:
        self.conn.execute(insert_sql("settlement_list", _LIST_COLUMNS),
                          (record.site, record.setl_id, record.version, record.setl_list_id, record.list_json,
                           record.status, record.qc_json, record.msgid, record.uploaded_at))

    def last_settlement_list(self, site: str, setl_id: str) -> SettlementListRecord | None:
        row = self._one(f"SELECT {', '.join(_LIST_COLUMNS)} FROM settlement_list WHERE site = ? AND setl_id = ? "
                        "ORDER BY version DESC LIMIT 1", (site, setl_id))
        return None if row is None else SettlementListRecord(*row)

    def add_clearing(self, record: ClearingRecord) -> None:
        self.conn.execute(insert_sql("clearing", _CLEARING_COLUMNS),
                          (record.clr_appy_evt_id, record.site, record.setlym, record.clr_type, record.insutype,
                           record.clr_way, record.begndate, record.enddate, record.psntime, record.amounts_json,
                           record.msgid, record.applied_at))

    def get_clearing(self, clr_appy_evt_id: str) -> ClearingRecord | None:
        row = self._one(f"{_CLEARING_SELECT} WHERE c.clr_appy_evt_id = ?", (clr_appy_evt_id,))
        return None if row is None else ClearingRecord(*row)

    def clearings(self, site: str, setlym: str) -> list[ClearingRecord]:
        rows = self.conn.execute(f"{_CLEARING_SELECT} WHERE c.site = ? AND c.setlym = ? ORDER BY c.applied_at, "
                                 "c.clr_appy_evt_id", (site, setlym))
        return [ClearingRecord(*row) for row in rows]

    def withdraw_clearing(self, clr_appy_evt_id: str, at: str, msgid: str) -> None:
        self.conn.execute("INSERT INTO clearing_withdrawal (clr_appy_evt_id, at, msgid) VALUES (?, ?, ?)",
                          (clr_appy_evt_id, at, msgid))

    # --- a list's status (4102) and clearing applications over months, approvals (3205A) -------

    def add_settlement_list_state(self, record: SettlementListStateRecord) -> None:
        self.conn.execute("INSERT INTO settlement_list_state (site, setl_id, setl_list_id, stas_type, msgid, at) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (record.site, record.setl_id, record.setl_list_id,
                                                        record.stas_type, record.msgid, record.at))

    def last_settlement_list_state(self, site: str, setl_id: str) -> SettlementListStateRecord | None:
        row = self._one("SELECT site, setl_id, setl_list_id, stas_type, msgid, at FROM settlement_list_state "
                        "WHERE site = ? AND setl_id = ? ORDER BY id DESC LIMIT 1", (site, setl_id))
        return None if row is None else SettlementListStateRecord(*row)

    def clearings_between(self, site: str, setlym_from: str, setlym_to: str) -> list[ClearingRecord]:
        rows = self.conn.execute(f"{_CLEARING_SELECT} WHERE c.site = ? AND c.setlym BETWEEN ? AND ? "
                                 "ORDER BY c.setlym, c.applied_at, c.clr_appy_evt_id", (site, setlym_from, setlym_to))
        return [ClearingRecord(*row) for row in rows]

    def approve_clearing(self, approval: ClearingApproval) -> None:
        self.conn.execute("INSERT INTO clearing_approval (clr_appy_evt_id, at, opter_name) VALUES (?, ?, ?)",
                          (approval.clr_appy_evt_id, approval.at, approval.opter_name))

    def clearing_approval(self, clr_appy_evt_id: str) -> ClearingApproval | None:
        row = self._one("SELECT clr_appy_evt_id, at, opter_name FROM clearing_approval WHERE clr_appy_evt_id = ?",
                        (clr_appy_evt_id,))
        return None if row is None else ClearingApproval(*row)
