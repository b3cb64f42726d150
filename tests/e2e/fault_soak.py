"""Fault soak: three desks of two hospitals (two windows of one sharing its site code) settle, reverse
and sync against the real central system for a while, through a proxy that loses, delays, repeats
and refuses their messages, while the central server, its queue worker process and (on PostgreSQL)
the database server are killed and started again at random. At the end, with everything up, each
desk syncs until nothing is left, and:

- every desk's journal equals the central store (each settlement there once, final at the desk
  with the central figures; each reversal recorded against its settlement);
- no encounter has two settlements in force at the central system;
- each person's year-to-date accumulators are the end of one unbroken chain of what the central
  system applied: every settlement and reversal moves them from its ``ytd_before`` to its
  ``ytd_after``, the chain starts at the figures before the soak and ends at the figures stored;
- the central server's and worker's output hold no name or ID number of the persons settled.

    .venv/bin/python tests/e2e/fault_soak.py [--db sqlite|postgresql] [--seconds 60] [--seed 1]

tests/e2e/test_fault_soak.py runs it briefly on both stores; run it longer by hand before a release.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for helpers in ("central", "sync"):
    if str(HERE.parent / helpers) not in sys.path:
        sys.path.insert(0, str(HERE.parent / helpers))

from central_helpers import SITE_A, SITE_B, db_rows, init_db, roster  # noqa: E402
from pg_cluster import PgCluster, throwaway_cluster  # noqa: E402
from sync_helpers import (  # noqa: E402
    FAST,
    Central,
    FaultProxy,
    assert_consistent,
    desk_request,
    operator,
    pulled_desk,
    site_config,
)

from hospital_client import store  # noqa: E402
from hospital_client.app import sync_usecases as su  # noqa: E402
from hospital_client.errors import HospitalClientError  # noqa: E402
from hospital_client.store import numbering  # noqa: E402
from hospital_client.sync.client import CentralClient  # noqa: E402
from hospital_client.sync.drain import DrainSettings, drain  # noqa: E402
from hospital_client.sync.errors import DrainBusy  # noqa: E402

DESKS = ((SITE_A, 1), (SITE_A, 2), (SITE_B, 1))  # (site, desk number): two windows of hospital A
DRAIN = DrainSettings(batch_size=15, result_wait=5.0, poll_initial=0.02, poll_max=0.2)
# What the proxy does to a message: mostly passes, else one of the faults of a bad network.
FAULTS = ["pass"] * 12 + ["500", "drop", "lose", "twice", "delay:1.5", "late:0.5"]
# What the soak does to the central side now and then.
BLOWS = ("worker", "server", "database")


@dataclasses.dataclass
class Tally:
    settled: int = 0
    reversed: int = 0
    synced: int = 0
    refused: Counter[str] = dataclasses.field(default_factory=Counter)
    blows: Counter[str] = dataclasses.field(default_factory=Counter)
    errors: list[str] = dataclasses.field(default_factory=list)


class Soak:
    def __init__(self, tmp: Path, db: Path | str, cluster: PgCluster | None, seed: int) -> None:
        self.tmp, self.cluster = tmp, cluster
        self.rng = random.Random(seed)
        self.central = Central(tmp, db, init_db(db))  # type: ignore[arg-type,unused-ignore]  # --db may be a URL
        self.tally = Tally()
        self.stop = threading.Event()
        self.lock = threading.Lock()  # the blows and the final checks do not overlap
        self.worker: subprocess.Popen[bytes] | None = None
        self.persons = [p for p in sorted(roster()) if p != "DEMO990100000031"][:24]
        self.before = self._accumulators()

    # --- the central side ----------------------------------------------------------------------

    def _accumulators(self) -> dict[tuple[str, int], str]:
        return {(psn, int(year)): _canonical(ytd)
                for psn, year, ytd in db_rows(self.central.db, "SELECT psn_no, year, ytd FROM accumulator")}

    def start_central(self) -> None:
        self.central.start()
        self.start_worker()

    def start_worker(self) -> None:
        """`central work` beside the server, its output appended to worker.log."""
        with (self.tmp / "worker.log").open("ab") as log:
            self.worker = subprocess.Popen([sys.executable, "-m", "hospital_client.central", "work", "--db",
                                            str(self.central.db)], stdout=log, stderr=subprocess.STDOUT)

    def stop_central(self) -> None:
        if self.worker is not None:
            self.worker.send_signal(signal.SIGTERM)
            self.worker.wait(timeout=30)
            self.worker = None
        self.central.stop()

    def blow(self) -> None:
        """Kill one part of the central side (-9 / immediate) and start it again."""
        what = self.rng.choice(BLOWS if self.cluster is not None else BLOWS[:2])
        with self.lock:
            self.tally.blows[what] += 1
            if what == "worker" and self.worker is not None:
                self.worker.kill()
                self.worker.wait()
                time.sleep(self.rng.uniform(0.0, 1.0))
                self.start_worker()
            elif what == "server" and self.central.proc is not None:
                self.central.proc.kill()
                self.central.proc.wait()
                self.central.proc = None
                time.sleep(self.rng.uniform(0.0, 1.0))
                self.central.start()  # (the same port: the desks hold its URL)
            elif what == "database" and self.cluster is not None:
                self.cluster.stop("immediate")
                time.sleep(self.rng.uniform(0.2, 1.5))
                self.cluster.start()

    def blows(self, every: float) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(every / 2, every * 1.5)):
                self.blow()
        except BaseException:
            self.tally.errors.append("blows: " + traceback.format_exc())
            self.stop.set()

    # --- a desk --------------------------------------------------------------------------------

    def ready_desks(self) -> None:
        for code, number in DESKS:
            folder = self.tmp / f"desk-{code}-{number}"
            folder.mkdir()
            db = pulled_desk(folder, self.central, code)
            if number > 1:
                numbering.set_desk(db, number)
            db.close()

    def client(self, code: str, number: int, url: str | None = None) -> CentralClient:
        site = dataclasses.replace(site_config(self.central, code, url=url), desk=number)
        return CentralClient(site, self.central.secrets[code], settings=FAST, operator="001", operator_name="收费员")

    def desk(self, code: str, number: int, index: int, seed: int) -> None:
        rng = random.Random(seed)
        db = store.open_database(self.tmp / f"desk-{code}-{number}" / "desk.db")
        clerk = operator(db)
        site = dataclasses.replace(site_config(self.central, code), desk=number)
        slots: Counter[str] = Counter()
        settled: list[tuple[int, str, str]] = []  # (local_id, psn_no, mdtrt_id) in force at the desk
        proxy = FaultProxy(self.central.url, secret=self.central.secrets[code],
                           chooser=lambda _body: rng.choice(FAULTS))
        try:
            with proxy, self.client(code, number, proxy.url) as client:
                while not self.stop.is_set():
                    roll = rng.random()
                    try:
                        if roll < 0.55:
                            psn = rng.choice(self.persons)
                            slots[psn] += 1
                            # (a person's stays 2 days apart, the desks' interleaved, within 2026)
                            day = dt.date(2026, 1, 3) + dt.timedelta(days=(6 * slots[psn] + 2 * index) % 330)
                            mdtrt = f"SOAK-{code[-1]}{number}-{psn[-4:]}-{slots[psn]}"
                            online = rng.random() < 0.5
                            outcome = su.settle_online(db, site, clerk, _request(psn, mdtrt, code, day),
                                                       client=client if online else None, wait=1.0)
                            settled.append((outcome.outcome.committed.local_id, psn, mdtrt))
                            self.tally.settled += 1
                        elif roll < 0.65 and settled:
                            local_id, psn, mdtrt = settled.pop(rng.randrange(len(settled)))
                            su.reverse_online(db, clerk, local_id, "重新结算", client=client if rng.random() < 0.5
                                              else None, wait=1.0)
                            self.tally.reversed += 1
                        else:
                            drain(db, client, settings=DRAIN)
                            self.tally.synced += 1
                    except (HospitalClientError, DrainBusy) as exc:
                        self.tally.refused[type(exc).__name__] += 1
        except BaseException:
            self.tally.errors.append(f"desk {code}/{number}: " + traceback.format_exc())
            self.stop.set()
        finally:
            db.close()

    # --- the end -------------------------------------------------------------------------------

    def settle_up(self) -> None:
        """Everything up and no faults: each desk syncs until nothing is left to send or collect."""
        for code, number in DESKS:
            db = store.open_database(self.tmp / f"desk-{code}-{number}" / "desk.db")
            try:
                deadline = time.monotonic() + 180
                with self.client(code, number) as client:
                    while True:
                        report = drain(db, client, settings=DRAIN)
                        if report.ok and report.still_queued == 0:
                            break
                        assert time.monotonic() < deadline, f"{code}/{number}: not all final: {report.to_dict()}"
                        time.sleep(0.2)
                assert_consistent(self.central, db, code, desk=number)
            finally:
                db.close()

    def check_central(self) -> dict[str, int]:
        """No encounter settled twice in force; every person's accumulators one unbroken chain."""
        doubled = db_rows(self.central.db,
                          "SELECT psn_no, mdtrt_id, count(*) FROM settlement s WHERE NOT EXISTS "
                          "(SELECT 1 FROM reversal r WHERE r.setl_id = s.setl_id) "
                          "GROUP BY psn_no, mdtrt_id HAVING count(*) > 1")
        assert not doubled, f"encounters with two settlements in force: {doubled}"
        moves: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for table in ("settlement", "reversal"):
            for psn, year, before, after in db_rows(self.central.db,
                                                    f"SELECT psn_no, year, ytd_before, ytd_after FROM {table}"):
                moves.setdefault((psn, int(year)), []).append((_canonical(before), _canonical(after)))
        after_all = self._accumulators()
        for key, steps in moves.items():
            assert key in after_all, f"{key}: settled but no accumulators stored"
            _assert_chain(key, self.before.get(key), after_all[key], steps)
        return {"settlements": int(db_rows(self.central.db, "SELECT count(*) FROM settlement")[0][0]),
                "reversals": int(db_rows(self.central.db, "SELECT count(*) FROM reversal")[0][0]),
                "persons": len(moves)}

    def check_logs(self) -> None:
        """The central server's and worker's output name no person settled, nor their ID number."""
        people = roster()
        for name in ("server.log", "worker.log"):
            text = (self.tmp / name).read_text(encoding="utf-8", errors="replace")
            assert name != "server.log" or "serving" in text, "the server's output was not kept"
            for psn in self.persons:
                assert people[psn]["certno"] not in text, f"{name} holds an ID number"
                assert people[psn]["psn_name"] not in text, f"{name} holds a name"

    def run(self, seconds: float, every: float) -> dict[str, Any]:
        self.start_central()
        self.ready_desks()
        desks = [threading.Thread(target=self.desk, args=(code, number, i, self.rng.randrange(1 << 30)),
                                  name=f"desk-{code}-{number}") for i, (code, number) in enumerate(DESKS)]
        chaos = threading.Thread(target=self.blows, args=(every,), name="blows")
        for thread in (*desks, chaos):
            thread.start()
        self.stop.wait(seconds)
        self.stop.set()
        for thread in (*desks, chaos):
            thread.join(timeout=120)
            assert not thread.is_alive(), f"{thread.name} did not stop"
        assert not self.tally.errors, "\n".join(self.tally.errors)
        try:
            self.settle_up()
            found = self.check_central()
        finally:
            self.stop_central()
        self.check_logs()
        return {**found, "desk_settled": self.tally.settled, "desk_reversed": self.tally.reversed,
                "syncs": self.tally.synced, "refused_at_desk": dict(self.tally.refused),
                "blows": dict(self.tally.blows)}


