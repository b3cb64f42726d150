"""The central commands: init, site add/list, serve, report, and their exit codes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from central_helpers import ROOT, SITE_A, init_db, run_cli

from hospital_client.central import add_central_commands


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hospital_client.central", *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_init_and_site_add_print_the_secret_alone_on_the_last_line(tmp_path: Path) -> None:
    db = tmp_path / "central.db"
    done = _run("init", "--db", str(db))
    assert done.returncode == 0 and "71 persons" in done.stdout and "demo" in done.stdout
    if sys.platform != "win32":  # it holds the site secrets
        assert db.stat().st_mode & 0o077 == 0
    added = _run("site", "add", "--db", str(db), "--code", SITE_A, "--name", "示例县人民医院")
    assert added.returncode == 0, added.stderr
    lines = added.stdout.splitlines()
    secret = lines[-1]
    assert len(secret) >= 40 and " " not in secret and secret not in "\n".join(lines[:-1])
    code, out = run_cli("site", "add", "--db", str(db), "--code", "H99010000009", "--name", "另一家")
    assert code == 0 and out.splitlines()[-1] != secret
    code, out = run_cli("site", "list", "--db", str(db), "--json")
    listed = json.loads(out)
    assert [s["code"] for s in listed] == [SITE_A, "H99010000009"] and "secret" not in listed[0]


@pytest.mark.parametrize("argv", [
    ("site", "add", "--code", "SHORT", "--name", "x"),
    ("site", "add", "--code", SITE_A, "--name", "again"),
    ("site", "add", "--code", "H99010000003", "--name", "  "),
    ("init",),
    ("report", "--bogus"),
    ("serve", "--port", "70000"),
    ("serve", "--port", "eighty"),
    ("true-up", "--year", "2026", "--json", "--apply", "extra"),
])
def test_bad_input_exits_2_with_one_line(central_db: tuple[Path | str, dict[str, str]], argv: tuple[str, ...],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = central_db
    capsys.readouterr()
    code, out = run_cli(*argv, "--db", str(db))
    err = capsys.readouterr().err
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("hospital-client central") and "Traceback" not in err


@pytest.mark.parametrize("command", [("report", "--json"), ("site", "list"), ("true-up", "--year", "2026"),
                                     ("serve", "--port", "18999"),
                                     ("site", "add", "--code", SITE_A, "--name", "x")])
def test_a_missing_database_is_named(tmp_path: Path, command: tuple[str, ...],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(*command, "--db", str(tmp_path / "nowhere.db"))
    err = capsys.readouterr().err
    assert code == 2 and "nowhere.db" in err and err.count("\n") == 1
    assert not (tmp_path / "nowhere.db").exists()


def test_init_refuses_bad_reference_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text('{"persons": [{"psn_no": "P1"}, {"psn_no": "P1"}]}', encoding="utf-8")
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "broken.toml").write_text("[pack]\nid = 'x'\n", encoding="utf-8")
    for option, value, named in (("--roster", roster, "duplicate P1"), ("--policies", packs, "broken.toml"),
                                 ("--catalog", tmp_path / "none.csv", "none.csv")):
        code, _ = run_cli("init", "--db", str(tmp_path / f"{option[2:]}.db"), option, str(value))
        err = capsys.readouterr().err
        assert code == 2 and named in err and err.count("\n") == 1
        assert not (tmp_path / f"{option[2:]}.db").exists()


def test_serve_refuses_a_port_in_use(central_db: tuple[Path | str, dict[str, str]]) -> None:
    import socket

    db, _ = central_db
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _run("serve", "--db", str(db), "--port", str(port))
    assert done.returncode == 2 and "cannot listen" in done.stderr and done.stderr.count("\n") == 1


def test_report_of_an_empty_system(central_db: tuple[Path | str, dict[str, str]]) -> None:
    db, _ = central_db
    code, out = run_cli("report", "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["count"] == 0 and json.loads(out)["settlements"] == []
    code, out = run_cli("report", "--db", str(db))
    assert code == 0 and "0 settlements" in out


def test_commands_plug_into_a_parent_cli(tmp_path: Path) -> None:
    db = tmp_path / "central.db"
    init_db(db)
    parser = argparse.ArgumentParser(prog="hospital-client")
    add_central_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["central", "report", "--db", str(db), "--json"])
    assert args.func(args) == 0
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["central", "site", "add", "--db", str(db)])
    assert exited.value.code == 2
