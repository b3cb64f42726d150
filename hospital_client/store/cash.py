"""The clerk's cash and the day close (日结).

``cash_entry``: for a settlement, how the patient paid (method, amount tendered, change) and the
clerk who took the money; for a reversal, the clerk who paid the refund out (who may differ from
the supervisor who approved it). Day-end counts each entry under ``paid_by``; an entry without a
row (written before the cash was recorded) counts under its operator, paid in cash.

``day_close``: a clerk closes a business day once; afterwards nothing more is recorded for that
clerk on that day, and a reversal of one of its settlements is paid out by a supervisor (on the
day it is made). Both tables are append-only.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import QT_TRANSLATE_NOOP
from . import audit
from .connection import LocalDatabase, now, transaction
from .errors import RecordError
from .money import money_text, to_decimal
from .sqlite_errors import guarded

__all__ = [
    "PAYMENT_METHODS",
    "CashEntry",
    "DayClose",
    "DayClosed",
    "cash_of",
    "closed_day",
    "is_closed",
    "record_cash_in_transaction",
    "record_day_close",
]

# Stored code -> what the slip and the day-end sheet call it.
PAYMENT_METHODS = {"cash": "现金", "card": "银行卡", "wechat": "微信", "alipay": "支付宝", "account": "医保个人账户"}


class DayClosed(RecordError):
    """The clerk's business day is closed: nothing more is recorded for it."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This clerk's day is already closed; a supervisor must do this now.")


@dataclass(frozen=True, slots=True)
class CashEntry:
    local_id: int
    payment: str
    tendered: Decimal
    change: Decimal
    paid_by: str
    business_day: str


@dataclass(frozen=True, slots=True)
class DayClose:
    operator: str
    business_day: str
    closed_at: str
    totals: dict[str, Any]


def record_cash_in_transaction(conn: sqlite3.Connection, local_id: int, *, payment: str, tendered: Decimal,
                               change: Decimal, paid_by: str, when: dt.datetime) -> None:
    if payment not in PAYMENT_METHODS:
        raise ValueError(f"unknown payment method {payment!r}; one of {', '.join(PAYMENT_METHODS)}")
    conn.execute(
        "INSERT INTO cash_entry (local_id, payment, tendered, change, paid_by, business_day, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (local_id, payment, money_text(tendered), money_text(change), paid_by, when.date().isoformat(),
         when.isoformat()),
    )


def _is_closed(conn: sqlite3.Connection, operator: str, day: str) -> bool:
    row = conn.execute("SELECT 1 FROM day_close WHERE operator = ? AND business_day = ?", (operator, day)).fetchone()
    return row is not None


def require_open(conn: sqlite3.Connection, operator: str, day: str, what: str) -> None:
    """Refused (DayClosed) when ``operator`` has closed ``day``."""
    if _is_closed(conn, operator, day):
        raise DayClosed(f"{what}: operator {operator!r} closed business day {day} (dayend close); "
                        "a supervisor must do it now, on the current day")


@guarded
def is_closed(db: LocalDatabase, operator: str, day: str) -> bool:
    return _is_closed(db.conn, operator, day)


@guarded
def cash_of(db: LocalDatabase, local_ids: list[int] | None = None, *,
            day_from: str | None = None, day_to: str | None = None) -> dict[int, CashEntry]:
    """The cash rows by local id: of the given entries, or of entries of the given business days."""
    sql = "SELECT c.local_id, c.payment, c.tendered, c.change, c.paid_by, c.business_day FROM cash_entry c"
    params: list[Any] = []
    if local_ids is not None:
        sql += f" WHERE c.local_id IN ({', '.join('?' for _ in local_ids)})" if local_ids else " WHERE 0"
        params = list(local_ids)
    elif day_from is not None:
        sql += " JOIN settlement s ON s.local_id = c.local_id WHERE s.business_day >= ? AND s.business_day <= ?"
        params = [day_from, day_to or day_from]
    return {int(r[0]): CashEntry(int(r[0]), r[1], to_decimal(r[2]), to_decimal(r[3]), r[4], r[5])
            for r in db.conn.execute(sql, params)}


@guarded
def closed_day(db: LocalDatabase, operator: str, day: str) -> DayClose | None:
    row = db.conn.execute(
        "SELECT operator, business_day, closed_at, totals_json FROM day_close WHERE operator = ? AND business_day = ?",
        (operator, day),
    ).fetchone()
    return None if row is None else DayClose(row[0], row[1], row[2], json.loads(row[3]))


@guarded
def record_day_close(db: LocalDatabase, operator: str, day: str, totals: Mapping[str, Any], *,
                     at: dt.datetime | None = None) -> DayClose:
    """Close ``operator``'s business ``day`` (once; refused with DayClosed the second time), audited."""
    when = at or now()
    text = json.dumps(dict(totals), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with transaction(db):
        require_open(db.conn, operator, day, "day close")
        db.conn.execute("INSERT INTO day_close (operator, business_day, closed_at, totals_json) VALUES (?, ?, ?, ?)",
                        (operator, day, when.isoformat(), text))
        audit.append_in_transaction(db.conn, "day_close", operator, f"day:{day}", dict(totals), when)
    return DayClose(operator, day, when.isoformat(), json.loads(text))
