"""What every command group shares: exit codes, the CLI's own refusals, reading input files and
passwords, opening the desk, the operator of a command, printing JSON and the common options.

Command groups import this module; nothing here imports a command group or ``cli.main``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from .. import config
from ..app import Desk, Operator
from ..errors import EXIT_BAD_INPUT, EXIT_FAILURE, HospitalClientError

EXIT_OK, EXIT_BROKEN, EXIT_BUSY = 0, 3, 4

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN",
    "EXIT_BUSY",
    "EXIT_FAILURE",
    "EXIT_OK",
    "AnotherSyncRunning",
    "BadInput",
    "CommandFailed",
    "DatabaseBroken",
    "Subparsers",
    "add_db_option",
    "add_operator_options",
    "command_operator",
    "dump",
    "load_json_text",
    "open_desk_for_command",
    "os_user",
    "read_bytes",
    "read_password",
    "read_request",
]


class Subparsers(Protocol):
    """What a command group needs of argparse's sub-command action (``add_subparsers()``)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


class BadInput(HospitalClientError):
    """A command-line argument or input file is unusable; the message names it."""

    exit_code = EXIT_BAD_INPUT


class CommandFailed(HospitalClientError):
    """A command ran and its outcome is a failure (the central system unreachable, ...)."""

    exit_code = EXIT_FAILURE

    def lines(self) -> list[str]:
        """What goes to stderr, one line each (without the program's name)."""
        return [f"error: {self}"]


class AnotherSyncRunning(CommandFailed):
    """Another sync of the same database holds its lock."""

    exit_code = EXIT_BUSY


class DatabaseBroken(CommandFailed):
    """`audit verify` found problems: the audit chain or the journal is not intact."""

    exit_code = EXIT_BROKEN

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def lines(self) -> list[str]:
        return [f"audit verify: {problem}" for problem in self.problems]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def load_json_text(text: str, source: str) -> Any:
    """JSON with floats read as exact Decimals; errors name the source, line and column."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{source}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise BadInput(f"{source}: invalid JSON: {exc}") from None
    except RecursionError:
        raise BadInput(f"{source}: JSON nested too deeply") from None


def read_request(arg: str) -> Any:
    """A request JSON file, or standard input for ``-``."""
    if arg == "-":
        return load_json_text(sys.stdin.read(), "<stdin>")
    try:
        text = Path(arg).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInput(f"{arg}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{arg}: not UTF-8 text") from None
    return load_json_text(text, arg)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None


def read_password() -> str:
    """The first line of standard input (``--password-stdin``)."""
    line = sys.stdin.readline()
    if not line:
        raise BadInput("--password-stdin: no password on standard input")
    return line.rstrip("\r\n")


def os_user() -> str:
    """Who ran the command, for the audit log of commands without an operator."""
    try:
        return f"os:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "os:unknown"


def dump(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def open_desk_for_command(args: argparse.Namespace, *, first_start: bool = False) -> Iterator[Desk]:
    """The desk of --db / HOSPITAL_CLIENT_DB / the data dir, closed after the command. Only the
    commands that start the desk (``first_start``) create the demo site's database."""
    desk = Desk.of_this_machine(args.db, first_start=first_start)
    if desk.created:
        print(f"hospital-client: first start of the demo site: created {desk.db_path}", file=sys.stderr)
    with desk:
        yield desk


def command_operator(args: argparse.Namespace, desk: Desk, role: str) -> Operator:
    """--operator NAME --password-stdin, or on the demo site the demo operator for the role."""
    if args.operator:
        if not args.password_stdin:
            raise BadInput("--operator needs --password-stdin (the password on the first line of standard input)")
        return desk.login(args.operator, read_password(), via="cli")
    if args.password_stdin:
        raise BadInput("--password-stdin needs --operator NAME")
    operator = desk.demo_operator(role)
    if operator is None:
        raise BadInput("this site needs --operator NAME --password-stdin")
    return operator


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH",
                        help=f"the local database (default: ${config.ENV_DB} or {config.default_db_path()})")


def add_operator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--operator", metavar="NAME", help="operator account (with --password-stdin)")
    parser.add_argument("--password-stdin", action="store_true", help="read the operator's password from stdin")
