"""After a restore from a backup: catch up with the central system before numbering on.

A restored database is marked pending (store.numbering). ``recover_after_restore`` asks the
central system (9513) for the site's high-water mark and, page by page, for the settlements and
reversals above the highest id the restored journal had; it writes back those the journal lacks
(store.recovered: final, with their accumulator change) and then numbers new entries above the
mark (``numbering.mark_reconciled``). Until it has run, new entries are numbered in the restore
generation's own range, which cannot collide. Run by the drain before it uploads anything, and by
the desk before its first settlement after a restore when the central system can be reached.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import protocol as p
from ..store import LocalDatabase, numbering, recovered
from .client import CentralClient
from .errors import BadAnswer

log = logging.getLogger(__name__)

__all__ = ["PAGE", "RecoveryReport", "recover_after_restore"]

PAGE = 500  # entries per 9513 answer (the central system's maximum)


@dataclass
class RecoveryReport:
    ran: bool = False                 # the database was pending and the central system answered
    high_water_mark: int = 0
    settlements: int = 0              # written back into the journal
    reversals: int = 0
    known: int = 0                    # the journal had them already
    conflicts: list[str] = field(default_factory=list)
    next_local_id_floor: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _page(client: CentralClient, after: int, below: int, deadline: float | None) -> dict[str, Any]:
    data = {"after_local_id": str(after), "below_local_id": str(below), "limit": PAGE}  # this desk's range only
    answer = client.call(p.SITE_RECOVERY, {"data": data}, deadline=deadline)
    output = answer.output if isinstance(answer.output, dict) else {}
    if not isinstance(output.get("entries"), list) or not str(output.get("high_water_mark", "")).isdigit():
        raise BadAnswer("9513: the answer has no entries or high_water_mark")
    return output


def recover_after_restore(db: LocalDatabase, client: CentralClient, *, operator: str = "sync",
                          deadline: float | None = None) -> RecoveryReport:
    """Catch up after a restore (see the module docstring); nothing to do when the database is not
    pending. Raises the client's errors (CentralUnreachable, CentralRefused, BadAnswer): the
    database then stays pending and numbers in its own range; what was written back stays."""
    report = RecoveryReport()
    state = numbering.restore_state(db)
    if not state.pending:
        return report
    low, below = numbering.desk_range(db.conn)
    after, mark = max(state.known_max, low), 0
    while True:
        output = _page(client, after, below, deadline)
        mark = max(mark, int(output["high_water_mark"]))
        done = recovered.record_central_entries(db, output["entries"], site=client.site.code, operator=operator)
        report.settlements += len(done.settlements)
        report.reversals += len(done.reversals)
        report.known += done.known
        report.conflicts.extend(done.conflicts)
        following = str(output.get("next_after") or "")
        if not output.get("more") or not following.isdigit() or int(following) <= after:
            break
        after = int(following)
    final = numbering.mark_reconciled(db, mark)
    report.ran, report.high_water_mark, report.next_local_id_floor = True, mark, final.floor
    for problem in report.conflicts:
        log.warning("after the restore: %s", problem)
    log.info("after the restore: %d settlements and %d reversals written back from the central system; "
             "new local ids from %d", report.settlements, report.reversals, final.floor)
    return report
