"""The central system's statements (central/fund_reports/) printed to PDF through Qt, outside any
window: the statement modules build the HTML, this prints it (A4 landscape, made 0600)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter


def write_html_pdf(path: str | Path, page_html: str) -> Path:
    """Print ``page_html`` to an A4 landscape PDF at ``path`` (offscreen when no display is set up)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if QGuiApplication.instance() is None:
        from .application import make_application

        make_application()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                      QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    doc.setHtml(page_html)
    doc.setPageSize(QSizeF(printer.pageRect(QPrinter.Unit.Point).size()))
    doc.print_(printer)
    path.chmod(0o600)
    return path
