"""Refusals of the use cases (the store's and the rules core's errors pass through unchanged),
and the error types the faces (ui/, cli/) need, re-exported so that they import only ``app``.

    AppError
      UnknownPerson       not in the local roster, and the request brings no year_to_date
      PermissionDenied    the operator's role does not allow the action
      NotInitialised      a configured site's database was never initialised
      TenderedTooLittle   the amount tendered is less than the cash due
      OverlappingStay     a typed stay overlaps another settled stay of the person, no reason given
      PaymentNotAllowed   the payment method is not allowed by the settlement's policy pack
      DischargeInFuture   the encounter ends after today: a stay not yet over cannot be settled
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError
from ..rules.errors import RequestError
from ..store.operators import AuthenticationFailed

__all__ = [
    "AppError",
    "AuthenticationFailed",
    "DischargeInFuture",
    "HospitalClientError",
    "NotInitialised",
    "OverlappingStay",
    "PaymentNotAllowed",
    "PermissionDenied",
    "RequestError",
    "TenderedTooLittle",
    "UnknownPerson",
]


class AppError(HospitalClientError):
    """Base class of the use cases' refusals."""

    exit_code = EXIT_BAD_INPUT
    clerk_text = QT_TRANSLATE_NOOP("errors", "The operation was not completed.")


class RefusedByCentre(AppError):
    """The central system refused what was asked; ``reason`` is its own words, shown to the clerk."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def clerk_args(self) -> Mapping[str, object]:
        return {"reason": self.reason}


class UnknownPerson(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "This person is not in the local roster and no year-to-date figures were given. Sync the roster or read the card, then try again.")


class PermissionDenied(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "Your role does not allow this; ask a supervisor.")


class NotInitialised(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database has not been initialised; call IT.")


class TenderedTooLittle(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The amount tendered is less than the amount due; nothing was settled.")


class DischargeInFuture(AppError):
    """The encounter's end (discharge, the visit, a mid-stay period's end) is after today."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The discharge date {endtime} is after today ({today}); check the dates. Nothing was settled.")

    def __init__(self, endtime: str, today: str) -> None:
        super().__init__(f"encounter.endtime {endtime} is after today ({today}): a stay not yet over cannot be settled")
        self.endtime, self.today = endtime, today

    def clerk_args(self) -> Mapping[str, object]:
        return {"endtime": self.endtime, "today": self.today}


class OverlappingStay(AppError):
    """A stay overlaps a settlement in force of the same person, one of the two typed by hand, and
    no reason was given to settle it anyway (the command line's --overlap-reason; the window asks)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "Another stay of this patient overlaps these dates; settle only after giving the reason why it is another stay.")

    def __init__(self, message: str, overlaps: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.overlaps = overlaps


class PaymentNotAllowed(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "This payment method is not allowed for this patient's insurance; choose another one. Nothing was settled.")
