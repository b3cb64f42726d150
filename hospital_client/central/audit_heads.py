"""Each site's audit chain head, kept at the central system so that a site cannot cut off the
newest entries of its audit log unseen (docs/protocol.md, 9521 and 9522).

    9521  审计链头上报（扩展）   audit_head_upload   the site's newest audit entry (seq, hash, at)
    9522  审计链头查询（扩展）   audit_head_query    the last head held for the site, and its restarts

The heads are append-only (one row per change). A head is refused (3002) when it is older than
the last one held (lower seq), the same seq with another hash, or newer without ``prior``
naming the held head (the site shows that its chain still contains it). ``restart`` is the
exception a restore needs: the site's chain no longer contains the held head, and its newest
``restore`` audit entry is later than that head; the head is then recorded as a restart, with
the head it replaced, for the central staff to follow up.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..protocol import BadInput, Conflict
from .context import Central, Context
from .fields import input_data
from .store import AuditHead

_HASH = re.compile(r"[0-9a-f]{64}")


def _int(data: dict[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**53:
        raise BadInput(f"{where}{key} 应为正整数")
    return value


def _hash(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise BadInput(f"{where}{key} 应为 64 位小写十六进制 sha256")
    return value


def _moment(value: Any, where: str) -> dt.datetime:
    """An ISO 8601 time with its UTC offset (the site's audit entry time)."""
    if not isinstance(value, str) or len(value) > 40:
        raise BadInput(f"{where} 应为带时区的 ISO 8601 时间")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where} 应为带时区的 ISO 8601 时间") from None
    if moment.tzinfo is None:
        raise BadInput(f"{where} 应带时区（例如 +08:00）")
    return moment


def _object(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadInput(f"{key} 应为对象")
    return value


def head_dict(head: AuditHead | None) -> dict[str, Any] | None:
    if head is None:
        return None
    out: dict[str, Any] = {"seq": head.seq, "hash": head.hash, "at": head.at, "kind": head.kind,
                           "received_at": head.received_at}
    if head.kind == "restart":
        out.update({"restart_seq": head.restart_seq, "replaced_seq": head.replaced_seq,
                    "replaced_hash": head.replaced_hash})
    return out


def _describe(head: AuditHead) -> str:
    return f"第 {head.seq} 条（{head.hash[:12]}…，{head.received_at} 收到）"


def _check_forward(held: AuditHead, seq: int, digest: str, prior: dict[str, Any] | None) -> bool:
    """True when the head is new; False when it is the held one again; Conflict otherwise."""
    if seq < held.seq:
        raise Conflict(f"审计链头第 {seq} 条早于中心已收到的{_describe(held)}：本机审计日志最新的记录已被删除，"
                       "或数据库已被替换为旧的备份")
    if seq == held.seq:
        if digest != held.hash:
            raise Conflict(f"审计链头第 {seq} 条与中心已收到的{_describe(held)}不同：本机审计日志已被改写")
        return False
    if prior is None:
        raise Conflict(f"中心已收到{_describe(held)}；新的链头须在 prior 中给出本机该条记录的 seq 与 hash")
    if _int(prior, "seq", "prior.") != held.seq or _hash(prior, "hash", "prior.") != held.hash:
        raise Conflict(f"prior 与中心已收到的{_describe(held)}不符：本机审计日志已不含该条记录")
    return True


def audit_head_upload(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    seq, digest = _int(data, "seq", ""), _hash(data, "hash", "")
    at = data.get("at")
    _moment(at, "at")
    held = central.store.last_audit_head(ctx.site)
    restart = _object(data, "restart")
    record = AuditHead(site=ctx.site, seq=seq, hash=digest, at=str(at), kind="head", msgid=ctx.env.msgid,
                       received_at=ctx.received)
    if held is not None and restart is not None:
        restart_seq = _int(restart, "seq", "restart.")
        if restart_seq > seq:
            raise BadInput("restart.seq 不能大于 seq")
        if _moment(restart.get("at"), "restart.at") <= _moment(held.at, "held.at"):
            raise Conflict(f"restart 所指的恢复记录早于中心已收到的{_describe(held)}，不能作为重新起链的理由")
        record = AuditHead(site=ctx.site, seq=seq, hash=digest, at=str(at), kind="restart", msgid=ctx.env.msgid,
                           received_at=ctx.received, restart_seq=restart_seq, replaced_seq=held.seq,
                           replaced_hash=held.hash)
        recorded = True
    elif held is not None:
        recorded = _check_forward(held, seq, digest, _object(data, "prior"))
    else:
        recorded = True
    if recorded:
        central.store.add_audit_head(record)
    return {"recorded": recorded, "head": head_dict(record if recorded else held), "previous": head_dict(held)}


def audit_head_query(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    input_data(input_, required=False)
    restarts = central.store.audit_restarts(ctx.site)
    return {"head": head_dict(central.store.last_audit_head(ctx.site)),
            "restarts": [head_dict(r) for r in restarts]}
