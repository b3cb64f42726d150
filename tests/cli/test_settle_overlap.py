"""`hospital-client settle ... --commit` refuses a stay overlapping a settlement in force of the same
person when one of the two was typed by hand (no admission number from HIS), naming the other
stay (exit 2, nothing settled), unless --overlap-reason TEXT says why it is another stay; the reason
is audited like the window's (overlap_confirm). And --payment account (医保个人账户) only under a
policy pack that allows it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from hospital_client import cli, paths
from hospital_client.store import audit

HANDOFF = paths.demo_dir() / "his" / "handoff_01_ZY20261101.json"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


def typed_request(db_path: Path, tmp_path: Path, psn_no: str, stay: str, begin: dt.date, end: dt.date) -> Path:
    """A request as the window builds it for a stay typed by hand, written to a file."""
    from hospital_client.app.desk import Desk, EncounterInput

    fees = json.loads((paths.demo_dir() / "bills" / "bill_02_appendicitis_small.json").read_text(encoding="utf-8"))
    with Desk(db_path) as desk:
        request = desk.build_request(psn_no, EncounterInput(stay, 2, begin, end), fees["fees"])
    path = tmp_path / f"{stay}.json"
    path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def audited(db_path: Path) -> list[Any]:
    from hospital_client.app.desk import Desk

    with Desk(db_path) as desk:
        return [e for e in audit.entries(desk.db()) if e.action == "overlap_confirm"]


def journal(db_path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, _ = run(["journal", "list", "--json", "--db", str(db_path)], capsys)
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_a_typed_stay_overlapping_another_is_refused_unless_a_reason_is_given(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    psn_no = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"][7]["psn_no"]
    first = typed_request(demo_path, tmp_path, psn_no, "ZY-T1", dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    code, out, err = run(["settle", str(first), "--commit", "--db", str(demo_path)], capsys)
    assert code == 0, err
    settled = json.loads(out)

    # Another admission no., the same person, dates overlapping by one day: refused, naming the first.
    second = typed_request(demo_path, tmp_path, psn_no, "ZY-T2", dt.date(2026, 11, 10), dt.date(2026, 11, 14))
    code, out, err = run(["settle", str(second), "--commit", "--db", str(demo_path)], capsys)
    assert code == 2 and out == ""
    assert f"settlement {settled['local_id']}" in err and settled["queue_no"] in err and "stay ZY-T1" in err
    assert "2026-11-01 to 2026-11-10" in err and "示例收费员" in err and "--overlap-reason" in err
    assert err.count("\n") == 1
    assert len(journal(demo_path, capsys)) == 1 and audited(demo_path) == []

    # An empty reason, or one without --commit, is a usage error.
    assert run(["settle", str(second), "--commit", "--overlap-reason", " ", "--db", str(demo_path)], capsys)[0] == 2
    code, _, err = run(["settle", str(second), "--overlap-reason", "再次入院"], capsys)
    assert code == 2 and "--overlap-reason needs --commit" in err

    # With the reason: settled, and the confirmation audited (stay key, overlapping ids, reason).
    code, out, err = run(["settle", str(second), "--commit", "--overlap-reason", "出院后再次入院",
                          "--db", str(demo_path)], capsys)
    assert code == 0, err
    assert json.loads(out)["local_id"] != settled["local_id"]
    (entry,) = audited(demo_path)
    assert entry.subject == "stay:ZY-T2"
    assert entry.detail == {"stay": "ZY-T2", "overlaps": [settled["local_id"]], "reason": "出院后再次入院"}

    # Dates that do not overlap: no question asked.
    third = typed_request(demo_path, tmp_path, psn_no, "ZY-T3", dt.date(2026, 11, 20), dt.date(2026, 11, 25))
    code, _, err = run(["settle", str(third), "--commit", "--db", str(demo_path)], capsys)
    assert code == 0, err


def test_a_his_stay_overlapping_a_typed_one_is_refused_too(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handoff = json.loads(HANDOFF.read_text(encoding="utf-8"))
    psn_no = handoff["patient"]["psn_no"]
    code, _, err = run(["his", "import", str(HANDOFF), "--db", str(demo_path)], capsys)
    assert code == 0, err
    typed = typed_request(demo_path, tmp_path, psn_no, "ZY-TYPED", dt.date(2026, 11, 12), dt.date(2026, 11, 15))
    code, out, err = run(["settle", str(typed), "--commit", "--db", str(demo_path)], capsys)
    assert code == 0, err
    local_id = json.loads(out)["local_id"]
    ipt_no = handoff["admission"]["ipt_no"]
    code, out, err = run(["settle", "--his", ipt_no, "--commit", "--db", str(demo_path)], capsys)
    assert code == 2 and f"settlement {local_id}" in err and "stay ZY-TYPED" in err
    code, out, err = run(["settle", "--his", ipt_no, "--commit", "--overlap-reason", "本院两次住院",
                          "--db", str(demo_path)], capsys)
    assert code == 0, err
    assert [e.subject for e in audited(demo_path)] == [f"stay:{ipt_no}"]


def test_the_personal_account_pays_only_where_the_pack_allows_it(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    psn_no = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"][9]["psn_no"]
    request = typed_request(demo_path, tmp_path, psn_no, "ZY-ACCT", dt.date(2026, 11, 1), dt.date(2026, 11, 5))
    code, out, err = run(["settle", str(request), "--commit", "--payment", "医保个人账户", "--db", str(demo_path)],
                         capsys)
    assert code == 2 and out == "" and "not allowed by policy pack demo" in err
    assert journal(demo_path, capsys) == []
    pack = tmp_path / "demo-account.toml"
    pack.write_bytes((paths.policies_dir() / "demo.toml").read_bytes().replace(b'id = "demo"', b'id = "acct"', 1)
                     + b"\n[payment]\npersonal_account = true\n")
    code, out, err = run(["settle", str(request), "--commit", "--payment", "account", "--policy-file", str(pack),
                          "--db", str(demo_path)], capsys)
    assert code == 0, err
    assert json.loads(out)["payment"]["method_name"] == "医保个人账户"
    code, out, _ = run(["policy", "explain", str(pack)], capsys)
    assert code == 0 and "个人现金部分可用医保个人账户支付。" in out
