"""What the central-system client raises, in one place (the wire protocol's own refusals are in
``protocol``; a refusal reaches the caller as ``CentralRefused`` carrying the typed one).

    SyncError                   base (of HospitalClientError, hospital_client.errors)
    ├── NotConfigured           no site file or no server_url: the demo site, or setup not run
    ├── CredentialsMissing      the site secret is not in the OS keyring (run setup)
    ├── CredentialsUnavailable  no usable OS keyring on this machine
    ├── CentralUnreachable      connect errors, timeouts, 429 or 5xx after the retries ran out
    ├── CentralRefused          the central system refused the message (infcode, err_msg, protocol_error)
    ├── BadAnswer               an answer the client cannot use (not an envelope, missing fields)
    ├── DrainBusy               another drain of the same database is running
    ├── SettlementInProgress    a settlement of this encounter is in flight (结算进行中)
    ├── ReversalInProgress      a reversal of this encounter is in flight (撤销进行中)
    ├── PulledDataRejected      a pulled pack or catalogue failed its sha256 or its validation
    └── AuditChainMismatch      the audit log no longer contains the chain head the central system holds

None of the messages contains a name, an ID number or the site secret.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import protocol as p
from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError

__all__ = [
    "AuditChainMismatch",
    "BadAnswer",
    "CentralRefused",
    "CentralUnreachable",
    "CredentialsMissing",
    "CredentialsUnavailable",
    "DrainBusy",
    "NotConfigured",
    "PulledDataRejected",
    "ReversalInProgress",
    "SettlementInProgress",
    "SyncError",
]


class SyncError(HospitalClientError):
    """Base class of the sync's errors."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The exchange with the central system was not completed.")


class NotConfigured(SyncError):
    exit_code = EXIT_BAD_INPUT  # run setup
    clerk_text = QT_TRANSLATE_NOOP("errors", "No central system is configured at this desk (the demo site, or setup was not run); settlements are offline only.")


class CredentialsMissing(SyncError):
    exit_code = EXIT_BAD_INPUT  # run setup
    clerk_text = QT_TRANSLATE_NOOP("errors", "The site's access secret is not in this machine's keyring; ask IT to run hospital-client setup.")


class CredentialsUnavailable(SyncError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "This machine has no usable system keyring, so the access secret cannot be read; call IT.")


class CentralUnreachable(SyncError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system cannot be reached just now (network, or the centre is busy). Settlements are saved and are sent when the link is back.")


class CentralRefused(SyncError):
    """The central system answered with a non-zero infcode; ``protocol_error`` is the typed refusal."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system refused the message.")

    def __init__(self, message: str, protocol_error: p.ProtocolError) -> None:
        super().__init__(message)
        self.protocol_error = protocol_error
        self.infcode = protocol_error.infcode
        self.err_msg = protocol_error.err_msg
        if isinstance(protocol_error, p.BadSignature):
            self.clerk_text = QT_TRANSLATE_NOOP("errors", "The access secret is wrong; ask IT to run setup again.")
        elif isinstance(protocol_error, p.StaleTimestamp):
            self.clerk_text = QT_TRANSLATE_NOOP("errors", "This machine's clock differs from the central system's by more than 5 minutes; set the clock right.")
        else:  # the refusal's own sentence ("The central system refused ({infcode}): {err_msg}" for most)
            self.clerk_text = protocol_error.clerk_text

    def clerk_args(self) -> Mapping[str, object]:
        return {"infcode": self.infcode, "err_msg": self.err_msg, **self.protocol_error.clerk_args()}

    @property
    def is_auth(self) -> bool:
        """Credentials or clock: nothing was processed; retrying the same way cannot help."""
        return isinstance(self.protocol_error, p.AuthError)


class BadAnswer(SyncError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system's answer cannot be read; call IT.")


class DrainBusy(SyncError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "Another sync is running; try again shortly.")


class SettlementInProgress(SyncError):
    """A second settlement (or a reversal) of an encounter while its settlement is in flight."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "Settlement in progress: this patient's settlement is being confirmed with the central system. Wait until it finishes; do not settle again.")


class ReversalInProgress(SyncError):
    """A second reversal (or a settlement) of an encounter while its reversal is in flight."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "Reversal in progress: this patient's reversal is being confirmed with the central system. Wait until it finishes.")


class PulledDataRejected(SyncError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "A policy pack or catalogue downloaded from the central system failed its check and was not used.")


class AuditChainMismatch(SyncError):
    """The central system holds an audit chain head that this database's log no longer contains
    (its newest entries were removed, or the log was rewritten), or it refused the head."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This desk's audit log no longer matches what the central system received: records may have been removed or changed. Keep the database as it is and call IT.")
