"""Printing a QTextDocument page by page with a running header from page 2 on and "第 n 页　共 m 页"
at the foot of every page (the 结算单, the 日结单, the fund statements): what Qt's own
QTextDocument.print_ does not do for a paginated document."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

__all__ = ["page_footer", "paint_documents", "paint_pages"]


def page_footer(page: int, pages: int) -> str:
    return f"第 {page} 页　共 {pages} 页"


def paint_pages(doc: QTextDocument, printer: QPrinter, header: str) -> int:
    """Print ``doc`` page by page on ``printer``: from page 2 on the running ``header`` at the top
    of each page, and on every page its number of the total at the bottom. Returns the pages."""
    return paint_documents([(doc, header)], printer)


def paint_documents(parts: Sequence[tuple[QTextDocument, str]], printer: QPrinter, *,
                    adjust: Callable[[QTextDocument], None] | None = None) -> int:
    """Print each (document, running header) as paint_pages does, one after the other on
    ``printer``, each from a new page and numbered of its own pages (a statement handed on alone
    is whole). ``adjust`` is given each document once it is laid out on the page's body, before
    its pages are counted (to move a page break). Returns the pages printed in all."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        width, height = area.width(), area.height()
        band = printer.resolution() * 7 / 25.4          # 7 mm for the header, and for the footer
        body = height - 2 * band
        printed = 0
        for doc, header in parts:
            doc.documentLayout().setPaintDevice(printer)
            doc.setPageSize(QSizeF(width, body))
            if adjust is not None:
                adjust(doc)
            pages = max(1, doc.pageCount())
            small = QFont(doc.defaultFont())
            small.setPointSizeF(8)
            for index in range(pages):
                if printed:
                    printer.newPage()
                printed += 1
                painter.save()
                painter.setFont(small)
                painter.setPen(QColor("#444444"))
                if index:
                    painter.drawText(QRectF(0, 0, width, band),
                                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), header)
                    painter.drawLine(QPointF(0, band * 0.9), QPointF(width, band * 0.9))
                painter.drawText(QRectF(0, height - band, width, band), int(Qt.AlignmentFlag.AlignCenter),
                                 page_footer(index + 1, pages))
                painter.translate(0, band - index * body)
                clip = QRectF(0, index * body, width, body)
                painter.setClipRect(clip)
                context = QAbstractTextDocumentLayout.PaintContext()
                context.clip = clip
                doc.documentLayout().draw(painter, context)
                painter.restore()
        return printed
    finally:
        painter.end()
