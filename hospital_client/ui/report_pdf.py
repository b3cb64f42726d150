"""Tables as a printable PDF (day-end, fund statement) through QTextDocument and QPrinter."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from ..app import DAY_END_KEYS, DayCloseReport
from ..app.day_close import DETAIL_HEADERS, FUND_TITLES, SIGNATURES, detail_cells, money_text
from ..app.private_files import private_output
from .paged_print import paint_pages


def rows_html(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A bordered table, numbers right-aligned; a 合计 row in bold."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)

    def cell(v: Any, bold: bool) -> str:
        text = html.escape(str(v))
        return f"<td align='{'right' if _numeric(v) else 'left'}'>{f'<b>{text}</b>' if bold else text}</td>"

    body = "".join("<tr>" + "".join(cell(v, bool(row) and row[0] == "合计") for v in row) + "</tr>" for row in rows)
    return (f"<table border='1' cellspacing='0' cellpadding='3' style='font-size:9pt;border-collapse:collapse' "
            f"width='100%'><thead><tr>{head}</tr></thead>{body}</table>")  # the head repeats on every page


def table_html(title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return (f"<html><body style=\"font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif\">"
            f"<h2>{html.escape(title)}</h2><p style='font-size:9pt'>{html.escape(subtitle)}</p>"
            f"{rows_html(headers, rows)}</body></html>")


def _numeric(value: Any) -> bool:
    text = str(value).lstrip("-").replace(",", "")
    return text.replace(".", "", 1).isdigit()


def _print_landscape(path: str | Path, page_html: str, header: str) -> Path:
    """An HTML page printed to an A4 landscape PDF at ``path``, readable by this user only from its
    first byte (app.private_files: a 0600 file in the same folder, renamed into place); from page 2
    on ``header`` at the top of each page, and the page numbers at the foot of every page."""
    path = Path(path)
    with private_output(path) as tmp:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp))
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                          QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
        doc = QTextDocument()
        doc.setHtml(page_html)
        paint_pages(doc, printer, header)
    return path


def write_pdf(path: str | Path, title: str, subtitle: str, headers: Sequence[str],
              rows: Sequence[Sequence[Any]]) -> Path:
    return _print_landscape(path, table_html(title, subtitle, headers, rows), f"{title}（续）")


_GAP = "&nbsp;" * 6


def day_close_html(report: DayCloseReport) -> str:
    """The 日结单: the hospital, the clerk and the day; totals by payment method and by fund; the
    count of provisional settlements still queued; the detail list with its totals; signature lines."""
    e = html.escape
    style = "font-size:9pt;border-collapse:collapse"

    def pairs(items: Sequence[tuple[str, str]]) -> str:
        cells = "".join(f"<tr><td>{e(k)}</td><td align='right'>{e(v)}</td></tr>" for k, v in items)
        return f"<table border='1' cellspacing='0' cellpadding='3' style='{style}'>{cells}</table>"

    methods = [*((k, money_text(v)) for k, v in report.by_payment.items()),
               ("合计", money_text(sum(report.by_payment.values(), Decimal("0.00"))))]
    funds = [(FUND_TITLES[k], money_text(report.funds[k])) for k in DAY_END_KEYS]
    counts = [("结算笔数", str(report.settlements)), ("冲正笔数", str(report.reversals)),
              ("实收合计", money_text(report.tendered)), ("找零合计", money_text(report.change)),
              ("未上传的暂定结算", str(report.provisional_queued))]
    closed = report.closed_at[:16].replace("T", " ") if report.closed_at else "未日结（预览）"
    signatures = "".join(f"<td width='33%'>{e(s)}：______________</td>" for s in SIGNATURES)
    return (
        "<html><body style=\"font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif\">"
        f"<h2 align='center'>{e(report.hospital_name)} 收款员日结单</h2>"
        f"<p style='font-size:9pt'>医疗机构编码：{e(report.fixmedins_code)}{_GAP}日期：{e(report.business_day)}"
        f"{_GAP}收款员：{e(report.operator_name)}{_GAP}日结时间：{e(closed)}</p>"
        "<table width='100%' cellspacing='0' cellpadding='4'><tr valign='top'>"
        f"<td><b>按支付方式（个人现金部分）</b>{pairs(methods)}</td>"
        f"<td><b>按基金</b>{pairs(funds)}</td>"
        f"<td><b>笔数与现金</b>{pairs(counts)}</td></tr></table>"
        "<p><b>明细</b></p>"
        + rows_html(DETAIL_HEADERS, detail_cells(report))
        + f"<p>&nbsp;</p><table width='100%' style='font-size:10pt'><tr>{signatures}</tr></table>"
        "</body></html>")


def write_day_close_pdf(path: str | Path, report: DayCloseReport) -> Path:
    """The 日结单 as an A4 landscape PDF, 0600 from the start (it names patients, masked)."""
    return _print_landscape(path, day_close_html(report),
                            f"{report.hospital_name} 收款员日结单（续）　日期：{report.business_day}　"
                            f"收款员：{report.operator_name}")


def write_day_close_pdf_offscreen(path: str | Path, report: DayCloseReport) -> Path:
    """The 日结单 PDF outside the window (`hospital-client dayend close --pdf`)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .application import make_application

    make_application()
    return write_day_close_pdf(path, report)
