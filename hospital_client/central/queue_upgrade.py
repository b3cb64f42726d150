"""Batches queued by the version before the per-person queue, picked up after the upgrade.

That version kept a 9511 batch stored with ack "stored" as its input (``queued_batch.input``) and
adjudicated it item after item (``done_items``: the items before it were done). The workers of this
version claim persons' partitions (queue_work.py), so such a batch's items still to do are put into
their persons' partitions first, as if the batch had just been stored (``queue_entries``, their
setl_id / rev_setl_id numbers reserved in the batch's order), under the batch's own seq, msgid and
arrival time, each with its place in the batch. The batch's input is then emptied, which marks it
converted. Oldest batch first, each in its own transaction, its row locked, so that several workers
and servers starting together convert each batch once.

``central serve`` does this before it answers its first message and ``central work`` before its first
claim, so these items come before anything the new version queues.
"""

from __future__ import annotations

import logging
from typing import Any

from .. import protocol as p
from ..protocol import BadInput
from .context import Central
from .fields import local_id_field
from .queue_intake import queue_entries
from .store import CentralStore, LegacyBatch

log = logging.getLogger("hospital_client.central")


def _items(batch: LegacyBatch) -> list[dict[str, Any]] | None:
    """The batch's items still to do, or None when its input cannot be read."""
    try:
        data = p.loads(batch.input).get("data")
    except (ValueError, AttributeError):
        return None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return None
    return data[batch.done_items:]


def _local_id(item: dict[str, Any], where: str) -> str:
    try:
        return local_id_field(item, where)
    except BadInput:  # (checked when the batch was stored: not expected)
        return str(item.get("local_id", ""))


def upgrade_legacy_queue(store: CentralStore) -> int:
    """Put the unfinished batches of the version before into their persons' partitions; returns the
    number of batches converted (0, with one cheap query, when there are none)."""
    seqs = store.legacy_batch_seqs()
    if not seqs:
        return 0
    central = Central(store)
    converted = 0
    for seq in seqs:
        with store.transaction():
            batch = store.take_legacy_batch(seq)
            if batch is None:  # converted meanwhile by another worker or server
                continue
            items = _items(batch)
            if items is None:
                log.error("queued batch %d of the version before cannot be read; it is left as it is", seq)
                continue
            local_ids = [_local_id(item, f"data[{batch.done_items + i}].") for i, item in enumerate(items)]
            store.requeue_legacy_batch(batch, queue_entries(central, batch.site, items, local_ids))
        converted += 1
        log.warning("queued batch %d stored by the version before the per-person queue: its %d items left "
                    "are now in their persons' partitions", seq, len(items))
    return converted
