"""`hospital-client key ...` and `hospital-client encrypt`: the database key for IT staff.

    key status [--db PATH]             is the database encrypted, is its key here
    key export --to FILE [--db PATH]   the key wrapped with a recovery passphrase
    key import FILE [--db PATH]        put an exported key into this user's keyring
    encrypt [--db PATH]                encrypt a plaintext database in place

The recovery passphrase is the first line of standard input (at a terminal: asked twice for
export, without echo). It is never an argument: other users could read it in the process list.
Exit codes as for every command: 0 done, 2 a refusal (bad passphrase, a key file of another
database, ...), 1 the database cannot be used; `key status` exits 1 when the key is missing or
does not open the database.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from .. import config
from ..app import keys as app_keys
from .common import EXIT_FAILURE, EXIT_OK, BadInput, Subparsers, add_db_option, dump, os_user, read_stdin_line

__all__ = ["register"]


def _passphrase(*, confirm: bool) -> Callable[[], str]:
    """Reads the recovery passphrase when called (after the cheap checks)."""

    def read() -> str:
        if sys.stdin is not None and sys.stdin.isatty():
            first = getpass.getpass("recovery passphrase: ")
            if confirm and getpass.getpass("the same passphrase again: ") != first:
                raise BadInput("the two passphrases differ")
            return first
        line = read_stdin_line("recovery passphrase")
        if not line.strip():
            raise BadInput("no recovery passphrase on standard input (first line)")
        return line

    return read


def cmd_key_status(args: argparse.Namespace) -> int:
    data, usable = app_keys.key_status(config.resolve_db_path(args.db))
    dump(data)
    return EXIT_OK if usable else EXIT_FAILURE


def cmd_key_export(args: argparse.Namespace) -> int:
    dump(app_keys.export_key(config.resolve_db_path(args.db), Path(args.to).expanduser(),
                             _passphrase(confirm=True), operator=os_user()))
    return EXIT_OK


def cmd_key_import(args: argparse.Namespace) -> int:
    dump(app_keys.import_key(config.resolve_db_path(args.db), Path(args.file).expanduser(),
                             _passphrase(confirm=False), operator=os_user()))
    return EXIT_OK


def cmd_encrypt(args: argparse.Namespace) -> int:
    path = config.resolve_db_path(args.db)
    report = app_keys.encrypt(path, operator=os_user())
    dump(report.to_dict())
    if not report.already_encrypted:
        print(f"hospital-client: {path} is encrypted. Export its key now for IT's records: "
              f"`hospital-client key export --to FILE --db {path}`.", file=sys.stderr)
    if report.leftovers:
        print("hospital-client: older copies beside it are NOT encrypted (upgrade safety copies, files moved "
              "aside by restore); delete them once they are no longer needed: "
              + ", ".join(p.name for p in report.leftovers), file=sys.stderr)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """key status|export|import, encrypt."""
    key = sub.add_parser("key", help="the database key in the OS keyring: status, escrow export and import")
    key_sub = key.add_subparsers(dest="key_command", required=True)

    p = key_sub.add_parser("status", help="is the database encrypted, and is its key in this user's keyring")
    add_db_option(p)
    p.set_defaults(func=cmd_key_status)

    p = key_sub.add_parser("export", help="write the database key, wrapped with a recovery passphrase read "
                                          "from stdin, to a new file (key escrow for IT)")
    p.add_argument("--to", required=True, metavar="FILE", help="the key file to write (must not exist)")
    add_db_option(p)
    p.set_defaults(func=cmd_key_export)

    p = key_sub.add_parser("import", help="put an exported key (passphrase from stdin) into this user's "
                                          "keyring for the database")
    p.add_argument("file", metavar="FILE", help="a key file written by `key export`")
    add_db_option(p)
    p.set_defaults(func=cmd_key_import)

    p = sub.add_parser("encrypt", help="encrypt a plaintext database (of an older version) in place, "
                                       "verified before the original is replaced")
    add_db_option(p)
    p.set_defaults(func=cmd_encrypt)
