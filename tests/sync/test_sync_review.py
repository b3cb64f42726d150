"""智能审核 from the desk to the central system: a supervisor's override of a 拦截 travels with the
settlement (2304), the central audit applies it (same figures: accepted, not adjusted) and keeps
who and why; a readmission found on the desk is found by the central system too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync_helpers import HAND_FEES, central_db, online_desk

from hospital_client.app import OverrideInput
from hospital_client.app.desk import EncounterInput

BLOCKED_FEES = [*HAND_FEES,
                {"feedetl_sn": "3", "med_list_codg": "001201000010000", "name": "重症监护", "pric": "8.00", "cnt": "48",
                 "det_item_fee_sumamt": "384.00"},
                {"feedetl_sn": "4", "med_list_codg": "001201000020000", "name": "护理费 特级护理", "pric": "60.00",
                 "cnt": "2", "det_item_fee_sumamt": "120.00"}]


def encounter(mdtrt_id: str, begin: dt.date, end: dt.date, dx: str = "E11.900") -> EncounterInput:
    return EncounterInput(mdtrt_id=mdtrt_id, hosp_lv=2, begntime=begin, endtime=end, diagnoses=(dx,))


def test_an_override_and_a_readmission_reach_the_central_system(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        desk, admin, code = online_desk(tmp_path, central)  # an administrator may approve what a supervisor may
        try:
            request = desk.build_request("DEMO990100000061", encounter("MDT-RV-1", dt.date(2026, 3, 1),
                                                                       dt.date(2026, 3, 10)), BLOCKED_FEES)
            blocked = desk.preview(request)
            assert any(v["rule_id"] == "PAIR-001" and v["severity"] == "block" for v in blocked.result["violations"])
            online = desk.settle_online(admin, request, overrides=[OverrideInput("PAIR-001", "特级护理经医务科审批")],
                                        approver=admin)
            assert online.final and online.central_status == "accepted"
            [row] = central.settlements(code)
            pair = next(v for v in row["violations"] if v["rule_id"] == "PAIR-001")
            assert pair["override"] == {"operator": admin.name, "reason": "特级护理经医务科审批"}

            second = desk.build_request("DEMO990100000061", encounter("MDT-RV-2", dt.date(2026, 3, 18),
                                                                      dt.date(2026, 3, 22)), HAND_FEES)
            online = desk.settle_online(admin, second)
            assert online.final and online.central_status == "accepted"
            assert online.outcome.result is not None
            local = {v["rule_id"] for v in online.outcome.result.to_dict()["violations"]}
            central_rules = {v["rule_id"] for v in central.settlements(code)[1]["violations"]}
            assert "READM-001" in local and "READM-001" in central_rules
        finally:
            desk.close_sync()
            desk.close()
