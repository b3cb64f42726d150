"""A queue of stored 9511 batches put straight into a central database (as the 9511 handler with
ack "stored" does), the `central work` processes that adjudicate it, and the digest of what 9512
then answers: for the queue-worker tests and bench/central.py."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from central_helpers import PERSON_KEYS, ROOT, SITE_A

from hospital_client import protocol as p
from hospital_client.central.batches import batch_upload
from hospital_client.central.context import Central, Context
from hospital_client.central.open_store import open_store
from hospital_client.central.queue_work import outcome_digest
from hospital_client.central.store import PersonRecord

# The batches' arrival: the first at this moment, one more second for each further batch.
ARRIVAL = dt.datetime(2026, 3, 20, 9, 0, 0, tzinfo=p.CST)


def settlement_item(local_id: str, psn_no: str, mdtrt_id: str, person: dict[str, Any],
                    fees: list[dict[str, Any]], *, site: str = SITE_A) -> dict[str, Any]:
    """A queued settlement without a provisional result (the central result is the only one)."""
    request = {
        "person": {k: person.get(k) for k in PERSON_KEYS} | {"psn_no": psn_no},
        "encounter": {"mdtrt_id": mdtrt_id, "med_type": "21", "fixmedins_code": site, "hosp_lv": 2,
                      "mdtrtarea_admvs": "990100", "begntime": "2026-03-01", "endtime": "2026-03-10",
                      "diagnoses": ["E11.900"]},
        "fees": fees,
    }
    return {"kind": "settlement", "local_id": local_id, "setl_time": "2026-03-10 10:00:00", "request": request}


def reversal_item(local_id: str, reverses_local_id: str) -> dict[str, Any]:
    return {"kind": "reversal", "local_id": local_id, "reverses_local_id": reverses_local_id,
            "rev_time": "2026-03-11 09:00:00"}


def queue_batches(db: Path | str, batches: Sequence[Sequence[dict[str, Any]]], *, site: str = SITE_A,
                  detail: str = "summary") -> list[tuple[str, str]]:
    """Store each batch as 9511 with ack "stored" would (one second apart); the (site, local_id) of
    every item."""
    store = open_store(db)
    try:
        central = Central(store)
        keys: list[tuple[str, str]] = []
        for n, items in enumerate(batches):
            moment = ARRIVAL + dt.timedelta(seconds=n)
            msgid = p.make_msgid(site, moment, 9000 + n % 1000)
            env = p.RequestEnvelope(infno=p.BATCH_UPLOAD, msgid=msgid, fixmedins_code=site, input={})
            ctx = Context(site=site, env=env, now=moment, received=p.format_time(moment))
            with store.transaction():
                batch_upload(central, ctx, {"ack": "stored", "detail": detail, "data": list(items)})
            keys.extend((site, str(item["local_id"])) for item in items)
        return keys
    finally:
        store.close()


def clone_persons(db: Path | str, count: int, prefix: str = "QPSN") -> list[str]:
    """``count`` roster persons copied from the demo roster's first ones under new psn_no."""
    store = open_store(db)
    try:
        with store.transaction():
            models = [store.find_person(psn_no=f"DEMO9901000000{n:02d}") for n in range(1, 31)]
            usable = [m for m in models if m is not None]
            names: list[str] = []
            for n in range(count):
                model = usable[n % len(usable)]
                psn_no = f"{prefix}{n:08d}"
                data = dict(model.data) | {"psn_no": psn_no, "certno": f"{prefix}C{n:08d}", "card_no": "",
                                           "ecard_code": ""}
                store.put_person(PersonRecord(psn_no=psn_no, data=data))
                names.append(psn_no)
        return names
    finally:
        store.close()


def run_work(db: Path | str, workers: int, *, until_empty: bool = True) -> dict[str, Any]:
    """`central work --workers N [--until-empty] --json`; its JSON."""
    command = [sys.executable, "-m", "hospital_client.central", "work", "--db", str(db), "--workers", str(workers),
               "--json"] + (["--until-empty"] if until_empty else [])
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def start_work(db: Path | str, workers: int = 1) -> subprocess.Popen[str]:
    """`central work` in the background (waits for work until stopped)."""
    return subprocess.Popen([sys.executable, "-m", "hospital_client.central", "work", "--db", str(db), "--workers",
                             str(workers), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)


def digest(db: Path | str, keys: Sequence[tuple[str, str]]) -> str:
    store = open_store(db)
    try:
        return outcome_digest(Central(store), keys)
    finally:
        store.close()
