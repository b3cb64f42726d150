"""Shares of the adjudication queue for workers that must stay apart: `central work --partition K/N`.

A queued person's partition hash is ``crc32`` of the psn_no's UTF-8 bytes (0 .. 2**32 - 1), stored
on the person's ``queued_person`` row when the batch is stored (the stores' ``queue_batch``; the
migrations filled it for the rows already queued). Python's ``zlib.crc32``, the migrations' SQL and
both stores agree on it, so a person is in the same partition whatever store or host computes it.
Partition K of N holds the persons whose hash is K modulo N: N workers given 0/N .. N-1/N share the
queue with no person in two shares; a share nobody serves stays queued.

A partitioned worker claims through ``partitioned(store, share)``: the store as the queue code sees
it (queue_work.py), its ``claim_person`` and ``has_queued`` limited to the share; everything else is
the store itself. The results are those of unpartitioned workers: a person's items are adjudicated
in arrival order by whoever claims them, with the numbers reserved at arrival.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError
from .store import CentralStore, LeasingStore

MAX_PARTITIONS = 1024


class BadPartition(HospitalClientError):
    """``--partition`` is not K/N with 0 <= K < N <= MAX_PARTITIONS."""

    exit_code = EXIT_BAD_INPUT
    clerk_text = QT_TRANSLATE_NOOP("errors", "The worker's share of the queue must be written K/N, "
                                             "for example 0/4.")


def partition_hash(psn_no: str) -> int:
    """The person's partition hash: crc32 of the psn_no's UTF-8 bytes."""
    return zlib.crc32(psn_no.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Partition:
    """Share ``index`` of ``count``: the persons whose partition hash is ``index`` modulo ``count``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Partition:
        found = re.fullmatch(r"\s*(\d{1,4})\s*/\s*(\d{1,4})\s*", text)
        if found is None:
            raise BadPartition(f"--partition {text}: must be K/N, e.g. 0/4 (share K of N, counted from 0)")
        index, count = int(found[1]), int(found[2])
        if not 1 <= count <= MAX_PARTITIONS or not 0 <= index < count:
            raise BadPartition(f"--partition {text}: N must be 1 to {MAX_PARTITIONS} and K 0 to N-1")
        return cls(index, count)

    def holds(self, psn_no: str) -> bool:
        return partition_hash(psn_no) % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


class _PartitionedStore:
    """The store with its claim and its "anything queued?" limited to one share."""

    def __init__(self, store: CentralStore, share: Partition) -> None:
        self._store = store
        self._share = share

    def claim_person(self, skip: Sequence[str] = ()) -> str | None:
        return self._store.claim_person_in(self._share.index, self._share.count, skip)

    def has_queued(self) -> bool:
        return self._store.has_queued_in(self._share.index, self._share.count)

    def lease_person(self, holder: str, seconds: float, skip: Sequence[str] = (),
                     share: tuple[int, int] | None = None) -> str | None:
        """(a store that leases its persons: store.LeasingStore) within the share."""
        leasing = cast(LeasingStore, self._store)
        return leasing.lease_person(holder, seconds, skip, (self._share.index, self._share.count))

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        setattr(self, name, attr)  # looked up once
        return attr


def partitioned(store: CentralStore, share: Partition | None) -> CentralStore:
    """``store`` as a worker of ``share`` sees it (the store itself when ``share`` is None)."""
    if share is None:
        return store
    return cast(CentralStore, _PartitionedStore(store, share))
