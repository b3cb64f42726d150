"""Benchmark: draining 10,000 queued settlements (about 20 fee lines each) to the reference
central system on loopback, against its floor, on each central store (SQLite and PostgreSQL).

    .venv/bin/python bench/sync.py [--db sqlite|postgresql|both] [--quick] [--settlements 10000]
                                   [--lines 20] [--batch 500] [--rounds 3] [--dir DIR]

``--quick``: 2,000 settlements (unless --settlements says otherwise), the same lines, in about a
minute for both stores. PostgreSQL: a throwaway cluster started for the run the way the tests
start theirs (tests/central/pg_cluster.py: Debian's binaries, initdb, pg_ctl, fsync off, commits
acknowledged after the WAL write), stopped and removed at the end.

Run it where the OS keyring is usable (the local database is encrypted with a key kept there),
e.g. ``bash scripts/with-test-keyring.sh .venv/bin/python bench/sync.py --quick``.

Measured: one ``sync.drain`` on a desk database holding N committed settlements (journal, fee
lines, outbox; made beforehand with ``usecases.settle``): read each entry back from the
journal, build and sign the 9511 batches, mark them sent, POST them (ack "stored": the central
system answers once a batch is durably stored and adjudicates it in the background, in arrival
order), record the acknowledgements; printed as settlements/s (until the last acknowledgement,
``DrainReport.upload_seconds``). In the last round the same drain then collects every result
(adjudicated by the central system, fetched with 9512, recorded locally as final): the time from
its start until all are final.

Floor, same run, same server, same store: the same payload bytes (the ``input`` of the drain's
batches), POSTed in the same batch sizes, signed the same way, to 9599 (the central system's
benchmark hook, hospital_client/central/bench_sink.py, answered only by a server started with
``central serve --bench-sink``), which authenticates the message and stores the body, nothing
else. The comparison runs ``--rounds`` times (a fresh central database and a fresh copy of the
queued desk each time; the last round also waits for every result) and the median is reported,
so that noise from other programs hits both alike. Targets: at least 0.6 x the floor, and every
result final at the desk within 30 s for 10,000 (the same rate for another N: 30 s x N / 10,000).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "central"))  # the tests' server start and stop

from central_helpers import start_server, stop_server  # noqa: E402
from pg_cluster import PgCluster, throwaway_cluster  # noqa: E402

from hospital_client import app, paths, store  # noqa: E402
from hospital_client import protocol as p  # noqa: E402
from hospital_client.app import usecases  # noqa: E402
from hospital_client.config import SiteConfig  # noqa: E402
from hospital_client.rules import Pack, load_catalog, select_pack  # noqa: E402
from hospital_client.store import caches, operators, upload  # noqa: E402
from hospital_client.sync.client import API_PATH, CentralClient  # noqa: E402
from hospital_client.sync.drain import ACK_STORED, DrainSettings, batch_input_bytes, drain  # noqa: E402

SITE = "H99010000001"
TARGET_RATIO = 0.6
TARGET_FINAL_SECONDS, TARGET_FINAL_FOR = 30.0, 10_000  # every result final within 30 s for 10,000
QUICK_SETTLEMENTS = 2_000


def central(*argv: str) -> str:
    done = subprocess.run([sys.executable, "-m", "hospital_client.central", *argv], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"central {argv[0]}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def queue_settlements(db: store.LocalDatabase, count: int, lines: int) -> None:
    """N settlements of `lines` fee lines each, committed offline (500 per transaction to save time)."""
    roster = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    items = [i for i in load_catalog(paths.demo_catalog_path()).items.values() if i.demo_pric is not None]
    clerk = operators.authenticate(db, "it", "bench-password", via="bench")
    catalog = caches.load_catalog(db)
    packs = caches.load_packs(db)
    pack_of: dict[str, Pack] = {}
    keys = ("psn_no", "psn_name", "certno", "insutype", "psn_type", "insuplc_admdvs", "assistance_group", "residence")
    for start in range(0, count, 500):
        with store.transaction(db):
            for n in range(start, min(count, start + 500)):
                person = roster[n % len(roster)]
                fees = []
                for i in range(lines):
                    item = items[(n * 7 + i) % len(items)]
                    cnt = 1 + i % 3
                    pric = item.demo_pric
                    assert pric is not None
                    fees.append({"feedetl_sn": str(i + 1), "med_list_codg": item.code, "name": item.name,
                                 "pric": f"{pric:.2f}", "cnt": str(cnt), "det_item_fee_sumamt": f"{pric * cnt:.2f}"})
                request = {
                    "person": {k: person.get(k) for k in keys},
                    "encounter": {"mdtrt_id": f"BENCH-{n:06d}", "med_type": "21", "fixmedins_code": SITE,
                                  "hosp_lv": 1 + n % 3, "mdtrtarea_admvs": "990100", "begntime": "2026-03-01",
                                  "endtime": "2026-03-10", "diagnoses": ["E11.900"]},
                    "fees": fees,
                }
                psn_no = str(person["psn_no"])
                if psn_no not in pack_of:  # the pack the desk (and the central system) select for the person
                    pack_of[psn_no] = select_pack(packs, person["insuplc_admdvs"], person["insutype"],
                                                  dt.date(2026, 3, 10))
                usecases.settle(db, clerk, request, pack=pack_of[psn_no], catalog=catalog)
        print(f"\r  queued {min(count, start + 500)}/{count}", end="", flush=True)
    print()


def floor_bodies(db: store.LocalDatabase, batch: int) -> list[bytes]:
    """The drain's batch inputs (same items, same batch sizes: the very ``input`` bytes the drain
    sends, each item a JSON object, not a JSON string holding it) as 9599 envelopes."""
    ids = [m.local_id for m in store.outbox.pending(db)]
    bodies = []
    for k, start in enumerate(range(0, len(ids), batch)):
        input_json = batch_input_bytes(upload.upload_item_bytes(db, ids[start:start + batch]), ACK_STORED)
        msgid = p.make_msgid(SITE, dt.datetime.now(p.CST), 5000 + k)
        bodies.append(p.request_bytes(p.BENCH_SINK, input_json, msgid=msgid, fixmedins_code=SITE))
    return bodies


class CentralTarget:
    """The central databases of one store: an initialised template (demo data and the site), and
    a fresh copy of it for each round."""

    def __init__(self, kind: str, tmp: Path, cluster: PgCluster | None) -> None:
        self.kind, self.tmp, self.cluster = kind, tmp, cluster
        self.rounds = 0
        template: str = str(tmp / "central-template.db") if cluster is None else \
            cluster.create_database("bench_template")
        central("init", "--db", template)
        self.secret = central("site", "add", "--db", template, "--code", SITE, "--name", "基准测试医院").strip() \
            .splitlines()[-1]
        self.template = template

    def fresh(self) -> str:
        """A new central database for a round (a copy of the template); its --db."""
        self.rounds += 1
        if self.cluster is not None:
            return self.cluster.create_database(f"bench_{self.rounds}", template="bench_template")
        for old in self.tmp.glob("central.db*"):
            old.unlink()
        shutil.copyfile(self.template, self.tmp / "central.db")
        return str(self.tmp / "central.db")


def run_round(target: CentralTarget, desk_template: Path, batch: int, *,
              wait_for_results: bool) -> dict[str, float | int]:
    """One comparison on a fresh central database and a fresh copy of the queued desk database."""
    tmp = target.tmp
    for old in tmp.glob("run.db*"):
        old.unlink()
    central_db = target.fresh()
    secret = target.secret
    shutil.copyfile(desk_template, tmp / "run.db")
    db = store.open_database(tmp / "run.db")
    server, port = start_server(central_db, 0, tmp / "server.log", "--bench-sink")
    url = f"http://127.0.0.1:{port}"
    out: dict[str, float | int] = {}
    try:
        # Floor: the same input bytes in the same batch sizes to the store-only endpoint.
        bodies = floor_bodies(db, batch)
        out["payload"], out["batches"] = sum(len(b) for b in bodies), len(bodies)
        with httpx.Client(base_url=url, timeout=120) as http:
            started = time.perf_counter()
            for body in bodies:
                response = http.post(API_PATH, content=body, headers=p.signed_headers(SITE, secret, body))
                if response.status_code != 200:
                    raise SystemExit(f"floor: HTTP {response.status_code}: {response.text[:300]}")
            out["floor_s"] = time.perf_counter() - started
        client = CentralClient(SiteConfig(code=SITE, name="基准测试医院", region="990100", server_url=url), secret)
        # One sync, as a desk runs it: upload everything, then (last round) collect every result.
        started = time.perf_counter()
        report = drain(db, client, settings=DrainSettings(batch_size=batch,
                                                          result_wait=300.0 if wait_for_results else 0.0))
        elapsed = time.perf_counter() - started
        out["drain_s"] = report.upload_seconds  # until the last upload was acknowledged
        out["sent"] = report.sent
        if report.error:
            raise SystemExit(f"drain: {report.error}")
        if wait_for_results:
            out["final_s"] = elapsed
        client.close()
        counts = store.outbox.status_counts(db)
        out.update({k: counts[k] for k in ("accepted", "adjusted", "rejected", "queued", "sent")})
    finally:
        stop_server(server)
        db.close()
    return out


def measure(target: CentralTarget, desk_template: Path, n: int, batch: int, rounds_wanted: int) -> bool:
    """The rounds on one store and their lines; True when both targets are met."""
    name = target.kind
    rounds = []
    for k in range(rounds_wanted):
        r = run_round(target, desk_template, batch, wait_for_results=k == rounds_wanted - 1)
        rounds.append(r)
        ratio = r["floor_s"] / r["drain_s"]
        print(f"[{name}] round {k + 1}: floor {r['floor_s']:.2f} s ({n / r['floor_s']:.0f}/s), "
              f"drain {r['drain_s']:.2f} s ({n / r['drain_s']:.0f}/s), {ratio:.2f} x floor", flush=True)
    final = rounds[-1]
    ratios = sorted(r["floor_s"] / r["drain_s"] for r in rounds)
    median = ratios[len(ratios) // 2]
    drain_s = sorted(r["drain_s"] for r in rounds)[len(rounds) // 2]
    floor_s = sorted(r["floor_s"] for r in rounds)[len(rounds) // 2]
    payload = float(final["payload"])
    print(f"[{name}] payload: {payload / 1e6:.1f} MB in {final['batches']} batches of {batch} "
          f"({payload / n / 1024:.1f} KiB per settlement)")
    print(f"[{name}] floor (9599 store-only, same bytes and batches): {floor_s:6.2f} s  {n / floor_s:8.0f} "
          f"settlements/s   (median of {len(rounds)})")
    print(f"[{name}] drain (9511, acknowledged after a durable store): {drain_s:6.2f} s  {n / drain_s:8.0f} "
          f"settlements/s   median ratio {median:.2f} x floor (rounds: {', '.join(f'{x:.2f}' for x in ratios)}; "
          f"target >= {TARGET_RATIO})")
    finals = int(final["accepted"]) + int(final["adjusted"])
    final_s = float(final["final_s"])
    final_target = TARGET_FINAL_SECONDS * n / TARGET_FINAL_FOR
    print(f"[{name}] all adjudicated and final locally (last round): {final_s:6.2f} s  {n / final_s:8.0f} "
          f"settlements/s   ({finals}/{n} final: {final['accepted']} accepted, {final['adjusted']} adjusted, "
          f"{final['rejected']} rejected; target < {final_target:.1f} s, i.e. "
          f"{TARGET_FINAL_FOR / TARGET_FINAL_SECONDS:.0f}/s)")
    ratio_ok, final_ok = median >= TARGET_RATIO, final_s < final_target and finals == n
    print(f"[{name}] target >= {TARGET_RATIO} x floor: {'met' if ratio_ok else 'NOT met'}; "
          f"all final in < {final_target:.1f} s: {'met' if final_ok else 'NOT met'}", flush=True)
    return ratio_ok and final_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both",
                        help="the central store(s) to measure (default: both)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_SETTLEMENTS} settlements (unless --settlements is given)")
    parser.add_argument("--settlements", type=int)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="floor/drain comparisons (median reported)")
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    n = args.settlements or (QUICK_SETTLEMENTS if args.quick else 10_000)
    stores = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp_name:
        tmp = Path(tmp_name)
        site = SiteConfig(code=SITE, name="基准测试医院", region="990100", server_url="")
        template = tmp / "desk.db"
        db = app.open_desk_for_init(template, site=site, admin=("it", "bench-password")).db
        caches.put_catalog(db, paths.demo_catalog_path().read_bytes(), paths.demo_catalog_path().name,
                           operator="bench")
        caches.put_persons(db, json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"],
                           operator="bench", source="demo roster")
        print(f"preparing {n} settlements of {args.lines} fee lines (committed offline, queued) ...")
        queue_settlements(db, n, args.lines)
        db.close()
        verdicts = {}
        for kind in stores:
            folder = tmp / kind
            folder.mkdir()
            if kind == "sqlite":
                verdicts[kind] = measure(CentralTarget(kind, folder, None), template, n, args.batch, args.rounds)
                continue
            with throwaway_cluster(folder, durable=True) as cluster:
                verdicts[kind] = measure(CentralTarget(kind, folder, cluster), template, n, args.batch,
                                         args.rounds)
        print("targets: " + "; ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in verdicts.items()))
        return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
