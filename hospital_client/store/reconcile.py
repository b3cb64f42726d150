"""Applying the central system's answers to the local journal: the store's side of the sync.

- ``identities``: what an answer must match (kind, person, encounter) to be one of this
  desk's entries;
- ``record_remote_results``: final answers (accepted or adjusted) recorded in ONE
  transaction, each as its ``sync_result``, its adjustment, the outbox status and event, a
  'final' state row and an audit entry; ``remote_result`` reads one back and ``mark_final``
  records a bare confirmation. (A refused entry only parks its outbox message:
  ``outbox.mark_many`` with 'rejected'.)
- adjustments: final minus provisional, for the clerk to settle with the patient, resolved
  once (``list_adjustments``, ``get_adjustment``, ``resolve_adjustment``);
- the roster rebase: year-to-date figures pulled from the central system, rebased onto this
  desk's journal so that no entry counts twice (``put_pulled_persons``, ``rebase_of``).

What the sync uploads is built in ``store.upload``; the drain's view of the queue is in ``outbox``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from . import audit
from .accumulators import pack_keys_of, read_delta
from .caches import put_persons
from .connection import LocalDatabase, now, transaction
from .errors import NotFound, RecordError
from .journal import STATE_INSERT, compact_json
from .money import money_text, to_decimal
from .outbox import mark_many_in_transaction
from .schema import ACCUMULATOR_KEYS
from .sqlite_errors import guarded

__all__ = [
    "Adjustment",
    "RemoteResult",
    "RosterRebase",
    "get_adjustment",
    "identities",
    "list_adjustments",
    "mark_final",
    "put_pulled_persons",
    "rebase_of",
    "record_remote_results",
    "remote_result",
    "resolve_adjustment",
]


# --- the central system's answers ---------------------------------------------------------------

@guarded
def identities(db: LocalDatabase, local_ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """Kind, psn_no and mdtrt_id of these entries: what a central answer must match to be theirs."""
    rows = db.conn.execute(
        "SELECT local_id, kind, psn_no, mdtrt_id FROM settlement WHERE local_id IN (SELECT value FROM json_each(?))",
        (json.dumps([int(x) for x in local_ids]),))
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


@dataclass(frozen=True, slots=True)
class RemoteResult:
    """The central system's answer for one journal entry it adjudicated."""

    local_id: int
    status: str                         # accepted | adjusted
    central_id: str                     # setl_id, or rev_setl_id for a reversal
    msgid: str                          # the message the central system recorded it under
    final: Mapping[str, Any]            # its figures: setlinfo (and setldetail, policy)
    adjustment: Mapping[str, Any] | None = None   # final - provisional (adjusted only)


