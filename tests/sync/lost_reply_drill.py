"""The lost-reply drills' shared setup (test_sync_lost_reply.py for 2304, test_sync_outpatient_lost_reply.py
for 2207): the fault plan the proxy follows per message, the drill loop that settles one case after
another and lets the next sync finish what waits, the quick retry settings and the online wait.

Imported by module name (``from lost_reply_drill import ...``), never through conftest.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
from collections import Counter
from collections.abc import Callable

from sync_helpers import FAST

from hospital_client.app import sync_usecases as su
from hospital_client.store import LocalDatabase
from hospital_client.sync.client import CentralClient, ClientSettings
from hospital_client.sync.drain import DrainSettings, drain

# A reply that does not come within the online wait is lost.
WAIT = 0.4
INFNO = re.compile(rb'"infno":"(\d{4})"')
MSGID = re.compile(rb'"msgid":"([0-9A-Za-z]{30})"')
MDTRT = re.compile(rb'"mdtrt_id":"([^"]+)"')
_RETRY = {"drop": "drop", "lose": "lose", "late": "lose"}  # what a retry of the same message meets


def quick(attempts: int) -> ClientSettings:
    """Retry settings of a desk on a bad line: ``attempts`` tries, short backoff, 2 s to read a reply."""
    return dataclasses.replace(FAST, attempts=attempts, backoff_initial=0.01, backoff_max=0.02, jitter=0.01,
                               read_timeout=2.0)


def field(pattern: re.Pattern[bytes], body: bytes) -> bytes:
    found = pattern.search(body)
    return found.group(1) if found else b""


def shuffled_fates(drops: int, delays: int, delay: str, seed: int) -> list[str]:
    """The drill's plan: ``drops`` replies dropped and ``delays`` too late (``delay`` seconds), in a
    seeded random order."""
    fates = ["drop"] * drops + [f"delay:{delay}"] * delays
    random.Random(seed).shuffle(fates)
    return fates


class Faults:
    """The proxy's choice per POST: the first ``infno`` message of each case (mdtrt_id) meets its
    planned fault (every retry of that message too); one sent again under a new msgid passes; now and
    then a 5203 reply is dropped as well. ``counts`` tells "INFNO FATE" per message."""

    def __init__(self, infno: bytes, plan: list[str], seed: int) -> None:
        self.infno = infno
        self.plan = plan
        self.random = random.Random(seed)
        self.by_msgid: dict[bytes, str] = {}
        self.cases: set[bytes] = set()
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, body: bytes) -> str:
        infno, msgid = field(INFNO, body), field(MSGID, body)
        with self.lock:
            if msgid in self.by_msgid:
                return _RETRY.get(self.by_msgid[msgid].split(":")[0], "pass")
            fate = "pass"
            if infno == self.infno and (case := field(MDTRT, body)) not in self.cases:
                self.cases.add(case)
                fate = self.plan.pop(0) if self.plan else "pass"
            elif infno == b"5203" and self.random.random() < 0.03:
                fate = "drop"
            self.by_msgid[msgid] = fate
            self.counts[f"{infno.decode()} {fate}"] += 1
            return fate


def settle_each(count: int, settle: Callable[[int], su.OnlineOutcome], db: LocalDatabase,
                client: CentralClient) -> Counter[str]:
    """Settle cases 0..count-1 online one after another; a case not final within the wait is left to
    the next sync (drained at once, as the desk's background sync does), then a last sync. Every sync
    ends with nothing parked; the last with nothing queued. Returns the count of each online state."""
    settings = DrainSettings(result_wait=10, poll_initial=0.02)
    outcomes: Counter[str] = Counter()
    for n in range(count):
        online = settle(n)
        outcomes[online.state] += 1
        if not online.final:
            report = drain(db, client, settings=settings)
            assert report.ok and report.parked == 0, report
    report = drain(db, client, settings=settings)
    assert report.ok and report.parked == 0 and report.still_queued == 0, report
    return outcomes
