"""What the message log (the append-only ``message`` table) keeps of an answer.

The log serves msgid idempotency (service.py: a message sent again under its msgid is answered
as the first time, nothing done twice), 2601 / 5203 by msgid (what became of a message,
correction.py), and the record of what was answered to whom and when.

A transaction that only reads (``READ_ONLY``) has nothing to keep from being done twice, and
its answer can be megabytes (9512: up to 1,000 settlements in full detail, asked again on
every poll of a drain). Its log row keeps the sha256 and the size of the answer's ``output``
instead of the output itself (``{"output_sha256": "...", "output_bytes": N}``); the same msgid
sent again is answered by reading again (the same header fields as the first answer,
``x-central-repeat: 1``, the output as it is now: a result queued the first time may be final
since). Every other transaction keeps its whole output, replayed byte for byte.
"""

from __future__ import annotations

import hashlib
import json

from .. import protocol as p

# Transactions that change nothing (their handler only reads), answered afresh when repeated.
READ_ONLY = frozenset({p.ADJUDICATION_RESULTS})


def answered_afresh(infno: str) -> bool:
    """A repeat of this transaction's msgid is read again rather than replayed from the log."""
    return infno in READ_ONLY


def logged_output(infno: str, output_json: bytes) -> str:
    """The ``output`` column of the message's log row: the output, or for a read its digest and size."""
    if infno in READ_ONLY:
        return json.dumps({"output_sha256": hashlib.sha256(output_json).hexdigest(),
                           "output_bytes": len(output_json)}, separators=(",", ":"))
    return output_json.decode("utf-8")
