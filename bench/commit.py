"""Benchmark: committing one settlement of 500 fee lines, against its floor.

    .venv/bin/python bench/commit.py [--runs N] [--dir DIR]

Measured: ``store.journal.record_settlement`` — header with request and result JSON, 500 fee
lines, state row, accumulator delta and running total, outbox message and event, audit entry,
in ONE transaction on a database opened by ``store.open_database`` (WAL, synchronous=FULL).
The serialisation of the request and result is inside the measured time.

Floor, same run, same disk: raw ``sqlite3`` inserts of the same rows (already serialised) into
an identical schema, one transaction, the same pragmas. Runs alternate between the two so that
disk noise hits both alike; each figure is the median. Target: store <= 1.5 x floor.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hospital_client import paths  # noqa: E402
from hospital_client.rules import load_catalog, load_pack_dir, parse_request, select_pack, settle  # noqa: E402
from hospital_client.store import audit, journal, open_database  # noqa: E402
from hospital_client.store.accumulators import delta_between  # noqa: E402
from hospital_client.store.money import money_text  # noqa: E402
from hospital_client.store.schema import ACCUMULATOR_KEYS, SETLINFO_COLUMNS  # noqa: E402

LINES = 500


def build_request(lines: int) -> dict[str, Any]:
    base = json.loads((paths.demo_dir() / "requests" / "req_dibao_large.json").read_text(encoding="utf-8"))
    catalog = load_catalog(paths.demo_catalog_path())
    codes = [item for item in catalog.items.values() if item.demo_pric is not None]
    fees = []
    for i in range(lines):
        item = codes[i % len(codes)]
        cnt = 1 + i % 7
        pric = item.demo_pric
        assert pric is not None
        fees.append({"feedetl_sn": f"{i + 1:05d}", "med_list_codg": item.code, "name": item.name,
                     "pric": f"{pric:.2f}", "cnt": str(cnt), "det_item_fee_sumamt": f"{pric * cnt:.2f}"})
    base["fees"] = fees
    return base


def floor_rows(new: journal.NewSettlement, local_id: int, mdtrt_id: str) -> dict[str, Any]:
    """The rows record_settlement writes, serialised in advance (the floor only inserts)."""
    request = dict(new.request)
    request["encounter"] = {**request["encounter"], "mdtrt_id": mdtrt_id}
    person, enc, setl = request["person"], request["encounter"], new.result["setlinfo"]
    stamp = "2026-11-20T10:00:00.000000+08:00"
    header = (
        local_id, f"20261120-{local_id:06d}", "settlement", None, person["psn_no"], "9901**********0000", "x*",
        person["insutype"], person["insuplc_admdvs"], mdtrt_id, enc["med_type"], enc["fixmedins_code"], 2026,
        enc["endtime"], "demo", "1", "0" * 64, "0" * 64, "request", len(request["fees"]),
        *(setl[c] for c in SETLINFO_COLUMNS),
        journal.compact_json(journal._without_fees(request)), journal.compact_json(journal._without_fees(new.result)),
        "", "demo", stamp, "2026-11-20",
    )
    lines = journal._line_rows(local_id, request, new.result)
    delta = delta_between(new.ytd_before, new.result["year_to_date_after"])
    dvals = [int(delta["admissions"])] + [money_text(delta[k]) for k in ACCUMULATOR_KEYS[1:]]
    return {
        "header": header, "lines": lines, "state": (local_id, "provisional", stamp, ""),
        "delta": (local_id, person["psn_no"], 2026, *dvals),
        "total": (person["psn_no"], 2026, *dvals, local_id, stamp),
        "outbox": (local_id, "2304", f"H99010000001{local_id:018d}", stamp, stamp),
        "audit": (local_id, stamp, "demo", "settle", f"settlement:{local_id}", '{"lines":500}', "0" * 64, "1" * 64),
    }


def floor_commit(conn: sqlite3.Connection, rows: dict[str, Any]) -> None:
    cols = len(rows["header"])
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f"INSERT INTO settlement VALUES ({', '.join('?' * cols)})", rows["header"])
    conn.executemany(f"INSERT INTO fee_line VALUES ({', '.join('?' * 16)})", rows["lines"])
    conn.execute("INSERT INTO settlement_state (local_id, state, at, note) VALUES (?,?,?,?)", rows["state"])
    conn.execute(f"INSERT INTO accumulator_delta VALUES ({', '.join('?' * len(rows['delta']))})", rows["delta"])
    n = len(rows["total"])
    conn.execute(
        f"INSERT INTO accumulator VALUES ({', '.join('?' * n)}) ON CONFLICT (psn_no, year) DO UPDATE SET "
        "admissions = excluded.admissions, last_local_id = excluded.last_local_id", rows["total"])
    cur = conn.execute("INSERT INTO outbox (local_id, infno, msgid, status, attempts, last_error, created_at, "
                       "updated_at) VALUES (?, ?, ?, 'queued', 0, '', ?, ?)", rows["outbox"])
    conn.execute("INSERT INTO outbox_event (outbox_id, status, at, detail) VALUES (?, 'queued', ?, '')",
                 (cur.lastrowid, rows["outbox"][3]))
    conn.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)", rows["audit"])
    conn.execute("COMMIT")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dir", help="directory for the two databases (default: a temp dir under /tmp)")
    args = parser.parse_args()

    request = build_request(LINES)
    parsed = parse_request(request)
    pack = select_pack(load_pack_dir(paths.policies_dir()), parsed.person.insuplc_admdvs, parsed.person.insutype,
                       parsed.encounter.endtime)
    catalog = load_catalog(paths.demo_catalog_path())
    result = settle(parsed, pack, catalog)
    assert parsed.year_to_date is not None
    ytd_before = parsed.year_to_date.model_dump()

    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-commit-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store_db = open_database(workdir / "store.db", create=True)
    floor_setup = open_database(workdir / "floor.db", create=True)  # the identical schema
    floor_setup.close()
    floor = sqlite3.connect(workdir / "floor.db", isolation_level=None)
    for pragma in ("busy_timeout = 5000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
        floor.execute(f"PRAGMA {pragma}")
    for pragma in ("journal_mode", "synchronous", "foreign_keys"):
        a = store_db.conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        b = floor.execute(f"PRAGMA {pragma}").fetchone()[0]
        assert a == b, (pragma, a, b)

    floor_data = [floor_rows(journal.NewSettlement(request, result.to_dict(), ytd_before, "request", "0" * 64, "demo"),
                             i, f"BENCH-{i}") for i in range(1, args.runs + 6)]
    store_times: list[float] = []
    floor_times: list[float] = []
    for i in range(args.runs + 5):
        data = dict(request)
        data["encounter"] = {**request["encounter"], "mdtrt_id": f"BENCH-{i}"}
        new = journal.NewSettlement(data, result.to_dict(), ytd_before, "request", catalog.sha256, "demo")
        t0 = time.perf_counter()
        journal.record_settlement(store_db, new)
        t1 = time.perf_counter()
        floor_commit(floor, floor_data[i])
        t2 = time.perf_counter()
        if i >= 5:  # warm-up
            store_times.append(t1 - t0)
            floor_times.append(t2 - t1)
    check_audit = audit.verify(store_db)
    store_db.close()
    floor.close()

    s, f = statistics.median(store_times), statistics.median(floor_times)
    print(f"commit of one settlement with {LINES} fee lines, WAL + synchronous=FULL, {args.runs} runs each, median")
    print(f"  store.record_settlement (journal+lines+accumulators+outbox+audit): {s * 1000:8.2f} ms")
    print(f"  floor: raw sqlite3 inserts of the same rows, same pragmas:          {f * 1000:8.2f} ms")
    print(f"  ratio store/floor: {s / f:.2f}  (target <= 1.5)")
    print(f"  p90 store {statistics.quantiles(store_times, n=10)[-1] * 1000:.2f} ms, "
          f"p90 floor {statistics.quantiles(floor_times, n=10)[-1] * 1000:.2f} ms; audit chain intact: "
          f"{check_audit.intact}; databases in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
