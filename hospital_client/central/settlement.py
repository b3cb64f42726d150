"""Settling and reversing, one settlement at a time, with the central system's own inputs.

    2303  住院预结算         pre_settlement     the result with the central inputs; nothing stored
    2304  住院结算           settlement         adjudicate one settlement (settle_item)
    2305  住院结算撤销       reversal           reverse one settlement (reverse_item)
    5203  结算信息查询       settlement_query   a settlement or reversal by setl_id or local_id, or what
                                                became of a message by its msgid (correction.py)

``settle_item`` and ``reverse_item`` also serve each item of an offline batch (batches.py).
A site's ``local_id`` is bound once to what it named: sending the same item again answers the
stored record (``repeat``), different content under the same local_id is a conflict (once a 2601
冲正 of its own message undid what it named, it is settled again: resettled.py). An
encounter (the person's psn_no and the mdtrt_id) has at most one settlement in force, whatever
the site, local_id or batch: another one is refused with ``EncounterAlreadySettled`` (3003),
naming the one in force, until a reversal frees the encounter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, Conflict, EncounterAlreadySettled, NotFound, WrongSite
from ..protocol.wire_json import dumps_text
from ..rules import (
    SETLINFO_KEYS,
    RequestError,
    RulesError,
    SettlementRequest,
    SettlementResult,
    parse_request,
    settle,
)
from ..rules.money import fmt
from ..rules.review import ReviewOverride
from . import adjudication as adj
from . import filings, resettled, smart_review, stay_periods
from .context import Central, Context
from .fields import check_time, input_data, local_id_field, text_field
from .store import Accumulators, InForce, PersonRecord, ReversalRecord, SettlementRecord

KIND_NAMES = {"settlement": "结算", "reversal": "撤销"}
# The 9511 summary: the figures, and what the audit (智能审核) found (docs/protocol.md).
SUMMARY_KEYS = ("policy", "review", "setlinfo", "setldetail", "year_to_date_after", "warnings", "violations")
# The likely cause when a desk's number is taken by different content: two desks set up with one
# site code and desk number (each numbers its settlements from 1). docs/operations.md, "Setting up a desk".
_SHARED_SITE_HINT = "（若两台结算终端使用同一站点编码和同一终端号，会出现此情况：每台终端需各自的终端号 desk）"


# --- the handlers ------------------------------------------------------------------------------


def pre_settlement(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    raw, _prior = stay_periods.continuing(central, data.get("request"), "")
    _request, _person, before, result, year = compute(central, ctx, raw, "request")
    return {"result": result.to_dict(), "year": year, "year_to_date_before": adj.accumulators_json(before)}


def settlement(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    return settle_item(central, ctx, input_data(input_), "")


def reversal(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    return reverse_item(central, ctx, input_data(input_), "")


def settlement_query(central: Central, ctx: Context, input_: dict[str, Any]) -> bytes:
    data = input_data(input_)
    setl_id = text_field(data, "setl_id")
    local_id = text_field(data, "local_id")
    msgid = text_field(data, "msgid", max_len=30)
    if msgid and not setl_id and not local_id:
        from .correction import message_effect  # the query by msgid: what became of a message (2601's too)
        return message_effect(central, ctx, msgid, fence=data.get("fence") is True)
    if local_id and not setl_id:
        name, key = resettled.bound(central, ctx.site, local_id)  # after a 冲正 and settling again: that one
        if key is None:
            raise NotFound(f"本机构没有 local_id 为 {local_id} 的结算或撤销")
        setl_id = key.ref
        record = central.store.get_settlement(setl_id) if key.kind == "settlement" else None
        if record is not None and record.site == ctx.site:
            return resettled.as_asked(settlement_view(central, record, repeat=False), local_id, name)
        found = central.store.get_reversal(setl_id) if key.kind == "reversal" else None
        if found is not None and found.site == ctx.site:
            return resettled.as_asked(reversal_view(found, repeat=False), local_id, name)
    if not setl_id:
        raise BadInput("请给出 setl_id、local_id 或 msgid")
    record = central.store.get_settlement(setl_id)
    if record is not None and record.site == ctx.site:
        return settlement_view(central, record, repeat=False)
    found = central.store.get_reversal(setl_id)
    if found is not None and found.site == ctx.site:
        return reversal_view(found, repeat=False)
    raise NotFound(f"本机构没有结算 {setl_id}")


# --- computing a settlement --------------------------------------------------------------------


def compute(central: Central, ctx: Context, raw: Any, where: str,
            overrides: Sequence[ReviewOverride] = ()) -> tuple[dict[str, Any], PersonRecord, Accumulators,
                                                               SettlementResult, int]:
    """Settle a client's request with the central person entry and accumulators (no writes); the
    bill audited (智能审核) with the person's settlements in force at every site and the roster's
    sex and birth date, a 拦截 let through when the desk's ``overrides`` name its rule."""
    if not isinstance(raw, dict):
        raise BadInput(f"{where} 应为结算请求对象（DESIGN 4.1）")
    raw_person = raw.get("person")
    psn_no = raw_person.get("psn_no") if isinstance(raw_person, dict) else None
    if not isinstance(psn_no, str) or not psn_no:
        raise BadInput(f"{where}.person.psn_no 缺失")
    encounter = raw.get("encounter")
    endtime: dt.date | None = None
    if isinstance(encounter, dict):
        claimed = encounter.get("fixmedins_code")
        if claimed and claimed != ctx.site:
            raise WrongSite(f"{where}.encounter.fixmedins_code={claimed} 不是本凭证所属机构 {ctx.site}")
        text = encounter.get("endtime")
        try:
            endtime = dt.date.fromisoformat(text[:10]) if isinstance(text, str) else None
        except ValueError:
            endtime = None
    person = central.person(psn_no)
    if endtime is None:
        _parse(raw, where)  # names the field that is wrong
        raise BadInput(f"{where}.encounter.endtime 应为 yyyy-MM-dd 日期")
    before = central.accumulators(psn_no, endtime.year)
    request = adj.central_request(raw, person, before)
    parsed = _parse(request, where)
    pack = central.pack_for(person, parsed.encounter.endtime)
    try:
        enc = parsed.encounter
        review = central.review_for(person)
        # the earlier stays only matter to a review library (none: not read at all)
        stays = () if review is None else \
            smart_review.prior_stays(central.store, person.psn_no, enc.mdtrt_id, enc.endtime.year)
        result = settle(parsed, pack, central.loaded_catalog(), review=review, stays=stays,
                        declared=smart_review.declared_of(person), overrides=overrides)
    except RulesError as exc:
        raise BadInput(f"结算请求无法计算：{where}.{exc}") from None
    return request, person, before, result, parsed.encounter.endtime.year


