"""The local database schema, as sqlite-utils migrations.

Each migration also sets ``PRAGMA user_version`` to its number, so a newer database is
recognised before anything is read. Never edit a released migration: add a new one.

Money is TEXT with two decimals (Decimal in Python), never REAL. A settlement's request and
result are stored as JSON in its header without their fee lines; each fee line (as requested,
with its optional overrides ``req_*``, and as computed) is a ``fee_line`` row, and
``journal.get_entry`` puts the full request and result back together. The settlement journal,
its fee lines, accumulator deltas, state rows, outbox events and the audit log are
append-only: triggers refuse UPDATE and DELETE. The outbox allows its status columns to
change and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .sql import append_only_triggers

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "hospital_client"
_STEPS: list[Callable[[Database], None]] = []


def _migration(step: Callable[[Database], None]) -> Callable[[Database], None]:
    _STEPS.append(step)
    return step

SETLINFO_COLUMNS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "maf_pay", "oth_pay",
    "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay",
)
# The year-to-date accumulators of the rules core (hospital_client.rules.YTD_KEYS; a test keeps
# them equal). Kept here so that the store does not import the rules core at start-up.
ACCUMULATOR_KEYS = (
    "admissions", "act_pay_dedc", "hifp_pay", "hifmi_base", "hifmi_pay",
    "maf_base", "maf_pay", "maf2_base", "maf2_pay",
)
MONEY_ACCUMULATOR_KEYS = ACCUMULATOR_KEYS[1:]


def _set_version(db: Database, version: int) -> None:
    db.execute(f"PRAGMA user_version = {int(version)}")


@_migration
def m001_initial(db: Database) -> None:
    money = ",\n  ".join(f"{c} TEXT NOT NULL" for c in SETLINFO_COLUMNS)
    acc_money = ",\n  ".join(f"{c} TEXT NOT NULL DEFAULT '0.00'" for c in MONEY_ACCUMULATOR_KEYS)
    db.executescript(f"""
