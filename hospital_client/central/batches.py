"""Offline batches: a site's settlements and reversals uploaded together, and their results.

    9511  离线结算批量上传（扩展）   batch_upload           adjudicate each item now (ack "adjudicated"),
                                                            or store the batch and answer (ack "stored")
    9512  离线结算审核结果（扩展）   adjudication_results   results by local_id, or every settlement after a cursor

A stored batch is adjudicated later by the queue's workers (queue_work.py), each person's items
in arrival order; an item they refuse is recorded as a rejection that 9512 reports.
"""

from __future__ import annotations

import logging
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, BusinessError, NotFound
from . import queue_intake, resettled
from .context import Central, Context
from .fields import full_detail, input_data, int_field
from .settlement import reversal_view, reverse_item, settle_item, settlement_view_with
from .store import LocalKey, ReversalRecord, SettlementRecord

log = logging.getLogger("hospital_client.central")

MAX_BATCH_ITEMS = 1000
ACK_STORED = "stored"


def queued_mode(env: p.RequestEnvelope) -> bool:
    """A 9511 that asks for ack "stored" (queue the batch, adjudicate it later)."""
    return env.infno == p.BATCH_UPLOAD and isinstance(env.input, dict) and env.input.get("ack") == ACK_STORED


def _adjudicate_item(central: Central, ctx: Context, item: dict[str, Any], where: str, kind: Any,
                     full: bool) -> bytes:
    if kind == "settlement":
        return settle_item(central, ctx, item, where, full=full)
    if kind == "reversal":
        return reverse_item(central, ctx, item, where)
    raise BadInput(f"{where}kind 应为 settlement 或 reversal")


def batch_upload(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any] | bytes:
    items = input_.get("data")
    if not isinstance(items, list) or not items:
        raise BadInput("input.data 应为非空的结算/撤销列表")
    if len(items) > MAX_BATCH_ITEMS:
        raise BadInput(f"一批最多 {MAX_BATCH_ITEMS} 笔，本批 {len(items)} 笔")
    full = full_detail(input_)
    ack = input_.get("ack", "adjudicated")
    if ack not in ("adjudicated", ACK_STORED):
        raise BadInput("ack 应为 adjudicated 或 stored")
    if ack == ACK_STORED:
        return _queue_batch(central, ctx, input_, items, full)
    results: list[bytes] = []
    for i, item in enumerate(items):
        where = f"data[{i}]."
        local_id = item.get("local_id") if isinstance(item, dict) else None
        kind = item.get("kind", "settlement") if isinstance(item, dict) else None
        try:
            with central.store.transaction():  # one savepoint per item
                if not isinstance(item, dict):
                    raise BadInput(f"data[{i}] 应为对象")
                results.append(_adjudicate_item(central, ctx, item, where, kind, full))
        except BusinessError as exc:
            results.append(p.dumps({"local_id": None if local_id is None else str(local_id), "kind": kind,
                                    "status": "rejected", "infcode": exc.infcode, "err_msg": exc.err_msg,
                                    **exc.output()}))
    return b'{"results":[' + b",".join(results) + b"]}"


def _queue_batch(central: Central, ctx: Context, input_: dict[str, Any], items: list[Any],
                 full: bool) -> dict[str, Any]:
    """9511 with ack "stored": check each item's shape and site, store the batch durably (each
    item's bytes as sent, queue_intake.py), answer.

    The items are adjudicated later by the queue worker, in arrival order; their results
    (or refusals) are fetched with 9512. A settlement or reversal message arriving after
    this batch is adjudicated after it.
    """
    entries = queue_intake.checked_entries(central, ctx.site, items, queue_intake.item_bytes(ctx.env, input_, items))
    seq = central.store.queue_batch(ctx.site, ctx.env.msgid, ctx.received, full, entries)
    return {"ack": ACK_STORED, "batch_seq": seq, "queued": len(entries)}


