"""Request signing and its verification (the x-tif-* headers)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from .codes import HEADER_NONCE, HEADER_PAASID, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_SKEW_SECONDS
from .errors import BadSignature, MissingCredentials, StaleTimestamp


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
