"""`hospital-client clearing`: the month's clearing application (清算申请, 3203) and its withdrawal (3204).

    clearing apply --month YYYY-MM [--json] [--db PATH] [--operator NAME --password-stdin]
    clearing withdraw CLR_APPY_EVT_ID [--json] [--db PATH] [--operator NAME --password-stdin]
    clearing list [--json] [--db PATH]

`apply` reconciles the month with the central system first (3201; 3202 when the totals differ)
and applies only when it reconciles, once per clearing type and insurance type. When it does not
(对账不平) it lists the differing entries: local id, central setl_id, what differs and by how much
(desk minus central), and exits 2 without applying. Exit codes: 0 applied (withdrawn); 2 not
reconciled, refused by the central system (already applied, ...), bad input; 1 unreachable.

`list` shows the hospital's applications of the last 12 months with their state (applied,
withdrawn, approved by the fund administrator; 3205A). The answer is kept on the desk: while the
central system cannot be reached, the kept one is shown with the time it was read (exit 0).
"""

from __future__ import annotations

import argparse
import re

from ..app.clearing import ClearingRefused, ReconciliationMismatch
from .common import EXIT_OK, Subparsers, add_db_option, dump, open_desk_for_command
from .operator_commands import add_desk_operator_options, desk_with_operator

__all__ = ["register"]

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
KIND_NAMES = {"missing_at_central": "中心无此结算（未上传）", "missing_at_site": "本机无此结算",
              "amounts": "金额不符"}


def month(text: str) -> str:
    """``YYYY-MM``."""
    if not _MONTH.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a month (YYYY-MM)")
    return text


def _print_differences(exc: ReconciliationMismatch) -> None:
    print(f"{exc.month}: 对账不平 — {len(exc.differences)} entries differ; no clearing applied for")
    print(f"{'local_id':>10} {'setl_id':<22} {'what':<12} difference (desk - central)")
    for d in exc.differences:
        what = ", ".join(f"{k} {v}" for k, v in d.diff.items()) if d.diff else (
            f"medfee_sumamt {d.desk.get('medfee_sumamt') or d.central.get('medfee_sumamt')}")
        print(f"{d.local_id:>10} {d.setl_id or '-':<22} {d.kind:<12} {KIND_NAMES.get(d.kind, '')} {what}")


def cmd_apply(args: argparse.Namespace) -> int:
    with desk_with_operator(args, "clerk") as (desk, operator):
        try:
            outcome = desk.apply_clearing(operator.name, args.month)
        except ReconciliationMismatch as exc:
            if args.json:
                dump(exc.to_dict())
            else:
                _print_differences(exc)
            raise
        except ClearingRefused as exc:
            if args.json:
                dump(exc.outcome.to_dict())
            raise
    if args.json:
        dump(outcome.to_dict())
        return EXIT_OK
    print(f"{outcome.month}: reconciled ({outcome.lines} entries); clearing applied for:")
    for a in outcome.applications:
        print(f"  {a['clr_appy_evt_id']}: type {a['clr_type']} insutype {a['insutype']}, {a['psntime']} settlements, "
              f"medical fees {a['medfee_sumamt']}, funds {a['fund_appy_sum']}")
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    with desk_with_operator(args, "clerk") as (desk, operator):
        out = desk.withdraw_clearing(operator.name, args.clr_appy_evt_id)
    if args.json:
        dump(out)
    else:
        print(f"{out.get('clr_appy_evt_id')}: withdrawn at {out.get('withdrawn_at')}")
    return EXIT_OK


STAS_NAMES = {"applied": "已申请", "withdrawn": "已撤销", "approved": "已审核通过"}
CLR_TYPE_NAMES = {"21": "住院", "11": "门诊"}


def cmd_list(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        history = desk.clearing_applications()
    if args.json:
        dump(history.to_dict())
        return EXIT_OK
    if history.problem:
        when = f"as read at {history.fetched_at}" if history.fetched_at else "none kept on this desk"
        print(f"hospital-client: the central system could not be asked ({history.problem}); "
              f"the applications {when}")
    print(f"{'month':<7} {'application':<22} {'type':<5} {'insutype':<8} {'persons':>7} {'funds':>12} state")
    for row in history.rows:
        state = str(row.get("clr_stas", ""))
        print(f"{row.get('clr_ym', ''):<7} {row.get('clr_appy_evt_id', ''):<22} "
              f"{CLR_TYPE_NAMES.get(str(row.get('clr_type')), str(row.get('clr_type'))):<5} "
              f"{row.get('insutype', ''):<8} {row.get('psntime', ''):>7} {row.get('fund_appy_sum', ''):>12} "
              f"{state} {STAS_NAMES.get(state, '')} {row.get('opt_time', '')}")
    if not history.rows:
        print("no clearing application in the last 12 months")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """clearing apply, clearing withdraw, clearing list."""
    clearing = sub.add_parser("clearing", help="monthly clearing with the central system (清算申请 3203/3204)")
    group = clearing.add_subparsers(dest="clearing_command", required=True)
    p = group.add_parser("apply", help="reconcile the month, then apply for its clearing")
    p.add_argument("--month", required=True, type=month, metavar="YYYY-MM")
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_apply)
    p = group.add_parser("list", help="the clearing applications of the last 12 months and their state (3205A)")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_list)
    p = group.add_parser("withdraw", help="withdraw a clearing application")
    p.add_argument("clr_appy_evt_id", metavar="CLR_APPY_EVT_ID", help="the application's id (clearing apply)")
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_withdraw)
