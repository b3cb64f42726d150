"""中途结算 on the settle page, off screen: a long stay's first period settled with the "mid-stay"
box ticked, its next period settled under the same admission no. continuing it (no second
deductible), where without the box the second settlement of the stay would be refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.settle_page import SettlePage
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"


def _settle_period(page: SettlePage, card_no: str, stay: str, bill: str, tmp: Path, *, mid: bool,
                   settle_done: Callable[[], None]) -> None:
    page.clear()
    page.identify.setText(card_no)
    page.lookup()
    settle_done()
    page.enter_stay(stay, dt.date.today() - dt.timedelta(days=20))
    page.mid_stay.setChecked(mid)
    fees = json.loads((BILLS / bill).read_text(encoding="utf-8"))["fees"]
    path = tmp / f"{bill}.json"
    path.write_text(json.dumps({"feedetail": fees}, ensure_ascii=False), encoding="utf-8")
    page.import_file(path, ask=False)
    settle_done()
    page.settle()
    settle_done()


def test_a_stay_settled_in_two_periods_on_the_settle_page(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                          tmp_path: Path) -> None:
    operator = desk.login("demo", "demo123")
    window = MainWindow(desk, tasks, operator)
    qtbot.addWidget(window)
    page = window.settle_page
    page.confirm_settle = False
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    person = next(p for p in persons if p["assistance_group"] is None and p.get("card_no"))
    _settle_period(page, str(person["card_no"]), "ZY-MID-UI-1", "bill_01_pneumonia.json", tmp_path, mid=True,
                   settle_done=settle_done)
    assert page.outcome is not None
    first = page.outcome.result.to_dict()
    assert first["stay_after"]["periods"] == 1 and first["setlinfo"]["act_pay_dedc"] != "0.00"
    _settle_period(page, str(person["card_no"]), "ZY-MID-UI-1", "bill_02_appendicitis_small.json", tmp_path,
                   mid=False, settle_done=settle_done)
    assert page.outcome is not None
    second = page.outcome.result.to_dict()
    assert second["stay_after"]["periods"] == 2 and second["setlinfo"]["act_pay_dedc"] == "0.00"
    entries = [e for e in desk.journal() if e["mdtrt_id"] == "ZY-MID-UI-1"]
    assert len(entries) == 2
