"""智能审核 at settlement on the desk: the person's earlier stays from the journal (分解住院 across
two settlements and across the year), the roster's declared sex and birth date (冒名就医), and a
拦截 made self-paid unless a supervisor overrides it with a reason (audited, uploaded)."""

from __future__ import annotations

import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from app_helpers import load_request

from hospital_client import app, cli, store
from hospital_client.store import upload


def stay(mdtrt_id: str, begin: str, end: str, *diagnoses: str) -> dict[str, Any]:
    request = load_request("req_basic_urban.json", mdtrt_id=mdtrt_id)
    request["encounter"].update(begntime=begin, endtime=end, diagnoses=list(diagnoses))
    return request


def rules_fired(outcome: app.SettleOutcome) -> dict[str, dict[str, Any]]:
    assert outcome.result is not None
    return {v["rule_id"]: v for v in outcome.result.to_dict()["violations"]}


def test_a_readmission_across_two_settlements_in_the_journal(demo_db: store.LocalDatabase,
                                                              clerk: store.Operator) -> None:
    first = app.settle(demo_db, clerk, stay("R-FIRST", "2026-10-01", "2026-10-12", "J18.900"))
    assert "READM-001" not in rules_fired(first)
    second = app.settle(demo_db, clerk, stay("R-SECOND", "2026-10-20", "2026-10-28", "J18.000"))
    readmission = rules_fired(second)["READM-001"]
    assert readmission["severity"] == "warn" and readmission["kind"] == "readmission"
    assert readmission["evidence"]["prior_mdtrt_id"] == "R-FIRST" and readmission["evidence"]["gap_days"] == 8
    assert "8天内" in readmission["text"]
    # the result stored in the journal carries it too
    entry = store.journal.get_entry(demo_db, second.committed.local_id)
    assert entry.result is not None and [v["rule_id"] for v in entry.result["violations"]].count("READM-001") == 1
    # an unrelated diagnosis, or a stay more than 15 days later, is not a readmission
    third = app.settle(demo_db, clerk, stay("R-THIRD", "2026-11-05", "2026-11-09", "S72.000"))
    assert "READM-001" not in rules_fired(third)
    fourth = app.settle(demo_db, clerk, stay("R-FOURTH", "2026-11-26", "2026-11-30", "J18.900"))
    assert "READM-001" not in rules_fired(fourth)  # 29 days after R-SECOND, 17 after R-THIRD (unrelated)


def test_a_readmission_after_a_stay_that_crosses_the_year(demo_db: store.LocalDatabase,
                                                          clerk: store.Operator) -> None:
    app.settle(demo_db, clerk, stay("Y-DEC", "2025-12-22", "2026-01-04", "I63.900"))
    second = app.settle(demo_db, clerk, stay("Y-JAN", "2026-01-15", "2026-01-25", "I63.901"))
    evidence = rules_fired(second)["READM-001"]["evidence"]
    assert (evidence["prior_mdtrt_id"], evidence["prior_endtime"], evidence["gap_days"]) == ("Y-DEC", "2026-01-04", 11)


def test_a_reversed_stay_is_not_an_earlier_stay(demo_db: store.LocalDatabase, clerk: store.Operator,
                                                supervisor: store.Operator) -> None:
    first = app.settle(demo_db, clerk, stay("V-FIRST", "2026-10-01", "2026-10-12", "J18.900"))
    app.reverse(demo_db, supervisor, first.committed.local_id, "录入错误")
    second = app.settle(demo_db, clerk, stay("V-SECOND", "2026-10-20", "2026-10-28", "J18.900"))
    assert "READM-001" not in rules_fired(second)


