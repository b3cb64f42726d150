"""Benchmark: adjudicating queued settlements with 1, 2 and 4 worker processes (`central work`),
on PostgreSQL and on SQLite, each beside the floor measured in the same run.

    .venv/bin/python bench/central.py [--quick] [--db sqlite|postgresql|both] [--settlements 50000]
                                      [--persons 5000] [--lines 20] [--workers 1,2,4] [--dir DIR]

The queue: N settlements (50,000; ``--quick`` 5,000 and 500 persons) of 20 fee lines each, from
N/10 persons (each person's settlements spread over the batches), stored as 9511 batches of 1,000
acknowledged "stored" (what a desk's drain leaves at the central system; tests/central/queue_helpers.py),
put straight into the database through the 9511 handler's code, not over HTTP (set-up, not timed).
It is made once per store; every worker count then runs on a fresh copy of it (SQLite: a copy of
the file; PostgreSQL: CREATE DATABASE ... TEMPLATE).

Measured: `hospital-client central work --db ... --workers W --until-empty` (W real processes,
each claiming persons' partitions: FOR UPDATE SKIP LOCKED on PostgreSQL, the write transaction
on SQLite); adjudications per second from the first claim that found work to the last commit
(process start-up, a second or so, is left out; it is printed). Only the workers adjudicating the
queued items are timed: not the set-up, the digest or the floor. After each run the outcome
digest (what 9512 answers for every item, and the settlement pages by cursor) must be the same
for every worker count: "results byte-identical" is printed with the digest's first characters.

Floor, same run, same store: the settlement rows the run produced (every column, as stored),
inserted into a plain table of the same columns with no index, trigger or rule, by a binary ``COPY``
on PostgreSQL (as the store itself stores a claim's settlements; the columns of the settlement
table's types and compression, lz4 where the store uses it) and one ``executemany`` on SQLite, in
one transaction: rows per second. Targets:
at least 1,500 adjudications per second with 2 workers, and at least 0.5 x the floor.

PostgreSQL is a throwaway cluster the benchmark starts the way the tests do
(tests/central/pg_cluster.py: Debian's initdb/pg_ctl, fsync off), stopped and removed at the end.
The figures are what this machine gives now, printed as measured, with the target beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "central"))  # the tests' cluster and queue helpers

from central_helpers import SITE_A, init_db  # noqa: E402
from pg_cluster import PgCluster, throwaway_cluster  # noqa: E402
from queue_helpers import clone_persons, digest, queue_batches, run_work, settlement_item  # noqa: E402

from hospital_client import paths  # noqa: E402
from hospital_client.central.open_store import open_store  # noqa: E402
from hospital_client.rules import load_catalog  # noqa: E402

TARGET_RATE, TARGET_RATIO, TARGET_WORKERS = 1500.0, 0.5, 2
BATCH = 1000


def fee_lines(n: int, lines: int, items: list[Any]) -> list[dict[str, Any]]:
    fees = []
    for i in range(lines):
        item = items[(n * 7 + i) % len(items)]
        cnt = 1 + i % 3
        fees.append({"feedetl_sn": str(i + 1), "med_list_codg": item.code, "name": item.name,
                     "pric": f"{item.demo_pric:.2f}", "cnt": str(cnt),
                     "det_item_fee_sumamt": f"{item.demo_pric * cnt:.2f}"})
    return fees


def build_queue(db: Path | str, settlements: int, persons: int, lines: int) -> list[tuple[str, str]]:
    """The queue, in batches of 1,000: round k holds every person's k-th settlement."""
    names = clone_persons(db, persons, prefix="BPSN")
    model = {"psn_name": "基准", "insutype": "310", "psn_type": "11", "insuplc_admdvs": "990100",
             "assistance_group": None, "residence": None}
    store = open_store(db)
    try:
        first = store.find_person(psn_no=names[0])
        assert first is not None
        model = dict(first.data)
    finally:
        store.close()
    items = [i for i in load_catalog(paths.demo_catalog_path()).items.values() if i.demo_pric is not None]
    queue = []
    for n in range(settlements):
        psn = names[n % persons]
        k = n // persons
        queue.append(settlement_item(f"B{n:07d}", psn, f"BM-{psn}-{k}", model, fee_lines(n, lines, items)))
    keys: list[tuple[str, str]] = []
    for start in range(0, settlements, BATCH * 10):
        chunk = queue[start:start + BATCH * 10]
        keys += queue_batches(db, [chunk[i:i + BATCH] for i in range(0, len(chunk), BATCH)], site=SITE_A)
        print(f"\r  queued {min(settlements, start + BATCH * 10)}/{settlements}", end="", flush=True)
    print()
    return keys


