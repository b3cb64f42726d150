"""Whether a message took effect, and undoing it when its reply was lost.

    2601  冲正交易            correction       undo the effect of a site's earlier message (``omsgid``,
                                               ``oinfno`` 2304, 2305, 2401, 2207 or 2208) if it had one; from then
                                               on that msgid is never processed
    5203  结算信息查询        message_effect   (with ``msgid``) what became of a message: the settlement
                                               or reversal it made as it is now, the admission, or the
                                               refusal it got; with ``fence``, a message never received
                                               is voided there and then (answer ``kind`` ``none``)

A desk whose 2304 got no answer asks 5203 by the message's msgid, with ``fence``. Found: it
records the settlement. Not found: the msgid is *fenced* at once (a copy of the original arriving
late is refused, 2004, and never processed), so nothing can take effect between the query and
the desk's 2601, which then answers ``voided``. 2601 fences a msgid too, and undoes the original
if it did take effect (a desk that asked without ``fence``, or one that sends 2601 directly):

- 2304 (and the outpatient 2207): the settlement is reversed (a reversal keyed ``2601:`` +
  omsgid), accumulators moved back;
- 2305 (and 2208): the reversed settlement is put in force again (a settlement keyed ``2601:`` + omsgid with
  the original's figures), accumulators moved forward again; refused while the encounter has
  another settlement in force;
- 2401: the admission is cancelled (with its fee lines); refused while a settlement of the
  encounter is in force.

The answer says what was done (``result``): ``voided`` (never processed; now it never will be),
``no_effect`` (it was refused at the time), ``reversed`` / ``reinstated`` / ``cancelled`` (undone
now), ``already_undone`` (an earlier 2601 did it). Sending 2601 again, with any msgid, does nothing
more: idempotent. A desk sends the entry again after any of these but ``already_reversed``: a
local id whose record was undone by 2601 of its own message is settled (reversed) again under
``LOCAL_ID/2`` (resettled.py); 5203 shows such a reversal with ``reinstated``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, Conflict, NotFound, codes
from . import adjudication as adj
from . import resettled
from .context import Central, Context
from .fields import input_data, text_field
from .settlement import add_reversal_of, reversal_view, settlement_view
from .store import SettlementRecord, StoredMessage

__all__ = ["CORRECTABLE", "VOIDED", "correction", "message_effect"]

CORRECTABLE = frozenset({p.SETTLEMENT, p.REVERSAL, p.ADMISSION, codes.OUTPATIENT_SETTLEMENT,
                         codes.OUTPATIENT_REVERSAL})
# The outpatient 2207 / 2208 make the same records as 2304 / 2305 and are undone the same way.
SETTLING = frozenset({p.SETTLEMENT, codes.OUTPATIENT_SETTLEMENT})
REVERSING = frozenset({p.REVERSAL, codes.OUTPATIENT_REVERSAL})
# The fingerprint of a msgid fenced by 2601 before its message arrived (service.py refuses it).
VOIDED = "voided-by-2601"
KEY_PREFIX = "2601:"


def _key(omsgid: str) -> str:
    return KEY_PREFIX + omsgid


def _fingerprint(omsgid: str) -> str:
    return hashlib.sha256(p.canonical_json(["correction", omsgid])).hexdigest()


def _stored_output(stored: StoredMessage) -> dict[str, Any]:
    try:
        data = json.loads(stored.output_json)
    except ValueError:  # pragma: no cover - the service stores JSON
        return {}
    return data if isinstance(data, dict) else {}


def _void(central: Central, ctx: Context, msgid: str, infno: str, err_msg: str) -> None:
    """Fence a msgid never received: a tombstone under it (service.py refuses the message, 2004)."""
    central.store.put_message(StoredMessage(
        msgid=msgid, site=ctx.site, infno=infno, fingerprint=VOIDED, infcode=Conflict.infcode, inf_refmsgid="",
        refmsg_time=ctx.received, err_msg=err_msg, output_json="{}"))


# --- 5203 by msgid -------------------------------------------------------------------------------


def message_effect(central: Central, ctx: Context, msgid: str, *, fence: bool = False) -> bytes:
    """What became of this site's message ``msgid`` (5203 with ``msgid``), JSON-encoded. With
    ``fence`` a message never received is voided now (never processed later) and the answer says
    so (``kind`` ``none``) instead of refusing with NotFound."""
    stored = central.store.get_message(msgid)
    if stored is None and fence:
        try:
            p.check_msgid(msgid, ctx.site)
        except p.BadMsgid as exc:
            raise BadInput(f"msgid：{exc.err_msg}") from None
        _void(central, ctx, msgid, "", f"报文 {msgid} 未收到，已于 {ctx.received} 作废（{ctx.env.msgid}），不再办理")
        return p.dumps({"kind": "none", "msgid": msgid, "fenced": True, "detail": "未收到该报文；已作废，此后不再办理"})
    if stored is None or stored.site != ctx.site:
        raise NotFound(f"本机构没有 msgid 为 {msgid} 的已处理报文（未收到，或未办理）")
    if stored.fingerprint == VOIDED:
        if fence:
            return p.dumps({"kind": "none", "msgid": msgid, "fenced": True, "detail": "该报文此前已作废，不再办理"})
        raise NotFound(f"msgid 为 {msgid} 的报文已作废（冲正），未办理")
    if stored.infcode != p.INFCODE_OK:
        return p.dumps({"kind": "refused", "msgid": msgid, "infno": stored.infno, "infcode": stored.infcode,
                        "err_msg": stored.err_msg})
    output = _stored_output(stored)
    if stored.infno in SETTLING:
        record = central.store.get_settlement(str(output.get("setl_id") or ""))
        if record is not None:
            return settlement_view(central, record, repeat=True)
    elif stored.infno in REVERSING:
        reversal = central.store.get_reversal(str(output.get("rev_setl_id") or ""))
        if reversal is not None:
            view = reversal_view(reversal, repeat=True)
            again = resettled.reinstatement_of(central, ctx.site, reversal)  # undone by its own 冲正
            return view if again is None else view[:-1] + b',"reinstated":' + p.dumps(
                {"setl_id": again.setl_id, "local_id": again.local_id}) + b"}"
    elif stored.infno == p.ADMISSION:
        raw = output.get("result")
        result = raw if isinstance(raw, dict) else {}
        mdtrt_id = str(result.get("mdtrt_id") or "")
        admitted = central.store.get_admission(ctx.site, mdtrt_id) is not None
        return p.dumps({"kind": "admission", "msgid": msgid, "mdtrt_id": mdtrt_id,
                        "status": "in_force" if admitted else "cancelled", "result": result})
    return p.dumps({"kind": "message", "msgid": msgid, "infno": stored.infno, "infcode": stored.infcode})


# --- 2601 ----------------------------------------------------------------------------------------


def correction(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    omsgid = text_field(data, "omsgid", required=True, max_len=30)
    oinfno = text_field(data, "oinfno", required=True, max_len=4)
    if oinfno not in CORRECTABLE:
        raise BadInput(f"oinfno {oinfno} 不可冲正（可冲正：{'、'.join(sorted(CORRECTABLE))}）")
    try:
        p.check_msgid(omsgid, ctx.site)
    except p.BadMsgid as exc:
        raise BadInput(f"omsgid：{exc.err_msg}") from None
    if omsgid == ctx.env.msgid:
        raise BadInput("omsgid 不能是本冲正报文自己的 msgid")
    store = central.store
    answer: dict[str, Any] = {"omsgid": omsgid, "oinfno": oinfno}
    stored = store.get_message(omsgid)
    if stored is None:
        _void(central, ctx, omsgid, oinfno, f"报文 {omsgid} 已于 {ctx.received} 冲正（{ctx.env.msgid}），不再办理")
        return {**answer, "result": "voided", "detail": "原交易未收到，已作废，不再办理"}
    if stored.site != ctx.site:
        raise NotFound(f"本机构没有 msgid 为 {omsgid} 的报文")
    if stored.fingerprint == VOIDED:
        return {**answer, "result": "voided", "detail": "原交易此前已冲正作废"}
    same_family = {stored.infno, oinfno} <= SETTLING or {stored.infno, oinfno} <= REVERSING  # 2304 ~ 2207
    if stored.infno != oinfno and not same_family:
        raise BadInput(f"oinfno {oinfno} 与原报文的交易编号 {stored.infno} 不符")
    if stored.infcode != p.INFCODE_OK:
        return {**answer, "result": "no_effect", "detail": f"原交易当时被拒绝（{stored.infcode}），无需冲正"}
    output = _stored_output(stored)
    if oinfno in SETTLING:
        return {**answer, **_undo_settlement(central, ctx, omsgid, str(output.get("setl_id") or ""))}
    if oinfno in REVERSING:
        return {**answer, **_undo_reversal(central, ctx, omsgid, str(output.get("rev_setl_id") or ""))}
    raw = output.get("result")
    result = raw if isinstance(raw, dict) else {}
    return {**answer, **_undo_admission(central, ctx, str(result.get("mdtrt_id") or ""))}


def _undo_settlement(central: Central, ctx: Context, omsgid: str, setl_id: str) -> dict[str, Any]:
    store = central.store
    original = store.get_settlement(setl_id)
    if original is None or original.site != ctx.site:  # pragma: no cover - a stored answer names its record
        raise NotFound(f"结算 {setl_id} 不存在")
    settled = json.loads(settlement_view(central, original, repeat=True, full=False))
    done = store.get_reversal_of(setl_id)
    if done is not None:
        result = "already_undone" if done.local_id == _key(omsgid) else "already_reversed"
        return {"result": result, "settlement": settled, "reversal": json.loads(reversal_view(done, repeat=True))}
    record = add_reversal_of(central, ctx, original, _key(omsgid), _fingerprint(omsgid), ctx.received)
    return {"result": "reversed", "detail": "原结算已生效，现已冲正（撤销），累计已退回", "settlement": settled,
            "reversal": json.loads(reversal_view(record, repeat=False))}


def _undo_reversal(central: Central, ctx: Context, omsgid: str, rev_setl_id: str) -> dict[str, Any]:
    store = central.store
    reversal = store.get_reversal(rev_setl_id)
    original = None if reversal is None else store.get_settlement(reversal.setl_id)
    if reversal is None or original is None or reversal.site != ctx.site:  # pragma: no cover
        raise NotFound(f"撤销 {rev_setl_id} 不存在")
    undone = store.get_local_key(ctx.site, _key(omsgid))
    if undone is not None:
        again = store.get_settlement(undone.ref)
        return {"result": "already_undone",
                "settlement": None if again is None else json.loads(settlement_view(central, again, repeat=True,
                                                                                     full=False))}
    in_force = store.encounter_in_force(original.psn_no, original.mdtrt_id) if original.mdtrt_id else None
    if in_force is not None:
        raise Conflict(f"撤销 {rev_setl_id} 之后，就诊 {original.mdtrt_id} 已有在用结算 {in_force.setl_id}，"
                       "不能冲正该撤销")
    before = central.accumulators(original.psn_no, original.year)
    after = adj.moved_back(before, original.ytd_after, original.ytd_before)  # the settlement's share again
    number = store.next_value("setl_id")  # the seq too: settlement.py
    record = SettlementRecord(
        setl_id=f"C{ctx.now:%Y%m%d}{number:010d}", seq=number, site=ctx.site, local_id=_key(omsgid),
        msgid=ctx.env.msgid, psn_no=original.psn_no, mdtrt_id=original.mdtrt_id, year=original.year,
        setl_time=original.setl_time, adjudicated_at=ctx.received, fingerprint=_fingerprint(omsgid),
        pack_id=original.pack_id, pack_version=original.pack_version, pack_sha256=original.pack_sha256,
        status=original.status, request_json=original.request_json, person_json=original.person_json,
        provisional_json=original.provisional_json, final_json=original.final_json,
        summary_json=original.summary_json, ytd_before=before, ytd_after=after,
        adjustment_json=original.adjustment_json, amounts=dict(original.amounts),
    )
    store.put_accumulators(original.psn_no, original.year, after, ctx.received)
    store.add_settlement(record)
    return {"result": "reinstated", "detail": f"原撤销已生效，现已冲正：结算 {original.setl_id} 的内容以 "
                                              f"{record.setl_id} 重新生效",
            "settlement": json.loads(settlement_view(central, record, repeat=False, full=False, fresh=True))}


def _undo_admission(central: Central, ctx: Context, mdtrt_id: str) -> dict[str, Any]:
    store = central.store
    admitted = store.get_admission(ctx.site, mdtrt_id)
    if admitted is None:
        return {"result": "already_undone", "mdtrt_id": mdtrt_id}
    psn_no = str(admitted.get("psn_no") or "")
    in_force = store.encounter_in_force(psn_no, mdtrt_id)
    if in_force is not None:
        raise Conflict(f"就诊 {mdtrt_id} 已有在用结算 {in_force.setl_id}，须先撤销结算（2305）才能冲正入院")
    store.delete_admission(ctx.site, mdtrt_id)
    return {"result": "cancelled", "detail": "原入院办理已生效，现已冲正（入院及其费用明细已撤销）",
            "mdtrt_id": mdtrt_id}
