"""The wire protocol between a site and the central system (DESIGN.md 4.4, docs/protocol.md).

Pure: no network, no files, no database. The client (with httpx) and the reference central
system (hospital_client.central) both build, sign, verify and parse messages with this module,
so the two sides cannot drift apart.

Exception hierarchy (each carries the ``infcode`` and ``http_status`` the server answers with)::

    ProtocolError
    ├── AuthError                          HTTP 401, nothing processed, nothing stored
    │   ├── MissingCredentials      1001   a x-tif-* header is missing or malformed
    │   ├── UnknownSite             1002   no credential for this x-tif-paasid
    │   ├── BadSignature            1003   x-tif-signature does not match
    │   ├── StaleTimestamp          1004   x-tif-timestamp more than 300 s from the server clock
    │   ├── ReusedNonce             1005   x-tif-nonce already used by this credential
    │   └── WrongSite               1006   envelope fixmedins_code is not the credential's own (HTTP 403)
    ├── EnvelopeError                      HTTP 400, nothing processed, nothing stored
    │   ├── MalformedEnvelope       2001   not JSON, or an envelope field missing or of the wrong type
    │   ├── UnknownInfno            2002   no such transaction
    │   ├── BadMsgid                2005   msgid is not fixmedins_code + yyyyMMddHHmmss + 4 digits
    │   ├── PayloadTooLarge         2006   body above the server's limit (HTTP 413)
    │   └── MsgidConflict           2004   msgid seen before with a different body (HTTP 409)
    ├── BusinessError                      HTTP 200, processed; the answer is stored under the msgid
    │   ├── BadInput                2003   a field of ``input`` is invalid (err_msg names it)
    │   ├── NotFound                3001   person, settlement or admission unknown
    │   └── Conflict                3002   already reversed; a local key reused with other content
    └── ServerError                 9999   unexpected failure (HTTP 500); safe to retry

Signature (our variant of the national gateway's, which also covers the body)::

    x-tif-signature = hex(HMAC-SHA256(key = site secret (UTF-8),
                                      msg = timestamp + "\\n" + nonce + "\\n" + paasid + "\\n"
                                            + hex(SHA-256(body bytes))))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

__all__ = [
    "ADJUDICATION_RESULTS",
    "ADMISSION",
    "BATCH_UPLOAD",
    "BENCH_SINK",
    "CATALOGUE_DOWNLOAD",
    "CATALOGUE_QUERY",
    "CST",
    "EXTENSIONS",
    "FEE_UPLOAD",
    "HEADER_NONCE",
    "HEADER_PAASID",
    "HEADER_SIGNATURE",
    "HEADER_TIMESTAMP",
    "INFCODE_OK",
    "INFVER",
    "MAX_SKEW_SECONDS",
    "PACK_DOWNLOAD",
    "PERSON_ACCUMULATORS",
    "PERSON_INFO",
    "PRE_SETTLEMENT",
    "RECON_DETAILS",
    "RECON_TOTALS",
    "REVERSAL",
    "ROSTER_DELTA",
    "SETTLEMENT",
    "SETTLEMENT_QUERY",
    "SIGN_IN",
    "TRANSACTIONS",
    "AuthError",
    "AuthHeaders",
    "BadInput",
    "BadMsgid",
    "BadSignature",
    "BusinessError",
    "Conflict",
    "EnvelopeError",
    "MalformedEnvelope",
    "MissingCredentials",
    "MsgidConflict",
    "NotFound",
    "PayloadTooLarge",
    "ProtocolError",
    "RequestEnvelope",
    "ResponseEnvelope",
    "ReusedNonce",
    "ServerError",
    "StaleTimestamp",
    "UnknownInfno",
    "UnknownSite",
    "WrongSite",
    "body_digest",
    "build_request",
    "build_response",
    "canonical_json",
    "check_msgid",
    "dumps",
    "error_for_infcode",
    "format_time",
    "loads",
    "make_msgid",
    "make_nonce",
    "message_fingerprint",
    "parse_auth_headers",
    "parse_request_envelope",
    "parse_response",
    "parse_time",
    "request_bytes",
    "sign",
    "signed_headers",
    "string_to_sign",
    "verify_signature",
]

# --- transaction numbers --------------------------------------------------------------------

SIGN_IN = "9001"  # 签到
PERSON_INFO = "1101"  # 人员信息获取
PERSON_ACCUMULATORS = "5206"  # 人员累计信息查询
CATALOGUE_QUERY = "1312"  # 医保目录信息查询
ADMISSION = "2401"  # 入院办理
FEE_UPLOAD = "2301"  # 住院费用明细上传
PRE_SETTLEMENT = "2303"  # 住院预结算
SETTLEMENT = "2304"  # 住院结算
REVERSAL = "2305"  # 住院结算撤销
SETTLEMENT_QUERY = "5203"  # 结算信息查询
RECON_TOTALS = "3201"  # 医药机构费用结算对总账
RECON_DETAILS = "3202"  # 医药机构费用结算对明细账
# Project extensions (not in the national spec; 95xx is unused there).
PACK_DOWNLOAD = "9501"  # 政策包下载
ROSTER_DELTA = "9502"  # 参保人员名册增量下载
CATALOGUE_DOWNLOAD = "9503"  # 医保目录整包下载
BATCH_UPLOAD = "9511"  # 离线结算批量上传
ADJUDICATION_RESULTS = "9512"  # 离线结算审核结果下载
BENCH_SINK = "9599"  # 基准测试：只保存报文，不做业务处理

TRANSACTIONS: dict[str, str] = {
    SIGN_IN: "签到",
    PERSON_INFO: "人员信息获取",
    PERSON_ACCUMULATORS: "人员累计信息查询",
    CATALOGUE_QUERY: "医保目录信息查询",
    ADMISSION: "入院办理",
    FEE_UPLOAD: "住院费用明细上传",
    PRE_SETTLEMENT: "住院预结算",
    SETTLEMENT: "住院结算",
    REVERSAL: "住院结算撤销",
    SETTLEMENT_QUERY: "结算信息查询",
    RECON_TOTALS: "对总账",
    RECON_DETAILS: "对明细账",
    PACK_DOWNLOAD: "政策包下载（扩展）",
    ROSTER_DELTA: "名册增量下载（扩展）",
    CATALOGUE_DOWNLOAD: "医保目录整包下载（扩展）",
    BATCH_UPLOAD: "离线结算批量上传（扩展）",
    ADJUDICATION_RESULTS: "离线结算审核结果（扩展）",
    BENCH_SINK: "基准测试接收（扩展）",
}
EXTENSIONS = frozenset({PACK_DOWNLOAD, ROSTER_DELTA, CATALOGUE_DOWNLOAD, BATCH_UPLOAD, ADJUDICATION_RESULTS,
                        BENCH_SINK})

INFVER = "V1.0"
INFCODE_OK = 0
MAX_SKEW_SECONDS = 300
HEADER_PAASID = "x-tif-paasid"
HEADER_TIMESTAMP = "x-tif-timestamp"
HEADER_NONCE = "x-tif-nonce"
HEADER_SIGNATURE = "x-tif-signature"
# China Standard Time: every time in an envelope (inf_time, refmsg_time, respond_time, msgid).
CST = dt.timezone(dt.timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# --- errors -----------------------------------------------------------------------------------


class ProtocolError(Exception):
    """A message the other side refused, with the envelope's infcode and err_msg."""

    infcode: ClassVar[int] = -1
    http_status: ClassVar[int] = 200

    def __init__(self, err_msg: str) -> None:
        super().__init__(err_msg)
        self.err_msg = err_msg


