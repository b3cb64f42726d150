"""The wire protocol between a site and the central system (DESIGN.md 4.4, docs/protocol.md).

    codes       transaction numbers and constants
    errors      one refusal class per infcode
    wire_json   JSON with exact Decimals
    msgid       envelope times and the msgid (the one builder)
    signing     x-tif-* request signatures
    envelope    request and response envelopes

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
    │   ├── Conflict                3002   already reversed; a local key reused with other content
    │   ├── EncounterAlreadySettled 3003   the encounter (psn_no + mdtrt_id) has a settlement in force
    │   ├── EcTokenExpired          3011   the e-voucher token (ecToken) has expired
    │   ├── EcTokenUnknown          3012   the e-voucher token was never issued (or is damaged)
    │   └── CertificateMismatch     3013   the certificate belongs to another person than the one named
    └── ServerError                 9999   unexpected failure (HTTP 500); safe to retry

Signature (our variant of the national gateway's, which also covers the body)::

    x-tif-signature = hex(HMAC-SHA256(key = site secret (UTF-8),
                                      msg = timestamp + "\n" + nonce + "\n" + paasid + "\n"
                                            + hex(SHA-256(body bytes))))
"""

from __future__ import annotations

from .codes import (
    ADJUDICATION_RESULTS,
    ADMISSION,
    AUDIT_HEAD_QUERY,
    AUDIT_HEAD_UPLOAD,
    BATCH_UPLOAD,
    BENCH_SINK,
    BENEFIT_CHECK,
    CATALOGUE_DOWNLOAD,
    CATALOGUE_QUERY,
    CORRECTION,
    CST,
    EC_TOKEN_ISSUE,
    EXTENSIONS,
    FEE_UPLOAD,
    HEADER_NONCE,
    HEADER_PAASID,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    INFCODE_OK,
    INFVER,
    MAX_SKEW_SECONDS,
    PACK_DOWNLOAD,
    PERSON_ACCUMULATORS,
    PERSON_INFO,
    PRE_SETTLEMENT,
    RECON_DETAILS,
    RECON_TOTALS,
    REVERSAL,
    REVIEW_LIBRARY_DOWNLOAD,
    ROSTER_DELTA,
    RULE_MID_ANALYSIS,
    RULE_PRE_ANALYSIS,
    SETTLEMENT,
    SETTLEMENT_QUERY,
    SIGN_IN,
    SITE_RECOVERY,
    TRANSACTIONS,
)
from .envelope import (
    RequestEnvelope,
    ResponseEnvelope,
    build_request,
    build_response,
    parse_request_envelope,
    parse_response,
    request_bytes,
)
from .errors import (
    AuthError,
    BadInput,
    BadMsgid,
    BadSignature,
    BusinessError,
    CertificateMismatch,
    Conflict,
    EcTokenExpired,
    EcTokenUnknown,
    EncounterAlreadySettled,
    EnvelopeError,
    MalformedEnvelope,
    MissingCredentials,
    MsgidConflict,
    NotFound,
    PayloadTooLarge,
    ProtocolError,
    ReusedNonce,
    ServerError,
    StaleTimestamp,
    UnknownInfno,
    UnknownSite,
    WrongSite,
    error_for_infcode,
)
from .msgid import (
    DESK_MAX,
    SEQUENCES_PER_SECOND,
    check_msgid,
    desk_sequence,
    format_time,
    make_msgid,
    msgid_site_code,
    parse_time,
)
from .signing import (
    AuthHeaders,
    body_digest,
    make_nonce,
    parse_auth_headers,
    sign,
    signed_headers,
    string_to_sign,
    verify_signature,
)
from .wire_json import (
    canonical_json,
    dumps,
    loads,
    message_fingerprint,
)

__all__ = [
    "ADJUDICATION_RESULTS",
    "ADMISSION",
    "AUDIT_HEAD_QUERY",
    "AUDIT_HEAD_UPLOAD",
    "BATCH_UPLOAD",
    "BENCH_SINK",
    "BENEFIT_CHECK",
    "CATALOGUE_DOWNLOAD",
    "CATALOGUE_QUERY",
    "CORRECTION",
    "CST",
    "DESK_MAX",
    "EC_TOKEN_ISSUE",
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
    "REVIEW_LIBRARY_DOWNLOAD",
    "ROSTER_DELTA",
    "RULE_MID_ANALYSIS",
    "RULE_PRE_ANALYSIS",
    "SEQUENCES_PER_SECOND",
    "SETTLEMENT",
    "SETTLEMENT_QUERY",
    "SIGN_IN",
    "SITE_RECOVERY",
    "TRANSACTIONS",
    "AuthError",
    "AuthHeaders",
    "BadInput",
    "BadMsgid",
    "BadSignature",
    "BusinessError",
    "CertificateMismatch",
    "Conflict",
    "EcTokenExpired",
    "EcTokenUnknown",
    "EncounterAlreadySettled",
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
    "desk_sequence",
    "dumps",
    "error_for_infcode",
    "format_time",
    "loads",
    "make_msgid",
    "make_nonce",
    "message_fingerprint",
    "msgid_site_code",
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
