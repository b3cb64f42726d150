"""`hospital-client his`: stays handed over by the hospital information system (docs/his-interface.md).

    his import FILE [--db PATH]
    his list [--json] [--db PATH]

`his import` puts a hand-off (JSON, or CSV/XLSX with its header block) on the waiting list
(待结算), audited with the OS user, or exits 2 naming the file, line and field. The stay is then
settled with `hospital-client settle --his IPT_NO --commit`.
"""

from __future__ import annotations

import argparse

from .common import EXIT_OK, Subparsers, add_db_option, dump, open_desk_for_command, os_user

__all__ = ["register"]


def cmd_his_import(args: argparse.Namespace) -> int:
    with open_desk_for_command(args, first_start=True) as desk:
        stay = desk.his_import(args.file, os_user())
    dump(stay)
    return EXIT_OK


def cmd_his_list(args: argparse.Namespace) -> int:
    with open_desk_for_command(args, first_start=True) as desk:
        rows = desk.his_waiting()
    if args.json:
        dump(rows)
        return EXIT_OK
    print(f"{'ipt_no':<16} {'mdtrt_id':<20} {'name':<8} {'admitted':<10} {'discharged':<10} {'lines':>5} "
          f"{'total':>11} dept")
    for r in rows:
        print(f"{r['ipt_no']:<16} {r['mdtrt_id']:<20} {r['psn_name']:<8} {r['begntime']:<10} {r['endtime']:<10} "
              f"{r['lines']:>5} {r['medfee_sumamt']:>11} {r['dept']}")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """his import, his list."""
    his = sub.add_parser("his", help="stays handed over by HIS, waiting to be settled").add_subparsers(
        dest="his_command", required=True)
    p = his.add_parser("import", help="put a HIS hand-off (JSON, or CSV/XLSX with a header block) on the waiting list")
    p.add_argument("file")
    add_db_option(p)
    p.set_defaults(func=cmd_his_import)
    p = his.add_parser("list", help="the stays waiting to be settled (待结算)")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_his_list)