class AuthError(ProtocolError):
    """The request is not authentic or not allowed; nothing was processed or stored."""

    http_status = 401


class MissingCredentials(AuthError):
    infcode = 1001


class UnknownSite(AuthError):
    infcode = 1002


class BadSignature(AuthError):
    infcode = 1003


class StaleTimestamp(AuthError):
    infcode = 1004


class ReusedNonce(AuthError):
    infcode = 1005


class WrongSite(AuthError):
    infcode = 1006
    http_status = 403


class EnvelopeError(ProtocolError):
    """The envelope itself is unusable; nothing was processed or stored."""

    http_status = 400


class MalformedEnvelope(EnvelopeError):
    infcode = 2001


class UnknownInfno(EnvelopeError):
    infcode = 2002


class MsgidConflict(EnvelopeError):
    infcode = 2004
    http_status = 409


class BadMsgid(EnvelopeError):
    infcode = 2005


class PayloadTooLarge(EnvelopeError):
    infcode = 2006
    http_status = 413


class BusinessError(ProtocolError):
    """Processed and refused; the answer is stored under the msgid like any other."""


class BadInput(BusinessError):
    infcode = 2003


class NotFound(BusinessError):
    infcode = 3001


class Conflict(BusinessError):
    infcode = 3002


class ServerError(ProtocolError):
    infcode = 9999
    http_status = 500


_BY_INFCODE: dict[int, type[ProtocolError]] = {
    cls.infcode: cls
    for cls in (MissingCredentials, UnknownSite, BadSignature, StaleTimestamp, ReusedNonce, WrongSite,
                MalformedEnvelope, UnknownInfno, MsgidConflict, BadMsgid, PayloadTooLarge, BadInput,
                NotFound, Conflict, ServerError)
}


