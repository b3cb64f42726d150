"""The root of every error the program raises on purpose, and the whole tree in one picture.

Each error has two faces. ``str(exc)`` is the English detail for logs, the CLI and IT: what is
wrong, naming the file, line, field or path, and what to do. ``exc.clerk_text`` is one sentence
for the person at the window, an English source marked for Qt's translation system (context
``errors``; the Chinese is in resources/i18n), with ``{name}`` placeholders filled from
``exc.clerk_args()``. ``exc.exit_code`` is what the CLI exits with. Neither face ever holds a
name or an ID number. The desk turns an error into a message in ``ui.messages.error_text``; the
CLI in ``cli.main.report_error``.

    HospitalClientError                         1  root
    ├── ConfigError                  config     2  the site file exists but cannot be used
    ├── KeyringUnavailable           credentials 1  no usable OS keyring on this machine
    ├── RulesError                   rules      2  the rules core refuses its input
    │   ├── PackError                              a policy pack unreadable, malformed or invalid
    │   ├── CatalogError                           a catalogue file that cannot be used
    │   ├── RequestError                           a settlement request malformed or not fitting the pack
    │   └── NoPackError                            no pack covers the region, insurance type and date
    ├── ProtocolError                protocol   1  a message the other side refused (one class per infcode)
    │   ├── AuthError  (MissingCredentials, UnknownSite, BadSignature, StaleTimestamp, ReusedNonce, WrongSite)
    │   ├── EnvelopeError  (MalformedEnvelope, UnknownInfno, MsgidConflict, BadMsgid, PayloadTooLarge)
    │   ├── BusinessError  (BadInput, NotFound, Conflict, EncounterAlreadySettled)
    │   └── ServerError
    ├── StoreError                   store      1  the local database
    │   ├── DatabaseUnavailable                    cannot be used at all; nothing was changed
    │   │   ├── DatabaseMissing, NotADatabase, DatabaseCorrupt, DatabaseReadOnly, DatabaseLocked,
    │   │   │   DatabaseTooNew, DatabaseKeyMissing, DatabaseKeyWrong, DatabaseKeyringUnavailable
    │   │   ├── DiskFull                           the disk is full; the action was rolled back
    │   │   └── StorageFailure                     another I/O problem
    │   ├── JournalAltered                         a journal entry no longer holds what its audit entry recorded
    │   ├── RecordError                         2  a refusal about records; the database is fine
    │   │   ├── NotFound, AlreadyReversed, NotReversible, DuplicateSettlement,
    │   │   │   AppendOnlyViolation, CacheIntegrityError
    │   │   └── AuthenticationFailed               unknown operator or wrong password
    │   └── EscrowError                         2  a database key file that cannot be used
    ├── SyncError                    sync       1  talking to the central system
    │   ├── NotConfigured, CredentialsMissing, CredentialsUnavailable, CentralUnreachable,
    │   │   BadAnswer, DrainBusy, PulledDataRejected,
    │   │   AuditChainMismatch                     the audit log lacks the chain head the central system holds
    │   └── CentralRefused                         the central system refused (carries the ProtocolError)
    ├── AppError                     app        2  the use cases refuse
    │   ├── UnknownPerson, PermissionDenied, NotInitialised
    │   ├── BillFileError                          a HIS bill file that cannot be read as a bill
    │   ├── HandoffError, HandoffMismatch          a HIS hand-off unusable / of another person than identified
    │   └── LevelNotSet                            the site file does not give the hospital level
    ├── central.StoreError           central    2  the central system's store refuses
    │   └── StoreUnavailable                    1  the central database out of reach (a restart): try again
    ├── CheckFailed                  selftest   1  an installation self-test check failed
    ├── BadInput                     cli        2  a command-line argument or input file is unusable
    └── Notice                       ui         -  guidance raised by the window itself, already translated
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILURE", "QT_TRANSLATE_NOOP", "HospitalClientError"]

EXIT_FAILURE, EXIT_BAD_INPUT = 1, 2


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name Qt's lupdate looks for
    """Marks ``text`` for translation in ``context`` without translating it (no Qt below ui/)."""
    return text


class HospitalClientError(Exception):
    """Base of every error the program raises on purpose."""

    clerk_text: str = QT_TRANSLATE_NOOP("errors", "The operation was not completed.")
    exit_code: ClassVar[int] = EXIT_FAILURE

    def clerk_args(self) -> Mapping[str, object]:
        """Values for the ``{name}`` placeholders of ``clerk_text`` (never a name or an ID number)."""
        return {}
