"""Each roster person's benefit periods (待遇暂停, 未生效, 中断) as the desk last learnt them:
from the roster (the demo roster, 9502), from 1101 (``benefit_periods``) or from 2001. A pull
replaces a person's periods (an empty list lifts them). The desk refuses a stay inside one
(``app.identification``); the structure and the decision are ``protocol.benefits``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ..protocol.benefits import BenefitPeriod, parse_periods
from .connection import LocalDatabase, now, transaction
from .sqlite_errors import guarded

__all__ = ["get_periods", "put_from_roster", "put_periods"]


def _replace(db: LocalDatabase, psn_no: str, periods: Iterable[BenefitPeriod], source: str, stamp: str) -> None:
    db.conn.execute("DELETE FROM person_benefit WHERE psn_no = ?", (psn_no,))
    db.conn.executemany(
        "INSERT OR REPLACE INTO person_benefit (psn_no, state, begndate, enddate, reason, source, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(psn_no, p.state, p.begndate, p.enddate, p.reason, source, stamp) for p in periods])


@guarded
def put_periods(db: LocalDatabase, psn_no: str, periods: Iterable[BenefitPeriod], *, source: str,
                at: dt.datetime | None = None) -> None:
    """Replace one person's periods (as the central system answered them)."""
    with transaction(db):
        _replace(db, psn_no, list(periods), source, (at or now()).isoformat())


@guarded
def put_from_roster(db: LocalDatabase, persons: Iterable[Mapping[str, Any]], *, source: str,
                    at: dt.datetime | None = None) -> int:
    """The periods of roster entries that carry ``benefit`` (entries without the key are left
    alone); an entry whose periods cannot be read is stored as none and counted in the return."""
    stamp = (at or now()).isoformat()
    unreadable = 0
    with transaction(db):
        for person in persons:
            if "benefit" not in person or not person.get("psn_no"):
                continue
            try:
                periods = parse_periods(person.get("benefit"))
            except ValueError:
                periods, unreadable = [], unreadable + 1
            _replace(db, str(person["psn_no"]), periods, source, stamp)
    return unreadable


@guarded
def get_periods(db: LocalDatabase, psn_no: str) -> list[BenefitPeriod]:
    rows = db.conn.execute(
        "SELECT state, begndate, enddate, reason FROM person_benefit WHERE psn_no = ? ORDER BY begndate", (psn_no,))
    return [BenefitPeriod(*row) for row in rows]
