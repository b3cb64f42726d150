"""Which journal entries settle a stay HIS handed over: their admission (2401 入院办理) is
registered at the central system before they are uploaded (sync.admissions)."""

from __future__ import annotations

from collections.abc import Sequence

from .connection import LocalDatabase
from .his import HisStay, NotFound, get_stay
from .sqlite_errors import guarded

__all__ = ["handed_over_stays"]


@guarded
def handed_over_stays(db: LocalDatabase, local_ids: Sequence[int]) -> list[tuple[int, HisStay, int]]:
    """The settlements among ``local_ids`` whose stay HIS handed over: (local id, the stay, the
    hospital level it was settled at), in local order; one query for the lot (a stay typed at the
    window has no row in ``his_stay`` and is left out)."""
    if not local_ids:
        return []
    found: list[tuple[int, str, int]] = []
    for start in range(0, len(local_ids), 500):
        part = list(local_ids[start:start + 500])
        rows = db.conn.execute(
            "SELECT s.local_id, s.mdtrt_id, CAST(coalesce(json_extract(s.request_json, '$.encounter.hosp_lv'), 1) "
            "AS INTEGER) FROM settlement s JOIN his_stay h ON h.stay_key = s.mdtrt_id "
            f"WHERE s.kind = 'settlement' AND s.local_id IN ({', '.join('?' for _ in part)}) ORDER BY s.local_id",
            part).fetchall()
        found.extend((int(r[0]), str(r[1]), int(r[2] or 1)) for r in rows)
    out = []
    for local_id, stay_key, hosp_lv in found:
        try:
            stay = get_stay(db, stay_key)
        except NotFound:
            continue
        if stay.stay_key == stay_key:
            out.append((local_id, stay, hosp_lv))
    return out
