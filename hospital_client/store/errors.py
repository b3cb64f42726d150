"""Everything the local store raises on purpose, in one place.

    StoreError                      base; .zh is a Chinese message a clerk can act on
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
    "NotADatabase",
    "NotFound",
    "NotReversible",
    "RecordError",
    "StorageFailure",
    "StoreError",
]


class StoreError(Exception):
    """Base class. ``str(exc)`` is the English message; ``exc.zh`` the Chinese one for the desk."""

    zh: str = "本地数据库出错。"

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        if zh is not None:
            self.zh = zh


class DatabaseUnavailable(StoreError):
    """The database cannot be used; nothing was written."""

    def __init__(self, path: Path | str, message: str, zh: str | None = None) -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {message}", zh)


class DatabaseMissing(DatabaseUnavailable):
    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            "no database here. For a new installation run `hospital-client init --db PATH`; to bring "
            "back a desk's data restore a backup (`hospital-client restore BACKUP --db PATH`, see "
            "docs/operations.md). Check --db and HOSPITAL_CLIENT_DB if you expected a database at this path.",
            "找不到本地数据库文件。新装机请由信息科执行初始化；已有数据请从备份恢复。",
        )


class NotADatabase(DatabaseUnavailable):
    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(
            path,
            f"not a hospital-client database ({detail}). The file was not touched. Check the --db path "
            "or HOSPITAL_CLIENT_DB; if this file should be the desk's database it is damaged: keep it "
            "and restore the latest backup (docs/operations.md).",
            "指定的文件不是本系统的数据库，未做任何改动。请联系信息科核对数据库路径或从备份恢复。",
        )


class DatabaseCorrupt(DatabaseUnavailable):
    def __init__(self, path: Path | str, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"the database file is damaged{extra}. Nothing more was written to it. Stop settling at "
            "this desk, keep the damaged file as it is (with its -wal file), and restore the latest "
            "backup with `hospital-client restore BACKUP --db PATH` (docs/operations.md, 'Damaged database').",
            "本地数据库文件已损坏，未再写入任何数据。请暂停本机结算，保留该文件，联系信息科从最近的备份恢复。",
        )


class DatabaseReadOnly(DatabaseUnavailable):
    def __init__(self, path: Path | str, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"cannot write to the database: the file, its folder or the disk is read-only{extra}. "
            "Nothing was changed. Give this user write permission on the file AND its folder (SQLite "
            "writes -wal and -shm files beside it), remount the disk read-write, or move the database "
            "to a writable place and point --db / HOSPITAL_CLIENT_DB at it.",
            "本地数据库只读，无法保存，未做任何改动。请联系信息科检查文件及所在文件夹的写权限或磁盘状态。",
        )


class DatabaseLocked(DatabaseUnavailable):
    def __init__(self, path: Path | str, waited_ms: int | None = None) -> None:
        waited = f" for {waited_ms} ms" if waited_ms else ""
        super().__init__(
            path,
            f"the database is in use by another program and stayed locked{waited}. Nothing was "
            "changed. Close the other program (another hospital-client window, a backup or copy tool, "
            "an SQLite browser) and repeat the action; raise HOSPITAL_CLIENT_BUSY_TIMEOUT_MS if it "
            "only needs more time.",
            "本地数据库正被其他程序占用，本次操作未执行。请关闭其他结算窗口或数据库工具后重试。",
        )


class DatabaseTooNew(DatabaseUnavailable):
    def __init__(self, path: Path | str, found: str, known: int) -> None:
        super().__init__(
            path,
            f"the database was written by a newer version of hospital-client (schema {found}; this "
            f"version knows schema versions up to {known}). Nothing was changed. Install the newer "
            "version of the program; do not use this one on this database.",
            "本地数据库由更新版本的程序创建，当前程序版本过旧，未做任何改动。请联系信息科升级程序。",
        )


class DatabaseKeyMissing(DatabaseUnavailable):
    def __init__(self, path: Path | str, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            path,
            f"the database is encrypted and its key (database id {key_id}) is not in this user's OS "
            "keyring: the keyring was reset, another OS user is logged in, or the file was copied from "
            "another PC. Nothing was written and no new database was made. Import the key that IT "
            "exported for this desk: `hospital-client key import KEYFILE --db PATH` (recovery passphrase "
            "on standard input; docs/operations.md, 'Database key'). Do not run init on this path.",
            "本地数据库已加密，但当前系统用户的密钥库中没有它的密钥（密钥库被清空、换了系统用户或数据库文件"
            "是从其他电脑复制的），未做任何改动。请联系信息科用备份的密钥文件导入密钥（hospital-client key import）。",
        )


class DatabaseKeyWrong(DatabaseUnavailable):
    def __init__(self, path: Path | str, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            path,
            f"the database is encrypted and the key in the OS keyring for database id {key_id} does not "
            "open it (a key file of another desk was imported, or the file's first page is damaged). "
            "Nothing was written. Import this desk's own key file with `hospital-client key import "
            "KEYFILE --db PATH`; if that key does not open it either, keep the file and restore the "
            "latest backup (docs/operations.md, 'Database key').",
            "本地数据库已加密，密钥库中的密钥无法打开它（导入了其他电脑的密钥，或文件已损坏），未做任何改动。"
            "请联系信息科重新导入本机的密钥文件，或从备份恢复。",
        )


class DatabaseKeyringUnavailable(DatabaseUnavailable):
    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(
            path,
            f"the database key cannot be read from or kept in the OS keyring ({detail}). Nothing was "
            "written and no database was made. On Linux start and unlock a Secret Service keyring "
            "(gnome-keyring, or the desktop's own) in this user's session; on Windows log in as a user "
            "who has Credential Manager (docs/operations.md, 'Database key').",
            "无法访问系统密钥库，读取或保存数据库密钥失败，未做任何改动。请联系信息科检查系统密钥库（钥匙环/凭据管理器）。",
        )


class DiskFull(DatabaseUnavailable):
    def __init__(self, path: Path | str) -> None:
        super().__init__(
            path,
            "the disk holding the database is full. The last action was NOT saved (it was rolled "
            "back as a whole); everything saved before it is intact. Free disk space (old "
            "downloads, temporary files, old backups on the same disk) and repeat the action.",
            "磁盘已满，本次操作未保存（已整体撤销），之前的数据完好。请清理磁盘空间后重新操作。",
        )


class StorageFailure(DatabaseUnavailable):
    def __init__(self, path: Path | str, detail: str) -> None:
        super().__init__(
            path,
            f"the database could not be read or written ({detail}). The action was not saved. "
            "Check the disk (cable, USB stick, network drive, disk errors in the system log) and "
            "repeat; if it keeps failing, copy the database with `hospital-client backup` to "
            "another disk and call IT.",
            "读写本地数据库失败，本次操作未保存。请联系信息科检查磁盘。",
        )


class RecordError(StoreError):
    """A refusal about a record; the database itself is fine."""


class NotFound(RecordError):
    zh = "未找到该记录。"


class AlreadyReversed(RecordError):
    zh = "该结算已冲正，不能重复冲正。"


class NotReversible(RecordError):
    zh = "冲正记录不能再次冲正。"


class DuplicateSettlement(RecordError):
    zh = "该就诊已有有效结算，如需更正请先冲正原结算。"


class AppendOnlyViolation(RecordError):
    zh = "结算流水只能追加，不能修改或删除。"


class CacheIntegrityError(RecordError):
    zh = "本地缓存的政策包或目录校验失败，请联系信息科重新下载。"
