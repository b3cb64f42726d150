"""The admission (2401 入院办理) of a stay HIS handed over, registered by the desk when it settles
the stay online: the desk never admits patients itself, but the central system needs an admission
for 2402 出院办理 and the rest of a real online chain, and a HIS that does not talk to the
central system leaves none there.

``ensure_admission`` sends 2401 with the hand-off's fields before the settlement is sent online
(what becomes of it, a lost reply included: sync.admissions). A settlement committed offline, or
by `hospital-client settle --his --commit`, gets its 2401 from the drain, just before the 9511
batch that carries it (sync.admissions.register_before_upload).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..store import LocalDatabase, his
from ..store.errors import NotFound
from ..sync.admissions import AdmissionCheck, admission_input, register
from ..sync.client import CentralClient

__all__ = ["AdmissionCheck", "admission_input", "ensure_admission", "his_stay_of", "register"]


def his_stay_of(db: LocalDatabase, request: Mapping[str, object]) -> his.HisStay | None:
    """The handed-over stay a settlement request is for (its encounter's mdtrt_id is the stay's
    key), or None for a stay typed at the window."""
    encounter = request.get("encounter")
    mdtrt_id = str(encounter.get("mdtrt_id") or "") if isinstance(encounter, Mapping) else ""
    if not mdtrt_id:
        return None
    try:
        stay = his.get_stay(db, mdtrt_id)
    except NotFound:
        return None
    return stay if stay.stay_key == mdtrt_id else None


def ensure_admission(db: LocalDatabase, client: CentralClient, request: Mapping[str, object], *,
                     deadline: float) -> AdmissionCheck | None:
    """Register the admission of the handed-over stay ``request`` settles, before its settlement
    is sent online; None for a stay not handed over by HIS."""
    stay = his_stay_of(db, request)
    if stay is None:
        return None
    encounter = request["encounter"]
    hosp_lv = int(encounter.get("hosp_lv") or 1) if isinstance(encounter, Mapping) else 1
    return register(client, admission_input(stay, hosp_lv=hosp_lv), deadline=deadline)
