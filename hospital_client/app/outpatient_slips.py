"""What the outpatient 结算单 shows beyond the inpatient slip's fields (app.slips): the visit's
type (普通门诊 11, 门诊慢特病 14), the 门诊慢特病 disease with its name from the pack the visit was
settled with, the HIS's 门诊号 and the department. ``ui.outpatient_slip`` renders it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..store import LocalDatabase, caches

__all__ = ["OUTPATIENT_TYPES", "outpatient_slip_fields"]

OUTPATIENT_TYPES = {"11": "普通门诊", "14": "门诊慢特病"}


def _disease_name(db: LocalDatabase, result: Mapping[str, Any], med_type: str, code: str) -> str:
    """The disease's name on the outpatient section of the pack the visit was settled with."""
    policy = result.get("policy")
    pack_id = str(policy.get("id") or "") if isinstance(policy, Mapping) else ""
    sha = str(policy.get("sha256") or "") if isinstance(policy, Mapping) else ""
    for pack in caches.load_packs(db):
        if pack.id != pack_id or (sha and pack.sha256 != sha):
            continue
        section = pack.model.outpatient_for(med_type)
        disease = section.diseases.get(code) if section is not None else None
        if disease is not None:
            return disease.name
    return ""


def outpatient_slip_fields(db: LocalDatabase, med_type: str, request: Mapping[str, Any],
                           result: Mapping[str, Any]) -> dict[str, str]:
    """The outpatient fields of a slip; empty for an inpatient settlement."""
    if med_type not in OUTPATIENT_TYPES:
        return {}
    encounter = request.get("encounter")
    encounter = encounter if isinstance(encounter, Mapping) else {}
    code = str(encounter.get("dise_codg") or "")
    name = _disease_name(db, result, med_type, code) if code else ""
    return {"med_type": med_type, "med_type_name": OUTPATIENT_TYPES[med_type], "dise_codg": code,
            "dise_name": name, "ipt_otp_no": str(encounter.get("ipt_otp_no") or ""),
            "dept_name": str(encounter.get("dept_name") or "")}
