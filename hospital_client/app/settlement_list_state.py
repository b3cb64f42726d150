"""A settlement list's status set by the 病案 office (4102): confirmed (the list is final for the
month's fund claim) or withdrawn (it no longer counts; a corrected list is uploaded again).

The settlement is named by its journal entry; its central ``setl_id`` is the one the central
system confirmed (a list exists only for a final settlement). Online only: the status lives at the
central system. Every change is audited (``settlement_list``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ..protocol import codes
from ..store import LocalDatabase, audit, reconcile
from ..sync.client import CentralClient
from ..sync.errors import CentralRefused
from .settlement_list import SettlementListNotPossible, SettlementListRefused

__all__ = ["STAS_TYPES", "change_status", "upload_infno"]

log = logging.getLogger(__name__)

# 4102 stas_type by what the clerk asks for
STAS_TYPES = {"confirm": "1", "withdraw": "2"}


def upload_infno(site_choice: str) -> str:
    """The upload the site's province takes (site.toml ``settlement_list_upload``): 4101 by default."""
    return codes.SETTLEMENT_LIST_UPLOAD_V2 if site_choice == codes.SETTLEMENT_LIST_UPLOAD_V2 \
        else codes.SETTLEMENT_LIST_UPLOAD


def change_status(db: LocalDatabase, client: CentralClient, local_id: int, action: str, *,
                  operator: str) -> dict[str, Any]:
    """Confirm or withdraw (``action``) the uploaded list of journal entry ``local_id`` (4102)."""
    if action not in STAS_TYPES:
        raise ValueError(f"{action!r}: confirm or withdraw")
    remote = reconcile.remote_result(db, local_id)
    setl_id = str(remote.get("central_id") or "") if remote else ""
    if not setl_id:
        raise SettlementListNotPossible(f"entry {local_id} has no settlement confirmed by the central system")
    try:
        out = client.call(codes.SETTLEMENT_LIST_STATUS, {"data": {"setl_id": setl_id, "stas_type": STAS_TYPES[action]}})
    except CentralRefused as exc:
        raise SettlementListRefused(f"4102 for entry {local_id} ({setl_id}) refused ({exc.infcode}): "
                                          f"{exc.err_msg}", exc.err_msg) from None
    answer = dict(out.output) if isinstance(out.output, Mapping) else {}
    audit.append(db, "settlement_list", operator, f"settlement:{local_id}",
                 {"step": action, "setl_id": setl_id, "setl_list_id": answer.get("setl_list_id", ""),
                  "stas": answer.get("stas", "")})
    log.info("settlement list of entry %s: %s", local_id, answer.get("stas", ""))
    return {"local_id": local_id, **answer}
