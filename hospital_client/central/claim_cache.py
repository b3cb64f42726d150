"""The central store as one queue claim sees it (queue_work.py): read once, written at once.

A worker that claimed a person holds that person until its transaction ends, so what the claim's
items read of that person (roster entry, accumulators, stays in force, in-force encounters) and
the local keys of the claim's own items are read once and then kept up to date by the claim's
own writes. The common writes of an item, its accumulators and its settlement, are kept in
order and stored for the whole claim at once (``flush``: ``add_adjudications``, an executemany
each), so that an item costs no round trip to the database of its own.

Any other store call (a reversal, a stay continued, a refusal recorded, a filing read ...) first
stores what is kept; inside an item it also opens that item's savepoint, so the item can still
be undone on its own ("the item goes real"). An item refused before that only drops what it kept.
When storing what was kept fails, the claim is rolled back: a transient database failure (an
outage, a deadlock; store_failures.py) goes to the worker, which tries the claim again later, as
when an item's own write fails (worker_outage.py); anything else (an integrity or data error, a
defect) raises ``FlushFailed`` and the claim is done again with every write passed straight on,
each item in its own savepoint (``buffered=False``), which refuses just the item concerned. The
results are the same either way.

Checked (``checked=True``; SQLite, whose one writer at a time would otherwise make workers take
turns, queue_work.py): the claim is read and adjudicated outside the write lock, so nothing may
be written before its end. Every first read is kept aside, and ``unchanged()``, inside the write
transaction that then stores the claim, reads it all again: equal, the claim is stored as it is;
not (an online message of the person's came between), it is done again under the lock. Anything
that would have to go real (a reversal, a refusal, any other call) raises ``NeedsLock`` for the
same: such claims are done under the lock from the start.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from typing import Any

from ..errors import QT_TRANSLATE_NOOP, HospitalClientError
from .stays_in_force import StayInForce, stay_in_force
from .store import (
    Accumulators,
    CentralStore,
    InForce,
    LocalKey,
    PersonRecord,
    QueuedWork,
    ReversalRecord,
    SettlementRecord,
)
from .store_failures import permanent_failure
from .worker_outage import database_failure

_ENCOUNTER_FIRST = '{"encounter":'
_DECODER = json.JSONDecoder()


def _encounter_of(request_json: str) -> Any:
    """The request's ``encounter`` as ``json.loads(request_json)`` gives it. A stored request is
    canonical JSON (keys sorted; settlement.py), where the encounter usually comes first: then it
    alone is decoded, not the fee lines after it."""
    if request_json.startswith(_ENCOUNTER_FIRST):
        return _DECODER.raw_decode(request_json, len(_ENCOUNTER_FIRST))[0]
    request = json.loads(request_json)
    return request.get("encounter") if isinstance(request, dict) else None


class FlushFailed(HospitalClientError):
    """Storing a claim's kept writes failed for a reason not the database's (a defect): roll the
    claim back and do it again unbuffered, where the item concerned is refused on its own. Never
    shown to anyone: queue_work.py handles it."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The queued settlements could not be stored together; "
                                             "they are adjudicated again one by one.")


