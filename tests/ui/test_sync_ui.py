"""The desk window against the real reference central server (a subprocess on 127.0.0.1):

- an offline settlement, then a sync from the window, shows the adjustment the central system
  made (补费/退费), with a notice for the patient and its resolution;
- the GUI thread never blocks: with the server answering after 3 seconds, the event loop keeps
  running (measured with a 10 ms timer).

Hand-computed case (demo pack; employee, urban, no assistance group; level-2 hospital; 3,000.00
of 甲类 items, see tests/sync/test_sync_two_sites.py): site B settles the person online first, so
at the central system site A's stay is the 2nd admission of the year (deductible 500 × 50% =
250: pool (3000 − 250) × 75% = 2062.50, cash 937.50). Site A's desk, offline with the roster
pulled before B's stay, computes a 1st admission (deductible 500: pool 1875.00, cash 1125.00).
The adjustment is psn_cash_pay 937.50 − 1125.00 = −187.50: the patient gets 187.50 back.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "central"))

from sync_helpers import HAND_FEES, FaultProxy, central_db, operator, ready_desk, site_config

from hospital_client import credentials
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.tasks import TaskRunner

PERSON = "DEMO990100000031"


@pytest.fixture(autouse=True)
def _site_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)


def _bill(tmp: Path) -> Path:
    path = tmp / "bill.json"
    path.write_text(json.dumps({"feedetail": HAND_FEES}, ensure_ascii=False), encoding="utf-8")
    return path


def _open_desk(tmp: Path, central, name: str, *, url: str | None = None) -> tuple[Desk, object]:  # type: ignore[no-untyped-def]
    code = central.new_site()
    credentials.set_secret(su.secret_name(code), central.secrets[code])
    db = ready_desk(tmp, central, code, name)
    clerk = operator(db)
    db.close()
    return Desk(tmp / name, site_config(central, code, url=url), first_start=False), clerk


def _settle_in_window(qtbot: QtBot, window: MainWindow, tmp: Path, tasks: TaskRunner) -> None:
    page = window.settle_page
    page.confirm_settle = False
    page.identify.setText(PERSON)
    page.lookup()
    qtbot.waitUntil(lambda: page.person is not None and tasks.running == 0, timeout=10_000)
    page.enter_stay(f"ZY-SYNC-{tmp.name}", dt.date.today() - dt.timedelta(days=7))
    page.import_file(_bill(tmp), ask=False)
    qtbot.waitUntil(lambda: page.preview is not None and tasks.running == 0, timeout=10_000)
    page.settle()


def test_offline_settlement_then_sync_shows_the_adjustment(qtbot: QtBot, qtmodeltester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central:
        desk_b, clerk_b = _open_desk(tmp_path, central, "desk-b.db")
        desk_a, clerk_a = _open_desk(tmp_path, central, "desk-a.db")
        try:
            fees = HAND_FEES
            today = __import__("datetime").date.today()
            online_b = desk_b.settle_online(clerk_b, desk_b.build_request(
                PERSON, EncounterInput("MDT-UI-B1", 2, today, today), fees))
            assert online_b.final

            central.stop()  # site A is offline now
            window = MainWindow(desk_a, tasks, clerk_a)  # type: ignore[arg-type]
            qtbot.addWidget(window)
            _settle_in_window(qtbot, window, tmp_path, tasks)
            page = window.settle_page
            qtbot.waitUntil(lambda: page.online is not None, timeout=30_000)
            assert page.online.state == "provisional"
            assert page.breakdown.figures["psn_cash_pay"].text() == "1125.00"
            assert "离线结算" in page.state_label.text()

            central.start()
            queue = window.queue_page
            window.show_page(queue)
            qtbot.waitUntil(lambda: tasks.running == 0, timeout=10_000)
            queue.sync_now()
            qtbot.waitUntil(lambda: not queue.syncing and tasks.running == 0, timeout=60_000)
            assert "同步完成" in queue.message.text(), queue.message.text()
            qtbot.waitUntil(lambda: queue.adjustments.rowCount() == 1, timeout=10_000)
            adjustment = queue.adjustments.row_at(0)
            assert adjustment["psn_cash_pay"] == "-187.50"
            assert adjustment["hifp_pay"] == "187.50"
            qtmodeltester.check(queue.adjustments, force_py=True)

            queue.adjust_view.selectRow(0)
            notice = tmp_path / "notice.pdf"
            queue.print_notice(notice)
            qtbot.waitUntil(lambda: tasks.running == 0, timeout=10_000)
            text = subprocess.run(["pdftotext", "-layout", str(notice), "-"], capture_output=True, text=True,
                                  check=True).stdout
            assert "退还" in text and "187.50" in text

            queue.resolve_selected("退费收据 0001")
            qtbot.waitUntil(lambda: tasks.running == 0 and bool(queue.adjustments.row_at(0).get("resolved_by")),
                            timeout=10_000)
            assert desk_a.is_entry_final(page.online.outcome.committed.local_id)
        finally:
            tasks.wait()
            for desk in (desk_a, desk_b):
                desk.close_sync()
                desk.close()


def test_the_window_keeps_running_while_the_server_takes_3_seconds(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_ONLINE_WAIT", "8")
    tasks = TaskRunner()
    with central_db(tmp_path / "central") as central, FaultProxy(central.url, default="delay:3") as proxy:
        desk, clerk = _open_desk(tmp_path, central, "desk.db", url=proxy.url)
        try:
            window = MainWindow(desk, tasks, clerk)  # type: ignore[arg-type]
            qtbot.addWidget(window)
            window.show()
            ticks: list[int] = []
            clock = QElapsedTimer()
            clock.start()
            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
            timer.start()
            started = time.monotonic()
            _settle_in_window(qtbot, window, tmp_path, tasks)
            page = window.settle_page
            qtbot.waitUntil(lambda: page.online is not None, timeout=30_000)
            waited = time.monotonic() - started
            timer.stop()
            assert page.online.final, page.online.reason  # the answer came, after the delay
            assert waited >= 3.0
            gaps = [b - a for a, b in itertools.pairwise(ticks)]
            # The event loop ran all along: ~100 ticks a second, never a pause of a quarter second.
            assert len(ticks) >= 150, len(ticks)
            assert max(gaps) < 250, max(gaps)
        finally:
            tasks.wait()
            desk.close_sync()
            desk.close()
