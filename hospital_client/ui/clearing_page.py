"""清算: the month's clearing application (3203) for the hospital's finance staff, and its
withdrawal (3204).

The month is reconciled with the central system first (3201, and 3202 when the totals differ,
app/clearing.py). When it matches, one application is made per clearing type (住院/门诊) and
insurance type, and the table shows each with its amounts and the funds it is owed by. When it
does not (对账不平), nothing is applied for and the table lists the settlements that differ:
not at the central system yet, only at the central system, or with different figures (desk,
central and the difference). An application is withdrawn after a confirmation. Offline, a
sentence says that clearing needs the insurance centre and that nothing was applied for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator
from ..app.clearing import ClearingOutcome, ClearingRefused, Difference, ReconciliationMismatch
from ..app.clearing_history import ClearingHistory
from ..app.code_names import insutype_name
from .messages import Notice, clerk_message, error_detail, show_error, show_info
from .models import DictTableModel
from .tasks import TaskRunner
from .widgets import DeskPage, day_edit, key_button, month_format, table_view

__all__ = ["ClearingPage"]

# 基金支付类型 (fund_pay_type) of the funds a clearing is owed by, in words.
FUND_NAMES = {"310100": "职工基本医疗保险统筹基金", "310200": "职工基本医疗保险个人账户", "320100": "公务员医疗补助",
              "330100": "职工大额医疗费用补助", "340100": "离休人员医疗保障基金", "390100": "城乡居民基本医疗保险基金",
              "390200": "城乡居民大病医疗保险", "610100": "医疗救助基金", "999996": "其他基金"}


def _funds_text(funds: object) -> str:
    if not isinstance(funds, Sequence) or isinstance(funds, str):
        return ""
    parts = []
    for fund in funds:
        if isinstance(fund, Mapping):
            code = str(fund.get("fund_pay_type", ""))
            parts.append(f"{FUND_NAMES.get(code, code)} {fund.get('fund_payamt', '')}")
    return "；".join(parts)


class ClearingPage(DeskPage):
    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        last_month = QDate.currentDate().addMonths(-1)
        self.month = day_edit(QDate(last_month.year(), last_month.month(), 1), month_format())
        self.month.setObjectName("clearing_month")
        self.apply_button = key_button(self.tr("Reconcile and apply for clearing"), "Ctrl+S", self.apply,
                                       "clearing_apply")
        self.withdraw_button = key_button(self.tr("Withdraw the application…"), "Ctrl+W", self.withdraw_selected,
                                          "clearing_withdraw")
        self.history_button = key_button(self.tr("Refresh past applications"), "Ctrl+R", self.refresh_history,
                                         "clearing_history_refresh")
        bar = QHBoxLayout()
        for widget in (QLabel(self.tr("Clearing month")), self.month, self.apply_button, self.withdraw_button,
                       self.history_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("clearing_summary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clr_types = {"21": self.tr("Inpatient"), "11": self.tr("Outpatient")}
        self.applications = DictTableModel([
            (self.tr("Clearing type"), "clr_type_text", False), (self.tr("Insurance type"), "insutype_text", False),
            (self.tr("Persons"), "psntime", True), (self.tr("Total"), "medfee_sumamt", True),
            (self.tr("Within the scheme"), "med_sumfee", True), (self.tr("Funds to clear"), "fund_appy_sum", True),
            (self.tr("Personal account"), "acct_pay", True), (self.tr("Cash"), "cash_payamt", True),
            (self.tr("By fund"), "funds_text", False), (self.tr("Application no."), "clr_appy_evt_id", False),
            (self.tr("State"), "state_text", False),
        ], self, tooltips={"funds_text": "funds_text", "state_text": "state_text"})
        self.applications_view = table_view(self.applications, "clearing_applications")
        self.applications_view.horizontalHeader().setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        self.kinds = {"missing_at_central": self.tr("Not at the central system (not synced yet)"),
                      "missing_at_site": self.tr("Only at the central system, not in this desk's journal"),
                      "amounts": self.tr("Amounts differ")}
        self.differences = DictTableModel([
            (self.tr("Settlement no."), "local_id", False), (self.tr("Central settlement id"), "setl_id", False),
            (self.tr("Difference"), "kind_text", False),
            (self.tr("Total (desk)"), "desk_medfee", True), (self.tr("Total (central)"), "central_medfee", True),
            (self.tr("Funds (desk)"), "desk_fund", True), (self.tr("Funds (central)"), "central_fund", True),
            (self.tr("Cash (desk)"), "desk_cash", True), (self.tr("Cash (central)"), "central_cash", True),
            (self.tr("Desk minus central"), "diff_text", False),
        ], self, tooltips={"diff_text": "diff_text"})
        self.differences_view = table_view(self.differences, "clearing_differences")
        self.differences_view.horizontalHeader().setSectionResizeMode(9, QHeaderView.ResizeMode.Stretch)
        self.applications_box = QGroupBox(self.tr("Clearing applications by clearing type and insurance type"))
        QVBoxLayout(self.applications_box).addWidget(self.applications_view)
        self.differences_box = QGroupBox(self.tr("Settlements that do not reconcile (对账不平)"))
        QVBoxLayout(self.differences_box).addWidget(self.differences_view)
        self.differences_box.setVisible(False)
        self.clr_stas = {"applied": self.tr("Applied"), "withdrawn": self.tr("Withdrawn"),
                         "approved": self.tr("Approved")}
        self.history = DictTableModel([
            (self.tr("Month"), "clr_ym_text", False), (self.tr("Clearing type"), "clr_type_text", False),
            (self.tr("Insurance type"), "insutype_text", False), (self.tr("Persons"), "psntime", True),
            (self.tr("Total"), "medfee_sumamt", True), (self.tr("Funds to clear"), "fund_appy_sum", True),
            (self.tr("Application no."), "clr_appy_evt_id", False), (self.tr("State"), "state_text", False),
            (self.tr("Since"), "opt_time", False),
        ], self)
        self.history_view = table_view(self.history, "clearing_history")
        self.history_view.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.history_note = QLabel()
        self.history_note.setObjectName("clearing_history_note")
        self.history_note.setWordWrap(True)
        self.history_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.history_box = QGroupBox(self.tr("Past clearing applications (last 12 months)"))
        history_layout = QVBoxLayout(self.history_box)
        history_layout.addWidget(self.history_note)
        history_layout.addWidget(self.history_view)
        self.message = QLabel()
        self.message.setObjectName("clearing_message")
        self.message.setWordWrap(True)
        self.message.setText(self.tr("Choose the month and apply: the month is reconciled with the insurance "
                                     "centre first."))
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.applications_box, 1)
        layout.addWidget(self.differences_box, 1)
        layout.addWidget(self.history_box, 1)
        layout.addWidget(self.message)
        self.confirm_box: QMessageBox | None = None
        self.history_loaded = False
        self.refresh_history()

    def month_text(self) -> str:
        return self.month.date().toString("yyyy-MM")

    def focus_month(self) -> None:
        self.month.setFocus()

    # --- applying ----------------------------------------------------------------------------------
    def apply(self) -> None:
        month, desk, operator = self.month_text(), self.desk, self.operator.name
        show_info(self.message, self.tr("Reconciling %1 with the insurance centre…").replace("%1", month))
        self.apply_button.setEnabled(False)
        self.tasks.run(lambda: desk.apply_clearing(operator, month), self._applied, self._apply_failed)

    def _application_row(self, app: Mapping[str, Any]) -> dict[str, Any]:
        row = dict(app)
        row["clr_type_text"] = self.clr_types.get(str(app.get("clr_type", "")), str(app.get("clr_type", "")))
        row["insutype_text"] = insutype_name(str(app.get("insutype", "")), short=True)
        row["funds_text"] = _funds_text(app.get("funds"))
        if app.get("clr_appy_evt_id"):
            row["state_text"] = (self.tr("Withdrawn") if app.get("stas") == "withdrawn" else self.tr("Applied"))
        else:
            row["state_text"] = self.tr("Refused: %1").replace("%1", str(app.get("err_msg", "")))
        return row

    def _show_applications(self, applications: Sequence[Mapping[str, Any]]) -> None:
        self.differences_box.setVisible(False)
        self.applications_box.setVisible(True)
        self.differences.set_rows([])
        self.applications.set_rows([self._application_row(a) for a in applications])

    def _applied(self, outcome: ClearingOutcome) -> None:
        self.apply_button.setEnabled(True)
        self.refresh_history()
        self._show_applications(outcome.applications)
        totals = outcome.totals
        self.summary.setText(self.tr("%1 reconciles with the insurance centre: %2 entries, total %3, funds %4, "
                                     "cash %5.").replace("%1", outcome.month).replace("%2", str(outcome.lines))
                             .replace("%3", totals.get("medfee_sumamt", "")).replace("%4", totals.get("fund_pay_sumamt", ""))
                             .replace("%5", totals.get("psn_cash_pay", "")))
        if outcome.applications:
            self.message.setStyleSheet("color:#1e7b34;font-weight:bold")
            self.message.setText(self.tr("Clearing applied for: %1 application(s).")
                                 .replace("%1", str(len(outcome.applications))))
            self.message.setToolTip("")
        else:
            show_info(self.message, self.tr("Nothing to clear in %1: no settlement in the month.")
                      .replace("%1", outcome.month))

    def _difference_row(self, diff: Difference) -> dict[str, Any]:
        desk, central = diff.desk, diff.central
        return {"local_id": diff.local_id, "setl_id": diff.setl_id, "kind": diff.kind,
                "kind_text": self.kinds.get(diff.kind, diff.kind),
                "desk_medfee": desk.get("medfee_sumamt", ""), "central_medfee": central.get("medfee_sumamt", ""),
                "desk_fund": desk.get("fund_pay_sumamt", ""), "central_fund": central.get("fund_pay_sumamt", ""),
                "desk_cash": desk.get("psn_cash_pay", ""), "central_cash": central.get("psn_cash_pay", ""),
                "diff_text": "；".join(f"{k} {v}" for k, v in diff.diff.items())}

    def _apply_failed(self, exc: BaseException) -> None:
        self.apply_button.setEnabled(True)
        if isinstance(exc, ReconciliationMismatch):
            self.applications.set_rows([])
            self.applications_box.setVisible(False)
            self.differences_box.setVisible(True)
            self.differences.set_rows([self._difference_row(d) for d in exc.differences])
            desk, central = exc.totals.get("desk", {}), exc.totals.get("central", {})
            self.summary.setText(
                self.tr("Desk: total %1, funds %2, cash %3. Insurance centre: %4 settlements, total %5, funds %6, "
                        "cash %7.").replace("%1", str(desk.get("medfee_sumamt", ""))).replace(
                    "%2", str(desk.get("fund_pay_sumamt", ""))).replace("%3", str(desk.get("psn_cash_pay", "")))
                .replace("%4", str(central.get("setl_cnt", ""))).replace("%5", str(central.get("medfee_sumamt", "")))
                .replace("%6", str(central.get("fund_pay_sumamt", ""))).replace("%7", str(central.get("psn_cash_pay", ""))))
            show_error(self.message, exc)
            return
        if isinstance(exc, ClearingRefused):
            self._show_applications(exc.outcome.applications)
            self.summary.setText("")
            show_error(self.message, exc)
            return
        self._show_offline(exc)

    def _show_offline(self, exc: BaseException) -> None:
        if self.desk.needs_link(exc):
            self.message.setStyleSheet("color:#b00000;font-weight:bold")
            self.message.setText(self.tr("Clearing is done with the insurance centre, which cannot be reached from "
                                         "this desk just now. Nothing was applied for or withdrawn; try again when "
                                         "the link is back.") + "\n" + clerk_message(exc))
            self.message.setToolTip(error_detail(exc))
            return
        show_error(self.message, exc)

    # --- withdrawing -------------------------------------------------------------------------------
    def selected_application(self) -> dict[str, Any] | None:
        rows = self.applications_view.selectionModel().selectedRows()
        row = self.applications.row_at(rows[0].row()) if rows else None
        if row is None or not row.get("clr_appy_evt_id") or row.get("stas") == "withdrawn":
            return None
        return row

    def withdraw_selected(self) -> None:
        row = self.selected_application()
        if row is None:
            show_error(self.message, Notice(self.tr("Select an application that is in force first.")))
            return
        evt = str(row["clr_appy_evt_id"])
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Withdraw the clearing application"),
                          self.tr("Withdraw clearing application %1 (%2, %3, %4, funds %5)? The month can then be "
                                  "applied for again.").replace("%1", evt).replace("%2", str(row.get("setlym", "")))
                          .replace("%3", row["clr_type_text"]).replace("%4", row["insutype_text"])
                          .replace("%5", str(row.get("fund_appy_sum", ""))),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("clearing_confirm")
        yes = box.addButton(self.tr("&Yes, withdraw"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("&No"), QMessageBox.ButtonRole.NoRole)
        box.setEscapeButton(no)
        box.setDefaultButton(no)
        self.confirm_box = box
        box.finished.connect(lambda _: self._withdraw_answered(box, yes, evt))
        box.open()

    def _withdraw_answered(self, box: QMessageBox, yes: object, evt: str) -> None:
        self.confirm_box = None
        self.window().activateWindow()  # the keys go back to where they were (not every platform does it)
        if box.clickedButton() is not yes:
            show_info(self.message, self.tr("Nothing was withdrawn."))
            return
        desk, operator = self.desk, self.operator.name
        self.tasks.run(lambda: desk.withdraw_clearing(operator, evt), self._withdrawn, self._show_offline)

    def _withdrawn(self, record: dict[str, Any]) -> None:
        evt = str(record.get("clr_appy_evt_id", ""))
        rows = self.applications.rows()
        self.applications.set_rows([self._application_row({**r, **record}) if r.get("clr_appy_evt_id") == evt else r
                                    for r in rows])
        self.message.setStyleSheet("color:#1e7b34;font-weight:bold")
        self.message.setText(self.tr("Application %1 withdrawn.").replace("%1", evt))
        self.message.setToolTip("")
        self.refresh_history()

    # --- past applications (3205A), kept on the desk for offline -------------------------------------
    def refresh_history(self) -> None:
        """Read the hospital's applications of the last months and their state from the central
        system; when it cannot be reached, the ones kept from the last time, saying when."""
        desk = self.desk
        self.history_button.setEnabled(False)
        self.tasks.run(desk.clearing_applications, self._history_arrived, self._history_failed)

    def _history_arrived(self, history: ClearingHistory) -> None:
        self.history_button.setEnabled(True)
        self.history_loaded = True
        rows = []
        for app in history.rows:
            row = dict(app)
            ym = str(app.get("clr_ym", ""))
            row["clr_ym_text"] = f"{ym[:4]}-{ym[4:]}" if len(ym) == 6 else ym
            row["clr_type_text"] = self.clr_types.get(str(app.get("clr_type", "")), str(app.get("clr_type", "")))
            row["insutype_text"] = insutype_name(str(app.get("insutype", "")), short=True)
            row["state_text"] = self.clr_stas.get(str(app.get("clr_stas", "")), str(app.get("clr_stas", "")))
            rows.append(row)
        self.history.set_rows(rows)
        if history.fresh:
            self.history_note.setStyleSheet("")
            self.history_note.setText(self.tr("As the insurance centre holds them, read at %1.")
                                      .replace("%1", history.fetched_at))
            self.history_note.setToolTip("")
        elif history.fetched_at:
            self.history_note.setStyleSheet("color:#b00000")
            self.history_note.setText(self.tr("The insurance centre cannot be reached just now: the applications "
                                              "as read at %1.").replace("%1", history.fetched_at))
            self.history_note.setToolTip(history.problem)
        else:
            self.history_note.setStyleSheet("color:#b00000")
            self.history_note.setText(self.tr("The insurance centre cannot be reached just now, and this desk has "
                                              "not read the past applications yet."))
            self.history_note.setToolTip(history.problem)

    def _history_failed(self, exc: BaseException) -> None:
        self.history_button.setEnabled(True)
        self.history_loaded = True
        self.history_note.setStyleSheet("color:#b00000")
        self.history_note.setText(clerk_message(exc))
        self.history_note.setToolTip(error_detail(exc))