def error_for_infcode(infcode: int, err_msg: str) -> ProtocolError:
    """The typed exception for a non-zero infcode of a response (-1 and unknown codes: ProtocolError)."""
    cls = _BY_INFCODE.get(infcode)
    if cls is None:
        exc = ProtocolError(err_msg)
        exc.infcode = infcode  # type: ignore[misc]
        return exc
    return cls(err_msg)


# --- JSON -------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def loads(data: bytes | str) -> Any:
    """JSON with non-integers read as exact Decimals (money never passes through a binary float)."""
    return json.loads(data, parse_float=Decimal, parse_constant=_reject_constant)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, Chinese kept as is; a Decimal is written as its string."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default).encode("utf-8")


def canonical_json(data: Any) -> bytes:
    """Keys sorted, no whitespace: the form compared to tell a repeat from a different message."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      default=_default).encode("utf-8")


def message_fingerprint(infno: str, fixmedins_code: str, input_bytes: bytes) -> str:
    """What makes two messages with one msgid 'the same': infno, site and the input's exact bytes.

    inf_time, sign_no and the operator fields may differ between a message and its retry (a
    client may rebuild the envelope when it re-sends); the ``input`` value must be byte-identical.
    """
    digest = hashlib.sha256()
    digest.update(f"{infno}\n{fixmedins_code}\n".encode())
    digest.update(input_bytes)
    return digest.hexdigest()


# --- times and msgid --------------------------------------------------------------------------


def format_time(moment: dt.datetime) -> str:
    """'yyyy-MM-dd HH:mm:ss' in China Standard Time (a naive datetime is taken as CST)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return moment.astimezone(CST).strftime(TIME_FORMAT)


def parse_time(text: str) -> dt.datetime:
    """An envelope time back into an aware datetime (CST). Raises ValueError."""
    return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=CST)


_SITE_CODE = re.compile(r"[0-9A-Za-z]{12}")
_MSGID = re.compile(r"([0-9A-Za-z]{12})([0-9]{14})([0-9]{4})")


def make_msgid(fixmedins_code: str, moment: dt.datetime, seq: int) -> str:
    """fixmedins_code (12) + yyyyMMddHHmmss (CST) + a 4-digit sequence: 30 characters."""
    if not _SITE_CODE.fullmatch(fixmedins_code):
        raise ValueError(f"fixmedins_code {fixmedins_code!r} is not 12 letters or digits")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return f"{fixmedins_code}{moment.astimezone(CST):%Y%m%d%H%M%S}{seq % 10000:04d}"