CREATE TABLE operator (
  name TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE policy_pack (
  sha256 TEXT PRIMARY KEY,
  pack_id TEXT NOT NULL,
  version TEXT NOT NULL,
  source_name TEXT NOT NULL,
  data BLOB NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE INDEX policy_pack_id ON policy_pack (pack_id, version);

CREATE TABLE catalog (
  sha256 TEXT PRIMARY KEY,
  source_name TEXT NOT NULL,
  data BLOB NOT NULL,
  items INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);

CREATE TABLE person (
  psn_no TEXT PRIMARY KEY,
  psn_name TEXT NOT NULL,
  certno TEXT NOT NULL,
  gend TEXT NOT NULL DEFAULT '',
  brdy TEXT NOT NULL DEFAULT '',
  insutype TEXT NOT NULL,
  psn_type TEXT NOT NULL DEFAULT '',
  insuplc_admdvs TEXT NOT NULL,
  assistance_group TEXT,
  residence TEXT,
  card_no TEXT,
  ecard_code TEXT,
  ytd_year INTEGER,
  ytd_json TEXT NOT NULL DEFAULT '{{}}',
  pulled_at TEXT NOT NULL
);
CREATE INDEX person_certno ON person (certno);
CREATE INDEX person_card_no ON person (card_no);
CREATE INDEX person_ecard_code ON person (ecard_code);

CREATE TABLE settlement (
  local_id INTEGER PRIMARY KEY,
  queue_no TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('settlement', 'reversal')),
  reverses_local_id INTEGER UNIQUE REFERENCES settlement (local_id),
  psn_no TEXT NOT NULL,
  certno_masked TEXT NOT NULL,
  psn_name_masked TEXT NOT NULL,
  insutype TEXT NOT NULL,
  insuplc_admdvs TEXT NOT NULL,
  mdtrt_id TEXT NOT NULL,
  med_type TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  setl_year INTEGER NOT NULL,
  setl_date TEXT NOT NULL,
  pack_id TEXT NOT NULL,
  pack_version TEXT NOT NULL,
  pack_sha256 TEXT NOT NULL,
  catalog_sha256 TEXT NOT NULL,
  ytd_source TEXT NOT NULL CHECK (ytd_source IN ('request', 'local', 'original')),
  line_count INTEGER NOT NULL,
  {money},
  request_json TEXT NOT NULL,
  result_json TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL,
  business_day TEXT NOT NULL,
  CHECK ((kind = 'reversal') = (reverses_local_id IS NOT NULL))
);
CREATE INDEX settlement_mdtrt ON settlement (mdtrt_id);
CREATE INDEX settlement_psn ON settlement (psn_no, setl_year);
{append_only_triggers("settlement")}
CREATE TRIGGER settlement_reverse_once BEFORE INSERT ON settlement
WHEN NEW.kind = 'reversal'
BEGIN
  SELECT RAISE(ABORT, 'reversal: the original is missing or is itself a reversal')
  WHERE NOT EXISTS (SELECT 1 FROM settlement WHERE local_id = NEW.reverses_local_id AND kind = 'settlement');
END;

CREATE TABLE fee_line (
  local_id INTEGER NOT NULL REFERENCES settlement (local_id),
  seq INTEGER NOT NULL,
  feedetl_sn TEXT NOT NULL,
  med_list_codg TEXT NOT NULL,
  name TEXT NOT NULL,
  pric TEXT NOT NULL,
  cnt TEXT NOT NULL,
  det_item_fee_sumamt TEXT NOT NULL,
  chrgitm_lv TEXT NOT NULL,
  fulamt_ownpay_amt TEXT NOT NULL,
  overlmt_amt TEXT NOT NULL,
  preselfpay_amt TEXT NOT NULL,
  inscp_scp_amt TEXT NOT NULL,
  req_chrgitm_lv TEXT,
  req_selfpay_prop TEXT,
  req_pric_uplmt_amt TEXT,
  PRIMARY KEY (local_id, seq)
) WITHOUT ROWID;
{append_only_triggers("fee_line")}

CREATE TABLE settlement_state (
  id INTEGER PRIMARY KEY,
  local_id INTEGER NOT NULL REFERENCES settlement (local_id),
  state TEXT NOT NULL CHECK (state IN ('provisional', 'final')),
  at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX settlement_state_local ON settlement_state (local_id, id);
{append_only_triggers("settlement_state")}

CREATE TABLE accumulator_delta (
  local_id INTEGER PRIMARY KEY REFERENCES settlement (local_id),
  psn_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  admissions INTEGER NOT NULL DEFAULT 0,
  {acc_money}
);
CREATE INDEX accumulator_delta_psn ON accumulator_delta (psn_no, year);
{append_only_triggers("accumulator_delta")}

CREATE TABLE accumulator (
  psn_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  admissions INTEGER NOT NULL DEFAULT 0,
  {acc_money},
  last_local_id INTEGER NOT NULL REFERENCES settlement (local_id),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (psn_no, year)
);
CREATE TRIGGER accumulator_no_delete BEFORE DELETE ON accumulator
BEGIN SELECT RAISE(ABORT, 'append-only: accumulator rows cannot be deleted'); END;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  local_id INTEGER NOT NULL UNIQUE REFERENCES settlement (local_id),
  infno TEXT NOT NULL,
  msgid TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'accepted', 'adjusted', 'rejected')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TRIGGER outbox_fixed BEFORE UPDATE OF id, local_id, infno, msgid, created_at ON outbox
BEGIN SELECT RAISE(ABORT, 'append-only: an outbox message cannot be changed, only its status'); END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'append-only: outbox rows cannot be deleted'); END;

