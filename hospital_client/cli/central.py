"""`hospital-client central ...`: the reference central system's commands (server side), the same
as `python -m hospital_client.central ...` (docs/protocol.md, docs/operations.md 9-10).

    central init      --db PATH [--roster FILE] [--policies DIR] [--catalog FILE]
    central site add  --db PATH --code CODE --name NAME
    central site list --db PATH [--json]
    central serve     --db PATH [--host HOST] [--port PORT]
    central report    --db PATH [--json]
    central true-up   --year YEAR --db PATH [--json] [--apply]
    central fund ...  the fund administrator's statements (central/fund_reports/)

The only place the desk's program reaches into ``central/`` (with cli/central_console.py, the
`hospital-central` entry point that runs the same commands and lends them the same PDF printer).
Those commands speak as the central system's face: they report their own errors
(``central.cli.report_error``).
"""

from __future__ import annotations

from ..central.cli import add_central_commands
from .central_console import write_pdf
from .common import Subparsers

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """central (its parser and all its sub-commands)."""
    add_central_commands(sub).set_defaults(pdf_writer=write_pdf)
