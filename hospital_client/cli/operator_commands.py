"""What the commands acting for an operator share: their options (--db, --operator,
--password-stdin), the desk opened with that operator logged in, and the reasons they require.

    with desk_with_operator(args, "clerk") as (desk, operator): ...

opens the desk (``open_desk_for_command``) and then logs the operator in (``command_operator``:
--operator NAME with the password on standard input, or on the demo site the demo operator of the
role); the desk is closed afterwards, also when the login is refused.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from ..app import Desk, Operator
from .common import BadInput, add_db_option, add_operator_options, command_operator, open_desk_for_command

__all__ = ["add_desk_operator_options", "desk_with_operator", "refund_cashier", "require_text"]


def add_desk_operator_options(parser: argparse.ArgumentParser) -> None:
    """--db PATH, --operator NAME and --password-stdin."""
    add_db_option(parser)
    add_operator_options(parser)


@contextmanager
def desk_with_operator(args: argparse.Namespace, role: str, *,
                       first_start: bool = False) -> Iterator[tuple[Desk, Operator]]:
    """The command's desk (created on the demo site's first start only with ``first_start``) and its
    operator in ``role`` ("clerk", "supervisor"), logged in once the desk is open."""
    with open_desk_for_command(args, first_start=first_start) as desk:
        yield desk, command_operator(args, desk, role)


def require_text(text: str, option: str) -> None:
    """A reason the command needs: refused (exit 2) when empty or only blanks."""
    if not text.strip():
        raise BadInput(f"{option} must not be empty")


def refund_cashier(args: argparse.Namespace, desk: Desk) -> Operator | None:
    """The clerk of --paid-by, who pays a reversal's refund out (None: the approving supervisor)."""
    return desk.operator_named(args.paid_by) if args.paid_by is not None else None
