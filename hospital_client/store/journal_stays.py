"""A person's settlements in force in the journal as the review rules' earlier stays read them:
only the request's ``encounter`` of each, selected in one query, without reading and
reassembling every whole entry (request, result and fee lines) for every new settlement."""

from __future__ import annotations

import json
from typing import Any

from .connection import LocalDatabase
from .sqlite_errors import guarded

__all__ = ["settled_encounters"]


@guarded
def settled_encounters(db: LocalDatabase, psn_no: str, *, other_than: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(mdtrt_id, the request's encounter) of the person's settlements not reversed, in local
    order, leaving out the stay ``other_than``; an encounter that is not an object reads as {}."""
    rows = db.conn.execute(
        "SELECT s.mdtrt_id, CASE json_type(s.request_json, '$.encounter') WHEN 'object' "
        "THEN json_extract(s.request_json, '$.encounter') END FROM settlement s "
        "WHERE s.kind = 'settlement' AND s.psn_no = ? AND s.mdtrt_id IS NOT ? "
        "AND NOT EXISTS (SELECT 1 FROM settlement r WHERE r.reverses_local_id = s.local_id) ORDER BY s.local_id",
        (psn_no, other_than)).fetchall()
    return [(str(mdtrt_id), json.loads(encounter) if encounter is not None else {}) for mdtrt_id, encounter in rows]
