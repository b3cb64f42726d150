"""`hospital-client journal`, `person` and `report`: what the desk recorded, read back.

    journal list [--json] [--unmasked] [--from DAY] [--to DAY] [--db PATH]
    journal show LOCAL_ID [--unmasked] [--db PATH]
    person find NUMBER [--year YEAR] [--unmasked] [--db PATH]
    report dayend [--from DAY] [--to DAY] [--json] [--db PATH]
    slip LOCAL_ID --pdf OUT.pdf [--db PATH]

Names and ID numbers are masked unless --unmasked, which the audit log records with the OS user.
"""

from __future__ import annotations

import argparse

from .. import app
from .arguments import add_day_range, record_id, year
from .common import EXIT_OK, BadInput, Subparsers, add_db_option, dump, open_desk_for_command, os_user

__all__ = ["register"]


def cmd_journal_list(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        rows = desk.journal(args.day_from, args.day_to, unmasked=args.unmasked, viewer=os_user())
    if args.json:
        dump(rows)
        return EXIT_OK
    print(f"{'id':>6} {'queue_no':<16} {'kind':<10} {'state':<11} {'certno':<19} {'total':>11} "
          f"{'funds':>11} {'cash':>11} {'outbox':<9} operator")
    for r in rows:
        info = r["setlinfo"]
        mark = f" (reverses {r['reverses_local_id']})" if r["reverses_local_id"] else (
            f" (reversed by {r['reversed_by']})" if r["reversed_by"] else "")
        print(f"{r['local_id']:>6} {r['queue_no']:<16} {r['kind']:<10} {r['state']:<11} {r['certno']:<19} "
              f"{info['medfee_sumamt']:>11} {info['fund_pay_sumamt']:>11} {info['psn_cash_pay']:>11} "
              f"{r['outbox_status'] or '':<9} {r['operator']}{mark}")
    return EXIT_OK


def cmd_journal_show(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        data = desk.entry(args.local_id, unmasked=args.unmasked, viewer=os_user())
    dump(data)
    return EXIT_OK


def cmd_person_find(args: argparse.Namespace) -> int:
    with open_desk_for_command(args, first_start=True) as desk:
        found = desk.lookup(args.key, year=args.year, unmasked=args.unmasked, viewer=os_user(), show_name=False)
    if not found:
        raise BadInput("no person in the local roster matches that number")
    dump([p.to_dict() for p in found])
    return EXIT_OK


def cmd_dayend(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        data = [r.to_dict() for r in desk.day_end(args.day_from, args.day_to)]
    if args.json:
        dump(data)
        return EXIT_OK
    keys = app.DAY_END_KEYS
    print(f"{'operator':<12} {'settled':>7} {'reversed':>8} " + " ".join(f"{k:>15}" for k in keys))
    for r in data:
        print(f"{r['operator']:<12} {r['settlements']:>7} {r['reversals']:>8} "
              + " ".join(f"{r[k]:>15}" for k in keys))
    return EXIT_OK


def cmd_slip(args: argparse.Namespace) -> int:
    """The 结算单 of one settlement reprinted to a PDF (a reversed one marked 已冲正, with its 退费凭证)."""
    from ..ui.slip import write_slip_pdf

    with open_desk_for_command(args) as desk:
        path = write_slip_pdf(desk, args.local_id, os_user(), args.pdf)
    print(path)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """journal, person, report, slip."""
    journal = sub.add_parser("journal", help="the settlement journal").add_subparsers(
        dest="journal_command", required=True)
    p = journal.add_parser("list", help="every settlement and reversal with its state")
    add_day_range(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--unmasked", action="store_true", help="show full ID numbers and names (audited)")
    add_db_option(p)
    p.set_defaults(func=cmd_journal_list)
    p = journal.add_parser("show", help="one journal entry with its request, result and fee lines")
    p.add_argument("local_id", type=record_id("journal entry id"))
    p.add_argument("--unmasked", action="store_true", help="show full ID numbers and names (audited)")
    add_db_option(p)
    p.set_defaults(func=cmd_journal_show)

    person = sub.add_parser("person", help="the local roster").add_subparsers(dest="person_command", required=True)
    p = person.add_parser("find", help="look up a person by psn_no, ID number, card number or e-card code")
    p.add_argument("key")
    p.add_argument("--year", type=year, help="year of the accumulators (default: this year)")
    p.add_argument("--unmasked", action="store_true", help="show full ID and card numbers (audited)")
    add_db_option(p)
    p.set_defaults(func=cmd_person_find)

    report = sub.add_parser("report", help="reports").add_subparsers(dest="report_command", required=True)
    p = report.add_parser("dayend", help="day-end totals per operator (settlements minus reversals)")
    add_day_range(p, from_default=app.business_day())
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_dayend)

    p = sub.add_parser("slip", help="reprint a settlement's slip (结算单) to a PDF file; a reversed one is "
                                    "marked 已冲正 and carries the refund voucher (退费凭证)")
    p.add_argument("local_id", type=record_id("journal entry id"))
    p.add_argument("--pdf", required=True, metavar="OUT.pdf", help="the PDF file to write (made 0600)")
    add_db_option(p)
    p.set_defaults(func=cmd_slip)
