"""Every table model of the desk passes qtmodeltester with real rows."""

from __future__ import annotations

import json

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.models import DictTableModel, FeeTableModel
from hospital_client.ui.tasks import TaskRunner
from tests.ui.test_history_and_dayend import settle_some


def test_fee_table_model(qtmodeltester, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    fees = json.loads((paths.demo_dir() / "bills" / "bill_07_lumbar_overcap.json").read_text(encoding="utf-8"))
    model = FeeTableModel()
    model.set_rows(desk.rows(fees["fees"]))
    qtmodeltester.check(model, force_py=True)
    empty = FeeTableModel()
    qtmodeltester.check(empty, force_py=True)


def test_page_models(qtbot, qtmodeltester, desk: Desk, tasks: TaskRunner, settle_done) -> None:  # type: ignore[no-untyped-def]
    settle_some(desk, 2)
    window = MainWindow(desk, tasks, desk.login("admin", "admin123"))
    qtbot.addWidget(window)
    assert window.settings_page is not None
    for page in (window.history_page, window.dayend_page, window.queue_page, window.settings_page):
        window.show_page(page)
        settle_done()
    filled: list[DictTableModel] = [window.history_page.model, window.dayend_page.day_model,
                                    window.dayend_page.fund_model, window.queue_page.outbox,
                                    window.settings_page.packs]
    for model in filled:
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
    # The demo site has nothing refused and no adjustments: the empty models are checked too.
    for model in (window.queue_page.parked, window.queue_page.adjustments):
        qtmodeltester.check(model, force_py=True)
