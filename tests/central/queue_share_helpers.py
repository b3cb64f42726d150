"""Helpers of the partitioned-worker, queue-upgrade and store-refusal tests: statements run straight on
a central database (committed), `central work --partition` processes, a queue of several persons."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from central_helpers import HAND_FEES, ROOT, is_postgres, roster
from queue_helpers import clone_persons, queue_batches, reversal_item, settlement_item


def db_execute(db: Path | str, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
    """Statements (``?`` placeholders; a string, or the statement and its values) in one committed
    transaction, straight on the database."""
    pairs = [(s, ()) if isinstance(s, str) else s for s in statements]
    if is_postgres(db):
        import psycopg

        with psycopg.connect(str(db)) as pg:  # commits at the end of the block
            for statement, params in pairs:
                pg.execute(statement.replace("?", "%s").encode(), params)
        return
    with contextlib.closing(sqlite3.connect(db, isolation_level=None, timeout=10)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        for statement, params in pairs:
            conn.execute(statement, params)
        conn.execute("COMMIT")


def work_command(db: Path | str, *options: str) -> list[str]:
    return [sys.executable, "-m", "hospital_client.central", "work", "--db", str(db), "--json", *options]


def run_partition(db: Path | str, share: str, *options: str) -> dict[str, Any]:
    """`central work --partition SHARE --until-empty --json`; its JSON."""
    done = subprocess.run(work_command(db, "--partition", share, "--until-empty", *options), capture_output=True,
                          text=True, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_partitions_together(db: Path | str, shares: list[str]) -> list[dict[str, Any]]:
    """One `central work --partition K/N --until-empty` process per share, all at once; their JSON."""
    procs = [subprocess.Popen(work_command(db, "--partition", share, "--until-empty"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for share in shares]
    results = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err[-2000:]
            results.append(dict(json.loads(out.strip().splitlines()[-1])))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return results


def persons_queue(persons: int, per_person: int, prefix: str = "QPSN", *,
                  names: list[str] | None = None) -> list[list[dict[str, Any]]]:
    """Batches in which every person has one settlement each (persons in another order in each batch),
    one reversal and one refused item (an unknown person)."""
    names = names if names is not None else [f"{prefix}{n:08d}" for n in range(persons)]
    model = roster()["DEMO990100000001"]
    batches: list[list[dict[str, Any]]] = []
    for k in range(per_person):
        order = names[k:] + names[:k] if k % 2 == 0 else list(reversed(names))
        batches.append([settlement_item(f"{psn}-{k}", psn, f"M-{psn}-{k}", model, HAND_FEES) for psn in order])
    batches[-1].append(reversal_item(f"{names[0]}-rev", f"{names[0]}-0"))
    batches[0].append(settlement_item("nobody-1", "NOBODY000001", "M-nobody", model, HAND_FEES))
    return batches


def queue_persons(db: Path | str, persons: int = 24, per_person: int = 3) -> list[tuple[str, str]]:
    """``persons`` roster persons, their queue (``persons_queue``) stored as 9511 ack "stored" does."""
    names = clone_persons(db, persons)
    return queue_batches(db, persons_queue(persons, per_person, names=names))
