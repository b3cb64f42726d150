"""A 9511 batch with ack "stored" as it is queued: each item in its person's partition, with its
bytes exactly as the site sent them.

The envelope is parsed once (protocol/envelope.py) and keeps where each item of ``input.data``
is in the body (``RequestEnvelope.data_item_bytes``): the queue stores those bytes, so an item is
not encoded again on arrival. The worker reads them with ``p.loads`` (queue_work.py), the same
reader as the message's own, so an item adjudicated from the queue sees exactly what an item of
a batch adjudicated at once (ack "adjudicated") sees: the same values, Decimals where the site
sent numbers with a fraction.

A settlement's person is its request's psn_no; a reversal's is the person of the settlement it
names (adjudicated, earlier in this batch, or queued before it); "" when there is none (the item
is refused in its turn).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, WrongSite
from .context import Central
from .fields import choice_field, local_id_field
from .settlement import KIND_NAMES
from .store import QueueEntry

KINDS = tuple(KIND_NAMES)  # settlement, reversal


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def item_bytes(env: p.RequestEnvelope, input_: dict[str, Any], items: Sequence[Any]) -> list[bytes]:
    """The bytes of each item of ``input_["data"]`` as sent, when they are the envelope's own
    (else each encoded with ``p.dumps``, e.g. a message built in-process)."""
    if env.input is input_ and env.input.get("data") is items and len(env.data_spans) == len(items):
        return env.data_item_bytes()
    return [p.dumps(item) for item in items]


def checked_entries(central: Central, site: str, items: Sequence[Any], raw: Sequence[bytes]) -> list[QueueEntry]:
    """The batch's items checked (each an object, its kind, its local_id, the site it names: the
    batch refused naming the first item that fails, as before anything is stored), in their
    persons' partitions, each with its bytes ``raw``. The usual item is checked without a call
    per field; anything else goes through the field readers for their refusals."""
    checked: list[tuple[dict[str, Any], str, str]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadInput(f"data[{i}] 应为对象")
        kind = item.get("kind", "settlement")
        if kind.__class__ is not str or kind not in KINDS:
            kind = choice_field(item, "kind", KINDS, default="settlement", where=f"data[{i}].")
        local_id = item.get("local_id")
        if local_id.__class__ is not str or not 0 < len(local_id) <= 64:
            local_id = local_id_field(item, f"data[{i}].")
        request = item.get("request")
        encounter = request.get("encounter") if isinstance(request, dict) else None
        claimed = encounter.get("fixmedins_code") if isinstance(encounter, dict) else None
        if claimed and claimed != site:
            raise WrongSite(f"data[{i}].request.encounter.fixmedins_code={claimed} 不是本凭证所属机构 {site}")
        checked.append((item, kind, local_id))
    return _in_partitions(central, site, checked, raw)


def queue_entries(central: Central, site: str, items: Sequence[dict[str, Any]],
                  local_ids: Sequence[str]) -> list[QueueEntry]:
    """Items already checked (a batch of the version before, queue_upgrade.py) in their persons'
    partitions, each encoded with ``p.dumps``."""
    checked = [(item, str(item.get("kind", "settlement")), local_id)
               for item, local_id in zip(items, local_ids, strict=True)]
    return _in_partitions(central, site, checked, [p.dumps(item) for item in items])


def _in_partitions(central: Central, site: str, checked: Sequence[tuple[dict[str, Any], str, str]],
                   raw: Sequence[bytes]) -> list[QueueEntry]:
    earlier: dict[str, str] = {}
    entries: list[QueueEntry] = []
    for (item, kind, local_id), data in zip(checked, raw, strict=True):
        if kind == "settlement":
            request = item.get("request")
            person = request.get("person") if isinstance(request, dict) else None
            psn_no = _text(person.get("psn_no")) if isinstance(person, dict) else ""
            earlier.setdefault(local_id, psn_no)
        else:
            psn_no = _reversal_person(central, site, item, earlier)
        entries.append(QueueEntry(local_id=local_id, kind=kind, psn_no=psn_no, item=data))
    return entries


def _reversal_person(central: Central, site: str, item: dict[str, Any], earlier: dict[str, str]) -> str:
    store = central.store
    target = _text(item.get("reverses_local_id")).strip()
    if target:
        key = store.get_local_key(site, target)
        if key is not None and key.kind == "settlement":
            record = store.get_settlement(key.ref)
            return record.psn_no if record is not None else ""
        if target in earlier:
            return earlier[target]
        return store.queued_psn_no(site, target) or ""
    setl_id = _text(item.get("setl_id")).strip()
    record = store.get_settlement(setl_id) if setl_id else None
    return record.psn_no if record is not None else ""
