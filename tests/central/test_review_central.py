"""智能审核 at the central system, over real HTTP: the same engine on every uploaded settlement
(a 拦截 self-paid unless the desk's supervisor overrode it, and the override visible to the fund),
分解住院 and 冒名就医 from the central store's stays at every site, 3101/3102 with the platform's
violation fields, and the monthly violations report (JSON and Excel).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import (
    HAND_FEES,
    SITE_A,
    SITE_B,
    Client,
    Server,
    catalog,
    item,
    make_request,
    packs,
    run_cli,
)
from openpyxl import load_workbook

from hospital_client import protocol as p
from hospital_client.app.review_rules import review_library_for
from hospital_client.rules import select_pack
from hospital_client.rules import settle as rules_settle
from hospital_client.rules.review import ReviewOverride

PSN = "DEMO990100000031"      # a man born 1981 (roster gend 1)
OTHER = "DEMO990100000009"
THIRD = "DEMO990100000011"

BLOCKED_FEES = [
    {"feedetl_sn": "1", "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50",
     "cnt": "100", "det_item_fee_sumamt": "1650.00"},
    {"feedetl_sn": "2", "med_list_codg": "001201000010000", "name": "重症监护", "pric": "8.00", "cnt": "48",
     "det_item_fee_sumamt": "384.00"},
    {"feedetl_sn": "3", "med_list_codg": "001201000020000", "name": "护理费 特级护理", "pric": "60.00", "cnt": "2",
     "det_item_fee_sumamt": "120.00"},
]


@pytest.fixture(scope="module")
def server(central: Server) -> Server:
    return central  # one server per module and store (SQLite, PostgreSQL): tests/central/conftest.py


@pytest.fixture(scope="module")
def a(server: Server) -> Client:
    return server.client(SITE_A)


@pytest.fixture(scope="module")
def b(server: Server) -> Client:
    return server.client(SITE_B)


def request(psn: str, mdtrt_id: str, begin: str, end: str, *, fees: list[dict[str, Any]] | None = None,
            site: str = SITE_A, dx: str = "E11.900") -> dict[str, Any]:
    req = make_request(psn, mdtrt_id, fees=fees or HAND_FEES, site=site, endtime=end)
    req["encounter"].update(begntime=begin, diagnoses=[dx])
    return req


def settled(local_id: str, req: dict[str, Any]) -> dict[str, Any]:
    """The item, settled on its discharge day when that is after the test items' 2026-03-10 (a stay
    ending after its settlement time is refused)."""
    return {**item(local_id, req), "setl_time": max("2026-03-10 10:00:00", f"{req['encounter']['endtime']} 10:00:00")}


def settle(client: Client, local_id: str, req: dict[str, Any], **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = client.call(p.SETTLEMENT, {"data": {**settled(local_id, req), **extra}})
    return out


def final_violations(server: Server, setl_id: str) -> dict[str, dict[str, Any]]:
    row = next(r for r in server.report()["settlements"] if r["setl_id"] == setl_id)
    return {v["rule_id"]: v for v in row["violations"]}


def test_a_block_is_self_paid_at_the_central_system_as_at_the_desk(server: Server, a: Client) -> None:
    out = settle(a, "RV-1", request(OTHER, "RV-MDT-1", "2026-02-01", "2026-02-05", fees=BLOCKED_FEES))
    assert out["status"] == "accepted"  # the desk's provisional figures (same engine) agree
    fired = final_violations(server, out["setl_id"])
    assert fired["PAIR-001"]["severity"] == "block" and "override" not in fired["PAIR-001"]
    assert fired["PAIR-001"]["feedetl_sn"] == ["3"] and fired["PAIR-001"]["amount"] == "120.00"
    row = next(r for r in server.report()["settlements"] if r["setl_id"] == out["setl_id"])
    assert row["review"]["id"] == "demo-review"


def test_an_override_at_the_desk_travels_and_is_visible_to_the_fund(server: Server, a: Client) -> None:
    req = request(THIRD, "RV-MDT-2", "2026-02-10", "2026-02-12", fees=BLOCKED_FEES)
    override = {"rule_id": "PAIR-001", "operator": "super", "reason": "经医务科审批", "feedetl_sn": ["3"]}
    pack = select_pack(packs(), "990100", req["person"]["insutype"], dt.date(2026, 2, 12))
    provisional = rules_settle(req, pack, catalog(), review=review_library_for("990100"),
                               overrides=[ReviewOverride("PAIR-001", "super", "经医务科审批")]).to_dict()
    out = a.call(p.SETTLEMENT, {"data": {**item("RV-2", req, provisional), "review_overrides": [override]}})
    assert out["status"] == "accepted"
    fired = final_violations(server, out["setl_id"])
    assert fired["PAIR-001"]["override"] == {"operator": "super", "reason": "经医务科审批"}
    report = server.report()
    assert report["violations_overridden"] >= 1
    # a malformed override is refused naming the field
    bad = a.send(p.SETTLEMENT, {"data": {**item("RV-3", request(OTHER, "RV-MDT-3", "2026-02-20", "2026-02-22")),
                                         "review_overrides": [{"rule_id": "PAIR-001", "operator": "", "reason": "x"}]}})
    refused = p.parse_response(bad.content)
    assert refused.infcode == p.BadInput.infcode and "review_overrides[0].operator" in refused.err_msg


def test_readmission_and_a_stay_elsewhere_from_the_central_store(server: Server, a: Client, b: Client) -> None:
    first = settle(a, "RA-1", request(PSN, "RA-MDT-1", "2026-04-01", "2026-04-10", dx="I63.900"))
    assert "READM-001" not in final_violations(server, first["setl_id"])
    second = settle(a, "RA-2", request(PSN, "RA-MDT-2", "2026-04-18", "2026-04-25", dx="I63.901"))
    readmission = final_violations(server, second["setl_id"])["READM-001"]
    assert readmission["evidence"]["prior_mdtrt_id"] == "RA-MDT-1" and readmission["evidence"]["gap_days"] == 8
    # the same person in another hospital on overlapping days: a 冒名就医 signal only the fund can see
    elsewhere = settle(b, "RB-1", request(PSN, "RB-MDT-1", "2026-04-20", "2026-04-28", site=SITE_B, dx="K35.800"))
    fired = final_violations(server, elsewhere["setl_id"])
    assert fired["ID-002"]["evidence"]["overlap_mdtrt_id"] == "RA-MDT-2"
    assert fired["ID-002"]["evidence"]["overlap_fixmedins_code"] == SITE_A
    assert "READM-001" not in fired  # another hospital: not a readmission of this one


def test_3101_and_3102_answer_with_the_platform_fields(a: Client) -> None:
    req = request(OTHER, "AN-MDT-1", "2026-05-01", "2026-05-04", fees=BLOCKED_FEES)
    out = a.call(p.RULE_PRE_ANALYSIS, {"data": {"request": req}})
    [pair] = [r for r in out["result"] if r["rule_id"] == "PAIR-001"]
    assert {"jr_id", "rule_id", "rule_name", "vola_cont", "patn_id", "mdtrt_id", "judge_result_detail_dtos",
            "vola_amt", "vola_amt_stas", "sev_deg", "vola_evid", "vola_bhvr_type", "task_id"} <= set(pair)
    assert (pair["sev_deg"], pair["vola_bhvr_type"], pair["vola_amt"], pair["patn_id"]) == ("1", "3", "120.00", OTHER)
    assert pair["judge_result_detail_dtos"][0]["rx_id"] == "3" and "特级护理" in pair["vola_cont"]
    assert json.loads(pair["vola_evid"])["with_code"] == "001201000010000"
    assert out["review"]["id"] == "demo-review" and Decimal(out["self_paid"]) >= Decimal("120.00")
    overridden = a.call(p.RULE_MID_ANALYSIS, {"data": {"request": req, "review_overrides": [
        {"rule_id": "PAIR-001", "operator": "super", "reason": "审批"}]}})
    [pair] = [r for r in overridden["result"] if r["rule_id"] == "PAIR-001"]
    assert pair["override"] == {"operator": "super", "reason": "审批"}
    assert Decimal(overridden["self_paid"]) == Decimal(out["self_paid"]) - Decimal("120.00")


def test_the_monthly_violations_report(server: Server, a: Client, tmp_path: Path) -> None:
    settle(a, "RM-1", request(OTHER, "RM-MDT-1", "2026-03-01", "2026-03-05", fees=BLOCKED_FEES))
    code, out = run_cli("violations", "--db", str(server.db), "--month", "2026-03", "--json")
    assert code == 0
    report = json.loads(out)
    # settlements are filed by their setl_time (2026-03-10 in the test items)
    assert report["month"] == "2026-03" and report["violations"] >= 1
    pair = next(g for g in report["by_hospital_rule"] if g["site"] == SITE_A and g["rule_id"] == "PAIR-001")
    assert pair["count"] >= 1 and Decimal(pair["amount"]) >= Decimal("120.00")
    assert Decimal(pair["refused"]) + Decimal(pair["overridden_amount"]) == Decimal(pair["amount"])
    xlsx = tmp_path / "violations.xlsx"
    code, out = run_cli("violations", "--db", str(server.db), "--month", "2026-03", "--xlsx", str(xlsx))
    assert code == 0 and "违规月报 2026-03" in out
    book = load_workbook(xlsx)
    assert book.sheetnames == ["汇总", "明细"]
    header = [c.value for c in book["汇总"][3]]
    assert header[:2] == ["医疗机构", "规则"]
    assert any(row[5] == "PAIR-001" for row in book["明细"].iter_rows(min_row=2, values_only=True))
    code, _ = run_cli("violations", "--db", str(server.db), "--month", "2026-13")
    assert code == 2


def test_the_9511_summary_carries_the_violations_and_the_override(a: Client) -> None:
    req = request(OTHER, "BT-MDT-1", "2026-06-01", "2026-06-04", fees=BLOCKED_FEES)
    override = {"rule_id": "PAIR-001", "operator": "super", "reason": "经医务科审批", "feedetl_sn": ["3"]}
    out = a.call(p.BATCH_UPLOAD, {"data": [{**settled("BT-1", req), "review_overrides": [override]}]})
    [result] = out["results"]
    final = result["final"]
    assert set(final) >= {"policy", "review", "setlinfo", "violations"} and "fees" not in final
    pair = next(v for v in final["violations"] if v["rule_id"] == "PAIR-001")
    assert pair["override"] == {"operator": "super", "reason": "经医务科审批"}
