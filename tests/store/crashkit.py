"""The crash harness shared by tests/store/test_crash_safety.py and bench/crash_soak.py.

A child (crash_child.py, importing only the store) commits settlements in a loop and prints
each local_id after its commit returned; the parent kills it with SIGKILL at a random moment
and then checks the database: every reported entry is there exactly once with its outbox
message, nothing is half-written, the accumulators equal their deltas, the audit chain holds,
and PRAGMA integrity_check is ok.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from store_helpers import computed, load_request

from hospital_client import store

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


@dataclass(slots=True)
class Figures:
    kills: int = 0
    reported_settlements: int = 0
    reported_reversals: int = 0
    unreported_commits: int = 0        # committed but killed before the child could print it
    kills_before_ready: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def write_template(target: Path, lines: int = 20) -> Path:
    request = load_request()
    request["fees"] = request["fees"][:lines]
    request, result, ytd_values, catalog_sha = computed(request)
    ytd = {k: (v if isinstance(v, int) else str(v)) for k, v in ytd_values.items()}
    target.write_text(json.dumps({"request": request, "result": result, "ytd_before": ytd,
                                  "catalog_sha256": catalog_sha}, ensure_ascii=False), encoding="utf-8")
    return target


def _spawn(db_path: Path, template: Path, prefix: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), str(template), prefix],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )


def verify(db_path: Path, settlements: dict[int, str], reversals: dict[int, int]) -> list[str]:
    """Everything the child reported is there exactly once and whole; nothing is half-written."""
    problems: list[str] = []
    db = store.open_database(db_path)
    try:
        report = store.check.check_database(db)
        problems.extend(report.problems)
        conn = db.conn
        rows = dict(conn.execute("SELECT local_id, mdtrt_id FROM settlement WHERE kind = 'settlement'").fetchall())
        for local_id, mdtrt_id in settlements.items():
            if rows.get(local_id) != mdtrt_id:
                problems.append(f"reported settlement {local_id} ({mdtrt_id}) is missing or different")
        doubled = conn.execute(
            "SELECT mdtrt_id, COUNT(*) FROM settlement WHERE kind = 'settlement' GROUP BY mdtrt_id HAVING COUNT(*) > 1"
        ).fetchall()
        if doubled:
            problems.append(f"encounter {doubled[0][0]} settled {doubled[0][1]} times")
        revs = dict(conn.execute("SELECT local_id, reverses_local_id FROM settlement WHERE kind = 'reversal'"))
        for local_id, target in reversals.items():
            if revs.get(local_id) != target:
                problems.append(f"reported reversal {local_id} of {target} is missing")
        outboxed = {r[0] for r in conn.execute("SELECT local_id FROM outbox")}
        missing = (set(settlements) | set(reversals)) - outboxed
        if missing:
            problems.append(f"reported entries without outbox message: {sorted(missing)[:5]}")
    finally:
        db.close()
    return problems


def run(db_path: Path, template: Path, kills: int, *, seed: int = 0, max_delay: float = 0.06,
        startup_share: float = 0.1, check_every: int = 1) -> Figures:
    """``kills`` SIGKILLs at random moments against one database; figures and problems out."""
    rng = random.Random(seed)
    figures = Figures()
    settlements: dict[int, str] = {}
    reversals: dict[int, int] = {}
    started = time.perf_counter()
    for k in range(kills):
        child = _spawn(db_path, template, f"K{seed}-{k}")
        assert child.stdout is not None
        early = rng.random() < startup_share
        if early:
            time.sleep(rng.uniform(0.0, 0.25))          # somewhere in start-up, open or the first commits
        else:
            line = child.stdout.readline()
            if line.strip() != "ready":
                err = child.stderr.read() if child.stderr else ""
                child.kill()
                child.wait()
                figures.problems.append(f"kill {k}: child did not start: {line!r} {err[-500:]}")
                break
            time.sleep(rng.uniform(0.0, max_delay))
        child.send_signal(signal.SIGKILL)
        child.wait()
        out = child.stdout.read()
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
        figures.kills += 1
        if child.returncode != -signal.SIGKILL:
            figures.problems.append(f"kill {k}: child ended by itself with {child.returncode}")
        lines = out.split("\n")
        if early and "ready" not in lines:
            figures.kills_before_ready += 1
        for text in lines[:-1]:                              # the last piece has no newline: ignore it
            parts = text.split()
            if len(parts) == 3 and parts[0] == "S":
                settlements[int(parts[1])] = parts[2]
                figures.reported_settlements += 1
            elif len(parts) == 3 and parts[0] == "R":
                reversals[int(parts[1])] = int(parts[2])
                figures.reported_reversals += 1
        if (k + 1) % check_every == 0 or k == kills - 1:
            problems = verify(db_path, settlements, reversals)
            if problems:
                figures.problems.extend(f"after kill {k}: {p}" for p in problems)
                break
    db = store.open_database(db_path)
    try:
        total = int(db.conn.execute("SELECT COUNT(*) FROM settlement").fetchone()[0])
    finally:
        db.close()
    figures.unreported_commits = total - len(settlements) - len(reversals)
    figures.seconds = time.perf_counter() - started
    return figures
