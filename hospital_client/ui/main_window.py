"""The desk's main window: the settle screen and the other pages, the offline banner, the status
bar and the keys.

Only the settle screen is built at start-up; each other page (and its module) the first time
it is opened, which keeps the clerk's wait for the window short.

The window fits a 1366×768 screen (its minimum size is below what such a screen leaves once the
taskbar and the title bar are drawn); on a screen that small it opens maximised. While the desk
works offline, or provisional settlements wait for the insurance centre, a coloured banner
above the pages says so and how many wait; nothing else on screen replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QPushButton, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from ..app import Desk, Operator
from ..app.link_state import LinkReading, is_offline
from .messages import clerk_message, error_detail, long_moment_text, moment_text
from .settle_page import SettlePage
from .tasks import TaskRunner
from .widgets import with_key

if TYPE_CHECKING:
    from .clearing_page import ClearingPage
    from .dayend_page import DayEndPage
    from .history_page import HistoryPage
    from .outpatient_page import OutpatientPage
    from .queue_page import QueuePage
    from .settings_page import SettingsPage
    from .settlement_list_page import SettlementListPage

# The status bar is read once the window has painted (the first read loads the sync code).
FIRST_STATUS_DELAY_MS = 200
# The smallest window in which every page shows all its buttons, figures and the status line:
# below what a 1366×768 screen leaves (about 1366×700 once the taskbar and title bar are drawn).
MINIMUM_SIZE = QSize(1024, 640)
# The size the window opens at on a larger screen.
PREFERRED_SIZE = QSize(1366, 740)
# A screen no larger than this gets the window maximised.
SMALL_SCREEN = QSize(1440, 820)
OFFLINE_STYLE = ("QLabel#offline_banner{background:#b00000;color:white;font-size:12pt;font-weight:bold;"
                 "padding:6px 10px;border-radius:3px}")
QUEUED_STYLE = ("QLabel#offline_banner{background:#f0a000;color:black;font-size:12pt;font-weight:bold;"
                "padding:6px 10px;border-radius:3px}")


def tab_key(index: int) -> str:
    """The key of the tab at ``index`` (from 0): Ctrl+1 to Ctrl+9; the F-keys act on the pages."""
    return f"Ctrl+{index + 1}"


class PageSlot(QWidget):
    """A tab's place; the page in it is built when first needed."""

    def __init__(self, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self._build = build
        self._page: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def page(self) -> QWidget:
        if self._page is None:
            self._page = self._build()
            self._layout.addWidget(self._page)
        return self._page


class MainWindow(QMainWindow):
    """The desk window of one logged-in operator (F11 logs out and opens the next one's)."""

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.tasks, self.operator = desk, tasks, operator
        self.setWindowTitle(self.tr("Discharge settlement — %1").replace("%1", desk.site_name))
        self.setMinimumSize(MINIMUM_SIZE)
        self.resize(self._preferred_size())
        # What the last status read said: the next settlement is provisional (offline, or older
        # ones still wait: the centre takes them in order). Until the first read: the site's setting.
        self.configured = bool(desk.site and desk.site.server_url)
        self.offline = not self.configured
        self.link_down = False  # the latest call or /health check got no answer (app.link_state)
        self.waiting: int | None = None
        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offline_banner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.tabs = QTabWidget()
        self._tab_titles: dict[QWidget, str] = {}
        self._tab_counts: dict[QWidget, str] = {}
        # How the tab titles show their keys: the first style in which they all fit the tab bar
        # (an admin's eight tabs at 1024 px take the shorter one), so every tab is whole and
        # reachable without scroll arrows; the key is in each tab's tooltip too.
        self.tab_style = 0
        self.tabs.installEventFilter(self)
        self.settle_page = SettlePage(desk, tasks, operator)
        self._add_tab(self.settle_page, self.tr("Settle"), lambda: self.tabs.setCurrentWidget(self.settle_page))
        self._history = PageSlot(self._make_history)
        self._add_tab(self._history, self.tr("History"), lambda: self.tabs.setCurrentWidget(self._history))
        self._queue = PageSlot(self._make_queue)
        self._add_tab(self._queue, self.tr("Upload and sync"), lambda: self.tabs.setCurrentWidget(self._queue))
        self._dayend = PageSlot(self._make_dayend)
        self._add_tab(self._dayend, self.tr("Day-end"), lambda: self.tabs.setCurrentWidget(self._dayend))
        self._lists = PageSlot(self._make_lists)
        self._add_tab(self._lists, self.tr("Settlement lists"), lambda: self.show_page(self.settlement_list_page))
        self._clearing = PageSlot(self._make_clearing)
        self._add_tab(self._clearing, self.tr("Clearing"), self.show_clearing)
        self._outpatient = PageSlot(self._make_outpatient)
        self._add_tab(self._outpatient, self.tr("Outpatient"), self.show_outpatient)
        self._settings: PageSlot | None = None
        if operator.has_role("admin"):
            self._settings = PageSlot(self._make_settings)
            settings = self._settings
            self._add_tab(settings, self.tr("Settings"), lambda: self.tabs.setCurrentWidget(settings))
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(4, 4, 4, 0)
        central_layout.setSpacing(4)
        central_layout.addWidget(self.offline_banner)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.tabs.currentChanged.connect(self._page_shown)

        self._add_key(self.tr("Identify patient"), "F2", self._identify)
        self._add_key(self.tr("Import bill"), "F4", self._on_settle(self.settle_page.choose_bill))
        self._add_key(self.tr("Compute"), "F5", self._on_settle(self.settle_page.compute,
                                                                 lambda: self.outpatient_page.compute()))
        self._add_key(self.tr("Settle"), "F9", self._on_settle(self.settle_page.settle,
                                                               lambda: self.outpatient_page.settle()))
        self._add_key(self.tr("Print slip"), "F12", self._on_settle(lambda: self.settle_page.print_slip(),
                                                                    lambda: self.outpatient_page.reprint_slip()))
        self._add_key(self.tr("New patient"), "Esc", self._on_settle(self.settle_page.new_patient,
                                                                     lambda: self.outpatient_page.new_visit()))
        self._add_key(self.tr("Sync now"), "F8", self._sync_now)
        self._add_key(self.tr("Amount tendered"), "F7", self._on_settle(self.settle_page.focus_tendered))
        self._add_key(self.tr("Log out / switch operator"), "F11", lambda: self.switch_operator())
        self._add_key(self.tr("Settlement lists"), "Ctrl+Shift+L", lambda: self.show_page(self.settlement_list_page))
        self._add_key(self.tr("Outpatient"), "F10", self.show_outpatient)
        self._add_key(self.tr("Clearing"), "Ctrl+Shift+Q", self.show_clearing)

        # Status bar: site and operator, online state, queue, last sync, pack, clock.
        self.site_status = QLabel(f"{desk.site_name}　{operator.display_name or operator.name}")
        self.online_status = QLabel()
        self.online_status.setObjectName("online_status")
        self.queue_status = QLabel()
        self.queue_status.setObjectName("queue_status")
        self.queue_status.setStyleSheet("font-weight:bold")
        self.sync_status = QLabel()
        self.pack_status = QLabel()
        self.clock_status = QLabel()
        self.clock_status.setObjectName("clock_status")
        self.switch_button = QPushButton(with_key(self.tr("Log out / switch operator"), "F11"))
        self.switch_button.setObjectName("switch_operator")
        self.switch_button.setFlat(True)
        self.switch_button.clicked.connect(lambda: self.switch_operator())
        bar = self.statusBar()
        bar.addWidget(self.site_status)
        bar.addWidget(self.switch_button)
        if not desk.encrypted:
            plaintext = QLabel("⚠ " + self.tr("Database not encrypted"))
            plaintext.setObjectName("plaintext_warning")
            plaintext.setStyleSheet("color:#b00000")
            plaintext.setToolTip(self.tr("Ask IT to run: hospital-client encrypt --db PATH (docs/operations.md)"))
            bar.addWidget(plaintext)
        for label in (self.online_status, self.queue_status, self.sync_status, self.pack_status, self.clock_status):
            bar.addPermanentWidget(label)
        self.pack_status.setObjectName("pack_status")
        tasks.busy_changed.connect(self._busy)
        self.settle_page.settled.connect(lambda _: self.refresh_status())
        self.settle_page.reverse_requested.connect(self.reverse_entry)
        self._show_connection()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_status)
        self._timer.start(30_000)
        self._closed = False
        QTimer.singleShot(FIRST_STATUS_DELAY_MS, self, self.refresh_status)  # dropped if the window goes first

    # --- pages -----------------------------------------------------------------------------------
    @property
    def history_page(self) -> HistoryPage:
        return cast("HistoryPage", self._history.page())

    @property
    def queue_page(self) -> QueuePage:
        return cast("QueuePage", self._queue.page())

    @property
    def dayend_page(self) -> DayEndPage:
        return cast("DayEndPage", self._dayend.page())

    @property
    def settings_page(self) -> SettingsPage | None:
        """None for an operator who is not an admin."""
        return cast("SettingsPage", self._settings.page()) if self._settings is not None else None

    def show_page(self, page: QWidget) -> None:
        """Bring a page to the front (``window.show_page(window.history_page)``)."""
        holder = page.parentWidget()
        self.tabs.setCurrentWidget(holder if isinstance(holder, PageSlot) else page)

    def reverse_entry(self, local_id: int, at: str = "") -> None:
        """History with one settlement selected and its reversal dialog open (a supervisor approves)."""
        page = self.history_page
        self.show_page(page)
        page.reverse_entry(local_id, at)

    def _make_history(self) -> QWidget:
        from .history_page import HistoryPage

        page = HistoryPage(self.desk, self.tasks, self.operator)
        page.reversed.connect(lambda _: self.refresh_status())
        return page

    def _make_queue(self) -> QWidget:
        from .queue_page import QueuePage

        page = QueuePage(self.desk, self.tasks, self.operator)
        page.synced.connect(lambda _: self.refresh_status())
        return page

    @property
    def settlement_list_page(self) -> SettlementListPage:
        return cast("SettlementListPage", self._lists.page())

    def _make_lists(self) -> QWidget:
        from .settlement_list_page import SettlementListPage

        return SettlementListPage(self.desk, self.tasks, self.operator)

    @property
    def clearing_page(self) -> ClearingPage:
        return cast("ClearingPage", self._clearing.page())

    def show_clearing(self) -> None:
        """The monthly clearing page (Ctrl+Shift+Q) with the month focused."""
        page = self.clearing_page
        self.show_page(page)
        page.focus_month()

    def _make_clearing(self) -> QWidget:
        from .clearing_page import ClearingPage

        return ClearingPage(self.desk, self.tasks, self.operator)

    @property
    def outpatient_page(self) -> OutpatientPage:
        return cast("OutpatientPage", self._outpatient.page())

    def show_outpatient(self) -> None:
        """The outpatient page (F10) with the patient box focused, ready for the next visit."""
        page = self.outpatient_page
        self.show_page(page)
        page.focus_id()

    def _make_outpatient(self) -> QWidget:
        from .outpatient_page import OutpatientPage

        page = OutpatientPage(self.desk, self.tasks, self.operator)
        page.settled.connect(lambda _: self.refresh_status())
        return page

    def _make_dayend(self) -> QWidget:
        from .dayend_page import DayEndPage

        return DayEndPage(self.desk, self.tasks, self.operator)

    def _make_settings(self) -> QWidget:
        from .settings_page import SettingsPage

        return SettingsPage(self.desk, self.tasks, self.operator)

    def _add_tab(self, page: QWidget, title: str, go: Callable[[], object]) -> None:
        """A tab with its key shown in its title: Ctrl+1 the first, Ctrl+2 the second (the history)…"""
        index = self.tabs.addTab(page, "")
        self._tab_titles[page] = title
        self._add_key(title, tab_key(index), go)
        self._title_tab(page)

    def _title_tab(self, page: QWidget, count: str = "") -> None:
        index = self.tabs.indexOf(page)
        self._tab_counts[page] = count
        self.tabs.setTabText(index, self._tab_text(index, self.tab_style))
        self.tabs.setTabToolTip(index, self._tab_text(index, 0))

    def _tab_text(self, index: int, style: int) -> str:
        """A tab's title in a style: 0 with its key (结算（Ctrl+1）), 1 the key without brackets
        (结算 Ctrl+1), 2 the title alone."""
        page = self.tabs.widget(index)
        title = self._tab_titles.get(page, "") + self._tab_counts.get(page, "") if page is not None else ""
        key = tab_key(index)
        return with_key(title, key) if style == 0 else f"{title} {key}" if style == 1 else title

    def _fit_tabs(self) -> None:
        """The tab titles in the first style in which they all fit the tab bar."""
        bar = self.tabs.tabBar()
        metrics = bar.fontMetrics()
        padding = sum(bar.tabSizeHint(i).width() - metrics.horizontalAdvance(self.tabs.tabText(i))
                      for i in range(self.tabs.count()))
        style = next((s for s in (0, 1) if padding + sum(metrics.horizontalAdvance(self._tab_text(i, s))
                                                         for i in range(self.tabs.count())) <= self.tabs.width()), 2)
        if style != self.tab_style:
            self.tab_style = style
            for page in self._tab_titles:
                self._title_tab(page, self._tab_counts.get(page, ""))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tabs and event.type() == QEvent.Type.Resize:
            self._fit_tabs()
        return super().eventFilter(watched, event)

    def _add_key(self, text: str, key: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _on_settle(self, fn: object, on_outpatient: Callable[[], object] | None = None) -> object:
        """A window key of the settle page; with ``on_outpatient``, what it does while the
        outpatient page is shown (F5, F9, Esc act on the visit there)."""
        def run() -> None:
            if on_outpatient is not None and self.tabs.currentWidget() is self._outpatient:
                on_outpatient()
                return
            self.tabs.setCurrentWidget(self.settle_page)
            fn()  # type: ignore[operator]
        return run

    def _page_shown(self, index: int) -> None:
        slot = self.tabs.widget(index)
        if slot is self._history:
            self.history_page.search()
        elif slot is self._queue:
            self.queue_page.refresh()
        elif slot is self._lists:
            self.settlement_list_page.refresh()
        elif slot is self._dayend:
            self.dayend_page.refresh()
            self.dayend_page.refresh_funds()
            self.dayend_page.refresh_close()
        elif slot is not None and slot is self._settings:
            cast("SettingsPage", self._settings.page()).refresh()

    # --- operators -----------------------------------------------------------------------------------
    def switch_operator(self, log_in: Callable[[], Operator | None] | None = None) -> MainWindow | None:
        """Log the operator out (recorded in the audit log) and let the next one log in, without
        restarting: the window is hidden, the login dialog shown, and a new window opens for the
        operator who logged in (nothing of the previous one's screen is carried over). Cancelled:
        the desk stays logged out and the program ends. ``log_in`` replaces the dialog (tests)."""
        self.tasks.wait(10_000)
        self.desk.audit("logout", self.operator.name, "operator", {"via": "switch"})
        self.hide()
        operator = log_in() if log_in is not None else self._login_dialog()
        if operator is None:
            self.close()
            return None
        window = MainWindow(self.desk, self.tasks, operator)
        _OPEN_WINDOWS.append(window)
        window.setGeometry(self.geometry())
        window.show_on_screen()
        self.close()
        if self in _OPEN_WINDOWS:
            _OPEN_WINDOWS.remove(self)
        self.deleteLater()
        return window

    def _login_dialog(self) -> Operator | None:
        from .login_dialog import LoginDialog

        dialog = LoginDialog(self.desk, self.tasks, self)  # a child: closing it does not end the program
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.operator if accepted else None

    def _sync_now(self) -> None:
        self.show_page(self.queue_page)
        self.queue_page.sync_now()

    def _identify(self) -> None:
        if self.tabs.currentWidget() is self._outpatient:  # F2 on the outpatient page: its patient box
            self.outpatient_page.focus_id()
            return
        self.tabs.setCurrentWidget(self.settle_page)
        self.settle_page.focus_identify()

    def _busy(self, busy: bool) -> None:
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def refresh_status(self) -> None:
        """Read the queue and the last sync, and check the link (the central system's /health), off
        the GUI thread; every 30 s and after each settlement."""
        def read() -> tuple[object, list[dict[str, str]], LinkReading]:
            return self.desk.sync_status(), self.desk.pack_summaries(), self.desk.check_link()

        self.tasks.run(read, self._status_read, self._status_failed)

    def _status_failed(self, exc: BaseException) -> None:
        if not self._closed:
            self.online_status.setText(clerk_message(exc))
            self.online_status.setToolTip(error_detail(exc))
            self.online_status.setStyleSheet("color:#b00000")

    @property
    def provisional_expected(self) -> bool:
        """Whether a settlement made now will be provisional (离线结算·暂定): no central system, the
        last sync failed, or older settlements still wait (the centre takes them in order)."""
        return self.offline or bool(self.waiting)

    def _show_connection(self) -> None:
        """The banner, the queue count and the queue tab from what is known of the connection."""
        waiting = self.waiting
        count = self.tr("%1 waiting").replace("%1", str(waiting)) if waiting is not None else ""
        if self.offline:
            why = (self.tr("this desk has no insurance centre configured") if not self.configured
                   else self.tr("the insurance centre does not answer") if self.link_down
                   else self.tr("the last sync with the insurance centre failed"))
            text = "⚠ " + self.tr("OFFLINE: %1. Settlements made now are provisional (离线结算·暂定) and are "
                                  "confirmed by the insurance centre once online.").replace("%1", why)
            if waiting:  # nothing waiting is not news in a warning
                text += "　" + self.tr("Queued for upload: %1.").replace("%1", count)
            self.offline_banner.setStyleSheet(OFFLINE_STYLE)
            self.offline_banner.setText(text)
            self.offline_banner.setVisible(True)
        elif waiting:
            self.offline_banner.setStyleSheet(QUEUED_STYLE)
            self.offline_banner.setText("⚠ " + self.tr("%1 provisional settlement(s) (离线结算·暂定) not yet confirmed "
                                                       "by the insurance centre. Sync now: F8.").replace("%1", str(waiting)))
            self.offline_banner.setVisible(True)
        else:
            self.offline_banner.setVisible(False)
        self.queue_status.setText(self.tr("Queued: %1").replace("%1", str(waiting) if waiting is not None else "…"))
        self.queue_status.setStyleSheet("font-weight:bold;color:#b00000" if waiting else "font-weight:bold")
        self._title_tab(self._queue, f"（{waiting}）" if waiting else "")
        self._fit_tabs()
        self.settle_page.set_provisional_expected(self.provisional_expected)

    def _status_read(self, data: tuple[object, list[dict[str, str]]] | tuple[object, list[dict[str, str]],
                                                                            LinkReading]) -> None:
        """Show what refresh_status read (the link's reading last; without it, the link is unknown)."""
        if self._closed:  # an answer that arrives after the window was closed
            return
        status, packs = data[0], data[1]
        link = data[2] if len(data) > 2 else LinkReading()
        self.configured = bool(getattr(status, "configured", False))
        last_error = str(getattr(status, "last_error", "") or "")
        self.offline = is_offline(self.configured, link, last_error)
        self.link_down = link.up is False
        self.waiting = int(getattr(status, "waiting", 0))
        if not self.configured:
            self.online_status.setText(self.tr("Offline (no server configured)"))
            self.online_status.setStyleSheet("color:#b00000;font-weight:bold")
        elif link.up is False:
            self.online_status.setText(self.tr("Offline: the insurance centre does not answer"))
            self.online_status.setStyleSheet("color:#b00000;font-weight:bold")
        elif self.offline:
            self.online_status.setText(self.tr("Offline: last sync failed"))
            self.online_status.setStyleSheet("color:#b00000;font-weight:bold")
        else:
            self.online_status.setText(self.tr("Online"))
            self.online_status.setStyleSheet("color:#1e7b34")
        self.online_status.setToolTip(link.detail if link.up is False else last_error)
        self._show_connection()
        last = str(getattr(status, "last_success_at", "") or "")
        self.sync_status.setText(self.tr("Last sync: %1").replace("%1", moment_text(last, seconds=False)) if last
                                 else self.tr("Last sync: never"))
        ids = sorted({p.get("id", "") for p in packs})
        self.pack_status.setText(self.tr("Policy packs: %1").replace("%1", str(len(ids))))
        self.pack_status.setToolTip("\n".join(f"{p.get('id', '')} {p.get('version', '')}" for p in packs))
        warning = getattr(status, "clock_warning", None)
        self.clock_status.setText(("⚠ " + self.tr("Clock differs from the centre")) if warning
                                  else long_moment_text(dt.datetime.now()))
        self.clock_status.setToolTip(warning or "")
        self.clock_status.setStyleSheet("color:#b00000" if warning else "")

    def _preferred_size(self) -> QSize:
        screen = self.screen()
        available = screen.availableGeometry().size() if screen is not None else PREFERRED_SIZE
        return PREFERRED_SIZE.boundedTo(available - QSize(0, 32)).expandedTo(MINIMUM_SIZE)

    def show_on_screen(self) -> None:
        """Show the window: maximised on a small screen (1366×768), at its preferred size otherwise."""
        screen = self.screen()
        available = screen.availableGeometry().size() if screen is not None else PREFERRED_SIZE
        if available.width() <= SMALL_SCREEN.width() or available.height() <= SMALL_SCREEN.height():
            self.showMaximized()
        else:
            self.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.settle_page.focus_identify)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self._timer.stop()
        self.tasks.wait(10_000)
        super().closeEvent(event)


# The windows opened by switching operator (the first is held by whoever opened it).
_OPEN_WINDOWS: list[MainWindow] = []
