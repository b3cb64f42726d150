"""A settlement request (DESIGN.md 4.1) built from what the clerk enters about the stay, the
roster record of the person and the imported fee lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..store.caches import RosterPerson

__all__ = ["EncounterInput", "build_request"]


@dataclass(frozen=True, slots=True)
class EncounterInput:
    """What the clerk enters about the stay; the rest of the request comes from the roster."""

    mdtrt_id: str
    hosp_lv: int
    begntime: dt.date
    endtime: dt.date
    diagnoses: tuple[str, ...] = ()
    referral_from_lv: int | None = None
    referral_dedc_paid: str = "0.00"
    out_of_area_registered: bool = False
    mid_stay: bool = False   # 中途结算: a period of a stay that goes on (encounter.mid_setl_flag)


def build_request(person: RosterPerson, encounter: EncounterInput, fees: Sequence[Mapping[str, Any]], *,
                  fixmedins_code: str, region: str) -> dict[str, Any]:
    """The request for an inpatient stay (med_type 21) at this site; out of area when the person
    is insured elsewhere than the site's region."""
    referral = None
    if encounter.referral_from_lv is not None:
        referral = {"from_hosp_lv": encounter.referral_from_lv, "dedc_paid": encounter.referral_dedc_paid}
    out_of_area = person.insuplc_admdvs != region
    return {
        "person": {
            "psn_no": person.psn_no, "psn_name": person.psn_name, "certno": person.certno,
            "insutype": person.insutype, "psn_type": person.psn_type,
            "insuplc_admdvs": person.insuplc_admdvs, "assistance_group": person.assistance_group,
            "residence": person.residence,
        },
        "encounter": {
            "mdtrt_id": encounter.mdtrt_id, "med_type": "21", "fixmedins_code": fixmedins_code,
            "hosp_lv": encounter.hosp_lv, "mdtrtarea_admvs": region,
            "begntime": encounter.begntime.isoformat(), "endtime": encounter.endtime.isoformat(),
            "diagnoses": list(encounter.diagnoses), "referral": referral,
            "out_of_area": out_of_area, "out_of_area_registered": out_of_area and encounter.out_of_area_registered,
            **({"mid_setl_flag": True} if encounter.mid_stay else {}),
        },
        "fees": [dict(f) for f in fees],
    }
