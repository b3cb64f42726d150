"""`hospital-client review check FILE` and `review list [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospital_client import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "review" / "demo_review.toml"


def test_check_a_valid_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["review", "check", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "OK  id=demo-review version=2026.1 sha256=" in out


def test_check_refuses_naming_file_rule_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO.read_text(encoding="utf-8").replace("max_per_stay = 1\n", "max_per_stay = -1\n"),
                   encoding="utf-8")
    assert cli.main(["review", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml: rule QTY-001.max_per_stay: " in err and err.count("\n") == 1


def test_check_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["review", "check", str(tmp_path / "none.toml")]) == 2
    assert "none.toml" in capsys.readouterr().err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["review", "list"]) == 0
    assert "demo-review" in capsys.readouterr().out
    assert cli.main(["review", "list", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["id"] == "demo-review" and entry["rules"] == 15 and entry["kinds"]["pair"] == 2
