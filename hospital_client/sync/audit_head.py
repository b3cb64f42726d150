"""The audit chain's head at the central system: reported with every sync, checked on demand.

The audit log's hash chain (store.audit) shows any change inside the log, but not the removal
of its newest entries, nor a rewrite of the log from some entry on. So every sync asks the
central system which head it holds for this site (9522), checks that the local log still has
that entry with the same hash, and reports the newest entry (9521) with that held head as
``prior``; the central system keeps the heads append-only and refuses one that does not follow.
``check`` (``hospital-client audit verify --against-central``) does the first half only.

A restore from a backup legitimately loses the entries made after the backup: when the local
log lacks the held head but its newest ``restore`` entry is later than that head, the head is
reported as a restart, which the central system records with the head it replaces.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from .. import protocol as p
from ..store import LocalDatabase, audit
from .client import CentralClient
from .errors import AuditChainMismatch, BadAnswer, CentralRefused

log = logging.getLogger(__name__)

__all__ = ["Head", "HeadCheck", "HeadReport", "check", "report"]


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str
    at: str
    received_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "hash": self.hash, "at": self.at}
        if self.received_at:
            out["received_at"] = self.received_at
        return out


@dataclass(frozen=True, slots=True)
class HeadCheck:
    """What the central system holds for this site and whether the local log still contains it."""

    central: Head | None
    local: Head | None
    problem: str = ""
    restarts: int = 0

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True, slots=True)
class HeadReport:
    """What a sync did with the head: recorded (new), unchanged, restarted (after a restore), or
    empty (no audit entry yet)."""

    status: str
    local: Head | None
    central: Head | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "seq": self.local.seq if self.local else None,
                "central_seq": self.central.seq if self.central else None, "note": self.note}


def _head(data: Any, what: str) -> Head | None:
    if data is None:
        return None
    try:
        return Head(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data.get("received_at", "")))
    except (TypeError, KeyError, ValueError):
        raise BadAnswer(f"{what}: the answer's head is not {{seq, hash, at}}") from None


def _entry_head(entry: audit.AuditEntry | None) -> Head | None:
    return None if entry is None else Head(entry.seq, entry.hash, entry.at)


def _held(client: CentralClient) -> tuple[Head | None, int]:
    answer = client.call(p.AUDIT_HEAD_QUERY, {"data": {}})
    output = answer.output if isinstance(answer.output, dict) else {}
    restarts = output.get("restarts")
    return _head(output.get("head"), p.AUDIT_HEAD_QUERY), len(restarts) if isinstance(restarts, list) else 0


def _problem(db: LocalDatabase, held: Head | None, local: Head | None) -> str:
    """Why the local log does not contain the held head ("" when it does)."""
    if held is None:
        return ""
    entry = audit.entry_at(db, held.seq)
    received = f", received {held.received_at}" if held.received_at else ""
    if entry is None:
        newest = f"ends at entry {local.seq}" if local is not None else "is empty"
        return (f"the central system holds audit entry {held.seq} ({held.at}{received}) but this database's "
                f"audit log {newest}: its newest entries were removed, or the database was replaced by an older copy")
    if entry.hash != held.hash:
        return (f"audit entry {held.seq} differs from the one the central system holds ({held.at}{received}): "
                "the audit log was rewritten from that entry on")
    return ""


def check(db: LocalDatabase, client: CentralClient) -> HeadCheck:
    """Ask the central system for the head it holds (9522) and look for it in the local log."""
    held, restarts = _held(client)
    local = _entry_head(audit.head(db))
    return HeadCheck(held, local, _problem(db, held, local), restarts)


def _restored_after(db: LocalDatabase, held: Head) -> audit.AuditEntry | None:
    """The newest restore entry, when it is later than the held head (which it then explains)."""
    restore = audit.latest(db, "restore")
    if restore is None:
        return None
    try:
        later = dt.datetime.fromisoformat(restore.at) > dt.datetime.fromisoformat(held.at)
    except (TypeError, ValueError):
        return None
    return restore if later else None


def report(db: LocalDatabase, client: CentralClient) -> HeadReport:
    """Check the held head, then report the local head (9521). Raises AuditChainMismatch when the
    local log no longer contains the held head (and no later restore explains it), or when the
    central system refuses the head."""
    found = check(db, client)
    held, local = found.central, found.local
    restore = _restored_after(db, held) if held is not None and not found.ok else None
    if not found.ok and restore is None:
        raise AuditChainMismatch(found.problem)
    if local is None:
        return HeadReport("empty", None, held)
    data: dict[str, Any] = local.to_dict()
    status, note = "recorded", ""
    if restore is not None:
        data["restart"] = {"seq": restore.seq, "hash": restore.hash, "at": restore.at, "reason": "restore"}
        status, note = "restarted", f"{found.problem}; reported as a restart after the restore of {restore.at}"
    elif held is not None:
        data["prior"] = {"seq": held.seq, "hash": held.hash}
    try:
        answer = client.call(p.AUDIT_HEAD_UPLOAD, {"data": data})
    except CentralRefused as exc:
        raise AuditChainMismatch(f"the central system refused the audit chain head {local.seq}: {exc}") from None
    output = answer.output if isinstance(answer.output, dict) else {}
    if status == "recorded" and output.get("recorded") is False:
        status = "unchanged"
    log.info("audit head %d: %s (central held %s)", local.seq, status, held.seq if held else "none")
    return HeadReport(status, local, held, note)
