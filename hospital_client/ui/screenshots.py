"""Render every screen of the desk with demo data to PNG (`hospital-client screenshots OUTDIR`).

Uses a fresh demo database in a temporary directory, settles a few demo bills so the lists
have content, and grabs each page and dialog as the clerk would see it, on two screens: a
1366×768 one and a 1920×1080 one (OUTDIR/1366x768/, OUTDIR/1920x1080/). The window is drawn at
the size it has maximised on that screen under a 40-pixel taskbar and a 30-pixel title bar
(``SCREENS``); the demo desk works offline, so the offline banner shows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from .. import config

# Screen → the window's inner size when maximised on it (taskbar 40 px, title bar 30 px).
SCREENS = {"1366x768": (1366, 698), "1920x1080": (1920, 1010)}


def render_all(out: Path, *, language: str = "zh_CN") -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault(config.ENV_LOG_DIR, tempfile.mkdtemp(prefix="hc-shots-logs-"))
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    from ..app import Desk, DuplicateSettlement, EncounterInput, Payment, demo_bills_dir, demo_roster, stay_transactions
    from ..app.bill_import import import_bill_bytes
    from .application import make_application
    from .bill_dialog import BillPreviewDialog
    from .history_page import EntryDialog, ReverseDialog
    from .i18n import install_translators, use_language_locale
    from .login_dialog import LoginDialog
    from .main_window import MainWindow
    from .settle_page import ConfirmDialog, FirstSettlementDialog, OverlapDialog
    from .stay_actions import StayActionsDialog
    from .tasks import TaskRunner

    out.mkdir(parents=True, exist_ok=True)
    use_language_locale(language)
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

    def save(widget: object, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)

    clerk = desk.login("demo", "demo123")
    persons = demo_roster()
    today = dt.date.today()
    for i, bill in enumerate(sorted(demo_bills_dir().glob("bill_0[1-5]_*.json"))):
        fees = json.loads(bill.read_text(encoding="utf-8"))["fees"]
        request = desk.build_request(str(persons[i + 20]["psn_no"]),
                                     EncounterInput(f"ZY-S{i}", 2, today - dt.timedelta(days=6), today), fees)
        desk.settle(clerk, request)
    dibao = next(p for p in persons if p["assistance_group"] == "dibao")
    admin = desk.login("admin", "admin123")

    for screen, (width, height) in SCREENS.items():
        folder = out / screen
        login = LoginDialog(desk, tasks)
        login.show()
        pump(0.2)
        save(login, folder, "01-login")
        login.close()

        window = MainWindow(desk, tasks, clerk)
        window.resize(width, height)
        window.show()
        pump()
        page = window.settle_page
        page.confirm_settle = False
        page.identify.setText(str(dibao["card_no"]))
        page.lookup()
        pump()
        page.enter_stay("ZY20261120001", dt.date.today() - dt.timedelta(days=7))
        page.import_file(demo_bills_dir() / "bill_07_lumbar_overcap.json", ask=False)
        pump(1.0)
        save(window, folder, "02-settle")
        if page.person is not None and page.preview is not None:
            confirm = ConfirmDialog(page.person, page.preview.result, window,
                                    provisional=window.provisional_expected,
                                    payment=Payment(str(page.payment_method.currentData()), None))
            confirm.show()
            pump(0.2)
            save(confirm, folder, "03-confirm")
            confirm.close()
        page.settle()
        pump()
        if page.first_dialog is not None:  # the second screen: this stay is settled already
            page.first_dialog.close()
        page.print_slip(Path(tempfile.mkdtemp(prefix="hc-shots-slip-")) / "slip.pdf")
        pump()
        save(window, folder, "04-settled-printed")

        # A second settlement refused, and a typed stay overlapping another of the same person.
        one = desk.entry(1)
        info = one["setlinfo"]
        clerk_name = desk.operator_names().get(str(one["operator"]), str(one["operator"]))  # named, as the desk does
        already = FirstSettlementDialog(DuplicateSettlement(
            "shown", local_id=1, queue_no=str(one["queue_no"]), at=str(one["created_at"]),
            operator=clerk_name, total=str(info["medfee_sumamt"]), cash=str(info["psn_cash_pay"])), window)
        already.show()
        pump(0.2)
        save(already, folder, "13-already-settled")
        already.close()
        overlap = OverlapDialog([{"local_id": 1, "queue_no": one["queue_no"], "stay": one["mdtrt_id"],
                                  "begntime": (today - dt.timedelta(days=6)).isoformat(),
                                  "endtime": today.isoformat(), "at": one["created_at"],
                                  "operator": clerk_name, "total": info["medfee_sumamt"]}], window)
        overlap.show()
        overlap.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # what Enter without a reason says
        pump(0.2)
        save(overlap, folder, "14-overlap")
        overlap.close()
        # A stay taken from HIS, its discharge day unlocked by the clerk.
        page.slip_printed = True
        page.clear()
        pump()
        page.take_stay("ZY20261101")
        pump(1.0)
        page.unlock_field("discharged")
        pump()
        save(window, folder, "15-his-unlocked")
        # A patient whose benefits are suspended: why, before any bill (ui/identify_controls.py).
        page.clear()
        pump()
        page.identify.setText(str(next(p for p in persons if p.get("benefit"))["certno"]))
        page.lookup()
        pump()
        save(window, folder, "02b-benefit-suspended")

        bad = import_bill_bytes("明细流水号,医保目录编码,项目名称,单价,数量,金额\n1,X1,床位费,40,7,280.00\n"
                                "2,X2,药,1.5,两盒,3\n3,,药,1,1,2\n".encode("gbk"), "his_export.csv")
        preview = BillPreviewDialog(bad, window)
        preview.show()
        pump(0.2)
        save(preview, folder, "05-bill-errors")
        preview.close()

        for name, widget in (("06-history", window.history_page), ("07-dayend", window.dayend_page),
                             ("10-queue", window.queue_page), ("16-settlement-lists", window.settlement_list_page)):
            window.show_page(widget)
            pump(0.8)
            save(window, folder, name)
        # The selected settlement's list checked (what is missing, beside the table; the demo has no
        # medical record), the clearing page offline, and a stay's transactions with a confirmation.
        lists = window.settlement_list_page
        if lists.model.rowCount():
            lists.view.selectRow(0)
            lists.check_selected()
            pump(0.8)
        save(window, folder, "18-settlement-list-check")
        window.show_clearing()
        window.clearing_page.apply()
        pump(0.8)
        save(window, folder, "19-clearing-offline")
        stay = StayActionsDialog(desk, tasks, clerk, "ZY-S0", window, discharged=today)
        stay.show()
        pump(0.2)
        save(stay, folder, "20-stay-actions")
        stay.ask(stay_transactions.DISCHARGE_CANCEL)
        pump(0.2)
        if stay.confirm_box is not None:
            save(stay.confirm_box, folder, "21-stay-confirm")
            stay.confirm_box.reject()
        pump(0.2)
        # 信息变更 (2403): the department, bed and diagnoses typed, and its confirmation naming them.
        stay.change_dept.setText("A03.06")
        stay.change_dept_name.setText("内分泌科")
        stay.change_bed.setText("12")
        stay.change_diagnoses.setText("E11.900, I10.x00")
        pump(0.1)
        save(stay, folder, "22-stay-change")
        stay.ask(stay_transactions.ADMISSION_CHANGE)
        pump(0.2)
        if stay.confirm_box is not None:
            save(stay.confirm_box, folder, "23-stay-change-confirm")
            stay.confirm_box.reject()
        pump(0.2)
        stay.close()
        # An outpatient visit (门诊) typed at the window: the figures at once, before it is settled.
        outpatient = window.outpatient_page
        window.show_page(outpatient)
        outpatient.id_edit.setText(str(persons[26]["psn_no"]))
        outpatient.lookup()
        pump()  # the patient identified (in a worker) before the items are typed
        for typed in ("1*12", "4"):
            outpatient.item_edit.setText(typed)
            outpatient.item_entered()
        pump(0.3)
        save(window, folder, "17-outpatient")
        entry = EntryDialog({**desk.entry(1), "operator_name": desk.operator_names().get("demo", "")}, window)
        entry.show()
        pump(0.2)
        save(entry, folder, "11-entry")
        entry.close()
        admin_window = MainWindow(desk, tasks, admin)
        admin_window.resize(width, height)
        admin_window.show()
        if admin_window.settings_page is not None:
            admin_window.show_page(admin_window.settings_page)
            pump(0.8)
            save(admin_window, folder, "09-settings")
        admin_window.close()
        history = window.history_page.model
        first = next((history.row_at(i) for i in range(history.rowCount()) if history.row_at(i)["local_id"] == 1), None)
        reverse = ReverseDialog(1, window, entry=first)
        reverse.supervisor.setText("super")
        reverse.show()
        reverse.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # what Enter with a field missing says
        pump(0.2)
        save(reverse, folder, "08-reverse")
        reverse.close()
        # Qt's own file dialog (where the system has none), as the exports open it.
        chooser = QFileDialog(window, QCoreApplication.translate("DayEndPage", "Save as"), str(out),
                              QCoreApplication.translate("DayEndPage", "Excel workbook (*.xlsx)"))
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)  # as getSaveFileName opens it
        chooser.show()
        pump(0.2)
        save(chooser, folder, "12-file-dialog")
        chooser.close()
        window.close()
    tasks.wait()
    desk.close()
    return written
