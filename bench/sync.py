"""Benchmark: draining 10,000 queued settlements (about 20 fee lines each) to the reference
central system on loopback, against its floor.

    .venv/bin/python bench/sync.py [--settlements 10000] [--lines 20] [--batch 500] [--dir DIR]

Run it where the OS keyring is usable (the local database is encrypted with a key kept there),
e.g. ``bash scripts/with-test-keyring.sh .venv/bin/python bench/sync.py``.

Measured: ``sync.drain`` on a desk database holding N committed settlements (journal, fee
lines, outbox; made beforehand with ``usecases.settle``): read each entry back from the
journal, build and sign the 9511 batches, mark them sent, POST them (ack "stored": the central
system answers once a batch is durably stored and adjudicates it in the background, in arrival
order), record the acknowledgements. Printed as settlements/s, and then the time until every
result (adjudicated by the central system, fetched with 9512, recorded locally as final) is in.

Floor, same run, same server: the same payload bytes (the ``input`` of the drain's batches),
POSTed in the same batch sizes, signed the same way, to 9599 (the central system's benchmark hook,
hospital_client/central/bench_sink.py), which authenticates the message and stores the body,
nothing else. The comparison runs ``--rounds`` times (a fresh central database and a fresh copy
of the queued desk each time; the last round also waits for every result) and the median is
reported, so that noise from other programs hits both alike. Target: all N
drained in under 60 s, at least 0.5 x the floor.
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

from central_helpers import free_port, start_server, stop_server  # noqa: E402

from hospital_client import app, paths, store  # noqa: E402
from hospital_client import protocol as p  # noqa: E402
from hospital_client.app import usecases  # noqa: E402
from hospital_client.config import SiteConfig  # noqa: E402
from hospital_client.rules import Pack, load_catalog, select_pack  # noqa: E402
from hospital_client.store import caches, operators, upload  # noqa: E402
from hospital_client.sync.client import API_PATH, CentralClient  # noqa: E402
from hospital_client.sync.drain import ACK_STORED, DrainSettings, drain, upload_item  # noqa: E402

SITE = "H99010000001"
TARGET_SECONDS, TARGET_RATIO = 60.0, 0.5


def central(*argv: str) -> str:
    done = subprocess.run([sys.executable, "-m", "hospital_client.central", *argv], capture_output=True, text=True,
                          cwd=ROOT, check=True)
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
    """The drain's batch inputs (same items, same batch sizes) as 9599 envelopes."""
    ids = [m.local_id for m in store.outbox.pending(db)]
    bodies = []
    for k, start in enumerate(range(0, len(ids), batch)):
        items = [upload_item(s) for s in upload.upload_sources(db, ids[start:start + batch])]
        msgid = p.make_msgid(SITE, dt.datetime.now(p.CST), 5000 + k)
        bodies.append(p.dumps(p.build_request(p.BENCH_SINK, {"ack": ACK_STORED, "data": items}, msgid=msgid,
                                              fixmedins_code=SITE)))
    return bodies


def run_round(tmp: Path, desk_template: Path, batch: int, *, wait_for_results: bool) -> dict[str, float | int]:
    """One comparison on a fresh central database and a fresh copy of the queued desk database."""
    for old in tmp.glob("central.db*"):
        old.unlink()
    for old in tmp.glob("run.db*"):
        old.unlink()
    central_db = tmp / "central.db"
    central("init", "--db", str(central_db))
    secret = central("site", "add", "--db", str(central_db), "--code", SITE, "--name", "基准测试医院").strip() \
        .splitlines()[-1]
    shutil.copyfile(desk_template, tmp / "run.db")
    db = store.open_database(tmp / "run.db")
    port = free_port()
    server = start_server(central_db, port, tmp / "server.log")
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
        started = time.perf_counter()
        first = drain(db, client, settings=DrainSettings(batch_size=batch, result_wait=0.0))
        out["drain_s"] = time.perf_counter() - started
        out["sent"] = first.sent
        if first.error:
            raise SystemExit(f"drain: {first.error}")
        if wait_for_results:
            rest = drain(db, client, settings=DrainSettings(batch_size=batch, result_wait=300.0))
            out["final_s"] = time.perf_counter() - started
            if rest.error:
                raise SystemExit(f"drain (results): {rest.error}")
        client.close()
        counts = store.outbox.status_counts(db)
        out.update({k: counts[k] for k in ("accepted", "adjusted", "rejected", "queued", "sent")})
    finally:
        stop_server(server)
        db.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settlements", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="floor/drain comparisons (median reported)")
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    n = args.settlements
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
        rounds = []
        for k in range(args.rounds):
            last = k == args.rounds - 1
            r = run_round(tmp, template, args.batch, wait_for_results=last)
            rounds.append(r)
            ratio = r["floor_s"] / r["drain_s"]
            print(f"round {k + 1}: floor {r['floor_s']:.2f} s ({n / r['floor_s']:.0f}/s), drain {r['drain_s']:.2f} s "
                  f"({n / r['drain_s']:.0f}/s), {ratio:.2f} x floor")
        final = rounds[-1]
        ratios = sorted(r["floor_s"] / r["drain_s"] for r in rounds)
        median = ratios[len(ratios) // 2]
        drain_s = sorted(r["drain_s"] for r in rounds)[len(rounds) // 2]
        floor_s = sorted(r["floor_s"] for r in rounds)[len(rounds) // 2]
        payload = float(final["payload"])
        print(f"payload: {payload / 1e6:.1f} MB in {final['batches']} batches of {args.batch} "
              f"({payload / n / 1024:.1f} KiB per settlement)")
        print(f"floor (9599 store-only, same bytes and batches): {floor_s:6.2f} s  {n / floor_s:8.0f} settlements/s"
              f"   (median of {len(rounds)})")
        print(f"drain (9511, acknowledged after a durable store): {drain_s:6.2f} s  {n / drain_s:8.0f} settlements/s"
              f"   median ratio {median:.2f} x floor (rounds: {', '.join(f'{x:.2f}' for x in ratios)}; "
              f"target >= {TARGET_RATIO})")
        finals = int(final["accepted"]) + int(final["adjusted"])
        print(f"all adjudicated and final locally (last round): {final['final_s']:6.2f} s "
              f"{n / final['final_s']:8.0f} settlements/s  ({finals}/{n} final: {final['accepted']} accepted, "
              f"{final['adjusted']} adjusted, {final['rejected']} rejected)")
        ok = drain_s < TARGET_SECONDS and median >= TARGET_RATIO and finals == n
        verdict = "met" if ok else "NOT met"
        print(f"target: drained in < {TARGET_SECONDS:.0f} s and >= {TARGET_RATIO} x floor: {verdict}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
