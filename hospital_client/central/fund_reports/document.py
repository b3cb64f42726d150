"""A statement as titled tables, and its three outputs: JSON-ready dicts (the commands build those
themselves), an Excel workbook (one sheet per document) and the HTML its PDF is printed from
(the printing, through Qt, belongs to the ui layer: ``ui/central_pdf.py``)."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...rules.money import fmt_yuan

Cell = str | int | Decimal


@dataclass(slots=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total_rows: int = 0  # the last n rows are totals (bold)


@dataclass(slots=True)
class Document:
    title: str
    sheet: str  # the Excel sheet's name (31 characters at most; made unique when written)
    subtitle: list[str]
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    running_header: str = ""  # at the top of its printed pages after the first (default: the title, 续)


def _cell_text(value: Cell) -> str:
    return fmt_yuan(value) if isinstance(value, Decimal) else str(value)


# --- Excel --------------------------------------------------------------------------------------


def write_xlsx(path: str | Path, documents: Sequence[Document]) -> Path:
    """One sheet per document: title, subtitle lines, each table with its headers, notes. Money
    is written as numbers with two decimals (Decimal, exact to the fen). Made 0600."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for doc in documents:
        name = _sheet_name(doc.sheet, used)
        sheet = book.create_sheet(name)
        sheet.append([doc.title])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        for line in doc.subtitle:
            sheet.append([line])
        widths: dict[int, int] = {}
        for table in doc.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append(list(table.headers))
            for column in range(1, len(table.headers) + 1):
                sheet.cell(row=sheet.max_row, column=column).font = Font(bold=True)
                sheet.cell(row=sheet.max_row, column=column).alignment = Alignment(wrap_text=True)
            for index, row in enumerate(table.rows):
                sheet.append(list(row))
                bold = index >= len(table.rows) - table.total_rows
                for column, value in enumerate(row, start=1):
                    cell = sheet.cell(row=sheet.max_row, column=column)
                    if isinstance(value, Decimal):
                        cell.number_format = "#,##0.00"
                    if bold:
                        cell.font = Font(bold=True)
                    widths[column] = max(widths.get(column, 8), min(40, _display_width(_cell_text(value)) + 2))
            for column, header in enumerate(table.headers, start=1):
                widths[column] = max(widths.get(column, 8), min(24, _display_width(header) + 2))
        if doc.notes:
            sheet.append([])
            for note in doc.notes:
                sheet.append([note])
        if doc.signatures:
            sheet.append([])
            sheet.append([f"{s}：" for s in doc.signatures])
        for column, width in widths.items():
            sheet.column_dimensions[_column_letter(column)].width = width
        _print_setup(sheet)
    book.save(path)
    os.chmod(path, 0o600)
    return path


def _display_width(text: str) -> int:
    """Excel's column width of a text: a Chinese character is two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _print_setup(sheet: Any) -> None:
    """Printed as the PDF is: A4 landscape, every column on the page's width, centred."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True


def _column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_name(wanted: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", wanted)[:28] or "sheet"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    used.add(name)
    return name


# --- HTML (printed to PDF by ui/central_pdf.py) ----------------------------------------------------

_FONT = "'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif"
# anchors the PDF printer (ui/central_pdf.py) keeps on one page: what lies from the first to the
# second goes to the next page whole when a page break would fall between them
KEEP_FROM_ANCHOR, KEEP_TO_ANCHOR = "keep-together-from", "keep-together-to"


def _numeric(value: Cell) -> bool:
    """Right-aligned: numbers, and percentages such as 95.00%."""
    return isinstance(value, (int, Decimal)) or bool(re.fullmatch(r"-?[\d,]+(\.\d+)?%", str(value)))


def table_html(table: Table) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in table.headers)
    body = []
    for index, row in enumerate(table.rows):
        bold = index >= len(table.rows) - table.total_rows
        cells = []
        for value in row:
            raw = _cell_text(value)
            text = e(raw)
            # a code or number (a settlement, person or visit id, an amount) is never broken over lines
            keep = " style='white-space:nowrap'" if re.fullmatch(r"[!-~]+", raw) else ""
            cells.append(f"<td align='{'right' if _numeric(value) else 'left'}'{keep}>"
                         f"{f'<b>{text}</b>' if bold else text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<p><b>{e(table.title)}</b></p>"
            "<table border='1' cellspacing='0' cellpadding='2' style='font-size:9pt;border-collapse:collapse' "
            f"width='100%'><thead><tr>{head}</tr></thead>{''.join(body)}</table>")  # thead: repeated on each page


def documents_html(documents: Sequence[Document]) -> list[tuple[str, str]]:
    """Each document as its own HTML page (title, subtitle, tables, notes, signature lines), with
    the running header of its printed pages after the first: printed each from a new page and
    numbered of its own pages."""
    e = html.escape
    pages = []
    for doc in documents:
        subtitle = "<br/>".join(e(line) for line in doc.subtitle)
        # the notes and the signature lines kept together: never a page of signature lines alone
        notes = (f"<p style='font-size:9pt'><a name='{KEEP_FROM_ANCHOR}'></a>{'<br/>'.join(e(n) for n in doc.notes)}"
                 "</p>" if doc.notes else "")
        signatures = ""
        if doc.signatures:
            width = 100 // len(doc.signatures)
            cells = "".join(f"<td width='{width}%'>{'' if i else f'<a name={KEEP_TO_ANCHOR!r}></a>'}"
                            f"{e(s)}：______________</td>" for i, s in enumerate(doc.signatures))
            signatures = (f"<p style='font-size:8pt'>&nbsp;</p>"
                          f"<table width='100%' style='font-size:10pt'><tr>{cells}</tr></table>")
        page = (f"<h2 align='center'>{e(doc.title)}</h2><p style='font-size:10pt'>{subtitle}</p>"
                + "".join(table_html(t) for t in doc.tables) + notes + signatures)
        pages.append((f"<html><body style=\"font-family:{_FONT}\">{page}</body></html>",
                      doc.running_header or f"{doc.title}（续）"))
    return pages
