"""Crash soak: 1,000 SIGKILLs of a committing child at random moments, then the figures.

    .venv/bin/python bench/crash_soak.py [--kills 1000] [--lanes 2] [--dir DIR]

Uses the harness of the crash-safety test (tests/store/crashkit.py, child crash_child.py):
after every kill the database must hold every settlement and reversal the child reported,
exactly once, whole, with its outbox message; accumulators must equal their deltas; the audit
chain and integrity_check must hold. Lanes run side by side, each on its own database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "store"))

import crashkit  # noqa: E402

from hospital_client import store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--lanes", type=int, default=2)
    parser.add_argument("--max-delay", type=float, default=0.06, help="seconds after 'ready' (uniform)")
    parser.add_argument("--dir")
    args = parser.parse_args()

    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="crash-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    template = crashkit.write_template(workdir / "template.json")
    paths = [workdir / f"soak-{lane}.db" for lane in range(args.lanes)]
    for path in paths:
        store.open_database(path, create=True).close()
    per_lane = [args.kills // args.lanes + (1 if i < args.kills % args.lanes else 0) for i in range(args.lanes)]

    started = time.perf_counter()
    with ThreadPoolExecutor(args.lanes) as pool:
        lanes = list(pool.map(
            lambda lane: crashkit.run(paths[lane], template, per_lane[lane], seed=1000 + lane,
                                      max_delay=args.max_delay),
            range(args.lanes)))
    elapsed = time.perf_counter() - started

    kills = sum(f.kills for f in lanes)
    settled = sum(f.reported_settlements for f in lanes)
    reversed_ = sum(f.reported_reversals for f in lanes)
    unreported = sum(f.unreported_commits for f in lanes)
    early = sum(f.kills_before_ready for f in lanes)
    problems = [p for f in lanes for p in f.problems]
    print(f"crash soak: {kills} SIGKILLs in {elapsed:.0f} s ({elapsed / max(kills, 1) * 1000:.0f} ms per kill, "
          f"{args.lanes} lanes), databases in {workdir}")
    print(f"  settlements reported after commit: {settled}; reversals reported: {reversed_}")
    print(f"  committed but killed before the report (kill during/after COMMIT): {unreported}")
    print(f"  kills during start-up or open: {early}")
    print(f"  checks after every kill (present exactly once, whole, outbox, no orphans, accumulators = deltas, "
          f"audit chain, integrity_check): {'all passed' if not problems else f'{len(problems)} FAILED'}")
    for problem in problems[:10]:
        print(f"  ! {problem}")
    return 0 if not problems and kills == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
