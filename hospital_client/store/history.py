"""Pages of the journal for the history screen: filtered in SQL and fetched a page at a time,
so that a desk with 100,000 settlements opens its history at once and scrolls smoothly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .db import LocalDatabase, guarded
from .journal import _LIST_COLUMNS, JournalEntry, _entry


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    day_from: str = ""
    day_to: str = ""
    text: str = ""        # psn_no, admission no. (mdtrt_id), queue no. or settlement no.
    state: str = ""       # "", provisional, final, reversed, reversal

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        # The unary + keeps SQLite walking the primary key (newest first) instead of sorting the
        # whole day's index range before it can return the first page.
        if self.day_from:
            clauses.append("+s.business_day >= ?")
            params.append(self.day_from)
        if self.day_to:
            clauses.append("+s.business_day <= ?")
            params.append(self.day_to)
        text = self.text.strip()
        if text:
            clauses.append("(s.psn_no = ? OR s.mdtrt_id = ? OR s.queue_no = ? OR s.local_id = ?)")
            params += [text, text, text, int(text) if text.isdigit() else -1]
        if self.state == "reversal":
            clauses.append("s.kind = 'reversal'")
        elif self.state == "reversed":
            clauses.append("s.kind = 'settlement' AND EXISTS "
                           "(SELECT 1 FROM settlement r WHERE r.reverses_local_id = s.local_id)")
        elif self.state in ("provisional", "final"):
            clauses.append("s.kind = 'settlement' AND (SELECT st.state FROM settlement_state st "
                           "WHERE st.local_id = s.local_id ORDER BY st.id DESC LIMIT 1) = ?")
            params.append(self.state)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


@guarded
def count_entries(db: LocalDatabase, flt: HistoryFilter) -> int:
    where, params = flt.where()
    row = db.conn.execute(f"SELECT count(*) FROM settlement s{where}", params).fetchone()
    return int(row[0])


@guarded
def entries_page(
    db: LocalDatabase, flt: HistoryFilter, *, before_local_id: int | None, limit: int
) -> list[JournalEntry]:
    """Newest first: up to `limit` entries with local_id below `before_local_id` (None: from the newest)."""
    where, params = flt.where()
    if before_local_id is not None:
        where += (" AND " if where else " WHERE ") + "s.local_id < ?"
        params.append(before_local_id)
    # Choose the page's ids first; the per-row details (state, reversal, upload) only for them.
    sql = (f"SELECT {_LIST_COLUMNS} FROM settlement s WHERE s.local_id IN "
           f"(SELECT s.local_id FROM settlement s{where} ORDER BY s.local_id DESC LIMIT ?) ORDER BY s.local_id DESC")
    return [_entry(row) for row in db.conn.execute(sql, [*params, limit])]
