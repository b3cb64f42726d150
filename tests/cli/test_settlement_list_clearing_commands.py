"""`settlement-list`, `settlement-lists` and `clearing` on the demo site (no central system): the
list is built and names what is missing, nothing incomplete is sent, and the commands that need
the central system say so (exit 2). The central side end to end: tests/sync/test_settlement_list_clearing.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospital_client import cli

from .test_slip_command import settle_two_reverse_one


def test_the_commands_on_the_demo_site(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    reversed_id, settled_id = settle_two_reverse_one(demo_path)
    db = ["--db", str(demo_path)]
    capsys.readouterr()
    assert cli.main(["settlement-list", str(settled_id), "--json", *db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["ready"] is False and shown["setl_id"] == ""
    assert shown["problems"][0]["field"] == "setlinfo.setl_id"  # not final: the demo site has no central system
    assert "*" in shown["list"]["setlinfo"]["psn_name"]  # masked on the command line
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"dscg_way": "1", "diag_names": {}}), encoding="utf-8")
    assert cli.main(["settlement-list", str(settled_id), "--record", str(record), *db]) == 0
    text = capsys.readouterr().out
    assert "problem QC01 setlinfo.setl_id" in text and "problem QC01 setlinfo.dscg_way" not in text
    assert cli.main(["settlement-list", str(settled_id), "--upload", *db]) == 2  # incomplete: nothing sent
    assert "incomplete" in capsys.readouterr().err
    assert cli.main(["settlement-list", str(reversed_id), *db]) == 2  # reversed: no list
    assert cli.main(["settlement-lists", "--from", "2000-01-01", "--json", *db]) == 0
    rows = json.loads(capsys.readouterr().out)["lists"]
    assert [(r["local_id"], r["state"]) for r in rows] == [(settled_id, "not_final")]
    assert cli.main(["clearing", "apply", "--month", "2026-13", *db]) == 2
    assert cli.main(["clearing", "apply", "--month", "2026-12", *db]) == 2  # no central system on the demo site
    assert "central system" in capsys.readouterr().err
