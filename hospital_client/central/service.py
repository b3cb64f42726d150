"""The central system's message processing, independent of HTTP: authentication, msgid
idempotency and dispatch to the transaction handlers.

``CentralService.handle(headers, body)`` authenticates a request, enforces msgid idempotency,
runs the transaction's handler inside one database transaction and returns the HTTP status
and the response envelope's bytes. The HTTP layer (http_server.py) only moves bytes.

Order of checks (docs/protocol.md): headers -> site -> signature -> timestamp -> nonce ->
envelope -> fixmedins_code -> msgid -> infno -> stored answer (repeat / conflict) -> handler.
Everything before the handler is refused without storing anything (except the used nonce).

The handlers, one module per transaction family (each lists its transactions):

    identity.py         9001 sign-in, 1101 person, 5206 accumulators, 9502 roster delta
    reference_data.py   1312 catalogue query, 9501 packs, 9503 catalogue download
    encounters.py       2401 admission, 2301 fee upload
    inpatient.py        2402 discharge, 2403 change, 2404 / 2405 cancellations, 2302 fee line withdrawal
    outpatient.py       2201-2208 the outpatient visit and its settlement, 2503/2504/5301 慢特病备案
    settlement.py       2303 pre-settlement, 2304 settlement, 2305 reversal, 5203 query
    correction.py       2601 冲正 (undo a message whose reply was lost), 5203 by msgid
    batches.py          9511 offline batches (and their queue), 9512 adjudication results
    recovery.py         9513 a site's numbers and entries, for a desk restored from a backup
    review_analysis.py  3101 / 3102 智能审核 analysis (the engine also runs on every settlement)
    review_libraries.py 9504 review-rule library download
    reconciliation.py   3201 totals, 3202 details
    clearing.py         3203 clearing application, 3204 its withdrawal
    settlement_lists.py 4101 settlement list upload (with quality control), 4103 query, 4104 QC results
    settlement_list_status.py 4101A the newer upload, 4102 a list's status (confirmed, withdrawn)
    clearing_status.py  3205A the site's clearing applications and their state (approved by `central clearing approve`)
    audit_heads.py      9521 a site's audit chain head, 9522 the head held
    bench_sink.py       9599, a benchmark hook (stores the body, nothing else); only with
                        ``central serve --bench-sink``, refused as an unknown infno otherwise
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .. import protocol as p
from ..protocol import BadInput, BusinessError, ProtocolError, WrongSite, codes
from . import (
    audit_heads,
    batches,
    clearing,
    clearing_status,
    correction,
    encounters,
    identity,
    inpatient,
    message_log,
    outpatient,
    reconciliation,
    recovery,
    reference_data,
    review_analysis,
    review_libraries,
    settlement,
    settlement_list_status,
    settlement_lists,
)
from .bench_sink import take_bench_message
from .context import Central, Context, Handler
from .evoucher import benefit_check, issue_token
from .queue_wait import ONLINE_WAIT_SECONDS, QUEUE_BUSY_ERR_MSG, QUEUE_BUSY_HTTP_STATUS, drain_within
from .store import CentralStore, StoredMessage, StoreError
from .store_unavailable import UNAVAILABLE_ERR_MSG, UNAVAILABLE_HTTP_STATUS, StoreUnavailable

log = logging.getLogger("hospital_client.central")

API_PATH = "/fsi/api/rsfComIfsService/callService"
MAX_BODY_BYTES = 64 * 1024 * 1024
REPEAT_HEADER = "x-central-repeat"
# Nonces are remembered for this long: a message older than the allowed skew is refused anyway.
NONCE_RETENTION_SECONDS = 2 * p.MAX_SKEW_SECONDS + 60
# Transactions that adjudicate or move accumulators (and 9513, which reports what a site holds): a
# queued batch (9511 ack "stored") received before them is adjudicated first, so that everything
# stays in arrival order.
ORDERED = frozenset({p.SETTLEMENT, p.REVERSAL, p.BATCH_UPLOAD, p.SITE_RECOVERY, p.CORRECTION,
                     codes.OUTPATIENT_SETTLEMENT, codes.OUTPATIENT_REVERSAL,
                     # they depend on whether the stay is settled: after the settlements queued before them
                     codes.FEE_WITHDRAW, codes.ADMISSION_CHANGE, codes.ADMISSION_CANCEL, codes.DISCHARGE_CANCEL})
# The worker leaves the lock alone while batches arrive less than this many seconds apart (a site
# uploading its batches one after the other), up to http_server.MAX_DEFER_SECONDS.
QUIET_SECONDS = 0.25

HANDLERS: dict[str, Handler] = {
    p.SIGN_IN: identity.sign_in,
    p.PERSON_INFO: identity.person_info,
    p.PERSON_ACCUMULATORS: identity.person_accumulators,
    p.BENEFIT_CHECK: benefit_check,
    p.EC_TOKEN_ISSUE: issue_token,
    p.CATALOGUE_QUERY: reference_data.catalogue_query,
    p.CATALOGUE_DOWNLOAD: reference_data.catalogue_download,
    p.ADMISSION: encounters.admission,
    p.FEE_UPLOAD: encounters.fee_upload,
    codes.FEE_WITHDRAW: inpatient.fee_withdraw,
    codes.DISCHARGE: inpatient.discharge,
    codes.ADMISSION_CHANGE: inpatient.admission_change,
    codes.ADMISSION_CANCEL: inpatient.admission_cancel,
    codes.DISCHARGE_CANCEL: inpatient.discharge_cancel,
    p.PRE_SETTLEMENT: settlement.pre_settlement,
    p.SETTLEMENT: settlement.settlement,
    p.REVERSAL: settlement.reversal,
    p.SETTLEMENT_QUERY: settlement.settlement_query,
    p.CORRECTION: correction.correction,
    codes.OUTPATIENT_REGISTER: outpatient.register,
    codes.OUTPATIENT_REGISTER_CANCEL: outpatient.register_cancel,
    codes.OUTPATIENT_VISIT_INFO: outpatient.visit_info,
    codes.OUTPATIENT_FEE_UPLOAD: outpatient.fee_upload,
    codes.OUTPATIENT_FEE_CANCEL: outpatient.fee_cancel,
    codes.OUTPATIENT_PRE_SETTLEMENT: outpatient.pre_settlement,
    codes.OUTPATIENT_SETTLEMENT: outpatient.settlement,
    codes.OUTPATIENT_REVERSAL: outpatient.reversal,
    codes.CHRONIC_FILING: outpatient.file_disease,
    codes.CHRONIC_FILING_CANCEL: outpatient.revoke_filing,
    codes.CHRONIC_FILING_QUERY: outpatient.filings_query,
    p.RULE_PRE_ANALYSIS: review_analysis.pre_analysis,
    p.RULE_MID_ANALYSIS: review_analysis.mid_analysis,
    p.RECON_TOTALS: reconciliation.recon_totals,
    p.RECON_DETAILS: reconciliation.recon_details,
    codes.CLEARING_APPLY: clearing.apply,
    codes.CLEARING_WITHDRAW: clearing.withdraw,
    codes.CLEARING_STATUS_QUERY: clearing_status.status_query,
    codes.SETTLEMENT_LIST_UPLOAD: settlement_lists.upload,
    codes.SETTLEMENT_LIST_UPLOAD_V2: settlement_list_status.upload_v2,
    codes.SETTLEMENT_LIST_STATUS: settlement_list_status.change_status,
    codes.SETTLEMENT_LIST_QUERY: settlement_lists.query,
    codes.SETTLEMENT_LIST_QC: settlement_lists.quality_results,
    p.PACK_DOWNLOAD: reference_data.pack_download,
    p.REVIEW_LIBRARY_DOWNLOAD: review_libraries.review_library_download,
    p.ROSTER_DELTA: identity.roster_delta,
    p.BATCH_UPLOAD: batches.batch_upload,
    p.ADJUDICATION_RESULTS: batches.adjudication_results,
    p.SITE_RECOVERY: recovery.site_recovery,
    p.AUDIT_HEAD_UPLOAD: audit_heads.audit_head_upload,
    p.AUDIT_HEAD_QUERY: audit_heads.audit_head_query,
}


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _envelope_bytes(infcode: int, inf_refmsgid: str, refmsg_time: str, respond_time: str, err_msg: str,
                    output_json: bytes) -> bytes:
    head = json.dumps({"infcode": infcode, "inf_refmsgid": inf_refmsgid, "refmsg_time": refmsg_time,
                       "respond_time": respond_time, "err_msg": err_msg}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return head[:-1] + b',"output":' + output_json + b"}"


class CentralService:
    """Processes envelopes against a CentralStore with the rules core. One message at a time."""

    def __init__(self, store: CentralStore, *, clock: Callable[[], float] = time.time,
                 bench_sink: bool = False, online_wait: float = ONLINE_WAIT_SECONDS) -> None:
        if not store.is_initialised():
            raise StoreError("the central database is not initialised; run `central init --db PATH` first")
        self.store = store
        self.clock = clock
        self.bench_sink = bench_sink  # 9599 answered (`central serve --bench-sink`); else refused as unknown
        self.online_wait = online_wait  # seconds an ORDERED message waits for partitions other workers hold
        self.lock = threading.Lock()
        self._refseq = itertools.count(1)
        self._handled = 0
        self._waiting = 0  # messages waiting for the lock (the queue worker gives way to them)
        self._in_flight = 0  # HTTP requests being received or processed (http_server.py counts them)
        self._last_upload = 0.0  # when the last batch was queued (monotonic)
        self._count_lock = threading.Lock()
        self.queue_wakeup = threading.Event()
        self.central = Central(store, clock=clock)

    # --- the envelope ----------------------------------------------------------------------

    def handle(self, headers: Mapping[str, str], body: bytes) -> Reply:
        """Process one HTTP request's headers and body; never raises."""
        stamp = self.clock()
        now = dt.datetime.fromtimestamp(stamp, p.CST)
        received = p.format_time(now)
        refmsgid = self._refmsgid(now)
        with self._count_lock:
            self._waiting += 1
        try:
            with self.lock:
                with self._count_lock:
                    self._waiting -= 1
                return self._handle(headers, body, stamp, now, received, refmsgid)
        except ProtocolError as exc:
            return self._refusal(exc, refmsgid, received)
        except StoreUnavailable as exc:  # the database restarting: nothing was done, the site sends it again
            log.warning("message not processed: %s", exc)
            refusal = self._refusal(p.ServerError(UNAVAILABLE_ERR_MSG), refmsgid, received)
            return Reply(UNAVAILABLE_HTTP_STATUS, refusal.body)
        except Exception:
            log.exception("internal error while processing a message")
            return self._refusal(p.ServerError("中心系统内部错误，请稍后重试"), refmsgid, received)

    def refuse(self, exc: ProtocolError) -> Reply:
        """The reply for a request refused before it reached handle() (e.g. a body over the limit)."""
        now = self.central.now()
        return self._refusal(exc, self._refmsgid(now), p.format_time(now))

    def _refmsgid(self, now: dt.datetime) -> str:
        return f"CENTRAL00000{now:%Y%m%d%H%M%S}{next(self._refseq) % 10000:04d}"

    def _refusal(self, exc: ProtocolError, refmsgid: str, received: str) -> Reply:
        body = _envelope_bytes(exc.infcode, refmsgid, received, self._respond_time(), exc.err_msg, b"{}")
        return Reply(exc.http_status, body)

    def _respond_time(self) -> str:
        return p.format_time(self.central.now())

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
        if env.infno == p.BENCH_SINK and self.bench_sink:
            taken = take_bench_message(self.store, site.code, body, received)
            return Reply(200, _envelope_bytes(0, refmsgid, received, self._respond_time(), "", taken))
        handler = HANDLERS.get(env.infno)
        if handler is None:
            raise p.UnknownInfno(f"不支持的交易编号 infno={env.infno}")
        fingerprint = p.message_fingerprint(env.infno, env.fixmedins_code, env.input_bytes)
        queued = batches.queued_mode(env)
        if env.infno in ORDERED and not queued and self.store.has_queued() and not self._drain_queue_locked():
            log.warning("message %s refused: the queue was not done within %g s", env.infno, self.online_wait)
            busy = self._refusal(p.ServerError(QUEUE_BUSY_ERR_MSG), refmsgid, received)
            return Reply(QUEUE_BUSY_HTTP_STATUS, busy.body)
        ctx = Context(site=site.code, env=env, now=now, received=received)
        with self.store.transaction():
            stored = self.store.get_message(env.msgid)
            if stored is not None:
                if stored.fingerprint == correction.VOIDED:
                    raise p.MsgidConflict(f"msgid {env.msgid} 已冲正（2601），该报文不再办理；须以新的 msgid 重新发送")
                if stored.fingerprint != fingerprint:
                    raise p.MsgidConflict(
                        f"msgid {env.msgid} 已用于另一笔内容不同的报文（原交易 {stored.infno}）；新报文须使用新的 msgid"
                    )
                if not message_log.answered_afresh(stored.infno):
                    body_out = _envelope_bytes(stored.infcode, stored.inf_refmsgid, stored.refmsg_time,
                                               self._respond_time(), stored.err_msg, stored.output_json.encode("utf-8"))
                    return Reply(200, body_out, {REPEAT_HEADER: "1"})
            try:
                with self.store.transaction():  # a savepoint: a refused message leaves no partial writes
                    if env.sign_no and self.store.sign_in_site(env.sign_no) != site.code:
                        raise BadInput(f"sign_no {env.sign_no} 不是本机构的有效签到编号；请重新签到（9001）")
                    output = handler(self.central, ctx, env.input)
                    if queued:  # the batch is stored: wake the queue worker
                        self._last_upload = time.monotonic()
                        self.queue_wakeup.set()
                infcode, err_msg = p.INFCODE_OK, ""
            except BusinessError as exc:
                output, infcode, err_msg = exc.output(), exc.infcode, exc.err_msg
            output_json = output if isinstance(output, bytes) else p.dumps(output)
            if stored is not None:  # a read sent again (message_log.py): read afresh, under its first answer's ids
                return Reply(200, _envelope_bytes(infcode, stored.inf_refmsgid, stored.refmsg_time,
                                                  self._respond_time(), err_msg, output_json), {REPEAT_HEADER: "1"})
            self.store.put_message(StoredMessage(
                msgid=env.msgid, site=site.code, infno=env.infno, fingerprint=fingerprint, infcode=infcode,
                inf_refmsgid=refmsgid, refmsg_time=received, err_msg=err_msg,
                output_json=message_log.logged_output(env.infno, output_json),
            ))
        return Reply(200, _envelope_bytes(infcode, refmsgid, received, self._respond_time(), err_msg, output_json))

    # --- the adjudication queue (9511 with ack "stored") -----------------------------------

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

    def _drain_queue_locked(self) -> bool:
        """Everything queued before this message, adjudicated (here, and by the workers holding
        partitions: waited for, up to ``online_wait`` seconds, queue_wait.py); False: not done in time."""
        return drain_within(self.central, self.online_wait)
