"""`hospital-client central clearing approve`: the fund administrator approves a site's clearing
application (3203) after checking it; the site's 3205A then answers ``approved``, and the
application can no longer be withdrawn (3204).

    central clearing approve CLR_APPY_EVT_ID --db PATH|URL [--operator NAME] [--json]

Exit codes: 0 approved; 2 no such application, withdrawn, already approved.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .clearing_status import approve
from .fund_reports.commands import Kit

__all__ = ["add_clearing_commands"]


def _cmd_approve(kit: Kit) -> Any:
    def run(args: argparse.Namespace) -> int:
        store = kit.open_store(args.db)
        try:
            out = approve(store, args.clr_appy_evt_id, args.operator)
        finally:
            store.close()
        if args.json:
            print(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            print(f"{out['clr_appy_evt_id']}: approved at {out['opt_time']} by {out['opter_name']} "
                  f"({out['clr_ym']}, type {out['clr_type']}, insutype {out['insutype']}, "
                  f"funds {out['fund_appy_sum']})")
        return 0

    return run


def add_clearing_commands(sub: Any, kit: Kit) -> None:
    """central clearing approve."""
    clearing = kit.one_line(sub.add_parser("clearing", help="sites' clearing applications (清算申请): approve"))
    group = clearing.add_subparsers(dest="clearing_command", required=True, metavar="COMMAND")
    p = kit.one_line(group.add_parser("approve", help="approve a standing clearing application (3205A says approved)"))
    p.add_argument("clr_appy_evt_id", metavar="CLR_APPY_EVT_ID", help="the application's id (3203's answer)")
    p.add_argument("--db", required=True, metavar="PATH|URL",
                   help="the central SQLite database file, or postgresql://USER@HOST:PORT/DB")
    p.add_argument("--operator", default="经办人", help="who approves (recorded with the approval)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=kit.guard(_cmd_approve(kit)))
