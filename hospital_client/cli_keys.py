"""`hospital-client key ...` and `hospital-client encrypt`: the database key for IT staff.

    hospital-client key status [--db PATH]           is the database encrypted, is its key here
    hospital-client key export --to FILE [--db PATH] the key wrapped with a recovery passphrase
    hospital-client key import FILE [--db PATH]      put an exported key into this user's keyring
    hospital-client encrypt [--db PATH]              encrypt a plaintext database in place

The recovery passphrase is the first line of standard input (at a terminal: asked twice for
export, without echo). It is never an argument: other users could read it in the process list.
Exit codes as for every command: 0 done, 2 a refusal (bad passphrase, a key file of another
database, ...), 1 the database cannot be used; `key status` exits 1 when the key is missing or
does not open the database.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from . import cli, config, secrets, store
from .store import keys
from .store.db import SQLITE_MAGIC, check_file, guard, raw_connection
from .store.encrypt import encrypt_database

__all__ = ["add_key_commands"]


def _passphrase(*, confirm: bool) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("recovery passphrase: ")
        if confirm and getpass.getpass("the same passphrase again: ") != first:
            raise cli.BadInput("the two passphrases differ")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise cli.BadInput("no recovery passphrase on standard input (first line)")
    return line.rstrip("\r\n")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except FileNotFoundError:
        return b""
    except OSError as exc:
        raise cli.BadInput(f"{path}: cannot read: {exc.strerror}") from None


def cmd_key_status(args: argparse.Namespace) -> int:
    path = config.resolve_db_path(args.db)
    head = _head(path)
    data: dict[str, Any] = {"database": str(path), "exists": bool(head)}
    try:
        data["keyring"] = secrets.backend_name()
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
    cli._dump(data)
    return cli.EXIT_OK if usable else cli.EXIT_FAILURE


def _write_new_file(target: Path, data: bytes) -> None:
    """Write ``data`` to a new file (0600), whole or not at all; never over an existing file."""
    if target.exists():
        raise cli.BadInput(f"{target}: already exists; choose a new file name (an old key file is never overwritten)")
    tmp = target.with_name(target.name + ".partial")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        raise cli.BadInput(f"{tmp}: a half-written key file is in the way; delete it and repeat") from None
    except OSError as exc:
        raise cli.BadInput(f"{target}: cannot write: {exc.strerror}") from None
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


def _audit(path: Path, action: str, detail: dict[str, Any]) -> None:
    """Record a key action in the desk's audit log (a central system's database has none)."""
    try:
        db = store.open_database(path)
    except store.NotADatabase:
        return
    try:
        store.audit.append(db, action, cli._os_user(), "database", detail)
    finally:
        db.close()


def cmd_key_export(args: argparse.Namespace) -> int:
    path = config.resolve_db_path(args.db)
    target = Path(args.to).expanduser()
    if target.exists():
        raise cli.BadInput(f"{target}: already exists; choose a new file name (an old key file is never overwritten)")
    check_file(path, create=False)
    with guard(path):
        conn = raw_connection(path, mode="ro")  # the key from the keyring, proven to open the database
    key = conn.db_key
    conn.close()
    if key is None:
        raise cli.BadInput(f"{path}: the database is not encrypted, so it has no key; run "
                           f"`hospital-client encrypt --db {path}` first")
    passphrase = _passphrase(confirm=True)
    try:
        data = keys.wrap(key, passphrase, database_name=path.name)
    except keys.EscrowError as exc:
        raise cli.BadInput(str(exc)) from None
    _write_new_file(target, data)
    _audit(path, "key_export", {"database_id": key.id, "to_name": target.name})
    cli._dump({"database": str(path), "database_id": key.id, "key_file": str(target),
               "protection": "scrypt (N=2^17, r=8, p=1) + AES-256-GCM",
               "keep": "the key file and its passphrase apart, both off this PC"})
    return cli.EXIT_OK


def cmd_key_import(args: argparse.Namespace) -> int:
    source = Path(args.file).expanduser()
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise cli.BadInput(f"{source}: cannot read: {exc.strerror}") from None
    passphrase = _passphrase(confirm=False)
    try:
        escrow = keys.unwrap(raw, passphrase)
    except keys.EscrowError as exc:
        raise cli.BadInput(f"{source}: {exc}") from None
    key = escrow.key
    path = config.resolve_db_path(args.db)
    head = _head(path)
    verified = False
    if head.startswith(SQLITE_MAGIC):
        raise cli.BadInput(f"{path}: this database is not encrypted; it needs no key (check --db)")
    if head:
        found = keys.database_id(head)
        if found != key.id:
            raise cli.BadInput(f"{source}: this key file is for database id {key.id}, but the database at {path} "
                               f"has id {found}: it is another desk's key file. Nothing was changed.")
        try:
            with guard(path):
                raw_connection(path, mode="ro", key=key).close()
        except store.DatabaseKeyWrong:
            raise cli.BadInput(f"{source}: the key in this file does not open {path} although the ids match: the "
                               "database file is damaged; restore the latest backup. Nothing was changed.") from None
        verified = True
    previous = keys.lookup(key.id, path)
    keys.save(key, path)
    keys.remember(key)
    if verified:
        _audit(path, "key_import", {"database_id": key.id, "from_name": source.name})
    cli._dump({"database": str(path), "database_id": key.id, "keyring_entry": keys.secret_name(key.id),
               "opens_database": verified, "replaced_a_different_key": previous is not None and previous != key,
               "note": "" if verified else "no database at this path yet: the key is ready for a restore or a "
                                           "copied database file with this id"})
    return cli.EXIT_OK


def cmd_encrypt(args: argparse.Namespace) -> int:
    path = config.resolve_db_path(args.db)
    report = encrypt_database(path, operator=cli._os_user())
    cli._dump(report.to_dict())
    if not report.already_encrypted:
        print(f"hospital-client: {path} is encrypted. Export its key now for IT's records: "
              f"`hospital-client key export --to FILE --db {path}`.", file=sys.stderr)
    if report.leftovers:
        print("hospital-client: older copies beside it are NOT encrypted (upgrade safety copies, files moved "
              "aside by restore); delete them once they are no longer needed: "
              + ", ".join(p.name for p in report.leftovers), file=sys.stderr)
    return cli.EXIT_OK


def add_key_commands(sub: Any) -> None:
    """Add `key ...` and `encrypt` to the top-level subparsers of `hospital-client`."""
    key = sub.add_parser("key", help="the database key in the OS keyring: status, escrow export and import")
    key_sub = key.add_subparsers(dest="key_command", required=True)

    p = key_sub.add_parser("status", help="is the database encrypted, and is its key in this user's keyring")
    cli._db_arg(p)
    p.set_defaults(func=cmd_key_status)

    p = key_sub.add_parser("export", help="write the database key, wrapped with a recovery passphrase read "
                                          "from stdin, to a new file (key escrow for IT)")
    p.add_argument("--to", required=True, metavar="FILE", help="the key file to write (must not exist)")
    cli._db_arg(p)
    p.set_defaults(func=cmd_key_export)

    p = key_sub.add_parser("import", help="put an exported key (passphrase from stdin) into this user's "
                                          "keyring for the database")
    p.add_argument("file", metavar="FILE", help="a key file written by `key export`")
    cli._db_arg(p)
    p.set_defaults(func=cmd_key_import)

    p = sub.add_parser("encrypt", help="encrypt a plaintext database (of an older version) in place, "
                                       "verified before the original is replaced")
    cli._db_arg(p)
    p.set_defaults(func=cmd_encrypt)
