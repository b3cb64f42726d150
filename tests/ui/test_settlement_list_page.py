"""The 结算清单 tab against the real central server: which lists are missing, accepted, rejected
(with the reasons), or wait for a final settlement; offline, the states are unknown. The window
is grabbed at 1366x768 and 1920x1080 (tmp_path/shots)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import central_db, online_desk

from hospital_client.app import settlement_list as sl
from hospital_client.app.desk import EncounterInput
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.tasks import TaskRunner

RECORD = {"dscg_way": "1", "dscg_caty": "内分泌科", "chfpdr_name": "王建国", "diag_names": {"E11.900": "2型糖尿病"}}


@pytest.fixture(autouse=True)
def _site_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


def test_the_list_tab_shows_missing_rejected_and_accepted_lists(qtbot: QtBot, tmp_path: Path) -> None:
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central:
        desk, clerk, _ = online_desk(tmp_path, central)
        try:
            today = dt.date.today()
            fees = [{"feedetl_sn": "1", "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液",
                     "pric": "16.50", "cnt": "160", "det_item_fee_sumamt": "2640.00"}]
            ids = []
            for i, person in enumerate(("DEMO990100000031", "DEMO990100000032", "DEMO990100000033")):
                request = desk.build_request(person, EncounterInput(f"ZY-L{i}", 2, today - dt.timedelta(days=5),
                                                                    today, diagnoses=("E11.900",)), fees)
                out = desk.settle_online(clerk, request)
                assert out.final
                ids.append(out.outcome.committed.local_id)
            accepted = desk.upload_settlement_list(clerk.name, ids[0], RECORD)
            assert accepted["stas"] == "accepted"
            built = desk.settlement_list(ids[1], RECORD)
            built.content["payinfo"] = [{"fund_pay_type": "310100", "fund_payamt": "1.00"}]
            rejected = sl.upload(desk.db(), desk.central_client(), built, operator=clerk.name)
            assert rejected["stas"] == "rejected"

            window = MainWindow(desk, tasks, clerk)
            window.show()
            page = window.settlement_list_page
            window.show_page(page)
            qtbot.waitUntil(lambda: page.model.rowCount() == 3 and tasks.running == 0, timeout=20_000)
            rows = {r["local_id"]: r for r in page.model.rows()}
            assert rows[ids[0]]["state"] == "accepted" and rows[ids[2]]["state"] == "missing"
            assert rows[ids[1]]["state"] == "rejected" and "基金支付合计 1.00" in rows[ids[1]]["reasons_text"]
            assert "质控未通过" in rows[ids[1]]["state_text"] and "未上传" in rows[ids[2]]["state_text"]
            assert "3" in page.summary.text()
            page.view.selectRow(list(rows).index(ids[1]))
            assert "基金支付合计" in page.detail.text()
            page.only_to_do.setChecked(True)
            assert sorted(r["local_id"] for r in page.model.rows()) == sorted([ids[1], ids[2]])
            page.only_to_do.setChecked(False)
            page.view.selectRow(list(rows).index(ids[1]))
            shots = tmp_path / "shots"
            shots.mkdir()
            for screen, (width, height) in SCREENS.items():
                window.resize(width, height)
                qtbot.wait(50)
                assert window.grab().save(str(shots / f"settlement-lists-{screen}.png"))

            central.stop()
            page.refresh()
            qtbot.waitUntil(lambda: tasks.running == 0, timeout=30_000)
            qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5_000)
            assert {r["state"] for r in page.model.rows()} == {"unknown"}
            assert page.message.text() and page.message.toolTip()
            window.close()
        finally:
            tasks.wait(30_000)
            desk.close()
