"""The settlement slip (结算单): what it shows for one settlement, and the audit record of every
print and reprint. ``ui.slip`` renders it."""

from __future__ import annotations

from typing import Any

from .. import store
from ..privacy import mask_id
from ..store import LocalDatabase, journal
from ..store.operators import Operator

__all__ = ["record_print", "slip_data"]


def slip_data(db: LocalDatabase, local_id: int, printed_by: str, *, reprint: bool, hospital_name: str,
              fixmedins_code: str) -> dict[str, Any]:
    """What the slip shows for one settlement (full name, masked ID), and an audit record of the print."""
    entry = journal.get_entry(db, local_id)
    request = entry.request or {}
    person, encounter = request.get("person", {}), request.get("encounter", {})
    store.audit.append(db, "print", printed_by, f"settlement:{local_id}", {"reprint": reprint})
    return {
        "hospital_name": hospital_name, "fixmedins_code": fixmedins_code,
        "psn_name": person.get("psn_name", ""), "certno_masked": mask_id(person.get("certno", "")),
        "psn_no": entry.psn_no, "insutype": entry.insutype, "mdtrt_id": entry.mdtrt_id,
        "begntime": encounter.get("begntime", ""), "endtime": encounter.get("endtime", ""),
        "hosp_lv": int(encounter.get("hosp_lv", 0) or 0), "local_id": entry.local_id,
        "queue_no": entry.queue_no, "state": entry.state, "operator": entry.operator,
        "assistance_group": person.get("assistance_group") or "",
        "result": entry.result or {}, "kind": entry.kind,
    }


def record_print(
    db: LocalDatabase, operator: Operator, local_id: int, *, copies: int = 1, reprint: bool = False
) -> None:
    """Record that a slip was printed (the audit log keeps every print and reprint)."""
    entry = journal.get_entry(db, local_id, full=False)
    store.audit.append(db, "print", operator.name, f"settlement:{local_id}",
                       {"queue_no": entry.queue_no, "copies": copies, "reprint": reprint, "state": entry.state})
