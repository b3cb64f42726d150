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
    assert entry["id"] == "demo-review" and entry["rules"] == 16 and entry["kinds"]["pair"] == 2


def test_settle_carries_the_violations_and_the_library_beside_the_pack(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    requests = ROOT / "resources" / "demo" / "requests"
    assert cli.main(["settle", str(requests / "req_basic_urban.json")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result)[:2] == ["policy", "review"]
    assert result["review"]["id"] == "demo-review" and len(result["review"]["sha256"]) == 64
    fired = {v["rule_id"]: v for v in result["violations"]}
    assert set(fired) == {"AGE-002", "LVL-001", "QTY-001"}
    block = fired["QTY-001"]
    assert block["severity"] == "block" and block["amount"] == "120.00" and block["feedetl_sn"]
    assert set(block) == {"rule_id", "kind", "severity", "feedetl_sn", "amount", "text", "evidence"}
    # Outside every library's regions: no library, no violations.
    assert cli.main(["settle", str(requests / "req_out_of_area.json")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["review"] is None and result["violations"] == []
