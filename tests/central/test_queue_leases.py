"""SQLite's queue workers adjudicate outside the write lock (queue_work.py): a person is leased in a
short write transaction, its items read and adjudicated in a read transaction, and the results
stored only if the lease still holds and nothing read has changed; otherwise the claim is done
again under the lock. Real SQLite files, the real queue code; the results must equal those of
claims done wholly under the lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import HAND_FEES, db_rows, init_db, roster
from queue_helpers import clone_persons, digest, queue_batches, reversal_item, settlement_item

from hospital_client.central.claim_cache import ClaimCache
from hospital_client.central.context import Central
from hospital_client.central.open_store import open_store
from hospital_client.central.queue_work import adjudicate_next, drain
from hospital_client.central.sqlite_store import SQLiteStore


def _db(tmp_path: Path, name: str) -> Path:
    db = tmp_path / name / "central.db"
    db.parent.mkdir()
    init_db(db)
    return db


def _queue(db: Path, persons: int = 6, *, mixed: bool = True) -> tuple[list[str], list[tuple[str, str]]]:
    """Two settlements per person; ``mixed``: also a reversal of one, and an item of an unknown
    person (refused)."""
    names = clone_persons(db, persons)
    model = roster()["DEMO990100000001"]
    first = [settlement_item(f"{psn}-0", psn, f"M-{psn}-0", model, HAND_FEES) for psn in names]
    second = [settlement_item(f"{psn}-1", psn, f"M-{psn}-1", model, HAND_FEES) for psn in reversed(names)]
    if mixed:
        second.append(reversal_item(f"{names[0]}-rev", f"{names[0]}-0"))
        second.append(settlement_item("nobody-1", "NOBODY000001", "M-nobody", model, HAND_FEES))
    return names, queue_batches(db, [first, second])


@pytest.fixture()
def checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each checked claim's ``unchanged()`` found."""
    found: list[bool] = []
    real = ClaimCache.unchanged

    def spy(self: ClaimCache) -> bool:
        found.append(real(self))
        return found[-1]

    monkeypatch.setattr(ClaimCache, "unchanged", spy)
    return found


def _store(db: Path, *, leases: bool) -> SQLiteStore:
    store = open_store(db)
    assert isinstance(store, SQLiteStore) and store.claims_by_lease
    if not leases:
        store.claims_by_lease = False  # every claim under the write lock, as before leases
    return store


def _drain(db: Path, *, leases: bool) -> int:
    store = _store(db, leases=leases)
    try:
        return drain(Central(store))
    finally:
        store.close()


def test_claims_outside_the_lock_give_the_results_of_claims_under_it(tmp_path: Path, checks: list[bool]) -> None:
    locked, leased = _db(tmp_path, "locked"), _db(tmp_path, "leased")
    _, keys = _queue(locked)
    _, keys_again = _queue(leased)
    assert keys == keys_again
    assert _drain(locked, leases=False) == _drain(leased, leases=True) == len(keys)
    assert digest(leased, keys) == digest(locked, keys)
    for db in (locked, leased):
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0
        assert db_rows(db, "SELECT COUNT(*) FROM queued_person")[0][0] == 0
    # the person with a reversal and the unknown person (refused) under the lock; the rest outside it
    assert db_rows(leased, "SELECT COUNT(*) FROM item_rejection")[0][0] == 1
    assert checks == [True] * 5


