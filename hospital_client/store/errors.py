"""Everything the local store raises on purpose, in one place.

    StoreError                      base (of HospitalClientError, hospital_client.errors)
      DatabaseUnavailable           the database cannot be used at all; nothing was changed
        DatabaseMissing             no file at the path (and no explicit first start)
        NotADatabase                the file exists but is not a hospital-client database
        DatabaseCorrupt             SQLite reports a damaged file
        DatabaseReadOnly            the file, its folder or the disk cannot be written
        DatabaseLocked              another program holds the database
        DatabaseTooNew              written by a newer version of the program
        DatabaseKeyMissing          encrypted, and its key is not in this user's OS keyring
        DatabaseKeyWrong            encrypted, and the key in the keyring does not open it
        DatabaseKeyringUnavailable  no OS keyring to read or keep the database key in
        DiskFull                    the disk is full; the action was rolled back
        StorageFailure              another I/O problem (disk error, cannot open)
      JournalAltered                a journal entry no longer matches what its audit entry recorded
      RecordError                   a refusal about records; the database is fine
        NotFound                    no such settlement, person, operator or cache entry
        AlreadyReversed             a settlement can be reversed once
        NotReversible               a reversal cannot itself be reversed
        DuplicateSettlement         the encounter already has a settlement in force
        AppendOnlyViolation         an attempt to change or delete an append-only row
        CacheIntegrityError         cached bytes no longer match their recorded hash

Messages are written for the person who must act: what is wrong, that nothing was lost, and
what to do. None of them contains a name or an ID number.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError

__all__ = [
    "AlreadyReversed",
    "AppendOnlyViolation",
    "CacheIntegrityError",
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
    "NotADatabase",
    "NotFound",
    "NotReversible",
    "RecordError",
    "StorageFailure",
    "StoreError",
]


class StoreError(HospitalClientError):
    """Base class of the store's errors."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database reported an error.")

    def __init__(self, message: str) -> None:
        super().__init__(message)


