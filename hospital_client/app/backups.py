"""Backup, restore and the consistency check of the desk's database (docs/operations.md 4-6).

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


def verify(db: LocalDatabase) -> CheckReport:
    """integrity_check, the journal's consistency and the audit log's hash chain."""
    return check_database(db)
