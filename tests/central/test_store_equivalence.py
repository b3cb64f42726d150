"""The two stores answer alike: the same messages sent to a server on SQLite and to one on
PostgreSQL get the same answers, byte for byte once the clock's readings are set aside (the
times of answers and records, and the date inside generated ids), and `central report` agrees."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from central_helpers import SITE_A, Client, Server, item, make_request, roster, running_server
from central_stores import new_central_db

from hospital_client import protocol as p

# 2026-12-05 08:47:38 / 2026-12-05T08:47:38+08:00 / 20261205 inside C20261205..., and msgid-based ids
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2})?|(?<=[CRM])\d{8}(?=\d{10})"
                    r"|CENTRAL\d{23}|H99010000001\d{18}")


def _normal(data: Any) -> str:
    return _CLOCK.sub("<clock>", json.dumps(data, ensure_ascii=False, sort_keys=True))


@pytest.fixture(scope="module")
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    with running_server(*_server_args(request, "sqlite", tmp_path_factory)) as lite, \
            running_server(*_server_args(request, "postgresql", tmp_path_factory)) as pg:
        yield [lite, pg]


def _server_args(request: pytest.FixtureRequest, store: str,
                 factory: pytest.TempPathFactory) -> tuple[Path, Path | str, dict[str, str]]:
    tmp = factory.mktemp(f"same-{store}")
    db, secrets = new_central_db(request, store, tmp)
    return tmp, db, secrets


def _conversation(site: Client) -> list[Any]:
    """Online settlements, a reversal, a batch adjudicated at once and one stored, its results,
    accumulators, the roster delta, reconciliation: every answer's output."""
    persons = sorted(roster())[:6]
    out: list[Any] = []
    first = site.call(p.SETTLEMENT, {"data": item("1", make_request(persons[0], "MDT-EQ-1"))})
    out.append(first)
    out.append(site.call(p.SETTLEMENT, {"data": item("2", make_request(persons[0], "MDT-EQ-2"))}))
    out.append(site.call(p.REVERSAL, {"data": {"local_id": "3", "setl_id": first["setl_id"]}}))
    out.append(site.call(p.BATCH_UPLOAD, {"data": [
        item("4", make_request(persons[1], "MDT-EQ-4")),
        {"kind": "settlement", "local_id": "5", "request": {"person": {"psn_no": "NOBODY"}}},
        {"kind": "reversal", "local_id": "6", "reverses_local_id": "4"}]}))
    stored = [item(str(7 + n), make_request(persons[2 + n % 4], f"MDT-EQ-{7 + n}")) for n in range(8)]
    out.append(site.call(p.BATCH_UPLOAD, {"ack": "stored", "data": stored}))
    local_ids = [str(7 + n) for n in range(8)]
    for _ in range(500):
        results = site.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": local_ids, "detail": "full"}})
        if all(r["status"] != "queued" for r in results["results"]):
            break
        time.sleep(0.02)
    out.append(results)
    out.append(site.call(p.ADJUDICATION_RESULTS, {"data": {"cursor": 0, "limit": 500}}))
    out.extend(site.ytd(psn) for psn in persons)
    out.append(site.call(p.ROSTER_DELTA, {"data": {"cursor": 0, "limit": 1000}}))
    out.append(site.call(p.RECON_TOTALS, {"data": {"stmt_begndate": "2026-01-01", "stmt_enddate": "2026-12-31"}}))
    out.append(site.call(p.SITE_RECOVERY, {"data": {"after_local_id": "0", "limit": 200}}))
    return out


def test_the_same_messages_get_the_same_answers_on_both_stores(servers: list[Server]) -> None:
    lite, pg = (_conversation(server.client(SITE_A)) for server in servers)
    assert len(lite) == len(pg)
    for n, (a, b) in enumerate(zip(lite, pg, strict=True)):
        assert _normal(a) == _normal(b), f"answer {n} differs"
    reports = [server.report() for server in servers]
    assert _normal(reports[0]) == _normal(reports[1]) and reports[0]["count"] == 8 + 2 + 1
