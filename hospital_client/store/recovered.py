"""Entries the central system holds and a journal restored from a backup lacks, written back.

A restored desk lost what it settled and reversed after the backup; the central system still has
it (9513, sync.recovery). Each such entry comes back under its own local id, final, as the
central system holds it:

- a settlement with the central system's final figures: its request, fee lines and final result,
  its accumulator change (the central ``year_to_date_after`` minus ``year_to_date_before``), a
  'final' state row, its outbox message answered (accepted or adjusted) and the answer
  (``sync_result``). The difference between the lost provisional figures and the final ones is
  not opened again for the clerk: it belonged to the lost journal and may have been settled with
  the patient already (the central answer, with its adjustment, is kept in the reason and the
  state note);
- a reversal like a local one (the original's figures and accumulator change negated), answered.

Nothing is written twice: an id the journal has is left alone (and reported when it is another
entry). One transaction per call; each entry has its audit entry with its content (store.content).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..privacy import mask_id, mask_name
from ..protocol import parse_time
from . import audit, content
from .accumulators import apply_delta_in_transaction, delta_between, read_delta
from .connection import LocalDatabase, now, transaction
from .journal import _LINE_INSERT, _PLAIN_LINE_INSERT, STATE_INSERT, _line_rows, compact_json
from .money import money_text, negate_text
from .numbering import queue_no
from .outbox import INFNO_REVERSAL, INFNO_SETTLEMENT, enqueue_in_transaction, free_msgid, mark_many_in_transaction
from .schema import SETLINFO_COLUMNS
from .sql import insert_sql
from .sqlite_errors import guarded

__all__ = ["Recovered", "record_central_entries"]


@dataclass
class Recovered:
    settlements: list[int] = field(default_factory=list)   # written back
    reversals: list[int] = field(default_factory=list)
    known: int = 0                                          # already in the journal
    conflicts: list[str] = field(default_factory=list)      # an id the journal holds for another entry


def _local_time(setl_time: str) -> dt.datetime:
    """A central time (CST) as the journal keeps times: the local time with its offset."""
    return parse_time(setl_time).astimezone()


def _answered(conn: sqlite3.Connection, local_id: int, infno: str, msgid: str, status: str, central_id: str,
              central_msgid: str, final: Mapping[str, Any], note: str, stamp: str) -> None:
    """The 'final' state, the outbox message answered and the central answer, as for a synced entry."""
    conn.execute(STATE_INSERT, (local_id, "final", stamp, note))
    outbox_id = enqueue_in_transaction(conn, local_id, infno, msgid, stamp)
    mark_many_in_transaction(conn, [(outbox_id, status, f"recovered {central_id}")], stamp)
    conn.execute("INSERT INTO sync_result (local_id, status, central_id, msgid, final_json, received_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (local_id, status, central_id, central_msgid, compact_json(final), stamp))


def _settlement(conn: sqlite3.Connection, entry: Mapping[str, Any], site: str, operator: str, stamp: str) -> int:
    local_id = int(entry["local_id"])
    request, final = dict(entry["request"]), entry["final"]
    person, encounter, setlinfo, policy = request["person"], request["encounter"], final["setlinfo"], final["policy"]
    when = _local_time(str(entry["setl_time"]))
    endtime = str(encounter["endtime"])[:10]
    lines = _line_rows(local_id, request, final)
    setl_id, status = str(entry["setl_id"]), str(entry["status"])
    row: dict[str, Any] = {
        "local_id": local_id, "queue_no": queue_no(when.date(), local_id), "kind": "settlement",
        "reverses_local_id": None, "psn_no": str(person["psn_no"]),
        "certno_masked": mask_id(str(person.get("certno") or "")),
        "psn_name_masked": mask_name(str(person.get("psn_name") or "")), "insutype": str(person["insutype"]),
        "insuplc_admdvs": str(person["insuplc_admdvs"]), "mdtrt_id": str(encounter["mdtrt_id"]),
        "med_type": str(encounter["med_type"]), "fixmedins_code": str(encounter.get("fixmedins_code") or site),
        "setl_year": int(endtime[:4]), "setl_date": endtime, "pack_id": policy["id"],
        "pack_version": policy["version"], "pack_sha256": policy["sha256"], "catalog_sha256": "",
        "ytd_source": "request", "line_count": len(lines),
        **{c: money_text(setlinfo[c]) for c in SETLINFO_COLUMNS},
        "request_json": compact_json({k: v for k, v in request.items() if k != "fees"}),
        "result_json": compact_json({k: v for k, v in final.items() if k != "fees"}),
        "reason": f"recovered from the central system ({setl_id})", "operator": operator,
        "created_at": when.isoformat(), "business_day": when.date().isoformat(),
    }
    conn.execute(insert_sql("settlement", tuple(row)), tuple(row.values()))
    conn.executemany(_PLAIN_LINE_INSERT, lines.plain)
    conn.executemany(_LINE_INSERT, lines.overridden)
    delta = delta_between(entry["year_to_date_before"], final["year_to_date_after"])
    apply_delta_in_transaction(conn, local_id, row["psn_no"], row["setl_year"], delta, stamp)
    kept = {k: final[k] for k in ("policy", "setlinfo", "setldetail") if k in final}
    _answered(conn, local_id, INFNO_SETTLEMENT, free_msgid(conn, row["fixmedins_code"], when, local_id), status,
              setl_id, str(entry.get("msgid") or ""), kept, f"recovered: {status} {setl_id}", stamp)
    audit.append_in_transaction(
        conn, "sync", operator, f"settlement:{local_id}",
        {"recovered": True, "queue_no": row["queue_no"], "central_id": setl_id, "central": status,
         "psn_cash_pay": row["psn_cash_pay"], "fund_pay_sumamt": row["fund_pay_sumamt"], "lines": len(lines),
         "content": content.of_stored_entry(conn, local_id)})
    return local_id


_ORIGINAL = (f"SELECT queue_no, psn_no, certno_masked, psn_name_masked, insutype, insuplc_admdvs, mdtrt_id, "
             f"med_type, fixmedins_code, setl_year, setl_date, pack_id, pack_version, pack_sha256, catalog_sha256, "
             f"{', '.join(SETLINFO_COLUMNS)} FROM settlement WHERE local_id = ? AND kind = 'settlement'")
_ORIGINAL_FIELDS = ("reverses_queue_no", "psn_no", "certno_masked", "psn_name_masked", "insutype",
                    "insuplc_admdvs", "mdtrt_id", "med_type", "fixmedins_code", "setl_year", "setl_date", "pack_id",
                    "pack_version", "pack_sha256", "catalog_sha256")


def _reversal(conn: sqlite3.Connection, entry: Mapping[str, Any], operator: str, stamp: str) -> str:
    """Write a reversal back (as a local one would be); "" when done, else why not."""
    local_id, original_id = int(entry["local_id"]), int(entry["reverses_local_id"])
    found = conn.execute(_ORIGINAL, (original_id,)).fetchone()
    if found is None:
        return f"reversal {local_id}: its settlement {original_id} is not in the journal"
    if conn.execute("SELECT 1 FROM settlement WHERE reverses_local_id = ?", (original_id,)).fetchone():
        return f"reversal {local_id}: settlement {original_id} is already reversed in the journal"
    original = dict(zip(_ORIGINAL_FIELDS, found[:15], strict=True))
    negated = {c: negate_text(v) for c, v in zip(SETLINFO_COLUMNS, found[15:], strict=True)}
    when = _local_time(str(entry["rev_time"]))
    rev_setl_id = str(entry["rev_setl_id"])
    reason = f"recovered from the central system ({rev_setl_id})"
    request = {"reverses_local_id": original_id, "reverses_queue_no": original["reverses_queue_no"], "reason": reason}
    result = {"policy": {"id": original["pack_id"], "version": original["pack_version"],
                         "sha256": original["pack_sha256"]}, "setlinfo": negated}
    row: dict[str, Any] = {
        "local_id": local_id, "queue_no": queue_no(when.date(), local_id), "kind": "reversal",
        "reverses_local_id": original_id, **{k: v for k, v in original.items() if k != "reverses_queue_no"},
        "ytd_source": "original", "line_count": 0, **negated, "request_json": compact_json(request),
        "result_json": compact_json(result), "reason": reason, "operator": operator,
        "created_at": when.isoformat(), "business_day": when.date().isoformat(),
    }
    conn.execute(insert_sql("settlement", tuple(row)), tuple(row.values()))
    delta = read_delta(conn, original_id)
    if delta is None:
        raise ValueError(f"settlement {original_id} has no accumulator record")
    apply_delta_in_transaction(conn, local_id, delta[0], delta[1], {k: -v for k, v in delta[2].items()}, stamp)
    _answered(conn, local_id, INFNO_REVERSAL, free_msgid(conn, str(original["fixmedins_code"]), when, local_id),
              "accepted", rev_setl_id, str(entry.get("msgid") or ""), {"setlinfo": entry["setlinfo"]},
              f"recovered: accepted {rev_setl_id}", stamp)
    audit.append_in_transaction(
        conn, "sync", operator, f"settlement:{local_id}",
        {"recovered": True, "queue_no": row["queue_no"], "reverses": original_id, "central_id": rev_setl_id,
         "psn_cash_pay": negated["psn_cash_pay"], "content": content.of_stored_entry(conn, local_id)})
    return ""


def _known_as(conn: sqlite3.Connection, entry: Mapping[str, Any]) -> str | None:
    """None when the journal has no entry of this id; "" when it is this entry; else why not."""
    row = conn.execute("SELECT kind, psn_no, mdtrt_id FROM settlement WHERE local_id = ?",
                       (int(entry["local_id"]),)).fetchone()
    if row is None:
        return None
    mdtrt = (entry.get("request") or {}).get("encounter", {}).get("mdtrt_id") if entry["kind"] == "settlement" else None
    if row[0] != entry["kind"] or row[1] != entry.get("psn_no") or (mdtrt is not None and row[2] != mdtrt):
        return f"local id {entry['local_id']} is another entry in this journal than at the central system"
    return ""


@guarded
def record_central_entries(db: LocalDatabase, entries: Sequence[Mapping[str, Any]], *, site: str,
                           operator: str, at: dt.datetime | None = None) -> Recovered:
    """Write back the central system's entries (9513) the journal lacks, in ONE transaction."""
    stamp = (at or now()).isoformat()
    out = Recovered()
    with transaction(db):
        conn = db.conn
        for entry in sorted(entries, key=lambda e: int(e["local_id"])):
            known = _known_as(conn, entry)
            if known is not None:
                out.known += 1
                if known:
                    out.conflicts.append(known)
            elif entry["kind"] == "settlement":
                out.settlements.append(_settlement(conn, entry, site, operator, stamp))
            elif problem := _reversal(conn, entry, operator, stamp):
                out.conflicts.append(problem)
            else:
                out.reversals.append(int(entry["local_id"]))
    return out
