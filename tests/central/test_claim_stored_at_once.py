"""A queue claim's results stored at once (claim_cache.py): a handful of statements per claim, not
per item; and when storing them at once fails, the claim is done again item by item and only the
item concerned is refused. On SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from central_helpers import HAND_FEES, db_rows, init_db, roster
from central_stores import STORES, new_central_db
from queue_helpers import clone_persons, digest, queue_batches, reversal_item, run_work, settlement_item

from hospital_client import protocol as p
from hospital_client.central.context import Central
from hospital_client.central.open_store import open_store
from hospital_client.central.queue_work import adjudicate_next

_dirs = itertools.count(1)


Fresh = Callable[[], Path | str]


@pytest.fixture(params=STORES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Fresh:
    """Makes a new initialised central database on the store, as often as asked."""

    def make() -> Path | str:
        folder = tmp_path / f"db{next(_dirs)}"
        folder.mkdir()
        return new_central_db(request, request.param, folder)[0]

    return make


@pytest.fixture
def db(fresh: Fresh) -> Path | str:
    return fresh()


def _store_class(db: Path | str) -> type:
    store = open_store(db)
    store.close()
    return type(store)


def _mixed(db: Path | str) -> list[tuple[str, str]]:
    """Settlements, a reversal, a second settlement of a settled encounter and an unknown person."""
    names = clone_persons(db, 4)
    model = roster()["DEMO990100000001"]
    batches = [[settlement_item(f"{psn}-{k}", psn, f"M-{psn}-{k}", model, HAND_FEES) for psn in names]
               for k in range(3)]
    batches[1].append(reversal_item(f"{names[0]}-rev", f"{names[0]}-0"))
    batches[1].append(settlement_item("nobody-1", "NOBODY000001", "M-nobody", model, HAND_FEES))
    batches[2].append(settlement_item("dup-1", names[1], f"M-{names[1]}-0", model, HAND_FEES))
    return queue_batches(db, batches)


def _queue(db: Path | str, persons: int, per_person: int) -> list[tuple[str, str]]:
    names = clone_persons(db, persons)
    model = roster()["DEMO990100000001"]
    return queue_batches(db, [[settlement_item(f"{psn}-{k}", psn, f"M-{psn}-{k}", model, HAND_FEES) for psn in names]
                              for k in range(per_person)])


def _work_in_process(db: Path | str) -> None:
    store = open_store(db)
    try:
        central = Central(store)
        while adjudicate_next(central).psn_no is not None:
            pass
    finally:
        store.close()


def test_a_defect_storing_a_claim_at_once_refuses_only_the_item_concerned(db: Path | str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect (not the database failing) while a claim's results are stored at once: the claim is
    done again item by item and only the item concerned is refused; the person's later items start
    where the earlier ones left them."""
    keys = _queue(db, persons=3, per_person=4)
    refused_id = "QPSN00000001-2"
    cls = _store_class(db)
    real_add, real_many = cls.add_settlement, cls.add_adjudications

    def add_settlement(self: Any, record: Any) -> None:
        if record.local_id == refused_id:
            raise TypeError("a defect storing this settlement")
        real_add(self, record)

    def add_adjudications(self: Any, moves: Any, settlements: Any) -> None:
        if any(r.local_id == refused_id for r in settlements):
            raise TypeError("a defect storing these settlements")
        real_many(self, moves, settlements)

    monkeypatch.setattr(cls, "add_settlement", add_settlement)
    monkeypatch.setattr(cls, "add_adjudications", add_adjudications)
    _work_in_process(db)
    settled = {r[0] for r in db_rows(db, "SELECT local_id FROM settlement")}
    assert settled == {local_id for _, local_id in keys} - {refused_id}
    rejections = db_rows(db, "SELECT local_id, infcode, err_msg FROM item_rejection")
    assert rejections == [(refused_id, p.ServerError.infcode, "中心系统内部错误；请重新上传此笔")]
    rows = db_rows(db, "SELECT local_id, ytd_before, ytd_after FROM settlement WHERE psn_no = 'QPSN00000001' "
                       "ORDER BY seq")
    assert [r[0] for r in rows] == ["QPSN00000001-0", "QPSN00000001-1", "QPSN00000001-3"]
    assert rows[2][1] == rows[1][2]  # the refused item's figures were not kept
    for psn_no in ("QPSN00000000", "QPSN00000001", "QPSN00000002"):  # accumulators: the last settlement's
        last = db_rows(db, "SELECT ytd_after FROM settlement WHERE psn_no = ? ORDER BY seq DESC LIMIT 1", (psn_no,))
        assert db_rows(db, "SELECT ytd FROM accumulator WHERE psn_no = ? AND year = 2026", (psn_no,)) == last
    assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0


def test_stored_at_once_or_item_by_item_the_results_are_the_same(fresh: Fresh,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Every claim through the fallback (storing at once always fails) gives the normal run's digest."""
    normal = fresh()
    keys = _mixed(normal)
    run_work(normal, 1)
    fallback = fresh()
    assert _mixed(fallback) == keys

    def add_adjudications(self: Any, moves: Any, settlements: Any) -> None:
        raise TypeError("a defect storing these settlements")

    monkeypatch.setattr(_store_class(fallback), "add_adjudications", add_adjudications)
    _work_in_process(fallback)
    assert digest(fallback, keys) == digest(normal, keys)


def test_a_claim_costs_a_handful_of_statements_not_some_per_item(tmp_path: Path) -> None:
    """Counted with SQLite's trace callback (PostgreSQL's executemany goes in one pipeline)."""
    db = tmp_path / "central.db"
    init_db(db)
    _queue(db, persons=1, per_person=20)
    store: Any = open_store(db)
    try:
        central = Central(store)
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        claimed = adjudicate_next(central)
        store.conn.set_trace_callback(None)
    finally:
        store.close()
    assert claimed.done == 20
    # the rows of the claim's executemany calls (traced row by row, and once more per trigger
    # statement): the settlements, their local keys, the accumulators, the queue rows removed
    rows = ("INSERT INTO settlement", "INSERT INTO local_key", "INSERT INTO accumulator", "DELETE FROM queued_work",
            "DELETE FROM queued_item")
    others = [s for s in statements if not s.startswith(rows)]
    # per claim, not per item: on SQLite the lease (its own short write transaction), the person's
    # data read once outside the write lock, then the check that nothing read changed and the end
    assert len(others) <= 32, others
    assert not any(s.startswith(("SAVEPOINT", "RELEASE")) for s in statements)
