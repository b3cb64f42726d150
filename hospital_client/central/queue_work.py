"""The adjudication queue (9511 with ack "stored") in persons' partitions, worked by any number of
workers: threads of `central serve --workers N`, processes of `central work` on this or another host.

A stored batch's items go into the partition of the person each one settles or reverses
(queue_intake.py), with their setl_id / rev_setl_id numbers reserved in arrival order
(queue_numbers.py). A worker claims the oldest partition no other worker holds and adjudicates
that person's items in arrival order, each undone on its own when refused, all in one transaction
that touches that person's accumulators only, their results stored at once at its end
(``adjudicate_next``; claim_cache.py):

- PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` on the person's ``queued_person`` row; a
  worker that dies mid-way leaves an open transaction that the server rolls back when the
  connection drops, which frees the row for the next worker: nothing written twice, nothing lost;
- SQLite (one writer at a time): the claim is a lease on the person's ``queued_person`` row,
  taken in a short write transaction; the items are read and adjudicated in a read transaction,
  outside the write lock, so workers adjudicate side by side (``_adjudicate_leased``); then, in
  a short write transaction, if the lease still holds and nothing read has changed (an online
  message of the person's may have come between: claim_cache.py, checked), the results are
  stored; if not, or when the claim meets what needs the lock (a reversal, a refusal), it is done
  again under the write lock, as on PostgreSQL. A worker killed mid-claim commits nothing; its
  lease runs out after ``LEASE_SECONDS`` and the person is claimed again. A claim's commits are
  not each waited onto the disk (``redoable``): one lost in a power cut leaves its items queued,
  to be done again to the same figures.

The results do not depend on how many workers there are or which came first: a person's items
are adjudicated in their order; ids come from the numbers reserved at arrival; a queued item's
central time (``adjudicated_at``, the setl_id's day) is its batch's arrival time; an item whose
(site, local_id) an earlier item of another person also uses waits until that one is done
(``first_blocked_work``). ``outcome_digest`` hashes what 9512 answers, to compare runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from .. import protocol as p
from ..protocol import BusinessError, WrongSite
from .claim_cache import ClaimCache, FlushFailed, NeedsLock
from .context import Central, Context
from .settlement import reverse_item, settle_item
from .store import (
    CentralStore,
    LeasingStore,
    QueuedWork,
)
from .store_failures import STORE_REFUSED_ERR_MSG, failure_reason, permanent_failure
from .worker_outage import OutageLog, database_failure

log = logging.getLogger("hospital_client.central")

LEASE_SECONDS = 30.0  # a SQLite claim's lease: far longer than a claim takes (one that outlasts it is done again)
IDLE_SECONDS = 0.5  # an idle worker looks at the queue again this often (or when woken)
BLOCKED_RETRY_SECONDS = 0.01  # persons waiting for another person's item: look again this soon


# --- adjudicating ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """What one claim did: the person (None: nothing claimable), items adjudicated, and whether
    some of the person's items wait for another person's earlier item."""

    psn_no: str | None
    done: int = 0
    blocked: bool = False


def adjudicate_next(central: Central, skip: Sequence[str] = ()) -> Claimed:
    """Claim the oldest partition no other worker holds (not in ``skip``) and adjudicate its items
    in arrival order, in one transaction: their results stored at once (claim_cache.py), or, when
    that fails, the claim done again item by item."""
    if getattr(central.store, "claims_by_lease", False):
        return _adjudicate_leased(central, skip)
    return _adjudicate_locked(central, skip)


def _adjudicate_locked(central: Central, skip: Sequence[str], lease: tuple[str, str] | None = None) -> Claimed:
    try:
        return _adjudicate_claim(central, skip, buffered=True, lease=lease)
    except FlushFailed as exc:
        log.warning("storing a claim at once failed (%s); adjudicating it item by item", type(exc.__cause__).__name__)
        return _adjudicate_claim(central, skip, buffered=False, lease=lease)


def _claimable_work(store: CentralStore, psn_no: str) -> tuple[list[QueuedWork], tuple[int, int] | None]:
    """The person's items up to the first that waits for another person's earlier item, and that one."""
    work = store.person_work(psn_no)
    blocked = store.first_blocked_work(psn_no)
    if blocked is not None:
        work = [w for w in work if (w.batch_seq, w.idx) < blocked]
    return work, blocked


def _adjudicate_claim(central: Central, skip: Sequence[str], *, buffered: bool,
                      lease: tuple[str, str] | None = None) -> Claimed:
    """The claim under the write lock; ``lease``: (psn_no, holder) of a person leased already."""
    store = central.store
    with store.transaction():
        if lease is None:
            psn_no = store.claim_person(skip)
            if psn_no is None:
                return Claimed(None)
        else:
            psn_no, holder = lease
            if not cast(LeasingStore, store).holds_lease(psn_no, holder, []):
                return Claimed(psn_no)  # (its lease ran out and another worker took the person)
        work, blocked = _claimable_work(store, psn_no)
        cache = ClaimCache(store, buffered=buffered)
        _adjudicate_in(central, cache, work)
        cache.flush()
        if work or blocked is None:
            store.finish_work(psn_no, work)
        elif lease is not None:
            cast(LeasingStore, store).release_lease(*lease)
    return Claimed(psn_no, len(work), blocked is not None)


def _adjudicate_in(central: Central, cache: ClaimCache, work: Sequence[QueuedWork]) -> None:
    """The claim's items in order, through its cache; after a refused one the cache reads again."""
    store = central.store
    cache.prefetch(work)
    central.store = cast(CentralStore, cache)
    try:
        for entry in work:
            if not adjudicate_work(central, entry):
                cache.forget()
    finally:
        central.store = store


