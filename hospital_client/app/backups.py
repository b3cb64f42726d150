"""Backup, restore and the consistency check of the desk's database (docs/operations.md 4-6),
also against the audit chain head the central system holds (sync.audit_head).

``backup`` and ``verify`` work on an open database (``Desk.backup``, ``Desk.verify``); a restore
works on paths, because the database it replaces may be missing or damaged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import store
from ..store import LocalDatabase
from ..store.backup import BackupInfo
from ..store.check import CheckReport, check_database
from ..sync import audit_head
from ..sync.client import CentralClient

log = logging.getLogger(__name__)

__all__ = ["BackupInfo", "CheckReport", "Restored", "backup", "restore", "verify"]


def backup(db: LocalDatabase, dest: str | Path, *, operator: str) -> BackupInfo:
    """A verified copy with SQLite's online backup API (audited); ``dest`` may be a folder."""
    info = store.backup.backup(db, dest, operator=operator)
    log.info("backup written (%d bytes, %d journal entries)", info.bytes, info.counts.get("settlement", 0))
    return info


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    backup: BackupInfo
    moved_aside: Path | None

    def to_dict(self) -> dict[str, Any]:
        return {"restored": str(self.database), "from": str(self.backup.path), "counts": self.backup.counts,
                "replaced_database_moved_to": str(self.moved_aside) if self.moved_aside else None}


def restore(source: str | Path, database: Path, *, operator: str) -> Restored:
    """Put a verified backup in place; the current database (if any) is moved aside, never deleted."""
    info, aside = store.backup.restore(source, database, operator=operator)
    return Restored(database, info, aside)


def verify(db: LocalDatabase, client: CentralClient | None = None) -> CheckReport:
    """integrity_check, the journal's consistency, each entry against the content its audit entry
    recorded, and the audit log's hash chain; with ``client``, also that the log still contains
    the chain head the central system holds for this site (9522)."""
    report = check_database(db)
    if client is not None:
        found = audit_head.check(db, client)
        if not found.ok:
            report.problems.append(f"audit log: {found.problem}")
        elif found.central is None:
            report.against_central = "the central system holds no audit chain head for this site yet"
        else:
            report.against_central = (f"the central system's audit chain head, entry {found.central.seq} "
                                      f"(received {found.central.received_at}), is in the log")
        if found.restarts:
            report.against_central += (f"; the central system recorded {found.restarts} restart(s) of this "
                                       "site's chain after a restore")
    return report