def test_the_roster_sex_and_birth_date_against_the_id_number(demo_db: store.LocalDatabase,
                                                             clerk: store.Operator) -> None:
    plain = app.settle(demo_db, clerk, stay("I-OK", "2026-03-01", "2026-03-05", "J18.900"))
    assert "ID-001" not in rules_fired(plain)
    # the roster says a man born 1981-01-20; the ID number given at the window is a woman's, born 1990
    request = stay("I-BAD", "2026-05-01", "2026-05-05", "K35.800")
    request["person"]["certno"] = "990100199003151226"
    identity = rules_fired(app.settle(demo_db, clerk, request))["ID-001"]
    assert identity["kind"] == "identity" and identity["amount"] == "0.00"
    assert identity["evidence"] == {"declared_sex": "male", "certno_sex": "female",
                                    "declared_brdy": "1981-01-20", "certno_brdy": "1990-03-15"}


def blocked_request(mdtrt_id: str) -> dict[str, Any]:
    return load_request("req_dibao_large.json", mdtrt_id=mdtrt_id)  # PAIR-001 and QTY-001 block


def test_a_block_is_self_paid_unless_a_supervisor_overrides_it(demo_db: store.LocalDatabase, clerk: store.Operator,
                                                               supervisor: store.Operator) -> None:
    blocked = app.settle(demo_db, clerk, blocked_request("B-1"))
    assert blocked.result is not None
    violations = rules_fired(blocked)
    assert {"PAIR-001", "QTY-001"} <= {r for r, v in violations.items() if v["severity"] == "block"}
    setl = blocked.result.to_dict()["setlinfo"]
    refused = sum(Decimal(v["amount"]) for v in violations.values() if v["severity"] == "block")
    steps = {s["step"]: s for s in blocked.result.to_dict()["explain"]}
    assert Decimal(steps["review_self_paid"]["amount"]) == refused
    assert Decimal(setl["medfee_sumamt"]) == Decimal(setl["fund_pay_sumamt"]) + Decimal(setl["psn_cash_pay"])

    overrides = [app.OverrideInput("PAIR-001", "重症监护期间另行特级护理经医务科审批"),
                 app.OverrideInput("QTY-001", "两次手术，病程记录可查")]
    with pytest.raises(app.OverrideRefused):
        app.settle(demo_db, clerk, blocked_request("B-2"), overrides=overrides, approver=clerk)
    with pytest.raises(app.OverrideRefused):
        app.settle(demo_db, clerk, blocked_request("B-2"), overrides=[app.OverrideInput("PAIR-001", "  ")],
                   approver=supervisor)
    with pytest.raises(app.OverrideRefused):
        app.settle(demo_db, clerk, blocked_request("B-2"), overrides=[app.OverrideInput("LVL-001", "理由")],
                   approver=supervisor)
    let_through = app.settle(demo_db, clerk, blocked_request("B-2"), overrides=overrides, approver=supervisor)
    assert let_through.result is not None
    figures = let_through.result.to_dict()
    fired = {v["rule_id"]: v for v in figures["violations"]}
    assert fired["PAIR-001"]["override"] == {"operator": "super", "reason": "重症监护期间另行特级护理经医务科审批"}
    assert "review_self_paid" not in {s["step"] for s in figures["explain"]}
    assert Decimal(figures["setlinfo"]["fund_pay_sumamt"]) > Decimal(setl["fund_pay_sumamt"])

    # audited in the desk's chain: who, reason, rule, lines; no name or ID number
    audited = [e for e in store.audit.entries(demo_db) if e.action == "review_override"]
    assert [(e.detail["rule_id"], e.operator, e.detail["clerk"]) for e in audited] == [
        ("PAIR-001", "super", "demo"), ("QTY-001", "super", "demo")]
    assert audited[0].detail["feedetl_sn"] == fired["PAIR-001"]["feedetl_sn"]
    assert audited[0].subject == f"settlement:{let_through.committed.local_id}"
    text = json.dumps([e.detail for e in audited], ensure_ascii=False)
    request = blocked_request("B-2")
    assert request["person"]["certno"] not in text and request["person"]["psn_name"] not in text
    assert store.audit.verify(demo_db).intact

    # and it travels with the settlement (the 2304/9511 item); a bill without overrides has no such key
    [item, plain] = upload.upload_sources(demo_db, [let_through.committed.local_id, blocked.committed.local_id])
    sent = json.loads(item.item_json)["review_overrides"]
    assert [(o["rule_id"], o["operator"]) for o in sent] == [("PAIR-001", "super"), ("QTY-001", "super")]
    assert sent[0]["feedetl_sn"] == fired["PAIR-001"]["feedetl_sn"] and sent[0]["reason"]
    assert "review_overrides" not in json.loads(plain.item_json)


