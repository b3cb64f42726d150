"""The append-only settlement journal.

A settlement is written in ONE transaction: its header (the request it came from, the full
result, the pack id/version/hash, key figures as two-decimal TEXT), its fee lines, its first
state row (provisional), its accumulator delta and the running total, its outbox message and
its audit entry, which records the digests of what was written (store.content). A reversal
is its own journal entry with the original's figures negated, the opposite accumulator delta,
a 2305 outbox message and an audit entry, in one transaction; the
database refuses a second reversal of the same original (UNIQUE reverses_local_id) and a
reversal of a reversal (trigger). Nothing is ever updated in place.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..privacy import mask_id, mask_name
from . import audit, content, mid_stay, numbering
from .accumulators import apply_delta_in_transaction, delta_between, read_delta
from .connection import LocalDatabase, now, transaction
from .errors import AlreadyReversed, DuplicateSettlement, NotFound, NotReversible
from .money import money_text, negate_text, to_decimal
from .outbox import INFNO_REVERSAL, INFNO_SETTLEMENT, enqueue_in_transaction, free_msgid
from .schema import SETLINFO_COLUMNS
from .sql import Where, insert_sql
from .sqlite_errors import guarded

__all__ = [
    "Committed",
    "JournalEntry",
    "NewSettlement",
    "get_entry",
    "list_entries",
    "record_reversal",
    "record_settlement",
]

STATES = ("provisional", "final")


@dataclass(frozen=True, slots=True)
class NewSettlement:
    """What the app hands to the journal after the rules core has computed a bill."""

    request: Mapping[str, Any]      # the request as settled, with the year_to_date it used
    result: Mapping[str, Any]       # SettlementResult.to_dict()
    ytd_before: Mapping[str, Any]   # the accumulators the computation started from
    ytd_source: str                 # 'request' (given in the request) or 'local' (roster + journal)
    catalog_sha256: str
    operator: str


@dataclass(frozen=True, slots=True)
class Committed:
    local_id: int
    queue_no: str
    kind: str
    state: str
    msgid: str
    created_at: str
    reverses_local_id: int | None = None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    local_id: int
    queue_no: str
    kind: str
    state: str
    reverses_local_id: int | None
    reversed_by: int | None
    psn_no: str
    certno_masked: str
    psn_name_masked: str
    insutype: str
    mdtrt_id: str
    med_type: str
    setl_date: str
    pack_id: str
    pack_version: str
    pack_sha256: str
    ytd_source: str
    line_count: int
    amounts: dict[str, Decimal]
    reason: str
    operator: str
    created_at: str
    business_day: str
    outbox_status: str | None
    request: dict[str, Any] | None = field(default=None)
    result: dict[str, Any] | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "local_id": self.local_id,
            "queue_no": self.queue_no,
            "kind": self.kind,
            "state": self.state,
            "reverses_local_id": self.reverses_local_id,
            "reversed_by": self.reversed_by,
            "psn_no": self.psn_no,
            "certno": self.certno_masked,
            "psn_name": self.psn_name_masked,
            "insutype": self.insutype,
            "mdtrt_id": self.mdtrt_id,
            "med_type": self.med_type,
            "setl_date": self.setl_date,
            "policy": {"id": self.pack_id, "version": self.pack_version, "sha256": self.pack_sha256},
            "ytd_source": self.ytd_source,
            "line_count": self.line_count,
            "setlinfo": {k: money_text(v) for k, v in self.amounts.items()},
            "reason": self.reason,
            "operator": self.operator,
            "created_at": self.created_at,
            "business_day": self.business_day,
            "outbox_status": self.outbox_status,
        }
        if self.request is not None:
            out["request"] = self.request
        if self.result is not None:
            out["result"] = self.result
        return out


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def compact_json(data: Any) -> str:
    """Key order kept, no spaces; Decimals as exact strings."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default)


_HEADER_COLUMNS = (
    "local_id", "queue_no", "kind", "reverses_local_id", "psn_no", "certno_masked", "psn_name_masked",
    "insutype", "insuplc_admdvs", "mdtrt_id", "med_type", "fixmedins_code", "setl_year", "setl_date",
    "pack_id", "pack_version", "pack_sha256", "catalog_sha256", "ytd_source", "line_count",
    *SETLINFO_COLUMNS, "request_json", "result_json", "reason", "operator", "created_at", "business_day",
)
_HEADER_INSERT = insert_sql("settlement", _HEADER_COLUMNS)
_LINE_COLUMNS = (
    "local_id", "seq", "feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt",
    "chrgitm_lv", "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt",
)
_OVERRIDE_COLUMNS = ("req_chrgitm_lv", "req_selfpay_prop", "req_pric_uplmt_amt")

