"""No personal ID number or name in any log file: the demo flow (init, settle with and without
year_to_date, refusals, reverse, listings, person lookup unmasked, backup, restore, verify) runs
through the real CLI processes with logging on, then every log file is scanned for every name,
ID number, card number and e-card code of the demo roster and requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app_helpers import REQUESTS, ROOT, load_request, roster, write_request


def test_demo_flow_logs_no_names_or_id_numbers(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    db = tmp_path / "desk.db"
    env = {**os.environ, "HOSPITAL_CLIENT_LOG_DIR": str(logs), "HOSPITAL_CLIENT_CONFIG": str(tmp_path / "none"),
           "PYTHONPATH": str(ROOT)}
    env.pop("HOSPITAL_CLIENT_DB", None)

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hospital_client", *args], input=stdin, capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=120)

    unknown = load_request("req_referral.json", drop_ytd=True)
    unknown["person"]["psn_no"] = "NOT-IN-ROSTER"
    second = load_request("req_second_admission.json", mdtrt_id="P-2", drop_ytd=True)
    bad = load_request("req_basic_urban.json")
    bad["fees"][0]["pric"] = "abc"
    steps = [
        cli("init", "--db", str(db)),
        *(cli("settle", str(path), "--commit", "--db", str(db)) for path in sorted(REQUESTS.glob("*.json"))),
        cli("settle", str(write_request(tmp_path, second, "p2.json")), "--commit", "--db", str(db)),
        cli("settle", str(write_request(tmp_path, unknown, "unknown.json")), "--commit", "--db", str(db)),
        cli("settle", str(write_request(tmp_path, bad, "bad.json")), "--commit", "--db", str(db)),
        cli("reverse", "1", "--reason", "退费重结", "--db", str(db)),
        cli("reverse", "2", "--reason", "x", "--operator", "super", "--password-stdin", "--db", str(db),
            stdin="wrong\n"),
        cli("journal", "list", "--unmasked", "--db", str(db)),
        cli("journal", "show", "2", "--unmasked", "--db", str(db)),
        cli("outbox", "list", "--db", str(db)),
        cli("person", "find", roster()[0]["certno"], "--unmasked", "--db", str(db)),
        cli("report", "dayend", "--db", str(db)),
        cli("backup", str(tmp_path / "backup.db"), "--db", str(db)),
        cli("audit", "verify", "--db", str(db)),
        cli("restore", str(tmp_path / "backup.db"), "--db", str(db)),
        cli("journal", "list", "--db", str(tmp_path / "missing.db")),
    ]
    codes = [s.returncode for s in steps]
    assert codes[0] == 0 and codes[1] == 0 and 2 in codes and 1 in codes  # successes and refusals both logged

    texts = [p.read_text(encoding="utf-8") for p in logs.rglob("*") if p.is_file()]
    assert texts, "logging produced no file"
    log_text = "\n".join(texts)
    assert "settlement committed local_id=" in log_text and "reversal committed" in log_text
    assert "refused: UnknownPerson" in log_text and "database unavailable: DatabaseMissing" in log_text

    secrets: set[str] = set()
    for person in roster():
        secrets.update(str(person[k]) for k in ("psn_name", "certno", "card_no", "ecard_code") if person.get(k))
        secrets.add(person["psn_no"])  # an insurance number: also kept out of the logs
    for path in REQUESTS.glob("*.json"):
        person = json.loads(path.read_text(encoding="utf-8"))["person"]
        secrets.update(str(person[k]) for k in ("psn_name", "certno", "psn_no") if person.get(k))
    leaked = sorted(s for s in secrets if s in log_text)
    assert leaked == []
