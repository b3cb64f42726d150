"""中途结算 at the desk from the command line: a HIS stay settled in two periods (`settle --his
--mid-stay`, then the next hand-off of the same 住院号), continuing the first period's stay_after
(no second deductible), while every other second settlement of the stay is still refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from app_helpers import ROOT

from hospital_client import cli

JSON_HANDOFF = ROOT / "resources" / "demo" / "his" / "handoff_01_ZY20261101.json"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and out.strip() else out), err


def test_a_his_stay_settled_in_two_periods(demo_path: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(demo_path)]
    data = json.loads(JSON_HANDOFF.read_text(encoding="utf-8"))
    first_lines, later_lines = data["feedetail"][:20], data["feedetail"][20:]
    first = tmp_path / "period1.json"
    first.write_text(json.dumps({**data, "admission": {**data["admission"], "endtime": "2026-11-17"},
                                 "feedetail": first_lines}, ensure_ascii=False), encoding="utf-8")
    assert run(["his", "import", str(first), *db], capsys)[0] == 0
    code, one, err = run(["settle", "--his", "ZY20261101", "--commit", "--mid-stay", *db], capsys)
    assert code == 0, err
    assert one["result"]["stay_after"]["periods"] == 1 and one["result"]["setlinfo"]["act_pay_dedc"] != "0.00"
    # no new hand-off: settling the stay again is a second settlement of the period
    code, _, err = run(["settle", "--his", "ZY20261101", "--commit", *db], capsys)
    assert code == 2 and f"settlement {one['local_id']}" in err

    rest = tmp_path / "period2.json"
    rest.write_text(json.dumps({**data, "feedetail": later_lines}, ensure_ascii=False), encoding="utf-8")
    code, imported, err = run(["his", "import", str(rest), *db], capsys)
    assert code == 0 and imported["state"] == "waiting", err
    code, listed, _ = run(["his", "list", "--json", *db], capsys)
    assert "ZY20261101" in [r["ipt_no"] for r in listed]
    code, two, err = run(["settle", "--his", "ZY20261101", "--commit", *db], capsys)
    assert code == 0, err
    assert two["result"]["stay_after"]["periods"] == 2 and two["result"]["setlinfo"]["act_pay_dedc"] == "0.00"
    assert two["result"]["year_to_date_after"]["admissions"] == one["result"]["year_to_date_after"]["admissions"]

    # the stay is whole now: neither the hand-off again nor a third settlement passes
    assert run(["his", "import", str(rest), *db], capsys)[0] == 2
    code, _, err = run(["settle", "--his", "ZY20261101", "--commit", *db], capsys)
    assert code == 2 and f"settlement {one['local_id']}" in err
