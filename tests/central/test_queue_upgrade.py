"""Batches queued (9511 ack "stored") by the version before the per-person queue are picked up after
the upgrade: the workers put their items into their persons' partitions first, and the results are
those of the same batches stored after the upgrade. On SQLite and on PostgreSQL.

The database at the old schema has its migrations applied up to the one that made the per-person
queue (old_schema.py), so that opening it applies the rest, as an upgrade does; its batches are
stored as the version before stored them (the 9511 input in ``queued_batch.input``, a
``queued_item`` row per local_id, ``done_items`` the items it had adjudicated)."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from central_helpers import SITE_A, db_rows, free_port, is_postgres, start_server, stop_server
from old_schema import old_postgres_copy, old_sqlite_copy
from queue_helpers import ARRIVAL, clone_persons, digest, queue_batches, run_work
from queue_share_helpers import db_execute, persons_queue

from hospital_client import protocol as p

Fresh = Callable[[], tuple[Path | str, dict[str, str]]]
Old = Callable[[int], tuple[Path | str, list[str]]]
_dirs = itertools.count(1)



@pytest.fixture
def old_db(request: pytest.FixtureRequest, fresh_db: Fresh, tmp_path: Path) -> Old:
    """Makes a database at the old schema with ``persons`` roster persons more: its --db and their psn_no."""

    def make(persons: int) -> tuple[Path | str, list[str]]:
        db, _ = fresh_db()
        names = clone_persons(db, persons)
        n = next(_dirs)
        if is_postgres(db):
            old: Path | str = old_postgres_copy(request.getfixturevalue("pg_cluster"), str(db), f"old_queue_{n}")
        else:
            old = old_sqlite_copy(Path(db), tmp_path / f"old{n}.db")
        table = "central_schema_migration" if is_postgres(old) else "_sqlite_migrations"
        applied = {str(r[0]) for r in db_rows(old, f"SELECT name FROM {table}")}
        assert applied and not [n for n in applied if n.endswith(("_person_queue", "_queue_partition_hash"))]
        return old, names

    return make


def _store_the_old_way(db: Path | str, batches: Sequence[Sequence[dict[str, Any]]],
                       done: Sequence[int] = ()) -> None:
    """As the version before stored 9511 with ack "stored" (one second apart, as queue_batches does):
    the input kept whole, the local ids marked queued; ``done``: per batch, the items it had done."""
    for n, items in enumerate(batches):
        moment = ARRIVAL + dt.timedelta(seconds=n)
        msgid = p.make_msgid(SITE_A, moment, 9000 + n % 1000)
        body = p.dumps({"ack": "stored", "detail": "summary", "data": list(items)})
        full = False if is_postgres(db) else 0
        db_execute(db, ("INSERT INTO queued_batch (site, msgid, received_at, \"full\", items, input, done_items) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (SITE_A, msgid, p.format_time(moment), full, len(items), body, done[n] if done else 0)),
                   *[("INSERT INTO queued_item (site, local_id, batch_seq) VALUES (?, ?, ?)",
                      (SITE_A, str(item["local_id"]), n + 1)) for item in items])


def _batches(names: list[str]) -> list[list[dict[str, Any]]]:
    return persons_queue(len(names), 3, names=names)


def test_batches_stored_by_the_version_before_are_worked_as_if_stored_after(
        fresh_db: Fresh, old_db: Old) -> None:
    reference, _ = fresh_db()
    names = clone_persons(reference, 12)
    keys = queue_batches(reference, _batches(names))
    run_work(reference, 1)
    expected = digest(reference, keys)

    db, old_names = old_db(12)
    assert old_names == names
    _store_the_old_way(db, _batches(names))
    assert db_rows(db, "SELECT COUNT(*) FROM queued_batch WHERE finished_at IS NULL")[0][0] == 3

    ran = run_work(db, 2)  # opening applies the migrations; the workers convert the batches, then work them
    assert ran["adjudicated"] == len(keys)
    assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0
    assert db_rows(db, "SELECT COUNT(*) FROM queued_item")[0][0] == 0
    assert db_rows(db, "SELECT COUNT(*) FROM queued_batch WHERE finished_at IS NULL OR length(input) > 0")[0][0] == 0
    assert digest(db, keys) == expected


def test_a_batch_the_version_before_had_begun_goes_on_after_its_last_item_done(
        old_db: Old) -> None:
    db, names = old_db(4)
    batches = _batches(names)
    _store_the_old_way(db, batches, done=[0, 2, 0])  # the second batch's first two items were done before
    run_work(db, 1)
    site_ids = [str(r[0]) for r in db_rows(db, "SELECT local_id FROM settlement WHERE site = ?", (SITE_A,))]
    skipped = {str(item["local_id"]) for item in batches[1][:2]}
    assert not skipped & set(site_ids)  # not done again
    assert {str(item["local_id"]) for item in batches[1][2:]} <= set(site_ids)
    assert db_rows(db, "SELECT COUNT(*) FROM queued_item")[0][0] == 0  # not reported "queued" any more


def test_the_server_converts_them_before_it_answers(old_db: Old,
                                                    tmp_path: Path) -> None:
    db, names = old_db(6)
    batches = _batches(names)
    _store_the_old_way(db, batches)
    proc, _ = start_server(db, free_port(), tmp_path / "server.log")
    try:
        total = sum(len(items) for items in batches)
        deadline = dt.datetime.now() + dt.timedelta(seconds=120)
        while db_rows(db, "SELECT COUNT(*) FROM queued_batch WHERE finished_at IS NULL")[0][0] > 0:
            assert dt.datetime.now() < deadline, "the server's workers did not finish the old batches"
            time.sleep(0.1)
        ids = {str(item["local_id"]) for items in batches for item in items}
        done = [str(r[0]) for table in ("settlement", "reversal", "item_rejection")
                for r in db_rows(db, f"SELECT local_id FROM {table} WHERE site = ?", (SITE_A,))]
        assert sorted(done) == sorted(ids) and len(done) == total
    finally:
        stop_server(proc)
