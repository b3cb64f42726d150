"""Render every screen of the desk with demo data to PNG (`hospital-client screenshots OUTDIR`).

Uses a fresh demo database in a temporary directory, settles a few demo bills so the lists
have content, and grabs each page and dialog as the clerk would see it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from .. import config


def render_all(out: Path, *, language: str = "zh_CN") -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault(config.ENV_LOG_DIR, tempfile.mkdtemp(prefix="hc-shots-logs-"))
    from ..app import Desk, EncounterInput, demo_bills_dir, demo_roster
    from ..app.bill_import import import_bill_bytes
    from .application import make_application
    from .bill_dialog import BillPreviewDialog
    from .history_page import ReverseDialog
    from .i18n import install_translators
    from .login_dialog import LoginDialog
    from .main_window import MainWindow
    from .settle_page import ConfirmDialog
    from .tasks import TaskRunner

    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    translators = install_translators(app, language)  # noqa: F841 - keep them installed
    desk = Desk(Path(tempfile.mkdtemp(prefix="hc-shots-")) / "desk.db")
    tasks = TaskRunner()
    written: list[Path] = []

    def pump(seconds: float = 0.5) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents()
            time.sleep(0.01)
        tasks.wait()
        app.processEvents()

    def save(widget: object, name: str) -> None:
        path = out / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)

    login = LoginDialog(desk, tasks)
    login.show()
    pump(0.2)
    save(login, "01-login")
    login.close()

    clerk = desk.login("demo", "demo123")
    persons = demo_roster()
    today = dt.date.today()
    for i, bill in enumerate(sorted(demo_bills_dir().glob("bill_0[1-5]_*.json"))):
        fees = json.loads(bill.read_text(encoding="utf-8"))["fees"]
        request = desk.build_request(str(persons[i + 20]["psn_no"]),
                                     EncounterInput(f"ZY-S{i}", 2, today - dt.timedelta(days=6), today), fees)
        desk.settle(clerk, request)

    window = MainWindow(desk, tasks, clerk)
    window.show()
    pump()
    page = window.settle_page
    page.confirm_settle = False
    dibao = next(p for p in persons if p["assistance_group"] == "dibao")
    page.identify.setText(str(dibao["card_no"]))
    page.lookup()
    pump()
    page.import_file(demo_bills_dir() / "bill_07_lumbar_overcap.json", ask=False)
    pump(1.0)
    save(window, "02-settle")
    if page.person is not None and page.preview is not None:
        confirm = ConfirmDialog(page.person, page.preview.result, window)
        confirm.show()
        pump(0.2)
        save(confirm, "03-confirm")
        confirm.close()
    page.settle()
    pump()
    save(window, "04-settled")

    bad = import_bill_bytes("明细流水号,医保目录编码,项目名称,单价,数量,金额\n1,X1,床位费,40,7,280.00\n"
                            "2,X2,药,1.5,两盒,3\n3,,药,1,1,2\n".encode("gbk"), "his_export.csv")
    preview = BillPreviewDialog(bad, window)
    preview.show()
    pump(0.2)
    save(preview, "05-bill-errors")
    preview.close()

    for name, widget in (("06-history", window.history_page), ("07-dayend", window.dayend_page),
                         ("10-queue", window.queue_page)):
        window.show_page(widget)
        pump(0.8)
        save(window, name)
    admin_window = MainWindow(desk, tasks, desk.login("admin", "admin123"))
    admin_window.show()
    if admin_window.settings_page is not None:
        admin_window.show_page(admin_window.settings_page)
        pump(0.8)
        save(admin_window, "09-settings")
    admin_window.close()
    reverse = ReverseDialog(1, window)
    reverse.show()
    pump(0.2)
    save(reverse, "08-reverse")
    reverse.close()
    window.close()
    tasks.wait()
    desk.close()
    return written
