"""A person's settlements in force as the earlier stays the review rules look at (分解住院,
冒名就医): only what those rules read — the stay's mdtrt_id, hospital, dates and diagnoses — taken
from the request's ``encounter`` object, which the stores select without the rest of the row
(``CentralStore.stays_in_force``). A person with many settlements is then not re-read and
re-parsed in full for every further settlement of theirs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.review import PriorStay

__all__ = ["StayInForce", "prior_stay", "stay_in_force", "stays_in_force"]


@dataclass(frozen=True, slots=True)
class StayInForce:
    """A settlement in force (setl_id) as an earlier stay of its person."""

    setl_id: str
    stay: PriorStay


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def prior_stay(mdtrt_id: str, site: str, encounter: Any) -> PriorStay | None:
    """A stored settlement's request ``encounter`` as an earlier stay (hospital, dates, diagnoses),
    or None without an encounter object or without both dates."""
    if not isinstance(encounter, dict):
        return None
    begin, end = _date(encounter.get("begntime")), _date(encounter.get("endtime"))
    if begin is None or end is None:
        return None
    diagnoses = tuple(d for d in encounter.get("diagnoses") or () if isinstance(d, str))
    return PriorStay(mdtrt_id, str(encounter.get("fixmedins_code") or site), begin, end, diagnoses)


def stay_in_force(setl_id: str, mdtrt_id: str, site: str, encounter: Any) -> StayInForce | None:
    """The settlement ``setl_id`` as an earlier stay, or None (see ``prior_stay``)."""
    stay = prior_stay(mdtrt_id, site, encounter)
    return None if stay is None else StayInForce(setl_id, stay)


def stays_in_force(rows: Iterable[Sequence[Any]]) -> list[StayInForce]:
    """Rows (setl_id, mdtrt_id, site, encounter as JSON text or NULL when the request has no
    encounter object), in the stores' order, as stays; those without dates left out."""
    out: list[StayInForce] = []
    for setl_id, mdtrt_id, site, encounter_json in rows:
        encounter = json.loads(encounter_json) if encounter_json is not None else None
        made = stay_in_force(str(setl_id), str(mdtrt_id), str(site), encounter)
        if made is not None:
            out.append(made)
    return out