def _parse(request: dict[str, Any], where: str) -> SettlementRequest:
    try:
        return parse_request(request)
    except RequestError as exc:  # the rules core's detail names the field
        raise BadInput(f"结算请求字段有误：{where}.{exc}") from None


def _final_and_summary(final: dict[str, Any]) -> tuple[str, str]:
    """The result's JSON and its summary's, each part encoded once (key order as in the result)."""
    parts = {k: dumps_text(v) for k, v in final.items()}
    whole = ",".join(f'"{k}":{v}' for k, v in parts.items())
    summary = ",".join(f'"{k}":{parts[k]}' for k in SUMMARY_KEYS)
    return "{" + whole + "}", "{" + summary + "}"


def _bound_ref(central: Central, ctx: Context, local_id: str, kind: str, fingerprint: str,
               where: str) -> tuple[str, str | None]:
    """The key the item stands under and what it already names (a resend of the same item), or
    None; a Conflict when ``local_id`` names something else. The key is ``local_id`` unless a 2601
    冲正 of its own message undid what it named (resettled.py: then it is settled again)."""
    known = central.store.get_local_key(ctx.site, local_id)
    if known is None:
        return local_id, None
    if known.kind != kind or known.fingerprint != fingerprint:
        raise Conflict(f"{where}local_id {local_id} 已用于另一笔{KIND_NAMES[known.kind]}"
                       f"（{known.ref}），内容不同{_SHARED_SITE_HINT}")
    name, again = resettled.bound(central, ctx.site, local_id, known)
    if again is not None and (again.kind != kind or again.fingerprint != fingerprint):  # pragma: no cover
        raise Conflict(f"{where}local_id {local_id}（{name}）已用于另一笔{KIND_NAMES[again.kind]}，内容不同")
    return name, None if again is None else again.ref


