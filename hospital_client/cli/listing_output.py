"""How the listing commands print their list: with --json one JSON array (an object for each
entry), else one line for each entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .common import EXIT_OK, dump

__all__ = ["print_listing"]

Entry = TypeVar("Entry")


def print_listing(as_json: bool, entries: Sequence[Entry], summary: Callable[[Entry], Any],
                  line: Callable[[Entry], str]) -> int:
    """Print ``entries`` (as ``summary`` of each in a JSON array, or ``line`` of each); exit 0."""
    if as_json:
        dump([summary(entry) for entry in entries])
    else:
        for entry in entries:
            print(line(entry))
    return EXIT_OK
