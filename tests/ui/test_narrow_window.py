"""The window at its smallest (1024 px wide, 640 high; a 1280×720 screen leaves about 1280×650),
asserted on real widgets off screen: an admin's eight tabs are all whole without scroll arrows,
each still showing its key; the figures of the split are never squeezed in height (the list of
steps gives way, and comes back with room); the offline banner does not announce an empty queue;
a desk with no central system says so without a command name; the outpatient page's quick items
wrap between items, never an item from its price."""

from __future__ import annotations

import re
from types import SimpleNamespace

from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MINIMUM_SIZE
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.tasks import TaskRunner

from .test_clerk_review_screens import window_at
from .test_screens import english_on, load_patient_and_bill, settle_some

NARROW = (MINIMUM_SIZE.width(), MINIMUM_SIZE.height())
SMALL = SCREENS["1366x768"]


def squeezed_figures(figures: dict[str, QLabel]) -> list[tuple[str, int]]:
    return [(key, label.height()) for key, label in figures.items() if label.height() < label.fontMetrics().height()]


def test_an_admins_eight_tabs_are_whole_at_1024_and_keep_their_keys(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 1)  # the queue's title carries its count
    window = window_at(qtbot, desk, tasks, settle_done, NARROW, role="admin")
    window.refresh_status()
    settle_done()
    tabs = window.tabs
    assert tabs.count() == 8 and window.width() == 1024
    bar = tabs.tabBar()
    assert bar.sizeHint().width() <= tabs.width(), (bar.sizeHint().width(), tabs.width())
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)  # the last one chosen does not scroll the first away
        settle_done()
        assert all(0 <= bar.tabRect(i).left() and bar.tabRect(i).right() < bar.width() for i in range(tabs.count()))
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[0] == "结算 Ctrl+1" and titles[7] == "设置 Ctrl+8", titles
    assert "（1）" in titles[2] and titles[2].endswith("Ctrl+3"), titles
    assert tabs.tabToolTip(1) == "结算记录（Ctrl+2）"
    window.resize(*SMALL)  # room again: the titles with their keys in brackets
    qtbot.waitUntil(lambda: tabs.tabText(0) == "结算（Ctrl+1）")
    assert tabs.tabText(7) == "设置（Ctrl+8）" and "（1）（Ctrl+3）" in tabs.tabText(2)


def test_the_figures_are_never_squeezed_at_the_smallest_window(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, window, settle_done)
    panel = page.breakdown
    assert panel.explain.isVisible() and panel.explain.count() > 3
    for size in (NARROW, (1280, 650)):
        window.resize(*size)
        qtbot.waitUntil(lambda: not panel.explain.isVisible() and squeezed_figures(panel.figures) == [], timeout=2_000)
        assert panel.warnings.isVisible() and panel.warnings.height() >= panel.warnings.fontMetrics().height()
    window.resize(*SMALL)
    qtbot.waitUntil(lambda: panel.explain.isVisible() and squeezed_figures(panel.figures) == [], timeout=2_000)
    assert panel.explain.height() >= panel.explain.minimumHeight()  # the steps back with room


def test_the_offline_banner_does_not_announce_an_empty_queue(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    nothing = SimpleNamespace(configured=False, last_error="", waiting=0, last_success_at="", clock_warning=None)
    window._status_read((nothing, []))
    assert window.offline_banner.isVisible() and "离线" in window.offline_banner.text()
    assert "待上传" not in window.offline_banner.text()
    window._status_read((SimpleNamespace(**{**vars(nothing), "waiting": 2}), []))
    assert "待上传：2 笔" in window.offline_banner.text()


def test_a_desk_without_a_central_system_says_so_without_a_command_name(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    window.show_clearing()
    page = window.clearing_page
    page.apply()
    settle_done()
    shown = " ".join(label.text() for label in page.findChildren(QLabel) if label.isVisible())
    assert "未配置医保中心" in shown
    assert english_on(page) == [] and not re.search(r"setup", shown)


def drawn_lines(label: QLabel) -> list[str]:
    """The lines a label draws its text on (wrapped at its width where it wraps)."""
    text = label.text()
    if not label.wordWrap():
        return text.split("\n")
    layout = QTextLayout(text, label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(label.contentsRect().width())
        lines.append(text[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_the_quick_items_wrap_between_items_never_an_item_from_its_price(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, NARROW)
    window.show_outpatient()
    settle_done()
    page = window.outpatient_page
    box = page.findChild(QWidget, "op_quick")
    assert box is not None and len(page.quick) == 8
    labels = [w for w in (box, *box.findChildren(QLabel)) if isinstance(w, QLabel) and w.isVisible()]
    lines = [line.replace("\u00a0", " ").strip() for label in labels for line in drawn_lines(label)]
    assert len(lines) > 1 or len({label.y() for label in labels}) > 1  # too long for one line at 1024
    for n, item in enumerate(page.quick, start=1):
        whole = f"{n}. {item.name} {item.demo_pric}"
        assert any(whole in line for line in lines), (whole, lines)
    for label in box.findChildren(QLabel):  # each drawn whole, inside the line's box
        assert box.rect().contains(label.geometry()) and label.width() >= label.sizeHint().width(), label.text()