# --- one settlement, one reversal ------------------------------------------------------------


def settle_item(central: Central, ctx: Context, item: dict[str, Any], where: str, *, full: bool = True,
                number: int | None = None, answer: bool = True) -> bytes:
    """Adjudicate one settlement (2304, or an item of 9511) and store it; its view, JSON-encoded.
    ``number``: the setl_id number reserved for a queued item (queue_numbers.py); else the next.
    ``answer=False`` (a queued item, whose answer 9512 reads from the store): b"" once stored."""
    store = central.store
    local_id = local_id_field(item, where)
    raw = item.get("request")
    request_json = p.canonical_json(raw)
    fingerprint = hashlib.sha256(b"settlement\n" + request_json).hexdigest()
    asked = local_id
    local_id, ref = _bound_ref(central, ctx, asked, "settlement", fingerprint, where)
    if ref is not None:
        known = store.get_settlement(ref)
        if known is None:  # pragma: no cover - the foreign key makes this impossible
            raise NotFound(f"结算 {ref} 不存在")
        return resettled.as_asked(settlement_view(central, known, repeat=True, full=full), asked, local_id)
    provisional = adj.parse_provisional(item.get("provisional"))
    setl_time = check_time(item.get("setl_time") or ctx.received, f"{where}setl_time")
    overrides = smart_review.parse_overrides(item.get("review_overrides"), where)
    raw, prior = stay_periods.continuing(central, raw, where)  # 中途结算: the next period of the stay
    request, person, before, result, year = compute(central, ctx, raw, f"{where}request", overrides)
    endtime = str(request["encounter"].get("endtime", ""))[:10]
    if endtime > setl_time[:10]:  # (ISO dates compare as text)
        raise BadInput(f"{where}request.encounter.endtime={endtime} 晚于结算时间 {setl_time}：就诊尚未结束，不能结算")
    filings.check_request(central, request, where)  # 门诊慢特病 (14): the person's 备案 for the disease
    mdtrt_id = str(request["encounter"].get("mdtrt_id", ""))
    in_force = store.encounter_in_force(person.psn_no, mdtrt_id)
    if in_force is not None and (prior is None or in_force.setl_id != prior.setl_id):
        raise already_settled(in_force, ctx.site, where)
    reasons = [] if provisional is None else adj.adjustment_reasons(raw if isinstance(raw, dict) else {}, person,
                                                                      before, provisional, result)
    adjustment = adj.adjustment(provisional, result, reasons)
    if number is None:
        number = store.next_value("setl_id")
    setl_id = f"C{ctx.now:%Y%m%d}{number:010d}"
    final = result.to_dict()
    raw_provisional = item.get("provisional")
    kept = None if not isinstance(raw_provisional, dict) else {
        k: raw_provisional.get(k) for k in ("policy", "setlinfo")}  # its fund lines are in the adjustment
    final_json, summary_json = _final_and_summary(final)
    record = SettlementRecord(
        setl_id=setl_id, site=ctx.site, local_id=local_id, msgid=ctx.env.msgid, psn_no=person.psn_no,
        mdtrt_id=mdtrt_id, year=year, setl_time=setl_time,
        adjudicated_at=ctx.received, fingerprint=fingerprint, pack_id=result.policy_id,
        pack_version=result.policy_version, pack_sha256=result.policy_sha256,
        status="adjusted" if adjustment is not None and adjustment["adjusted"] else "accepted",
        request_json=request_json.decode("utf-8"), person_json=p.dumps(request["person"]).decode("utf-8"),
        provisional_json=p.dumps(kept).decode("utf-8"), final_json=final_json, summary_json=summary_json,
        ytd_before=before, ytd_after=dict(result.year_to_date_after),
        adjustment_json=p.dumps(adjustment).decode("utf-8"),
        amounts={k: result.setlinfo[k] for k in SETLINFO_KEYS}, seq=number,
    )
    store.put_accumulators(person.psn_no, year, dict(result.year_to_date_after), ctx.received)
    if prior is not None:
        store.continue_stay(prior.setl_id, setl_id)
    store.add_settlement(record)
    if not answer:
        return b""
    return resettled.as_asked(settlement_view(central, record, repeat=False, full=full, fresh=True), asked, local_id)


