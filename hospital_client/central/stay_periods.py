"""A stay settled in periods (中途结算) at the central system.

A settlement with ``encounter.mid_setl_flag`` closes a period of a stay that goes on; its result
carries ``stay_after``. The next settlement of the same encounter (psn_no + mdtrt_id) sends
``encounter.stay_before`` and is the next period, not a second settlement:

- it is taken only while the period it continues is the encounter's settlement in force, and its
  ``stay_before`` names that period (the same ``endtime`` and ``periods``); anything else is the
  refusal of a second settlement (3003, naming the one in force);
- the central system computes it from its own ``stay_after`` of that period (the figures it
  adjudicated, like its own accumulators), whatever the desk's were;
- the new period takes the encounter's in-force row; the earlier ones stay in force as periods;
- a period is reversed only while no later period is in force (latest first); reversing the latest
  puts the one before back as the encounter's settlement in force.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ..protocol import BadInput, Conflict
from .context import Central
from .store import SettlementRecord

__all__ = ["after_reversal", "check_reversible", "continuing", "stay_after_of"]


def stay_after_of(record: SettlementRecord) -> dict[str, Any] | None:
    """The ``stay_after`` of a stored settlement (a mid-stay period), or None."""
    try:
        final = json.loads(record.final_json)
    except ValueError:  # pragma: no cover - the store holds the JSON it was given
        return None
    after = final.get("stay_after") if isinstance(final, dict) else None
    return after if isinstance(after, dict) else None


def continuing(central: Central, raw: Any, where: str) -> tuple[Any, SettlementRecord | None]:
    """The request to compute (``stay_before`` replaced by the central system's own) and the period
    it continues; ``(raw, None)`` for a request that continues nothing. A ``stay_before`` with no
    mid-stay period in force to continue is refused, naming the field."""
    if not isinstance(raw, dict):
        return raw, None
    person, encounter = raw.get("person"), raw.get("encounter")
    if not isinstance(person, dict) or not isinstance(encounter, dict) or encounter.get("stay_before") is None:
        return raw, None
    psn_no, mdtrt_id = str(person.get("psn_no") or ""), str(encounter.get("mdtrt_id") or "")
    before = encounter.get("stay_before")
    field = f"{where}request.encounter.stay_before"
    if not isinstance(before, dict):
        raise BadInput(f"{field} 应为对象（上一期中途结算的 stay_after）")
    in_force = central.store.encounter_in_force(psn_no, mdtrt_id) if psn_no and mdtrt_id else None
    prior = None if in_force is None else central.store.get_settlement(in_force.setl_id)
    if prior is None:
        raise BadInput(f"{field}：就诊 {mdtrt_id} 没有在用的中途结算，无可接续的上一期"
                       "（先以 mid_setl_flag 结算上一期）")
    after = stay_after_of(prior)
    if after is None:
        return raw, None  # the one in force is a whole stay: refused as a second settlement
    if str(before.get("endtime")) != str(after.get("endtime")) or str(before.get("periods", 1)) != str(
            after.get("periods")):
        return raw, None  # not the period in force: a second settlement of a period already settled
    request = copy.deepcopy(raw)
    request["encounter"]["stay_before"] = dict(after)
    return request, prior


def check_reversible(central: Central, original: SettlementRecord, where: str = "") -> None:
    """Refuse reversing a period while a later period of the stay is in force."""
    later = central.store.later_period_in_force(original.setl_id)
    if later is not None:
        raise Conflict(f"{where}结算 {original.setl_id} 是中途结算的一期，其后一期结算 {later} 仍在用："
                       "须先撤销后一期")


def after_reversal(central: Central, original: SettlementRecord) -> None:
    """After the latest period's reversal: the period before is the encounter's settlement in force again."""
    prior = central.store.prior_period(original.setl_id)
    if prior is not None and central.store.encounter_in_force(original.psn_no, original.mdtrt_id) is None:
        central.store.reinstate_in_force(prior)
