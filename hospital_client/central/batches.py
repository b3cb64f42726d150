"""Offline batches: a site's settlements and reversals uploaded together, and their results.

    9511  离线结算批量上传（扩展）   batch_upload           adjudicate each item now (ack "adjudicated"),
                                                            or store the batch and answer (ack "stored")
    9512  离线结算审核结果（扩展）   adjudication_results   results by local_id, or every settlement after a cursor

A stored batch is adjudicated later by ``BatchQueue`` (driven by the service's queue worker),
oldest first, in arrival order; an item it refuses is recorded as a rejection that 9512 reports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, BusinessError, NotFound, WrongSite
from .context import Central, Context
from .fields import full_detail, input_data, int_field, local_id_field
from .settlement import KIND_NAMES, reversal_view, reverse_item, settle_item, settlement_view
from .store import QueuedBatch

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
        return _queue_batch(central, ctx, items, full)
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


def _queue_batch(central: Central, ctx: Context, items: list[Any], full: bool) -> dict[str, Any]:
    """9511 with ack "stored": check each item's shape and site, store the batch durably, answer.

    The items are adjudicated later by the queue worker, in arrival order; their results
    (or refusals) are fetched with 9512. A settlement or reversal message arriving after
    this batch is adjudicated after it.
    """
    local_ids: list[str] = []
    for i, item in enumerate(items):
        where = f"data[{i}]."
        if not isinstance(item, dict):
            raise BadInput(f"data[{i}] 应为对象")
        if item.get("kind", "settlement") not in KIND_NAMES:
            raise BadInput(f"{where}kind 应为 settlement 或 reversal")
        local_ids.append(local_id_field(item, where))
        request = item.get("request")
        encounter = request.get("encounter") if isinstance(request, dict) else None
        claimed = encounter.get("fixmedins_code") if isinstance(encounter, dict) else None
        if claimed and claimed != ctx.site:
            raise WrongSite(f"{where}request.encounter.fixmedins_code={claimed} 不是本凭证所属机构 {ctx.site}")
    seq = central.store.queue_batch(ctx.site, ctx.env.msgid, ctx.received, full, ctx.env.input_bytes, local_ids)
    return {"ack": ACK_STORED, "batch_seq": seq, "queued": len(local_ids)}


def adjudication_results(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    store = central.store
    data = input_data(input_, required=False)
    full = full_detail(data)
    local_ids = data.get("local_ids")
    if local_ids is not None:
        if not isinstance(local_ids, list) or len(local_ids) > MAX_BATCH_ITEMS:
            raise BadInput(f"local_ids 应为最多 {MAX_BATCH_ITEMS} 个本地编号的列表")
        results: list[bytes] = []
        for raw in local_ids:
            local_id = str(raw)
            key = store.get_local_key(ctx.site, local_id)
            if key is None and store.is_queued(ctx.site, local_id):
                results.append(p.dumps({"local_id": local_id, "status": "queued"}))
            elif key is None and (refused := store.last_rejection(ctx.site, local_id)) is not None:
                results.append(p.dumps({"local_id": local_id, "kind": refused.kind, "status": "rejected",
                                        "infcode": refused.infcode, "err_msg": refused.err_msg,
                                        **p.loads(refused.output_json)}))
            elif key is None:
                results.append(p.dumps({"local_id": local_id, "status": "unknown"}))
            elif key.kind == "settlement" and (record := store.get_settlement(key.ref)) is not None:
                results.append(settlement_view(central, record, repeat=True, full=full))
            elif key.kind == "reversal" and (reversal := store.get_reversal(key.ref)) is not None:
                results.append(reversal_view(reversal, repeat=True))
            else:  # pragma: no cover - local keys are written with their records
                raise NotFound(f"本地编号 {local_id} 的记录缺失")
        return b'{"results":[' + b",".join(results) + b"]}"
    cursor = int_field(data, "cursor", 0, low=0, high=2**62)
    limit = int_field(data, "limit", 200, low=1, high=MAX_BATCH_ITEMS)
    records = store.settlements(site=ctx.site, after_seq=cursor, limit=limit + 1)
    more = len(records) > limit
    records = records[:limit]
    views = b",".join(settlement_view(central, r, repeat=True, full=full) for r in records)
    tail = p.dumps({"next_cursor": records[-1].seq if records else cursor, "more": more})
    return b'{"results":[' + views + b"]," + tail[1:]


class BatchQueue:
    """Adjudicates stored batches, oldest first, item by item, each item in its own savepoint.

    The caller holds the service's lock. The batch being worked through is parsed once and kept.
    """

    def __init__(self, central: Central) -> None:
        self.central = central
        self._parsed_batch: tuple[int, list[Any]] | None = None

    def _batch_items(self, batch: QueuedBatch) -> list[Any]:
        if self._parsed_batch is not None and self._parsed_batch[0] == batch.seq:
            return self._parsed_batch[1]
        items = p.loads(self.central.store.queued_batch_input(batch.seq)).get("data") or []
        self._parsed_batch = (batch.seq, items)
        return list(items)

    def adjudicate(self, max_items: int, deadline: float | None, waiting: Callable[[], bool]) -> int:
        """Adjudicate up to ``max_items`` of the oldest batch, stopping early (after one item) once
        ``deadline`` (monotonic) has passed or a message is ``waiting``; returns how many were done
        (at least 1 when the batch was finished, 0 when nothing is queued)."""
        store = self.central.store
        batch = store.next_queued_batch()
        if batch is None:
            self._parsed_batch = None
            return 0
        items = self._batch_items(batch)
        now = self.central.now()
        received = p.format_time(now)
        env = p.RequestEnvelope(infno=p.BATCH_UPLOAD, msgid=batch.msgid, fixmedins_code=batch.site, input={})
        ctx = Context(site=batch.site, env=env, now=now, received=received)
        last = min(len(items), batch.done_items + max_items)
        end = batch.done_items
        with store.transaction():
            for i in range(batch.done_items, last):
                if i > batch.done_items and deadline is not None and (waiting() or time.monotonic() > deadline):
                    break
                end = i + 1
                item = items[i]
                where = f"data[{i}]."
                kind = str(item.get("kind", "settlement"))
                try:
                    with store.transaction():  # one savepoint per item
                        _adjudicate_item(self.central, ctx, item, where, kind, batch.full)
                except (BusinessError, WrongSite) as exc:
                    output = exc.output() if isinstance(exc, BusinessError) else {}
                    store.add_rejection(batch.site, str(item.get("local_id")), kind, batch.msgid, exc.infcode,
                                        exc.err_msg, received, p.dumps(output).decode("utf-8"))
                except Exception:  # a defect must not wedge the queue: the item is refused, the rest go on
                    log.exception("internal error while adjudicating a queued item")
                    store.add_rejection(batch.site, str(item.get("local_id")), kind, batch.msgid,
                                        p.ServerError.infcode, "中心系统内部错误；请重新上传此笔", received)
            store.advance_batch(batch.seq, end, received if end >= len(items) else None)
        if end >= len(items):
            self._parsed_batch = None
        return max(end - batch.done_items, 1 if end >= len(items) else 0)