CREATE TABLE outbox_event (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL REFERENCES outbox (id),
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_event_outbox ON outbox_event (outbox_id);
{append_only_triggers("outbox_event")}

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit (subject);
{append_only_triggers("audit")}
""")
    _set_version(db, 1)


@_migration
def m002_settings_and_day_end(db: Database) -> None:
    """Site settings (with their changes audited) and indexes for day-end and outbox drains."""
    db.executescript("""
CREATE TABLE setting (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX settlement_day_operator ON settlement (business_day, operator);
CREATE INDEX outbox_status ON outbox (status, id);
""")
    _set_version(db, 2)


def _ordinal(name: str) -> int:
    """A migration's number from its place in the list (each sets user_version to it)."""
    return 1 + [step.__name__ for step in _STEPS].index(name)


_ADJUSTMENT_FIXED = (
    "local_id", "central_id", "psn_cash_pay", "hifp_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt",
    "funds_json", "reasons", "created_at",
)


@_migration
def m003_sync(db: Database) -> None:
    """The central system's answers: final results, adjustments for the clerk to
    resolve, sync cursors, and what each pulled year-to-date already includes (the rebase)."""
    db.executescript(f"""
CREATE TABLE sync_result (
  local_id INTEGER PRIMARY KEY REFERENCES settlement (local_id),
  status TEXT NOT NULL CHECK (status IN ('accepted', 'adjusted')),
  central_id TEXT NOT NULL,
  msgid TEXT NOT NULL,
  final_json TEXT NOT NULL,
  received_at TEXT NOT NULL
);
{append_only_triggers("sync_result")}

CREATE TABLE adjustment (
  local_id INTEGER PRIMARY KEY REFERENCES settlement (local_id),
  central_id TEXT NOT NULL,
  psn_cash_pay TEXT NOT NULL,
  hifp_pay TEXT NOT NULL,
  hifmi_pay TEXT NOT NULL,
  maf_pay TEXT NOT NULL,
  fund_pay_sumamt TEXT NOT NULL,
  funds_json TEXT NOT NULL,
  reasons TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_by TEXT,
  resolved_at TEXT,
  resolution_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX adjustment_open ON adjustment (resolved_at, local_id);
CREATE TRIGGER adjustment_fixed BEFORE UPDATE OF {", ".join(_ADJUSTMENT_FIXED)} ON adjustment
BEGIN SELECT RAISE(ABORT, 'append-only: an adjustment cannot be changed, only resolved once'); END;
CREATE TRIGGER adjustment_resolve_once BEFORE UPDATE ON adjustment WHEN OLD.resolved_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'append-only: the adjustment was already resolved'); END;
CREATE TRIGGER adjustment_no_delete BEFORE DELETE ON adjustment
BEGIN SELECT RAISE(ABORT, 'append-only: adjustment rows cannot be deleted'); END;

CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE roster_rebase (
  psn_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  central_json TEXT NOT NULL,
  included_json TEXT NOT NULL,
  pulled_at TEXT NOT NULL,
  PRIMARY KEY (psn_no, year)
);
""")
    _set_version(db, _ordinal("m003_sync"))


@_migration
def m004_journal_content(db: Database) -> None:
    """No table changes: every journal entry written before entries recorded their content
    (store.content) gets it recorded now, as it stands, in one ``seal`` audit entry each, and one
    more ``seal`` entry (subject ``journal``) says how many. Changes made before the upgrade cannot
    be told; changes made after it are found by ``audit verify``."""
    from . import audit, content

    sealed = content.seal_uncovered(db.conn)
    if sealed:
        audit.append_in_transaction(
            db.conn, "seal", "system", "journal",
            {"entries": len(sealed), "first": sealed[0], "last": sealed[-1],
             "note": "content recorded at upgrade for entries written before it was recorded with each entry"})
    _set_version(db, _ordinal("m004_journal_content"))


@_migration
def m005_already_settled(db: Database) -> None:
    """Settlements the central system refused because their encounter already had a settlement in
    force there (infcode 3003): each is recorded against that settlement (store.reconcile), counts
    no longer in the local year-to-date, is no longer the encounter's settlement at this desk and
    cannot be reversed (nothing was paid for it)."""
    db.executescript(f"""
CREATE TABLE already_settled (
  local_id INTEGER PRIMARY KEY REFERENCES settlement (local_id),
  setl_id TEXT NOT NULL,
  site TEXT NOT NULL,
  central_local_id TEXT,
  setl_time TEXT NOT NULL,
  err_msg TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
{append_only_triggers("already_settled")}
""")
    _set_version(db, _ordinal("m005_already_settled"))


@_migration
def m006_his_handoff(db: Database) -> None:
    """Stays handed over by the hospital information system (HIS) and waiting to be settled
    (待结算), one row per stay (``stay_key``: the platform's mdtrt_id when HIS registered the
    admission, else the 住院号 ipt_no). A stay is waiting while it has no settlement in force; a
    corrected hand-off of a waiting stay replaces its row."""
    db.executescript("""
CREATE TABLE his_stay (
  stay_key TEXT PRIMARY KEY,
  ipt_no TEXT NOT NULL,
  mdtrt_id TEXT NOT NULL DEFAULT '',
  psn_no TEXT NOT NULL,
  begntime TEXT NOT NULL,
  endtime TEXT NOT NULL,
  dept TEXT NOT NULL DEFAULT '',
  doctor TEXT NOT NULL DEFAULT '',
  diagnoses_json TEXT NOT NULL,
  fees_json TEXT NOT NULL,
  medfee_sumamt TEXT NOT NULL,
  line_count INTEGER NOT NULL,
  source TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE INDEX his_stay_ipt_no ON his_stay (ipt_no);
""")
    _set_version(db, _ordinal("m006_his_handoff"))


@_migration
def m007_cash_and_day_close(db: Database) -> None:
    """The clerk's cash: how each settlement was paid (method, amount tendered, change) and who
    paid a refund out (``cash_entry``, one row per journal entry, store.cash); and each clerk's
    day close (``day_close``, once per clerk and business day), after which that clerk's entries
    of that day are locked."""
    db.executescript(f"""
CREATE TABLE cash_entry (
  local_id INTEGER PRIMARY KEY REFERENCES settlement (local_id),
  payment TEXT NOT NULL CHECK (payment IN ('cash', 'card', 'wechat', 'alipay', 'account')),
  tendered TEXT NOT NULL,
  change TEXT NOT NULL,
  paid_by TEXT NOT NULL,
  business_day TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX cash_entry_day ON cash_entry (business_day, paid_by);
{append_only_triggers("cash_entry")}

CREATE TABLE day_close (
  id INTEGER PRIMARY KEY,
  operator TEXT NOT NULL,
  business_day TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  totals_json TEXT NOT NULL,
  UNIQUE (operator, business_day)
);
{append_only_triggers("day_close")}
""")
    _set_version(db, _ordinal("m007_cash_and_day_close"))


@_migration
def m008_person_benefit(db: Database) -> None:
    """Each roster person's benefit periods (待遇暂停, 未生效, 中断: protocol/benefits.py) as last
    pulled (9502), read (1101) or checked (2001): a stay inside one is refused (store.benefits)."""
    db.executescript("""
CREATE TABLE person_benefit (
  psn_no TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('suspended', 'waiting', 'interrupted')),
  begndate TEXT NOT NULL,
  enddate TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (psn_no, begndate, state)
) WITHOUT ROWID;
""")
    _set_version(db, _ordinal("m008_person_benefit"))


@_migration
def m009_his_diagnosis_names(db: Database) -> None:
    """The names HIS gives to a handed-over stay's discharge diagnoses (肺炎 for J18.900), parallel
    to ``diagnoses_json`` ("" where HIS gave none); the stays already on the list have none."""
    db.execute("ALTER TABLE his_stay ADD COLUMN diagnosis_names_json TEXT NOT NULL DEFAULT '[]'")
    _set_version(db, _ordinal("m009_his_diagnosis_names"))


@_migration
def m010_review_library(db: Database) -> None:
    """Review-rule libraries (审核规则库) pulled from the central system (9504), as their exact
    bytes with their sha256, re-verified on every load (store.review_libraries)."""
    db.executescript("""
CREATE TABLE review_library (
  sha256 TEXT PRIMARY KEY,
  library_id TEXT NOT NULL,
  version TEXT NOT NULL,
  source_name TEXT NOT NULL,
  data BLOB NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE INDEX review_library_id ON review_library (library_id, version);
""")
    _set_version(db, _ordinal("m010_review_library"))


@_migration
def m011_pack_accumulators(db: Database) -> None:
    """The year-to-date keys a policy pack declares beyond the rules core's (an employee pack's
    hifob_base/hifob_pay and cvlserv_base/cvlserv_pay, an outpatient section's op_dedc ...): one
    append-only row per journal entry and key that it moved, beside that entry's
    ``accumulator_delta`` row (store.accumulators sums them per person and year)."""
    db.executescript(f"""
CREATE TABLE accumulator_key_delta (
  local_id INTEGER NOT NULL REFERENCES accumulator_delta (local_id),
  key TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (local_id, key)
);
{append_only_triggers("accumulator_key_delta")}
""")
    _set_version(db, _ordinal("m011_pack_accumulators"))


SCHEMA_VERSION = len(_STEPS)
MIGRATION_NAMES = tuple(step.__name__ for step in _STEPS)


def migrations() -> Migrations:
    """The steps as a sqlite-utils migration set (its applied steps are recorded in the
    database). sqlite-utils is imported here, when a database is created or upgraded, and not
    at every start of the desk."""
    from sqlite_utils import Migrations

    steps = Migrations(MIGRATION_SET)
    for step in _STEPS:
        steps()(step)
    return steps
