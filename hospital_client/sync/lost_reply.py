"""A settlement (2304) or reversal (2305) sent online whose reply was lost: find out, never guess.

The message may have been processed (the reply was lost on the way back) or not (lost on the way
there). ``resolve_lost_reply`` asks the central system what became of the message's msgid (5203
with ``msgid``):

- found: the settlement or reversal it made is recorded, as if the reply had come;
- refused at the time: the same message is sent again with the same msgid and gets that refusal
  again (it is recorded as any refusal);
- not found: the question (with ``fence``) has voided the msgid at the central system, so a late
  copy of the message is never processed; 2601 冲正 with ``omsgid`` and ``oinfno`` confirms it.
  Should the answer be lost again, the same steps follow, a few rounds at most.

What 2601 answers decides the next step (``AGAIN``: the entry gets a new msgid,
store.outbox.renew_msgid, and is sent again, "settles again"):

- ``voided`` (never processed, now never will be), ``no_effect`` (refused at the time): again;
- ``reversed`` / ``reinstated``: a central system whose 5203 does not fence received the original
  between the question and the 2601, and 2601 undid it. Again: the central system settles (or
  reverses) the entry anew under its local id (central.resettled), so it ends with one settlement
  in force, and the journal with one final entry;
- ``already_undone``: an earlier 2601 undid it (its answer was lost; or 5203 found the message's
  record undone by its own 冲正): again;
- ``already_reversed``: the original took effect and was reversed since by another entry: the
  settlement found is recorded, as the drain would;
- 2601 refused (e.g. a reversal that can no longer be undone, its encounter settled anew since):
  the original stands; 5203 finds it and it is recorded. Only when the central system refuses and
  has nothing to show is the entry parked, with its words, for the clerk.

The entry's local id is its key at the central system (bound once), so sending again can never
settle twice. When the central system cannot be reached for these questions, the entry stays
``sent`` and the next drain asks about it by local id (9512): the clerk only waits; should the
drain find the entry's settlement (or reversal) undone by its own 冲正, it comes back here
(``settle_again_undone``). See docs/protocol.md, 2601.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import protocol as p
from ..store import LocalDatabase, outbox, reconcile
from .client import CentralClient
from .drain import OnlineAnswer, entry_infno, record_view, send_now
from .drain import undone_by_own_correction as undone_by_correction  # 5203 and 9512 views alike
from .errors import BadAnswer, CentralRefused, CentralUnreachable, ReversalInProgress, SettlementInProgress
from .in_flight import REVERSAL, SETTLEMENT, InFlight

log = logging.getLogger(__name__)

__all__ = ["AGAIN", "ROUNDS", "resolve_lost_reply", "settle_again_undone", "undone_by_correction"]

ROUNDS = 4  # a lost reply, then lost again ...: asked again at most this many times
BUDGET = 4  # ... and for at most this many times the deadline of one exchange, all rounds together
# 2601's answers after which nothing of the original is in force: the entry is sent again.
AGAIN = frozenset({"voided", "no_effect", "reversed", "reinstated", "already_undone"})
RECORD_FOUND = "already_reversed"  # the original is there, reversed since by another entry: recorded


def _ask(client: CentralClient, msgid: str, deadline: float, *, fence: bool = True) -> dict[str, Any] | None:
    """5203 by msgid (``fence``: a message never received is voided there and then, so it cannot
    take effect between this question and the 2601): the view of what the message made, or None
    when it was not processed."""
    data: dict[str, Any] = {"msgid": msgid, "fence": True} if fence else {"msgid": msgid}
    try:
        answer = client.call(p.SETTLEMENT_QUERY, {"data": data}, deadline=deadline)
    except CentralRefused as exc:
        if isinstance(exc.protocol_error, p.NotFound):
            return None
        raise
    if not isinstance(answer.output, dict):
        raise BadAnswer("5203: the answer is not an object")
    return None if answer.output.get("kind") == "none" else answer.output


def _park(db: LocalDatabase, message: outbox.OutboxMessage, reason: str) -> OnlineAnswer:
    outbox.mark_many(db, [(message.id, "rejected", reason)])
    return OnlineAnswer("rejected", reason=reason)


def _refused_correction(db: LocalDatabase, client: CentralClient, message: outbox.OutboxMessage, msgid: str,
                        sent_as: str, exc: CentralRefused, *, deadline: float, operator: str) -> OnlineAnswer:
    """2601 refused: the original stands (e.g. a reversal whose encounter was settled anew since
    cannot be undone). What it made is recorded; when the central system has nothing to show for
    it, the entry is parked with the refusal's words."""
    if not isinstance(exc.protocol_error, p.BusinessError | p.WrongSite):
        return OnlineAnswer("sent", reason=str(exc))  # credentials, clock: no answer about the entry; later
    try:
        view = _ask(client, msgid, deadline, fence=False)
    except (CentralUnreachable, CentralRefused, BadAnswer) as error:
        return OnlineAnswer("sent", reason=str(error))
    if view is not None and view.get("kind") in ("settlement", "reversal") and not undone_by_correction(view):
        log.info("entry %d: 2601 refused (%s); the original stands and is recorded", message.local_id, exc.infcode)
        return record_view(db, message, view, operator=operator)
    name = p.TRANSACTIONS.get(sent_as, sent_as)
    log.warning("entry %d: 2601 refused (%s) and nothing found; parked", message.local_id, exc.infcode)
    return _park(db, message, f"{exc.infcode} 应答丢失后冲正（2601）原{name}被中心拒绝：{exc.err_msg}；"
                              "中心未查到该笔的结果，须核对后重新办理")