def check_msgid(msgid: str, fixmedins_code: str) -> None:
    """Raise BadMsgid unless msgid is this site's code + a real time + 4 digits."""
    match = _MSGID.fullmatch(msgid) if isinstance(msgid, str) else None
    if match is None:
        raise BadMsgid(f"msgid {msgid!r} 格式错误：应为机构编码(12位)+yyyyMMddHHmmss+4位序号，共30位")
    if match.group(1) != fixmedins_code:
        raise BadMsgid(f"msgid {msgid} 的前12位不是本机构编码 {fixmedins_code}")
    try:
        dt.datetime.strptime(match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        raise BadMsgid(f"msgid {msgid} 中的时间 {match.group(2)} 不是有效时间") from None


# --- signing ----------------------------------------------------------------------------------


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(timestamp: str, nonce: str, paasid: str, body: bytes) -> bytes:
    return "\n".join((timestamp, nonce, paasid, body_digest(body))).encode("utf-8")


def sign(secret: str, timestamp: str, nonce: str, paasid: str, body: bytes) -> str:
    """hex(HMAC-SHA256(secret, timestamp \\n nonce \\n paasid \\n sha256hex(body)))."""
    return hmac.new(secret.encode("utf-8"), string_to_sign(timestamp, nonce, paasid, body),
                    hashlib.sha256).hexdigest()


def make_nonce() -> str:
    return secrets.token_hex(16)


def signed_headers(paasid: str, secret: str, body: bytes, *, timestamp: int | None = None,
                   nonce: str | None = None) -> dict[str, str]:
    """The four x-tif-* headers for exactly these body bytes (a fresh nonce and the current time by default)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    once = make_nonce() if nonce is None else nonce
    return {
        HEADER_PAASID: paasid,
        HEADER_TIMESTAMP: stamp,
        HEADER_NONCE: once,
        HEADER_SIGNATURE: sign(secret, stamp, once, paasid, body),
        "content-type": "application/json; charset=utf-8",
    }


@dataclass(frozen=True, slots=True)
class AuthHeaders:
    paasid: str
    timestamp: int
    nonce: str
    signature: str
    raw_timestamp: str


_NONCE = re.compile(r"[0-9A-Za-z_-]{8,64}")


def parse_auth_headers(headers: Mapping[str, str]) -> AuthHeaders:
    """The x-tif-* headers, checked for presence and shape. Raises MissingCredentials."""
    lower = {k.lower(): v for k, v in headers.items()}
    missing = [h for h in (HEADER_PAASID, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE) if not lower.get(h)]
    if missing:
        raise MissingCredentials(f"缺少认证头 {', '.join(missing)}")
    stamp = lower[HEADER_TIMESTAMP]
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise MissingCredentials(f"{HEADER_TIMESTAMP} 应为 Unix 秒数（十进制整数）")
    nonce = lower[HEADER_NONCE]
    if not _NONCE.fullmatch(nonce):
        raise MissingCredentials(f"{HEADER_NONCE} 应为 8 至 64 位字母、数字、- 或 _")
    return AuthHeaders(paasid=lower[HEADER_PAASID], timestamp=int(stamp), nonce=nonce,
                       signature=lower[HEADER_SIGNATURE].lower(), raw_timestamp=stamp)


def verify_signature(secret: str, auth: AuthHeaders, body: bytes, *, now: float,
                     max_skew: int = MAX_SKEW_SECONDS) -> None:
    """Raise BadSignature or StaleTimestamp; the nonce's freshness is the caller's (stateful) check."""
    expected = sign(secret, auth.raw_timestamp, auth.nonce, auth.paasid, body)
    if not hmac.compare_digest(expected, auth.signature):
        raise BadSignature("签名校验失败：x-tif-signature 与报文不符（密钥错误或报文被改动）")
    skew = auth.timestamp - now
    if abs(skew) > max_skew:
        raise StaleTimestamp(
            f"时间戳过期：x-tif-timestamp 与中心时钟相差 {abs(int(skew))} 秒，超过 {max_skew} 秒；请校准本机时钟"
        )


# --- envelopes --------------------------------------------------------------------------------

_REQUEST_TEXT_FIELDS = ("infno", "msgid", "inf_time", "fixmedins_code", "fixmedins_name", "mdtrtarea_admvs",
                        "insuplc_admdvs", "opter", "opter_name", "opter_type", "infver", "sign_no")
_REQUIRED = ("infno", "msgid", "fixmedins_code", "input")


@dataclass(frozen=True, slots=True)
class RequestEnvelope:
    infno: str
    msgid: str
    fixmedins_code: str
    input: Any
    input_bytes: bytes = field(default=b"", repr=False, compare=False)
    inf_time: str = ""
    fixmedins_name: str = ""
    mdtrtarea_admvs: str = ""
    insuplc_admdvs: str = ""
    opter: str = ""
    opter_name: str = ""
    opter_type: str = ""
    infver: str = INFVER
    sign_no: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in _REQUEST_TEXT_FIELDS}
        data["input"] = self.input
        return data


def build_request(infno: str, input_: Any, *, msgid: str, fixmedins_code: str, fixmedins_name: str = "",
                  mdtrtarea_admvs: str = "", insuplc_admdvs: str = "", opter: str = "", opter_name: str = "",
                  opter_type: str = "1", sign_no: str = "", inf_time: dt.datetime | None = None) -> dict[str, Any]:
    """A request envelope as a dict, ready for dumps() and signed_headers()."""
    return RequestEnvelope(
        infno=infno, msgid=msgid, fixmedins_code=fixmedins_code, input=input_,
        inf_time=format_time(inf_time or dt.datetime.now(CST)), fixmedins_name=fixmedins_name,
        mdtrtarea_admvs=mdtrtarea_admvs, insuplc_admdvs=insuplc_admdvs, opter=opter, opter_name=opter_name,
        opter_type=opter_type, sign_no=sign_no,
    ).to_dict()


def request_bytes(infno: str, input_json: bytes, **envelope: Any) -> bytes:
    """``dumps(build_request(infno, input_, ...))`` for an ``input`` already serialised to JSON bytes:
    the bytes are spliced in as they are (a large batch is not decoded and encoded again)."""
    head = dumps(build_request(infno, {}, **envelope))
    if not head.endswith(b'"input":{}}'):  # pragma: no cover - build_request puts input last
        raise ValueError("the envelope does not end with its input")
    return head[:-3] + input_json + b"}"


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)
_WS = re.compile(r"[ \t\n\r]*")


def _top_level(text: str) -> dict[str, tuple[Any, int, int]]:
    """A JSON object's members with the span of each value in the text (one pass, C scanner)."""
    members: dict[str, tuple[Any, int, int]] = {}
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] != "{":
        raise ValueError("not a JSON object")
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] == "}":
        end = pos + 1
    else:
        while True:
            if text[pos:pos + 1] != '"':
                raise ValueError(f"expected a member name at character {pos}")
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] != ":":
                raise ValueError(f"expected ':' at character {pos}")
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            value, after = _DECODER.raw_decode(text, pos)
            members[key] = (value, pos, after)
            pos = _WS.match(text, after).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] == ",":
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                continue
            if text[pos:pos + 1] != "}":
                raise ValueError(f"expected ',' or '}}' at character {pos}")
            end = pos + 1
            break
    if _WS.match(text, end).end() != len(text):  # type: ignore[union-attr]
        raise ValueError("extra data after the JSON object")
    return members


