"""The 9511/2304 items the sync uploads (store.upload) are spliced from the journal's JSON texts,
and are byte for byte the items SQLite's JSON functions build from the same rows (the way they
were built before: a settlement re-sent with its msgid must be the same bytes): fee lines with
and without their overrides, a supervisor's review overrides, none or a JSON null, Chinese and
quotes in the request, a reversal."""

from __future__ import annotations

import copy
import json
from typing import Any

from store_helpers import computed, load_request

from hospital_client import store
from hospital_client.store.upload import _FEES_SQL

# The item as json_set / json_object / json_patch write it (the reference the splice must equal).
REFERENCE_SQL = f"""
SELECT s.local_id, CASE WHEN s.kind = 'settlement' THEN json_patch(json_object(
    'kind', 'settlement', 'local_id', CAST(s.local_id AS TEXT),
    'setl_time', strftime('%Y-%m-%d %H:%M:%S', s.created_at, '+8 hours'),
    'request', json_set(s.request_json, '$.fees', json(coalesce(({_FEES_SQL}), '[]'))),
    'provisional', json_object(
      'policy', s.result_json -> '$.policy', 'setlinfo', s.result_json -> '$.setlinfo',
      'setldetail', s.result_json -> '$.setldetail', 'year_to_date_after', s.result_json -> '$.year_to_date_after')),
    json_object('review_overrides', s.result_json -> '$.review_overrides'))
  ELSE json_object(
    'kind', 'reversal', 'local_id', CAST(s.local_id AS TEXT), 'reverses_local_id', CAST(s.reverses_local_id AS TEXT),
    'rev_time', strftime('%Y-%m-%d %H:%M:%S', s.created_at, '+8 hours')) END
FROM settlement s ORDER BY s.local_id
"""


def _settle(db: store.LocalDatabase, request: dict[str, Any], mdtrt_id: str, **result_extra: Any) -> None:
    request, result, ytd, sha = computed(copy.deepcopy(request))
    request["encounter"]["mdtrt_id"] = mdtrt_id
    result.update(result_extra)
    store.journal.record_settlement(db, store.NewSettlement(request, result, ytd, "request", sha, "demo"))


def test_the_items_are_the_bytes_the_json_functions_write(empty_db: store.LocalDatabase) -> None:
    plain = load_request("req_basic_urban.json")
    with_overrides = copy.deepcopy(load_request("req_dibao_large.json"))
    fees = with_overrides["fees"]
    fees[0]["chrgitm_lv"] = "03"
    fees[2]["selfpay_prop"] = "0.3"
    fees[-1]["pric_uplmt_amt"] = fees[-1]["pric"]
    quoted = copy.deepcopy(plain)
    quoted["person"]["psn_name"] = '张"fees":\\三\n'
    overrides = [{"rule_id": "R1", "feedetl_sn": ["1", "2"], "operator": "主管", "reason": "同意\"放行\""}]
    _settle(empty_db, plain, "SP-1")
    _settle(empty_db, with_overrides, "SP-2")
    _settle(empty_db, quoted, "fees")  # "fees" in request_json: built the other way, the same bytes
    _settle(empty_db, plain, "SP-4", review_overrides=overrides)
    _settle(empty_db, plain, "SP-5", review_overrides=None)
    store.journal.record_reversal(empty_db, 1, operator="demo", reason="退费")

    reference = {int(r[0]): r[1] for r in empty_db.conn.execute(REFERENCE_SQL)}
    sources = store.upload.upload_sources(empty_db, sorted(reference))
    assert len(sources) == 6
    assert {s.local_id: s.item_json for s in sources} == reference
    items = [json.loads(s.item_json) for s in sources]
    assert items[2]["request"]["person"]["psn_name"] == '张"fees":\\三\n'
    assert items[3]["review_overrides"] == overrides
    assert "review_overrides" not in items[4] and "review_overrides" not in items[0]
    assert items[5]["kind"] == "reversal" and items[5]["reverses_local_id"] == "1"