_LINE_INSERT = insert_sql("fee_line", (*_LINE_COLUMNS, *_OVERRIDE_COLUMNS))
# A line without overrides (nearly every line) leaves the req_* columns to their NULL default
# instead of binding three Nones: sqlcipher3 adapts each None the slow way (two attribute
# lookups that raise and swallow AttributeError), which cost a 500-line settlement about 1 ms.
_PLAIN_LINE_INSERT = insert_sql("fee_line", _LINE_COLUMNS)
STATE_INSERT = "INSERT INTO settlement_state (local_id, state, at, note) VALUES (?, ?, ?, ?)"


def _queue_no(day: dt.date, local_id: int) -> str:
    return numbering.queue_no(day, local_id)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _next_local_id(conn: sqlite3.Connection) -> int:
    return numbering.next_local_id(conn)  # never an id used before, also after a restore


def _settled_elsewhere(conn: sqlite3.Connection, local_id: int) -> str | None:
    """The central settlement in force a settlement was recorded against (store.already_settled):
    the central system paid nothing for it. None for the others (and in a database not upgraded yet)."""
    try:
        row = conn.execute("SELECT setl_id FROM already_settled WHERE local_id = ?", (local_id,)).fetchone()
    except sqlite3.OperationalError:  # before schema 5 there are none
        return None
    return None if row is None else str(row[0])


def _active_settlement_for(conn: sqlite3.Connection, mdtrt_id: str) -> int | None:
    rows = conn.execute(
        "SELECT s.local_id FROM settlement s WHERE s.mdtrt_id = ? AND s.kind = 'settlement' "
        "AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses_local_id = s.local_id)",
        (mdtrt_id,),
    ).fetchall()
    return next((int(r[0]) for r in rows if _settled_elsewhere(conn, int(r[0])) is None), None)


def duplicate_of(conn: sqlite3.Connection, stay: str, local_id: int) -> DuplicateSettlement:
    """The refusal of a second settlement of a stay, naming the one in force."""
    row = conn.execute("SELECT s.queue_no, s.created_at, s.operator, COALESCE(NULLIF(o.display_name, ''), s.operator), "
                       "s.medfee_sumamt, s.psn_cash_pay FROM settlement s LEFT JOIN operator o ON o.name = s.operator "
                       "WHERE s.local_id = ?", (local_id,)).fetchone()
    queue_no, at, login, name, total, cash = (str(v) for v in row)
    clerk = login if name == login else f"{name} ({login})"
    return DuplicateSettlement(  # the clerk by name on screen, with the login for IT in the detail
        f"stay {stay} already has settlement {local_id} in force (queue no. {queue_no}, {at[:19]}, "
        f"clerk {clerk}, total {total}, patient paid {cash}); reprint it, or reverse it first to correct it",
        local_id=local_id, queue_no=queue_no, at=at, operator=name, total=total, cash=cash)


def settlement_in_force(conn: sqlite3.Connection, stay: str) -> int | None:
    """The local id of the settlement in force for a stay (its mdtrt_id), or None."""
    return _active_settlement_for(conn, stay)


@dataclass(frozen=True, slots=True)
class _LineRows:
    """A settlement's fee line rows, split by how they are inserted (see _PLAIN_LINE_INSERT)."""

    plain: list[tuple[Any, ...]]        # the _LINE_COLUMNS of lines without overrides
    overridden: list[tuple[Any, ...]]   # all columns of lines with at least one override

    def __len__(self) -> int:
        return len(self.plain) + len(self.overridden)


