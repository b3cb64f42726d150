"""The bill's table (费用明细) on the settle page, asserted on real widgets off screen: maximised on a
1366×768 screen it shows without scrolling what the fund refuses or pays only partly (超限价,
先行自付, 政策范围内 and the marks), each figure whole; the item's name, cut if need be, is whole in
its tooltip with its code, and a header's tooltip names its column in full; the code gives way first,
and the header's menu brings it back; on a 1920×1080 screen every column is there, the marks whole;
at the smallest window (1024 px) the name is cut shorter rather than the marks."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MINIMUM_SIZE
from hospital_client.ui.screenshots import SCREENS
from hospital_client.ui.tasks import TaskRunner

from .test_clerk_review_screens import window_at
from .test_screens import load_patient_and_bill

SMALL, LARGE = SCREENS["1366x768"], SCREENS["1920x1080"]
KEY_HEADERS = ("金额", "自付比例", "超限价", "先行自付", "政策范围内", "标记")


def column(view: QTableView, header: str) -> int:
    model = view.model()
    return next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == header)


def whole_in_view(view: QTableView, col: int) -> bool:
    header = view.horizontalHeader()
    left = header.sectionViewportPosition(col)
    return not view.isColumnHidden(col) and left >= 0 and left + header.sectionSize(col) <= view.viewport().width()


def figures_whole(view: QTableView, col: int) -> bool:
    return view.horizontalHeader().sectionSize(col) >= view.sizeHintForColumn(col)


def test_at_1366_what_the_fund_refuses_is_in_view_without_scrolling(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, window, settle_done)  # the demo bill: over the cap, two warnings
    view = page.fee_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 39)
    for header in KEY_HEADERS:
        col = column(view, header)
        assert whole_in_view(view, col), (header, view.horizontalHeader().sectionViewportPosition(col))
        if header != "标记":
            assert figures_whole(view, col), header
    assert view.horizontalScrollBar().maximum() == 0  # nothing to scroll to
    model, flags = view.model(), column(view, "标记")
    marks = view.horizontalHeader().sectionSize(flags)
    assert marks >= view.fontMetrics().horizontalAdvance("超限价") + 8
    first = model.index(0, flags)
    assert "审核提示 INS-001" in first.data() and first.data(Qt.ItemDataRole.ToolTipRole) == first.data()
    # the item's name whole in its tooltip with its code; a header's tooltip names its column in full
    item = model.index(0, column(view, "项目名称"))
    assert item.data(Qt.ItemDataRole.ToolTipRole) == "单人间病房床位费\n001109000030000"
    assert "医保按比例支付" in model.headerData(column(view, "政策范围内"), Qt.Orientation.Horizontal,
                                             Qt.ItemDataRole.ToolTipRole)
    # the code gave way; the header's menu shows it again, and the key columns stay in view
    code = column(view, "医保编码")
    assert view.isColumnHidden(code)
    view.column_menu(QPoint(10, 5))
    menu = view.column_menu_shown
    assert menu is not None
    entry = next(a for a in menu.actions() if a.text() == "医保目录编码")
    assert not entry.isChecked()
    entry.trigger()
    menu.close()
    assert not view.isColumnHidden(code)
    assert all(whole_in_view(view, column(view, header)) for header in KEY_HEADERS)
    window.resize(*LARGE)  # the clerk's choice holds on the larger screen too
    qtbot.waitUntil(lambda: view.viewport().width() > 1000)
    assert not view.isColumnHidden(code)


def test_at_1920_every_column_is_there_and_the_marks_are_whole(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, LARGE)
    page = load_patient_and_bill(qtbot, window, settle_done)
    view = page.fee_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 39)
    model = view.model()
    assert not any(view.isColumnHidden(c) for c in range(model.columnCount()))
    assert view.horizontalScrollBar().maximum() == 0
    flags = column(view, "标记")
    assert whole_in_view(view, flags) and figures_whole(view, flags)  # 审核提示 INS-001; 超限价 whole
    assert all(figures_whole(view, c) for c in range(model.columnCount()))


def test_at_the_smallest_window_the_marks_stay_in_view_and_the_name_is_cut(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = window_at(qtbot, desk, tasks, settle_done, (MINIMUM_SIZE.width(), MINIMUM_SIZE.height()))
    page = load_patient_and_bill(qtbot, window, settle_done)
    view = page.fee_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 39)
    assert all(whole_in_view(view, column(view, header)) for header in KEY_HEADERS)
    assert view.horizontalScrollBar().maximum() == 0
    item = column(view, "项目名称")
    assert 0 < view.horizontalHeader().sectionSize(item) < view.sizeHintForColumn(item)  # cut, whole in its tooltip


def test_the_clerks_choice_of_columns_holds_at_the_next_start(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    """A column shown or hidden from the header's menu stays so in the next window (the user's
    preferences); what cannot be read there is left out."""
    from hospital_client.ui.preferences import SETTING_BILL_COLUMNS, bill_columns, preferences

    window = window_at(qtbot, desk, tasks, settle_done, SMALL)
    view = window.settle_page.fee_view
    code, price = column(view, "医保编码"), column(view, "单价")
    view.choose_column(code, True)
    view.choose_column(price, False)
    assert bill_columns() == {"code": True, "price": False}
    window.close()
    again = window_at(qtbot, desk, tasks, settle_done, SMALL)
    page = load_patient_and_bill(qtbot, again, settle_done)
    qtbot.waitUntil(lambda: page.fee_view.model().rowCount() == 39)
    assert not page.fee_view.isColumnHidden(code) and page.fee_view.isColumnHidden(price)
    preferences().setValue(SETTING_BILL_COLUMNS, "code=1,,nonsense,price=yes,flags=0")
    assert bill_columns() == {"code": True, "flags": False}
