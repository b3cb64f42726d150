"""The state of a site's clearing applications (清算申请状态查询), and their approval.

    3205A  清算申请状态查询   status_query   the site's applications of a range of months, each with
                                            ``clr_stas``: applied, withdrawn (3204) or approved

The fund administrator approves an application after checking it (`hospital-client central
clearing approve CLR_APPY_EVT_ID --db ...`, ``approve``); an approved application can no longer
be withdrawn (3204 refuses it, clearing.py). 3205A is a provincial transaction (the national spec
has 3203/3204 only); its input and output fields here follow the provinces' (``clr_ym``,
``clr_stas``, ``opt_time``), with the months as a range.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..protocol import CST, BadInput, format_time
from .clearing import view
from .context import Central, Context
from .fields import input_data, text_field
from .store import CentralStore, ClearingApproval, ClearingRecord, StoreError

__all__ = ["CLR_STAS", "approve", "clearing_state", "status_query"]

CLR_STAS = ("applied", "withdrawn", "approved")
_YM = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")
MAX_MONTHS = 36


def clearing_state(store: CentralStore, record: ClearingRecord) -> dict[str, Any]:
    """An application as 3203 answers it, with its state, when it last changed and by whom."""
    approval = store.clearing_approval(record.clr_appy_evt_id)
    if record.withdrawn_at:
        stas, at, who = "withdrawn", record.withdrawn_at, ""
    elif approval is not None:
        stas, at, who = "approved", approval.at, approval.opter_name
    else:
        stas, at, who = "applied", record.applied_at, ""
    return {**view(record), "clr_ym": record.setlym, "clr_stas": stas, "stas": stas, "opt_time": at,
            "opter_name": who, "approved_at": approval.at if approval is not None else ""}


def _months_back(ym: str, months: int) -> str:
    year, month = int(ym[:4]), int(ym[4:])
    index = year * 12 + month - 1 - months
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def status_query(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_, required=False)
    this_month = ctx.now.astimezone(CST).strftime("%Y%m")
    end = text_field(data, "end_ym", max_len=6) or text_field(data, "clr_ym", max_len=6) or this_month
    begin = text_field(data, "begn_ym", max_len=6) or text_field(data, "clr_ym", max_len=6) or _months_back(end, 11)
    for key, value in (("begn_ym", begin), ("end_ym", end)):
        if not _YM.fullmatch(value):
            raise BadInput(f"{key} 应为清算年月 YYYYMM")
    if begin > end:
        raise BadInput("begn_ym 不能晚于 end_ym")
    if begin < _months_back(end, MAX_MONTHS - 1):
        raise BadInput(f"一次最多查询 {MAX_MONTHS} 个月")
    wanted = text_field(data, "clr_stas", max_len=10)
    if wanted and wanted not in CLR_STAS:
        raise BadInput(f"clr_stas 应为 {'、'.join(CLR_STAS)} 之一")
    rows = [clearing_state(central.store, r) for r in central.store.clearings_between(ctx.site, begin, end)]
    if wanted:
        rows = [r for r in rows if r["clr_stas"] == wanted]
    return {"begn_ym": begin, "end_ym": end, "data": rows}


def approve(store: CentralStore, clr_appy_evt_id: str, opter_name: str, *, at: dt.datetime | None = None
            ) -> dict[str, Any]:
    """Approve a standing application (the fund administrator's step); StoreError when it is not
    one: unknown, withdrawn or already approved."""
    record = store.get_clearing(clr_appy_evt_id)
    if record is None:
        raise StoreError(f"no clearing application {clr_appy_evt_id}")
    if record.withdrawn_at:
        raise StoreError(f"clearing application {clr_appy_evt_id} was withdrawn at {record.withdrawn_at}")
    if store.clearing_approval(clr_appy_evt_id) is not None:
        raise StoreError(f"clearing application {clr_appy_evt_id} is already approved")
    stamp = format_time((at or dt.datetime.now(CST)).astimezone(CST))
    with store.transaction():
        store.approve_clearing(ClearingApproval(clr_appy_evt_id, stamp, opter_name))
    return clearing_state(store, record)
