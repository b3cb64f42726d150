"""Settlements the central system refused because their encounter already had a settlement in
force there (infcode 3003, protocol.EncounterAlreadySettled): recorded against that settlement.

Such an entry was not paid by any fund: the encounter was paid once, by the settlement in force
(this desk's own, lost by a restore and pulled back, or another site's). So the entry is recorded
as answered, not parked, in ONE transaction per call:

- ``already_settled``: the settlement in force (its setl_id, site, the site's local id when it is
  this site's, its time) and the central system's words;
- ``sync_result`` (central_id = the setl_id in force; final figures: all zero) and a 'final'
  state row whose note names the settlement in force, so the state shows it;
- an adjustment for the clerk: final minus provisional with nothing final, i.e. everything the
  entry charged given back (the patient's cash share 退还, each fund's share withdrawn), reason
  ``already_settled``; when the entry charged nothing, no adjustment;
- the entry's accumulator change taken out of the running total (its delta row stays as written);
- the outbox status (adjusted, or accepted when nothing is to be given back) with the reason as
  its event, and an audit entry.

The entry no longer counts as the encounter's settlement at this desk (journal) and cannot be
reversed. An answer that comes twice is recorded once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..protocol import EncounterAlreadySettled
from . import audit
from .accumulators import cancel_in_transaction
from .connection import LocalDatabase, now, transaction
from .journal import STATE_INSERT, compact_json
from .money import money_text, to_decimal
from .outbox import mark_many_in_transaction
from .reconcile import ADJUSTMENT_INSERT, SYNC_RESULT_INSERT
from .schema import SETLINFO_COLUMNS
from .sqlite_errors import guarded

__all__ = ["REASON", "AlreadySettled", "in_force_of", "record_already_settled"]

REASON = "already_settled"
_ADJUSTED = ("psn_cash_pay", "hifp_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt")


@dataclass(frozen=True, slots=True)
class AlreadySettled:
    """The central system's refusal of one entry: the settlement in force for its encounter."""

    local_id: int
    in_force: Mapping[str, Any]     # setl_id, site, local_id (this site's only), psn_no, mdtrt_id, setl_time
    err_msg: str
    infcode: int = EncounterAlreadySettled.infcode


def _adjustment(amounts: Mapping[str, str], result_json: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Everything the entry charged, given back: the differences, and per fund (provisional -> 0)."""
    differences = [money_text(-to_decimal(amounts[k])) for k in _ADJUSTED]
    funds = [{"fund_pay_type": d.get("fund_pay_type"), "fund_pay_type_name": d.get("fund_pay_type_name"),
              "provisional": money_text(d.get("fund_payamt", "0")), "final": "0.00",
              "difference": money_text(-to_decimal(d.get("fund_payamt", "0")))}
             for d in json.loads(result_json).get("setldetail") or []]
    return differences, funds


@guarded
def record_already_settled(db: LocalDatabase, refusals: Sequence[AlreadySettled], *, operator: str = "sync",
                           at: dt.datetime | None = None) -> list[int]:
    """Record each refused settlement against the settlement in force (see the module docstring).
    Returns the local ids recorded now (an entry recorded before is left as it is)."""
    if not refusals:
        return []
    when = at or now()
    stamp = when.isoformat()
    conn = db.conn
    recorded: list[int] = []
    with transaction(db):
        changes: list[tuple[int, str, str]] = []
        for refusal in refusals:
            local_id, in_force = refusal.local_id, refusal.in_force
            row = conn.execute(
                f"SELECT s.kind, s.result_json, o.id, o.status, {', '.join('s.' + c for c in SETLINFO_COLUMNS)}, "
                "(SELECT y.status FROM sync_result y WHERE y.local_id = s.local_id), "
                "(SELECT 1 FROM already_settled a WHERE a.local_id = s.local_id) "
                "FROM settlement s JOIN outbox o ON o.local_id = s.local_id WHERE s.local_id = ?",
                (local_id,)).fetchone()
            if row is None or row[0] != "settlement":
                continue
            outbox_id, box_status, answered, linked = row[2], row[3], row[-2], row[-1]
            detail = f"{refusal.infcode} {refusal.err_msg}".strip()
            if linked or answered:
                if answered and box_status != answered:  # put back by a retry: the recorded answer stands
                    changes.append((outbox_id, answered, detail))
                continue
            amounts = dict(zip(SETLINFO_COLUMNS, row[4:4 + len(SETLINFO_COLUMNS)], strict=True))
            differences, funds = _adjustment(amounts, row[1])
            setl_id, site = str(in_force.get("setl_id") or ""), str(in_force.get("site") or "")
            setl_time = str(in_force.get("setl_time") or "")
            conn.execute("INSERT INTO already_settled (local_id, setl_id, site, central_local_id, setl_time, err_msg, "
                         "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (local_id, setl_id, site, in_force.get("local_id"), setl_time, refusal.err_msg, stamp))
            give_back = any(to_decimal(d) != Decimal("0") for d in differences)
            status = "adjusted" if give_back else "accepted"
            final = {"setlinfo": {c: "0.00" for c in SETLINFO_COLUMNS}, REASON: dict(in_force)}
            conn.execute(SYNC_RESULT_INSERT, (local_id, status, setl_id, "", compact_json(final), stamp))
            if give_back:
                conn.execute(ADJUSTMENT_INSERT, (local_id, setl_id, *differences, compact_json(funds),
                                                 compact_json([REASON]), stamp))
            conn.execute(STATE_INSERT, (local_id, "final", stamp,
                                        f"{REASON}: central settlement {setl_id} ({site}, {setl_time}) is in force"))
            cancel_in_transaction(conn, local_id, stamp)
            changes.append((outbox_id, status, detail))
            audit.append_in_transaction(conn, "sync", operator, f"settlement:{local_id}",
                                        {"state": "final", "central": REASON, "central_id": setl_id, "site": site,
                                         "adjustment_psn_cash_pay": differences[0]}, when)
            recorded.append(local_id)
        mark_many_in_transaction(conn, changes, stamp)
    return recorded


@guarded
def in_force_of(db: LocalDatabase, local_id: int) -> dict[str, Any] | None:
    """The central settlement in force an entry was recorded against, or None."""
    row = db.conn.execute("SELECT setl_id, site, central_local_id, setl_time, err_msg, recorded_at "
                          "FROM already_settled WHERE local_id = ?", (local_id,)).fetchone()
    if row is None:
        return None
    return dict(zip(("setl_id", "site", "local_id", "setl_time", "err_msg", "recorded_at"), row, strict=True))
