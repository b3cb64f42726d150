"""JSON as the protocol writes it: Decimals for non-integers, compact UTF-8, a canonical form."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def loads(data: bytes | str) -> Any:
    """JSON with non-integers read as exact Decimals (money never passes through a binary float)."""
    return json.loads(data, parse_float=Decimal, parse_constant=_reject_constant)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# made once: json.dumps with these options would make an encoder for every call
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=_default)


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, Chinese kept as is; a Decimal is written as its string."""
    return _COMPACT.encode(data).encode("utf-8")


def dumps_text(data: Any) -> str:
    """``dumps`` as text (not yet UTF-8 encoded)."""
    return _COMPACT.encode(data)


def canonical_json(data: Any) -> bytes:
    """Keys sorted, no whitespace: the form compared to tell a repeat from a different message."""
    return _CANONICAL.encode(data).encode("utf-8")


def message_fingerprint(infno: str, fixmedins_code: str, input_bytes: bytes) -> str:
    """What makes two messages with one msgid 'the same': infno, site and the input's exact bytes.

    inf_time, sign_no and the operator fields may differ between a message and its retry (a
    client may rebuild the envelope when it re-sends); the ``input`` value must be byte-identical.
    """
    digest = hashlib.sha256()
    digest.update(f"{infno}\n{fixmedins_code}\n".encode())
    digest.update(input_bytes)
    return digest.hexdigest()
