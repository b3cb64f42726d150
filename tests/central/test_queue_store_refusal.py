"""A queued item whose write the database refuses for good (an integrity error: a row that already
exists) is refused on its own, with a clear refusal for 9512, and the person's later items go on;
the worker does not try the claim again for ever. A transient error (the connection lost, a
serialization failure, a deadlock, "database is locked") is still tried again. On SQLite and on
PostgreSQL, with a real integrity error."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from central_helpers import HAND_FEES, ROOT, SITE_A, db_columns, db_rows, is_postgres, roster
from queue_helpers import ARRIVAL, clone_persons, queue_batches, settlement_item
from queue_share_helpers import db_execute, work_command

from hospital_client import protocol as p
from hospital_client.central.batches import adjudication_results, batch_upload
from hospital_client.central.context import Central, Context
from hospital_client.central.open_store import open_store
from hospital_client.central.store_failures import STORE_REFUSED_ERR_MSG, permanent_failure
from hospital_client.central.worker_outage import database_failure

Fresh = Callable[[], tuple[Path | str, dict[str, str]]]



def test_integrity_and_data_errors_are_permanent_the_rest_transient() -> None:
    assert permanent_failure(sqlite3.IntegrityError("UNIQUE constraint failed: settlement.seq"))
    assert permanent_failure(psycopg.errors.UniqueViolation("duplicate key"))
    assert permanent_failure(psycopg.errors.NumericValueOutOfRange("out of range"))  # a DataError
    assert not permanent_failure(sqlite3.OperationalError("database is locked"))
    assert not permanent_failure(psycopg.errors.SerializationFailure("could not serialize"))
    assert not permanent_failure(psycopg.errors.DeadlockDetected("deadlock detected"))
    assert not permanent_failure(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert not permanent_failure(ValueError("a defect"))
    cipher = pytest.importorskip("sqlcipher3").dbapi2  # an encrypted store's driver: the same classes
    assert permanent_failure(cipher.IntegrityError("UNIQUE constraint failed"))
    locked = cipher.OperationalError("database is locked")
    assert database_failure(locked) and not permanent_failure(locked)
    assert database_failure(sqlite3.OperationalError("database is locked"))


def _plant_settlement(db: Path | str, like_local_id: str, seq: int, setl_id: str) -> None:
    """A settlement row already there under the seq and setl_id a queued item was given (copied
    from ``like_local_id``'s, same person), as a restore gone wrong could leave."""
    columns = db_columns(db, "settlement")
    values = {"seq": "?", "setl_id": "?", "local_id": "'planted-1'", "mdtrt_id": "'M-planted'"}
    select = ", ".join(values.get(c, c) for c in columns)
    overriding = " OVERRIDING SYSTEM VALUE" if is_postgres(db) else ""
    db_execute(db, (f"INSERT INTO settlement ({', '.join(columns)}){overriding} SELECT {select} FROM settlement "
                    "WHERE site = ? AND local_id = ?", (seq, setl_id, SITE_A, like_local_id)))


def _results(db: Path | str, local_ids: list[str]) -> dict[str, dict[str, object]]:
    store = open_store(db)
    try:
        central = Central(store)
        env = p.RequestEnvelope(infno=p.ADJUDICATION_RESULTS, msgid="", fixmedins_code=SITE_A, input={})
        now = central.now()
        ctx = Context(site=SITE_A, env=env, now=now, received=p.format_time(now))
        answer = p.loads(adjudication_results(central, ctx, {"data": {"local_ids": local_ids}}))
        return {str(r["local_id"]): r for r in answer["results"]}
    finally:
        store.close()


def test_a_row_that_already_exists_refuses_that_item_only(fresh_db: Fresh) -> None:
    db, _ = fresh_db()
    names = clone_persons(db, 3)
    model = roster()["DEMO990100000001"]
    first = [settlement_item(f"{psn}-0", psn, f"M-{psn}-0", model, HAND_FEES) for psn in names]
    queue_batches(db, [first])
    done = subprocess.run(work_command(db, "--until-empty"), capture_output=True, text=True, cwd=ROOT,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]

    p0, p1, p2 = names
    later = [settlement_item(f"{p0}-1", p0, f"M-{p0}-1", model, HAND_FEES),
             settlement_item(f"{p1}-1", p1, f"M-{p1}-1", model, HAND_FEES),
             settlement_item(f"{p0}-2", p0, f"M-{p0}-2", model, HAND_FEES),
             settlement_item(f"{p2}-1", p2, f"M-{p2}-1", model, HAND_FEES)]
    store = open_store(db)
    try:  # stored as 9511 ack "stored" does, on the same day as the first batch
        moment = ARRIVAL.replace(hour=10)
        env = p.RequestEnvelope(infno=p.BATCH_UPLOAD, msgid=p.make_msgid(SITE_A, moment, 9100),
                                fixmedins_code=SITE_A, input={})
        ctx = Context(site=SITE_A, env=env, now=moment, received=p.format_time(moment))
        with store.transaction():
            batch_upload(Central(store), ctx, {"ack": "stored", "data": later})
    finally:
        store.close()
    number = int(db_rows(db, "SELECT number FROM queued_work WHERE site = ? AND local_id = ?",
                         (SITE_A, f"{p0}-1"))[0][0])
    _plant_settlement(db, f"{p0}-0", number, f"C{moment:%Y%m%d}{number:010d}")

    done = subprocess.run(work_command(db, "--until-empty"), capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)  # before: tried again for ever
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["adjudicated"] == 4
    assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0

    results = _results(db, [f"{p0}-0", f"{p0}-1", f"{p0}-2", f"{p1}-1", f"{p2}-1"])
    refused = results[f"{p0}-1"]
    assert refused["status"] == "rejected" and refused["infcode"] == 9999
    assert refused["err_msg"] == STORE_REFUSED_ERR_MSG
    assert all(results[k]["status"] != "rejected" for k in (f"{p0}-0", f"{p0}-2", f"{p1}-1", f"{p2}-1"))
    # the person's later item starts where the last settled one ended (the refused one left nothing)
    rows = dict(db_rows(db, "SELECT local_id, ytd_before FROM settlement WHERE site = ? AND psn_no = ?",
                        (SITE_A, p0)))
    after = dict(db_rows(db, "SELECT local_id, ytd_after FROM settlement WHERE site = ? AND psn_no = ?",
                         (SITE_A, p0)))
    assert rows[f"{p0}-2"] == after[f"{p0}-0"]
    assert f"{p0}-1" not in rows
