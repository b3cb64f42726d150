"""The breakdown panel: every figure of setlinfo and the Chinese explanation of each step.

The figures stand in two columns (the bill and what the patient carries; the funds and the
totals), so that the panel fits a 1366×768 screen beside the bill; a figure is never cut: the
panel does not get narrower than its figures."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QListWidget, QSizePolicy, QVBoxLayout, QWidget

from .messages import readable_warning


class OneLineLabel(QLabel):
    """One line of text that never wraps: where it is wider than the label it ends in "…" (the
    whole text in the tooltip) instead of being cut in the middle of a character."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()

    def text(self) -> str:
        """The whole text (``shown_text`` is what fits)."""
        return self._full

    def clear(self) -> None:
        self.setText("")

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        if width > 0:  # not laid out yet: the whole text, cut at the first resize
            super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))
        else:
            super().setText(self._full)


class BreakdownPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures: dict[str, QLabel] = {}
        left = [
            ("medfee_sumamt", self.tr("Total bill")),
            ("fulamt_ownpay_amt", self.tr("Fully self-paid (class C, not listed)")),
            ("overlmt_selfpay", self.tr("Over price cap")),
            ("preselfpay_amt", self.tr("First self-pay of class B")),
            ("inscp_scp_amt", self.tr("Policy-range amount")),
            ("act_pay_dedc", self.tr("Deductible")),
            ("pool_prop_selfpay", self.tr("Patient's share in the pool band")),
        ]
        right = [
            ("hifp_pay", self.tr("Basic insurance pool")),
            ("hifmi_pay", self.tr("Critical-illness insurance")),
            ("maf_pay", self.tr("Medical assistance")),
            ("fund_pay_sumamt", self.tr("Funds in total")),
            ("psn_part_amt", self.tr("Patient's share")),
            ("psn_cash_pay", self.tr("Patient pays in cash")),
        ]
        box = self.figures_box = QGroupBox(self.tr("Split of the bill"))
        box.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        grid = QGridLayout(box)
        grid.setVerticalSpacing(3)
        grid.setHorizontalSpacing(8)
        grid.setColumnMinimumWidth(2, 12)
        for column, names in ((0, left), (3, right)):
            for row, (key, label) in enumerate(names):
                name = QLabel(label)
                name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value = QLabel("—")
                value.setObjectName(f"fig_{key}")
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setMinimumWidth(value.fontMetrics().horizontalAdvance("0,000,000.00"))
                if key in ("hifp_pay", "hifmi_pay", "maf_pay", "psn_cash_pay"):
                    value.setStyleSheet("font-weight:bold")
                self.figures[key] = value
                grid.addWidget(name, row, column)
                grid.addWidget(value, row, column + 1)
        grid.setColumnStretch(2, 1)
        self.explain = QListWidget()
        self.explain.setObjectName("explain_list")
        self.explain.setWordWrap(True)
        self.explain.setAlternatingRowColors(True)
        self.explain.setMinimumHeight(40)
        # One line (the whole text in its tooltip): at 1366x768 a wrapped warning squeezed the figures.
        self.warnings = OneLineLabel()
        self.warnings.setObjectName("warnings_label")
        self.warnings.setStyleSheet("color:#8a5a00")
        explain_box = self.explain_box = QGroupBox(self.tr("How it was computed"))
        explain_layout = self._explain_layout = QVBoxLayout(explain_box)
        explain_layout.setContentsMargins(9, 4, 9, 4)  # the warnings line still fits at 1024×640
        explain_layout.addWidget(self.explain, 1)
        explain_layout.addWidget(self.warnings)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(explain_box, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_explain()

    def _fit_explain(self) -> None:
        """Where the panel is too short for the figures and the steps (the window at its minimum
        height, a 1280×720 screen), the list of steps gives way, and where it is shorter still the
        warnings line too: the figures are never squeezed; what gave way comes back with room."""
        list_part = self.explain.minimumHeight() + self._explain_layout.spacing()
        without_list = self.explain_box.minimumSizeHint().height() - (0 if self.explain.isHidden() else list_part)
        figures = self.figures_box.sizeHint().height() + self._layout.spacing()
        self.explain.setHidden(self.height() < figures + without_list + list_part)
        self.explain_box.setHidden(self.height() < figures + without_list)

    def show_result(self, result: dict[str, Any] | None) -> None:
        self.explain.clear()
        if result is None:
            for label in self.figures.values():
                label.setText("—")
            self.warnings.clear()
            return
        setlinfo = result["setlinfo"]
        for key, label in self.figures.items():
            label.setText(setlinfo.get(key, ""))
        for step in result.get("explain", []):
            self.explain.addItem(step["text"])
        warnings = result.get("warnings", [])
        readable = [f"⚠ {readable_warning(w)}" for w in warnings]
        self.warnings.setText("　".join(readable))
        self.warnings.setToolTip("\n".join(readable))
        for line in readable:  # read whole at the end of the list, where the line above may be cut
            self.explain.addItem(line)
            self.explain.item(self.explain.count() - 1).setForeground(QColor("#8a5a00"))