def _later(local_id: int, exc: Exception) -> OnlineAnswer:
    log.info("entry %d: what became of its message cannot be asked now (%s); the drain asks later",
             local_id, type(exc).__name__)
    return OnlineAnswer("sent", reason=str(exc))


def resolve_lost_reply(db: LocalDatabase, client: CentralClient, local_id: int, *, deadline: float,
                       operator: str = "sync", infno: str | None = None) -> OnlineAnswer:
    """Find out what became of an entry sent online without a reply, and finish it (see the module
    docstring). ``infno``: the transaction it was sent with, when not 2304 / 2305 (the outpatient
    2207 / 2208: asked about, fenced and sent again as that).
    Each exchange waits at most ``deadline`` seconds, all of them together about
    ``BUDGET`` times that; then the entry stays ``sent`` for the drain."""
    started = time.monotonic()
    for attempt in range(ROUNDS):
        if attempt and time.monotonic() - started > BUDGET * deadline:
            break
        message = outbox.message_for(db, local_id)
        if message is None or message.status not in outbox.PENDING:
            return OnlineAnswer("sent", reason="not pending")
        msgid = outbox.msgid_in_force(db, message)
        sent_as = infno or entry_infno(message.kind)
        try:
            view = _ask(client, msgid, deadline)
        except (CentralUnreachable, CentralRefused, BadAnswer) as exc:  # a refused question is no answer
            return _later(local_id, exc)
        if view is not None and view.get("kind") == "refused":
            log.info("entry %d: its message was refused at the time; sending it again for the refusal", local_id)
            return send_now(db, client, local_id, deadline=deadline, operator=operator, infno=infno)
        if view is not None and not undone_by_correction(view):
            log.info("entry %d: the lost reply's %s was processed; recorded", local_id, sent_as)
            return record_view(db, message, view, operator=operator)
        try:  # not found (fenced now), or found undone by an earlier 2601 whose answer was lost
            fence = client.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": sent_as}}, deadline=deadline)
        except CentralRefused as exc:
            return _refused_correction(db, client, message, msgid, sent_as, exc, deadline=deadline,
                                       operator=operator)
        except (CentralUnreachable, BadAnswer) as exc:
            return _later(local_id, exc)
        output = fence.output if isinstance(fence.output, dict) else {}
        result = str(output.get("result") or "")
        if result == RECORD_FOUND and isinstance(output.get("settlement"), Mapping):
            log.info("entry %d: 2601 found its message processed and reversed since by another entry; recorded",
                     local_id)
            return record_view(db, message, output["settlement"], operator=operator)
        if result not in AGAIN:
            log.warning("entry %d: 2601 answered %r; parked", local_id, result)
            return _park(db, message, f"{p.Conflict.infcode} 应答丢失后冲正（2601）原"
                                      f"{p.TRANSACTIONS.get(sent_as, sent_as)}，中心答复无法识别（{result or '空'}），"
                                      "须核对后重新办理")
        renewed = outbox.renew_msgid(db, message, f"2601 {result} of {msgid}")
        log.info("entry %d: nothing of its message is in force (2601 %s); sending it again (round %d)", local_id,
                 result, attempt + 1)
        answer = send_now(db, client, local_id, deadline=deadline, operator=operator, infno=infno)
        if not answer.lost:
            return answer
        log.info("entry %d: the reply to %s was lost again (%.1f s so far)", local_id, renewed,
                 time.monotonic() - started)
    return OnlineAnswer("sent", reason="reply lost several times; the drain asks later", lost=True)


def settle_again_undone(db: LocalDatabase, client: CentralClient, local_ids: Iterable[int], *,
                        deadline: float, operator: str = "sync") -> dict[int, OnlineAnswer]:
    """Entries the drain found undone by their own 2601 冲正 (9512 answers the local id's first
    settlement reversed by it, or its reversal marked ``reinstated``): each is finished here, by its
    msgid in force, as after a lost reply; under its encounter's in-flight lock (an entry a window
    is finishing right now is left to it)."""
    wanted = list(local_ids)
    path = getattr(db, "path", None)
    who = reconcile.identities(db, wanted)
    answers: dict[int, OnlineAnswer] = {}
    for local_id in wanted:
        kind, _psn_no, mdtrt_id = who.get(local_id, ("", "", ""))
        what = REVERSAL if kind == "reversal" else SETTLEMENT
        lock = InFlight(path, mdtrt_id, what) if isinstance(path, Path) and mdtrt_id else None
        try:
            if lock is not None:
                lock.acquire()
        except (SettlementInProgress, ReversalInProgress) as exc:
            answers[local_id] = OnlineAnswer("sent", reason=str(exc))
            continue
        try:
            answers[local_id] = resolve_lost_reply(db, client, local_id, deadline=deadline, operator=operator)
        finally:
            if lock is not None:
                lock.release()
    return answers
