"""The central system's statements (central/fund_reports/) printed to PDF through Qt, outside any
window: the statement modules build the HTML, this prints it (A4 landscape, made 0600), each
statement from a new page and numbered of its own pages (paged_print.py)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QTextBlock, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtPrintSupport import QPrinter

from .paged_print import paint_documents

# what lies from the first anchor to the second is kept on one page (central/fund_reports/document.py:
# a statement's notes and its signature lines)
KEEP_FROM, KEEP_TO = "keep-together-from", "keep-together-to"


def _anchors(block: QTextBlock) -> list[str]:
    names: list[str] = []
    fragments = block.begin()
    while not fragments.atEnd():
        names += fragments.fragment().charFormat().anchorNames()
        fragments += 1
    return names


def _keep_together(doc: QTextDocument) -> None:
    """Qt breaks a page anywhere: where a break falls between a KEEP_FROM and the KEEP_TO after it,
    the page breaks before KEEP_FROM instead (the signature lines never stand alone on a page)."""
    layout, height = doc.documentLayout(), doc.pageSize().height()
    start: QTextBlock | None = None
    block = doc.begin()
    while block.isValid():
        names = _anchors(block)
        if KEEP_FROM in names:
            start = block
        if KEEP_TO in names and start is not None:
            first = layout.blockBoundingRect(start).top()
            last = layout.blockBoundingRect(block).bottom()
            if int(first // height) != int(last // height) and first % height > 0:
                fmt = start.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(start).setBlockFormat(fmt)
            start = None
        block = block.next()


def write_html_pdf(path: str | Path, statements: Sequence[tuple[str, str]]) -> Path:
    """Print each statement, (its HTML page, the header of its pages after the first), to an A4
    landscape PDF at ``path`` (offscreen when no display is set up)."""
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
    docs = []
    for page_html, header in statements:
        doc = QTextDocument()
        doc.setHtml(page_html)
        docs.append((doc, header))
    paint_documents(docs, printer, adjust=_keep_together)
    path.chmod(0o600)
    return path
