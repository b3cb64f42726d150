"""`hospital-central`: the central system's commands for a server with no desk (the same as
`hospital-client central ...`), e.g. `hospital-central serve --db PATH`, `hospital-central fund
monthly --month 2026-03 --db PATH --pdf OUT.pdf`."""

from __future__ import annotations

import sys
from pathlib import Path

from ..central.cli import main as central_main

__all__ = ["main", "write_pdf"]


def write_pdf(path: Path, statements: list[tuple[str, str]]) -> Path:
    """The fund statements' PDF printer (Qt, loaded only when a PDF is asked for): each statement's
    HTML page and the running header of its pages after the first."""
    from ..ui.central_pdf import write_html_pdf

    return write_html_pdf(path, statements)


PROG = "hospital-central"


def main(argv: list[str] | None = None) -> int:
    return central_main(sys.argv[1:] if argv is None else argv, pdf_writer=write_pdf, prog=PROG)


if __name__ == "__main__":
    sys.exit(main())
