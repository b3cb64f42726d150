"""A settlement (2304) or reversal (2305) sent online whose reply was lost: find out, never guess.

The message may have been processed (the reply was lost on the way back) or not (lost on the way
there). ``resolve_lost_reply`` asks the central system what became of the message's msgid (5203
with ``msgid``):

- found: the settlement or reversal it made is recorded, as if the reply had come;
- refused at the time: the same message is sent again with the same msgid and gets that refusal
  again (it is recorded as any refusal);
- not found: the question (with ``fence``) has voided the msgid at the central system, so a late
  copy of the message is never processed; 2601 冲正 with ``omsgid`` and ``oinfno`` confirms it
  (``voided``; a central system without ``fence`` fences it here, and undoes the message had it
  arrived in between). ``voided`` / ``no_effect``: nothing took effect, the entry gets a new msgid
  (store.outbox.renew_msgid) and is sent again: "settles again". Should the answer be lost again,
  the same steps follow, a few rounds at most.

The entry's local id is its key at the central system (bound once), so sending again can never
settle twice. When the central system cannot be reached for these questions, the entry stays
``sent`` and the next drain asks about it by local id (9512): the clerk only waits. Should 2601
nevertheless find the original processed and undo it (only with a central system whose 5203 does
not fence), the entry is parked with that reason for IT (the journal keeps the settlement
provisional; nothing is charged twice, and the undone settlement is never recorded as final):
see docs/protocol.md, 2601.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from .. import protocol as p
from ..store import LocalDatabase, outbox
from .client import CentralClient
from .drain import OnlineAnswer, entry_infno, record_view, send_now
from .errors import BadAnswer, CentralRefused, CentralUnreachable

log = logging.getLogger(__name__)

__all__ = ["ROUNDS", "resolve_lost_reply"]

ROUNDS = 4  # a lost reply, then lost again ...: asked again at most this many times
BUDGET = 4  # ... and for at most this many times the deadline of one exchange, all rounds together
NOTHING_DONE = frozenset({"voided", "no_effect"})


def _ask(client: CentralClient, msgid: str, deadline: float) -> dict[str, Any] | None:
    """5203 by msgid (``fence``: a message never received is voided there and then, so it cannot
    take effect between this question and the 2601): the view of what the message made, or None
    when it was not processed."""
    try:
        answer = client.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid, "fence": True}}, deadline=deadline)
    except CentralRefused as exc:
        if isinstance(exc.protocol_error, p.NotFound):
            return None
        raise
    if not isinstance(answer.output, dict):
        raise BadAnswer("5203: the answer is not an object")
    return None if answer.output.get("kind") == "none" else answer.output


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
            if view is not None and view.get("kind") == "refused":
                log.info("entry %d: its message was refused at the time; sending it again for the refusal", local_id)
                return send_now(db, client, local_id, deadline=deadline, operator=operator, infno=infno)
            if view is not None:
                log.info("entry %d: the lost reply's %s was processed; recorded", local_id, sent_as)
                return record_view(db, message, view, operator=operator)
            fence = client.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": sent_as}}, deadline=deadline)
        except (CentralUnreachable, CentralRefused, BadAnswer) as exc:  # a refused question is no answer
            log.info("entry %d: what became of its message cannot be asked now (%s); the drain asks later",
                     local_id, type(exc).__name__)
            return OnlineAnswer("sent", reason=str(exc))
        output = fence.output if isinstance(fence.output, dict) else {}
        result = str(output.get("result") or "")
        if result not in NOTHING_DONE:
            reason = (f"{p.Conflict.infcode} 冲正（2601）时原{p.TRANSACTIONS.get(sent_as, sent_as)}已生效并已被冲正"
                      f"（{result}），须核对后重新办理")
            outbox.mark_many(db, [(message.id, "rejected", reason)])
            log.warning("entry %d: 2601 found its message processed after all and undid it (%s); parked",
                        local_id, result)
            return OnlineAnswer("rejected", reason=reason)
        renewed = outbox.renew_msgid(db, message, f"2601 {result} of {msgid}")
        log.info("entry %d: its message never took effect (2601 %s); sending it again (round %d)", local_id,
                 result, attempt + 1)
        answer = send_now(db, client, local_id, deadline=deadline, operator=operator, infno=infno)
        if not answer.lost:
            return answer
        log.info("entry %d: the reply to %s was lost again (%.1f s so far)", local_id, renewed,
                 time.monotonic() - started)
    return OnlineAnswer("sent", reason="reply lost several times; the drain asks later", lost=True)
