"""A local id whose record a 2601 冲正 of its own message undid, settled (or reversed) again.

A desk whose 2304 / 2207 reply was lost asks 5203 by msgid and, when the message is not found,
sends 2601 and then the same entry again under a new msgid (sync.lost_reply). At a central
system whose 5203 does not fence, the original may arrive in between: 2601 then finds it
processed and undoes it (``reversed``; for a 2305 / 2208: ``reinstated``). The entry's local id
is bound once (``local_key``, append-only), yet the desk rightly sends the entry again: what its
local id named never took effect. So a local id whose record was undone by 冲正 *of the very
message that made it* is followed to ``LOCAL_ID/2`` (then ``/3`` ...): the entry sent again is
settled (or reversed) under that key, and everything that looks a local id up (a resend, a
reversal naming it, 5203 by local id) finds the record in force. A record undone otherwise (a
2305 the desk sent, a 2601 of another msgid) ends the chain as before: a resend answers it.

The views of such a record carry the local id as the desk asked it (its journal key) and the key
it stands under (``local_key``).
"""

from __future__ import annotations

from .. import protocol as p
from .context import Central
from .store import LocalKey, ReversalRecord, SettlementRecord

__all__ = ["AGAIN", "as_asked", "bound", "in_force_settlement", "reinstatement_of", "undone_by_correction"]

AGAIN = "/"
CORRECTION_PREFIX = "2601:"  # correction.KEY_PREFIX (kept here: correction imports settlement)
MAX_ROUNDS = 64  # a chain longer than this is not a desk's retries


def undone_by_correction(central: Central, record: SettlementRecord) -> bool:
    """Whether ``record`` was reversed by a 2601 冲正 of the message that made it."""
    reversal = central.store.get_reversal_of(record.setl_id)
    return reversal is not None and reversal.local_id == CORRECTION_PREFIX + record.msgid


def reinstatement_of(central: Central, site: str, reversal: ReversalRecord) -> SettlementRecord | None:
    """The settlement a 2601 冲正 of the reversal's own message put in force again, or None."""
    key = central.store.get_local_key(site, CORRECTION_PREFIX + reversal.msgid)
    if key is None or key.kind != "settlement":
        return None
    return central.store.get_settlement(key.ref)


def _undone(central: Central, key: LocalKey) -> bool:
    store = central.store
    if key.kind == "settlement":
        record = store.get_settlement(key.ref)
        return record is not None and undone_by_correction(central, record)
    reversal = store.get_reversal(key.ref)
    return reversal is not None and reinstatement_of(central, key.site, reversal) is not None


def bound(central: Central, site: str, local_id: str, first: LocalKey | None = None) -> tuple[str, LocalKey | None]:
    """The key ``local_id`` stands under now and what it is bound to (None: free, settle under it):
    ``local_id`` itself unless 冲正 undid what it named, then ``local_id/2`` and so on. ``first``:
    the local id's own key, when the caller has read it."""
    name = local_id
    for round_ in range(2, MAX_ROUNDS + 2):
        key = first if first is not None and name == local_id else central.store.get_local_key(site, name)
        if key is None or not _undone(central, key):
            return name, key
        name = f"{local_id}{AGAIN}{round_}"
    raise p.Conflict(f"local_id {local_id} 已冲正后重新办理 {MAX_ROUNDS} 次，不再办理")


def in_force_settlement(central: Central, site: str, local_id: str) -> SettlementRecord | None:
    """The settlement ``local_id`` names as it stands now: following 冲正 (a settlement undone by
    its own message's 2601 and settled again; a reversal undone by its own message's 2601, whose
    reinstated settlement is the one in force), or None when the local id names no settlement."""
    _name, key = bound(central, site, local_id)
    if key is None or key.kind != "settlement":
        return None
    record = central.store.get_settlement(key.ref)
    for _ in range(MAX_ROUNDS):
        if record is None:
            return None
        reversal = central.store.get_reversal_of(record.setl_id)
        again = None if reversal is None else reinstatement_of(central, site, reversal)
        if again is None:
            return record
        record = again
    return record


def as_asked(view: bytes, local_id: str, name: str) -> bytes:
    """A view of the record under ``name`` as the desk asked for it: its ``local_id`` the one asked,
    ``local_key`` the key it stands under (unchanged when they are the same)."""
    if name == local_id:
        return view
    data = p.loads(view)
    if not isinstance(data, dict):  # pragma: no cover - views are objects
        return view
    data["local_key"] = name
    data["local_id"] = local_id
    return p.dumps(data)