class DatabaseUnavailable(StoreError):
    """The database cannot be used; nothing was written."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {message}")


class DatabaseMissing(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database file is missing. For a new installation ask IT to initialise it; otherwise restore it from a backup.")

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            "no database here. For a new installation run `hospital-client init --db PATH`; to bring "
            "back a desk's data restore a backup (`hospital-client restore BACKUP --db PATH`, see "
            "docs/operations.md). Check --db and HOSPITAL_CLIENT_DB if you expected a database at this path.",
        )


class NotADatabase(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The file is not this program's database; nothing was changed. Ask IT to check the database path or restore from a backup.")

    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(
            path,
            f"not a hospital-client database ({detail}). The file was not touched. Check the --db path "
            "or HOSPITAL_CLIENT_DB; if this file should be the desk's database it is damaged: keep it "
            "and restore the latest backup (docs/operations.md).",
        )


class DatabaseCorrupt(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database file is damaged; nothing more was written. Stop settling at this desk, keep the file and ask IT to restore the latest backup.")

    def __init__(self, path: Path | str, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"the database file is damaged{extra}. Nothing more was written to it. Stop settling at "
            "this desk, keep the damaged file as it is (with its -wal file), and restore the latest "
            "backup with `hospital-client restore BACKUP --db PATH` (docs/operations.md, 'Damaged database').",
        )


class DatabaseReadOnly(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database is read-only and nothing could be saved. Ask IT to check write permission on the file and its folder, or the disk.")

    def __init__(self, path: Path | str, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"cannot write to the database: the file, its folder or the disk is read-only{extra}. "
            "Nothing was changed. Give this user write permission on the file AND its folder (SQLite "
            "writes -wal and -shm files beside it), remount the disk read-write, or move the database "
            "to a writable place and point --db / HOSPITAL_CLIENT_DB at it.",
        )


class DatabaseLocked(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database is in use by another program; nothing was done. Close the other settlement window or database tool and try again.")

    def __init__(self, path: Path | str, waited_ms: int | None = None) -> None:
        waited = f" for {waited_ms} ms" if waited_ms else ""
        super().__init__(
            path,
            f"the database is in use by another program and stayed locked{waited}. Nothing was "
            "changed. Close the other program (another hospital-client window, a backup or copy tool, "
            "an SQLite browser) and repeat the action; raise HOSPITAL_CLIENT_BUSY_TIMEOUT_MS if it "
            "only needs more time.",
        )


class DatabaseTooNew(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database was written by a newer version of this program; nothing was changed. Ask IT to upgrade the program.")

    def __init__(self, path: Path | str, found: str, known: int) -> None:
        super().__init__(
            path,
            f"the database was written by a newer version of hospital-client (schema {found}; this "
            f"version knows schema versions up to {known}). Nothing was changed. Install the newer "
            "version of the program; do not use this one on this database.",
        )


class DatabaseKeyMissing(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database is encrypted and this user's keyring does not hold its key (the keyring was cleared, another user is logged in, or the file came from another PC); nothing was changed. Ask IT to import the key from its key file (hospital-client key import).")

    def __init__(self, path: Path | str, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            path,
            f"the database is encrypted and its key (database id {key_id}) is not in this user's OS "
            "keyring: the keyring was reset, another OS user is logged in, or the file was copied from "
            "another PC. Nothing was written and no new database was made. Import the key that IT "
            "exported for this desk: `hospital-client key import KEYFILE --db PATH` (recovery passphrase "
            "on standard input; docs/operations.md, 'Database key'). Do not run init on this path.",
        )


class DatabaseKeyWrong(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database is encrypted and the key in the keyring does not open it (another PC's key was imported, or the file is damaged); nothing was changed. Ask IT to import this desk's own key file, or to restore from a backup.")

    def __init__(self, path: Path | str, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            path,
            f"the database is encrypted and the key in the OS keyring for database id {key_id} does not "
            "open it (a key file of another desk was imported, or the file's first page is damaged). "
            "Nothing was written. Import this desk's own key file with `hospital-client key import "
            "KEYFILE --db PATH`; if that key does not open it either, keep the file and restore the "
            "latest backup (docs/operations.md, 'Database key').",
        )


class DatabaseKeyringUnavailable(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The system keyring cannot be used, so the database key could not be read or kept; nothing was changed. Ask IT to check the system keyring (keyring or Credential Manager).")

    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(
            path,
            f"the database key cannot be read from or kept in the OS keyring ({detail}). Nothing was "
            "written and no database was made. On Linux start and unlock a Secret Service keyring "
            "(gnome-keyring, or the desktop's own) in this user's session; on Windows log in as a user "
            "who has Credential Manager (docs/operations.md, 'Database key').",
        )


class DiskFull(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The disk is full. This action was not saved (it was undone as a whole); everything saved before is intact. Free disk space, then repeat the action.")

    def __init__(self, path: Path | str, detail: str | None = None) -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"the disk holding the database is full{extra}. The last action was NOT saved (it was "
            "rolled back as a whole); everything saved before it is intact. Free disk space (old "
            "downloads, temporary files, old backups on the same disk) and repeat the action.",
        )


class StorageFailure(DatabaseUnavailable):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The local database could not be read or written; this action was not saved. Ask IT to check the disk.")

    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(
            path,
            f"the database could not be read or written ({detail}). The action was not saved. "
            "Check the disk (cable, USB stick, network drive, disk errors in the system log) and "
            "repeat; if it keeps failing, copy the database with `hospital-client backup` to "
            "another disk and call IT.",
        )


class JournalAltered(StoreError):
    """A journal entry was changed after it was written (store.content found it); nothing was summed."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "Settlement record {local_id} was changed outside this program after it was saved, so this report was not made. Stop and call IT.")

    def __init__(self, message: str, local_id: int) -> None:
        super().__init__(f"{message}; the journal was changed outside the program: keep the database as it is, "
                         "run `hospital-client audit verify` and compare with the latest backup")
        self.local_id = local_id

    def clerk_args(self) -> dict[str, object]:
        return {"local_id": self.local_id}


class RecordError(StoreError):
    exit_code = EXIT_BAD_INPUT
    """A refusal about a record; the database itself is fine."""


class NotFound(RecordError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "No such record.")


class AlreadyReversed(RecordError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "This settlement has already been reversed and cannot be reversed again.")


class NotReversible(RecordError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "A reversal cannot itself be reversed.")


class DuplicateSettlement(RecordError):
    """A second settlement of a stay; names the one in force (when known)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "This stay already has a settlement in force; to correct it, reverse that settlement first.")

    def __init__(self, message: str, *, local_id: int = 0, queue_no: str = "", at: str = "", operator: str = "",
                 total: str = "", cash: str = "") -> None:
        super().__init__(message)
        self.local_id, self.queue_no, self.at, self.operator = local_id, queue_no, at, operator
        self.total, self.cash = total, cash
        if local_id:
            self.clerk_text = QT_TRANSLATE_NOOP("errors", "This stay is already settled: no. {local_id}, queue no. {queue_no}, {at}, clerk {operator}, total {total} yuan, patient paid {cash} yuan. Reprint its slip from History; to correct it, a supervisor reverses it first.")

    def clerk_args(self) -> dict[str, object]:
        return {"local_id": self.local_id, "queue_no": self.queue_no, "at": self.at[:16].replace("T", " "),
                "operator": self.operator, "total": self.total, "cash": self.cash}


class AppendOnlyViolation(RecordError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "The settlement journal can only be added to, never changed or deleted.")


class CacheIntegrityError(RecordError):
    clerk_text = QT_TRANSLATE_NOOP("errors", "A cached policy pack or catalogue failed its check; ask IT to download it again.")
