"""结算清单: for the clerk and the 病案 office, the inpatient settlements of a period and the state
of each one's settlement list at the central system (4104): missing (not uploaded), accepted,
rejected by the quality control (with the reasons), not final yet (no central settlement id), or
unknown (the central system could not be asked).

The selected settlement's list is built here (with HIS's 病案首页 as a JSON file, chosen in the
file dialog) and checked: what is missing (the main diagnosis, 离院方式, ...) is listed beside the
table, in Chinese, and such a list is not sent. A complete one is uploaded (4101) and the central
system's quality-control result shown; the table is read again."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..app import Desk, HospitalClientError, Operator
from ..app.input_files import read_input_file
from ..app.settlement_list import SettlementList, SettlementListIncomplete
from .messages import Notice, moment_text, show_error, show_info
from .models import DictTableModel
from .tasks import TaskRunner
from .widgets import DeskPage, day_edit, key_button, table_view

__all__ = ["SettlementListPage"]

# The states that need someone's work first.
TO_DO = ("missing", "rejected", "withdrawn")
MAX_RECORD_BYTES = 1024 * 1024
# The parts of a list, as the checks name them when a whole part is wrong.
PART_NAMES = {"setlinfo": "结算清单主体", "diseinfo": "诊断信息", "oprninfo": "手术操作信息",
              "iteminfo": "收费项目信息", "payinfo": "基金支付信息"}
# 出院科别（dscg_caty）: a field's code (lower case, never a diagnosis code) in brackets after its name.
_CODE_AFTER_NAME = re.compile(r"\s*[（(][a-z][a-z0-9_]*(\[[0-9]+\])?(\.[a-z][a-z0-9_]*)*[）)]")
# setlinfo（结算清单主体）: a code with its Chinese name in brackets after it.
_CODE_BEFORE_NAME = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z_]*\s*[（(]([^（）()]*[\u4e00-\u9fff][^（）()]*)[）)]")
_PART_CODE = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(PART_NAMES) + r")(?![A-Za-z0-9_])\s*")


def clerk_problem(msg: str) -> str:
    """A check's sentence as a clerk reads it: the Chinese names only, without the field codes
    (出院科别（dscg_caty）缺失 -> 出院科别缺失); the codes stay in the tooltip."""
    text = _CODE_BEFORE_NAME.sub(r"\1", msg)
    text = _CODE_AFTER_NAME.sub("", text)
    return _PART_CODE.sub(lambda m: PART_NAMES[m.group(1)], text)


class SettlementListPage(DeskPage):
    def __init__(self, desk: Desk, tasks: TaskRunner, operator: Operator, parent: QWidget | None = None):
        super().__init__(desk, tasks, operator, parent)
        today = QDate.currentDate()
        self.day_from, self.day_to = day_edit(QDate(today.year(), today.month(), 1)), day_edit(today)
        self.day_from.setObjectName("list_day_from")
        self.day_to.setObjectName("list_day_to")
        self.only_to_do = QCheckBox(self.tr("Only missing and rejected"))
        self.only_to_do.setObjectName("list_only_to_do")
        self.only_to_do.toggled.connect(lambda _: self._fill())
        show = key_button(self.tr("Show"), "Ctrl+D", self.refresh, "list_show")
        bar = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.day_from, QLabel(self.tr("to")), self.day_to, show,
                       self.only_to_do):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.state_names = {
            "missing": self.tr("Missing (not uploaded)"), "accepted": self.tr("Uploaded, passed"),
            "rejected": self.tr("Rejected by quality control"),
            "confirmed": self.tr("Confirmed by the records office"), "withdrawn": self.tr("Withdrawn (to upload again)"),
            "not_final": self.tr("Settlement not final yet"),
            "unknown": self.tr("Unknown (central system not reached)"),
        }
        self.summary = QLabel()
        self.summary.setObjectName("list_summary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message = QLabel()
        self.message.setObjectName("list_message")
        self.message.setWordWrap(True)
        self.model = DictTableModel([
            (self.tr("Settlement no."), "local_id", True), (self.tr("Queue no."), "queue_no", False),
            (self.tr("Date"), "setl_date", False), (self.tr("Name"), "psn_name_masked", False),
            (self.tr("Stay"), "mdtrt_id", False), (self.tr("Central settlement id"), "setl_id", False),
            (self.tr("Settlement list"), "state_text", False), (self.tr("Reasons"), "reasons_text", False),
            (self.tr("Uploaded"), "uploaded_text", False),
            (self.tr("Confirmed / withdrawn at"), "changed_text", False),
        ], self, tooltips={"reasons_text": "reasons_text"})
        self.view = table_view(self.model, "settlement_list_table")
        self.view.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)  # the reasons
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.detail = QLabel()
        self.detail.setObjectName("list_detail")
        self.detail.setWordWrap(True)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        box = QGroupBox(self.tr("Settlement lists"))
        layout = QVBoxLayout(box)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        panel = self._build_panel()
        row = QHBoxLayout()
        row.addWidget(box, 1)
        row.addWidget(panel)
        outer = QVBoxLayout(self)
        outer.addLayout(row, 1)
        outer.addWidget(self.message)
        self._rows: list[dict[str, Any]] = []
        self.record: dict[str, Any] | None = None
        self.record_dialog: QFileDialog | None = None
        self._panel_id: object = None  # the settlement the panel shows
        self.confirm_box: QMessageBox | None = None

    def _build_panel(self) -> QGroupBox:
        """Beside the table: the selected settlement's list, the medical record, what is missing
        and the central quality control's result."""
        panel = QGroupBox(self.tr("Build and upload the selected list"))
        panel.setObjectName("list_panel")
        panel.setMinimumWidth(340)
        panel.setMaximumWidth(460)
        self.record_label = QLabel(self.tr("Medical record (病案首页): none chosen"))
        self.record_label.setObjectName("list_record")
        self.record_label.setWordWrap(True)
        self.record_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        choose = key_button(self.tr("Medical record file…"), "Ctrl+M", self.choose_record, "list_choose_record")
        check = key_button(self.tr("Check the list"), "Ctrl+K", self.check_selected, "list_check")
        upload = key_button(self.tr("Build and upload"), "Ctrl+U", self.upload_selected, "list_upload")
        confirm = key_button(self.tr("Confirm the list"), "Ctrl+Shift+F", lambda: self.ask_status("confirm"),
                             "list_confirm")
        withdraw = key_button(self.tr("Withdraw the list"), "Ctrl+Shift+W", lambda: self.ask_status("withdraw"),
                              "list_withdraw")
        self.check_state = QLabel()
        self.check_state.setObjectName("list_check_state")
        self.check_state.setWordWrap(True)
        self.check_state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.problems = QListWidget()
        self.problems.setObjectName("list_problems")
        self.problems.setWordWrap(True)
        self.qc_result = QLabel()
        self.qc_result.setObjectName("list_qc_result")
        self.qc_result.setWordWrap(True)
        self.qc_result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(panel)
        layout.addWidget(self.record_label)
        layout.addWidget(choose)
        buttons = QHBoxLayout()
        buttons.addWidget(check)
        buttons.addWidget(upload)
        layout.addLayout(buttons)
        status_buttons = QHBoxLayout()
        status_buttons.addWidget(confirm)
        status_buttons.addWidget(withdraw)
        layout.addLayout(status_buttons)
        layout.addWidget(self.check_state)
        layout.addWidget(QLabel(self.tr("Missing or wrong in the list:")))
        layout.addWidget(self.problems, 1)
        layout.addWidget(QLabel(self.tr("Central quality control:")))
        layout.addWidget(self.qc_result)
        return panel

    def refresh(self) -> None:
        day_from = self.day_from.date().toString("yyyy-MM-dd")
        day_to = self.day_to.date().toString("yyyy-MM-dd")

        def work() -> tuple[list[dict[str, Any]], str]:
            rows, problem = self.desk.settlement_list_status(day_from, day_to)
            return [r.to_dict() for r in rows], problem

        self.tasks.run(work, self._arrived, lambda exc: show_error(self.message, exc))

    def _arrived(self, result: tuple[list[dict[str, Any]], str]) -> None:
        rows, problem = result
        for row in rows:
            row["state_text"] = self.state_names.get(row["state"], row["state"])
            row["reasons_text"] = "；".join(row["reasons"])
            row["uploaded_text"] = moment_text(str(row.get("uploaded_at") or ""), seconds=False)
            # when the 病案 office last confirmed or withdrew the list (4102), for those two states
            row["changed_text"] = (moment_text(str(row.get("changed_at") or ""), seconds=False)
                                   if row["state"] in ("confirmed", "withdrawn") else "")
        self._rows = rows
        counts = {state: sum(1 for r in rows if r["state"] == state) for state in self.state_names}
        parts = [f"{self.state_names[s]} {counts[s]}" for s in ("missing", "rejected", "withdrawn", "accepted",
                                                                 "confirmed", "not_final", "unknown") if counts[s]]
        total = self.tr("%1 inpatient settlements").replace("%1", str(len(rows)))
        self.summary.setText(total + ("：" + "，".join(parts) if parts else ""))
        if problem:
            self.message.setStyleSheet("color:#b00000")
            self.message.setText(self.tr("The central system could not be asked; the upload states are unknown."))
            self.message.setToolTip(problem)
        else:
            show_info(self.message, "")
        self._fill()

    def _fill(self) -> None:
        rows = [r for r in self._rows if r["state"] in TO_DO] if self.only_to_do.isChecked() else self._rows
        self.model.set_rows(rows)
        self.detail.setText("")

    def _show_selected(self) -> None:
        indexes = self.view.selectionModel().selectedRows()
        if not indexes:
            self.detail.setText("")
            return
        row = self.model.row_at(indexes[0].row())
        if row["local_id"] != self._panel_id:  # another settlement: the panel spoke of the last one
            self._panel_id = row["local_id"]
            self.problems.clear()
            self.check_state.setText("")
            self.qc_result.setText("")
        reasons = row.get("reasons") or []
        text = self.tr("Settlement no. %1: %2").replace("%1", str(row["local_id"])).replace("%2", row["state_text"])
        self.detail.setText(text + ("\n" + "\n".join(f"• {r}" for r in reasons) if reasons else ""))

    # --- building and uploading the selected list ----------------------------------------------
    def selected_local_id(self) -> int | None:
        indexes = self.view.selectionModel().selectedRows()
        return int(self.model.row_at(indexes[0].row())["local_id"]) if indexes else None

    def choose_record(self) -> None:
        """Qt's own file dialog (in the interface language) for HIS's 病案首页 JSON file."""
        dialog = QFileDialog(self, self.tr("Medical record (病案首页) of the settlement"), "",
                             self.tr("Medical record (*.json);;All files (*)"))
        dialog.setObjectName("list_record_dialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.use_record)
        self.record_dialog = dialog
        dialog.open()

    def use_record(self, path: str) -> None:
        """Read the 病案首页 file (a JSON object: dscg_way, diseinfo, diag_names, oprninfo, ...)."""
        self.record_dialog = None
        try:
            data = read_input_file(path, max_bytes=MAX_RECORD_BYTES, what="medical record file")
            value = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            show_error(self.message, Notice(self.tr("The medical record file is not JSON text (UTF-8); "
                                                    "export it from HIS again.")))
            return
        except (HospitalClientError, OSError) as exc:  # missing, unreadable, too large: the clerk reads why
            show_error(self.message, exc)
            return
        if not isinstance(value, dict):
            show_error(self.message, Notice(self.tr("The medical record file must hold one JSON object "
                                                    "(dscg_way, diseinfo, oprninfo, ...).")))
            return
        self.record = value
        self.record_label.setText(self.tr("Medical record (病案首页): %1").replace("%1", Path(path).name))
        self.record_label.setToolTip(path)
        show_info(self.message, "")

    def _need_selection(self) -> int | None:
        local_id = self.selected_local_id()
        if local_id is None:
            show_error(self.message, Notice(self.tr("Select a settlement in the table first.")))
        return local_id

    def check_selected(self) -> None:
        """Build the selected list and list what is missing (nothing is sent)."""
        local_id = self._need_selection()
        if local_id is None:
            return
        desk, record = self.desk, self.record
        self.tasks.run(lambda: desk.settlement_list(local_id, record), self._checked,
                       lambda exc: self._failed(exc))

    def _checked(self, built: SettlementList) -> None:
        self._show_problems(built.local_id, built.problems)
        show_info(self.message, "")

    def _show_problems(self, local_id: int, found: Sequence[Any]) -> None:
        self._panel_id = local_id
        self.problems.clear()
        for problem in found:
            self.problems.addItem(clerk_problem(str(problem.msg)))
            self.problems.item(self.problems.count() - 1).setToolTip(f"{problem.code} {problem.field}\n{problem.msg}")
        if found:
            self.check_state.setStyleSheet("color:#b00000;font-weight:bold")
            self.check_state.setText(self.tr("The list of settlement no. %1 is incomplete: %2 problem(s); it is "
                                             "not uploaded.").replace("%1", str(local_id)).replace("%2", str(len(found))))
        else:
            self.check_state.setStyleSheet("color:#1e7b34;font-weight:bold")
            self.check_state.setText(self.tr("The list of settlement no. %1 is complete and can be uploaded.")
                                     .replace("%1", str(local_id)))

    def upload_selected(self) -> None:
        """Build, check and upload (4101) the selected list; the central QC result beside the table."""
        local_id = self._need_selection()
        if local_id is None:
            return
        desk, record, operator = self.desk, self.record, self.operator.name
        show_info(self.message, self.tr("Uploading the list of settlement no. %1…").replace("%1", str(local_id)))
        self.tasks.run(lambda: desk.upload_settlement_list(operator, local_id, record), self._uploaded,
                       lambda exc: self._failed(exc, local_id))

    def _uploaded(self, answer: dict[str, Any]) -> None:
        local_id = int(answer.get("local_id") or 0)
        self._show_problems(local_id, [])
        items = [x for x in answer.get("qc_items") or [] if isinstance(x, dict)]
        state = self.state_names.get(str(answer.get("stas", "")), str(answer.get("stas", "")))
        text = self.tr("Settlement no. %1: %2").replace("%1", str(local_id)).replace("%2", state)
        if answer.get("setl_list_id"):
            text += "（" + self.tr("list no. %1").replace("%1", str(answer["setl_list_id"])) + "）"
        self.qc_result.setText(text + "".join(f"\n• {clerk_problem(str(x.get('msg', '')))}" for x in items))
        self.qc_result.setToolTip("\n".join(f"{x.get('code', '')} {x.get('field', '')} {x.get('msg', '')}".strip()
                                            for x in items))
        self.qc_result.setStyleSheet("color:#b00000" if answer.get("stas") == "rejected" else "color:#1e7b34")
        self.check_state.setText(self.tr("Uploaded."))
        show_info(self.message, text)
        self.refresh()

    def _failed(self, exc: BaseException, local_id: int | None = None) -> None:
        if isinstance(exc, SettlementListIncomplete) and local_id is not None:
            self._show_problems(local_id, exc.problems)
        show_error(self.message, exc)

    # --- the records office's word on an uploaded list (4102) ----------------------------------
    def ask_status(self, action: str) -> None:
        """Confirm or withdraw the selected settlement's uploaded list, after a question (Y does it;
        Enter or Esc keep things as they are)."""
        local_id = self._need_selection()
        if local_id is None:
            return
        if action == "confirm":
            title = self.tr("Confirm the settlement list")
            question = self.tr("Confirm the uploaded list of settlement no. %1? A confirmed list is final and is "
                               "not replaced by a new upload until it is withdrawn.").replace("%1", str(local_id))
            yes_text = self.tr("&Yes, confirm")
        else:
            title = self.tr("Withdraw the settlement list")
            question = self.tr("Withdraw the uploaded list of settlement no. %1? It no longer counts until it is "
                               "uploaded again.").replace("%1", str(local_id))
            yes_text = self.tr("&Yes, withdraw the list")
        box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("list_status_confirm")
        yes = box.addButton(yes_text, QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("&No"), QMessageBox.ButtonRole.NoRole)
        box.setEscapeButton(no)
        box.setDefaultButton(no)
        self.confirm_box = box
        box.finished.connect(lambda _: self._status_answered(box, yes, local_id, action))
        box.open()

    def _status_answered(self, box: QMessageBox, yes: object, local_id: int, action: str) -> None:
        self.confirm_box = None
        self.window().activateWindow()  # the keys go back to where they were (not every platform does it)
        if box.clickedButton() is not yes:
            show_info(self.message, self.tr("Nothing was changed."))
            return
        desk, operator = self.desk, self.operator.name
        self.tasks.run(lambda: desk.change_settlement_list_status(operator, local_id, action), self._status_changed,
                       lambda exc: self._failed(exc))

    def _status_changed(self, answer: dict[str, Any]) -> None:
        state = self.state_names.get(str(answer.get("stas", "")), str(answer.get("stas", "")))
        text = self.tr("Settlement no. %1: %2").replace("%1", str(answer.get("local_id", ""))).replace("%2", state)
        self.qc_result.setText(text)
        self.qc_result.setStyleSheet("color:#1e7b34")
        show_info(self.message, text)
        self.refresh()
