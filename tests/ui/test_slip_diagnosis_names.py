"""The printed 结算单 names the discharge diagnosis as HIS named it (肺炎（J18.900）), the main one
first; a settlement of a stay typed at the window shows the code alone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui.slip import produce_slip
from tests.ui.test_slip_and_privacy import pdf_text

HIS_DEMO = paths.demo_dir() / "his"


def test_the_printed_slip_shows_the_diagnosis_name_before_its_code(desk: Desk, tmp_path: Path,
                                                                   qtbot: QtBot) -> None:
    clerk = desk.login("demo", "demo123")
    data = json.loads((HIS_DEMO / "handoff_01_ZY20261101.json").read_text(encoding="utf-8"))
    data["admission"].update(ipt_no="ZY-DX-2", diagnoses=[{"code": "J18.900", "name": "肺炎"},
                                                          {"code": "I10.x00", "name": "高血压"}, "E11.900"])
    handoff = tmp_path / "two.json"
    handoff.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    desk.his_import(handoff, "test")
    settled = desk.settle_his(clerk, "ZY-DX-2").committed.local_id
    text = pdf_text(Path(produce_slip(desk, settled, "demo", reprint=True, target=tmp_path / "slip.pdf")))
    assert "出院诊断：肺炎（J18.900），高血压（I10.X00），E11.900" in text.replace(" ", "")

    today = dt.date.today()
    typed = desk.settle(clerk, desk.build_request(
        "DEMO990100000002", EncounterInput("ZY-TYPED-2", 2, today - dt.timedelta(days=2), today,
                                           diagnoses=("K35.800",)), data["feedetail"][:3])).committed.local_id
    text = pdf_text(Path(produce_slip(desk, typed, "demo", reprint=True, target=tmp_path / "typed.pdf")))
    assert "出院诊断：K35.800" in text.replace(" ", "")
