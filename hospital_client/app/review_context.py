"""What the desk gives the audit (智能审核) beside the bill, and a supervisor's override of a 拦截.

- the person's earlier stays: this desk's settlements in force of the same person (the journal),
  for 分解住院 — a readmission soon after a discharge, across two settlements and across a year;
- the sex and birth date the roster declares (the roster cache), for 冒名就医 — they must match
  what the ID number encodes;
- an override: a supervisor lets a 拦截 rule's lines be paid by the fund, with a reason. It is
  recorded in the settlement result (the violation carries who and why), audited in the desk's
  chain (``review_override``: rule, lines, reason, supervisor, clerk; no name or ID number) and
  uploaded with the settlement (``review_overrides`` of the 2304/9511 item, docs/protocol.md).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import QT_TRANSLATE_NOOP
from ..rules import SettlementRequest
from ..rules.review import DeclaredPerson, PriorStay, ReviewLibrary, ReviewOverride
from ..store import LocalDatabase, Operator, audit, caches
from ..store.journal_stays import settled_encounters
from .errors import AppError
from .review_rules import desk_review_library

__all__ = ["OverrideInput", "OverrideRefused", "ReviewInputs", "check_overrides", "declared_person",
           "prior_stays", "record_overrides", "review_inputs"]

# How far back the journal is read for earlier stays: the longest readmission window a rule may
# set is 365 days (rules.review.library).
LOOKBACK_DAYS = 400


class OverrideRefused(AppError):
    """An override that cannot be accepted: no reason, not a supervisor, or no such 拦截."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The override was not accepted: a supervisor must give a reason "
                                             "for a blocked rule of this bill.")


@dataclass(frozen=True, slots=True)
class OverrideInput:
    """A 拦截 rule a supervisor lets through, with the reason."""

    rule_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReviewInputs:
    library: ReviewLibrary | None
    stays: tuple[PriorStay, ...]
    declared: DeclaredPerson | None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def prior_stays(db: LocalDatabase, psn_no: str, mdtrt_id: str, before: dt.date) -> tuple[PriorStay, ...]:
    """The person's settlements in force on this desk (not reversed), other than the stay
    ``mdtrt_id``, discharged at most LOOKBACK_DAYS before ``before``: mdtrt_id, hospital, dates
    and diagnoses as settled."""
    earliest = before - dt.timedelta(days=LOOKBACK_DAYS)
    stays: list[PriorStay] = []
    for entry_mdtrt_id, encounter in settled_encounters(db, psn_no, other_than=mdtrt_id):
        begin, end = _date(encounter.get("begntime")), _date(encounter.get("endtime"))
        if begin is None or end is None or end < earliest:
            continue
        diagnoses = tuple(str(d) for d in encounter.get("diagnoses") or () if isinstance(d, str))
        stays.append(PriorStay(str(encounter.get("mdtrt_id") or entry_mdtrt_id),
                               str(encounter.get("fixmedins_code") or ""), begin, end, diagnoses))
    return tuple(stays)


def declared_person(db: LocalDatabase, psn_no: str) -> DeclaredPerson | None:
    """The sex (gend) and birth date (brdy) the roster cache declares, or None when unknown."""
    person = caches.get_person(db, psn_no)
    if person is None:
        return None
    gend = person.gend if person.gend in ("1", "2") else None
    brdy = _date(person.brdy)
    return None if gend is None and brdy is None else DeclaredPerson(gend, brdy)


def review_inputs(db: LocalDatabase, parsed: SettlementRequest) -> ReviewInputs:
    """The library for the person's insured place (pulled in preference to bundled), their earlier
    stays and declared sex and birth date."""
    library = desk_review_library(db, parsed.person.insuplc_admdvs)
    if library is None:
        return ReviewInputs(None, (), None)
    enc = parsed.encounter
    return ReviewInputs(library, prior_stays(db, parsed.person.psn_no, enc.mdtrt_id, enc.begntime),
                        declared_person(db, parsed.person.psn_no))


def check_overrides(overrides: Sequence[OverrideInput], approver: Operator | None) -> list[ReviewOverride]:
    """The overrides as the rules core takes them; refused without a supervisor or a reason."""
    if not overrides:
        return []
    if approver is None or not approver.has_role("supervisor"):
        who = "nobody" if approver is None else f"{approver.name!r} ({approver.role})"
        raise OverrideRefused(f"overriding a blocked review rule needs a supervisor; given {who}")
    out: list[ReviewOverride] = []
    for item in overrides:
        reason = item.reason.strip()
        if not reason:
            raise OverrideRefused(f"the override of rule {item.rule_id} needs a reason")
        if len(reason) > 500:
            raise OverrideRefused(f"the reason for rule {item.rule_id} is over 500 characters")
        out.append(ReviewOverride(item.rule_id, approver.name, reason))
    return out


def check_overrides_fired(overrides: Sequence[ReviewOverride], violations: Sequence[Mapping[str, Any]]) -> None:
    """Refused when an override names a rule that is not a 拦截 of this bill."""
    blocks = {v["rule_id"] for v in violations if v.get("severity") == "block"}
    for override in overrides:
        if override.rule_id not in blocks:
            raise OverrideRefused(f"rule {override.rule_id} does not block this bill; blocked: "
                                  f"{', '.join(sorted(blocks)) or 'none'}")


def record_overrides(conn: sqlite3.Connection, local_id: int, clerk: str, overrides: Sequence[ReviewOverride],
                     violations: Sequence[Mapping[str, Any]]) -> None:
    """Each override in the desk's audit chain, in the settlement's transaction."""
    lines = {v["rule_id"]: list(v.get("feedetl_sn") or []) for v in violations}
    amounts = {v["rule_id"]: str(v.get("amount", "")) for v in violations}
    for override in overrides:
        audit.append_in_transaction(conn, "review_override", override.operator, f"settlement:{local_id}", {
            "local_id": local_id, "rule_id": override.rule_id, "feedetl_sn": lines.get(override.rule_id, []),
            "amount": amounts.get(override.rule_id, ""), "reason": override.reason, "supervisor": override.operator,
            "clerk": clerk})


def overrides_json(overrides: Sequence[ReviewOverride],
                   violations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The overrides as stored with the result and uploaded: rule, lines, supervisor, reason."""
    lines = {v["rule_id"]: list(v.get("feedetl_sn") or []) for v in violations}
    return [{"rule_id": o.rule_id, "feedetl_sn": lines.get(o.rule_id, []), "operator": o.operator,
             "reason": o.reason} for o in overrides]
