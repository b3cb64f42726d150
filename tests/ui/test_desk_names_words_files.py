"""What a person reads at the desk, off screen with real widgets: the operator's name (not the
login) in history, day-end, the 日结单, the exports and the slip; codes turned into words on the
slip and the screens; the files with patient data written 0600 from their first byte; the 结算单 on
one A4 page (a long one carries its header and page numbers on page 2); 医保个人账户 offered only
where the policy pack allows it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from hospital_client import paths, store
from hospital_client.app import Payment
from hospital_client.app.desk import Desk, EncounterInput
from hospital_client.app.desk_database import DEMO_FIXMEDINS_CODE
from hospital_client.app.errors import PaymentNotAllowed
from hospital_client.app.private_files import private_output
from hospital_client.config import SiteConfig
from hospital_client.store.errors import DuplicateSettlement
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.paged_print import paint_pages
from hospital_client.ui.report_pdf import write_day_close_pdf
from hospital_client.ui.settings_page import SettingsPage
from hospital_client.ui.settle_page import FirstSettlementDialog, OverlapDialog
from hospital_client.ui.slip import produce_slip, slip_document, slip_info_from
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"
HIS = paths.demo_dir() / "his"


def persons() -> list[dict[str, object]]:
    return json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]


def fees(name: str) -> list[dict[str, str]]:
    return json.loads((BILLS / name).read_text(encoding="utf-8"))["fees"]


def add_li(desk: Desk) -> None:
    store.operators.add_operator(desk.db(), "li", "li-pass-123", "clerk", display_name="李收费", by="admin")


def settle_as(desk: Desk, login: str, password: str, index: int, bill: str, stay: str,
              payment: Payment | None = None, days: int = 5) -> int:
    today = dt.date.today()
    request = desk.build_request(str(persons()[index]["psn_no"]),
                                 EncounterInput(stay, 2, today - dt.timedelta(days=days), today), fees(bill))
    return desk.settle(desk.login(login, password), request, payment=payment).committed.local_id


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s", "", text)


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def column(model: object, title: str) -> list[str]:
    """The texts of one column of a table model, as the view shows them."""
    from PySide6.QtCore import Qt

    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]  # type: ignore[attr-defined]
    c = titles.index(title)
    return [str(model.data(model.index(r, c))) for r in range(model.rowCount())]  # type: ignore[attr-defined]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the operator's name ---------------------------------------------------------------------------

def test_the_operator_is_named_not_logged_in_history_day_end_exports_and_slip(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:
    add_li(desk)
    local_id = settle_as(desk, "li", "li-pass-123", 11, "bill_01_pneumonia.json", "ZY-NAME-1",
                         Payment("cash", Decimal("5000")))
    window = MainWindow(desk, tasks, desk.login("li", "li-pass-123"))
    qtbot.addWidget(window)

    history = window.history_page
    window.show_page(history)
    history.search()
    settle_done()
    assert column(history.model, "操作员") == ["李收费"]

    dayend = window.dayend_page
    dayend.refresh()
    settle_done()
    assert column(dayend.day_model, "操作员") == ["李收费", "合计"]
    dayend.export_day_end_xlsx(tmp_path / "日结.xlsx")
    dayend.export_day_end_pdf(tmp_path / "日结.pdf")
    dayend.refresh_close()
    settle_done()
    dayend.export_close_xlsx(tmp_path / "日结单.xlsx")
    dayend.export_close_pdf(tmp_path / "日结单.pdf")
    settle_done()
    cells = [str(c.value) for row in load_workbook(tmp_path / "日结.xlsx").active.iter_rows() for c in row
             if c.value is not None]
    assert "李收费" in cells and "li" not in cells
    assert "李收费" in pdf_text(tmp_path / "日结.pdf")
    close_cells = [str(c.value) for row in load_workbook(tmp_path / "日结单.xlsx").active.iter_rows() for c in row
                   if c.value is not None]
    assert "收款员 李收费" in close_cells and not any("（li）" in c for c in close_cells)
    close_text = pdf_text(tmp_path / "日结单.pdf")
    assert "收款员：李收费" in close_text and "（li）" not in close_text
    assert dayend._close_file_name("pdf").startswith("日结单-李收费-")

    slip = Path(produce_slip(desk, local_id, "li", reprint=True, target=tmp_path / "slip.pdf"))
    text = pdf_text(slip)
    assert "经办人：李收费" in text and "收款人：李收费" in text


def test_the_refusal_and_the_overlap_warning_name_the_clerk(desk: Desk, qtbot: QtBot) -> None:
    add_li(desk)
    first = settle_as(desk, "li", "li-pass-123", 11, "bill_01_pneumonia.json", "ZY-TWICE")
    with pytest.raises(DuplicateSettlement) as refused:
        settle_as(desk, "demo", "demo123", 11, "bill_01_pneumonia.json", "ZY-TWICE")
    assert refused.value.operator == "李收费" and "李收费 (li)" in str(refused.value)
    dialog = FirstSettlementDialog(refused.value)
    qtbot.addWidget(dialog)
    shown = [w.text() for w in dialog.findChildren(QLabel)]
    assert "李收费" in shown and "li" not in shown

    today = dt.date.today()
    overlaps = desk.overlapping_stays(str(persons()[11]["psn_no"]),
                                      EncounterInput("ZY-OTHER", 2, today - dt.timedelta(days=2), today))
    assert [o["local_id"] for o in overlaps] == [first] and overlaps[0]["operator"] == "李收费"
    warning = OverlapDialog(overlaps)
    qtbot.addWidget(warning)
    line = warning.findChild(QLabel, "overlap_line")
    assert line is not None and "李收费" in line.text()


# --- codes as words -----------------------------------------------------------------------------------

def test_the_slip_and_the_screens_show_codes_as_words(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                      tmp_path: Path) -> None:
    resident = next(i for i, p in enumerate(persons()) if p["insutype"] == "390" and p["psn_type"] == "1503")
    local_id = settle_as(desk, "demo", "demo123", resident, "bill_01_pneumonia.json", "ZY-WORDS")
    text = pdf_text(Path(produce_slip(desk, local_id, "demo", reprint=True, target=tmp_path / "slip.pdf")))
    assert "险种：城乡居民基本医疗保险" in text and "人员类别：城乡居民（老年人）" in text
    assert "参保地：示例市（演示）" in text and "医院等级：二级" in text
    assert "390100" not in text and "1503" not in text  # the fund and the category as names only

    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    page = window.settle_page
    elsewhere = next(p for p in persons() if p["insuplc_admdvs"] != desk.region)
    page.identify.setText(str(elsewhere["card_no"]))
    page.lookup()
    settle_done()
    shown = page.person_label.text()
    assert "示例邻市（演示）" in shown and str(elsewhere["insuplc_admdvs"]) not in shown
    assert "职工医保" in shown or "城乡居民医保" in shown

    admin = desk.login("admin", "admin123")
    settings = SettingsPage(desk, tasks, admin)
    qtbot.addWidget(settings)
    labels = [w.text() for w in settings.findChildren(QLabel)]
    assert "示例市（演示）（990100）" in labels


# --- files with patient data: 0600 from their first byte ----------------------------------------------

def test_the_printer_writes_into_the_private_file_it_was_given(tmp_path: Path, qtbot: QtBot, desk: Desk) -> None:
    """QPrinter fills the 0600 file made for it (same inode: never a file of its own, made with the
    umask), and the rename puts exactly that file in place."""
    from PySide6.QtPrintSupport import QPrinter

    local_id = settle_as(desk, "demo", "demo123", 11, "bill_01_pneumonia.json", "ZY-PRIV")
    info = slip_info_from(desk.slip_data(local_id, "demo", reprint=True), "2026-12-05 08:00", True)
    old = os.umask(0o022)
    try:
        target = tmp_path / "out" / "slip.pdf"
        target.parent.mkdir()
        target.write_bytes(b"old, world-readable")
        target.chmod(0o644)
        with private_output(target) as tmp:
            inode = tmp.stat().st_ino
            assert mode(tmp) == 0o600 and tmp.parent == target.parent
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(tmp))
            paint_pages(slip_document(info), printer, "")
            assert tmp.stat().st_ino == inode and mode(tmp) == 0o600 and tmp.stat().st_size > 0
        assert target.stat().st_ino == inode and mode(target) == 0o600
        assert target.read_bytes().startswith(b"%PDF")
        assert sorted(p.name for p in target.parent.iterdir()) == ["slip.pdf"]  # no temporary file left
        with pytest.raises(RuntimeError), private_output(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("the printer failed")
        assert target.read_bytes().startswith(b"%PDF")  # the old file stays whole
        assert sorted(p.name for p in target.parent.iterdir()) == ["slip.pdf"]
    finally:
        os.umask(old)


def test_every_file_the_desk_writes_with_patient_data_is_0600(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    renamed: list[tuple[str, int]] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:  # the mode the file had when it appeared
        renamed.append((Path(dst).name, mode(Path(src))))
        real_replace(src, dst)

    monkeypatch.setattr("hospital_client.app.private_files.os.replace", replace)
    old = os.umask(0o022)
    try:
        local_id = settle_as(desk, "demo", "demo123", 11, "bill_01_pneumonia.json", "ZY-FILES")
        window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
        qtbot.addWidget(window)
        dayend = window.dayend_page
        out = tmp_path / "exports"
        dayend.export_day_end_xlsx(out / "a.xlsx")
        dayend.export_day_end_pdf(out / "b.pdf")
        dayend.export_funds_xlsx(out / "c.xlsx")
        dayend.export_funds_pdf(out / "d.pdf")
        dayend.export_close_xlsx(out / "e.xlsx")
        dayend.export_close_pdf(out / "f.pdf")
        settle_done()
        window.history_page.search()
        settle_done()
        window.history_page.view.selectRow(0)
        window.history_page.reprint_selected(out / "g.pdf")
        settle_done()
        produce_slip(desk, local_id, "demo", reprint=True, target=out / "h.pdf")
        write_day_close_pdf(out / "i.pdf", desk.day_close_report(desk.login("demo", "demo123")))
    finally:
        os.umask(old)
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"{c}.{'xlsx' if c in 'ace' else 'pdf'}" for c in "abcdefghi"]
    assert all(mode(out / name) == 0o600 for name in written), {n: oct(mode(out / n)) for n in written}
    assert sorted(renamed) == sorted((name, 0o600) for name in written)


# --- the 结算单 on one A4 page ---------------------------------------------------------------------------

def test_every_demo_slip_fits_one_a4_page(desk: Desk, qtbot: QtBot, tmp_path: Path) -> None:
    ids = [settle_as(desk, "demo", "demo123", 20 + i, bill.name, f"ZY-A4-{i}")
           for i, bill in enumerate(sorted(BILLS.glob("bill_*.json")))]
    for stay in desk.his_waiting():
        ids.append(desk.settle_his(desk.login("demo", "demo123"), stay["ipt_no"]).committed.local_id)
    desk.reverse(desk.login("super", "super123", via="reversal"), ids[2], "费用录入错误")  # with its voucher
    for local_id in ids:
        path = Path(produce_slip(desk, local_id, "demo", reprint=True, target=tmp_path / f"{local_id}.pdf"))
        assert pdf_pages(path) == 1, local_id
        text = pdf_text(path)
        assert "第1页共1页" in text and "盖章" in text, local_id


def test_a_long_slip_carries_its_header_and_page_numbers_on_page_two(desk: Desk, qtbot: QtBot,
                                                                     tmp_path: Path) -> None:
    from hospital_client.ui.slip import print_to_pdf

    local_id = settle_as(desk, "demo", "demo123", 11, "bill_03_ami_pci_large.json", "ZY-LONG")
    data = desk.slip_data(local_id, "demo", reprint=True)
    # A bill the review rules flag line by line: one warning per flagged line.
    data["result"]["warnings"] = [f"第 {n} 行：智能审核提示，请核对该项目的数量与医嘱" for n in range(1, 91)]
    info = slip_info_from(data, "2026-12-05 08:00", True)
    path = print_to_pdf(info, tmp_path / "long.pdf")
    pages = pdf_pages(path)
    assert pages >= 2
    first, second = pdf_text(path, 1), pdf_text(path, 2)
    assert f"第1页共{pages}页" in first and "（续）" not in first
    assert f"第2页共{pages}页" in second
    assert "住院费用结算单（续）" in second and data["settlement_no"] in second
    assert data["certno_masked"] in second and data["psn_name"] in second
    assert data["certno_masked"].count("*") >= 8  # the ID number masked as on page 1
    assert mode(path) == 0o600


# --- 医保个人账户 where the pack allows it -------------------------------------------------------------------

def account_pack(desk: Desk) -> str:
    data = (paths.policies_dir() / "demo.toml").read_bytes().replace(b'id = "demo"', b'id = "demo-account"', 1)
    data += b"\n[payment]\npersonal_account = true\n"
    store.caches.put_pack(desk.db(), data, "demo-account.toml", operator="it")
    return "demo-account"


def methods(page: object) -> list[str]:
    box = page.payment_method  # type: ignore[attr-defined]
    return [box.itemText(i) for i in range(box.count())]


def compute_on(page: object, settle_done, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    person = persons()[5]
    page.identify.setText(str(person["card_no"]))  # type: ignore[attr-defined]
    page.lookup()  # type: ignore[attr-defined]
    settle_done()
    page.enter_stay("ZY-ACCT", dt.date.today() - dt.timedelta(days=4))  # type: ignore[attr-defined]
    page.import_file(BILLS / "bill_02_appendicitis_small.json", ask=False)  # type: ignore[attr-defined]
    settle_done()
    assert page.preview is not None  # type: ignore[attr-defined]


def test_the_personal_account_is_offered_only_where_the_pack_allows_it(
        qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:
    # The demo pack does not allow it: not offered, and refused when asked for.
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    page = window.settle_page
    assert "医保个人账户" not in methods(page)
    compute_on(page, settle_done, tmp_path)
    assert methods(page) == ["现金", "银行卡", "微信", "支付宝"]
    with pytest.raises(PaymentNotAllowed):
        settle_as(desk, "demo", "demo123", 6, "bill_02_appendicitis_small.json", "ZY-NO-ACCT", Payment("account"))
    assert desk.journal() == []

    # A site whose pack allows it: offered once the pack is known, settled, on the slip and in day-end.
    pack_id = account_pack(desk)
    site = SiteConfig(code=DEMO_FIXMEDINS_CODE, name="示例医院", region=desk.region, level="2", policy=pack_id)
    with Desk(desk.db_path, site) as account_desk:
        window = MainWindow(account_desk, tasks, account_desk.login("demo", "demo123"))
        qtbot.addWidget(window)
        page = window.settle_page
        page.confirm_settle = False
        assert "医保个人账户" not in methods(page)
        compute_on(page, settle_done, tmp_path)
        assert methods(page) == ["现金", "银行卡", "微信", "支付宝", "医保个人账户"]
        page.payment_method.setCurrentIndex(4)
        page.settle()
        settle_done()
        assert page.outcome is not None, page.state_label.text()
        assert page.outcome.payment["method"] == "account"
        local_id = page.outcome.committed.local_id
        text = pdf_text(Path(produce_slip(account_desk, local_id, "demo", reprint=True, target=tmp_path / "s.pdf")))
        assert "支付方式：医保个人账户" in text
        window.dayend_page.refresh()
        settle_done()
        due = page.outcome.setlinfo_text()["psn_cash_pay"]
        assert column(window.dayend_page.day_model, "医保个人账户")[0] == due
        page.clear()
        assert "医保个人账户" not in methods(page)  # the next patient: not known yet


def test_a_long_day_close_sheet_repeats_its_header_on_every_page(desk: Desk, qtbot: QtBot, tmp_path: Path) -> None:
    settle_as(desk, "demo", "demo123", 11, "bill_01_pneumonia.json", "ZY-SHEET")
    report = desk.day_close_report(desk.login("demo", "demo123"))
    report.details = report.details * 70  # a busy window's day
    path = write_day_close_pdf(tmp_path / "日结单.pdf", report)
    pages = pdf_pages(path)
    assert pages >= 2 and mode(path) == 0o600
    first, last = pdf_text(path, 1), pdf_text(path, pages)
    assert "第1页" in first and f"共{pages}页" in first and "（续）" not in first
    assert f"第{pages}页" in last and f"共{pages}页" in last
    assert "收款员日结单（续）" in last and "收款员：示例收费员" in last
    assert "流水号" in last and "个人现金" in last  # the detail list's head, repeated
    assert "收款员签字" in last