def test_the_desk_preview_audits_like_the_settlement(demo_path: Path) -> None:
    with app.Desk(demo_path) as desk:
        clerk = desk.login("demo", "demo123")
        supervisor = desk.login("super", "super123")
        desk.settle(clerk, stay("D-FIRST", "2026-10-01", "2026-10-12", "J18.900"))
        preview = desk.preview(stay("D-SECOND", "2026-10-20", "2026-10-28", "J18.900"))
        assert "READM-001" in {v["rule_id"] for v in preview.result["violations"]}
        blocked = desk.preview(blocked_request("D-B"))
        overridden = desk.preview(blocked_request("D-B"), overrides=[app.OverrideInput("PAIR-001", "会诊确认")],
                                  approver=supervisor)
        pair = next(v for v in overridden.result["violations"] if v["rule_id"] == "PAIR-001")
        assert pair["override"]["operator"] == "super"
        assert Decimal(overridden.result["setlinfo"]["fulamt_ownpay_amt"]) == \
            Decimal(blocked.result["setlinfo"]["fulamt_ownpay_amt"]) - Decimal(pair["amount"])
        outcome = desk.settle(clerk, blocked_request("D-B"), overrides=[app.OverrideInput("PAIR-001", "会诊确认")],
                              approver=supervisor)
        assert outcome.result is not None
        assert outcome.result.to_dict()["setlinfo"] == overridden.result["setlinfo"]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
            stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_settle_shows_violations_and_a_supervisor_overrides(demo_path: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "blocked.json"
    path.write_text(json.dumps(blocked_request("C-1"), ensure_ascii=False), encoding="utf-8")
    code, out, err = run_cli(["settle", str(path)], capsys, monkeypatch)
    assert code == 0, err
    violations = json.loads(out)["violations"]
    pair = next(v for v in violations if v["rule_id"] == "PAIR-001")
    assert set(pair) == {"rule_id", "kind", "severity", "feedetl_sn", "amount", "text", "evidence"}
    assert pair["severity"] == "block" and isinstance(pair["feedetl_sn"], list) and "特级护理" in pair["text"]

    code, out, err = run_cli(["settle", str(path), "--override", "PAIR-001"], capsys, monkeypatch)
    assert code == 2 and "--commit" in err
    code, out, err = run_cli(["settle", str(path), "--commit", "--db", str(demo_path), "--override", "PAIR-001"],
                             capsys, monkeypatch)
    assert code == 2 and "--override-reason" in err
    code, out, err = run_cli(["settle", str(path), "--commit", "--db", str(demo_path), "--override", "PAIR-001",
                              "--override-reason", "经医务科审批", "--supervisor", "super"], capsys, monkeypatch,
                             stdin="super123\n")
    assert code == 0, err
    data = json.loads(out)
    pair = next(v for v in data["result"]["violations"] if v["rule_id"] == "PAIR-001")
    assert pair["override"] == {"operator": "super", "reason": "经医务科审批"}
    # a wrong supervisor password is refused, nothing committed
    later = blocked_request("C-2")
    later["encounter"].update(begntime="2026-12-01", endtime="2026-12-10")
    path.write_text(json.dumps(later, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_cli(["settle", str(path), "--commit", "--db", str(demo_path), "--override", "PAIR-001",
                              "--override-reason", "经医务科审批", "--supervisor", "super"], capsys, monkeypatch,
                             stdin="wrong\n")
    assert code != 0 and out == "" and "password" in err
    db = store.open_database(demo_path)
    try:
        assert [e.mdtrt_id for e in store.journal.list_entries(db)] == ["C-1"]
    finally:
        db.close()
