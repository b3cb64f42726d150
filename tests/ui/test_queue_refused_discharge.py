"""A discharge (2402) made while the link was down and refused by the central system when the sync
sends it is shown to the clerk on the queue page, beside the refused uploads ("医保中心拒绝"), with the
central system's own sentence, and a line in the summary, until the clerk removes it (audited)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import Central, central_db, online_desk

from hospital_client.app import stay_transactions as st
from hospital_client.app.desk import Desk
from hospital_client.protocol import codes
from hospital_client.store import audit
from hospital_client.store.operators import Operator
from hospital_client.ui.queue_page import QueuePage
from hospital_client.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _site_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


@pytest.fixture()
def online(tmp_path: Path) -> Iterator[tuple[Central, Desk, Operator]]:
    with central_db(tmp_path / "central") as central:
        desk, clerk, _ = online_desk(tmp_path, central)
        try:
            yield central, desk, clerk
        finally:
            desk.close_sync()
            desk.close()


def test_a_refused_queued_discharge_is_listed_for_the_clerk(qtbot: QtBot, online: tuple[Central, Desk, Operator],
                                                            tasks: TaskRunner) -> None:
    central, desk, clerk = online
    central.stop()  # the link is down: the discharge waits for it
    left = desk.stay_transaction(clerk.name, codes.DISCHARGE,
                                 st.discharge_input("ZY-NEVER-ADMITTED", endtime=dt.date(2026, 3, 10),
                                                    diagnoses=["E11.900"]))
    assert left.state == "queued"
    central.start()
    assert desk.sync_now(clerk.name, pulls=False).ok  # the centre refuses it: the stay was never admitted

    page = QueuePage(desk, tasks, clerk)
    qtbot.addWidget(page)
    page.resize(1366, 698)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.stay_refused.rowCount() == 1 and tasks.running == 0, timeout=20_000)
    row = page.stay_refused.row_at(0)
    assert row["mdtrt_id"] == "ZY-NEVER-ADMITTED" and row["msgid"] == left.msgid
    assert "未在本机构办理入院" in row["err_msg"]  # the central system's own sentence
    assert row["infno_text"] == "出院办理（2402）"
    assert "离线时办理的出院有 1 笔被中心拒绝" in page.summary.text(), page.summary.text()
    assert page.tabs.tabText(1) == "医保中心拒绝"

    # the clerk removes it once dealt with (after choosing a line)
    page.tabs.setCurrentIndex(1)
    page.stay_refused_view.selectRow(0)
    page.dismiss_stay_refusal()
    qtbot.waitUntil(lambda: page.stay_refused.rowCount() == 0 and tasks.running == 0, timeout=20_000)
    assert "被中心拒绝" not in page.summary.text()
    assert desk.refused_stay_messages() == []
    states = [e.detail["state"] for e in audit.entries(desk.db()) if e.action == "stay_transaction"]
    assert states == ["queued", "refused", "dismissed"]
