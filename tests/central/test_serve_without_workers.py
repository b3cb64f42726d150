"""`central serve --workers 0`: the server runs no queue worker of its own. A batch stored by 9511
(ack "stored") stays queued, as 9512 says, until a `central work` process adjudicates it; the
results are then those of a server with its own worker. Online messages are still adjudicated at
once. On SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from central_helpers import SITE_A, Client, db_rows, item, make_request, roster, run_cli, start_server, stop_server
from queue_helpers import run_work
from queue_share_helpers import run_partition

from hospital_client import protocol as p
from hospital_client.central.partitions import partition_hash

Fresh = Callable[[], tuple[Path | str, dict[str, str]]]
BATCH = 36


def _batch() -> list[dict[str, Any]]:
    """Settlements of twelve persons, three each (a person's later ones adjusted by the earlier)."""
    persons = sorted(roster())[:12]
    return [item(f"W0-{n + 1}", make_request(persons[n % len(persons)], f"MDT-W0-{n}")) for n in range(BATCH)]


def _results(client: Client, local_ids: list[str]) -> list[dict[str, Any]]:
    return list(client.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": local_ids}})["results"])


def _comparable(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results without what depends on the moment the batch arrived (its day in the ids, times)
    and on its message (the msgid)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "msgid" and not k.endswith(("time", "_at"))}
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, str):
            return re.sub(r"^([A-Z]+)\d{8}(\d{10})$", r"\1-\2", value)
        return value

    return [strip(r) for r in results]


def _upload(client: Client, batch: list[dict[str, Any]]) -> None:
    answer = client.call(p.BATCH_UPLOAD, {"ack": "stored", "data": batch})
    assert answer["queued"] == len(batch)


def _until_final(client: Client, local_ids: list[str]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 120
    while True:
        results = _results(client, local_ids)
        if all(r["status"] != "queued" for r in results):
            return results
        assert time.monotonic() < deadline, "the queue was not adjudicated"
        time.sleep(0.1)


def test_serve_without_workers_leaves_the_queue_to_central_work(fresh_db: Fresh, tmp_path: Path) -> None:
    batch = _batch()
    local_ids = [str(i["local_id"]) for i in batch]
    # The reference: a server with its own queue worker (the default, 1).
    db, secrets = fresh_db()
    proc, port = start_server(db, 0, tmp_path / "reference.log")
    try:
        client = Client(f"http://127.0.0.1:{port}", SITE_A, secrets[SITE_A])
        _upload(client, batch)
        expected = _until_final(client, local_ids)
    finally:
        stop_server(proc)
    assert {r["status"] for r in expected} <= {"accepted", "adjusted"}

    db, secrets = fresh_db()
    log = tmp_path / "server.log"
    proc, port = start_server(db, 0, log, "--workers", "0")
    try:
        assert "(no queue worker: `central work` adjudicates stored batches)" in log.read_text()
        client = Client(f"http://127.0.0.1:{port}", SITE_A, secrets[SITE_A])
        _upload(client, batch)
        for _ in range(10):  # nothing in the server adjudicates it: still all queued a second later
            assert [r["status"] for r in _results(client, local_ids)] == ["queued"] * BATCH
            time.sleep(0.1)
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work") == [(BATCH,)]
        assert db_rows(db, "SELECT COUNT(*) FROM settlement") == [(0,)]

        ran = run_work(db, 1)  # `central work --until-empty` beside the server

        assert ran["adjudicated"] == BATCH
        results = _results(client, local_ids)
        assert "queued" not in {r["status"] for r in results}
        assert _comparable(results) == _comparable(expected)
        # An online settlement is still adjudicated by the server itself, at once.
        online = client.call(p.SETTLEMENT, {"data": item("W0-online", make_request(sorted(roster())[20], "MDT-W0-on"))})
        assert online["setl_id"]
    finally:
        stop_server(proc)


def test_serve_without_workers_leaves_each_share_to_its_partition_process(fresh_db: Fresh, tmp_path: Path) -> None:
    db, secrets = fresh_db()
    batch = _batch()
    share_of = {str(i["local_id"]): partition_hash(str(i["request"]["person"]["psn_no"])) % 2 for i in batch}
    assert set(share_of.values()) == {0, 1}
    proc, port = start_server(db, 0, tmp_path / "server.log", "--workers", "0")
    try:
        client = Client(f"http://127.0.0.1:{port}", SITE_A, secrets[SITE_A])
        _upload(client, batch)
        assert run_partition(db, "0/2")["adjudicated"] == sum(1 for k in share_of.values() if k == 0)
        time.sleep(0.5)  # the server does not take the other share over
        statuses = {r["local_id"]: r["status"] for r in _results(client, list(share_of))}
        assert {local_id for local_id, status in statuses.items() if status == "queued"} == \
            {local_id for local_id, k in share_of.items() if k == 1}
        assert run_partition(db, "1/2")["adjudicated"] == sum(1 for k in share_of.values() if k == 1)
        assert "queued" not in {r["status"] for r in _results(client, list(share_of))}
    finally:
        stop_server(proc)


def test_an_online_settlement_adjudicates_the_queue_before_itself_without_workers(fresh_db: Fresh,
                                                                                  tmp_path: Path) -> None:
    db, secrets = fresh_db()
    batch = _batch()
    proc, port = start_server(db, 0, tmp_path / "server.log", "--workers", "0")
    try:
        client = Client(f"http://127.0.0.1:{port}", SITE_A, secrets[SITE_A])
        _upload(client, batch)
        psn_no = str(batch[-1]["request"]["person"]["psn_no"])
        before = client.call(p.SETTLEMENT, {"data": item("W0-online", make_request(psn_no, "MDT-W0-on"))})
        # As with workers: the queued items were adjudicated first (by the server, for this message).
        assert db_rows(db, "SELECT COUNT(*) FROM queued_work") == [(0,)]
        last = db_rows(db, "SELECT ytd_after FROM settlement WHERE local_id = ?", (str(batch[-1]["local_id"]),))
        assert last and before["setl_id"]
        assert {r["status"] for r in _results(client, [str(i["local_id"]) for i in batch])} <= {"accepted", "adjusted"}
    finally:
        stop_server(proc)


def test_workers_out_of_range_are_one_line(fresh_db: Fresh, capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = fresh_db()
    capsys.readouterr()
    for bad in ("-1", "65"):
        code, out = run_cli("serve", "--db", str(db), "--port", "0", "--workers", bad)
        err = capsys.readouterr().err
        assert code == 2 and out == ""
        assert err.strip().count("\n") == 0 and f"--workers {bad}: must be between 0 and 64" in err
