"""The `hospital-client` parser, built from the command groups, and the one place where an error
becomes a message on stderr and an exit code (``report_error``).

Exit codes: 0 success, 2 bad input or a refusal (request, pack, catalogue, arguments, unknown
person, wrong password, already reversed, no site file or secret for a sync, ...) with a one-line
message on stderr naming what is wrong, 3 when `audit verify` finds a broken audit chain or an
inconsistent journal, 4 when another sync of the database is running, 1 for any other failure
(the database cannot be used, the central system unreachable: the message says what is wrong and
what to do). Never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from .. import app
from ..app import HospitalClientError
from . import (
    central,
    clearing,
    database,
    dayend,
    gui,
    his,
    keys,
    listings,
    outpatient,
    review,
    settle,
    settlement_list,
    stay,
    sync,
)
from .arguments import PROG, CommandLineParser
from .common import EXIT_BAD_INPUT, EXIT_FAILURE, CommandFailed, Subparsers
from .identify import register as identify_register

__all__ = ["build_parser", "main", "report_error"]

log = logging.getLogger("hospital_client.cli")

# One module per command group, in the order `hospital-client --help` lists them.
GROUPS: tuple[Callable[[Subparsers], None], ...] = (
    settle.register,      # settle, reverse, policy
    outpatient.register,  # outpatient settle, outpatient reverse, outpatient diseases
    review.register,      # review check, review list
    his.register,         # his import, his list
    listings.register,    # journal, person, report
    identify_register,    # identify (1101, 2001)
    dayend.register,      # dayend close
    database.register,    # init, backup, restore, audit
    keys.register,        # key, encrypt
    sync.register,        # setup, sync, outbox, adjustments
    settlement_list.register,  # settlement-list, settlement-lists
    clearing.register,    # clearing apply, clearing withdraw
    stay.register,        # stay discharge|change|cancel-admission|cancel-discharge|withdraw-fee
    gui.register,         # demo, gui, screenshots
    central.register,     # central ...
)


def build_parser() -> CommandLineParser:
    """The program's parser; every sub-command parser is a CommandLineParser too (argparse makes
    sub-parsers of the class of the parser that adds them), so each reports its errors on one line."""
    parser = CommandLineParser(prog=PROG, description="出院结算客户端 discharge settlement client")
    gui.add_self_test_option(parser)
    sub = parser.add_subparsers(dest="command")
    for register in GROUPS:
        register(sub)
    return parser


def _command_name(args: argparse.Namespace) -> str:
    """`journal list`, `central site add`, ...: what the log records (no argument values)."""
    names = [str(args.command)] + [str(v) for k, v in vars(args).items() if k.endswith("_command") and v]
    return " ".join(names) + (" --commit" if getattr(args, "commit", False) else "")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0), or a bad argument: one line on stderr already (2)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if not getattr(args, "func", None):
        args = parser.parse_args(["gui"])
    app.setup_logging()
    log.info("command %s", _command_name(args))
    try:
        if args.self_test:
            gui.refuse_late_self_test()
        return int(args.func(args))
    except (Exception, KeyboardInterrupt) as exc:
        return report_error(exc)


def report_error(exc: BaseException) -> int:
    """The CLI's one place that turns an error into a message on stderr and an exit code.

    Every error the program raises on purpose carries its exit code (hospital_client.errors):
    refusals (2) name the field or record and are logged by type only (the message may quote
    input); anything unexpected is 1: a message, never a traceback."""
    if isinstance(exc, HospitalClientError):
        if exc.exit_code == EXIT_BAD_INPUT:
            log.info("refused: %s", type(exc).__name__)
        elif isinstance(exc, app.StoreError):
            log.error("database unavailable: %s", type(exc).__name__)
        else:
            log.error("failed: %s", type(exc).__name__)
        lines = exc.lines() if isinstance(exc, CommandFailed) else [f"error: {exc}"]
        for line in lines:
            print(f"hospital-client: {line}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_FAILURE
    log.error("internal error: %s", type(exc).__name__)  # the last line of defence
    print(f"hospital-client: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    return EXIT_FAILURE
