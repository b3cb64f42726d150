"""`central work --db URL [--workers N] [--partition K/N] [--until-empty] [--json]`: adjudication
worker processes on their own, beside `central serve` (on another host, or more of them on this one).

Each worker process claims persons' partitions of the queue (queue_work.py) on its own
connection. ``--until-empty`` ends when nothing is queued any more (a drain, the benchmark);
otherwise the workers wait for work until SIGTERM or Ctrl-C. With N > 1 the command starts N
processes of itself with ``--workers 1`` and sums their figures. ``--partition K/N``: only the
persons of share K of N are claimed (partitions.py). Batches queued by the version before the
per-person queue are put into their persons' partitions first (queue_upgrade.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from .context import Central
from .partitions import Partition, partitioned
from .queue_upgrade import upgrade_legacy_queue
from .queue_work import WorkerStats, run_worker

MAX_WORKERS = 64


def _work_here(open_store: Callable[[str], Any], db: str, until_empty: bool,
               share: Partition | None = None) -> dict[str, Any]:
    from .cli import CentralInputError

    store = open_store(db)
    try:
        if not store.is_initialised():
            raise CentralInputError(f"--db {db}: the central database is not initialised; run `central init`")
        upgrade_legacy_queue(store)  # batches queued by the version before the per-person queue
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        started = time.time()
        try:
            # (a share of the queue: only its persons claimed, and "empty" when they are done)
            stats = run_worker(Central(partitioned(store, share)), stop, until_empty=until_empty, stats=WorkerStats())
        except KeyboardInterrupt:
            stats = WorkerStats()
        finally:
            signal.signal(signal.SIGTERM, previous)
    finally:
        store.close()
    return {"workers": 1, "partition": None if share is None else str(share),
            "adjudicated": stats.adjudicated, "claims": stats.claims, "started_at": started,
            "first_claim_at": stats.first_claim_at, "last_done_at": stats.last_done_at}


def _work_in_processes(db: str, workers: int, until_empty: bool, share: Partition | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "hospital_client.central", "work", "--db", db, "--workers", "1", "--json"]
    if until_empty:
        command.append("--until-empty")
    if share is not None:
        command.extend(["--partition", str(share)])
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(workers)]

    def forward(signum: int, _frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        outputs = [child.communicate()[0] for child in children]
    except KeyboardInterrupt:
        forward(signal.SIGTERM, None)
        outputs = [child.communicate()[0] for child in children]
    finally:
        signal.signal(signal.SIGTERM, previous)
    failed = [child.returncode for child in children if child.returncode != 0]
    if failed:  # each child said why on stderr (shared with this process)
        return {"failed": len(failed), "exit": failed[0]}
    each = [json.loads(out) for out in outputs]
    firsts = [w["first_claim_at"] for w in each if w["first_claim_at"] is not None]
    lasts = [w["last_done_at"] for w in each if w["last_done_at"] is not None]
    return {"workers": workers, "partition": None if share is None else str(share),
            "adjudicated": sum(w["adjudicated"] for w in each),
            "claims": sum(w["claims"] for w in each), "started_at": min(w["started_at"] for w in each),
            "first_claim_at": min(firsts) if firsts else None, "last_done_at": max(lasts) if lasts else None,
            "per_worker": [w["adjudicated"] for w in each]}


def cmd_work(open_store: Callable[[str], Any], args: argparse.Namespace) -> int:
    from .cli import CentralInputError

    if not 1 <= args.workers <= MAX_WORKERS:
        raise CentralInputError(f"--workers {args.workers}: must be between 1 and {MAX_WORKERS}")
    share = None if args.partition is None else Partition.parse(args.partition)
    # outages, refused writes and the queue conversion, with their time, on stderr (journald under systemd)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.workers == 1:
        result = _work_here(open_store, args.db, args.until_empty, share)
    else:
        store = open_store(args.db)  # a wrong --db is one error line, not N
        try:
            upgrade_legacy_queue(store)  # once, before the processes start
        finally:
            store.close()
        result = _work_in_processes(args.db, args.workers, args.until_empty, share)
        if "failed" in result:
            print(f"{args.central_prog}: error: {result['failed']} of {args.workers} worker processes failed "
                  f"(exit {result['exit']})", file=sys.stderr)
            return int(result["exit"]) if result["exit"] > 0 else 1
    first, last = result["first_claim_at"], result["last_done_at"]
    seconds = (last - first) if first is not None and last is not None else 0.0
    result["seconds"] = round(seconds, 3)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        share_text = "" if share is None else f" of partition {share}"
        print(f"{args.central_prog} work: {result['adjudicated']} queued items{share_text} adjudicated by "
              f"{result['workers']} worker(s) in {seconds:.1f} s")
    return 0


def add_work_command(sub: Any, open_store: Callable[[str], Any],
                     guard: Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]],
                     one_line: Callable[[argparse.ArgumentParser], argparse.ArgumentParser], *,
                     prog: str) -> None:
    """`work` under the central parser's subparsers; ``prog`` the program's name (for the help text)."""
    p = one_line(sub.add_parser("work", help="adjudication worker processes for the queue (9511 ack stored), "
                                             f"beside `{prog} serve`, on this host or another"))
    p.add_argument("--db", required=True, metavar="PATH_OR_URL",
                   help="the central database: postgresql://USER@HOST:PORT/DB, or an SQLite file")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--until-empty", action="store_true", help="stop when nothing is queued (else wait for work "
                                                             "until SIGTERM / Ctrl-C)")
    p.add_argument("--partition", metavar="K/N", help="claim only share K of N of the queued persons (crc32 of "
                                                      "psn_no modulo N is K; K from 0): one worker per share, e.g. "
                                                      "per Citus worker node; --until-empty then ends when the "
                                                      "share is empty")
    p.add_argument("--json", action="store_true")

    def run(args: argparse.Namespace) -> int:
        return cmd_work(open_store, args)

    p.set_defaults(func=guard(run))