def test_a_leased_person_is_claimed_by_nobody_else_until_the_lease_runs_out(tmp_path: Path) -> None:
    db = _db(tmp_path, "one")
    names, _ = _queue(db, persons=2)
    store, other = _store(db, leases=True), _store(db, leases=True)
    try:
        first = store.lease_person("worker-a", 60)
        assert first == names[0]
        with other.transaction():
            assert other.claim_person() == names[1]  # the classic claim passes it by too
        assert other.lease_person("worker-b", 60) == names[1]
        assert other.lease_person("worker-c", 60) == "NOBODY000001"  # the unknown person's item
        assert other.lease_person("worker-c", 60) is None  # all three held
        store.release_lease(first, "worker-a")
        assert other.lease_person("worker-c", 60) == names[0]
        # a lease that ran out (its worker died mid-claim) is taken by the next worker
        with store.transaction():
            store.release_lease(names[0], "worker-c")
        assert store.lease_person("worker-d", -1) == names[0]
        assert other.lease_person("worker-e", 60) == names[0]
        with other.transaction():
            assert not other.holds_lease(names[0], "worker-d", [])
            assert other.holds_lease(names[0], "worker-e", [])
    finally:
        store.close()
        other.close()


@contextmanager
def _between_read_and_write(store: SQLiteStore, change: Any) -> Iterator[list[bool]]:
    """``change()`` done once by another connection after the claim's read transaction and before
    its write transaction (what an online message of the same person, or another worker, may do)."""
    real = store.snapshot
    done: list[bool] = []

    @contextmanager
    def snapshot() -> Iterator[None]:
        with real():
            yield
        if not done:
            done.append(True)
            change()

    store.snapshot = snapshot  # type: ignore[method-assign]
    try:
        yield done
    finally:
        store.snapshot = real  # type: ignore[method-assign]


def _online_change(db: Path, psn_no: str) -> None:
    """The person's year-to-date use moved by another connection, as an online settlement would."""
    other = open_store(db)
    try:
        with other.transaction():
            ytd = other.get_accumulators(psn_no, 2026) or {}
            moved = dict(ytd) | {"admissions": int(ytd.get("admissions", 0)) + 1,
                                 "hifp_pay": Decimal(ytd.get("hifp_pay", 0)) + Decimal("5000.00"),
                                 "act_pay_dedc": Decimal(ytd.get("act_pay_dedc", 0)) + Decimal("800.00")}
            other.put_accumulators(psn_no, 2026, moved, "2026-03-01 08:00:00")
    finally:
        other.close()


def _settlement_results(db: Path) -> list[tuple[Any, ...]]:
    return db_rows(db, "SELECT local_id, setl_id, final, ytd_before, ytd_after FROM settlement ORDER BY local_id")


def test_an_online_change_between_read_and_write_sends_the_claim_under_the_lock(tmp_path: Path,
                                                                                checks: list[bool]) -> None:
    """The claim read the person's use before the change: stored as read, it would pay the
    deductible twice. It is done again under the lock, on the changed use, and equals a claim
    that came after the change."""
    changed_first, raced = _db(tmp_path, "first"), _db(tmp_path, "raced")
    names, keys = _queue(changed_first, persons=1, mixed=False)
    _queue(raced, persons=1, mixed=False)
    _online_change(changed_first, names[0])
    assert _drain(changed_first, leases=False) == len(keys)

    store = _store(raced, leases=True)
    try:
        with _between_read_and_write(store, lambda: _online_change(raced, names[0])) as done:
            claimed = adjudicate_next(Central(store))
        assert done and claimed.psn_no == names[0] and claimed.done == 2
    finally:
        store.close()
    assert _settlement_results(raced) == _settlement_results(changed_first)
    assert checks == [False]  # the change was seen
    assert digest(raced, keys) == digest(changed_first, keys)
    assert db_rows(raced, "SELECT COUNT(*) FROM settlement")[0][0] == 2  # stored once, not twice