_holders = itertools.count(1)


def _adjudicate_leased(central: Central, skip: Sequence[str]) -> Claimed:
    """A claim of a store whose workers adjudicate outside its write lock (SQLite; the module
    docstring): leased, read and adjudicated checked, stored if nothing read changed; otherwise
    done under the lock. A failure gives the lease back, so the person is claimed again at once."""
    store = cast(LeasingStore, central.store)
    holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{next(_holders)}"
    with store.redoable():
        psn_no = store.lease_person(holder, LEASE_SECONDS, skip)
        if psn_no is None:
            return Claimed(None)
        try:
            claimed = _checked_claim(central, store, psn_no, holder)
            return claimed if claimed is not None else _adjudicate_locked(central, skip, (psn_no, holder))
        except BaseException:
            with contextlib.suppress(Exception), store.transaction():
                store.release_lease(psn_no, holder)
            raise


def _checked_claim(central: Central, store: LeasingStore, psn_no: str, holder: str) -> Claimed | None:
    """The leased person's items adjudicated in a read transaction and stored if the lease holds
    and nothing read has changed; None when that could not be: the claim is for the lock."""
    try:
        with store.snapshot():
            work, blocked = _claimable_work(store, psn_no)
            if not work:
                return None
            cache = ClaimCache(store, checked=True)
            _adjudicate_in(central, cache, work)  # (a refused item: NeedsLock)
        with store.transaction():
            if not (store.holds_lease(psn_no, holder, work) and cache.unchanged()):
                return None
            cache.flush()
            store.finish_work(psn_no, work)
    except (NeedsLock, FlushFailed):  # (FlushFailed: the lock's way then stores it item by item)
        return None
    return Claimed(psn_no, len(work), blocked is not None)


@functools.lru_cache(maxsize=256)
def _arrival(received_at: str) -> dt.datetime:
    """A batch's arrival time (all its items share it: parsed once)."""
    return p.parse_time(received_at)


def adjudicate_work(central: Central, work: QueuedWork) -> bool:
    """One queued item, undone on its own when refused (claim_cache.py: what it kept dropped, or its
    savepoint rolled back); a refusal is recorded for 9512 (and False returned)."""
    store = central.store
    item = p.loads(work.item)
    env = p.RequestEnvelope(infno=p.BATCH_UPLOAD, msgid=work.msgid, fixmedins_code=work.site, input={})
    ctx = Context(site=work.site, env=env, now=_arrival(work.received_at), received=work.received_at)
    where = f"data[{work.idx}]."
    try:
        with (store.item() if isinstance(store, ClaimCache) else store.transaction()):
            if work.kind == "settlement":
                settle_item(central, ctx, item, where, full=work.full, number=work.number, answer=False)
            elif work.kind == "reversal":
                reverse_item(central, ctx, item, where, number=work.number)
            else:
                raise p.BadInput(f"{where}kind 应为 settlement 或 reversal")
    except (FlushFailed, NeedsLock):
        raise
    except (BusinessError, WrongSite) as exc:
        output = exc.output() if isinstance(exc, BusinessError) else {}
        store.add_rejection(work.site, work.local_id, work.kind, work.msgid, exc.infcode, exc.err_msg,
                            work.received_at, p.dumps(output).decode("utf-8"))
        return False
    except Exception as exc:  # a defect must not wedge the queue: the item is refused, the rest go on
        if permanent_failure(exc):  # its write refused for good (store_failures.py): refused alone, the rest go on
            log.error("a queued item's write was refused by the database (%s); the item is refused",
                      failure_reason(exc))
            store.add_rejection(work.site, work.local_id, work.kind, work.msgid, p.ServerError.infcode,
                                STORE_REFUSED_ERR_MSG, work.received_at)
            return False
        if database_failure(exc):  # not the item's fault: the claim is rolled back and tried again later
            raise
        log.exception("internal error while adjudicating a queued item")
        store.add_rejection(work.site, work.local_id, work.kind, work.msgid, p.ServerError.infcode,
                            "中心系统内部错误；请重新上传此笔", work.received_at)
        return False
    return True


