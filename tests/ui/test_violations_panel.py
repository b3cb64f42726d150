"""智能审核 on the settle screen, with real widgets: the violations appear before the confirm, in
Chinese, beside the bill lines they concern, with what the fund would refuse in 元; a 拦截 is
charged to the patient until a supervisor overrides it in the dialog (login, password, reason);
the settlement then carries the override."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from pytestqt.qtbot import QtBot

from hospital_client import paths, store
from hospital_client.app.desk import Desk
from hospital_client.ui.main_window import MainWindow
from hospital_client.ui.override_dialog import OverrideDialog
from hospital_client.ui.settle_page import SettlePage
from hospital_client.ui.tasks import TaskRunner

BILLS = paths.demo_dir() / "bills"


def dibao_person() -> dict[str, object]:
    persons = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))["persons"]
    return next(p for p in persons if p["assistance_group"] == "dibao")


def page_with_bill(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path,
                   bill: str = "bill_04_femur_fracture.json") -> tuple[MainWindow, SettlePage]:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    page = window.settle_page
    page.confirm_settle = False
    person = dibao_person()
    page.identify.setText(str(person["card_no"]))
    page.lookup()
    settle_done()
    page.enter_stay("ZY-REVIEW-1", dt.date.today() - dt.timedelta(days=7))
    path = tmp_path / "bill.json"
    path.write_text(json.dumps({"feedetail": json.loads((BILLS / bill).read_text("utf-8"))["fees"]},
                               ensure_ascii=False), encoding="utf-8")
    page.import_file(path, ask=False)
    settle_done()
    assert page.preview is not None
    return window, page


def test_violations_show_before_the_confirm_beside_their_lines(qtbot: QtBot, desk: Desk, tasks: TaskRunner,
                                                               settle_done, tmp_path: Path) -> None:
    _, page = page_with_bill(qtbot, desk, tasks, settle_done, tmp_path)
    panel = page.review.panel
    assert panel.isVisible()
    table = panel.table
    rows = {table.item(r, 1).text(): [table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())}
    assert set(rows) == {"IND-001", "QTY-002", "PAIR-002"}
    kind, _, amount, lines, why = rows["IND-001"]
    assert (kind, amount) == ("拦截", "3,800.00") and "白蛋白" in why
    assert lines.startswith("第") and "行" in lines  # the bill line number and its item
    assert rows["QTY-002"][0] == "提示"
    # and beside the line itself in the bill table: flagged, in red
    model = page.fee_model
    flags = [str(model.index(r, model.columnCount() - 1).data()) for r in range(model.rowCount())]
    blocked = [r for r, text in enumerate(flags) if "审核拦截 IND-001" in text]
    assert len(blocked) == 1 and lines == f"第{blocked[0] + 1}行 人血白蛋白 10g"
    assert any("审核提示 QTY-002" in text for text in flags)
    assert "3,800.00" in panel.summary.text() and "主管" in panel.summary.text()
    assert panel.override_button.isEnabled()
    # the split on screen already charges the blocked line to the patient
    assert Decimal(page.breakdown.figures["fulamt_ownpay_amt"].text().replace(",", "")) >= Decimal("3800.00")


def test_a_supervisor_overrides_a_block_with_a_reason(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                      tmp_path: Path) -> None:
    _, page = page_with_bill(qtbot, desk, tasks, settle_done, tmp_path)
    assert page.preview is not None
    cash_before = Decimal(page.preview.result["setlinfo"]["psn_cash_pay"])
    page.review.panel.override_button.click()
    dialog = page.review.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert [b.property("rule_id") for b in dialog.rule_boxes] == ["IND-001"]
    assert not ok.isEnabled() and dialog.problem.text()
    dialog.supervisor.setText("demo")      # a clerk cannot override
    dialog.password.setText("demo123")
    dialog.reason.setPlainText("低白蛋白血症，病程记录可查")
    assert ok.isEnabled()
    ok.click()
    settle_done()
    assert page.review.approver is None and "主管" in page.state_label.text()
    page.review.panel.override_button.click()
    dialog = page.review.dialog
    assert dialog is not None
    dialog.supervisor.setText("super")
    dialog.password.setText("super123")
    dialog.reason.setPlainText("低白蛋白血症，病程记录可查")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    settle_done()
    assert page.review.approver is not None and page.review.approver.name == "super"
    table = page.review.panel.table
    overridden = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "IND-001")
    assert table.item(overridden, 0).text() == "已放行" and "示例主管" in table.item(overridden, 4).text()
    assert not page.review.panel.override_button.isEnabled()
    assert Decimal(page.preview.result["setlinfo"]["psn_cash_pay"]) < cash_before

    page.settle()
    settle_done()
    assert page.outcome is not None and page.outcome.result is not None
    settled = {v["rule_id"]: v for v in page.outcome.result.to_dict()["violations"]}
    assert settled["IND-001"]["override"] == {"operator": "super", "reason": "低白蛋白血症，病程记录可查"}
    db = store.open_database(desk.db_path)
    try:
        audited = [e for e in store.audit.entries(db) if e.action == "review_override"]
    finally:
        db.close()
    assert [(e.operator, e.detail["rule_id"], e.detail["clerk"]) for e in audited] == [("super", "IND-001", "demo")]


def test_a_new_computation_forgets_the_override(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done,
                                                tmp_path: Path) -> None:
    _, page = page_with_bill(qtbot, desk, tasks, settle_done, tmp_path)
    page.review.panel.override_button.click()
    dialog = page.review.dialog
    assert dialog is not None
    dialog.supervisor.setText("super")
    dialog.password.setText("super123")
    dialog.reason.setPlainText("已核实")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    settle_done()
    assert page.review.overrides
    page.compute()
    settle_done()
    assert page.review.overrides == [] and page.review.approver is None
    assert page.review.panel.override_button.isEnabled()


def test_no_violation_no_panel(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done, tmp_path: Path) -> None:
    _, page = page_with_bill(qtbot, desk, tasks, settle_done, tmp_path, "bill_02_appendicitis_small.json")
    assert not page.review.panel.isVisible() and page.review.panel.table.rowCount() == 0


def test_reimport_takes_the_his_stay_again(qtbot: QtBot, desk: Desk, tasks: TaskRunner, settle_done) -> None:
    window = MainWindow(desk, tasks, desk.login("demo", "demo123"))
    qtbot.addWidget(window)
    window.show()
    settle_done()  # the waiting list reads the demo HIS drop folder
    page = window.settle_page
    page.take_stay("ZY20261101")
    settle_done()
    assert page.taken is not None and page.bill is not None
    first_bill = page.bill
    page.review.reimport()
    settle_done()
    assert page.taken is not None and page.taken.stay.ipt_no == "ZY20261101"
    assert page.bill is not None and page.bill is not first_bill and page.bill.fees == first_bill.fees
    assert page.mdtrt_id.text() == page.taken.stay.stay_key
