"""Settings are for admins only; they list the cached packs and keep the desk's printer and
language choice (audited)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.preferences import SETTING_LANGUAGE, preferences
from hospital_client.ui.tasks import TaskRunner


def test_only_an_admin_sees_settings(qtbot: QtBot, desk: Desk, tasks: TaskRunner) -> None:
    clerk_window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(clerk_window)
    assert clerk_window.settings_page is None
    assert "设置" not in [clerk_window.tabs.tabText(i) for i in range(clerk_window.tabs.count())]
    admin_window = MainWindow(desk, tasks, desk.login("admin", "admin123"))
    qtbot.addWidget(admin_window)
    assert admin_window.settings_page is not None


def test_packs_listed_and_language_saved(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = MainWindow(desk, tasks, desk.login("admin", "admin123"))
    qtbot.addWidget(window)
    page = window.settings_page
    assert page is not None
    window.show_page(page)
    settle_done()
    ids = {page.packs.row_at(i)["id"] for i in range(page.packs.rowCount())}
    assert {"demo", "fuxin-2020", "xuzhou-2013", "anhui-2015-pilot"} <= ids
    page.language.setCurrentIndex(page.language.findData("en"))
    assert preferences().value(SETTING_LANGUAGE) == "en"
    settle_done()
    assert "重新启动" in page.saved.text() or "starts again" in page.saved.text()