def drain(central: Central, *, wait: Callable[[float], object] = time.sleep) -> int:
    """Adjudicate until nothing is queued, also waiting for the partitions other workers hold (an
    online message that must come after everything queued before it); returns the items done."""
    done = 0
    skip: list[str] = []
    while True:
        claimed = adjudicate_next(central, skip)
        if claimed.psn_no is None:
            if not central.store.has_queued():
                return done
            skip.clear()
            wait(BLOCKED_RETRY_SECONDS)
            continue
        done += claimed.done
        if claimed.blocked:
            skip.append(claimed.psn_no)


@dataclass
class WorkerStats:
    adjudicated: int = 0
    claims: int = 0
    first_claim_at: float | None = None  # time.time() of the first claim that found work
    last_done_at: float | None = None


def run_worker(central: Central, stop: threading.Event, *, until_empty: bool = False,
               may_work: Callable[[], bool] = lambda: True, wakeup: threading.Event | None = None,
               stats: WorkerStats | None = None) -> WorkerStats:
    """Claim and adjudicate until ``stop`` is set (or, ``until_empty``, until nothing is queued);
    ``may_work`` says when to give way (the server's arriving messages). A database error is
    logged and the worker tries again a second later."""
    stats = stats if stats is not None else WorkerStats()
    skip: list[str] = []
    closed = False
    outage = OutageLog(log)
    while not stop.is_set():
        if not may_work():
            time.sleep(0.005)
            continue
        if wakeup is not None:
            wakeup.clear()
        try:
            claimed = adjudicate_next(central, skip)
            if claimed.psn_no is None and not skip and not closed:
                central.store.close_batches(p.format_time(central.now()))
                closed = True
            empty = claimed.psn_no is None and not central.store.has_queued()
        except Exception as exc:  # a database problem: log it (once per outage) and try again, never die silently
            outage.failed(exc)
            stop.wait(1.0)
            continue
        outage.succeeded()
        if claimed.psn_no is not None:
            closed = False
            stats.claims += 1
            if claimed.done:
                now = time.time()
                stats.first_claim_at = stats.first_claim_at or now
                stats.last_done_at = now
                stats.adjudicated += claimed.done
            if claimed.blocked:
                skip.append(claimed.psn_no)
            continue
        if skip:
            skip.clear()
            stop.wait(BLOCKED_RETRY_SECONDS)
            continue
        if until_empty and empty:
            break
        if wakeup is not None:
            wakeup.wait(IDLE_SECONDS)
        else:
            stop.wait(BLOCKED_RETRY_SECONDS if until_empty else IDLE_SECONDS)
    return stats


# --- comparing runs ----------------------------------------------------------------------------


def outcome_digest(central: Central, keys: Iterable[tuple[str, str]], *, page: int = 1000) -> str:
    """sha256 of what 9512 answers for every (site, local_id) of ``keys`` (by local_id, full detail)
    and of every settlement page of those sites by cursor: equal for runs with equal results."""
    from .batches import adjudication_results

    by_site: dict[str, list[str]] = {}
    for site, local_id in keys:
        by_site.setdefault(site, []).append(local_id)
    digest = hashlib.sha256()
    for site in sorted(by_site):
        env = p.RequestEnvelope(infno=p.ADJUDICATION_RESULTS, msgid="", fixmedins_code=site, input={})
        now = central.now()
        ctx = Context(site=site, env=env, now=now, received=p.format_time(now))
        ids = by_site[site]
        for start in range(0, len(ids), page):
            digest.update(adjudication_results(central, ctx, {"data": {"local_ids": ids[start:start + page]}}))
        cursor, more = 0, True
        while more:
            answer = adjudication_results(central, ctx, {"data": {"cursor": cursor, "limit": page}})
            digest.update(answer)
            tail = p.loads(answer)
            cursor, more = int(tail["next_cursor"]), bool(tail["more"])
    return digest.hexdigest()
