"""Refusals of the use cases (the store's and the rules core's errors pass through unchanged),
and the error types the faces (ui/, cli/) need, re-exported so that they import only ``app``.

    AppError
      UnknownPerson       not in the local roster, and the request brings no year_to_date
      PermissionDenied    the operator's role does not allow the action
      NotInitialised      a configured site's database was never initialised
      TenderedTooLittle   the amount tendered is less than the cash due
"""

from __future__ import annotations

from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError
from ..rules.errors import RequestError
from ..store.operators import AuthenticationFailed

__all__ = [
    "AppError",
    "AuthenticationFailed",
    "HospitalClientError",
    "NotInitialised",
    "PermissionDenied",
    "RequestError",
    "TenderedTooLittle",
    "UnknownPerson",
]


class AppError(HospitalClientError):
    """Base class of the use cases' refusals."""

    exit_code = EXIT_BAD_INPUT
    clerk_text = QT_TRANSLATE_NOOP("errors", "The operation was not completed.")


class UnknownPerson(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "This person is not in the local roster and no year-to-date figures were given. Sync the roster or read the card, then try again.")


class PermissionDenied(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "Your role does not allow this; ask a supervisor.")


class NotInitialised(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database has not been initialised; call IT.")


class TenderedTooLittle(AppError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The amount tendered is less than the amount due; nothing was settled.")
