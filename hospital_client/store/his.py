"""Stays handed over by the hospital information system (HIS), waiting to be settled (待结算).

One row per stay in ``his_stay`` (schema m006), keyed by the stay: the platform's mdtrt_id when
HIS registered the admission with the platform (2401), else the hospital's 住院号 ipt_no. A
settlement of the stay carries that key as its ``mdtrt_id``, so the journal's rule "one settlement
in force per stay" (``journal.record_settlement``) holds for every stay taken from HIS. A stay is
waiting while it has no settlement in force; a corrected hand-off of a waiting stay replaces its
row, a hand-off of a settled stay is refused naming the settlement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import audit, mid_stay
from .connection import LocalDatabase, now, transaction
from .errors import DuplicateSettlement, NotFound
from .journal import duplicate_of, settlement_in_force
from .sqlite_errors import guarded

__all__ = ["DuplicateSettlement", "HisStay", "NotFound", "get_stay", "put_stay", "stay_in_force", "stays"]

_COLUMNS = ("stay_key", "ipt_no", "mdtrt_id", "psn_no", "begntime", "endtime", "dept", "doctor",
            "diagnoses_json", "fees_json", "medfee_sumamt", "line_count", "source", "imported_by", "imported_at",
            "diagnosis_names_json")


@dataclass(frozen=True, slots=True)
class HisStay:
    """One handed-over stay: the admission as HIS knows it and its fee lines (2301 fields)."""

    ipt_no: str
    mdtrt_id: str
    psn_no: str
    begntime: str          # YYYY-MM-DD
    endtime: str           # YYYY-MM-DD
    dept: str
    doctor: str
    diagnoses: tuple[str, ...]
    fees: tuple[Mapping[str, Any], ...]
    medfee_sumamt: str
    source: str = ""
    imported_by: str = ""
    imported_at: str = ""
    settled_local_id: int | None = None   # the settlement in force, None while waiting
    # The diagnoses' names as HIS gave them, parallel to ``diagnoses`` ("" where none was given;
    # schema m009). Patient data: kept in this (encrypted) table only, never audited or logged.
    diagnosis_names: tuple[str, ...] = ()

    def diagnosis_name(self, code: str) -> str:
        """The name HIS gave to this diagnosis code, "" when none."""
        for index, known in enumerate(self.diagnoses):
            if known == code and index < len(self.diagnosis_names):
                return self.diagnosis_names[index]
        return ""

    @property
    def stay_key(self) -> str:
        return self.mdtrt_id or self.ipt_no

    @property
    def waiting(self) -> bool:
        return self.settled_local_id is None

    def summary(self) -> dict[str, Any]:
        """The stay without its fee lines (listings)."""
        return {"stay_key": self.stay_key, "ipt_no": self.ipt_no, "mdtrt_id": self.mdtrt_id, "psn_no": self.psn_no,
                "begntime": self.begntime, "endtime": self.endtime, "dept": self.dept, "doctor": self.doctor,
                "diagnoses": list(self.diagnoses), "lines": len(self.fees), "medfee_sumamt": self.medfee_sumamt,
                "source": self.source, "imported_at": self.imported_at,
                "state": "waiting" if self.waiting else "settled", "local_id": self.settled_local_id}


# A stay with a settlement in force: not reversed, not recorded against one at the central system
# (a mid-stay period settled before this hand-off does not count: the hand-off is the next period).
_IN_FORCE = ("EXISTS (SELECT 1 FROM settlement s WHERE s.mdtrt_id = h.stay_key AND s.kind = 'settlement' "
             "AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses_local_id = s.local_id) "
             "AND NOT EXISTS (SELECT 1 FROM already_settled a WHERE a.local_id = s.local_id) "
             "AND NOT (json_extract(s.request_json, '$.encounter.mid_setl_flag') = 1 "
             "AND s.created_at < h.imported_at))")


def _stay(db: LocalDatabase, row: Sequence[Any]) -> HisStay:
    data = dict(zip(_COLUMNS, row, strict=True))
    return HisStay(
        ipt_no=data["ipt_no"], mdtrt_id=data["mdtrt_id"], psn_no=data["psn_no"], begntime=data["begntime"],
        endtime=data["endtime"], dept=data["dept"], doctor=data["doctor"],
        diagnoses=tuple(json.loads(data["diagnoses_json"])), fees=tuple(json.loads(data["fees_json"])),
        medfee_sumamt=data["medfee_sumamt"], source=data["source"], imported_by=data["imported_by"],
        imported_at=data["imported_at"], diagnosis_names=tuple(json.loads(data["diagnosis_names_json"] or "[]")),
        settled_local_id=None if mid_stay.next_period_handed_over(db.conn, data["stay_key"], data["imported_at"])
        else settlement_in_force(db.conn, data["stay_key"]))


@guarded
def stay_in_force(db: LocalDatabase, stay_key: str) -> None:
    """Raise DuplicateSettlement naming the settlement in force for this stay, if there is one (not
    for a stay settled in periods whose next period HIS handed over after the last one)."""
    existing = settlement_in_force(db.conn, stay_key)
    row = db.conn.execute("SELECT imported_at FROM his_stay WHERE stay_key = ?", (stay_key,)).fetchone()
    if existing is not None and not (row and mid_stay.next_period_handed_over(db.conn, stay_key, str(row[0]))):
        raise duplicate_of(db.conn, stay_key, existing)


@guarded
def put_stay(db: LocalDatabase, stay: HisStay, *, operator: str) -> HisStay:
    """Put a handed-over stay on the waiting list (replacing a waiting one of the same stay), audited;
    a stay already settled is refused naming its settlement."""
    stamp = now().isoformat()
    conn = db.conn
    with transaction(db):
        existing = settlement_in_force(conn, stay.stay_key)
        if existing is not None and mid_stay.open_period(conn, stay.stay_key) is None:  # else: the next period
            raise duplicate_of(conn, stay.stay_key, existing)
        fees = json.dumps([dict(f) for f in stay.fees], ensure_ascii=False, separators=(",", ":"), default=str)
        values = (stay.stay_key, stay.ipt_no, stay.mdtrt_id, stay.psn_no, stay.begntime, stay.endtime, stay.dept,
                  stay.doctor, json.dumps(list(stay.diagnoses), ensure_ascii=False), fees, stay.medfee_sumamt,
                  len(stay.fees), stay.source, operator, stamp,
                  json.dumps(list(stay.diagnosis_names), ensure_ascii=False))
        conn.execute(f"INSERT OR REPLACE INTO his_stay ({', '.join(_COLUMNS)}) "
                     f"VALUES ({', '.join('?' for _ in _COLUMNS)})", values)
        audit.append_in_transaction(conn, "import", operator, f"his_stay:{stay.stay_key}",
                                    {"source": stay.source, "ipt_no": stay.ipt_no, "lines": len(stay.fees),
                                     "medfee_sumamt": stay.medfee_sumamt})
    return get_stay(db, stay.stay_key)


@guarded
def get_stay(db: LocalDatabase, key: str) -> HisStay:
    """A stay by its key, its 住院号 or its mdtrt_id."""
    row = db.conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM his_stay WHERE stay_key = ?1 OR ipt_no = ?1 "
                          "OR (mdtrt_id = ?1 AND mdtrt_id != '') ORDER BY imported_at DESC LIMIT 1",
                          (key.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no stay {key!r} was handed over by HIS (run `hospital-client his import FILE`)")
    return _stay(db, row)


@guarded
def stays(db: LocalDatabase, *, waiting_only: bool = True) -> list[HisStay]:
    """The handed-over stays, oldest discharge first; only the waiting ones unless asked."""
    where = f"WHERE NOT {_IN_FORCE} " if waiting_only else ""
    rows = db.conn.execute(f"SELECT {', '.join('h.' + c for c in _COLUMNS)} FROM his_stay h {where}"
                           "ORDER BY h.endtime, h.imported_at, h.stay_key").fetchall()
    found = [_stay(db, row) for row in rows]
    return [s for s in found if s.waiting] if waiting_only else found