def parse_request_envelope(body: bytes) -> RequestEnvelope:
    """A request envelope from its bytes. Raises MalformedEnvelope naming the field.

    ``input_bytes`` is the exact text of the ``input`` value as sent (for message_fingerprint).
    """
    try:
        text = body.decode("utf-8")
        members = _top_level(text)
    except UnicodeDecodeError:
        raise MalformedEnvelope("报文不是 UTF-8 编码") from None
    except (ValueError, RecursionError) as exc:
        raise MalformedEnvelope(f"报文不是有效的 JSON 对象：{exc}") from None
    data = {k: v[0] for k, v in members.items()}
    for name in _REQUIRED:
        if name not in data:
            raise MalformedEnvelope(f"缺少报文字段 {name}")
    values: dict[str, Any] = {}
    for name in _REQUEST_TEXT_FIELDS:
        value = data.get(name, "")
        if value is None:
            value = ""
        if isinstance(value, int) and not isinstance(value, bool) and name in ("infno", "opter_type"):
            value = str(value)
        if not isinstance(value, str):
            raise MalformedEnvelope(f"报文字段 {name} 应为字符串")
        if len(value) > 200:
            raise MalformedEnvelope(f"报文字段 {name} 过长")
        values[name] = value
    if not isinstance(data["input"], dict):
        raise MalformedEnvelope("报文字段 input 应为 JSON 对象")
    if values.get("inf_time"):
        try:
            parse_time(values["inf_time"])
        except ValueError:
            raise MalformedEnvelope("报文字段 inf_time 应为 yyyy-MM-dd HH:mm:ss") from None
    _, start, end = members["input"]
    return RequestEnvelope(input=data["input"], input_bytes=text[start:end].encode("utf-8"), **values)


@dataclass(frozen=True, slots=True)
class ResponseEnvelope:
    infcode: int
    inf_refmsgid: str
    refmsg_time: str
    respond_time: str
    err_msg: str
    output: Any = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.infcode == INFCODE_OK

    def to_dict(self) -> dict[str, Any]:
        return {"infcode": self.infcode, "inf_refmsgid": self.inf_refmsgid, "refmsg_time": self.refmsg_time,
                "respond_time": self.respond_time, "err_msg": self.err_msg, "output": self.output}

    def raise_for_infcode(self) -> None:
        """Raise the typed ProtocolError of a refused message; nothing for infcode 0."""
        if not self.ok:
            raise error_for_infcode(self.infcode, self.err_msg)


def build_response(*, infcode: int, inf_refmsgid: str, refmsg_time: str, respond_time: str, err_msg: str = "",
                   output: Any = None) -> dict[str, Any]:
    return ResponseEnvelope(infcode=infcode, inf_refmsgid=inf_refmsgid, refmsg_time=refmsg_time,
                            respond_time=respond_time, err_msg=err_msg,
                            output={} if output is None else output).to_dict()


def parse_response(body: bytes) -> ResponseEnvelope:
    """A response envelope from its bytes. Raises MalformedEnvelope."""
    try:
        data = loads(body)
    except (ValueError, RecursionError) as exc:
        raise MalformedEnvelope(f"应答不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("infcode"), int) or isinstance(data["infcode"], bool):
        raise MalformedEnvelope("应答不是信封格式（缺少整数 infcode）")
    texts = {}
    for name in ("inf_refmsgid", "refmsg_time", "respond_time", "err_msg"):
        value = data.get(name) or ""
        if not isinstance(value, str):
            raise MalformedEnvelope(f"应答字段 {name} 应为字符串")
        texts[name] = value
    return ResponseEnvelope(infcode=data["infcode"], output=data.get("output") or {}, **texts)