def test_a_claim_whose_lease_was_taken_over_stores_nothing(tmp_path: Path) -> None:
    """A worker that took longer than its lease (another worker took the person over) stores
    nothing of its claim: the items are adjudicated once, by the worker that holds the person."""
    db = _db(tmp_path, "taken")
    names, keys = _queue(db, persons=1, mixed=False)

    def take_over() -> None:
        other = open_store(db)
        try:
            with other.transaction():
                other.conn.execute("UPDATE queued_person SET lease_holder = 'another-worker' WHERE psn_no = ?",
                                   (names[0],))
        finally:
            other.close()

    store = _store(db, leases=True)
    try:
        with _between_read_and_write(store, take_over):
            claimed = adjudicate_next(Central(store))
        assert claimed.psn_no == names[0] and claimed.done == 0
        assert db_rows(db, "SELECT COUNT(*) FROM settlement")[0][0] == 0
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work WHERE psn_no = ?", (names[0],))[0][0] == 2
        with store.transaction():  # the other worker's lease runs out (it died)
            store.conn.execute("UPDATE queued_person SET lease_until = 0")
        assert drain(Central(store)) == len(keys)
    finally:
        store.close()
    assert db_rows(db, "SELECT COUNT(*) FROM settlement")[0][0] == 2
    assert db_rows(db, "SELECT COUNT(*) FROM queued_person")[0][0] == 0


@pytest.mark.parametrize("leases", [True, False])
def test_a_worker_that_fails_mid_claim_gives_its_lease_back(tmp_path: Path, leases: bool) -> None:
    """A database error mid-claim reaches the worker (which tries again later); the person is not
    left leased for minutes, and the next claim adjudicates everything once."""
    db = _db(tmp_path, "fails")
    _, keys = _queue(db, persons=2, mixed=False)
    store = _store(db, leases=leases)
    real = store.add_adjudications
    calls: list[int] = []

    def failing(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("disk I/O error")
        real(*args)

    store.add_adjudications = failing  # type: ignore[method-assign]
    try:
        with pytest.raises(Exception, match="disk I/O error"):
            adjudicate_next(Central(store))
        assert db_rows(db, "SELECT COUNT(*) FROM queued_person WHERE lease_holder <> ''")[0][0] == 0
        assert drain(Central(store)) == len(keys)
    finally:
        store.close()
    assert db_rows(db, "SELECT COUNT(*) FROM settlement")[0][0] == 4


def test_a_claim_is_not_waited_onto_the_disk_everything_else_is(tmp_path: Path) -> None:
    """synchronous = NORMAL (1) while a claim stores its results, FULL (2) before and after: a
    claim lost with the machine leaves its items queued; a 9511 batch or an online message
    stored by the same connection is waited for."""
    db = _db(tmp_path, "sync")
    _queue(db, persons=1, mixed=False)
    store = _store(db, leases=True)
    seen: list[int] = []
    real = store.finish_work

    def finish_work(*args: Any) -> None:
        seen.append(int(store.conn.execute("PRAGMA synchronous").fetchone()[0]))
        real(*args)

    store.finish_work = finish_work  # type: ignore[method-assign]
    try:
        assert int(store.conn.execute("PRAGMA synchronous").fetchone()[0]) == 2
        assert adjudicate_next(Central(store)).done == 2
        assert seen == [1]
        assert int(store.conn.execute("PRAGMA synchronous").fetchone()[0]) == 2
    finally:
        store.close()


def test_redoable_inside_a_transaction_leaves_it_to_that_transaction(tmp_path: Path) -> None:
    """SQLite refuses to change synchronous inside a transaction: a claim made inside one (not
    what the workers do) is committed as that transaction is, and the connection stays FULL."""
    db = _db(tmp_path, "inside")
    _queue(db, persons=1, mixed=False)
    store = _store(db, leases=True)
    try:
        with store.transaction():
            with store.redoable():
                assert int(store.conn.execute("PRAGMA synchronous").fetchone()[0]) == 2
            assert adjudicate_next(Central(store)).done == 2  # read, checked and stored in it
        assert db_rows(db, "SELECT COUNT(*) FROM settlement")[0][0] == 2
        with store.redoable():
            store.conn.execute("BEGIN")  # left open inside: rolled back, FULL again
        assert not store.conn.in_transaction
        assert int(store.conn.execute("PRAGMA synchronous").fetchone()[0]) == 2
    finally:
        store.close()