class Target:
    """One store: the queued template and a fresh copy of it per run."""

    def __init__(self, kind: str, tmp: Path, cluster: PgCluster | None) -> None:
        self.kind, self.tmp, self.cluster = kind, tmp, cluster
        self.runs = 0
        if cluster is not None:
            self.template: Path | str = cluster.create_database("bench_central_template")
        else:
            self.template = tmp / "template.db"
        init_db(self.template)

    def fresh(self) -> Path | str:
        self.runs += 1
        if self.cluster is not None:
            return self.cluster.create_database(f"bench_central_{self.runs}", template="bench_central_template")
        copy = self.tmp / f"run{self.runs}.db"
        shutil.copyfile(self.template, copy)
        return copy


def settlement_rows(db: Path | str) -> tuple[list[str], list[tuple[Any, ...]], dict[str, tuple[int, str]]]:
    """The settlement rows as stored, and (PostgreSQL) each column's type (oid) and the compression
    its values get when TOASTed ("": the server's default; the store's own choice is lz4, m009)."""
    store: Any = open_store(db)
    try:
        cursor = store.conn.execute("SELECT * FROM settlement ORDER BY seq")
        names = [d[0] for d in cursor.description]
        rows = [tuple(r) for r in cursor.fetchall()]
        storage: dict[str, tuple[int, str]] = {}
        if isinstance(db, str) and db.startswith("postgresql://"):
            found = store.conn.execute("SELECT attname, atttypid::int, attcompression FROM pg_attribute WHERE "
                                       "attrelid = 'settlement'::regclass AND attnum > 0 AND NOT attisdropped")
            storage = {str(n): (int(t), {"p": "pglz", "l": "lz4"}.get(str(c), "")) for n, t, c in found.fetchall()}
        return names, rows, storage
    finally:
        store.close()


def floor_rate(target: Target, columns: list[str], rows: list[tuple[Any, ...]],
               storage: dict[str, tuple[int, str]] | None = None) -> float:
    """Rows per second into a plain table of the same columns, no index, no trigger: COPY / executemany.
    On PostgreSQL a binary COPY (as the store's own), into columns of the settlement table's types,
    each compressed as the settlement table's is: the same work of storing the same values, so that
    the floor is never slower than what the store itself does."""
    names = ", ".join(f'"{c}"' for c in columns)
    if target.cluster is not None:
        import psycopg

        url = target.cluster.create_database(f"bench_floor_{target.runs}")
        kinds = [(storage or {}).get(c, (25, "")) for c in columns]  # (25: text)
        with psycopg.connect(url) as conn:
            types = {oid: str(conn.execute("SELECT format_type(%s, NULL)", (oid,)).fetchall()[0][0])
                     for oid in {oid for oid, _ in kinds}}
            defined = [f'"{c}" {types[oid]}' + (f" COMPRESSION {method}" if method else "")
                       for c, (oid, method) in zip(columns, kinds, strict=True)]
            conn.execute(f"CREATE TABLE plain ({', '.join(defined)})")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cursor, cursor.copy(f"COPY plain ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types([oid for oid, _ in kinds])
                for row in rows:
                    copy.write_row(row)
            conn.commit()
            return len(rows) / (time.perf_counter() - started)
    path = target.tmp / f"floor{target.runs}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"CREATE TABLE plain ({', '.join(f'{c!r}' for c in columns)})")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO plain ({names}) VALUES ({', '.join('?' for _ in columns)})", rows)
        conn.execute("COMMIT")
        return len(rows) / (time.perf_counter() - started)
    finally:
        conn.close()