def already_settled(in_force: InForce, site: str, where: str) -> EncounterAlreadySettled:
    """The refusal of a second settlement of an encounter, naming the one in force (its
    ``local_id`` only to the site that holds it)."""
    return EncounterAlreadySettled(
        f"{where}就诊 {in_force.mdtrt_id}（参保人员 {in_force.psn_no}）已有在用结算 {in_force.setl_id}"
        f"（机构 {in_force.site}，结算时间 {in_force.setl_time}），不重复结算；如需重新结算，须先撤销该结算（2305）",
        {"setl_id": in_force.setl_id, "site": in_force.site,
         "local_id": in_force.local_id if in_force.site == site else None, "psn_no": in_force.psn_no,
         "mdtrt_id": in_force.mdtrt_id, "setl_time": in_force.setl_time})


def settlement_view(central: Central, record: SettlementRecord, *, repeat: bool, full: bool = True,
                    fresh: bool = False) -> bytes:
    """The settlement as the client sees it (2304, 9511, 9512, 5203), JSON-encoded.

    ``final`` is the whole result (full) or its summary (policy, setlinfo, setldetail,
    year_to_date_after, warnings), spliced in as stored, never decoded and re-encoded.
    """
    reversed_by = None if fresh else central.store.get_reversal_of(record.setl_id)
    return settlement_view_with(record, reversed_by, repeat=repeat, full=full)


def settlement_view_with(record: SettlementRecord, reversed_by: ReversalRecord | None, *, repeat: bool,
                         full: bool = True) -> bytes:
    """settlement_view with the settlement's reversal (or None) already read (9512 reads many at once)."""
    view = {
        "kind": "settlement", "local_id": record.local_id, "status": record.status, "infcode": 0,
        "err_msg": "", "repeat": repeat, "setl_id": record.setl_id, "msgid": record.msgid,
        "psn_no": record.psn_no, "mdtrt_id": record.mdtrt_id, "setl_time": record.setl_time,
        "adjudicated_at": record.adjudicated_at,
        "year_to_date_before": adj.accumulators_json(record.ytd_before),
        "reversed": None if reversed_by is None else {"rev_setl_id": reversed_by.rev_setl_id,
                                                       "local_id": reversed_by.local_id,
                                                       "rev_time": reversed_by.rev_time},
    }
    head = p.dumps(view)
    return (head[:-1] + b',"adjustment":' + record.adjustment_json.encode("utf-8")
            + b',"final":' + (record.final_json if full else record.summary_json).encode("utf-8") + b"}")