class NeedsLock(HospitalClientError):
    """A checked claim (see the module docstring) met what only the write lock may do: it is done
    again under the lock. Never shown to anyone: queue_work.py handles it."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The queued settlements are adjudicated again while holding the "
                                             "database.")


class ClaimCache:
    """See the module docstring. ``item()`` around each item; ``forget()`` after a refused one;
    ``flush()`` before the claim's end."""

    def __init__(self, store: CentralStore, *, buffered: bool = True, checked: bool = False) -> None:
        self._store = store
        self._buffered = buffered
        self._checked = checked
        self._first_reads: dict[tuple[str, Any], Any] = {}  # (checked) what each read first gave
        self._persons: dict[str, PersonRecord | None] = {}
        self._accumulators: dict[tuple[str, int], Accumulators | None] = {}
        self._in_force: dict[tuple[str, int], list[StayInForce]] = {}
        self._encounters: dict[str, dict[str, InForce]] = {}
        self._keys: dict[tuple[str, str], LocalKey | None] = {}
        self._moves: list[tuple[str, int, Accumulators, str]] = []
        self._settlements: list[SettlementRecord] = []
        self._item: tuple[int, int] | None = None  # where the current item's kept writes start
        self._savepoint: ExitStack | None = None  # the current item's, once it went real

    # --- everything else: the store, after what is kept ----------------------------------------

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def real(*args: Any, **kwargs: Any) -> Any:
            self._go_real()
            return attr(*args, **kwargs)

        return real

    def _go_real(self) -> None:
        """Store what is kept (inside an item: the earlier items', then the item's own within its
        savepoint); the in-force encounters are read again after whatever the call changes."""
        if self._checked:
            raise NeedsLock("a checked claim must go real")
        self._encounters.clear()
        if not self._buffered:
            return
        if self._item is None:
            self.flush()
            return
        if self._savepoint is not None:
            return
        moves, settlements = self._item
        item_moves, item_settlements = self._moves[moves:], self._settlements[settlements:]
        del self._moves[moves:], self._settlements[settlements:]
        self.flush()
        stack = ExitStack()
        stack.enter_context(self._store.transaction())  # the item's savepoint
        self._savepoint = stack
        self._moves, self._settlements = item_moves, item_settlements
        self.flush()

    def flush(self) -> None:
        if not self._moves and not self._settlements:
            return
        moves, settlements = self._moves, self._settlements
        self._moves, self._settlements = [], []
        try:
            self._store.add_adjudications(moves, settlements)
        except Exception as exc:
            # the database's for a while (an outage): the claim is rolled back and tried again, as for
            # any item; for good (an integrity or data error, store_failures.py) or a defect: done again
            # item by item, where the item concerned is refused on its own
            if database_failure(exc) and not permanent_failure(exc):
                raise
            raise FlushFailed(f"{type(exc).__name__}: {exc}") from exc

    # --- one item -----------------------------------------------------------------------------

    @contextmanager
    def item(self) -> Iterator[None]:
        """One queued item: undone on its own when it raises (its savepoint, or what it kept dropped)."""
        if not self._buffered:
            with self._store.transaction():
                yield
            return
        self._item = (len(self._moves), len(self._settlements))
        try:
            yield
        except BaseException as exc:
            moves, settlements = self._item
            self._item = None
            stack, self._savepoint = self._savepoint, None
            if stack is not None:
                stack.__exit__(type(exc), exc, exc.__traceback__)  # rolled back to the savepoint
            else:
                del self._moves[moves:], self._settlements[settlements:]
            raise
        self._item = None
        stack, self._savepoint = self._savepoint, None
        if stack is not None:
            stack.close()  # released

    def forget(self) -> None:
        """After an item was undone: what it changed is read again from the store."""
        if self._checked:  # the earlier items' writes are not in the store to read back
            raise NeedsLock("a checked claim refused an item")
        self.flush()
        self._persons.clear()
        self._accumulators.clear()
        self._in_force.clear()
        self._encounters.clear()
        self._keys.clear()

    def prefetch(self, work: Sequence[QueuedWork]) -> None:
        """The local keys of the claim's items, one query per site."""
        if not self._buffered:
            return
        by_site: dict[str, list[str]] = {}
        for entry in work:
            by_site.setdefault(entry.site, []).append(entry.local_id)
        for site, local_ids in by_site.items():
            found = self._store.local_keys(site, local_ids)
            for local_id in local_ids:
                self._keys[(site, local_id)] = self._read("local_key", (site, local_id), found.get(local_id))

    # --- read once ------------------------------------------------------------------------------

    def get_local_key(self, site: str, local_id: str) -> LocalKey | None:
        if not self._buffered:
            return self._store.get_local_key(site, local_id)
        key = (site, local_id)
        if key not in self._keys:  # a key no write of this claim made: the store knows it
            self._keys[key] = self._read("local_key", key, self._store.get_local_key(site, local_id))
        return self._keys[key]

    def encounter_in_force(self, psn_no: str, mdtrt_id: str) -> InForce | None:
        if not self._buffered:
            return self._store.encounter_in_force(psn_no, mdtrt_id)
        if psn_no not in self._encounters:
            self._encounters[psn_no] = dict(self._read("encounters", psn_no, self._store.encounters_in_force(psn_no)))
        return self._encounters[psn_no].get(mdtrt_id)

    def stays_in_force(self, psn_no: str, since_year: int) -> list[StayInForce]:
        key = (psn_no, since_year)
        if key not in self._in_force:
            self._in_force[key] = list(self._read("stays", key, self._store.stays_in_force(psn_no, since_year)))
        return list(self._in_force[key])

    def find_person(self, *, psn_no: str = "", certno: str = "", card_no: str = "",
                    ecard_code: str = "") -> PersonRecord | None:
        if not psn_no or certno or card_no or ecard_code:
            return self._store.find_person(psn_no=psn_no, certno=certno, card_no=card_no, ecard_code=ecard_code)
        if psn_no not in self._persons:
            self._persons[psn_no] = self._read("person", psn_no, self._store.find_person(psn_no=psn_no))
        return self._persons[psn_no]

    def get_accumulators(self, psn_no: str, year: int) -> Accumulators | None:
        key = (psn_no, year)
        if key not in self._accumulators:
            found = self._store.get_accumulators(psn_no, year)
            self._accumulators[key] = self._read("accumulators", key, None if found is None else dict(found))
        values = self._accumulators[key]
        return None if values is None else dict(values)

    def _read(self, kind: str, key: Any, value: Any) -> Any:
        """``value``, as read; checked, its first reading kept aside (a copy of a dict or a list,
        which the claim's writes change in the cache) for ``unchanged``."""
        if self._checked:
            self._first_reads.setdefault((kind, key), value.copy() if isinstance(value, dict | list) else value)
        return value

    def unchanged(self) -> bool:
        """(checked) Whether the store still gives what the claim read first (call it inside the
        write transaction that stores the claim)."""
        store = self._store
        keys_by_site: dict[str, list[str]] = {}
        for (kind, key), value in self._first_reads.items():
            if kind == "local_key":
                keys_by_site.setdefault(key[0], []).append(key[1])
                continue
            if kind == "encounters":
                now: Any = store.encounters_in_force(key)
            elif kind == "stays":
                now = store.stays_in_force(*key)
            elif kind == "person":
                now = store.find_person(psn_no=key)
            else:
                now = store.get_accumulators(*key)
            if now != value:
                return False
        for site, local_ids in keys_by_site.items():
            found = store.local_keys(site, local_ids)
            if any(found.get(local_id) != self._first_reads[("local_key", (site, local_id))] for local_id in local_ids):
                return False
        return True

    # --- written at once (or passed on) -----------------------------------------------------------

    def _kept(self) -> bool:
        return self._buffered and self._item is not None and self._savepoint is None

    def put_accumulators(self, psn_no: str, year: int, values: Accumulators, at: str) -> None:
        if self._kept():
            self._moves.append((psn_no, year, dict(values), at))
        else:
            self._go_real()
            self._store.put_accumulators(psn_no, year, values, at)
        # as the stores keep them (money to the fen as text, read back as Decimal)
        self._accumulators[(psn_no, year)] = {k: (v if isinstance(v, int) else Decimal(f"{v:.2f}"))
                                              for k, v in values.items()}

    def add_settlement(self, record: SettlementRecord) -> None:
        if self._kept():
            self._settlements.append(record)
        else:
            self._go_real()
            self._store.add_settlement(record)
        self._keys[(record.site, record.local_id)] = LocalKey(record.site, record.local_id, "settlement",
                                                              record.fingerprint, record.setl_id)
        encounters = self._encounters.get(record.psn_no)
        if encounters is not None and record.mdtrt_id != "":  # as the stores' trigger does
            encounters[record.mdtrt_id] = InForce(record.psn_no, record.mdtrt_id, record.setl_id, record.site,
                                                  record.local_id, record.setl_time)
        made: list[StayInForce | None] = []  # the new settlement as a stay, parsed once if asked for
        for (psn_no, since_year), in_force in self._in_force.items():
            if psn_no == record.psn_no and record.year >= since_year:
                if not made:
                    encounter = _encounter_of(record.request_json)
                    made.append(stay_in_force(record.setl_id, record.mdtrt_id, record.site, encounter))
                if made[0] is not None:
                    in_force.append(made[0])

    def add_reversal(self, record: ReversalRecord) -> None:
        self._go_real()
        self._store.add_reversal(record)
        self._encounters.clear()
        self._keys[(record.site, record.local_id)] = LocalKey(record.site, record.local_id, "reversal",
                                                              record.fingerprint, record.rev_setl_id)
        for (psn_no, _), in_force in self._in_force.items():
            if psn_no == record.psn_no:
                in_force[:] = [s for s in in_force if s.setl_id != record.setl_id]
