"""The central system's message processing, independent of HTTP.

``CentralService.handle(headers, body)`` authenticates a request, enforces msgid idempotency,
runs the transaction's handler inside one database transaction and returns the HTTP status
and the response envelope's bytes. The Starlette app (app.py) only moves bytes.

Order of checks (docs/protocol.md): headers -> site -> signature -> timestamp -> nonce ->
envelope -> fixmedins_code -> msgid -> infno -> stored answer (repeat / conflict) -> handler.
Everything before the handler is refused without storing anything (except the used nonce).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import protocol as p
from ..protocol import BadInput, BusinessError, Conflict, NotFound, ProtocolError, WrongSite
from ..rules import (
    SETLINFO_KEYS,
    Catalog,
    NoPackError,
    Pack,
    RequestError,
    RulesError,
    SettlementRequest,
    SettlementResult,
    parse_catalog,
    parse_pack,
    parse_request,
    select_pack,
    settle,
)
from ..rules.money import ZERO, fmt
from . import adjudication as adj
from .store import (
    Accumulators,
    CentralStore,
    PersonRecord,
    QueuedBatch,
    ReversalRecord,
    SettlementRecord,
    StoredMessage,
    StoreError,
)

log = logging.getLogger("hospital_client.central")

API_PATH = "/fsi/api/rsfComIfsService/callService"
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_BATCH_ITEMS = 1000
REPEAT_HEADER = "x-central-repeat"
_KIND_NAMES = {"settlement": "结算", "reversal": "撤销"}
SUMMARY_KEYS = ("policy", "setlinfo", "setldetail", "year_to_date_after", "warnings")
# Nonces are remembered for this long: a message older than the allowed skew is refused anyway.
NONCE_RETENTION_SECONDS = 2 * p.MAX_SKEW_SECONDS + 60
# Transactions that adjudicate or move accumulators: a queued batch (9511 ack "stored") received
# before them is adjudicated first, so that everything stays in arrival order.
ORDERED = frozenset({p.SETTLEMENT, p.REVERSAL, p.BATCH_UPLOAD})
ACK_STORED = "stored"
# The worker adjudicates queued items in one transaction for up to this long (seconds), and stops
# earlier as soon as a message waits for the lock: a message waits for one item at most.
QUEUE_SLICE_SECONDS = 0.2
# The worker leaves the lock alone while batches arrive less than this many seconds apart (a site
# uploading its batches one after the other), up to app.MAX_DEFER_SECONDS.
QUIET_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    site: str
    env: p.RequestEnvelope
    now: dt.datetime
    received: str  # refmsg_time, CST


# A handler returns the output object, or its JSON bytes when it splices stored JSON in.
Handler = Callable[[Context, dict[str, Any]], dict[str, Any] | bytes]


def _envelope_bytes(infcode: int, inf_refmsgid: str, refmsg_time: str, respond_time: str, err_msg: str,
                    output_json: bytes) -> bytes:
    head = json.dumps({"infcode": infcode, "inf_refmsgid": inf_refmsgid, "refmsg_time": refmsg_time,
                       "respond_time": respond_time, "err_msg": err_msg}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return head[:-1] + b',"output":' + output_json + b"}"


# --- input helpers ----------------------------------------------------------------------------


def _data(input_: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    data = input_.get("data")
    if data is None and not required:
        return {}
    if not isinstance(data, dict):
        raise BadInput("input.data 应为对象")
    return data


def _text(data: dict[str, Any], key: str, *, required: bool = False, max_len: int = 64, where: str = "") -> str:
    value = data.get(key)
    label = f"{where}{key}"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        if required:
            raise BadInput(f"{label} 缺失")
        return ""
    if not isinstance(value, str):
        raise BadInput(f"{label} 应为字符串")
    if len(value) > max_len:
        raise BadInput(f"{label} 超过 {max_len} 个字符")
    return value


def _int(data: dict[str, Any], key: str, default: int, *, low: int, high: int, where: str = "") -> int:
    value = data.get(key, default)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"{where}{key} 应为 {low} 至 {high} 之间的整数")
    return value


def _day(data: dict[str, Any], key: str, where: str = "") -> str:
    value = _text(data, key, required=True, max_len=19, where=where)[:10]
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where}{key} 应为 yyyy-MM-dd 日期") from None
    return value


def _final_and_summary(final: dict[str, Any]) -> tuple[str, str]:
    """The result's JSON and its summary's, each part encoded once (key order as in the result)."""
    parts = {k: p.dumps(v).decode("utf-8") for k, v in final.items()}
    whole = ",".join(f'"{k}":{v}' for k, v in parts.items())
    summary = ",".join(f'"{k}":{parts[k]}' for k in SUMMARY_KEYS)
    return "{" + whole + "}", "{" + summary + "}"


def _detail(data: dict[str, Any]) -> bool:
    """'detail': 'summary' (default for 9511/9512) or 'full' (the whole result in 'final')."""
    detail = data.get("detail", "summary")
    if detail not in ("summary", "full"):
        raise BadInput("detail 应为 summary 或 full")
    return bool(detail == "full")


def _local_id(item: dict[str, Any], where: str) -> str:
    return _text(item, "local_id", required=True, max_len=64, where=where)


# The likely cause when a desk's number is taken by different content: two desks set up with one
# site code (each numbers its settlements from 1). docs/operations.md, "Setting up a desk".
_SHARED_SITE_HINT = "（若两台结算终端使用同一站点编码，会出现此情况：每台终端需各自的站点编码）"


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(p.canonical_json(list(parts))).hexdigest()


def _queued_mode(env: p.RequestEnvelope) -> bool:
    return env.infno == p.BATCH_UPLOAD and isinstance(env.input, dict) and env.input.get("ack") == ACK_STORED


def request_of(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _sum(records: list[dict[str, Decimal]], key: str) -> Decimal:
    return sum((r[key] for r in records), ZERO)


# --- the service ------------------------------------------------------------------------------


class CentralService:
    """Processes envelopes against a CentralStore with the rules core. One message at a time."""

    def __init__(self, store: CentralStore, *, clock: Callable[[], float] = time.time) -> None:
        if not store.is_initialised():
            raise StoreError("the central database is not initialised; run `central init --db PATH` first")
        self.store = store
        self.clock = clock
        self.lock = threading.Lock()
        self._refseq = itertools.count(1)
        self._handled = 0
        self._waiting = 0  # messages waiting for the lock (the queue worker gives way to them)
        self._in_flight = 0  # HTTP requests being received or processed (app.py counts them)
        self._last_upload = 0.0  # when the last batch was queued (monotonic)
        self._count_lock = threading.Lock()
        self.queue_wakeup = threading.Event()
        self._parsed_batch: tuple[int, list[Any]] | None = None
        self.packs: list[Pack] = []
        self.catalog: Catalog | None = None
        self.reload()
        self.handlers: dict[str, Handler] = {
            p.SIGN_IN: self.sign_in,
            p.PERSON_INFO: self.person_info,
            p.PERSON_ACCUMULATORS: self.person_accumulators,
            p.CATALOGUE_QUERY: self.catalogue_query,
            p.CATALOGUE_DOWNLOAD: self.catalogue_download,
            p.ADMISSION: self.admission,
            p.FEE_UPLOAD: self.fee_upload,
            p.PRE_SETTLEMENT: self.pre_settlement,
            p.SETTLEMENT: self.settlement,
            p.REVERSAL: self.reversal,
            p.SETTLEMENT_QUERY: self.settlement_query,
            p.RECON_TOTALS: self.recon_totals,
            p.RECON_DETAILS: self.recon_details,
            p.PACK_DOWNLOAD: self.pack_download,
            p.ROSTER_DELTA: self.roster_delta,
            p.BATCH_UPLOAD: self.batch_upload,
            p.ADJUDICATION_RESULTS: self.adjudication_results,
        }

    def reload(self) -> None:
        """Packs and catalogue from the store (the central system's authoritative copies)."""
        self.packs = [parse_pack(b.data, b.source_name) for b in self.store.list_packs()]
        blob = self.store.get_catalog()
        self.catalog = None if blob is None else parse_catalog(blob.data, blob.source_name)

    # --- the envelope ----------------------------------------------------------------------

    def handle(self, headers: Mapping[str, str], body: bytes) -> Reply:
        """Process one HTTP request's headers and body; never raises."""
        stamp = self.clock()
        now = dt.datetime.fromtimestamp(stamp, p.CST)
        received = p.format_time(now)
        refmsgid = f"CENTRAL00000{now:%Y%m%d%H%M%S}{next(self._refseq) % 10000:04d}"
        with self._count_lock:
            self._waiting += 1
        try:
            with self.lock:
                with self._count_lock:
                    self._waiting -= 1
                return self._handle(headers, body, stamp, now, received, refmsgid)
        except ProtocolError as exc:
            return self._refusal(exc, refmsgid, received)
        except Exception:
            log.exception("internal error while processing a message")
            return self._refusal(p.ServerError("中心系统内部错误，请稍后重试"), refmsgid, received)

    def refuse(self, exc: ProtocolError) -> Reply:
        """The reply for a request refused before it reached handle() (e.g. a body over the limit)."""
        now = self._now()
        return self._refusal(exc, f"CENTRAL00000{now:%Y%m%d%H%M%S}{next(self._refseq) % 10000:04d}",
                             p.format_time(now))

    def _refusal(self, exc: ProtocolError, refmsgid: str, received: str) -> Reply:
        body = _envelope_bytes(exc.infcode, refmsgid, received, p.format_time(self._now()), exc.err_msg, b"{}")
        return Reply(exc.http_status, body)

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), p.CST)

    def _handle(self, headers: Mapping[str, str], body: bytes, stamp: float, now: dt.datetime, received: str,
                refmsgid: str) -> Reply:
        if len(body) > MAX_BODY_BYTES:
            raise p.PayloadTooLarge(f"报文过大（{len(body)} 字节，上限 {MAX_BODY_BYTES} 字节）；请分批上传")
        auth = p.parse_auth_headers(headers)
        site = self.store.get_site(auth.paasid)
        if site is None or not site.active:
            raise p.UnknownSite(f"未知的接入机构 x-tif-paasid={auth.paasid}")
        p.verify_signature(site.secret, auth, body, now=stamp)
        with self.store.transaction():
            if not self.store.use_nonce(site.code, auth.nonce, auth.timestamp):
                raise p.ReusedNonce("x-tif-nonce 已使用过（疑似重放）；每次发送须使用新的随机数")
            self._handled += 1
            if self._handled % 1000 == 1:
                self.store.prune_nonces(int(stamp) - NONCE_RETENTION_SECONDS)
        env = p.parse_request_envelope(body)
        if env.fixmedins_code != site.code:
            raise WrongSite(f"报文 fixmedins_code={env.fixmedins_code} 不是本凭证所属机构 {site.code}")
        p.check_msgid(env.msgid, site.code)
        if env.infno == p.BENCH_SINK:
            with self.store.transaction():
                self.store.add_sink(site.code, body, received)
            return Reply(200, _envelope_bytes(0, refmsgid, received, p.format_time(self._now()), "", b"{}"))
        handler = self.handlers.get(env.infno)
        if handler is None:
            raise p.UnknownInfno(f"不支持的交易编号 infno={env.infno}")
        fingerprint = p.message_fingerprint(env.infno, env.fixmedins_code, env.input_bytes)
        if env.infno in ORDERED and not _queued_mode(env) and self.store.has_queued():
            self._drain_queue_locked()
        ctx = Context(site=site.code, env=env, now=now, received=received)
        with self.store.transaction():
            stored = self.store.get_message(env.msgid)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise p.MsgidConflict(
                        f"msgid {env.msgid} 已用于另一笔内容不同的报文（原交易 {stored.infno}）；新报文须使用新的 msgid"
                    )
                body_out = _envelope_bytes(stored.infcode, stored.inf_refmsgid, stored.refmsg_time,
                                           p.format_time(self._now()), stored.err_msg,
                                           stored.output_json.encode("utf-8"))
                return Reply(200, body_out, {REPEAT_HEADER: "1"})
            try:
                with self.store.transaction():  # a savepoint: a refused message leaves no partial writes
                    if env.sign_no and self.store.sign_in_site(env.sign_no) != site.code:
                        raise BadInput(f"sign_no {env.sign_no} 不是本机构的有效签到编号；请重新签到（9001）")
                    output = handler(ctx, env.input)
                infcode, err_msg = p.INFCODE_OK, ""
            except BusinessError as exc:
                output, infcode, err_msg = {}, exc.infcode, exc.err_msg
            output_json = output if isinstance(output, bytes) else p.dumps(output)
            self.store.put_message(StoredMessage(
                msgid=env.msgid, site=site.code, infno=env.infno, fingerprint=fingerprint, infcode=infcode,
                inf_refmsgid=refmsgid, refmsg_time=received, err_msg=err_msg,
                output_json=output_json.decode("utf-8"),
            ))
        return Reply(200, _envelope_bytes(infcode, refmsgid, received, p.format_time(self._now()), err_msg,
                                          output_json))

    # --- shared lookups --------------------------------------------------------------------

    def _person(self, psn_no: str) -> PersonRecord:
        person = self.store.find_person(psn_no=psn_no)
        if person is None:
            raise NotFound(f"中心名册中没有参保人员 {psn_no}")
        return person

    def _accumulators(self, psn_no: str, year: int) -> Accumulators:
        return self.store.get_accumulators(psn_no, year) or adj.zero_accumulators()

    def _catalog(self) -> Catalog:
        if self.catalog is None:
            raise NotFound("中心系统尚未载入医保目录")
        return self.catalog

    def _pack_for(self, person: PersonRecord, day: dt.date) -> Pack:
        try:
            return select_pack(self.packs, str(person.data.get("insuplc_admdvs") or ""),
                               str(person.data.get("insutype") or ""), day)
        except NoPackError as exc:
            raise BadInput(f"中心系统没有适用的政策包：{exc}") from None

    def _compute(self, ctx: Context, raw: Any, where: str) -> tuple[dict[str, Any], PersonRecord, Accumulators,
                                                                      SettlementResult, int]:
        """Settle a client's request with the central person entry and accumulators (no writes)."""
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
        person = self._person(psn_no)
        if endtime is None:
            self._parse(raw, where)  # names the field that is wrong
            raise BadInput(f"{where}.encounter.endtime 应为 yyyy-MM-dd 日期")
        before = self._accumulators(psn_no, endtime.year)
        request = adj.central_request(raw, person, before)
        parsed = self._parse(request, where)
        pack = self._pack_for(person, parsed.encounter.endtime)
        try:
            result = settle(parsed, pack, self._catalog())
        except RulesError as exc:
            raise BadInput(f"{where}.{exc}") from None
        return request, person, before, result, parsed.encounter.endtime.year

    @staticmethod
    def _parse(request: dict[str, Any], where: str) -> SettlementRequest:
        try:
            return parse_request(request)
        except RequestError as exc:
            raise BadInput(f"{where}.{exc}") from None

    # --- 9001, 1101, 5206 ------------------------------------------------------------------

    def sign_in(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        body = input_.get("signIn") or {}
        if not isinstance(body, dict):
            raise BadInput("input.signIn 应为对象")
        opter = _text(body, "opter_no", where="signIn.") or ctx.env.opter
        sign_no = f"{ctx.now:%Y%m%d}{ctx.site}{self.store.next_value('sign_no'):08d}"
        self.store.add_sign_in(sign_no, ctx.site, opter, ctx.received)
        return {"signinoutb": {"sign_time": ctx.received, "sign_no": sign_no}}

    def person_info(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        kind = _text(data, "mdtrt_cert_type", max_len=4)
        number = _text(data, "mdtrt_cert_no", max_len=128)
        psn_no = _text(data, "psn_no")
        certno = _text(data, "certno")
        lookup = {"01": "ecard_code", "02": "certno", "03": "card_no", "99": "psn_no"}
        query: dict[str, str] = {}
        if kind and number:
            if kind not in lookup:
                raise BadInput(f"mdtrt_cert_type={kind} 不支持（01 电子凭证，02 身份证，03 社保卡，99 人员编号）")
            query[lookup[kind]] = number
        elif psn_no:
            query["psn_no"] = psn_no
        elif certno:
            query["certno"] = certno
        else:
            raise BadInput("请给出 mdtrt_cert_type 和 mdtrt_cert_no，或 psn_no，或 certno")
        person = self.store.find_person(**query)
        if person is None:
            raise NotFound("中心名册中没有该参保人员")
        return self._person_view(person, ctx.now.date(), ctx.site)

    def _person_view(self, person: PersonRecord, today: dt.date, site: str) -> dict[str, Any]:
        d = person.data
        age: int | str = ""
        try:
            born = dt.date.fromisoformat(str(d.get("brdy") or ""))
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        except ValueError:
            pass
        latest = self.store.latest_accumulators(person.psn_no)
        group = d.get("assistance_group")
        return {
            "baseinfo": {"psn_no": person.psn_no, "psn_cert_type": "01", "certno": d.get("certno") or "",
                         "psn_name": d.get("psn_name") or "", "gend": d.get("gend") or "",
                         "brdy": d.get("brdy") or "", "age": age},
            "insuinfo": [{"insutype": d.get("insutype") or "", "psn_type": d.get("psn_type") or "",
                          "insuplc_admdvs": d.get("insuplc_admdvs") or "", "psn_insu_stas": "1", "balc": "0.00"}],
            "idetinfo": [{"psn_idet_type": group}] if group else [],
            "person": adj.request_person(person),
            "year_to_date": None if latest is None else {"year": latest[0], **adj.accumulators_json(latest[1])},
            "site_local_ids": [] if latest is None else self.store.site_local_ids(site, person.psn_no, latest[0]),
        }

    def person_accumulators(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        psn_no = _text(data, "psn_no", required=True)
        cum_ym = _text(data, "cum_ym", max_len=6)
        default_year = int(cum_ym[:4]) if cum_ym[:4].isdigit() else ctx.now.year
        year = _int(data, "year", default_year, low=1990, high=2100)
        self._person(psn_no)
        values = self.store.get_accumulators(psn_no, year)
        return {"psn_no": psn_no, "year": year, "exists": values is not None,
                "year_to_date": adj.accumulators_json(values or adj.zero_accumulators()),
                "site_local_ids": self.store.site_local_ids(ctx.site, psn_no, year)}

    # --- 1312, 9503, 9501, 9502 ------------------------------------------------------------

    def catalogue_query(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_, required=False)
        page_num = _int(data, "page_num", 1, low=1, high=1_000_000)
        page_size = _int(data, "page_size", 100, low=1, high=1000)
        rows, total = self.store.query_catalog(
            code=_text(data, "med_list_codg"), name=_text(data, "name"), list_type=_text(data, "list_type"),
            offset=(page_num - 1) * page_size, limit=page_size)
        blob = self.store.get_catalog()
        return {"data": rows, "page_num": page_num, "page_size": page_size, "total": total,
                "pages": (total + page_size - 1) // page_size, "sha256": blob.sha256 if blob else ""}

    def catalogue_download(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_, required=False)
        blob = self.store.get_catalog()
        if blob is None:
            raise NotFound("中心系统尚未载入医保目录")
        out: dict[str, Any] = {"sha256": blob.sha256, "source_name": blob.source_name, "size": len(blob.data),
                               "items": len(self._catalog())}
        if _text(data, "known_sha256") == blob.sha256:
            return {**out, "unchanged": True}
        return {**out, "unchanged": False, "bytes_base64": base64.b64encode(blob.data).decode("ascii")}

    def pack_download(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_, required=False)
        wanted = _text(data, "id")
        blobs = self.store.list_packs()
        if not wanted:
            by_id = {pk.id: pk for pk in self.packs}
            listing = []
            for blob in blobs:
                info = by_id[blob.id].model.pack
                listing.append({"id": blob.id, "version": blob.version, "sha256": blob.sha256,
                                "source_name": blob.source_name, "name": info.name,
                                "valid_from": info.valid_from.isoformat(), "valid_to": info.valid_to.isoformat(),
                                "admdvs": info.admdvs, "insutypes": info.insutypes, "size": len(blob.data)})
            return {"packs": listing}
        for blob in blobs:
            if blob.id == wanted:
                return {"id": blob.id, "version": blob.version, "sha256": blob.sha256,
                        "source_name": blob.source_name, "size": len(blob.data),
                        "bytes_base64": base64.b64encode(blob.data).decode("ascii")}
        raise NotFound(f"中心系统没有政策包 {wanted}")

    def roster_delta(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_, required=False)
        cursor = _int(data, "cursor", 0, low=0, high=2**62)
        limit = _int(data, "limit", 500, low=1, high=5000)
        persons = self.store.persons_since(cursor, limit + 1)
        more = len(persons) > limit
        persons = persons[:limit]
        out = []
        for person in persons:
            entry = dict(person.data)
            latest = self.store.latest_accumulators(person.psn_no)
            entry["year_to_date"] = None if latest is None else {"year": latest[0],
                                                                  **adj.accumulators_json(latest[1])}
            # This site's settlements and reversals those figures already include (the site's rebase).
            entry["site_local_ids"] = [] if latest is None else self.store.site_local_ids(
                ctx.site, person.psn_no, latest[0])
            out.append(entry)
        return {"persons": out, "next_cursor": persons[-1].rev if persons else cursor, "more": more}

    # --- 2401, 2301, 2303 ------------------------------------------------------------------

    def admission(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        psn_no = _text(data, "psn_no", required=True)
        person = self._person(psn_no)
        record = {
            "psn_no": psn_no,
            "med_type": _text(data, "med_type") or "21",
            "begntime": _day(data, "begntime"),
            "hosp_lv": _int(data, "hosp_lv", 0, low=1, high=3),
            "ipt_no": _text(data, "ipt_no"),
            "insutype": _text(data, "insutype") or str(person.data.get("insutype") or ""),
            "diagnoses": [str(x) for x in data.get("diagnoses") or []][:50],
        }
        mdtrt_id = _text(data, "mdtrt_id") or f"M{ctx.now:%Y%m%d}{self.store.next_value('mdtrt_id'):010d}"
        existing = self.store.get_admission(ctx.site, mdtrt_id)
        if existing is None:
            self.store.put_admission(ctx.site, mdtrt_id, psn_no, record, ctx.received)
        elif existing != record:
            raise Conflict(f"就诊 {mdtrt_id} 已按不同的内容办理入院")
        return {"result": {"mdtrt_id": mdtrt_id, "psn_no": psn_no, "ipt_otp_no": record["ipt_no"]}}

    def fee_upload(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        mdtrt_id = _text(data, "mdtrt_id", required=True)
        admission = self.store.get_admission(ctx.site, mdtrt_id)
        if admission is None:
            raise NotFound(f"就诊 {mdtrt_id} 未办理入院（2401）")
        psn_no = _text(data, "psn_no") or admission["psn_no"]
        if psn_no != admission["psn_no"]:
            raise BadInput(f"psn_no {psn_no} 与就诊 {mdtrt_id} 的参保人不符")
        fees = data.get("fees")
        if not isinstance(fees, list) or not fees:
            raise BadInput("fees 应为非空的费用明细列表")
        person = self._person(psn_no)
        request = {
            "person": adj.request_person(person),
            "encounter": {"mdtrt_id": mdtrt_id, "med_type": admission["med_type"], "fixmedins_code": ctx.site,
                          "hosp_lv": admission["hosp_lv"], "begntime": admission["begntime"],
                          "endtime": admission["begntime"]},
            "fees": fees,
        }
        try:
            req = parse_request(request)
        except RequestError as exc:
            raise BadInput(str(exc)) from None
        pack = self._pack_for(person, req.encounter.endtime)
        try:
            result = settle(req, pack, self._catalog())
        except RulesError as exc:
            raise BadInput(str(exc)) from None
        self.store.put_fee_upload(ctx.site, mdtrt_id, fees, ctx.received)
        lines = {f["feedetl_sn"]: f for f in fees if isinstance(f, dict)}
        out = []
        for line in result.to_dict()["fees"]:
            sent = lines.get(line["feedetl_sn"], {})
            out.append({**line, "det_item_fee_sumamt": str(sent.get("det_item_fee_sumamt", "")),
                        "cnt": str(sent.get("cnt", "")), "pric": str(sent.get("pric", ""))})
        return {"result": out, "warnings": result.warnings}

    def pre_settlement(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        _request, _person, before, result, year = self._compute(ctx, data.get("request"), "request")
        return {"result": result.to_dict(), "year": year, "year_to_date_before": adj.accumulators_json(before)}

    # --- 2304, 2305, 9511, 9512, 5203 ------------------------------------------------------

    def settlement(self, ctx: Context, input_: dict[str, Any]) -> bytes:
        return self._settle_item(ctx, _data(input_), "")

    def reversal(self, ctx: Context, input_: dict[str, Any]) -> bytes:
        return self._reverse_item(ctx, _data(input_), "")

    def batch_upload(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any] | bytes:
        items = input_.get("data")
        if not isinstance(items, list) or not items:
            raise BadInput("input.data 应为非空的结算/撤销列表")
        if len(items) > MAX_BATCH_ITEMS:
            raise BadInput(f"一批最多 {MAX_BATCH_ITEMS} 笔，本批 {len(items)} 笔")
        full = _detail(input_)
        ack = input_.get("ack", "adjudicated")
        if ack not in ("adjudicated", ACK_STORED):
            raise BadInput("ack 应为 adjudicated 或 stored")
        if ack == ACK_STORED:
            return self._queue_batch(ctx, items, full)
        results: list[bytes] = []
        for i, item in enumerate(items):
            where = f"data[{i}]."
            local_id = item.get("local_id") if isinstance(item, dict) else None
            kind = item.get("kind", "settlement") if isinstance(item, dict) else None
            try:
                with self.store.transaction():  # one savepoint per item
                    if not isinstance(item, dict):
                        raise BadInput(f"data[{i}] 应为对象")
                    if kind == "settlement":
                        results.append(self._settle_item(ctx, item, where, full=full))
                    elif kind == "reversal":
                        results.append(self._reverse_item(ctx, item, where))
                    else:
                        raise BadInput(f"{where}kind 应为 settlement 或 reversal")
            except BusinessError as exc:
                results.append(p.dumps({"local_id": None if local_id is None else str(local_id), "kind": kind,
                                        "status": "rejected", "infcode": exc.infcode, "err_msg": exc.err_msg}))
        return b'{"results":[' + b",".join(results) + b"]}"

    def _queue_batch(self, ctx: Context, items: list[Any], full: bool) -> dict[str, Any]:
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
            if item.get("kind", "settlement") not in _KIND_NAMES:
                raise BadInput(f"{where}kind 应为 settlement 或 reversal")
            local_ids.append(_local_id(item, where))
            request = item.get("request")
            encounter = request.get("encounter") if isinstance(request, dict) else None
            claimed = encounter.get("fixmedins_code") if isinstance(encounter, dict) else None
            if claimed and claimed != ctx.site:
                raise WrongSite(f"{where}request.encounter.fixmedins_code={claimed} 不是本凭证所属机构 {ctx.site}")
        seq = self.store.queue_batch(ctx.site, ctx.env.msgid, ctx.received, full, ctx.env.input_bytes, local_ids)
        self._last_upload = time.monotonic()
        self.queue_wakeup.set()
        return {"ack": ACK_STORED, "batch_seq": seq, "queued": len(local_ids)}

    # --- the adjudication queue ------------------------------------------------------------

    def process_queue(self, max_items: int = MAX_BATCH_ITEMS, *,
                      slice_seconds: float = QUEUE_SLICE_SECONDS) -> int:
        """Adjudicate queued items (oldest batch first) for at most ``slice_seconds`` or ``max_items``,
        stopping early when a message waits; returns how many were done."""
        with self.lock:
            return self._process_queue_locked(max_items, time.monotonic() + slice_seconds)

    @property
    def messages_waiting(self) -> bool:
        """A message is waiting for the lock (the queue worker lets it go first)."""
        return self._waiting > 0

    def request_started(self) -> None:
        with self._count_lock:
            self._in_flight += 1

    def request_finished(self) -> None:
        with self._count_lock:
            self._in_flight -= 1

    def busy(self, quiet: float = QUIET_SECONDS) -> bool:
        """A request is in flight, or a batch was queued less than ``quiet`` seconds ago (more may follow)."""
        return self._in_flight > 0 or time.monotonic() - self._last_upload < quiet

    def _drain_queue_locked(self) -> None:
        while self._process_queue_locked(MAX_BATCH_ITEMS, None):
            pass

    def _batch_items(self, batch: QueuedBatch) -> list[Any]:
        if self._parsed_batch is not None and self._parsed_batch[0] == batch.seq:
            return self._parsed_batch[1]
        items = p.loads(self.store.queued_batch_input(batch.seq)).get("data") or []
        self._parsed_batch = (batch.seq, items)
        return list(items)

    def _process_queue_locked(self, max_items: int, deadline: float | None) -> int:
        batch = self.store.next_queued_batch()
        if batch is None:
            self._parsed_batch = None
            return 0
        items = self._batch_items(batch)
        now = self._now()
        received = p.format_time(now)
        env = p.RequestEnvelope(infno=p.BATCH_UPLOAD, msgid=batch.msgid, fixmedins_code=batch.site, input={})
        ctx = Context(site=batch.site, env=env, now=now, received=received)
        last = min(len(items), batch.done_items + max_items)
        end = batch.done_items
        with self.store.transaction():
            for i in range(batch.done_items, last):
                if i > batch.done_items and deadline is not None and (
                        self._waiting or time.monotonic() > deadline):
                    break
                end = i + 1
                item = items[i]
                where = f"data[{i}]."
                kind = str(item.get("kind", "settlement"))
                try:
                    with self.store.transaction():  # one savepoint per item
                        if kind == "settlement":
                            self._settle_item(ctx, item, where, full=batch.full)
                        else:
                            self._reverse_item(ctx, item, where)
                except (BusinessError, WrongSite) as exc:
                    self.store.add_rejection(batch.site, str(item.get("local_id")), kind, batch.msgid, exc.infcode,
                                             exc.err_msg, received)
                except Exception:  # a defect must not wedge the queue: the item is refused, the rest go on
                    log.exception("internal error while adjudicating a queued item")
                    self.store.add_rejection(batch.site, str(item.get("local_id")), kind, batch.msgid,
                                             p.ServerError.infcode, "中心系统内部错误；请重新上传此笔", received)
            self.store.advance_batch(batch.seq, end, received if end >= len(items) else None)
        if end >= len(items):
            self._parsed_batch = None
        return max(end - batch.done_items, 1 if end >= len(items) else 0)

    def _settle_item(self, ctx: Context, item: dict[str, Any], where: str, *, full: bool = True) -> bytes:
        local_id = _local_id(item, where)
        raw = item.get("request")
        request_json = p.canonical_json(raw)
        fingerprint = hashlib.sha256(b"settlement\n" + request_json).hexdigest()
        known = self.store.get_local_key(ctx.site, local_id)
        if known is not None:
            if known.kind != "settlement" or known.fingerprint != fingerprint:
                raise Conflict(f"{where}local_id {local_id} 已用于另一笔{_KIND_NAMES[known.kind]}"
                               f"（{known.ref}），内容不同{_SHARED_SITE_HINT}")
            record = self.store.get_settlement(known.ref)
            if record is None:  # pragma: no cover - the foreign key makes this impossible
                raise NotFound(f"结算 {known.ref} 不存在")
            return self._settlement_view(record, repeat=True, full=full)
        provisional = adj.parse_provisional(item.get("provisional"))
        setl_time = adj.check_time(item.get("setl_time") or ctx.received, f"{where}setl_time")
        request, person, before, result, year = self._compute(ctx, raw, f"{where}request")
        reasons = [] if provisional is None else adj.adjustment_reasons(request_of(raw), person, before,
                                                                          provisional, result)
        adjustment = adj.adjustment(provisional, result, reasons)
        setl_id = f"C{ctx.now:%Y%m%d}{self.store.next_value('setl_id'):010d}"
        final = result.to_dict()
        raw_provisional = item.get("provisional")
        kept = None if not isinstance(raw_provisional, dict) else {
            k: raw_provisional.get(k) for k in ("policy", "setlinfo")}  # its fund lines are in the adjustment
        final_json, summary_json = _final_and_summary(final)
        record = SettlementRecord(
            setl_id=setl_id, site=ctx.site, local_id=local_id, msgid=ctx.env.msgid, psn_no=person.psn_no,
            mdtrt_id=str(request["encounter"].get("mdtrt_id", "")), year=year, setl_time=setl_time,
            adjudicated_at=ctx.received, fingerprint=fingerprint, pack_id=result.policy_id,
            pack_version=result.policy_version, pack_sha256=result.policy_sha256,
            status="adjusted" if adjustment is not None and adjustment["adjusted"] else "accepted",
            request_json=request_json.decode("utf-8"), person_json=p.dumps(request["person"]).decode("utf-8"),
            provisional_json=p.dumps(kept).decode("utf-8"), final_json=final_json, summary_json=summary_json,
            ytd_before=before, ytd_after=dict(result.year_to_date_after),
            adjustment_json=p.dumps(adjustment).decode("utf-8"),
            amounts={k: result.setlinfo[k] for k in SETLINFO_KEYS},
        )
        self.store.put_accumulators(person.psn_no, year, dict(result.year_to_date_after), ctx.received)
        self.store.add_settlement(record)
        return self._settlement_view(record, repeat=False, full=full, fresh=True)

    def _settlement_view(self, record: SettlementRecord, *, repeat: bool, full: bool = True,
                         fresh: bool = False) -> bytes:
        """The settlement as the client sees it (2304, 9511, 9512, 5203), JSON-encoded.

        ``final`` is the whole result (full) or its summary (policy, setlinfo, setldetail,
        year_to_date_after, warnings), spliced in as stored, never decoded and re-encoded.
        """
        reversal = None if fresh else self.store.get_reversal_of(record.setl_id)
        view = {
            "kind": "settlement", "local_id": record.local_id, "status": record.status, "infcode": 0,
            "err_msg": "", "repeat": repeat, "setl_id": record.setl_id, "msgid": record.msgid,
            "psn_no": record.psn_no, "mdtrt_id": record.mdtrt_id, "setl_time": record.setl_time,
            "adjudicated_at": record.adjudicated_at,
            "year_to_date_before": adj.accumulators_json(record.ytd_before),
            "reversed": None if reversal is None else {"rev_setl_id": reversal.rev_setl_id,
                                                        "local_id": reversal.local_id, "rev_time": reversal.rev_time},
        }
        head = p.dumps(view)
        return (head[:-1] + b',"adjustment":' + record.adjustment_json.encode("utf-8")
                + b',"final":' + (record.final_json if full else record.summary_json).encode("utf-8") + b"}")

    def _reverse_item(self, ctx: Context, item: dict[str, Any], where: str) -> bytes:
        local_id = _local_id(item, where)
        setl_id = _text(item, "setl_id", where=where)
        target_local = _text(item, "reverses_local_id", where=where)
        if bool(setl_id) == bool(target_local):
            raise BadInput(f"{where}请给出 setl_id 或 reverses_local_id 之一（被撤销的结算）")
        fingerprint = _fingerprint("reversal", setl_id, target_local)
        known = self.store.get_local_key(ctx.site, local_id)
        if known is not None:
            if known.kind != "reversal" or known.fingerprint != fingerprint:
                raise Conflict(f"{where}local_id {local_id} 已用于另一笔{_KIND_NAMES[known.kind]}"
                               f"（{known.ref}），内容不同{_SHARED_SITE_HINT}")
            found = self.store.get_reversal(known.ref)
            if found is None:  # pragma: no cover
                raise NotFound(f"撤销 {known.ref} 不存在")
            return self._reversal_view(found, repeat=True)
        if target_local:
            target_key = self.store.get_local_key(ctx.site, target_local)
            if target_key is None or target_key.kind != "settlement":
                raise NotFound(f"{where}本机构没有 local_id 为 {target_local} 的已上传结算（撤销须在结算之后上传）")
            setl_id = target_key.ref
        original = self.store.get_settlement(setl_id)
        if original is None or original.site != ctx.site:
            raise NotFound(f"{where}本机构没有结算 {setl_id}")
        already = self.store.get_reversal_of(original.setl_id)
        if already is not None:
            raise Conflict(f"{where}结算 {original.setl_id} 已于 {already.rev_time} 撤销（{already.rev_setl_id}）")
        rev_time = adj.check_time(item.get("rev_time") or ctx.received, f"{where}rev_time")
        before = self._accumulators(original.psn_no, original.year)
        after = adj.moved_back(before, original.ytd_before, original.ytd_after)
        record = ReversalRecord(
            rev_setl_id=f"R{ctx.now:%Y%m%d}{self.store.next_value('rev_setl_id'):010d}", setl_id=original.setl_id,
            site=ctx.site, local_id=local_id, msgid=ctx.env.msgid, psn_no=original.psn_no, year=original.year,
            rev_time=rev_time, processed_at=ctx.received, fingerprint=fingerprint, ytd_before=before,
            ytd_after=after, amounts=adj.negated(original.amounts),
        )
        self.store.put_accumulators(original.psn_no, original.year, after, ctx.received)
        self.store.add_reversal(record)
        return self._reversal_view(record, repeat=False)

    def _reversal_view(self, record: ReversalRecord, *, repeat: bool) -> bytes:
        return p.dumps({
            "kind": "reversal", "local_id": record.local_id, "status": "accepted", "infcode": 0, "err_msg": "",
            "repeat": repeat, "rev_setl_id": record.rev_setl_id, "setl_id": record.setl_id, "msgid": record.msgid,
            "psn_no": record.psn_no, "rev_time": record.rev_time, "processed_at": record.processed_at,
            "setlinfo": {k: fmt(v) for k, v in record.amounts.items()},
            "year_to_date_before": adj.accumulators_json(record.ytd_before),
            "year_to_date_after": adj.accumulators_json(record.ytd_after),
        })

    def settlement_query(self, ctx: Context, input_: dict[str, Any]) -> bytes:
        data = _data(input_)
        setl_id = _text(data, "setl_id")
        local_id = _text(data, "local_id")
        if local_id and not setl_id:
            key = self.store.get_local_key(ctx.site, local_id)
            if key is None:
                raise NotFound(f"本机构没有 local_id 为 {local_id} 的结算或撤销")
            setl_id = key.ref
        if not setl_id:
            raise BadInput("请给出 setl_id 或 local_id")
        record = self.store.get_settlement(setl_id)
        if record is not None and record.site == ctx.site:
            return self._settlement_view(record, repeat=False)
        reversal = self.store.get_reversal(setl_id)
        if reversal is not None and reversal.site == ctx.site:
            return self._reversal_view(reversal, repeat=False)
        raise NotFound(f"本机构没有结算 {setl_id}")

    def adjudication_results(self, ctx: Context, input_: dict[str, Any]) -> bytes:
        data = _data(input_, required=False)
        full = _detail(data)
        local_ids = data.get("local_ids")
        if local_ids is not None:
            if not isinstance(local_ids, list) or len(local_ids) > MAX_BATCH_ITEMS:
                raise BadInput(f"local_ids 应为最多 {MAX_BATCH_ITEMS} 个本地编号的列表")
            results: list[bytes] = []
            for raw in local_ids:
                local_id = str(raw)
                key = self.store.get_local_key(ctx.site, local_id)
                if key is None and self.store.is_queued(ctx.site, local_id):
                    results.append(p.dumps({"local_id": local_id, "status": "queued"}))
                elif key is None and (refused := self.store.last_rejection(ctx.site, local_id)) is not None:
                    results.append(p.dumps({"local_id": local_id, "kind": refused[0], "status": "rejected",
                                            "infcode": refused[1], "err_msg": refused[2]}))
                elif key is None:
                    results.append(p.dumps({"local_id": local_id, "status": "unknown"}))
                elif key.kind == "settlement" and (record := self.store.get_settlement(key.ref)) is not None:
                    results.append(self._settlement_view(record, repeat=True, full=full))
                elif key.kind == "reversal" and (reversal := self.store.get_reversal(key.ref)) is not None:
                    results.append(self._reversal_view(reversal, repeat=True))
                else:  # pragma: no cover - local keys are written with their records
                    raise NotFound(f"本地编号 {local_id} 的记录缺失")
            return b'{"results":[' + b",".join(results) + b"]}"
        cursor = _int(data, "cursor", 0, low=0, high=2**62)
        limit = _int(data, "limit", 200, low=1, high=MAX_BATCH_ITEMS)
        records = self.store.settlements(site=ctx.site, after_seq=cursor, limit=limit + 1)
        more = len(records) > limit
        records = records[:limit]
        views = b",".join(self._settlement_view(r, repeat=True, full=full) for r in records)
        tail = p.dumps({"next_cursor": records[-1].seq if records else cursor, "more": more})
        return b'{"results":[' + views + b"]," + tail[1:]

    # --- 3201, 3202 ------------------------------------------------------------------------

    def _statement(self, ctx: Context, data: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
        first, last = _day(data, "stmt_begndate"), _day(data, "stmt_enddate")
        if last < first:
            raise BadInput("stmt_enddate 早于 stmt_begndate")
        lines: list[dict[str, Any]] = []
        for s in self.store.settlements_between(ctx.site, first, last):
            lines.append({"kind": "settlement", "setl_id": s.setl_id, "rev_setl_id": "", "local_id": s.local_id,
                          "msgid": s.msgid, "psn_no": s.psn_no, "mdtrt_id": s.mdtrt_id, "setl_time": s.setl_time,
                          "amounts": s.amounts})
        for r in self.store.reversals_between(ctx.site, first, last):
            lines.append({"kind": "reversal", "setl_id": r.setl_id, "rev_setl_id": r.rev_setl_id,
                          "local_id": r.local_id, "msgid": r.msgid, "psn_no": r.psn_no, "mdtrt_id": "",
                          "setl_time": r.rev_time, "amounts": r.amounts})
        lines.sort(key=lambda x: (x["setl_time"], x["rev_setl_id"] or x["setl_id"]))
        return first, last, lines

    def recon_totals(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        first, last, lines = self._statement(ctx, data)
        amounts = [line["amounts"] for line in lines]
        keys = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "psn_cash_pay")
        totals = {k: _sum(amounts, k) for k in keys}
        out: dict[str, Any] = {
            "stmt_begndate": first, "stmt_enddate": last, "setl_cnt": len(lines),
            "settlement_cnt": sum(1 for x in lines if x["kind"] == "settlement"),
            "reversal_cnt": sum(1 for x in lines if x["kind"] == "reversal"),
            **{k: fmt(v) for k, v in totals.items()},
        }
        differences: dict[str, str] = {}
        compared = False
        for key in ("medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay"):
            if data.get(key) is not None:
                compared = True
                diff = totals[key] - adj.money(data[key], key)
                if diff:
                    differences[key] = fmt(diff)
        if data.get("fixmedins_setl_cnt") is not None:
            compared = True
            count = _int(data, "fixmedins_setl_cnt", 0, low=0, high=2**62)
            if count != len(lines):
                differences["setl_cnt"] = str(len(lines) - count)
        out["stmt_rslt"] = ("1" if differences else "0") if compared else ""
        out["differences"] = differences
        return out

    def recon_details(self, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
        data = _data(input_)
        first, last, lines = self._statement(ctx, data)
        page_num = _int(data, "page_num", 1, low=1, high=1_000_000)
        page_size = _int(data, "page_size", 1000, low=1, high=5000)
        keys = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "psn_cash_pay")
        rows = [{**{k: v for k, v in line.items() if k != "amounts"}, **{k: fmt(line["amounts"][k]) for k in keys}}
                for line in lines]
        out: dict[str, Any] = {"stmt_begndate": first, "stmt_enddate": last, "total": len(rows),
                               "page_num": page_num, "page_size": page_size,
                               "data": rows[(page_num - 1) * page_size: page_num * page_size]}
        local_ids = data.get("local_ids")
        if local_ids is not None:
            if not isinstance(local_ids, list):
                raise BadInput("local_ids 应为列表")
            site_ids = {str(x) for x in local_ids}
            central_ids = {line["local_id"] for line in lines}
            out["missing_at_central"] = sorted(site_ids - central_ids)
            out["missing_at_site"] = sorted(central_ids - site_ids)
            out["stmt_rslt"] = "0" if site_ids == central_ids else "1"
        return out
