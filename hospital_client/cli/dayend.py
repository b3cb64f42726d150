"""`hospital-client dayend close`: a clerk closes their business day (日结).

    dayend close [--operator NAME --password-stdin] [--pdf OUT] [--xlsx OUT] [--day DAY] [--json] [--db PATH]

Closing records the day's totals (by payment method and fund, the count of provisional
settlements still queued) and locks that clerk's day: afterwards a reversal of one of its
settlements is paid out by a supervisor, on the day it is made. A day closes once; a second
close exits 2. The 日结单 is written as PDF and/or Excel when asked.
"""

from __future__ import annotations

import argparse

from .arguments import day
from .common import EXIT_OK, Subparsers, dump
from .operator_commands import add_desk_operator_options, desk_with_operator

__all__ = ["register"]


def cmd_dayend_close(args: argparse.Namespace) -> int:
    with desk_with_operator(args, "clerk") as (desk, operator):
        report = desk.close_day(operator, args.day)
        written = []
        if args.xlsx:
            written.append(str(desk.export_day_close(args.xlsx, report, operator.name)))
        if args.pdf:
            from ..ui.report_pdf import write_day_close_pdf_offscreen

            written.append(str(write_day_close_pdf_offscreen(args.pdf, report)))
            desk.audit("export", operator.name, "day_close", {"day": report.business_day, "format": "pdf"})
    data = report.to_dict()
    if args.json:
        dump({**data, "written": written})
        return EXIT_OK
    print(f"{data['hospital_name']} ({data['fixmedins_code']})  日结 {data['business_day']}  "
          f"{data['operator_name']} ({data['operator']})  closed at {data['closed_at']}")
    print(f"settlements {data['settlements']}  reversals {data['reversals']}  "
          f"provisional still queued {data['provisional_queued']}")
    for method, amount in data["by_payment"].items():
        print(f"  {method:<10} {amount:>14}")
    for key, amount in data["funds"].items():
        print(f"  {key:<16} {amount:>14}")
    for path in written:
        print(path)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """dayend close."""
    dayend = sub.add_parser("dayend", help="the clerk's day close (日结)").add_subparsers(
        dest="dayend_command", required=True)
    p = dayend.add_parser("close", help="close the operator's business day (once) and write the 日结单")
    p.add_argument("--pdf", metavar="OUT", help="write the 日结单 as PDF (made 0600)")
    p.add_argument("--xlsx", metavar="OUT", help="write the 日结单 as an Excel workbook")
    p.add_argument("--day", type=day, help="the business day to close (default: today)")
    p.add_argument("--json", action="store_true", help="print the totals as JSON")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_dayend_close)
