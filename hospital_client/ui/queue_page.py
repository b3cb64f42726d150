"""Queue and sync: every message waiting for the central system with its state, the messages it
refused (with the reason, and a retry), and the adjustments to settle with patients (补费/退费)
with a notice to print for them. Sync runs in a worker; the window stays responsive."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, Operator, amount_in_words
from .messages import Notice, long_moment_text, moment_text, show_error, show_info, transaction_name
from .models import DictTableModel
from .report_pdf import write_pdf
from .tasks import TaskRunner
from .widgets import DeskPage, key_button, table_view

_CJK = re.compile(r"[\u4e00-\u9fff]")


class QueuePage(DeskPage):
    synced = Signal(object)

    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        self.syncing = False
        self.summary = QLabel()
        self.summary.setObjectName("queue_summary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sync_button = QPushButton(self.tr("Sync now (F8)"))
        self.sync_button.setObjectName("sync_button")
        self.sync_button.clicked.connect(self.sync_now)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.sync_button)
        statuses = {"queued": self.tr("Queued"), "sent": self.tr("Sent"), "accepted": self.tr("Accepted"),
                    "adjusted": self.tr("Adjusted"), "rejected": self.tr("Rejected")}
        self._statuses = statuses
        self.outbox = DictTableModel([
            (self.tr("Settlement no."), "local_id", True), (self.tr("Transaction"), "infno_text", False),
            (self.tr("Message id"), "msgid", False), (self.tr("State"), "status_text", False),
            (self.tr("Attempts"), "attempts", True), (self.tr("Last error"), "error_text", False),
            (self.tr("Updated"), "updated_text", False),
        ], self, tooltips={"error_text": "last_error"})
        self.parked = DictTableModel([
            (self.tr("Settlement no."), "local_id", True), (self.tr("Message id"), "msgid", False),
            (self.tr("Reason"), "error_text", False), (self.tr("Updated"), "updated_text", False),
        ], self, tooltips={"error_text": "last_error"})
        self.adjustments = DictTableModel([
            (self.tr("Settlement no."), "local_id", True), (self.tr("Queue no."), "queue_no", False),
            (self.tr("Name"), "psn_name_masked", False), (self.tr("Patient pays more (+) / gets back (−)"),
                                                           "psn_cash_pay", True),
            (self.tr("Pool"), "hifp_pay", True), (self.tr("Critical illness"), "hifmi_pay", True),
            (self.tr("Assistance"), "maf_pay", True), (self.tr("Why"), "reasons", False),
            (self.tr("Resolved by"), "resolved_by", False),
        ], self)
        # discharges made offline (2402) that the centre refused when the sync sent them
        self.stay_refused = DictTableModel([
            (self.tr("Stay"), "mdtrt_id", False), (self.tr("Transaction"), "infno_text", False),
            (self.tr("Reason"), "err_msg", False), (self.tr("Refused at"), "refused_text", False),
        ], self, tooltips={"err_msg": "err_msg"})
        self.outbox_view = table_view(self.outbox, "outbox_table")
        self.stay_refused_view = table_view(self.stay_refused, "stay_refused_table")
        self.parked_view = table_view(self.parked, "parked_table")
        self.adjust_view = table_view(self.adjustments, "adjustments_table")
        retry = key_button(self.tr("Retry"), "Ctrl+R", self.retry_selected)
        resolve = key_button(self.tr("Mark as settled with the patient…"), "Ctrl+D", self.resolve_selected)
        notice = key_button(self.tr("Print notice for the patient"), "Ctrl+P", self.print_notice)
        parked_box = QWidget()
        pl = QVBoxLayout(parked_box)
        pl.addWidget(self.parked_view)
        pl.addWidget(retry)
        self.stay_refused_label = QLabel(self.tr(
            "Discharges made while offline that the centre refused: check the stay (e.g. its admission), "
            "then make the discharge again from History (Ctrl+T)."))
        self.stay_refused_label.setWordWrap(True)
        pl.addWidget(self.stay_refused_label)
        pl.addWidget(self.stay_refused_view)
        pl.addWidget(key_button(self.tr("Dealt with: remove from the list"), "Ctrl+Shift+D",
                                self.dismiss_stay_refusal, "dismiss_stay_refusal"))
        adjust_box = QWidget()
        al = QVBoxLayout(adjust_box)
        al.addWidget(self.adjust_view)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(notice)
        buttons.addWidget(resolve)
        al.addLayout(buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.outbox_view, self.tr("Upload queue"))
        self.tabs.addTab(parked_box, self.tr("Refused by the centre"))
        self.tabs.addTab(adjust_box, self.tr("Adjustments to resolve"))
        self.message = QLabel()
        self.message.setObjectName("queue_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

    # --- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        def read() -> tuple[Any, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                            list[dict[str, Any]]]:
            return (self.desk.sync_status(), self.desk.outbox(), self.desk.parked_messages(),
                    self.desk.adjustments(open_only=False), self.desk.refused_stay_messages())

        self.tasks.run(read, self._read, self._error)

    def _read(self, data: tuple[Any, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                                list[dict[str, Any]]]) -> None:
        status, outbox, parked, adjustments, stay_refused = data
        for row in stay_refused:
            row["infno_text"] = transaction_name(str(row["infno"]))
            row["refused_text"] = moment_text(str(row["refused_at"]))
        self.stay_refused.set_rows(stay_refused)
        for row in (*outbox, *parked):
            row["status_text"] = self._statuses.get(row["status"], row["status"])
            row["updated_text"] = moment_text(str(row.get("updated_at", "")))
            row["infno_text"] = transaction_name(str(row.get("infno", "")))
            row["error_text"] = self._error_words(str(row.get("last_error") or ""))
        self.outbox.set_rows(list(reversed(outbox)))
        self.parked.set_rows(parked)
        self.adjustments.set_rows(adjustments)
        counts = status.outbox
        text = self.tr("Waiting %1 · accepted %2 · with a difference %3 · refused %4 · adjustments open %5") \
            .replace("%1", str(status.waiting)).replace("%2", str(counts.get("accepted", 0))) \
            .replace("%3", str(counts.get("adjusted", 0))).replace("%4", str(counts.get("rejected", 0))) \
            .replace("%5", str(status.open_adjustments))
        if stay_refused:
            text += "\n⚠ " + self.tr("%1 discharge(s) made while offline were refused by the centre: see "
                                     "\"Refused by the centre\".").replace("%1", str(len(stay_refused)))
        text += "\n" + (self.tr("Last successful sync: %1").replace("%1", moment_text(status.last_success_at))
                        if status.last_success_at else self.tr("Never synced."))
        if status.last_error:
            text += "　" + self.tr("The last sync failed (the details are in the tooltip).")
        if not status.configured:
            text += "\n" + self.tr("No central server is configured: this desk works offline (demo site).")
        if status.clock_warning:
            text += "\n⚠ " + status.clock_warning
        self.summary.setText(text)
        self.summary.setToolTip(status.last_error)
        self.sync_button.setEnabled(status.configured and not self.syncing)

    def _error_words(self, error: str) -> str:
        """An upload's last error as the clerk reads it: the centre's own (Chinese) words, or a
        sentence; the English detail stays in the tooltip."""
        if not error or _CJK.search(error):
            return error
        known = {"online": self.tr("Sent at settlement; waiting for the answer"),
                 "no result": self.tr("No answer from the centre yet"),
                 "unknown at central": self.tr("Not received by the centre; sent again at the next sync")}
        return known.get(error, self.tr("Not delivered (the details are in the tooltip)"))

    def _error(self, exc: BaseException) -> None:
        show_error(self.message, exc)

    def _ok(self, text: str) -> None:
        show_info(self.message, text)

    # --- actions ---------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.syncing:
            return
        self.syncing = True
        self.sync_button.setEnabled(False)
        self._ok(self.tr("Syncing with the insurance centre…"))
        self.tasks.run(lambda: self.desk.sync_now(self.operator.name), self._synced, self._sync_failed)

    def _synced(self, summary: Any) -> None:
        self.syncing = False
        d = summary.to_dict()
        if summary.busy:
            self._ok(self.tr("Another sync of this desk is running; try again in a moment."))
        else:
            self._ok(self.tr("Sync done: sent %1, accepted %2, with a difference %3, refused %4, still waiting %5.")
                     .replace("%1", str(d["sent"])).replace("%2", str(d["accepted"]))
                     .replace("%3", str(d["adjusted"])).replace("%4", str(d["rejected"]))
                     .replace("%5", str(d["still_queued"]))
                     + ("　" + self.tr("The sync did not finish (the details are in the tooltip).") if d["error"] else ""))
            self.message.setToolTip(str(d["error"] or ""))
        self.synced.emit(summary)
        self.refresh()

    def _sync_failed(self, exc: BaseException) -> None:
        self.syncing = False
        self._error(exc)
        self.refresh()

    def _selected(self, view: QTableView, model: DictTableModel) -> dict[str, Any] | None:
        rows = view.selectionModel().selectedRows() if view.selectionModel() else []
        if not rows:
            self._error(Notice(self.tr("Select a line first.")))
            return None
        return model.row_at(rows[0].row())

    def retry_selected(self) -> None:
        row = self._selected(self.parked_view, self.parked)
        if row is None:
            return
        outbox_id = int(row["id"])
        self.tasks.run(lambda: self.desk.retry_message(self.operator, outbox_id),
                       lambda _: self._done(self.tr("Queued again for the next sync.")), self._error)

    def dismiss_stay_refusal(self) -> None:
        row = self._selected(self.stay_refused_view, self.stay_refused)
        if row is None:
            return
        msgid = str(row["msgid"])
        self.tasks.run(lambda: self.desk.dismiss_stay_refusal(self.operator, msgid),
                       lambda _: self._done(self.tr("Removed from the list.")), self._error)

    def _done(self, message: str) -> None:
        self._ok(message)
        self.refresh()

    def resolve_selected(self, note: str | None = None) -> None:
        row = self._selected(self.adjust_view, self.adjustments)
        if row is None:
            return
        if row.get("resolved_by"):
            self._error(Notice(self.tr("This adjustment is already resolved.")))
            return
        if note is None:
            note, ok = QInputDialog.getText(self, self.tr("Resolve adjustment"),
                                            self.tr("How was the difference settled (receipt no., note)?"))
            if not ok:
                return
        local_id = int(row["local_id"])
        self.tasks.run(lambda: self.desk.resolve_adjustment(self.operator, local_id, note or ""),
                       lambda _: self._done(self.tr("Adjustment resolved.")), self._error)

    def print_notice(self, path: str | Path | None = None) -> None:
        row = self._selected(self.adjust_view, self.adjustments)
        if row is None:
            return
        desk, name = self.desk, f"调整通知-{row['local_id']}.pdf"
        cash = Decimal(str(row["psn_cash_pay"]))
        side = "补交" if cash > 0 else "退还"
        headers = ["项目", "金额（元）"]
        rows = [["个人现金支付差额（正数为补交，负数为退还）", row["psn_cash_pay"]],
                ["基本医保统筹差额", row["hifp_pay"]], ["大病保险差额", row["hifmi_pay"]],
                ["医疗救助差额", row["maf_pay"]],
                [f"患者应{side}", f"{abs(cash):.2f}（{amount_in_words(abs(cash))}）"]]
        subtitle = (f"{self.desk.site_name}　结算流水号 {row['local_id']}　排队号 {row['queue_no']}　"
                    f"中心结算号 {row.get('central_id', '')}　打印时间 {long_moment_text(dt.datetime.now())}。"
                    f"原因：{row.get('reasons', '')}")
        # The notice names the patient: in the private slips folder (0600) unless a path is given.
        self.tasks.run(lambda: str(write_pdf(Path(path) if path else desk.slip_path(name),
                                             "医保结算调整通知单（补费/退费）", subtitle, headers, rows)),
                       lambda p: self._ok(self.tr("Notice written to %1").replace("%1", p)), self._error)
