"""Tables as a printable PDF (day-end, fund statement) through QTextDocument and QPrinter."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter


def table_html(title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td align='{'right' if _numeric(v) else 'left'}'>{html.escape(str(v))}</td>" for v in row)
        + "</tr>" for row in rows
    )
    return (f"<html><body style=\"font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif\">"
            f"<h2>{html.escape(title)}</h2><p style='font-size:9pt'>{html.escape(subtitle)}</p>"
            f"<table border='1' cellspacing='0' cellpadding='3' style='font-size:9pt;border-collapse:collapse' width='100%'>"
            f"<tr>{head}</tr>{body}</table></body></html>")


def _numeric(value: Any) -> bool:
    text = str(value).lstrip("-").replace(",", "")
    return text.replace(".", "", 1).isdigit()


def write_pdf(path: str | Path, title: str, subtitle: str, headers: Sequence[str],
              rows: Sequence[Sequence[Any]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                      QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    doc.setHtml(table_html(title, subtitle, headers, rows))
    doc.setPageSize(QSizeF(printer.pageRect(QPrinter.Unit.Point).size()))
    doc.print_(printer)
    return path
