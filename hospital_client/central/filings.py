"""门诊慢特病 filings (备案): a person may settle a 门诊慢特病 (med_type 14) visit only for a disease
filed for them (2503) and not revoked (2504), on the visit's days.

The check is made for every settlement of med_type 14 whatever its way in (2207, 2304, an item
of 9511), so that a desk that settled offline is held to the same rule when its entry arrives.
The handlers of 2503, 2504 and 5301 are in outpatient.py.
"""

from __future__ import annotations

from typing import Any

from ..protocol import BadInput
from .context import Central

CHRONIC = "14"


def active_filing(central: Central, psn_no: str, dise_codg: str, first: str, last: str) -> dict[str, Any] | None:
    """The person's filing in force for the disease on the days ``first``..``last`` (yyyy-MM-dd), or None."""
    for filing in central.store.filings_of(psn_no):
        if filing.get("state") != "active" or filing.get("opsp_dise_code") != dise_codg:
            continue
        end = str(filing.get("enddate") or "")
        if str(filing.get("begndate") or "") <= first and (not end or last <= end):
            return filing
    return None


def check_request(central: Central, request: dict[str, Any], where: str) -> None:
    """Refuse a 门诊慢特病 settlement request whose person has no filing in force for its disease."""
    encounter = request.get("encounter")
    if not isinstance(encounter, dict) or str(encounter.get("med_type") or "") != CHRONIC:
        return
    person = request.get("person")
    psn_no = str(person.get("psn_no") or "") if isinstance(person, dict) else ""
    dise_codg = str(encounter.get("dise_codg") or "")
    first = str(encounter.get("begntime") or "")[:10]
    last = str(encounter.get("endtime") or "")[:10] or first
    if not dise_codg:
        raise BadInput(f"{where}encounter.dise_codg 缺失：门诊慢特病（14）须给出备案的病种编码")
    if active_filing(central, psn_no, dise_codg, first, last) is None:
        raise BadInput(f"{where}参保人员 {psn_no} 在 {first} 至 {last} 没有病种 {dise_codg} 的门诊慢特病备案（2503），"
                       "不能按门诊慢特病结算")