def adjudication_results(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    store = central.store
    data = input_data(input_, required=False)
    full = full_detail(data)
    local_ids = data.get("local_ids")
    if local_ids is not None:
        if not isinstance(local_ids, list) or len(local_ids) > MAX_BATCH_ITEMS:
            raise BadInput(f"local_ids 应为最多 {MAX_BATCH_ITEMS} 个本地编号的列表")
        return _results_by_local_id(central, ctx, [str(raw) for raw in local_ids], full)
    cursor = int_field(data, "cursor", 0, low=0, high=2**62)
    limit = int_field(data, "limit", 200, low=1, high=MAX_BATCH_ITEMS)
    records = store.settlements(site=ctx.site, after_seq=cursor, limit=limit + 1)
    floor = store.pending_floor(ctx.site)
    if floor is not None:  # a settlement still queued comes before these: the pages stop there for now
        records = [r for r in records if r.seq < floor]
    more = len(records) > limit
    records = records[:limit]
    reversals = store.reversals_of([r.setl_id for r in records]) if records else {}
    views = b",".join(settlement_view_with(r, reversals.get(r.setl_id), repeat=True, full=full) for r in records)
    tail = p.dumps({"next_cursor": records[-1].seq if records else cursor, "more": more})
    return b'{"results":[' + views + b"]," + tail[1:]


def _results_by_local_id(central: Central, ctx: Context, local_ids: list[str], full: bool) -> bytes:
    """9512 by local_id: what became of each, in the order asked, with a few queries for the whole
    list (not a few per id)."""
    store = central.store
    if not local_ids:
        return b'{"results":[]}'
    # queued first: a worker on another connection may finish an item between the two reads, and
    # read the other way round a finished item would be answered "unknown"; an id not queued at
    # this read is finished (or never queued), so its key or refusal is there for the reads below
    queued = store.queued_local_ids(ctx.site, local_ids)
    rest = [local_id for local_id in local_ids if local_id not in queued]
    keys = store.local_keys(ctx.site, rest) if rest else {}
    unbound = [local_id for local_id in rest if local_id not in keys]
    refusals = store.last_rejections(ctx.site, unbound) if unbound else {}
    setl_ids = [key.ref for key in keys.values() if key.kind == "settlement"]
    settlements = store.settlements_by_id(setl_ids) if setl_ids else {}
    reversed_by = store.reversals_of(list(settlements)) if settlements else {}
    rev_ids = [key.ref for key in keys.values() if key.kind == "reversal"]
    reversals = store.reversals_by_id(rev_ids) if rev_ids else {}
    # a reversal undone by a 2601 of its own message (the settlement in force again): one query for
    # the list, then the chain (resettled.py) for the rare ones found
    reinstating = store.local_keys(ctx.site, [resettled.CORRECTION_PREFIX + r.msgid for r in reversals.values()]) \
        if reversals else {}
    results: list[bytes] = []
    for local_id in local_ids:
        if local_id in queued:
            results.append(p.dumps({"local_id": local_id, "status": "queued"}))
            continue
        key = keys.get(local_id)
        if key is None and (refused := refusals.get(local_id)) is not None:
            results.append(p.dumps({"local_id": local_id, "kind": refused.kind, "status": "rejected",
                                    "infcode": refused.infcode, "err_msg": refused.err_msg,
                                    **p.loads(refused.output_json)}))
        elif key is None:
            results.append(p.dumps({"local_id": local_id, "status": "unknown"}))
        elif key.kind == "settlement" and (record := settlements.get(key.ref)) is not None:
            by = reversed_by.get(record.setl_id)
            if by is not None and by.local_id == resettled.CORRECTION_PREFIX + record.msgid:
                results.append(_resettled_settlement(central, ctx.site, local_id, key, record, by, full))
            else:
                results.append(settlement_view_with(record, by, repeat=True, full=full))
        elif key.kind == "reversal" and (reversal := reversals.get(key.ref)) is not None:
            undone = reinstating.get(resettled.CORRECTION_PREFIX + reversal.msgid)
            results.append(reversal_view(reversal, repeat=True) if undone is None or undone.kind != "settlement"
                           else _reinstated_reversal(central, ctx.site, local_id, key, reversal))
        else:  # pragma: no cover - local keys are written with their records
            raise NotFound(f"本地编号 {local_id} 的记录缺失")
    return b'{"results":[' + b",".join(results) + b"]}"


def _resettled_settlement(central: Central, site: str, local_id: str, key: LocalKey, record: SettlementRecord,
                          undone: ReversalRecord, full: bool) -> bytes:
    """9512 for a local id whose settlement a 2601 冲正 of its own message undid: the settlement in
    force under ``LOCAL_ID/2`` … as asked, when the entry was settled again (as a resend or 5203 by
    local id answer); else the undone settlement (its ``reversed`` names the 2601, never final)."""
    name, again = resettled.bound(central, site, local_id, key)
    if again is not None and again.kind == "settlement" and name != local_id:
        found = central.store.get_settlement(again.ref)
        if found is not None:
            view = settlement_view_with(found, central.store.get_reversal_of(found.setl_id), repeat=True, full=full)
            return resettled.as_asked(view, local_id, name)
    return settlement_view_with(record, undone, repeat=True, full=full)


def _reinstated_reversal(central: Central, site: str, local_id: str, key: LocalKey,
                         reversal: ReversalRecord) -> bytes:
    """9512 for a local id whose reversal a 2601 冲正 of its own message undid (the settlement in
    force again): the reversal sent again under ``LOCAL_ID/2`` … as asked, when there is one (as a
    resend or 5203 by local id answer); else this reversal marked ``reinstated`` with the settlement
    in force again (as 5203 by msgid marks it), never to be taken as final."""
    name, again = resettled.bound(central, site, local_id, key)
    if again is not None and again.kind == "reversal" and name != local_id:
        found = central.store.get_reversal(again.ref)
        if found is not None:
            return resettled.as_asked(reversal_view(found, repeat=True), local_id, name)
    view = reversal_view(reversal, repeat=True)
    settlement = resettled.reinstatement_of(central, site, reversal)
    if settlement is None:  # pragma: no cover - the key was read above
        return view
    return view[:-1] + b',"reinstated":' + p.dumps({"setl_id": settlement.setl_id,
                                                     "local_id": settlement.local_id}) + b"}"
