"""The wire protocol's refusals, one class per infcode (the tree is drawn in ``protocol``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ..errors import QT_TRANSLATE_NOOP, HospitalClientError


class ProtocolError(HospitalClientError):
    """A message the other side refused, with the envelope's infcode and err_msg."""

    infcode: ClassVar[int] = -1
    http_status: ClassVar[int] = 200
    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system refused ({infcode}): {err_msg}")

    def __init__(self, err_msg: str) -> None:
        super().__init__(err_msg)
        self.err_msg = err_msg

    def clerk_args(self) -> Mapping[str, object]:
        return {"infcode": self.infcode, "err_msg": self.err_msg}


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
