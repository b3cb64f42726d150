"""门诊慢特病备案 from the desk against the real central server: 2503 files a disease (a 14 visit
of it then settles), 5301 lists, 2504 revokes (the next 14 visit is refused); the commands
`outpatient filing add|cancel|list` do the same with --json; without the link nothing changes."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import ADMIN_PASSWORD, Central, central_db, online_desk, ready_desk, site_config

from hospital_client import cli, credentials
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.app.errors import PermissionDenied, UnknownPerson
from hospital_client.app.outpatient import BadVisit, VisitInput, parse_visit
from hospital_client.app.outpatient_filings import (
    BadFiling,
    FilingRefused,
    file_disease,
    list_filings,
    revoke_filing,
)
from hospital_client.app.stay_transactions import StayNeedsLink
from hospital_client.store import audit
from hospital_client.store.operators import Operator

PSN = "DEMO990100000016"
DAY = dt.date(2026, 1, 1)


def chronic_visit(psn_no: str, dise: str) -> VisitInput:
    return parse_visit({"psn_no": psn_no, "med_type": "14", "dise_codg": dise, "begntime": "2026-03-10",
                        "hosp_lv": 2, "fees": [{"med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液",
                                                "pric": "16.50", "cnt": "20", "det_item_fee_sumamt": "330.00"}]})


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Central, Desk, Operator, str]]:
    with central_db(tmp_path / "central") as central:
        desk, clerk, code = online_desk(tmp_path, central)
        try:
            yield central, desk, clerk, code
        finally:
            desk.close_sync()
            desk.close()


def test_file_settle_revoke_refused(setup: tuple[Central, Desk, Operator, str]) -> None:
    _central, desk, clerk, _code = setup
    assert list_filings(desk, PSN) == []
    filing = file_disease(desk, clerk, PSN, "I10", begndate=DAY, dr_name="王医生")
    assert filing.state == "active" and filing.opsp_dise_name == "高血压" and filing.trt_dcla_detl_sn.startswith("B")
    assert filing.in_force(dt.date(2026, 3, 10))
    again = file_disease(desk, clerk, PSN, "I10", begndate=DAY, dr_name="王医生")  # the same: the one in force
    assert again.trt_dcla_detl_sn == filing.trt_dcla_detl_sn
    with pytest.raises(FilingRefused, match="2504") as refused:  # another one for a filed disease: revoke first
        file_disease(desk, clerk, PSN, "I10", begndate=dt.date(2026, 2, 1))
    assert refused.value.clerk_args()["transaction"] == "人员慢特病备案"
    with pytest.raises(FilingRefused, match="X99"):  # not on the pack's list
        file_disease(desk, clerk, PSN, "X99", begndate=DAY)
    assert [(c.code, c.filed) for c in desk.outpatient().diseases(PSN)] == [("I10", True), ("E11", False)]
    done = desk.outpatient().settle(clerk, chronic_visit(PSN, "I10"))
    assert done.final, done.reason
    revoked = revoke_filing(desk, clerk, PSN, filing.trt_dcla_detl_sn, "病情变化，停止备案")
    assert revoked.state == "revoked" and revoked.revoked_at
    [listed] = list_filings(desk, PSN)
    assert listed.state == "revoked" and not listed.in_force(dt.date(2026, 3, 10))
    with pytest.raises(BadVisit, match="2503"):  # revoked: the next 14 visit of the disease is refused
        desk.outpatient().settle(clerk, chronic_visit(PSN, "I10"))
    trail = [e for e in audit.entries(desk.db()) if e.action == "chronic_filing"]
    assert [e.detail["infno"] for e in trail] == ["2503", "2503", "2504"]
    assert all(PSN not in json.dumps(e.detail) for e in trail)


def test_refusals_before_anything_is_sent(setup: tuple[Central, Desk, Operator, str]) -> None:
    central, desk, clerk, _code = setup
    with pytest.raises(UnknownPerson):
        file_disease(desk, clerk, "NOBODY", "I10", begndate=DAY)
    with pytest.raises(BadFiling):
        file_disease(desk, clerk, PSN, "I10", begndate=DAY, enddate=dt.date(2025, 12, 31))
    with pytest.raises(BadFiling):
        revoke_filing(desk, clerk, PSN, "B1", "  ")
    plain = Operator(name="clerk1", display_name="收费员", role="clerk")
    with pytest.raises(PermissionDenied):
        revoke_filing(desk, plain, PSN, "B1", "原因")
    central.stop()
    with pytest.raises(StayNeedsLink):
        file_disease(desk, clerk, PSN, "I10", begndate=DAY)


def test_the_filing_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    errors: list[str] = []

    def run(*argv: str, password: bool = True) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
        extra = ["--operator", "it", "--password-stdin"] if password else []
        status = cli.main([*argv, "--db", str(db_path), *extra])
        captured = capsys.readouterr()
        errors.append(captured.err)
        return status, captured.out

    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        su.write_site_file(Path(os.environ["HOSPITAL_CLIENT_CONFIG"]), site_config(central, code))
        db = ready_desk(tmp_path, central, code)
        db_path = db.path
        db.close()
        status, text = run("outpatient", "filing", "add", PSN, "E11", "--from", "2026-01-01", "--json")
        assert status == 0, text
        filed = json.loads(text)
        assert filed["opsp_dise_code"] == "E11" and filed["state"] == "active" and filed["enddate"] == ""
        status, text = run("outpatient", "filing", "list", PSN, "--json", password=False)
        assert status == 0 and [f["trt_dcla_detl_sn"] for f in json.loads(text)] == [filed["trt_dcla_detl_sn"]]
        status, text = run("outpatient", "filing", "list", PSN, password=False)
        assert "E11" in text and "有效" in text and "长期" in text
        status, text = run("outpatient", "filing", "cancel", PSN, filed["trt_dcla_detl_sn"], "--reason", "误备案",
                           "--json")
        assert status == 0 and json.loads(text)["state"] == "revoked"
        assert run("outpatient", "filing", "add", PSN, "X99")[0] == 2  # refused by the central system
        assert "X99" in errors[-1] and "2503" in errors[-1]
