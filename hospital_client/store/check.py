"""A full consistency check of the local database.

Beyond SQLite's own ``integrity_check``: every journal entry is whole (header, its fee lines,
a state row, its accumulator delta, its outbox message and its audit entry), nothing exists
without its header, the running accumulator totals equal the sum of their deltas, every entry
still holds what its audit entry recorded when it was written (store.content), and the audit
chain is intact. Used by ``hospital-client audit verify``, after a restore, and by the
crash-safety tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import audit, content
from .accumulators import stored_totals, totals_from_deltas
from .connection import LocalDatabase
from .sqlite_errors import guarded

__all__ = ["CheckReport", "check_database"]


@dataclass(slots=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    settlements: int = 0
    audit_entries: int = 0
    audit_first_broken: int | None = None
    content_checked: int = 0
    content_not_covered: list[int] = field(default_factory=list)
    first_altered: int | None = None
    against_central: str = ""  # what the central system's copy of the chain head showed (app.backups)

    @property
    def ok(self) -> bool:
        return not self.problems


_ORPHANS = {
    "fee lines without their journal entry":
        "SELECT COUNT(*) FROM fee_line l WHERE NOT EXISTS (SELECT 1 FROM settlement s WHERE s.local_id = l.local_id)",
    "state rows without their journal entry":
        "SELECT COUNT(*) FROM settlement_state t WHERE NOT EXISTS "
        "(SELECT 1 FROM settlement s WHERE s.local_id = t.local_id)",
    "accumulator deltas without their journal entry":
        "SELECT COUNT(*) FROM accumulator_delta d WHERE NOT EXISTS "
        "(SELECT 1 FROM settlement s WHERE s.local_id = d.local_id)",
    "outbox messages without their journal entry":
        "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM settlement s WHERE s.local_id = o.local_id)",
}

_INCOMPLETE = {
    "fee lines missing": (
        "SELECT s.local_id FROM settlement s WHERE s.line_count != "
        "(SELECT COUNT(*) FROM fee_line l WHERE l.local_id = s.local_id) ORDER BY s.local_id LIMIT 1"
    ),
    "no state row": (
        "SELECT s.local_id FROM settlement s WHERE NOT EXISTS "
        "(SELECT 1 FROM settlement_state t WHERE t.local_id = s.local_id) ORDER BY s.local_id LIMIT 1"
    ),
    "no accumulator delta": (
        "SELECT s.local_id FROM settlement s WHERE NOT EXISTS "
        "(SELECT 1 FROM accumulator_delta d WHERE d.local_id = s.local_id) ORDER BY s.local_id LIMIT 1"
    ),
    "no outbox message": (
        "SELECT s.local_id FROM settlement s WHERE NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.local_id = s.local_id) ORDER BY s.local_id LIMIT 1"
    ),
    "no audit entry": (
        "SELECT s.local_id FROM settlement s WHERE NOT EXISTS "
        "(SELECT 1 FROM audit a WHERE a.subject = 'settlement:' || s.local_id) ORDER BY s.local_id LIMIT 1"
    ),
}


@guarded
def check_database(db: LocalDatabase, *, integrity: bool = True, audit_chain: bool = True) -> CheckReport:
    conn = db.conn
    report = CheckReport()
    if integrity:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            report.problems.append("SQLite integrity_check: " + "; ".join(str(r[0]) for r in rows[:5]))
            return report
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            report.problems.append(f"foreign key check: {len(fk)} row(s) refer to missing rows (first in {fk[0][0]})")
    report.settlements = int(conn.execute("SELECT COUNT(*) FROM settlement").fetchone()[0])
    for what, sql in _ORPHANS.items():
        n = int(conn.execute(sql).fetchone()[0])
        if n:
            report.problems.append(f"{n} {what}")
    for what, sql in _INCOMPLETE.items():
        row = conn.execute(sql).fetchone()
        if row is not None:
            report.problems.append(f"journal entry {row[0]}: {what}")
    stored = stored_totals(conn)
    summed = totals_from_deltas(conn)
    for key in sorted(set(stored) | set(summed)):
        if stored.get(key) != summed.get(key):
            report.problems.append(f"accumulator total for year {key[1]} of one person differs from its deltas")
            break
    found = content.verify(conn)
    report.content_checked, report.content_not_covered = found.checked, found.not_covered
    if not found.intact:
        report.first_altered = found.first_altered
        report.problems.append(found.problem)
    if audit_chain:
        result = audit.verify(db)
        report.audit_entries = result.entries
        if not result.intact:
            report.audit_first_broken = result.first_broken
            report.problems.append(f"audit log: {result.problem}")
    return report