def reverse_item(central: Central, ctx: Context, item: dict[str, Any], where: str, *,
                 number: int | None = None) -> bytes:
    """Reverse one settlement (2305, or an item of 9511) and store it; its view, JSON-encoded.
    ``number``: the rev_setl_id number reserved for a queued item; else the next."""
    store = central.store
    local_id = local_id_field(item, where)
    setl_id = text_field(item, "setl_id", where=where)
    target_local = text_field(item, "reverses_local_id", where=where)
    if bool(setl_id) == bool(target_local):
        raise BadInput(f"{where}请给出 setl_id 或 reverses_local_id 之一（被撤销的结算）")
    fingerprint = hashlib.sha256(p.canonical_json(["reversal", setl_id, target_local])).hexdigest()
    asked = local_id
    local_id, ref = _bound_ref(central, ctx, asked, "reversal", fingerprint, where)
    if ref is not None:
        found = store.get_reversal(ref)
        if found is None:  # pragma: no cover
            raise NotFound(f"撤销 {ref} 不存在")
        return resettled.as_asked(reversal_view(found, repeat=True), asked, local_id)
    if target_local:
        target_key = store.get_local_key(ctx.site, target_local)
        if target_key is None or target_key.kind != "settlement":
            raise NotFound(f"{where}本机构没有 local_id 为 {target_local} 的已上传结算（撤销须在结算之后上传）")
        setl_id = target_key.ref
    original = store.get_settlement(setl_id)
    if original is None or original.site != ctx.site:
        raise NotFound(f"{where}本机构没有结算 {setl_id}")
    already = store.get_reversal_of(original.setl_id)
    if already is not None and target_local:  # 冲正 undid and redid what the local id named: the one in force
        in_force = resettled.in_force_settlement(central, ctx.site, target_local)
        if in_force is not None and in_force.setl_id != original.setl_id:
            original, already = in_force, store.get_reversal_of(in_force.setl_id)
    if already is not None:
        raise Conflict(f"{where}结算 {original.setl_id} 已于 {already.rev_time} 撤销（{already.rev_setl_id}）")
    rev_time = check_time(item.get("rev_time") or ctx.received, f"{where}rev_time")
    return resettled.as_asked(reversal_view(add_reversal_of(central, ctx, original, local_id, fingerprint, rev_time,
                                                            number), repeat=False), asked, local_id)


def add_reversal_of(central: Central, ctx: Context, original: SettlementRecord, local_id: str, fingerprint: str,
                    rev_time: str, number: int | None = None) -> ReversalRecord:
    """Store the reversal of a settlement in force (2305, or 2601 冲正) with its accumulators moved back
    (a period of a stay settled in periods: the latest only, the one before back in force)."""
    store = central.store
    stay_periods.check_reversible(central, original)
    before = central.accumulators(original.psn_no, original.year)
    after = adj.moved_back(before, original.ytd_before, original.ytd_after)
    if number is None:
        number = store.next_value("rev_setl_id")
    record = ReversalRecord(
        rev_setl_id=f"R{ctx.now:%Y%m%d}{number:010d}", setl_id=original.setl_id, seq=number,
        site=ctx.site, local_id=local_id, msgid=ctx.env.msgid, psn_no=original.psn_no, year=original.year,
        rev_time=rev_time, processed_at=ctx.received, fingerprint=fingerprint, ytd_before=before,
        ytd_after=after, amounts=adj.negated(original.amounts),
    )
    store.put_accumulators(original.psn_no, original.year, after, ctx.received)
    store.add_reversal(record)
    stay_periods.after_reversal(central, original)
    return record


def reversal_view(record: ReversalRecord, *, repeat: bool) -> bytes:
    """The reversal as the client sees it (2305, 9511, 9512, 5203), JSON-encoded."""
    return p.dumps({
        "kind": "reversal", "local_id": record.local_id, "status": "accepted", "infcode": 0, "err_msg": "",
        "repeat": repeat, "rev_setl_id": record.rev_setl_id, "setl_id": record.setl_id, "msgid": record.msgid,
        "psn_no": record.psn_no, "rev_time": record.rev_time, "processed_at": record.processed_at,
        "setlinfo": {k: fmt(v) for k, v in record.amounts.items()},
        "year_to_date_before": adj.accumulators_json(record.ytd_before),
        "year_to_date_after": adj.accumulators_json(record.ytd_after),
    })
