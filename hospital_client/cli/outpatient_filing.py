"""`hospital-client outpatient filing`: 门诊慢特病备案 at the central system, from the desk.

    outpatient filing add PSN_NO DISE_CODG [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--doctor NAME]
        [--memo TEXT] [--json] [--db PATH] [--operator NAME --password-stdin]          (2503)
    outpatient filing cancel PSN_NO TRT_DCLA_DETL_SN --reason TEXT [--json] [--db PATH]
        [--operator NAME --password-stdin]                                              (2504, supervisor)
    outpatient filing list PSN_NO [--json] [--db PATH]                                  (5301)

Online only: without the central system nothing changes (exit 1). A refusal of the central
system (a disease not on the pack's list, a disease filed already, an unknown filing) exits 2
with its sentence.
"""

from __future__ import annotations

import argparse
import datetime as dt

from ..app.outpatient_filings import Filing, file_disease, list_filings, revoke_filing
from .arguments import day
from .common import EXIT_OK, Subparsers, add_db_option, dump, open_desk_for_command
from .operator_commands import add_desk_operator_options, desk_with_operator, require_text

__all__ = ["register_filing"]

_STATES = {"active": "有效", "revoked": "已撤销"}


def _line(f: Filing) -> str:
    until = f.enddate or "长期"
    return (f"{f.trt_dcla_detl_sn}\t{f.opsp_dise_code}\t{f.opsp_dise_name}\t{f.begndate} 至 {until}\t"
            f"{_STATES.get(f.state, f.state)}")


def cmd_add(args: argparse.Namespace) -> int:
    begin = dt.date.fromisoformat(args.begndate) if args.begndate else dt.date.today()
    end = dt.date.fromisoformat(args.enddate) if args.enddate else None
    with desk_with_operator(args, "clerk") as (desk, operator):
        filing = file_disease(desk, operator, args.psn_no, args.dise_codg, begndate=begin, enddate=end,
                              dr_name=args.doctor or "", memo=args.memo or "")
    if args.json:
        dump(filing.to_dict())
    else:
        print(f"已备案：{_line(filing)}")
    return EXIT_OK


def cmd_cancel(args: argparse.Namespace) -> int:
    require_text(args.reason, "--reason")
    with desk_with_operator(args, "supervisor") as (desk, approver):
        filing = revoke_filing(desk, approver, args.psn_no, args.sn, args.reason)
    if args.json:
        dump(filing.to_dict())
    else:
        print(f"已撤销：{_line(filing)}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        filings = list_filings(desk, args.psn_no)
    if args.json:
        dump([f.to_dict() for f in filings])
    elif not filings:
        print("无门诊慢特病备案")
    else:
        for f in filings:
            print(_line(f))
    return EXIT_OK


def register_filing(group: Subparsers) -> None:
    """outpatient filing add|cancel|list."""
    filing = group.add_parser("filing", help="门诊慢特病备案: file (2503), revoke (2504), list (5301)") \
        .add_subparsers(dest="filing_command", required=True)
    p = filing.add_parser("add", help="file a person for a 门诊慢特病 disease of their pack (2503)")
    p.add_argument("psn_no", metavar="PSN_NO")
    p.add_argument("dise_codg", metavar="DISE_CODG", help="the disease code (see `outpatient diseases PSN_NO`)")
    p.add_argument("--from", dest="begndate", type=day, metavar="YYYY-MM-DD", help="first day covered (default today)")
    p.add_argument("--to", dest="enddate", type=day, metavar="YYYY-MM-DD", help="last day covered (default: open)")
    p.add_argument("--doctor", metavar="NAME", help="the doctor who certified the disease")
    p.add_argument("--memo", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_add)

    p = filing.add_parser("cancel", help="revoke a filing (2504; supervisor)")
    p.add_argument("psn_no", metavar="PSN_NO")
    p.add_argument("sn", metavar="TRT_DCLA_DETL_SN", help="the filing's number (see `outpatient filing list`)")
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_cancel)

    p = filing.add_parser("list", help="a person's filings, active and revoked (5301)")
    p.add_argument("psn_no", metavar="PSN_NO")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_list)
