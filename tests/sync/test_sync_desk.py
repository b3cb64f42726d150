"""The desk window's sync API (app.desk.Desk, '# --- sync'): test the connection, settle online,
sync now, the status, adjustments and parked messages; the demo site stays offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sync_helpers import HAND_FEES, central_db, online_desk

from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.sync.errors import NotConfigured


def _encounter(mdtrt_id: str) -> EncounterInput:
    return EncounterInput(mdtrt_id=mdtrt_id, hosp_lv=2, begntime=dt.date(2026, 3, 1), endtime=dt.date(2026, 3, 10),
                          diagnoses=("E11.900",))


def test_the_desk_sync_api(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        desk, clerk, code = online_desk(tmp_path, central)
        try:
            check = desk.test_connection()
            assert check.ok and check.sign_no and check.clock_warning is None and check.message_zh == "连接正常"
            request = desk.build_request("DEMO990100000061", _encounter("MDT-DESK-1"), HAND_FEES)
            online = desk.settle_online(clerk, request)
            assert online.final and online.state == "final" and desk.is_entry_final(online.outcome.committed.local_id)
            assert online.to_dict()["central_id"] == online.central_id
            status = desk.sync_status()
            assert status.configured and status.waiting == 0 and status.outbox["accepted"] == 1
            summary = desk.sync_now()
            assert summary.ok and summary.pulls is not None
            assert desk.sync_status().last_success_at
            assert desk.adjustments() == [] and desk.parked_messages() == []
            assert [r["local_id"] for r in central.settlements(code)] == ["1"]
        finally:
            desk.close_sync()
            desk.close()


def test_the_demo_site_settles_offline(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "demo.db", None, first_start=True)
    try:
        clerk = desk.login("demo", "demo123")
        request = desk.build_request("DEMO990100000062", _encounter("MDT-DEMO-1"), HAND_FEES)
        online = desk.settle_online(clerk, request)
        assert (online.state, online.central_status) == ("provisional", "offline")
        assert "离线结算" in online.message_zh
        with pytest.raises(NotConfigured):
            desk.sync_now()
        assert not desk.sync_status().configured and desk.sync_status().waiting == 1
    finally:
        desk.close()