def _line_rows(local_id: int, request: Mapping[str, Any], result: Mapping[str, Any]) -> _LineRows:
    """One row per fee line: as requested (with its overrides) and as computed, in request order."""
    fees = request.get("fees", [])
    computed = result.get("fees", [])
    if len(computed) != len(fees):
        raise ValueError(f"{len(fees)} fee lines but {len(computed)} computed lines")
    rows = _LineRows([], [])
    for seq, (fee, out) in enumerate(zip(fees, computed, strict=True), start=1):
        sn, code, pric, cnt = fee["feedetl_sn"], fee["med_list_codg"], fee["pric"], fee["cnt"]
        name, amount = fee.get("name", ""), fee["det_item_fee_sumamt"]
        if type(sn) is not str:
            sn = _text(sn)
        if out["feedetl_sn"] != sn:
            raise ValueError(f"fee line {seq}: computed line {out['feedetl_sn']} does not match {sn}")
        if not (type(amount) is str and len(amount) > 3 and amount[-3] == "." and amount[-2:].isdigit()):
            amount = money_text(amount)
        row = (
            local_id, seq, sn,
            code if type(code) is str else _text(code),
            name if type(name) is str else _text(name),
            pric if type(pric) is str else _text(pric),
            cnt if type(cnt) is str else _text(cnt),
            amount, out["chrgitm_lv"], out["fulamt_ownpay_amt"], out["overlmt_amt"], out["preselfpay_amt"],
            out["inscp_scp_amt"],
        )
        level, prop, cap = fee.get("chrgitm_lv"), fee.get("selfpay_prop"), fee.get("pric_uplmt_amt")
        if level is None and prop is None and cap is None:
            rows.plain.append(row)
        else:
            rows.overridden.append((
                *row,
                None if level is None else _text(level),
                None if prop is None else _text(prop),
                None if cap is None else _text(cap),
            ))
    return rows


def _without_fees(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "fees"}


_REQUEST_FEE_KEYS = ("feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt")
_RESULT_FEE_KEYS = ("feedetl_sn", "chrgitm_lv", "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt",
                    "inscp_scp_amt")
_LINE_SELECT = (
    "SELECT feedetl_sn, med_list_codg, name, pric, cnt, det_item_fee_sumamt, chrgitm_lv, fulamt_ownpay_amt, "
    "overlmt_amt, preselfpay_amt, inscp_scp_amt, req_chrgitm_lv, req_selfpay_prop, req_pric_uplmt_amt "
    "FROM fee_line WHERE local_id = ? ORDER BY seq"
)


def _reassemble(conn: sqlite3.Connection, local_id: int, request: dict[str, Any], result: dict[str, Any]) -> None:
    """Put the fee lines back into a stored request and result (in place)."""
    req_fees: list[dict[str, Any]] = []
    res_fees: list[dict[str, Any]] = []
    for row in conn.execute(_LINE_SELECT, (local_id,)):
        fee = dict(zip(_REQUEST_FEE_KEYS, row[:6], strict=True))
        for key, value in zip(("chrgitm_lv", "selfpay_prop", "pric_uplmt_amt"), row[11:14], strict=True):
            if value is not None:
                fee[key] = value
        req_fees.append(fee)
        res_fees.append(dict(zip(_RESULT_FEE_KEYS, (row[0], *row[6:11]), strict=True)))
    if "person" in request:
        request["fees"] = req_fees
        ordered = {}
        for key in ("policy", "review", "setlinfo", "setldetail"):
            if key in result:
                ordered[key] = result[key]
        ordered["fees"] = res_fees
        ordered.update({k: v for k, v in result.items() if k not in ordered})
        result.clear()
        result.update(ordered)


@guarded
def record_settlement(db: LocalDatabase, new: NewSettlement, *, at: dt.datetime | None = None) -> Committed:
    """Commit a computed settlement durably; returns after the commit (or the caller's savepoint)."""
    person = new.request["person"]
    encounter = new.request["encounter"]
    setlinfo = new.result["setlinfo"]
    policy = new.result["policy"]
    endtime = _text(encounter["endtime"])[:10]
    year = int(endtime[:4])
    mdtrt_id = _text(encounter["mdtrt_id"])
    request_text = compact_json(_without_fees(new.request))
    result_text = compact_json(_without_fees(new.result))
    delta = delta_between(new.ytd_before, new.result["year_to_date_after"])
    when = at or now()
    stamp = when.isoformat()
    conn = db.conn
    with transaction(db):
        existing = _active_settlement_for(conn, mdtrt_id)
        if existing is not None and not mid_stay.continues(conn, mdtrt_id, new.request):  # 中途结算: next period
            raise duplicate_of(conn, mdtrt_id, existing)
        local_id = _next_local_id(conn)
        queue_no = _queue_no(when.date(), local_id)
        lines = _line_rows(local_id, new.request, new.result)
        header = (
            local_id, queue_no, "settlement", None, _text(person["psn_no"]),
            mask_id(_text(person.get("certno"))), mask_name(_text(person.get("psn_name"))),
            _text(person["insutype"]), _text(person["insuplc_admdvs"]), mdtrt_id,
            _text(encounter["med_type"]), _text(encounter.get("fixmedins_code")), year, endtime,
            policy["id"], policy["version"], policy["sha256"], new.catalog_sha256, new.ytd_source, len(lines),
            *(money_text(setlinfo[c]) for c in SETLINFO_COLUMNS),
            request_text, result_text, "", new.operator, stamp, when.date().isoformat(),
        )
        conn.execute(_HEADER_INSERT, header)
        conn.executemany(_PLAIN_LINE_INSERT, lines.plain)
        conn.executemany(_LINE_INSERT, lines.overridden)
        conn.execute(STATE_INSERT, (local_id, "provisional", stamp, ""))
        delta_row = apply_delta_in_transaction(conn, local_id, _text(person["psn_no"]), year, delta, stamp)
        msgid = free_msgid(conn, _text(encounter.get("fixmedins_code")), when, local_id)
        enqueue_in_transaction(conn, local_id, INFNO_SETTLEMENT, msgid, stamp)
        audit.append_in_transaction(
            conn, "settle", new.operator, f"settlement:{local_id}",
            {"queue_no": queue_no, "pack": policy["id"], "medfee_sumamt": money_text(setlinfo["medfee_sumamt"]),
             "fund_pay_sumamt": money_text(setlinfo["fund_pay_sumamt"]),
             "psn_cash_pay": money_text(setlinfo["psn_cash_pay"]), "lines": len(lines),
             "content": content.of_new_entry(_HEADER_COLUMNS, header, lines.plain, lines.overridden, delta_row,
                                             content.key_deltas_of(conn, local_id))},
            when,
        )
    return Committed(local_id, queue_no, "settlement", "provisional", msgid, stamp)


