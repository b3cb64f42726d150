"""The wire protocol's refusals, one class per infcode (the tree is drawn in ``protocol``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

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

    @classmethod
    def from_answer(cls, err_msg: str, output: Any) -> ProtocolError:
        """The refusal as the client reads it from an answer (its err_msg and output)."""
        return cls(err_msg)


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

    def output(self) -> dict[str, Any]:
        """What the refusal's ``output`` carries (the fields a client acts on); {} for most."""
        return {}


class BadInput(BusinessError):
    infcode = 2003


class NotFound(BusinessError):
    infcode = 3001


class Conflict(BusinessError):
    infcode = 3002


class EncounterAlreadySettled(BusinessError):
    """The encounter (the insured person's psn_no and the mdtrt_id) already has a settlement in
    force at the central system, from whatever site, local_id or batch: a second one is refused.
    ``in_force`` names it (``IN_FORCE_KEYS``); the answer's ``output.in_force`` carries it."""

    infcode = 3003
    IN_FORCE_KEYS: ClassVar[tuple[str, ...]] = ("setl_id", "site", "local_id", "psn_no", "mdtrt_id", "setl_time")
    clerk_text = QT_TRANSLATE_NOOP("errors", "This stay was already settled at the central system (settlement {setl_id}, site {site}, {setl_time}); it is not paid a second time. This entry is recorded against that settlement: give back what the patient paid for it (see the adjustments).")

    def __init__(self, err_msg: str, in_force: Mapping[str, Any] | None = None) -> None:
        super().__init__(err_msg)
        given = in_force or {}
        self.in_force: dict[str, str | None] = {
            k: None if given.get(k) is None else str(given.get(k)) for k in self.IN_FORCE_KEYS}

    def output(self) -> dict[str, Any]:
        return {"in_force": dict(self.in_force)}

    def clerk_args(self) -> Mapping[str, object]:
        return {**super().clerk_args(), **{k: self.in_force.get(k) or "?" for k in ("setl_id", "site", "setl_time")}}

    @classmethod
    def from_answer(cls, err_msg: str, output: Any) -> EncounterAlreadySettled:
        raw = output.get("in_force") if isinstance(output, Mapping) else None
        return cls(err_msg, raw if isinstance(raw, Mapping) else None)


class EcTokenExpired(BusinessError):
    """The e-voucher token (1101 with mdtrt_cert_type 01) is past its validity: the patient shows
    a fresh QR code in the app."""

    infcode = 3011
    clerk_text = QT_TRANSLATE_NOOP("errors", "The e-voucher QR code has expired: ask the patient to refresh the code in the app and scan it again.")


class EcTokenUnknown(BusinessError):
    """The e-voucher token was never issued by the central system (mistyped, damaged, another
    region's test code)."""

    infcode = 3012
    clerk_text = QT_TRANSLATE_NOOP("errors", "The insurance centre does not recognise this e-voucher QR code: scan it again, or use the ID card or social security card.")


class CertificateMismatch(BusinessError):
    """The certificate (e-voucher, ID card, social security card) belongs to another person than
    the one the message names (certno, psn_name or psn_no)."""

    infcode = 3013
    clerk_text = QT_TRANSLATE_NOOP("errors", "This e-voucher or card belongs to another insured person than the patient named: check who is at the window.")


class ServerError(ProtocolError):
    infcode = 9999
    http_status = 500


_BY_INFCODE: dict[int, type[ProtocolError]] = {
    cls.infcode: cls
    for cls in (MissingCredentials, UnknownSite, BadSignature, StaleTimestamp, ReusedNonce, WrongSite,
                MalformedEnvelope, UnknownInfno, MsgidConflict, BadMsgid, PayloadTooLarge, BadInput,
                NotFound, Conflict, EncounterAlreadySettled, EcTokenExpired, EcTokenUnknown, CertificateMismatch,
                ServerError)
}


def error_for_infcode(infcode: int, err_msg: str, output: Any = None) -> ProtocolError:
    """The typed exception for a non-zero infcode of a response (-1 and unknown codes:
    ProtocolError), with what the answer's ``output`` carries for it (e.g. the settlement in force)."""
    cls = _BY_INFCODE.get(infcode)
    if cls is None:
        exc = ProtocolError(err_msg)
        exc.infcode = infcode  # type: ignore[misc]
        return exc
    return cls.from_answer(err_msg, output)
