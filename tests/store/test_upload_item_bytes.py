"""The drain's items as UTF-8 bytes straight from SQLite (store.upload.upload_item_bytes) are
byte for byte the items of ``upload_sources`` encoded (Chinese, quotes and a reversal too), in the
order asked; a batch built from them is the batch built from the texts."""

from __future__ import annotations

import copy

import pytest
from store_helpers import computed, load_request

from hospital_client import store
from hospital_client.store.errors import NotFound
from hospital_client.sync.drain import batch_input, batch_input_bytes


def _settle(db: store.LocalDatabase, mdtrt_id: str, name: str) -> None:
    request, result, ytd, sha = computed(copy.deepcopy(load_request("req_basic_urban.json")))
    request["encounter"]["mdtrt_id"] = mdtrt_id
    request["person"]["psn_name"] = name
    store.journal.record_settlement(db, store.NewSettlement(request, result, ytd, "request", sha, "demo"))


def test_item_bytes_are_the_item_texts_encoded(empty_db: store.LocalDatabase) -> None:
    _settle(empty_db, "B-1", "张三")
    _settle(empty_db, "B-2", '李"四"\\\n')
    store.journal.record_reversal(empty_db, 1, operator="demo", reason="退费")
    order = [3, 1, 2]
    texts = [s.item_json for s in store.upload.upload_sources(empty_db, order)]
    raw = store.upload.upload_item_bytes(empty_db, order)
    assert raw == [t.encode("utf-8") for t in texts]
    assert all(isinstance(b, bytes) for b in raw)
    for ack in ("stored", "adjudicated"):
        assert batch_input_bytes(raw, ack) == batch_input(texts, ack)
    assert store.upload.upload_item_bytes(empty_db, []) == []
    with pytest.raises(NotFound):
        store.upload.upload_item_bytes(empty_db, [1, 99])
