"""Journal entries as the sync uploads them (the items of a 9511 batch, docs/protocol.md).

Built by SQLite's JSON functions from the committed rows, the same way every time, so that a
re-sent entry is the same item; the outbox holds no copy of any amount (``store.outbox``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .connection import LocalDatabase
from .errors import NotFound
from .sqlite_errors import guarded

__all__ = ["UploadSource", "upload_item_bytes", "upload_sources"]


@dataclass(frozen=True, slots=True)
class UploadSource:
    """A journal entry as the sync uploads it (docs/protocol.md, 9511 items), as JSON text that
    SQLite builds from the committed rows: a settlement's ``request`` exactly as settled with its
    fee lines put back and its ``provisional`` result (policy, setlinfo, setldetail,
    year_to_date_after) and, when a supervisor overrode a review block, its ``review_overrides``;
    a reversal's ``reverses_local_id``; the time it was committed in China
    Standard Time. Built the same way every time, so a re-sent settlement is the same request
    (the central system binds each local id to its request's fingerprint)."""

    local_id: int
    kind: str
    item_json: str


# Everything in SQLite's JSON functions: a batch of hundreds of entries is read in milliseconds,
# without decoding and encoding in Python. The fee lines as requested (the optional overrides
# only when given), in order (an aggregate's ORDER BY needs SQLite 3.44; the order of the lines is
# part of the request). Times: created_at carries its UTC offset; CST is UTC+8 (no summer time).
_FEES_SQL = """
    SELECT json_group_array(CASE
      WHEN req_chrgitm_lv IS NULL AND req_selfpay_prop IS NULL AND req_pric_uplmt_amt IS NULL THEN
        json_object('feedetl_sn', feedetl_sn, 'med_list_codg', med_list_codg, 'name', name, 'pric', pric, 'cnt', cnt,
                    'det_item_fee_sumamt', det_item_fee_sumamt)
      ELSE json_patch(  -- a merge patch leaves out the overrides that are NULL
        json_object('feedetl_sn', feedetl_sn, 'med_list_codg', med_list_codg, 'name', name, 'pric', pric, 'cnt', cnt,
                    'det_item_fee_sumamt', det_item_fee_sumamt),
        json_object('chrgitm_lv', req_chrgitm_lv, 'selfpay_prop', req_selfpay_prop,
                    'pric_uplmt_amt', req_pric_uplmt_amt)) END ORDER BY seq)
    FROM fee_line f WHERE f.local_id = s.local_id"""
# A settlement's item is spliced from texts that are JSON already, not parsed and written again (a
# batch's items are built while the one before is on the wire, and this is most of the desk's work):
# its request is request_json (journal.compact_json: compact, the fee lines left out) with "fees"
# put last, byte for byte what json_set(request_json, '$.fees', ...) writes; a request_json of
# another shape (none is written so) goes through json_set. The keys in the order of json_object.
_UPLOAD_SQL = f"""
SELECT s.local_id, s.kind, CASE WHEN s.kind = 'settlement' THEN
    '{{"kind":"settlement","local_id":' || json_quote(CAST(s.local_id AS TEXT))
    || ',"setl_time":' || json_quote(strftime('%Y-%m-%d %H:%M:%S', s.created_at, '+8 hours'))
    || ',"request":' || CASE WHEN s.request_json GLOB '{{?*}}' AND instr(s.request_json, '"fees"') = 0
      THEN substr(s.request_json, 1, length(s.request_json) - 1) || ',"fees":' || coalesce(({_FEES_SQL}), '[]')
        || '}}'
      ELSE json_set(s.request_json, '$.fees', json(coalesce(({_FEES_SQL}), '[]'))) END
    || ',"provisional":' || json_object(
      'policy', s.result_json -> '$.policy', 'setlinfo', s.result_json -> '$.setlinfo',
      'setldetail', s.result_json -> '$.setldetail', 'year_to_date_after', s.result_json -> '$.year_to_date_after')
    -- a supervisor's overrides of review blocks, only when there are any
    || CASE WHEN coalesce(json_type(s.result_json, '$.review_overrides'), 'null') = 'null' THEN ''
      ELSE ',"review_overrides":' || (s.result_json -> '$.review_overrides') END
    || '}}'
  ELSE json_object(
    'kind', 'reversal', 'local_id', CAST(s.local_id AS TEXT), 'reverses_local_id', CAST(s.reverses_local_id AS TEXT),
    'rev_time', strftime('%Y-%m-%d %H:%M:%S', s.created_at, '+8 hours')) END
FROM settlement s WHERE s.local_id IN (SELECT value FROM json_each(?))
"""
# The same items as UTF-8 bytes, as SQLite holds the text (CAST AS BLOB: not decoded into Python
# text and encoded again; the drain joins a batch's items as they are, docs/protocol.md 9511).
_UPLOAD_BYTES_SQL = f"""
WITH src (local_id, kind, item) AS ({_UPLOAD_SQL}) SELECT local_id, CAST(item AS BLOB) FROM src
"""
# Id lists are passed as one JSON array (json_each), so that each query has one text whatever
# the batch size: texts that vary fill the connection's statement cache, and a full cache makes
# every later commit slower (see connection._uncached).


@guarded
def upload_sources(db: LocalDatabase, local_ids: Sequence[int]) -> list[UploadSource]:
    """Entries as the sync uploads them (see UploadSource), in the order asked."""
    if not local_ids:
        return []
    wanted = [int(x) for x in local_ids]
    rows = {row[0]: row for row in db.conn.execute(_UPLOAD_SQL, (json.dumps(wanted),))}
    out: list[UploadSource] = []
    for local_id in wanted:
        row = rows.get(local_id)
        if row is None:
            raise NotFound(f"no journal entry {local_id}")
        out.append(UploadSource(*row))
    return out


@guarded
def upload_item_bytes(db: LocalDatabase, local_ids: Sequence[int]) -> list[bytes]:
    """The ``item_json`` of each entry (see UploadSource) as UTF-8 bytes, in the order asked."""
    if not local_ids:
        return []
    wanted = [int(x) for x in local_ids]
    rows = dict(db.conn.execute(_UPLOAD_BYTES_SQL, (json.dumps(wanted),)).fetchall())
    missing = next((x for x in wanted if x not in rows), None)
    if missing is not None:
        raise NotFound(f"no journal entry {missing}")
    return [rows[x] for x in wanted]
