"""Fee lines with and without their optional overrides (chrgitm_lv, selfpay_prop, pric_uplmt_amt):
stored in request order, NULL where the request gave none, and given back exactly."""

from __future__ import annotations

import copy
import json
from typing import Any

from store_helpers import computed, load_request

from hospital_client import store


def _request_with_overrides() -> dict[str, Any]:
    request = copy.deepcopy(load_request("req_dibao_large.json"))
    fees = request["fees"]
    assert len(fees) >= 4
    fees[0]["chrgitm_lv"] = "03"
    fees[2]["selfpay_prop"] = "0.3"
    fees[2]["pric_uplmt_amt"] = fees[2]["pric"]
    fees[-1]["pric_uplmt_amt"] = fees[-1]["pric"]
    return request


def test_lines_with_and_without_overrides_come_back_in_order(empty_db: store.LocalDatabase) -> None:
    request, result, ytd, sha = computed(_request_with_overrides())
    store.journal.record_settlement(empty_db, store.NewSettlement(request, result, ytd, "request", sha, "demo"))

    rows = store.journal.fee_lines(empty_db, 1)
    assert [row["seq"] for row in rows] == list(range(1, len(request["fees"]) + 1))
    for row, fee in zip(rows, request["fees"], strict=True):
        assert row["feedetl_sn"] == str(fee["feedetl_sn"])
        assert row["req_chrgitm_lv"] == fee.get("chrgitm_lv")
        assert row["req_selfpay_prop"] == fee.get("selfpay_prop")
        assert row["req_pric_uplmt_amt"] == fee.get("pric_uplmt_amt")

    entry = store.journal.get_entry(empty_db, 1)
    assert entry.request is not None and entry.result == result
    assert entry.request["fees"] == [{k: str(v) for k, v in fee.items()} for fee in request["fees"]]

    (source,) = store.upload.upload_sources(empty_db, [1])
    assert json.loads(source.item_json)["request"]["fees"] == entry.request["fees"]