SYNC_RESULT_INSERT = ("INSERT INTO sync_result (local_id, status, central_id, msgid, final_json, received_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)")
ADJUSTMENT_INSERT = (
    "INSERT INTO adjustment (local_id, central_id, psn_cash_pay, hifp_pay, hifmi_pay, maf_pay, fund_pay_sumamt, "
    "funds_json, reasons, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@guarded
def record_remote_results(db: LocalDatabase, results: Sequence[RemoteResult], *, operator: str = "sync",
                          at: dt.datetime | None = None) -> list[int]:
    """Record the central system's answers in ONE transaction: for each entry not confirmed yet,
    the answer (sync_result), its adjustment (for the clerk to resolve), the outbox status and
    event, a 'final' state row and an audit entry. An entry already confirmed is left alone (an
    answer can arrive twice: the online path and a drain). Returns the local ids recorded."""
    if not results:
        return []
    when = at or now()
    stamp = when.isoformat()
    conn = db.conn
    recorded: list[int] = []
    with transaction(db):
        ids = json.dumps([r.local_id for r in results])
        boxes = {row[0]: (row[1], row[2]) for row in conn.execute(
            "SELECT local_id, id, status FROM outbox WHERE local_id IN (SELECT value FROM json_each(?))", (ids,))}
        done = {row[0]: (row[1], row[2]) for row in conn.execute(
            "SELECT local_id, status, central_id FROM sync_result WHERE local_id IN (SELECT value FROM json_each(?))",
            (ids,))}
        changes: list[tuple[int, str, str]] = []
        for r in results:
            if r.status not in ("accepted", "adjusted"):
                raise ValueError(f"entry {r.local_id}: a final answer is accepted or adjusted, not {r.status!r}")
            if r.local_id not in boxes:
                continue
            outbox_id, box_status = boxes[r.local_id]
            if r.local_id in done:
                # Confirmed before (the answer came twice): only an outbox status put back (e.g. by
                # a retry) returns to what was recorded; nothing else is written again.
                status, central_id = done[r.local_id]
                if box_status != status:
                    changes.append((outbox_id, status, central_id))
                    boxes[r.local_id] = (outbox_id, status)
                continue
            done[r.local_id] = (r.status, r.central_id)
            boxes[r.local_id] = (outbox_id, r.status)
            conn.execute(SYNC_RESULT_INSERT,
                         (r.local_id, r.status, r.central_id, r.msgid, compact_json(r.final), stamp))
            adj = r.adjustment
            if r.status == "adjusted" and adj:
                conn.execute(ADJUSTMENT_INSERT, (
                    r.local_id, r.central_id, *(money_text(adj.get(k, "0")) for k in (
                        "psn_cash_pay", "hifp_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt")),
                    compact_json(adj.get("funds") or []), compact_json(adj.get("reasons") or []), stamp))
            conn.execute(STATE_INSERT, (r.local_id, "final", stamp, f"{r.status} {r.central_id}"))
            changes.append((outbox_id, r.status, r.central_id))
            detail: dict[str, Any] = {"state": "final", "central": r.status, "central_id": r.central_id}
            if r.status == "adjusted" and adj:
                detail["adjustment_psn_cash_pay"] = money_text(adj.get("psn_cash_pay", "0"))
            audit.append_in_transaction(conn, "sync", operator, f"settlement:{r.local_id}", detail, when)
            recorded.append(r.local_id)
        mark_many_in_transaction(conn, changes, stamp)
    return recorded


@guarded
def remote_result(db: LocalDatabase, local_id: int) -> dict[str, Any] | None:
    """What the central system answered for an entry (status, central id, msgid, final figures), or None."""
    row = db.conn.execute("SELECT status, central_id, msgid, final_json, received_at FROM sync_result "
                          "WHERE local_id = ?", (local_id,)).fetchone()
    if row is None:
        return None
    return {"status": row[0], "central_id": row[1], "msgid": row[2], "final": json.loads(row[3]),
            "received_at": row[4]}


@guarded
def mark_final(db: LocalDatabase, local_id: int, note: str = "", *, operator: str = "sync",
               at: dt.datetime | None = None) -> None:
    """Record that the central system confirmed the entry (a new state row; no amount changes)."""
    when = at or now()
    with transaction(db):
        if db.conn.execute("SELECT 1 FROM settlement WHERE local_id = ?", (local_id,)).fetchone() is None:
            raise NotFound(f"no journal entry {local_id}")
        db.conn.execute(STATE_INSERT, (local_id, "final", when.isoformat(), note))
        audit.append_in_transaction(db.conn, "state", operator, f"settlement:{local_id}", {"state": "final"}, when)


# --- adjustments to resolve with the patient ----------------------------------------------

@dataclass(frozen=True, slots=True)
class Adjustment:
    """Final minus provisional for one settlement: psn_cash_pay > 0 the patient pays more (补费),
    < 0 the patient gets money back (退费); per fund too. Resolved once, by whom and when."""

    local_id: int
    queue_no: str
    central_id: str
    psn_cash_pay: str
    hifp_pay: str
    hifmi_pay: str
    maf_pay: str
    fund_pay_sumamt: str
    funds: list[dict[str, Any]]
    reasons: list[str]
    created_at: str
    resolved_by: str | None
    resolved_at: str | None
    resolution_note: str
    psn_no: str
    psn_name_masked: str
    setl_date: str

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["resolved"] = self.resolved
        return out


_ADJ_SELECT = (
    "SELECT a.local_id, s.queue_no, a.central_id, a.psn_cash_pay, a.hifp_pay, a.hifmi_pay, a.maf_pay, "
    "a.fund_pay_sumamt, a.funds_json, a.reasons, a.created_at, a.resolved_by, a.resolved_at, a.resolution_note, "
    "s.psn_no, s.psn_name_masked, s.setl_date FROM adjustment a JOIN settlement s ON s.local_id = a.local_id"
)


def _adjustment(row: tuple[Any, ...]) -> Adjustment:
    values = list(row)
    values[8] = json.loads(values[8])
    values[9] = json.loads(values[9])
    return Adjustment(*values)


@guarded
def list_adjustments(db: LocalDatabase, *, open_only: bool = False) -> list[Adjustment]:
    """Adjustments in local order; with ``open_only`` only those not resolved yet."""
    sql = _ADJ_SELECT + (" WHERE a.resolved_at IS NULL" if open_only else "") + " ORDER BY a.local_id"
    return [_adjustment(row) for row in db.conn.execute(sql).fetchall()]


@guarded
def get_adjustment(db: LocalDatabase, local_id: int) -> Adjustment:
    row = db.conn.execute(_ADJ_SELECT + " WHERE a.local_id = ?", (local_id,)).fetchone()
    if row is None:
        raise NotFound(f"no adjustment for journal entry {local_id}")
    return _adjustment(row)


@guarded
def resolve_adjustment(db: LocalDatabase, local_id: int, *, operator: str, note: str = "",
                       at: dt.datetime | None = None) -> Adjustment:
    """Record that the clerk settled the difference with the patient (once; audited)."""
    when = at or now()
    stamp = when.isoformat()
    with transaction(db):
        current = get_adjustment(db, local_id)
        if current.resolved:
            raise RecordError(f"the adjustment of entry {local_id} was already resolved by {current.resolved_by} "
                              f"at {current.resolved_at}")
        db.conn.execute("UPDATE adjustment SET resolved_by = ?, resolved_at = ?, resolution_note = ? "
                        "WHERE local_id = ?", (operator, stamp, note.strip(), local_id))
        audit.append_in_transaction(db.conn, "sync", operator, f"settlement:{local_id}",
                                    {"adjustment_resolved": current.psn_cash_pay}, when)
    return get_adjustment(db, local_id)


# --- the rebase of pulled year-to-date figures ------------------------------------------------

@dataclass(frozen=True, slots=True)
class RosterRebase:
    psn_no: str
    year: int
    central: dict[str, Any]      # the year-to-date as pulled from the central system
    included: list[int]          # this desk's journal entries those figures already include
    pulled_at: str


@guarded
def rebase_of(db: LocalDatabase, psn_no: str, year: int) -> RosterRebase | None:
    row = db.conn.execute("SELECT central_json, included_json, pulled_at FROM roster_rebase "
                          "WHERE psn_no = ? AND year = ?", (psn_no, year)).fetchone()
    if row is None:
        return None
    return RosterRebase(psn_no, year, json.loads(row[0]), json.loads(row[1]), row[2])


@guarded
def put_pulled_persons(
    db: LocalDatabase, persons: Iterable[Mapping[str, Any]], *, operator: str, source: str,
    at: dt.datetime | None = None,
) -> int:
    """Roster entries pulled from the central system, rebased onto this desk's journal.

    A person's year-to-date at the desk is the cached figure plus the sum of this desk's own
    accumulator deltas (``accumulators.year_to_date``). A figure pulled from the central
    system already contains this desk's settlements and reversals that were adjudicated
    before the pull; the central system names them (``site_local_ids``). So the cached figure
    is the pulled one minus the local deltas of exactly those entries: entries the central
    system has not adjudicated yet still count once, through the local deltas, and the
    adjudicated ones count once, with their final figures. The pulled figure and the included
    entries are kept in ``roster_rebase``. Everything happens in one transaction, under the
    write lock, so no settlement can slip in between the read and the write.
    """
    stamp = (at or now()).isoformat()
    items = list(persons)
    rebased: list[dict[str, Any]] = []
    with transaction(db):
        conn = db.conn
        for person in items:
            ytd = person.get("year_to_date")
            if not ytd or ytd.get("year") is None:
                rebased.append(dict(person))
                continue
            year = int(ytd["year"])
            included = sorted({int(x) for x in person.get("site_local_ids") or [] if str(x).isdigit()})
            base: dict[str, Any] = {"year": year}
            for key in ACCUMULATOR_KEYS:
                value = ytd.get(key, 0 if key == "admissions" else "0.00")
                base[key] = int(value) if key == "admissions" else to_decimal(value)
            declared = pack_keys_of(ytd)  # the keys a pack declares (hifob_pay, op_dedc ...), rebased alike
            for key in declared:
                base[key] = to_decimal(ytd[key])
            counted: list[int] = []
            for local_id in included:
                delta = read_delta(conn, local_id)
                if delta is None or delta[0] != person.get("psn_no") or delta[1] != year:
                    continue  # not this desk's entry (another desk of the site, or a restored database)
                counted.append(local_id)
                for key in ACCUMULATOR_KEYS:
                    base[key] = base[key] - delta[2][key]
                for key in declared:
                    base[key] = base[key] - delta[2].get(key, 0)
            rebased.append({**person, "year_to_date": base})
            central = {k: ytd[k] for k in ("year", *ACCUMULATOR_KEYS, *declared) if k in ytd}
            conn.execute(
                "INSERT INTO roster_rebase (psn_no, year, central_json, included_json, pulled_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (psn_no, year) DO UPDATE SET central_json = excluded.central_json, "
                "included_json = excluded.included_json, pulled_at = excluded.pulled_at",
                (str(person.get("psn_no")), year, json.dumps(central, separators=(",", ":"), default=str),
                 json.dumps(counted), stamp),
            )
        put_persons(db, rebased, operator=operator, source=source, at=at)
    return len(items)
