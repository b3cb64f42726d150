"""What the central system holds of a site, for a desk restored from a backup.

    9513  恢复备份后核对（扩展）   site_recovery   the site's high-water mark (the highest local_id it
                                                    has used) and its settlements and reversals above
                                                    a local_id, in local_id order, paged; with
                                                    ``below_local_id`` only one desk's range

A desk restored from a backup has lost what it settled after the backup, and the central system
holds it. Before it numbers anything new, the desk asks: it pulls those entries back into its
journal (their full request and final result are here) and numbers new entries above the
high-water mark, so that no local_id of the site is used twice.
"""

from __future__ import annotations

from typing import Any

from .. import protocol as p
from ..protocol import NotFound
from . import resettled
from .context import Central, Context
from .fields import input_data, int_field
from .settlement import reversal_view, settlement_view
from .store import LocalKey

MAX_ENTRIES = 500


def site_recovery(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    store = central.store
    data = input_data(input_, required=False)
    after = int_field(data, "after_local_id", 0, low=0, high=2**62)
    limit = int_field(data, "limit", 200, low=1, high=MAX_ENTRIES)
    below = int_field(data, "below_local_id", 0, low=0, high=2**62) or None  # one desk's range
    keys = store.local_keys_after(ctx.site, after, limit + 1, below)
    more = len(keys) > limit
    keys = keys[:limit]
    head = p.dumps({"site": ctx.site, "high_water_mark": str(store.site_high_water_mark(ctx.site, below))})
    tail = p.dumps({"next_after": keys[-1].local_id if keys else str(after), "more": more})
    entries = b",".join(_entry(central, key) for key in keys)
    return head[:-1] + b',"entries":[' + entries + b"]," + tail[1:]


def _entry(central: Central, key: LocalKey) -> bytes:
    """A settlement's view (2304, whole ``final``) with its ``request``; a reversal's view (2305)
    with ``reverses_local_id``, the local_id of the settlement it reversed."""
    store = central.store
    # after a 2601 of its own message undid what the local id named, the record settled again
    name, again = resettled.bound(central, key.site, key.local_id)
    in_force = again if again is not None and again.kind == key.kind else key
    if key.kind == "settlement":
        record = store.get_settlement(in_force.ref)
        if record is None:  # pragma: no cover - local keys are written with their records
            raise NotFound(f"结算 {key.ref} 不存在")
        view = resettled.as_asked(settlement_view(central, record, repeat=True, full=True), key.local_id, name)
        return view[:-1] + b',"request":' + record.request_json.encode("utf-8") + b"}"
    first = store.get_reversal(key.ref)
    reversal = store.get_reversal(in_force.ref)
    original = None if first is None else store.get_settlement(first.setl_id)
    if reversal is None or original is None:  # pragma: no cover
        raise NotFound(f"撤销 {key.ref} 不存在")
    target = original.local_id.split(resettled.AGAIN, 1)[0]  # the desk's id of the settlement it reverses
    view = resettled.as_asked(reversal_view(reversal, repeat=True), key.local_id, name)
    return view[:-1] + b',"reverses_local_id":' + p.dumps(target) + b"}"
