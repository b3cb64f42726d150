"""The database key for IT staff: is the database encrypted and its key here (status), the key
wrapped with a recovery passphrase into a file (export, escrow), such a file put back into this
user's OS keyring (import), and a plaintext database of an older version encrypted in place.

These work on a database path, not on an open desk: the key is exactly what may be missing.
The recovery passphrase is asked for through a callable, only once the cheap checks passed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import credentials, store
from ..store import keys
from ..store.connection import raw_connection
from ..store.encrypt import EncryptReport, encrypt_database
from ..store.file_header import SQLITE_MAGIC, read_head
from ..store.opening import check_file
from ..store.sqlite_errors import guard
from .errors import AppError
from .input_files import MAX_KEY_FILE_BYTES, read_input_file

__all__ = ["encrypt", "export_key", "import_key", "key_status"]

Passphrase = Callable[[], str]


def _head(path: Path) -> bytes:
    try:
        return read_head(path)
    except OSError as exc:
        raise AppError(f"{path}: cannot read: {exc.strerror}") from None


def key_status(path: Path) -> tuple[dict[str, Any], bool]:
    """What `key status` prints, and whether the database can be used (its key is here and opens it)."""
    head = _head(path)
    data: dict[str, Any] = {"database": str(path), "exists": bool(head)}
    try:
        data["keyring"] = credentials.backend_name()
    except Exception as exc:  # a broken keyring configuration: say so, do not crash
        data["keyring"] = f"unavailable: {type(exc).__name__}"
    usable = True
    if not head:
        data["encrypted"] = None
    elif head.startswith(SQLITE_MAGIC):
        data["encrypted"] = False
        data["advice"] = f"not encrypted: close the desk and run `hospital-client encrypt --db {path}`"
    else:
        key_id = keys.database_id(head)
        data.update(encrypted=True, database_id=key_id, keyring_entry=keys.secret_name(key_id))
        key = keys.lookup(key_id, path)
        data["key_in_keyring"] = key is not None
        if key is None:
            usable = False
            data["advice"] = f"import this desk's key file: `hospital-client key import KEYFILE --db {path}`"
        else:
            try:
                with guard(path):
                    raw_connection(path, mode="ro").close()
                data["key_opens_database"] = True
            except store.DatabaseKeyWrong:
                usable = False
                data["key_opens_database"] = False
                data["advice"] = "the stored key does not open this database: import this desk's own key file"
    return data, usable


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise AppError(f"{target}: already exists; choose a new file name (an old key file is never overwritten)")


def _write_new_file(target: Path, data: bytes) -> None:
    """Write ``data`` to a new file (0600), whole or not at all; never over an existing file."""
    _refuse_existing(target)
    tmp = target.with_name(target.name + ".partial")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        raise AppError(f"{tmp}: a half-written key file is in the way; delete it and repeat") from None
    except OSError as exc:
        raise AppError(f"{target}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _audit(path: Path, action: str, operator: str, detail: dict[str, Any]) -> None:
    """Record a key action in the desk's audit log (a central system's database has none)."""
    try:
        db = store.open_database(path)
    except store.NotADatabase:
        return
    try:
        store.audit.append(db, action, operator, "database", detail)
    finally:
        db.close()


def export_key(path: Path, target: Path, passphrase: Passphrase, *, operator: str) -> dict[str, Any]:
    """Write the database's key, wrapped with the recovery passphrase, to a new file (audited)."""
    _refuse_existing(target)
    check_file(path, create=False)
    with guard(path):
        conn = raw_connection(path, mode="ro")  # the key from the keyring, proven to open the database
    key = conn.db_key
    conn.close()
    if key is None:
        raise AppError(f"{path}: the database is not encrypted, so it has no key; run "
                       f"`hospital-client encrypt --db {path}` first")
    try:
        data = keys.wrap(key, passphrase(), database_name=path.name)
    except keys.EscrowError as exc:
        raise AppError(str(exc)) from None
    _write_new_file(target, data)
    _audit(path, "key_export", operator, {"database_id": key.id, "to_name": target.name})
    return {"database": str(path), "database_id": key.id, "key_file": str(target),
            "protection": "scrypt (N=2^17, r=8, p=1) + AES-256-GCM",
            "keep": "the key file and its passphrase apart, both off this PC"}


def import_key(path: Path, source: Path, passphrase: Passphrase, *, operator: str) -> dict[str, Any]:
    """Put an exported key into this user's OS keyring, once it is proven to belong to (and open)
    the database at ``path``; with no database there yet, the key waits for a restore."""
    raw = read_input_file(source, max_bytes=MAX_KEY_FILE_BYTES, what="key file")
    secret = passphrase()
    try:
        key = keys.unwrap(raw, secret).key
    except keys.EscrowError as exc:
        raise AppError(f"{source}: {exc}") from None
    head = _head(path)
    verified = False
    if head.startswith(SQLITE_MAGIC):
        raise AppError(f"{path}: this database is not encrypted; it needs no key (check --db)")
    if head:
        found = keys.database_id(head)
        if found != key.id:
            raise AppError(f"{source}: this key file is for database id {key.id}, but the database at {path} "
                           f"has id {found}: it is another desk's key file. Nothing was changed.")
        try:
            with guard(path):
                raw_connection(path, mode="ro", key=key).close()
        except store.DatabaseKeyWrong:
            raise AppError(f"{source}: the key in this file does not open {path} although the ids match: the "
                           "database file is damaged; restore the latest backup. Nothing was changed.") from None
        verified = True
    previous = keys.lookup(key.id, path)
    keys.save(key, path)
    keys.remember(key)
    if verified:
        _audit(path, "key_import", operator, {"database_id": key.id, "from_name": source.name})
    return {"database": str(path), "database_id": key.id, "keyring_entry": keys.secret_name(key.id),
            "opens_database": verified, "replaced_a_different_key": previous is not None and previous != key,
            "note": "" if verified else "no database at this path yet: the key is ready for a restore or a "
                                        "copied database file with this id"}


def encrypt(path: Path, *, operator: str) -> EncryptReport:
    """Encrypt a plaintext database in place (verified before the original is replaced)."""
    return encrypt_database(path, operator=operator)
