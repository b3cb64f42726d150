"""The queue worker's log while its attempts fail (worker_outage.py): a line when an outage begins,
"still unavailable" at most once a minute, a line when it is over; a traceback only for a failure
that is not the database being out of reach, once per outage. (The PostgreSQL crash drill,
tests/sync/test_sync_postgres_crash.py, checks the same in a real server's log.)"""

from __future__ import annotations

import logging

import pytest

from hospital_client.central.store_unavailable import StoreUnavailable
from hospital_client.central.worker_outage import STILL_UNAVAILABLE_EVERY, OutageLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_line_per_outage_then_still_unavailable_once_a_minute_then_back(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outage = OutageLog(logging.getLogger("hospital_client.central.test"), clock=clock)
    caplog.set_level(logging.INFO, logger="hospital_client.central.test")
    outage.succeeded()  # working: nothing to say
    assert caplog.records == []
    for _ in range(150):  # two and a half minutes of failures, one a second
        outage.failed(StoreUnavailable("connection refused"))
        clock.now += 1.0
    assert outage.failing
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert lines[0].startswith("the adjudication queue worker cannot work: StoreUnavailable: connection refused")
    assert all("still unavailable" in line for line in lines[1:])
    assert "(61 attempts in 60 s)" in lines[1] and "(121 attempts in 120 s)" in lines[2]
    assert not any(r.exc_info for r in caplog.records)
    outage.succeeded()
    assert not outage.failing
    back = "the adjudication queue worker is back after 150.0 s (150 failed attempts)"
    assert caplog.records[-1].getMessage() == back
    outage.succeeded()
    assert len(caplog.records) == 4
    # the next outage is logged afresh
    outage.failed(StoreUnavailable("the server closed the connection"))
    assert "cannot work" in caplog.records[-1].getMessage()
    assert STILL_UNAVAILABLE_EVERY == 60.0


def test_another_failure_is_logged_with_its_traceback_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outage = OutageLog(logging.getLogger("hospital_client.central.test"), clock=clock)
    caplog.set_level(logging.INFO, logger="hospital_client.central.test")
    for _ in range(5):
        try:
            raise RuntimeError("a defect")
        except RuntimeError as exc:
            outage.failed(exc)
        clock.now += 1.0
    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert record.levelno == logging.ERROR
