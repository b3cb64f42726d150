"""What every command group shares: exit codes, the CLI's own refusals, reading input files
(bounded: app.read_input_file, app.read_input_stream) and passwords, opening the desk, the
operator of a command, printing JSON and the common options.

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
from typing import IO, Any, Protocol

from .. import app, config
from ..app import Desk, Operator
from ..errors import EXIT_BAD_INPUT, EXIT_FAILURE, HospitalClientError
from .arguments import CommandLineParser

EXIT_OK, EXIT_BROKEN, EXIT_BUSY = 0, 3, 4

# A password, passphrase or secret read from standard input: its first line, at most this long.
MAX_STDIN_LINE = 4096

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN",
    "EXIT_BUSY",
    "EXIT_FAILURE",
    "EXIT_OK",
    "MAX_STDIN_LINE",
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
    "read_file",
    "read_password",
    "read_request",
    "read_stdin_line",
]


class Subparsers(Protocol):
    """What a command group needs of argparse's sub-command action (``add_subparsers()``)."""

    def add_parser(self, name: str, **kwargs: Any) -> CommandLineParser: ...


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
    """A request JSON file, or standard input for ``-``: a regular file (or a stream) of at most
    MAX_REQUEST_BYTES; a device, a FIFO or a directory is refused unread."""
    if arg == "-":
        data = app.read_input_stream(_stdin_bytes(), max_bytes=app.MAX_REQUEST_BYTES, what="request")
        source = "<stdin>"
    else:
        data = app.read_input_file(arg, max_bytes=app.MAX_REQUEST_BYTES, what="request file")
        source = arg
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{source}: not UTF-8 text") from None
    return load_json_text(text, source)


def read_file(path: str, *, max_bytes: int, what: str) -> bytes:
    """A file a command reads whole (a pack, a catalogue): a regular file of at most ``max_bytes``."""
    return app.read_input_file(path, max_bytes=max_bytes, what=what)


def _stdin_bytes() -> IO[bytes] | IO[str] | None:
    """Standard input as bytes when it has them (a real stdin), else as it is (a test's StringIO)."""
    buffer: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else sys.stdin


def read_stdin_line(what: str) -> str:
    """The first line of standard input without its line end, for a password, a passphrase or a
    secret: at most MAX_STDIN_LINE characters are read (no endless read of /dev/zero)."""
    line = sys.stdin.readline(MAX_STDIN_LINE + 1) if sys.stdin is not None else ""
    if len(line.rstrip("\r\n")) > MAX_STDIN_LINE:
        raise BadInput(f"{what}: the first line of standard input is longer than {MAX_STDIN_LINE} characters")
    return line.rstrip("\r\n")


def read_password() -> str:
    """The first line of standard input (``--password-stdin``)."""
    line = read_stdin_line("--password-stdin")
    if not line:
        raise BadInput("--password-stdin: no password on standard input")
    return line


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
