"""`central status`: the queue's figures an operator watches (items waiting, persons, open batches,
the oldest item's lag, workers' holds or database sessions, refusals today) and ``--max-lag``'s exit
code for a monitoring check, on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from central_helpers import db_rows, item, make_request, roster, run_cli
from queue_helpers import ARRIVAL, queue_batches, run_work

from hospital_client.central.cli import main as central_main
from hospital_client.central.open_store import open_store
from hospital_client.central.status_command import queue_status

FreshDb = Callable[[], tuple[Path | str, dict[str, str]]]


def _items() -> list[dict[str, Any]]:
    """Nine settlements of three persons, and one of a person the roster does not know (refused)."""
    persons = sorted(roster())[:3]
    items = [item(f"ST-{n}", make_request(persons[n % 3], f"MDT-ST-{n}")) for n in range(9)]
    unknown = make_request(persons[0], "MDT-ST-X")
    unknown["person"]["psn_no"] = "NO-SUCH-PERSON"
    return [*items, item("ST-X", unknown)]


def _status(db: Path | str, *args: str) -> tuple[int, dict[str, Any], str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, out = run_cli("status", "--db", str(db), "--json", *args)
    return code, json.loads(out), err.getvalue()


def test_status_follows_the_queue_and_says_when_it_lags(fresh_db: FreshDb) -> None:
    db, _ = fresh_db()
    batch = _items()
    queue_batches(db, [batch[:5], batch[5:]])

    code, status, err = _status(db, "--max-lag", "60")
    # (the batches arrived on ARRIVAL, months ago: far past any lag allowed)
    assert code == 1 and status["within_max_lag"] is False and "--max-lag 60" in err
    assert (status["settlements"], status["reversals"], status["items"]) == (10, 0, 10)
    assert status["persons"] == 4 and status["open_batches"] == 2
    assert status["oldest_received_at"] == "2026-03-20 09:00:00" and status["lag_seconds"] > 60 * 86400

    # The figures at a chosen moment: the lag from then, today's refusals (none yet).
    store = open_store(db)
    try:
        later = queue_status(store, ARRIVAL + dt.timedelta(minutes=5))
        if isinstance(db, Path):
            assert later["claimed_persons"] == 0 and later["connections"] is None
            assert store.lease_person("test-holder", 30.0) is not None  # a worker holds a person
            assert queue_status(store, ARRIVAL)["claimed_persons"] == 1
            store.release_lease(*db_rows(db, "SELECT psn_no, lease_holder FROM queued_person "
                                             "WHERE lease_holder != ''")[0])
        else:
            assert later["claimed_persons"] is None and later["connections"] >= 0
    finally:
        store.close()
    assert later["lag_seconds"] == 300 and later["refused_today"] == 0

    assert run_work(db, 1)["adjudicated"] == 10
    code, status, err = _status(db, "--max-lag", "60")
    assert code == 0 and status["within_max_lag"] is True and err == ""
    assert (status["items"], status["persons"], status["open_batches"], status["lag_seconds"]) == (0, 0, 0, 0)
    assert status["oldest_received_at"] is None
    store = open_store(db)
    try:  # the unknown person's item was refused on the day its batch arrived
        assert queue_status(store, ARRIVAL + dt.timedelta(hours=1))["refused_today"] == 1
        assert queue_status(store, ARRIVAL + dt.timedelta(days=1))["refused_today"] == 0
    finally:
        store.close()


def test_status_text_and_bad_input(fresh_db: FreshDb, tmp_path: Path) -> None:
    db, _ = fresh_db()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert central_main(["status", "--db", str(db)]) == 0
    assert "0 items waiting" in out.getvalue() and "nothing waits" in out.getvalue()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert central_main(["status", "--db", str(db), "--max-lag", "-5"]) == 2
        assert central_main(["status", "--db", str(tmp_path / "none.db")]) == 2
    assert "--max-lag -5" in err.getvalue() and "none.db" in err.getvalue()
