"""The command line's argument parser and the types of its arguments, checked while parsing.

``CommandLineParser`` is argparse's parser with the program's own error format: one line,
``hospital-client: error: ...``, exit 2, for the main parser and every sub-command parser (the
sub-parsers are made of the same class). ``--help`` is argparse's own.

The types turn a nonsense value into that one line naming the flag or argument and the form
expected, before any command runs:

    day          YYYY-MM-DD, a real calendar day (--from, --to)
    record_id    a whole number from 1 to SQLite's largest integer (journal entry, outbox message)
    year         YYYY

``add_day_range`` adds --from/--to and refuses a --from after --to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NoReturn

from ..errors import EXIT_BAD_INPUT

__all__ = [
    "PROG",
    "SQLITE_MAX_INTEGER",
    "CommandLineParser",
    "add_day_range",
    "day",
    "record_id",
    "year",
]

PROG = "hospital-client"

# The largest INTEGER (and rowid) SQLite stores; an id above it cannot exist in the database.
SQLITE_MAX_INTEGER = (1 << 63) - 1

# A value quoted in a message is cut to this many characters.
_SHOWN_CHARS = 40

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")

Check = Callable[[argparse.Namespace], str | None]


def _shown(text: str) -> str:
    """The value as a message quotes it: repr, cut when long."""
    if len(text) > _SHOWN_CHARS:
        return repr(text[:_SHOWN_CHARS]) + f"... ({len(text):,} characters)"
    return repr(text)


def day(text: str) -> str:
    """``YYYY-MM-DD`` naming a real day; returned as given."""
    if not _DAY.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a date (YYYY-MM-DD)")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a date (YYYY-MM-DD)") from None
    return text


def year(text: str) -> int:
    """``YYYY``, from 1900 on."""
    if not _YEAR.fullmatch(text) or int(text) < 1900:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a year (YYYY, from 1900)")
    return int(text)


def record_id(what: str) -> Callable[[str], int]:
    """A type for the id of a record: a whole number from 1 to SQLITE_MAX_INTEGER; ``what``
    names the record in the message ("journal entry id", "outbox message id")."""
    expected = f"a whole number from 1 to {SQLITE_MAX_INTEGER}"
    article = "an" if what[:1] in "aeiou" else "a"

    def convert(text: str) -> int:
        if not _DIGITS.fullmatch(text):
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not {article} {what} ({expected})")
        # the length first: int() of a very long string is slow (and refused above 4,300 digits)
        value = int(text) if len(text) <= len(str(SQLITE_MAX_INTEGER)) else SQLITE_MAX_INTEGER + 1
        if not 1 <= value <= SQLITE_MAX_INTEGER:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is out of range: {article} {what} is {expected}")
        return value

    convert.__name__ = what.replace(" ", "_")
    return convert


class CommandLineParser(argparse.ArgumentParser):
    """argparse's parser with errors on one line in the program's format, and checks that look
    at several arguments at once (``add_check``), run when this parser has parsed its part."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._checks: list[Check] = []

    def add_check(self, check: Check) -> None:
        """``check(namespace)`` returns a problem (one line) or None."""
        self._checks.append(check)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        for check in self._checks:
            problem = check(parsed)
            if problem:
                self.error(problem)
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        """One line on stderr, exit 2 (argparse prints the usage block and the message)."""
        self.exit(EXIT_BAD_INPUT, f"{PROG}: error: {self._one_line(message)}\n")

    def _command_words(self) -> str:
        """`journal list` for that command's parser; "" for the program's."""
        return self.prog.removeprefix(PROG).strip()

    def _one_line(self, message: str) -> str:
        """argparse's message reworded: `argument --from: x` -> `--from: x`, a sub-command's
        `argument journal_command: invalid choice: ...` and `the following arguments are
        required: journal_command` -> the command words and the commands there are."""
        message = " ".join(message.splitlines())
        for action in self._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            commands = ", ".join(action.choices or ())
            where = self._command_words()
            see = f"see `{self.prog} --help`"
            invalid = f"argument {action.dest}: invalid choice: "
            if message.startswith(invalid):
                chosen = message.removeprefix(invalid).split(" (choose from", 1)[0]
                kind = f"a {where} command" if where else "a command"
                return f"{chosen} is not {kind} ({commands}); {see}"
            if message == f"the following arguments are required: {action.dest}":
                return f"{where}: a command is needed ({commands}); {see}"
        return re.sub(r"^argument ", "", message)


def add_day_range(parser: CommandLineParser, *, from_default: str | None = None) -> None:
    """--from DAY and --to DAY (YYYY-MM-DD; dest day_from, day_to); a --from after --to is refused."""
    parser.add_argument("--from", dest="day_from", metavar="YYYY-MM-DD", type=day, default=from_default)
    parser.add_argument("--to", dest="day_to", metavar="YYYY-MM-DD", type=day)

    def in_order(args: argparse.Namespace) -> str | None:
        if args.day_from and args.day_to and args.day_from > args.day_to:
            given = " (its default)" if args.day_from == from_default else ""
            return f"--from {args.day_from}{given} is after --to {args.day_to}: the period is empty"
        return None

    parser.add_check(in_order)


_MONEY = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")


def money(text: str) -> Decimal:
    """An amount of money in yuan, at most two decimals (``100``, ``86.5``, ``86.50``), as Decimal."""
    if not _MONEY.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not an amount of money (e.g. 100 or 86.50)")
    return Decimal(text)
