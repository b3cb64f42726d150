"""Year-to-date accumulators: as last pulled (roster cache) plus the local movements.

``accumulator_delta`` holds one row per journal entry (append-only: a settlement's change and a
reversal's opposite change), ``accumulator`` the running local total per (psn_no, year). The
year-to-date a settlement starts from is the roster's figures for that year (zero for another
year) plus the local total. ``check`` recomputes the totals from the deltas.

The keys a policy pack declares beyond the rules core's (an employee pack's ``hifob_base`` and
``hifob_pay``, ``cvlserv_base`` and ``cvlserv_pay``; an outpatient section's) move the same way:
``accumulator_key_delta`` holds an entry's change of each such key it moved, beside its
``accumulator_delta`` row, and ``pack_key_totals`` adds them up per person and year on top of the
roster's figures (an entry the central system refused as already settled no longer counts).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .connection import LocalDatabase
from .money import money_text, to_decimal
from .schema import ACCUMULATOR_KEYS, MONEY_ACCUMULATOR_KEYS
from .sql import insert_sql
from .sqlite_errors import guarded

__all__ = ["Accumulators", "local_totals", "pack_key_totals", "pack_keys_of", "year_to_date", "zero"]

Accumulators = dict[str, Decimal | int]

_COLS = ", ".join(ACCUMULATOR_KEYS)
_DELTA_INSERT = insert_sql("accumulator_delta", ("local_id", "psn_no", "year", *ACCUMULATOR_KEYS))
_TOTAL_UPSERT = (
    insert_sql("accumulator", ("psn_no", "year", *ACCUMULATOR_KEYS, "last_local_id", "updated_at"))
    + " ON CONFLICT (psn_no, year) DO UPDATE SET "
    + ", ".join(f"{k} = excluded.{k}" for k in ACCUMULATOR_KEYS)
    + ", last_local_id = excluded.last_local_id, updated_at = excluded.updated_at"
)

# A year_to_date key a pack may declare (as the rules core's request takes it).
_PACK_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_KEY_DELTA_INSERT = insert_sql("accumulator_key_delta", ("local_id", "key", "amount"))
_KEY_DELTAS_OF_ENTRY = "SELECT key, amount FROM accumulator_key_delta WHERE local_id = ? ORDER BY key"
_KEY_DELTAS_OF_PERSON = (
    "SELECT k.key, k.amount FROM accumulator_key_delta AS k JOIN accumulator_delta AS d ON d.local_id = k.local_id "
    "WHERE d.psn_no = ? AND d.year = ? AND k.local_id NOT IN (SELECT local_id FROM already_settled)"
)


def pack_keys_of(values: Mapping[str, Any]) -> list[str]:
    """The keys of year-to-date figures beyond the rules core's, in their order (the roster's
    ``year`` is not one)."""
    return [k for k in values
            if isinstance(k, str) and k not in ACCUMULATOR_KEYS and k != "year" and _PACK_KEY.match(k)]


def zero() -> Accumulators:
    out: Accumulators = {k: Decimal("0.00") for k in MONEY_ACCUMULATOR_KEYS}
    out["admissions"] = 0
    return out


def _row_to_acc(row: tuple[Any, ...] | None) -> Accumulators:
    if row is None:
        return zero()
    out: Accumulators = {"admissions": int(row[0])}
    for key, value in zip(MONEY_ACCUMULATOR_KEYS, row[1:], strict=True):
        out[key] = to_decimal(value)
    return out


def delta_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> Accumulators:
    """after - before, key by key (core keys missing on either side count as zero); then each
    pack-declared key ``after`` gives that moved (one it does not give was not moved)."""
    out: Accumulators = {"admissions": int(after.get("admissions", 0)) - int(before.get("admissions", 0))}
    for key in MONEY_ACCUMULATOR_KEYS:
        out[key] = to_decimal(after.get(key, "0")) - to_decimal(before.get(key, "0"))
    for key in pack_keys_of(after):
        moved = to_decimal(after[key]) - to_decimal(before.get(key, "0"))
        if moved:
            out[key] = moved
    return out


def read_delta(conn: sqlite3.Connection, local_id: int) -> tuple[str, int, Accumulators] | None:
    """An entry's accumulator change: the core keys, then the pack-declared keys it moved."""
    row = conn.execute(
        f"SELECT psn_no, year, {_COLS} FROM accumulator_delta WHERE local_id = ?", (local_id,)
    ).fetchone()
    if row is None:
        return None
    values = _row_to_acc(row[2:])
    for key, amount in conn.execute(_KEY_DELTAS_OF_ENTRY, (local_id,)):
        values[key] = to_decimal(amount)
    return row[0], int(row[1]), values