def run_store(kind: str, tmp: Path, cluster: PgCluster | None, args: argparse.Namespace) -> dict[str, Any]:
    print(f"[{kind}] preparing {args.settlements} queued settlements of {args.lines} fee lines "
          f"from {args.persons} persons ...", flush=True)
    target = Target(kind, tmp, cluster)
    started = time.perf_counter()
    keys = build_queue(target.template, args.settlements, args.persons, args.lines)
    print(f"[{kind}] queue stored in {time.perf_counter() - started:.1f} s", flush=True)
    rates: dict[int, float] = {}
    digests: dict[int, str] = {}
    floor = 0.0
    for workers in args.workers:
        db = target.fresh()
        ran = run_work(db, workers)
        assert ran["adjudicated"] == len(keys), ran
        seconds = max(ran["last_done_at"] - ran["first_claim_at"], 1e-9)
        rates[workers] = ran["adjudicated"] / seconds
        digests[workers] = digest(db, keys)
        if not floor:
            columns, rows, storage = settlement_rows(db)
            floor = floor_rate(target, columns, rows, storage)
            methods = sorted({method for _, method in storage.values() if method})
            how = f", {'/'.join(methods)} as the store's" if methods else ""
            print(f"[{kind}] floor (the {len(rows)} settlement rows by "
                  f"{'binary COPY' if cluster else 'executemany'} into a plain table{how}): {floor:,.0f} rows/s")
        startup = ran["first_claim_at"] - ran["started_at"]
        print(f"[{kind}] {workers} worker(s): {rates[workers]:,.0f} adjudications/s "
              f"({rates[workers] / floor:.2f} x floor; {seconds:.1f} s, start-up {startup:.1f} s, "
              f"per worker {ran.get('per_worker', [ran['adjudicated']])})", flush=True)
    same = len(set(digests.values())) == 1
    print(f"[{kind}] results byte-identical across {', '.join(map(str, args.workers))} workers: "
          f"{'yes' if same else 'NO'} (digest {next(iter(digests.values()))[:16]})")
    if TARGET_WORKERS in rates:
        rate = rates[TARGET_WORKERS]
        met = rate >= TARGET_RATE and rate >= TARGET_RATIO * floor
        print(f"[{kind}] target with {TARGET_WORKERS} workers: >= {TARGET_RATE:,.0f}/s and >= {TARGET_RATIO} x floor: "
              f"{'met' if met else 'NOT met'} ({rate:,.0f}/s, {rate / floor:.2f} x floor)")
    return {"rates": rates, "floor": floor, "identical": same}


@contextlib.contextmanager
def pg(tmp: Path, wanted: bool) -> Iterator[PgCluster | None]:
    if not wanted:
        yield None
        return
    with throwaway_cluster(tmp) as cluster:
        yield cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 settlements from 500 persons")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--settlements", type=int)
    parser.add_argument("--persons", type=int)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed after)")
    args = parser.parse_args(argv)
    args.settlements = args.settlements or (5_000 if args.quick else 50_000)
    args.persons = args.persons or max(1, args.settlements // 10)
    args.workers = [int(w) for w in args.workers.split(",")]
    base = args.dir or Path(tempfile.mkdtemp(prefix="bench-central-"))
    base.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = {}
    try:
        for kind in (("postgresql", "sqlite") if args.db == "both" else (args.db,)):
            tmp = base / kind
            tmp.mkdir(exist_ok=True)
            with pg(tmp, kind == "postgresql") as cluster:
                results[kind] = run_store(kind, tmp, cluster, args)
    finally:
        if args.dir is None:
            shutil.rmtree(base, ignore_errors=True)
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0 if all(r["identical"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