def _request(psn: str, mdtrt: str, code: str, day: dt.date) -> dict[str, Any]:
    request = desk_request(psn, mdtrt, site=code, endtime=day.isoformat())
    request["encounter"]["begntime"] = (day - dt.timedelta(days=2)).isoformat()
    return request


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True)


def _assert_chain(key: tuple[str, int], start: str | None, end: str, steps: list[tuple[str, str]]) -> None:
    """The moves (before -> after) form one path from ``start`` to ``end`` using every move once:
    each state is left as often as it is reached (the start once more, the end once less)."""
    balance: Counter[str] = Counter()
    for before, after in steps:
        balance[before] -= 1
        balance[after] += 1
    if start is None:  # no accumulators before the soak: the first move starts from zero
        starts = [s for s, n in balance.items() if n < 0]
        assert len(starts) <= 1, f"{key}: the moves start from {len(starts)} places"
        start = starts[0] if starts else end
    balance[start] += 1
    balance[end] -= 1
    wrong = {state: n for state, n in balance.items() if n}
    assert not wrong, f"{key}: accumulators not one chain of the applied moves: {wrong}"


@contextlib.contextmanager
def central_database(tmp: Path, kind: str) -> Iterator[tuple[Path | str, PgCluster | None]]:
    if kind == "sqlite":
        yield tmp / "central.db", None
        return
    with throwaway_cluster(tmp, durable=True) as cluster:
        yield cluster.create_database("central"), cluster


def soak(tmp: Path, kind: str, seconds: float, seed: int, every: float = 4.0) -> dict[str, Any]:
    with central_database(tmp, kind) as (db, cluster):
        return Soak(tmp, db, cluster, seed).run(seconds, every)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between blows, on average")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fault-soak-") as tmp:
        print(json.dumps(soak(Path(tmp), args.db, args.seconds, args.seed, args.every), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
