"""Exactly one drain per database at a time, across processes: a sync started while another holds
the database's drain lock is refused at once (exit 4), and two syncs started together in two
processes upload every entry exactly once between them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from central_helpers import ROOT
from sync_helpers import assert_consistent, central_db, desk_request, operator, ready_desk, site_config

from hospital_client import credentials
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.sync.errors import DrainBusy
from hospital_client.sync.lock import DrainLock

PERSONS = ["DEMO990100000050", "DEMO990100000051", "DEMO990100000053", "DEMO990100000054"]

HOLDER = """
import sys
from pathlib import Path
from hospital_client.sync.lock import DrainLock
lock = DrainLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.readline()
"""

SYNC = """
import json, sys, time
from pathlib import Path
from hospital_client import config, store
from hospital_client.app import sync_usecases as su
db = store.open_database(sys.argv[1])
client = su.open_client(config.load_site_config())
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.002)
summary = su.sync_now(db, client, pulls=False)
print(json.dumps({"busy": summary.busy, "ok": summary.ok, "sent": summary.drain.sent}), flush=True)
"""


def _configure(tmp_path: Path, url: str, code: str, secret: str) -> None:
    su.write_site_file(Path(os.environ["HOSPITAL_CLIENT_CONFIG"]), site_config(None, code, url=url))
    credentials.set_secret(su.secret_name(code), secret)


def test_a_second_drain_is_refused_while_one_runs(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        usecases.settle(db, operator(db), desk_request(PERSONS[0], "MDT-L-1", site=code))
        _configure(tmp_path, central.url, code, central.secrets[code])
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db.path)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, cwd=ROOT)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
            # In this process too: the lock is the operating system's, not a flag in memory.
            lock = DrainLock(db.path)
            try:
                lock.acquire()
                raise AssertionError("the lock was taken twice")
            except DrainBusy:
                pass
            refused = subprocess.run([sys.executable, "-m", "hospital_client", "sync", "--db", str(db.path)],
                                     capture_output=True, text=True, cwd=ROOT, timeout=60)
            assert refused.returncode == 4, refused.stderr
            assert "another sync" in refused.stderr
        finally:
            assert holder.stdin is not None
            holder.stdin.write(b"\n")
            holder.stdin.close()
            holder.wait(timeout=10)
        done = subprocess.run([sys.executable, "-m", "hospital_client", "sync", "--db", str(db.path), "--json"],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout)
        assert (summary["sent"], summary["accepted"], summary["still_queued"]) == (1, 1, 0)
        assert_consistent(central, db, code)
        db.close()


def test_two_drains_in_two_processes_send_each_entry_once(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        clerk = operator(db)
        for n, psn in enumerate(PERSONS):
            usecases.settle(db, clerk, desk_request(psn, f"MDT-L2-{n}", site=code))
        usecases.reverse(db, clerk, 1, "重结")
        _configure(tmp_path, central.url, code, central.secrets[code])
        go = tmp_path / "go"
        script = tmp_path / "sync_child.py"
        script.write_text(textwrap.dedent(SYNC), encoding="utf-8")
        children = [subprocess.Popen([sys.executable, str(script), str(db.path), str(go)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(2)]
        time.sleep(1.5)  # both have imported everything and wait for the signal
        go.write_text("go")
        results = []
        for child in children:
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        assert sum(r["sent"] for r in results) == 5  # between them, every entry exactly once
        worker = [r for r in results if r["sent"]]
        assert len(worker) == 1 and worker[0]["ok"]
        other = next(r for r in results if not r["sent"])
        assert other["busy"] or other["ok"]  # refused while the first ran (the usual case), or ran after it
        assert_consistent(central, db, code)
        db.close()
