"""The command-line face of the client (`hospital-client ...`), over ``app`` (and ``central`` for
`hospital-client central ...`).

One module per command group, each with a ``register(subparsers)`` that adds its commands:

    settle.py      settle, reverse, policy list|check
    settle_input.py  what settle and outpatient settle read alike (request file, --payment, --tendered)
    outpatient.py  outpatient settle|reverse|diseases; outpatient_filing.py: outpatient filing add|cancel|list
    listings.py    journal list|show, person find, report dayend, slip
    database.py    init, backup, restore, audit verify
    keys.py        key status|export|import, encrypt
    sync.py        setup, sync, outbox list|retry, adjustments list|resolve
    gui.py         (no command) / gui, demo, screenshots, --self-test
    central.py     central ... (the reference central system's own commands)
    common.py      what the groups share: exit codes, BadInput, input files, opening the desk
    arguments.py   the parser class (errors on one line, exit 2) and the argument types: days,
                   ids, years, --from/--to checked while parsing
    main.py        the parser from the groups, ``main`` and ``report_error`` (errors -> exit codes)

Commands that write the journal authenticate an operator: `--operator NAME --password-stdin`
(the password is the first line of standard input). On the demo site (a database initialised
as demo) they default to the demo clerk (settle) or the demo supervisor (reverse).

``main`` below is the function of ``main.py`` (it shadows the submodule's name here; import
``hospital_client.cli.main``'s other names with ``from hospital_client.cli.main import ...``).
"""

from __future__ import annotations

from .main import build_parser, main, report_error

__all__ = ["build_parser", "main", "report_error"]
