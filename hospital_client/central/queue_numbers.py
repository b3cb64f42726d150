"""The setl_id / rev_setl_id numbers of a queued batch's items, reserved when the batch is stored.

A queued settlement's setl_id (``C`` + the day + this number) and its ``seq`` (the 9512 cursor)
are fixed by its place in the arrival order, not by which worker adjudicates it first: the
numbers of a batch are taken from the counters in one step, in the batch's order (settlements
from ``setl_id``, reversals from ``rev_setl_id``). An item refused on its own leaves its number
unused. Both stores use this (sqlite_store.py, postgres_store.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .store import QueueEntry

COUNTER_OF_KIND = {"settlement": "setl_id", "reversal": "rev_setl_id"}


def reserve_numbers(next_values: Callable[[str, int], int], entries: Sequence[QueueEntry]) -> list[int]:
    """One number per entry, in order; ``next_values(counter, n)`` takes n values and returns the last."""
    counts: dict[str, int] = {}
    for entry in entries:
        counter = COUNTER_OF_KIND.get(entry.kind, "setl_id")
        counts[counter] = counts.get(counter, 0) + 1
    following = {counter: next_values(counter, n) - n + 1 for counter, n in sorted(counts.items())}
    numbers: list[int] = []
    for entry in entries:
        counter = COUNTER_OF_KIND.get(entry.kind, "setl_id")
        numbers.append(following[counter])
        following[counter] += 1
    return numbers
