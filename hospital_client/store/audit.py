"""The audit log: who did what, chained by hash so that tampering shows.

Each entry's hash is ``sha256(previous hash + canonical JSON of the entry)``, where the entry
is ``{seq, at, operator, action, subject, detail}`` and canonical JSON has sorted keys, no
spaces and UTF-8 text. The first entry chains from 64 zeros. Entries hold local ids, queue
numbers, amounts and masked identifiers only: never a name or an ID number.

``verify`` walks the chain and names the first entry that does not fit: a changed entry, a
deleted one (a gap in the sequence), or an inserted one (its previous hash does not match).

A settlement's or reversal's entry also carries ``content``, the digests of the journal rows
written with it (store.content), so the chain covers the journal too; and the chain's head goes
to the central system with every sync (sync.audit_head), which shows newest entries cut off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .connection import LocalDatabase, now, transaction
from .sqlite_errors import guarded

GENESIS = "0" * 64
ACTIONS = frozenset({
    "init", "login", "login_failed", "settle", "reverse", "state", "print", "import", "export", "sync",
    "setting", "backup", "restore", "view_unmasked", "operator", "encrypt", "key_export", "key_import", "seal",
    "day_close", "logout", "unlock_field", "overlap_confirm", "review_override",
    "settlement_list", "clearing",
    "stay_transaction",  # 2402, 2403, 2404, 2405, 2302 sent, queued or refused (app/stay_transactions.py)
    "chronic_filing",  # 2503 门诊慢特病备案 / 2504 撤销 made from the desk (app/outpatient_filings.py)
})

__all__ = ["ACTIONS", "GENESIS", "AuditEntry", "AuditReport", "append", "entries", "entry_at", "head", "latest",
           "verify"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    operator: str
    action: str
    subject: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class AuditReport:
    entries: int
    first_broken: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: str, operator: str, action: str, subject: str, detail: str) -> str:
    body = canonical({"seq": seq, "at": at, "operator": operator, "action": action, "subject": subject,
                      "detail": json.loads(detail)})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append_in_transaction(
    conn: sqlite3.Connection,
    action: str,
    operator: str,
    subject: str = "",
    detail: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Append one entry; the caller holds the write transaction. Returns its seq."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    stamp = (at or now()).isoformat()
    detail_text = canonical(detail or {})
    digest = entry_hash(prev, seq, stamp, operator, action, subject, detail_text)
    conn.execute(
        "INSERT INTO audit (seq, at, operator, action, subject, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)",
        (seq, stamp, operator, action, subject, detail_text, prev, digest),
    )
    return seq


@guarded
def append(
    db: LocalDatabase,
    action: str,
    operator: str,
    subject: str = "",
    detail: Mapping[str, Any] | None = None,
    *,
    at: dt.datetime | None = None,
) -> int:
    """Append one audit entry in its own transaction (or the caller's). Returns its seq."""
    with transaction(db):
        return append_in_transaction(db.conn, action, operator, subject, detail, at)


@guarded
def entries(db: LocalDatabase, *, limit: int | None = None) -> list[AuditEntry]:
    sql = "SELECT seq, at, operator, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq"
    if limit is not None:
        sql += f" DESC LIMIT {int(limit)}"
    rows = db.conn.execute(sql).fetchall()
    out = [AuditEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7]) for r in rows]
    return sorted(out, key=lambda e: e.seq)


_ENTRY_SELECT = "SELECT seq, at, operator, action, subject, detail, prev_hash, hash FROM audit"


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7])


@guarded
def head(db: LocalDatabase) -> AuditEntry | None:
    """The newest entry (the head of the chain), or None for an empty log."""
    row = db.conn.execute(f"{_ENTRY_SELECT} ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else _entry(row)


@guarded
def entry_at(db: LocalDatabase, seq: int) -> AuditEntry | None:
    row = db.conn.execute(f"{_ENTRY_SELECT} WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else _entry(row)


@guarded
def latest(db: LocalDatabase, action: str) -> AuditEntry | None:
    """The newest entry of one action (e.g. the last restore)."""
    row = db.conn.execute(f"{_ENTRY_SELECT} WHERE action = ? ORDER BY seq DESC LIMIT 1", (action,)).fetchone()
    return None if row is None else _entry(row)


@guarded
def verify(db: LocalDatabase) -> AuditReport:
    """Walk the whole chain; report the first entry that is not what the chain says."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    cursor = db.conn.execute(
        "SELECT seq, at, operator, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq"
    )
    for seq, at, operator, action, subject, detail, prev_hash, digest in cursor:
        count += 1
        if seq != expected_seq:
            return AuditReport(count, expected_seq, f"entry {expected_seq} is missing (next entry is {seq})")
        if prev_hash != prev:
            return AuditReport(count, seq, f"entry {seq} ({action}, {at}) does not follow entry {seq - 1}")
        try:
            recomputed = entry_hash(prev, seq, at, operator, action, subject, detail)
        except (ValueError, TypeError):
            return AuditReport(count, seq, f"entry {seq} ({action}, {at}) has unreadable detail")
        if recomputed != digest:
            return AuditReport(count, seq, f"entry {seq} ({action}, {at}) was altered after it was written")
        prev = digest
        expected_seq += 1
    return AuditReport(count)
