"""The local SQLite database (DESIGN.md 4.3): schema and migrations, the append-only settlement
journal, the outbox, the caches (packs, catalogue, roster, operators, settings) and the audit log.

Everything opens the database through ``open_database`` (encrypted with SQLCipher, the key in
the OS keyring: ``store.keys``) and raises the typed errors of ``store.errors``. Importing the
store does not import the rules core (the crash-safety child and other tools start fast); the
caches import it when they parse a pack or catalogue.
"""

from __future__ import annotations

import logging

from . import accumulators, audit, backup, caches, check, content, journal, operators, outbox, reconcile, upload
from .connection import LocalDatabase, now, transaction
from .errors import (
    AlreadyReversed,
    AppendOnlyViolation,
    CacheIntegrityError,
    DatabaseCorrupt,
    DatabaseKeyMissing,
    DatabaseKeyringUnavailable,
    DatabaseKeyWrong,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnavailable,
    DiskFull,
    DuplicateSettlement,
    JournalAltered,
    NotADatabase,
    NotFound,
    NotReversible,
    RecordError,
    StorageFailure,
    StoreError,
)
from .journal import Committed, JournalEntry, NewSettlement
from .migrations import SCHEMA_VERSION, schema_version
from .opening import open_database
from .operators import AuthenticationFailed, Operator
from .sqlite_errors import guard

# A library stays silent unless the program configures logging (config.setup_logging).
logging.getLogger("hospital_client").addHandler(logging.NullHandler())

__all__ = [
    "SCHEMA_VERSION",
    "AlreadyReversed",
    "AppendOnlyViolation",
    "AuthenticationFailed",
    "CacheIntegrityError",
    "Committed",
    "DatabaseCorrupt",
    "DatabaseKeyMissing",
    "DatabaseKeyWrong",
    "DatabaseKeyringUnavailable",
    "DatabaseLocked",
    "DatabaseMissing",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "DiskFull",
    "DuplicateSettlement",
    "JournalAltered",
    "JournalEntry",
    "LocalDatabase",
    "NewSettlement",
    "NotADatabase",
    "NotFound",
    "NotReversible",
    "Operator",
    "RecordError",
    "StorageFailure",
    "StoreError",
    "accumulators",
    "audit",
    "backup",
    "caches",
    "check",
    "content",
    "guard",
    "journal",
    "now",
    "open_database",
    "operators",
    "outbox",
    "reconcile",
    "schema_version",
    "transaction",
    "upload",
]
