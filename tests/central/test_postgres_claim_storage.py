"""How the PostgreSQL store keeps a queue claim's settlements: by binary COPY once a claim has a few
(postgres_store.add_adjudications), row for row what the INSERTs store, and their JSON columns
compressed with lz4 (migration m009) on a server built with it, as Debian's is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from central_helpers import HAND_FEES, SITE_A, db_rows, roster
from central_stores import new_central_db
from queue_helpers import clone_persons, digest, queue_batches, settlement_item

from hospital_client.central import postgres_store
from hospital_client.central.context import Central
from hospital_client.central.open_store import open_store
from hospital_client.central.queue_work import adjudicate_next

_JSON_COLUMNS = ("request", "person", "provisional", "final", "summary", "ytd_before", "ytd_after", "adjustment")


def _queue(db: str) -> list[tuple[str, str]]:
    """Three persons with five settlements each (claims above the COPY threshold)."""
    names = clone_persons(db, 3)
    model = roster()["DEMO990100000001"]
    return queue_batches(db, [[settlement_item(f"{psn}-{k}", psn, f"M-{psn}-{k}", model, HAND_FEES)
                               for psn in names] for k in range(5)], site=SITE_A)


def _work(db: str) -> list[int]:
    store = open_store(db)
    try:
        central = Central(store)
        done = []
        while (claimed := adjudicate_next(central)).psn_no is not None:
            done.append(claimed.done)
        return done
    finally:
        store.close()


def _rows(db: str) -> dict[str, list[tuple[Any, ...]]]:
    return {table: db_rows(db, f"SELECT * FROM {table} ORDER BY {order}") for table, order in (
        ("settlement", "seq"), ("local_key", "site, local_id"), ("encounter_in_force", "psn_no, mdtrt_id"),
        ("accumulator", "psn_no, year"), ("person", "psn_no"))}


def _new_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(new_central_db(request, "postgresql", tmp_path)[0])


def test_a_claim_stored_by_copy_keeps_the_rows_the_inserts_keep(request: pytest.FixtureRequest, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    copied, inserted = _new_db(request, tmp_path), _new_db(request, tmp_path)
    keys = _queue(copied)
    assert _queue(inserted) == keys
    assert _work(copied) == [5, 5, 5]
    monkeypatch.setattr(postgres_store, "_COPY_FROM", 10**6)  # every claim by INSERTs
    assert _work(inserted) == [5, 5, 5]
    assert _rows(copied) == _rows(inserted)
    assert digest(copied, keys) == digest(inserted, keys)
    assert db_rows(copied, "SELECT COUNT(*) FROM queued_work") == [(0,)]


def test_a_settlement_s_json_columns_are_compressed_with_lz4(request: pytest.FixtureRequest,
                                                             tmp_path: Path) -> None:
    db = _new_db(request, tmp_path)
    methods = dict(db_rows(db, "SELECT attname, attcompression FROM pg_attribute WHERE "
                               "attrelid = 'settlement'::regclass AND attnum > 0"))
    assert {c: methods[c] for c in _JSON_COLUMNS} == {c: "l" for c in _JSON_COLUMNS}
