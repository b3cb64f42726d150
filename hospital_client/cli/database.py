"""`hospital-client init`, `backup`, `restore` and `audit verify`: the desk's database itself
(docs/operations.md 2, 4-6).

    init [--demo] [--admin NAME --password-stdin] [--db PATH]
    backup DEST [--db PATH]
    restore BACKUP [--db PATH]
    audit verify [--against-central] [--db PATH]

A command on a missing database fails with "no database here" and creates nothing; only `init`
(and the demo site's first start) makes one.
"""

from __future__ import annotations

import argparse
import json

from .. import app, config
from .common import (
    EXIT_OK,
    BadInput,
    DatabaseBroken,
    Subparsers,
    add_db_option,
    dump,
    open_desk_for_command,
    os_user,
    read_password,
)

__all__ = ["register"]


def cmd_init(args: argparse.Namespace) -> int:
    site = config.load_site_config()
    path = config.resolve_db_path(args.db)
    if site is None or args.demo:
        opened = app.open_desk_for_init(path, site=None)
        code = "demo"
    else:
        if not args.admin:
            raise BadInput("a configured site needs --admin NAME --password-stdin for its first administrator")
        if not args.password_stdin:
            raise BadInput("--admin needs --password-stdin")
        password = read_password()
        try:
            opened = app.open_desk_for_init(path, site=site, admin=(args.admin, password))
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        code = site.code
    print(json.dumps({"database": str(path), "site": code, "created": opened.created,
                      "initialised": opened.initialised}, ensure_ascii=False))
    opened.db.close()
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        info = desk.backup(args.dest, operator=os_user())
    dump(info.to_dict())
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    restored = app.restore(args.source, config.resolve_db_path(args.db), operator=os_user())
    dump(restored.to_dict())
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        try:
            report = desk.verify(against_central=args.against_central)
        finally:
            desk.close_sync()
    if not report.ok:
        raise DatabaseBroken(report.problems)
    print(f"audit chain intact: {report.audit_entries} entries; journal consistent: "
          f"{report.settlements} entries; integrity_check ok")
    print(f"journal content as recorded: {report.content_checked} entries")
    if report.content_not_covered:
        print(f"not covered: {len(report.content_not_covered)} entries have no recorded content "
              f"(first {report.content_not_covered[0]})")
    if report.against_central:
        print(report.against_central)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """init, backup, restore, audit."""
    p = sub.add_parser("init", help="create and initialise the local database")
    p.add_argument("--demo", action="store_true", help="a demo database even when a site file exists")
    p.add_argument("--admin", metavar="NAME", help="first administrator of a configured site")
    p.add_argument("--password-stdin", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("backup", help="copy the database with SQLite's online backup API (verified)")
    p.add_argument("dest", help="backup file (or an existing folder)")
    add_db_option(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a verified backup in place (the current database is kept aside)")
    p.add_argument("source", help="backup file")
    add_db_option(p)
    p.set_defaults(func=cmd_restore)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    p = audit.add_parser("verify", help="check the audit hash chain and the journal's consistency")
    p.add_argument("--against-central", action="store_true",
                   help="also check that the audit log still holds the chain head the central system keeps")
    add_db_option(p)
    p.set_defaults(func=cmd_audit_verify)
