"""Pages of the journal for the history screen: filtered in SQL and fetched a page at a time,
so that a desk with 100,000 settlements opens its history at once and scrolls smoothly."""

from __future__ import annotations

from dataclasses import dataclass

from .connection import LocalDatabase
from .journal import LATEST_STATE, LIST_COLUMNS, JournalEntry, entry_of
from .sql import Where
from .sqlite_errors import guarded


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    day_from: str = ""
    day_to: str = ""
    text: str = ""        # ID number, name, psn_no, admission no. (mdtrt_id), queue no. or settlement no.
    state: str = ""       # "", provisional, final, reversed, reversal

    def where(self) -> Where:
        """The filter as conditions on the journal's settlement rows ``s``."""
        # The unary + keeps SQLite walking the primary key (newest first) instead of sorting the
        # whole day's index range before it can return the first page.
        where = Where().given(self.day_from, "+s.business_day >= ?").given(self.day_to, "+s.business_day <= ?")
        text = self.text.strip()
        if text:
            # An ID number or a full name is found through the roster (the journal keeps them masked).
            where.add("(s.psn_no = ? OR s.mdtrt_id = ? OR s.queue_no = ? OR s.local_id = ? OR s.psn_no IN "
                      "(SELECT p.psn_no FROM person p WHERE p.certno = ? OR p.certno = upper(?) OR p.psn_name = ?))",
                      text, text, text, int(text) if text.isdigit() else -1, text, text, text)
        if self.state == "reversal":
            where.add("s.kind = 'reversal'")
        elif self.state == "reversed":
            where.add("s.kind = 'settlement' AND EXISTS "
                      "(SELECT 1 FROM settlement r WHERE r.reverses_local_id = s.local_id)")
        elif self.state in ("provisional", "final"):
            where.add(f"s.kind = 'settlement' AND {LATEST_STATE} = ?", self.state)
        return where


@guarded
def count_entries(db: LocalDatabase, flt: HistoryFilter) -> int:
    where = flt.where()
    row = db.conn.execute(f"SELECT count(*) FROM settlement s{where}", where.params).fetchone()
    return int(row[0])


@guarded
def entries_page(
    db: LocalDatabase, flt: HistoryFilter, *, before_local_id: int | None, limit: int
) -> list[JournalEntry]:
    """Newest first: up to `limit` entries with local_id below `before_local_id` (None: from the newest)."""
    where = flt.where()
    if before_local_id is not None:
        where.add("s.local_id < ?", before_local_id)
    # Choose the page's ids first; the per-row details (state, reversal, upload) only for them.
    sql = (f"SELECT {LIST_COLUMNS} FROM settlement s WHERE s.local_id IN "
           f"(SELECT s.local_id FROM settlement s{where} ORDER BY s.local_id DESC LIMIT ?) ORDER BY s.local_id DESC")
    return [entry_of(row) for row in db.conn.execute(sql, [*where.params, limit])]
