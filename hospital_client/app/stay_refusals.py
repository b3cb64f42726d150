"""Inpatient messages made offline (a 出院办理 2402 queued while the link was down) that the central
system refused when the sync sent them: listed for the clerk beside the refused uploads (the queue
page's "Refused by the centre"), with the central system's own sentence, until the clerk has dealt
with it (e.g. registered the admission, then made the discharge again from History) and dismisses
it. The dismissal is audited.
"""

from __future__ import annotations

from typing import Any

from ..protocol import codes
from ..store import LocalDatabase, audit, stay_refusals
from ..store.errors import NotFound
from ..store.operators import Operator
from .usecases import require_role

__all__ = ["dismiss_refused", "refused_stay_messages"]


def refused_stay_messages(db: LocalDatabase) -> list[dict[str, Any]]:
    """The refused queued inpatient messages not yet dismissed, oldest first: msgid, infno, its name,
    mdtrt_id, infcode, err_msg (the central system's sentence), queued_at, refused_at."""
    return [{"msgid": m.msgid, "infno": m.infno, "transaction": codes.TRANSACTIONS.get(m.infno, m.infno),
             "mdtrt_id": m.mdtrt_id, "infcode": m.infcode, "err_msg": m.err_msg, "queued_at": m.queued_at,
             "refused_at": m.refused_at} for m in stay_refusals.refused(db)]


def dismiss_refused(db: LocalDatabase, operator: Operator, msgid: str) -> None:
    """The clerk has dealt with a refused message: no longer listed (audited)."""
    require_role(operator, "clerk", "dismissing a refused inpatient message")
    listed = {m.msgid: m for m in stay_refusals.refused(db)}
    message = listed.get(msgid)
    if message is None or not stay_refusals.dismiss(db, msgid):
        raise NotFound(f"no refused inpatient message {msgid} is listed")
    audit.append(db, "stay_transaction", operator.name, f"stay:{message.mdtrt_id}",
                 {"infno": message.infno, "msgid": msgid, "state": "dismissed", "infcode": message.infcode})
