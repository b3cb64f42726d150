"""A list's rows carry their own numbers (序号, 流水号, the file's 行号) and nothing else down the
side: a row count beside them, in another order, read as a second number for the same row; the
columns still fit the rows read in after the table was drawn. The problems found in a bill file
are read, not edited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from hospital_client.app.bill_import import import_bill_bytes
from hospital_client.app.desk import Desk
from hospital_client.ui.bill_dialog import BillPreviewDialog
from hospital_client.ui.tasks import TaskRunner

from .test_clerk_review_screens import SMALL, window_at
from .test_screens import settle_some


def test_the_lists_show_their_own_numbers_only(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    settle_some(desk, 2)
    window = window_at(qtbot, desk, tasks, settle_done, SMALL, role="admin")
    history = window.history_page
    window.show_page(history)
    settle_done()
    assert history.model.rowCount() == 2
    assert [history.model.row_at(r)["local_id"] for r in range(2)] == [2, 1]  # newest first, by its 序号
    view = history.view
    cut = [c for c in range(history.model.columnCount()) if view.columnWidth(c) < view.sizeHintForColumn(c)]
    assert cut == [], [(history.model.headerData(c, Qt.Orientation.Horizontal), view.columnWidth(c)) for c in cut]
    for page in (history, window.queue_page, window.dayend_page, window.settlement_list_page, window.clearing_page,
                 window.settings_page):
        assert page is not None
        window.show_page(page)
        settle_done()
        for view in page.findChildren(QTableView):
            assert not view.verticalHeader().isVisibleTo(page), (type(page).__name__, view.objectName())


def test_a_refused_bills_problems_are_numbered_by_the_files_lines_and_not_editable(qtbot: QtBot) -> None:
    bill = import_bill_bytes("明细流水号,医保目录编码,项目名称,单价,数量,金额\n1,X1,床位费,40,7,280.00\n"
                             "2,X2,药,1.5,两盒,3\n3,,药,1,1,2\n".encode("gbk"), "his_export.csv")
    dialog = BillPreviewDialog(bill)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.errors
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["3", "4"]
    assert not table.verticalHeader().isVisible()
    table.setFocus()
    table.setCurrentCell(0, 2)
    before = table.item(0, 2).text()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.keyClicks(table, "x")
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert table.item(0, 2).text() == before
