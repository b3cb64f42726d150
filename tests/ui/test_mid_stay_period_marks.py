"""A period of a stay settled in periods (中途结算) is marked as such: on the settle page beside the
amount, and on the printed slip under its title — "中途结算（第 1 段：起—止）" for a period closed while
the stay goes on, "出院结算（第 2 段：起—止，分段结算的最后一段）" for the last one; a stay settled at once
carries no mark."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from hospital_client import paths
from hospital_client.app.desk import Desk
from hospital_client.app.stay_periods import stay_period
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.settle_page import SettlePage
from hospital_client.ui.slip import write_slip_pdf
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"


def _settle(page: SettlePage, card_no: str, stay: str, bill: str, tmp: Path, begin: dt.date, end: dt.date, *,
            mid: bool, settle_done: Callable[[], None]) -> int:
    page.clear()
    page.identify.setText(card_no)
    page.lookup()
    settle_done()
    page.enter_stay(stay, begin)
    page.end.setDate(QDate(end.year, end.month, end.day))
    page.mid_stay.setChecked(mid)
    fees = json.loads((BILLS / bill).read_text(encoding="utf-8"))["fees"]
    path = tmp / f"{stay}-{bill}"
    path.write_text(json.dumps({"feedetail": fees}, ensure_ascii=False), encoding="utf-8")
    page.import_file(path, ask=False)
    settle_done()
    page.settle()
    settle_done()
    assert page.outcome is not None
    return int(page.outcome.committed.local_id)


def _slip_text(desk: Desk, local_id: int, tmp: Path) -> str:
    pdf = write_slip_pdf(desk, local_id, "demo", tmp / f"slip-{local_id}.pdf")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_periods_are_marked_on_the_page_and_the_slip(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                         settle_done, tmp_path: Path) -> None:
    operator = desk.login("demo", "demo123")
    window = MainWindow(desk, tasks, operator)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    page = window.settle_page
    page.confirm_settle = False
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    card = str(next(p for p in persons if p["assistance_group"] is None and p.get("card_no"))["card_no"])
    admitted = dt.date(2026, 11, 1)

    first = _settle(page, card, "ZY-PERIOD-1", "bill_01_pneumonia.json", tmp_path, admitted, dt.date(2026, 11, 15),
                    mid=True, settle_done=settle_done)
    assert page.period_mark.isVisible()
    assert page.period_mark.text() == "中途结算（第1段：2026-11-01—2026-11-15）"
    assert desk.slip_data(first, "demo")["period_text"] == "中途结算（第 1 段：2026-11-01—2026-11-15）"
    assert "中途结算（第 1 段：2026-11-01—2026-11-15）" in _slip_text(desk, first, tmp_path)

    second = _settle(page, card, "ZY-PERIOD-1", "bill_02_appendicitis_small.json", tmp_path, admitted,
                     dt.date(2026, 11, 25), mid=False, settle_done=settle_done)
    assert page.period_mark.text() == "出院结算（第2段：2026-11-16—2026-11-25，分段结算的最后一段）"
    assert "出院结算（第 2 段：2026-11-16—2026-11-25，分段结算的最后一段）" in _slip_text(desk, second, tmp_path)

    once = _settle(page, card, "ZY-AT-ONCE-1", "bill_02_appendicitis_small.json", tmp_path, dt.date(2026, 11, 26),
                   dt.date(2026, 11, 28), mid=False, settle_done=settle_done)
    assert not page.period_mark.isVisible()
    assert desk.slip_data(once, "demo")["period_text"] == ""
    assert "中途结算" not in _slip_text(desk, once, tmp_path) and "分段结算" not in _slip_text(desk, once, tmp_path)
    page.clear()
    assert not page.period_mark.isVisible()


def test_a_later_period_closed_the_same_day_starts_that_day() -> None:
    request = {"encounter": {"begntime": "2026-11-01", "endtime": "2026-11-15",
                             "stay_before": {"endtime": "2026-11-15", "periods": 1}}}
    period = stay_period(request, {"stay_after": {"periods": 2, "endtime": "2026-11-15"}})
    assert period is not None and (period.number, period.start, period.end) == (2, "2026-11-15", "2026-11-15")
    assert stay_period({"encounter": {"begntime": "2026-11-01", "endtime": "2026-11-15"}}, {}) is None
