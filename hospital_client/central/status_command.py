"""`central status --db URL [--max-lag SECONDS] [--json]`: is the adjudication queue keeping up?

What an operator (or a monitoring system polling it) watches: the items waiting (settlements,
reversals), of how many persons, the batches not yet wholly adjudicated, the oldest item's arrival
and how long it has waited (the lag), the persons workers hold now (SQLite's leases) or the central
system's database sessions (PostgreSQL), and the items refused today. With ``--max-lag`` the exit
code says whether the oldest item has waited longer than that: 0 within it, 1 beyond it (one line
on stderr), so a monitoring check can run the command as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from .. import protocol as p
from ..errors import EXIT_FAILURE
from .store import CentralStore, QueueFigures


def queue_status(store: CentralStore, now: dt.datetime) -> dict[str, Any]:
    """The queue's figures at central time ``now``, with the lag in whole seconds (0: nothing waits)."""
    since = f"{now.astimezone(p.CST):%Y-%m-%d} 00:00:00"
    figures: QueueFigures = store.queue_figures(now.timestamp(), since)
    lag = 0
    if figures.oldest_received_at is not None:
        lag = max(0, int((now - p.parse_time(figures.oldest_received_at)).total_seconds()))
    return {"at": p.format_time(now), "settlements": figures.settlements, "reversals": figures.reversals,
            "items": figures.settlements + figures.reversals, "persons": figures.persons,
            "open_batches": figures.open_batches, "oldest_received_at": figures.oldest_received_at,
            "lag_seconds": lag, "claimed_persons": figures.claimed, "connections": figures.connections,
            "refused_today": figures.refused_since}


def status_text(status: dict[str, Any]) -> str:
    lines = [f"queue at {status['at']}: {status['items']:,} items waiting ({status['settlements']:,} settlements, "
             f"{status['reversals']:,} reversals) of {status['persons']:,} persons; "
             f"{status['open_batches']:,} batches not yet wholly adjudicated"]
    if status["oldest_received_at"] is None:
        lines.append("nothing waits")
    else:
        lines.append(f"oldest waiting since {status['oldest_received_at']} (lag {status['lag_seconds']:,} s)")
    if status["claimed_persons"] is not None:
        lines.append(f"persons held by workers now: {status['claimed_persons']:,}")
    if status["connections"] is not None:
        lines.append(f"the central system's other database sessions now: {status['connections']:,}")
    lines.append(f"items refused today: {status['refused_today']:,}")
    return "\n".join(lines)


def cmd_status(open_store: Callable[[str], Any], args: argparse.Namespace) -> int:
    from .cli import CentralInputError

    if args.max_lag is not None and args.max_lag < 0:
        raise CentralInputError(f"--max-lag {args.max_lag}: should be 0 or more seconds")
    store = open_store(args.db)
    try:
        if not store.is_initialised():
            raise CentralInputError(f"--db {args.db}: the central database is not initialised; run `central init`")
        status = queue_status(store, dt.datetime.fromtimestamp(time.time(), p.CST))
    finally:
        store.close()
    late = args.max_lag is not None and status["lag_seconds"] > args.max_lag
    status["max_lag_seconds"] = args.max_lag
    status["within_max_lag"] = None if args.max_lag is None else not late
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        print(status_text(status))
    if late:
        print(f"{args.central_prog} status: the oldest queued item has waited {status['lag_seconds']:,} s, "
              f"more than --max-lag {args.max_lag:,}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def add_status_command(sub: Any, open_store: Callable[[str], Any],
                       guard: Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]],
                       one_line: Callable[[argparse.ArgumentParser], argparse.ArgumentParser]) -> None:
    """`status` under the central parser's subparsers."""
    p_ = one_line(sub.add_parser("status", help="is the adjudication queue keeping up? items waiting, the oldest's "
                                                "lag, workers, refusals today (exit 1 past --max-lag)"))
    p_.add_argument("--db", required=True, metavar="PATH_OR_URL",
                    help="the central database: postgresql://USER@HOST:PORT/DB, or an SQLite file")
    p_.add_argument("--max-lag", type=int, metavar="SECONDS",
                    help="exit 1 when the oldest queued item has waited longer than this")
    p_.add_argument("--json", action="store_true")

    def run(args: argparse.Namespace) -> int:
        return cmd_status(open_store, args)

    p_.set_defaults(func=guard(run))