def apply_delta_in_transaction(
    conn: sqlite3.Connection, local_id: int, psn_no: str, year: int, delta: Mapping[str, Any], stamp: str
) -> tuple[Any, ...]:
    """Write the delta row and move the running total; the caller holds the write transaction.
    Returns the delta row as inserted (local_id, psn_no, year, then ACCUMULATOR_KEYS); the
    pack-declared keys it moves go into ``accumulator_key_delta``."""
    admissions = int(delta.get("admissions", 0))
    money = [money_text(delta.get(k, 0)) for k in MONEY_ACCUMULATOR_KEYS]
    row = (local_id, psn_no, year, admissions, *money)
    conn.execute(_DELTA_INSERT, row)
    moved = [(local_id, key, money_text(delta[key])) for key in pack_keys_of(delta) if to_decimal(delta[key])]
    if moved:
        conn.executemany(_KEY_DELTA_INSERT, moved)
    current = _row_to_acc(conn.execute(
        f"SELECT {_COLS} FROM accumulator WHERE psn_no = ? AND year = ?", (psn_no, year)
    ).fetchone())
    totals = [money_text(to_decimal(current[k]) + to_decimal(v))
              for k, v in zip(MONEY_ACCUMULATOR_KEYS, money, strict=True)]
    conn.execute(_TOTAL_UPSERT, (psn_no, year, int(current["admissions"]) + admissions, *totals, local_id, stamp))
    return row


@guarded
def local_totals(db: LocalDatabase, psn_no: str, year: int) -> Accumulators:
    """The sum of this desk's settlements and reversals for the person and year."""
    row = db.conn.execute(
        f"SELECT {_COLS} FROM accumulator WHERE psn_no = ? AND year = ?", (psn_no, year)
    ).fetchone()
    return _row_to_acc(row)


def _roster_base(ytd_json: str, ytd_year: int | None, year: int) -> Accumulators:
    base = zero()
    if ytd_year != year:
        return base
    data = json.loads(ytd_json or "{}")
    for key in ACCUMULATOR_KEYS:
        if key in data:
            base[key] = int(data[key]) if key == "admissions" else to_decimal(data[key])
    return base


@guarded
def year_to_date(db: LocalDatabase, psn_no: str, year: int) -> Accumulators | None:
    """Roster figures for ``year`` plus local movements; None for a person not in the roster."""
    row = db.conn.execute("SELECT ytd_json, ytd_year FROM person WHERE psn_no = ?", (psn_no,)).fetchone()
    if row is None:
        return None
    base = _roster_base(row[0], row[1], year)
    local = local_totals(db, psn_no, year)
    out: Accumulators = {}
    for key in ACCUMULATOR_KEYS:
        out[key] = base[key] + local[key]
    return out


@guarded
def pack_key_totals(db: LocalDatabase, psn_no: str, year: int) -> dict[str, Decimal]:
    """The pack-declared keys for the person and year: the roster's figures for that year plus
    this desk's movements of them (in the roster's order, then the desk's first movements')."""
    totals: dict[str, Decimal] = {}
    row = db.conn.execute("SELECT ytd_json, ytd_year FROM person WHERE psn_no = ?", (psn_no,)).fetchone()
    if row is not None and row[1] == year:
        pulled = json.loads(row[0] or "{}")
        totals.update((key, to_decimal(pulled[key])) for key in pack_keys_of(pulled))
    for key, amount in db.conn.execute(_KEY_DELTAS_OF_PERSON, (psn_no, year)):
        totals[key] = totals.get(key, Decimal("0.00")) + to_decimal(amount)
    return {key: to_decimal(money_text(amount)) for key, amount in totals.items()}


def totals_from_deltas(conn: sqlite3.Connection) -> dict[tuple[str, int], Accumulators]:
    """The running totals as the deltas give them; a settlement the central system refused as
    already settled (``cancel_in_transaction``) no longer counts."""
    sums: dict[tuple[str, int], Accumulators] = {}
    for row in conn.execute(f"SELECT psn_no, year, local_id IN (SELECT local_id FROM already_settled), {_COLS} "
                            "FROM accumulator_delta"):
        key = (row[0], int(row[1]))
        acc = sums.setdefault(key, zero())
        if row[2]:
            continue
        delta = _row_to_acc(row[3:])
        for k in ACCUMULATOR_KEYS:
            acc[k] = acc[k] + delta[k]
    return sums


def cancel_in_transaction(conn: sqlite3.Connection, local_id: int, stamp: str) -> None:
    """Take an entry's delta out of the running total (its delta row stays, as written): for a
    settlement recorded as already settled at the central system, which paid nothing for it.
    The caller holds the write transaction and records the entry in ``already_settled``."""
    delta = read_delta(conn, local_id)
    if delta is None:
        return
    psn_no, year, values = delta
    current = _row_to_acc(conn.execute(
        f"SELECT {_COLS} FROM accumulator WHERE psn_no = ? AND year = ?", (psn_no, year)).fetchone())
    totals = [money_text(to_decimal(current[k]) - to_decimal(values[k])) for k in MONEY_ACCUMULATOR_KEYS]
    conn.execute(_TOTAL_UPSERT, (psn_no, year, int(current["admissions"]) - int(values["admissions"]), *totals,
                                 local_id, stamp))


def stored_totals(conn: sqlite3.Connection) -> dict[tuple[str, int], Accumulators]:
    return {
        (row[0], int(row[1])): _row_to_acc(row[2:])
        for row in conn.execute(f"SELECT psn_no, year, {_COLS} FROM accumulator")
    }