@guarded
def record_reversal(
    db: LocalDatabase, original_local_id: int, *, operator: str, reason: str, at: dt.datetime | None = None
) -> Committed:
    """Reverse a settlement: a new entry with its figures negated; refused for a second time."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reversal needs a reason")
    when = at or now()
    stamp = when.isoformat()
    conn = db.conn
    with transaction(db):
        row = conn.execute(
            f"SELECT kind, queue_no, psn_no, certno_masked, psn_name_masked, insutype, insuplc_admdvs, mdtrt_id, "
            f"med_type, fixmedins_code, setl_year, setl_date, pack_id, pack_version, pack_sha256, catalog_sha256, "
            f"{', '.join(SETLINFO_COLUMNS)} FROM settlement WHERE local_id = ?",
            (original_local_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no journal entry {original_local_id}")
        if row[0] != "settlement":
            raise NotReversible(f"journal entry {original_local_id} is itself a reversal")
        elsewhere = _settled_elsewhere(conn, original_local_id)
        if elsewhere is not None:
            raise NotReversible(f"settlement {original_local_id} was not paid: its encounter already had central "
                                f"settlement {elsewhere} in force, so there is nothing to reverse")
        by = conn.execute(
            "SELECT local_id FROM settlement WHERE reverses_local_id = ?", (original_local_id,)
        ).fetchone()
        if by is not None:
            raise AlreadyReversed(f"settlement {original_local_id} was already reversed by entry {by[0]}")
        (_, orig_queue, psn_no, certno_m, name_m, insutype, admdvs, mdtrt_id, med_type, fixmedins,
         year, setl_date, pack_id, pack_version, pack_sha, catalog_sha) = row[:16]
        mid_stay.require_latest_period(conn, original_local_id, mdtrt_id)  # periods: the latest first
        amounts = dict(zip(SETLINFO_COLUMNS, row[16:], strict=True))
        negated = {k: negate_text(v) for k, v in amounts.items()}
        local_id = _next_local_id(conn)
        queue_no = _queue_no(when.date(), local_id)
        request = {"reverses_local_id": original_local_id, "reverses_queue_no": orig_queue, "reason": reason}
        result = {"policy": {"id": pack_id, "version": pack_version, "sha256": pack_sha}, "setlinfo": negated}
        header = (
            local_id, queue_no, "reversal", original_local_id, psn_no, certno_m, name_m, insutype, admdvs,
            mdtrt_id, med_type, fixmedins, year, setl_date, pack_id, pack_version, pack_sha, catalog_sha,
            "original", 0, *(negated[c] for c in SETLINFO_COLUMNS),
            compact_json(request), compact_json(result), reason, operator, stamp, when.date().isoformat(),
        )
        conn.execute(_HEADER_INSERT, header)
        conn.execute(STATE_INSERT, (local_id, "provisional", stamp, ""))
        original_delta = read_delta(conn, original_local_id)
        if original_delta is None:
            raise NotFound(f"settlement {original_local_id} has no accumulator record")
        d_psn, d_year, d_values = original_delta
        opposite = {k: -v for k, v in d_values.items()}
        delta_row = apply_delta_in_transaction(conn, local_id, d_psn, d_year, opposite, stamp)
        msgid = free_msgid(conn, fixmedins, when, local_id)
        enqueue_in_transaction(conn, local_id, INFNO_REVERSAL, msgid, stamp)
        audit.append_in_transaction(
            conn, "reverse", operator, f"settlement:{local_id}",
            {"queue_no": queue_no, "reverses": original_local_id, "reverses_queue_no": orig_queue,
             "psn_cash_pay": negated["psn_cash_pay"], "fund_pay_sumamt": negated["fund_pay_sumamt"],
             "content": content.of_new_entry(_HEADER_COLUMNS, header, (), (), delta_row,
                                             content.key_deltas_of(conn, local_id))},
            when,
        )
    return Committed(local_id, queue_no, "reversal", "provisional", msgid, stamp, original_local_id)


# The latest state of the entry ``s`` (provisional, then final).
LATEST_STATE = "(SELECT st.state FROM settlement_state st WHERE st.local_id = s.local_id ORDER BY st.id DESC LIMIT 1)"
# The columns of an entry ``s`` that ``entry_of`` reads, in order.
LIST_COLUMNS = (
    "s.local_id, s.queue_no, s.kind, "
    f"{LATEST_STATE}, "
    "s.reverses_local_id, (SELECT r.local_id FROM settlement r WHERE r.reverses_local_id = s.local_id), "
    "s.psn_no, s.certno_masked, s.psn_name_masked, s.insutype, s.mdtrt_id, s.med_type, s.setl_date, "
    "s.pack_id, s.pack_version, s.pack_sha256, s.ytd_source, s.line_count, "
    + ", ".join(f"s.{c}" for c in SETLINFO_COLUMNS)
    + ", s.reason, s.operator, s.created_at, s.business_day, "
    "(SELECT o.status FROM outbox o WHERE o.local_id = s.local_id)"
)
_N_FIXED = 18


def entry_of(row: tuple[Any, ...], request: str | None = None, result: str | None = None) -> JournalEntry:
    """The entry from a row of ``LIST_COLUMNS`` (and, for a full entry, its request and result JSON)."""
    amounts = {c: to_decimal(v) for c, v in zip(SETLINFO_COLUMNS, row[_N_FIXED:_N_FIXED + len(SETLINFO_COLUMNS)],
                                                 strict=True)}
    reason, operator, created_at, business_day, outbox_status = row[_N_FIXED + len(SETLINFO_COLUMNS):]
    return JournalEntry(
        local_id=row[0], queue_no=row[1], kind=row[2], state=row[3], reverses_local_id=row[4], reversed_by=row[5],
        psn_no=row[6], certno_masked=row[7], psn_name_masked=row[8], insutype=row[9], mdtrt_id=row[10],
        med_type=row[11], setl_date=row[12], pack_id=row[13], pack_version=row[14], pack_sha256=row[15],
        ytd_source=row[16], line_count=row[17], amounts=amounts, reason=reason, operator=operator,
        created_at=created_at, business_day=business_day, outbox_status=outbox_status,
        request=None if request is None else json.loads(request),
        result=None if result is None else json.loads(result),
    )


@guarded
def list_entries(
    db: LocalDatabase,
    *,
    day_from: str | None = None,
    day_to: str | None = None,
    operator: str | None = None,
    psn_no: str | None = None,
) -> list[JournalEntry]:
    """Journal entries in local order, optionally by business day range (inclusive), operator, person."""
    where = (Where().given(day_from, "s.business_day >= ?").given(day_to, "s.business_day <= ?")
             .given(operator, "s.operator = ?").given(psn_no, "s.psn_no = ?"))
    sql = f"SELECT {LIST_COLUMNS} FROM settlement s{where} ORDER BY s.local_id"
    return [entry_of(row) for row in db.conn.execute(sql, where.params)]


@guarded
def get_entry(db: LocalDatabase, local_id: int, *, full: bool = True) -> JournalEntry:
    """One entry; with ``full`` its stored request and result too."""
    row = db.conn.execute(
        f"SELECT {LIST_COLUMNS}, s.request_json, s.result_json FROM settlement s WHERE s.local_id = ?",
        (local_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no journal entry {local_id}")
    if not full:
        return entry_of(row[:-2])
    entry = entry_of(row[:-2], row[-2], row[-1])
    if entry.request is not None and entry.result is not None:
        _reassemble(db.conn, local_id, entry.request, entry.result)
    return entry


@guarded
def fee_lines(db: LocalDatabase, local_id: int) -> list[dict[str, Any]]:
    cursor = db.conn.execute("SELECT * FROM fee_line WHERE local_id = ? ORDER BY seq", (local_id,))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
