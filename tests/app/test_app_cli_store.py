"""The store commands of the CLI: settle --commit, reverse, journal, outbox, person, report,
backup, restore, audit verify, init — exit codes, output and where the database lives."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from app_helpers import ROOT, load_request, roster, write_request

from hospital_client import cli, store
from hospital_client.store.connection import raw_connection


def run(args: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def settle_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], db: Path, *, overlap_reason: str = "",
                **kw: Any) -> dict[str, Any]:
    request = write_request(tmp_path, load_request(**kw), f"{kw.get('mdtrt_id', 'r')}.json")
    # The same demo person and dates under another admission no.: a typed stay overlapping the first.
    reason = ["--overlap-reason", overlap_reason] if overlap_reason else []
    code, out, err = run(["settle", str(request), "--commit", "--db", str(db), *reason], capsys)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_settle_commit_prints_one_object(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = settle_json(tmp_path, capsys, demo_path, drop_ytd=True)
    assert data["local_id"] == 1 and data["state"] == "provisional" and data["kind"] == "settlement"
    assert data["queue_no"].endswith("-000001") and data["ytd_source"] == "local"
    assert set(data["result"]) >= {"policy", "setlinfo", "setldetail", "fees", "year_to_date_after", "explain"}
    db = store.open_database(demo_path)
    try:
        entry = store.journal.get_entry(db, 1)
        assert entry.result == data["result"]
    finally:
        db.close()


def test_output_appears_only_after_the_commit(demo_path: Path, tmp_path: Path) -> None:
    request = write_request(tmp_path, load_request())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "hospital_client", "settle", str(request), "--commit",
                              "--db", str(demo_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None
    first = child.stdout.read(1)  # blocks until the child prints anything
    conn = raw_connection(demo_path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM settlement").fetchone()[0] == 1
    finally:
        conn.close()
    rest = child.stdout.read()
    child.wait(timeout=60)
    assert child.returncode == 0
    assert json.loads(first + rest)["local_id"] == 1


def test_settle_without_commit_is_unchanged(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    request = write_request(tmp_path, load_request())
    code, out, _ = run(["settle", str(request)], capsys)
    assert code == 0 and "local_id" not in json.loads(out)
    code, _, err = run(["settle", str(request), "--db", str(tmp_path / "x.db")], capsys)
    assert code == 2 and "--commit" in err
    assert not (tmp_path / "x.db").exists()


def test_unknown_person_exits_2(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_request("req_referral.json", drop_ytd=True)
    data["person"]["psn_no"] = "NOT-IN-ROSTER"
    code, out, err = run(["settle", str(write_request(tmp_path, data)), "--commit", "--db", str(demo_path)], capsys)
    assert code == 2 and out == ""
    assert "not in the local roster" in err and "year_to_date" in err


def test_reverse_journal_outbox(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    settle_json(tmp_path, capsys, demo_path, mdtrt_id="C-1")
    settle_json(tmp_path, capsys, demo_path, mdtrt_id="C-2", overlap_reason="再次入院")
    code, out, err = run(["reverse", "1", "--reason", "wrong bill", "--db", str(demo_path)], capsys)
    assert code == 0, err
    reversal = json.loads(out)
    assert (reversal["local_id"], reversal["kind"], reversal["reverses_local_id"]) == (3, "reversal", 1)
    code, _, err = run(["reverse", "1", "--reason", "again", "--db", str(demo_path)], capsys)
    assert code == 2 and "already reversed" in err
    code, _, err = run(["reverse", "2", "--reason", "x", "--operator", "super", "--password-stdin",
                        "--db", str(demo_path)], capsys, "wrong\n", monkeypatch)
    assert code == 2 and "wrong password" in err
    code, _, err = run(["reverse", "2", "--reason", "x", "--operator", "demo", "--password-stdin",
                        "--db", str(demo_path)], capsys, "demo123\n", monkeypatch)
    assert code == 2 and "supervisor" in err
    code, out, _ = run(["reverse", "2", "--reason", "x", "--operator", "super", "--password-stdin",
                        "--db", str(demo_path)], capsys, "super123\n", monkeypatch)
    assert code == 0 and json.loads(out)["reverses_local_id"] == 2

    code, out, _ = run(["journal", "list", "--json", "--db", str(demo_path)], capsys)
    rows = json.loads(out)
    assert [(r["local_id"], r["kind"], r["state"]) for r in rows] == [
        (1, "settlement", "provisional"), (2, "settlement", "provisional"), (3, "reversal", "provisional"),
        (4, "reversal", "provisional")]
    assert rows[0]["reversed_by"] == 3
    certno = load_request()["person"]["certno"]
    assert all(certno not in json.dumps(r, ensure_ascii=False) for r in rows)
    assert rows[0]["certno"] == certno[:4] + "*" * 10 + certno[-4:]

    code, out, _ = run(["journal", "list", "--json", "--unmasked", "--db", str(demo_path)], capsys)
    assert json.loads(out)[0]["certno"] == certno
    code, out, _ = run(["journal", "list", "--db", str(demo_path)], capsys)
    assert code == 0 and "reversed by 3" in out

    code, out, _ = run(["outbox", "list", "--json", "--db", str(demo_path)], capsys)
    messages = json.loads(out)
    assert [(m["local_id"], m["infno"], m["status"]) for m in messages] == [
        (1, "2304", "queued"), (2, "2304", "queued"), (3, "2305", "queued"), (4, "2305", "queued")]

    code, out, _ = run(["journal", "show", "1", "--db", str(demo_path)], capsys)
    shown = json.loads(out)
    assert len(shown["fee_lines"]) == len(load_request()["fees"])
    assert shown["request"]["person"]["certno"] != certno


def test_report_and_person(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settle_json(tmp_path, capsys, demo_path)
    code, out, _ = run(["report", "dayend", "--json", "--db", str(demo_path)], capsys)
    rows = json.loads(out)
    assert [r["operator"] for r in rows] == ["demo", "total"] and rows[1]["settlements"] == 1
    person = roster()[5]
    code, out, _ = run(["person", "find", person["ecard_code"], "--db", str(demo_path)], capsys)
    (found,) = json.loads(out)
    assert found["psn_no"] == person["psn_no"] and found["certno"] != person["certno"]
    code, _, _err = run(["person", "find", "nobody", "--db", str(demo_path)], capsys)
    assert code == 2


def test_backup_restore_and_audit_verify(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settle_json(tmp_path, capsys, demo_path, mdtrt_id="B-1")
    code, out, _ = run(["backup", str(tmp_path / "b.db"), "--db", str(demo_path)], capsys)
    assert code == 0 and json.loads(out)["counts"]["settlement"] == 1
    code, out, _ = run(["audit", "verify", "--db", str(tmp_path / "b.db")], capsys)
    assert code == 0 and "intact" in out
    settle_json(tmp_path, capsys, demo_path, mdtrt_id="B-2", overlap_reason="再次入院")

    code, out, _ = run(["audit", "verify", "--db", str(demo_path)], capsys)
    assert code == 0 and "audit chain intact" in out
    conn = raw_connection(demo_path)
    conn.execute("BEGIN")
    conn.execute("DROP TRIGGER audit_no_update")
    seq = conn.execute("SELECT seq FROM audit WHERE action = 'settle' ORDER BY seq LIMIT 1").fetchone()[0]
    conn.execute("UPDATE audit SET operator = 'intruder' WHERE seq = ?", (seq,))
    conn.commit()
    conn.close()
    code, out, err = run(["audit", "verify", "--db", str(demo_path)], capsys)
    assert code == 3 and f"entry {seq} (settle" in err and "altered" in err

    code, out, _ = run(["restore", str(tmp_path / "b.db"), "--db", str(demo_path)], capsys)
    assert code == 0
    moved = json.loads(out)["replaced_database_moved_to"]
    assert moved and Path(moved).exists()
    code, out, _ = run(["journal", "list", "--json", "--db", str(demo_path)], capsys)
    assert [r["mdtrt_id"] for r in json.loads(out)] == ["B-1"]


def test_missing_database_is_not_created_for_listings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["journal", "list"], ["outbox", "list"], ["audit", "verify"], ["backup", str(tmp_path / "b")],
                 ["reverse", "1", "--reason", "x"]):
        code, _out, err = run([*args, "--db", str(tmp_path / "none.db")], capsys)
        assert code == 1 and "no database here" in err, args
    assert not (tmp_path / "none.db").exists()


def test_default_location_and_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    request = write_request(tmp_path, load_request())
    code, _out, err = run(["settle", str(request), "--commit"], capsys)
    assert code == 0
    default = tmp_path / "xdg-data" / "hospital-client" / "hospital-client.db"
    assert default.exists() and "first start of the demo site" in err
    elsewhere = tmp_path / "env" / "desk.db"
    monkeypatch.setenv("HOSPITAL_CLIENT_DB", str(elsewhere))
    code, _out, _err = run(["settle", str(request), "--commit"], capsys)
    assert code == 0 and elsewhere.exists()
    code, out, _ = run(["journal", "list", "--json", "--db", str(default)], capsys)
    assert len(json.loads(out)) == 1


def test_configured_site_never_gets_a_database_behind_its_back(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[site]\ncode = "H12345678901"\nname = "测试卫生院"\nregion = "990100"\n', encoding="utf-8")
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(site))
    db = tmp_path / "site.db"
    request = write_request(tmp_path, load_request())
    code, _, err = run(["settle", str(request), "--commit", "--db", str(db)], capsys)
    assert code == 1 and "no database here" in err and not db.exists()

    code, _, err = run(["init", "--db", str(db)], capsys)
    assert code == 2 and "--admin" in err
    code, out, _ = run(["init", "--db", str(db), "--admin", "it", "--password-stdin"], capsys, "s3cret-pass\n",
                       monkeypatch)
    assert code == 0 and json.loads(out)["site"] == "H12345678901"

    code, _, err = run(["settle", str(request), "--commit", "--db", str(db)], capsys)
    assert code == 2 and "--operator" in err  # no demo defaults on a real site
    code, _, err = run(["settle", str(request), "--commit", "--db", str(db), "--operator", "it", "--password-stdin"],
                       capsys, "s3cret-pass\n", monkeypatch)
    assert code == 2 and "no catalogue" in err  # a real site gets its catalogue from the central system
    catalog = ROOT / "resources" / "catalog" / "demo_catalog.csv"
    code, out, err = run(["settle", str(request), "--commit", "--db", str(db), "--operator", "it", "--password-stdin",
                          "--catalog", str(catalog)], capsys, "s3cret-pass\n", monkeypatch)
    assert code == 0, err
    assert json.loads(out)["local_id"] == 1


def test_init_demo_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    code, out, _ = run(["init", "--db", str(db)], capsys)
    assert code == 0 and json.loads(out) == {"database": str(db), "site": "demo", "created": True,
                                             "initialised": True}
    code, out, _ = run(["init", "--db", str(db)], capsys)
    assert json.loads(out)["initialised"] is False
