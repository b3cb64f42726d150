"""Benchmark: committing one settlement of 500 fee lines, encrypted and plaintext, against its floor.

    bash scripts/with-test-keyring.sh .venv/bin/python bench/commit.py [--runs N] [--dir DIR]

(The encrypted database's key lives in the OS keyring: run it in a desktop session, or inside
the throwaway keyring of scripts/with-test-keyring.sh as above.)

Measured: ``store.journal.record_settlement`` — header with request and result JSON, 500 fee
lines, state row, accumulator delta and running total, outbox message and event, audit entry,
in ONE transaction on a database opened by ``store.open_database`` (WAL, synchronous=FULL).
The serialisation of the request and result is inside the measured time.

The same commit on a plaintext database (as an older version made it), and the floor, same
run, same disk: raw ``sqlite3`` inserts of the same rows (already serialised) into an identical
schema, one transaction, the same pragmas (and the same raw inserts on an encrypted file, to
show what SQLCipher itself costs). Runs interleave, alternating the order, so that disk noise
hits all alike; each figure is the median. Targets: encrypted store <= 1.3 x plaintext store;
store <= 1.5 x floor.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hospital_client import paths  # noqa: E402
from hospital_client.rules import load_catalog, load_pack_dir, parse_request, select_pack, settle  # noqa: E402
from hospital_client.store import LocalDatabase, audit, journal, open_database  # noqa: E402
from hospital_client.store.accumulators import delta_between  # noqa: E402
from hospital_client.store.connection import raw_connection  # noqa: E402
from hospital_client.store.money import money_text  # noqa: E402
from hospital_client.store.opening import PlaintextDatabaseWarning  # noqa: E402
from hospital_client.store.schema import ACCUMULATOR_KEYS, SETLINFO_COLUMNS, migrations  # noqa: E402

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
    split = journal._line_rows(local_id, request, new.result)
    lines = sorted([(*row, None, None, None) for row in split.plain] + split.overridden, key=lambda row: row[1])
    delta = delta_between(new.ytd_before, new.result["year_to_date_after"])
    dvals = [int(delta["admissions"])] + [money_text(delta[k]) for k in ACCUMULATOR_KEYS[1:]]
    return {
        "header": header, "lines": lines, "state": (local_id, "provisional", stamp, ""),
        "delta": (local_id, person["psn_no"], 2026, *dvals),
        "total": (person["psn_no"], 2026, *dvals, local_id, stamp),
        "outbox": (local_id, "2304", f"H99010000001{local_id:018d}", stamp, stamp),
        "audit": (local_id, stamp, "demo", "settle", f"settlement:{local_id}", '{"lines":500}', "0" * 64, "1" * 64),
    }


def floor_commit(conn: Any, rows: dict[str, Any]) -> None:
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


def _plaintext_store(path: Path) -> LocalDatabase:
    """The same store code on a plaintext database (as an older version made it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations().apply(Database(conn, execute_plugins=False))
    conn.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlaintextDatabaseWarning)
        return open_database(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dir", help="directory for the databases (default: a temp dir under /tmp)")
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
    encrypted_db = open_database(workdir / "store-encrypted.db", create=True)   # a new database: encrypted
    plain_db = _plaintext_store(workdir / "store-plain.db")
    assert encrypted_db.encrypted and not plain_db.encrypted
    floor_setup = open_database(workdir / "floor-encrypted.db", create=True)    # the identical schema
    floor_enc = raw_connection(workdir / "floor-encrypted.db")                  # the same key, raw inserts
    floor_setup.close()
    _plaintext_store(workdir / "floor.db").close()
    floor = sqlite3.connect(workdir / "floor.db", isolation_level=None)
    for conn in (floor, floor_enc):
        for pragma in ("busy_timeout = 5000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
            conn.execute(f"PRAGMA {pragma}")
    for pragma in ("journal_mode", "synchronous", "foreign_keys", "page_size"):
        values = {str(c.execute(f"PRAGMA {pragma}").fetchone()[0])
                  for c in (encrypted_db.conn, plain_db.conn, floor, floor_enc)}
        assert len(values) == 1, (pragma, values)

    floor_data = [floor_rows(journal.NewSettlement(request, result.to_dict(), ytd_before, "request", "0" * 64, "demo"),
                             i, f"BENCH-{i}") for i in range(1, args.runs + 6)]
    times: dict[str, list[float]] = {"enc": [], "plain": [], "floor": [], "floor_enc": []}

    result_dict = result.to_dict()
    settlements = []
    for i in range(args.runs + 5):
        data = dict(request)
        data["encounter"] = {**request["encounter"], "mdtrt_id": f"BENCH-{i}"}
        settlements.append(journal.NewSettlement(data, result_dict, ytd_before, "request", catalog.sha256, "demo"))

    def store_commit(db: LocalDatabase, i: int) -> None:
        journal.record_settlement(db, settlements[i])

    steps: list[tuple[str, Callable[[int], None]]] = [
        ("enc", lambda i: store_commit(encrypted_db, i)),
        ("plain", lambda i: store_commit(plain_db, i)),
        ("floor", lambda i: floor_commit(floor, floor_data[i])),
        ("floor_enc", lambda i: floor_commit(floor_enc, floor_data[i])),
    ]
    for i in range(args.runs + 5):
        order = steps if i % 2 == 0 else steps[::-1]  # alternate the order: disk noise hits all alike
        for name, step in order:
            t0 = time.perf_counter()
            step(i)
            if i >= 5:  # warm-up
                times[name].append(time.perf_counter() - t0)
    check_audit = audit.verify(encrypted_db)
    for db in (encrypted_db, plain_db):
        db.close()
    floor.close()
    floor_enc.close()

    med = {k: statistics.median(v) for k, v in times.items()}
    p90 = {k: statistics.quantiles(v, n=10)[-1] for k, v in times.items()}
    print(f"commit of one settlement with {LINES} fee lines, WAL + synchronous=FULL, {args.runs} runs each, "
          "median (p90)")
    print(f"  store.record_settlement, ENCRYPTED database (SQLCipher): {med['enc'] * 1000:8.2f} ms "
          f"({p90['enc'] * 1000:.2f})")
    print(f"  store.record_settlement, plaintext database:             {med['plain'] * 1000:8.2f} ms "
          f"({p90['plain'] * 1000:.2f})")
    print(f"  floor: raw sqlite3 inserts of the same rows, plaintext:  {med['floor'] * 1000:8.2f} ms "
          f"({p90['floor'] * 1000:.2f})")
    print(f"  floor: the same raw inserts on an encrypted file:        {med['floor_enc'] * 1000:8.2f} ms "
          f"({p90['floor_enc'] * 1000:.2f})")
    print(f"  ratio encrypted/plaintext store: {med['enc'] / med['plain']:.2f}  (target <= 1.3)")
    print(f"  ratio encrypted store/raw sqlite3 floor: {med['enc'] / med['floor']:.2f}; plaintext store/floor: "
          f"{med['plain'] / med['floor']:.2f}  (target <= 1.5); encrypted floor/floor: "
          f"{med['floor_enc'] / med['floor']:.2f}")
    print(f"  audit chain intact: {check_audit.intact}; databases in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
