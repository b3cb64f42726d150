"""`hospital-client outpatient`: an outpatient visit (普通门诊 11, 门诊慢特病 14) at the window.

    outpatient settle REQUEST.json [--commit] [--tendered AMOUNT --payment METHOD] [--json] [--db PATH]
        [--operator NAME --password-stdin]
    outpatient reverse LOCAL_ID --reason TEXT [--paid-by NAME] [--json] [--db PATH] [--operator NAME --password-stdin]
    outpatient diseases PSN_NO [--json] [--db PATH]
    outpatient filing add|cancel|list ...   (门诊慢特病备案 2503 / 2504 / 5301: cli/outpatient_filing.py)

REQUEST.json (docs/operations.md, "Outpatient visits"): ``psn_no``, ``med_type`` (11 or 14),
``dise_codg`` (for 14), ``fees`` (fee lines), optional ``begntime``, ``hosp_lv``, ``ipt_otp_no``,
``atddr_no``, ``dr_name``, ``dept_code``, ``dept_name``, ``caty``. Without --commit the figures
only (local rules core, nothing recorded). With --commit the visit is settled: online through the
chain (2201 ... 2207) when the site's central system answers, else committed provisionally and
queued (sent by the next sync). Exit codes: 0 settled (final or provisional), 2 bad input or a
refusal (e.g. no 备案 for the disease), 1 otherwise.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..app.outpatient import OUTPATIENT_MED_TYPES, parse_visit
from .arguments import money, record_id
from .common import EXIT_OK, Subparsers, add_db_option, command_operator, dump, open_desk_for_command
from .listing_output import print_listing
from .operator_commands import add_desk_operator_options, desk_with_operator, refund_cashier, require_text
from .outpatient_filing import register_filing
from .settle_input import payment_method, request_of, settle_payment

__all__ = ["register"]


def _summary(result: dict[str, Any]) -> str:
    info = result.get("setlinfo") or {}
    return (f"医疗费总额 {info.get('medfee_sumamt')}  统筹支付 {info.get('hifp_pay')}  "
            f"基金支付合计 {info.get('fund_pay_sumamt')}  个人现金支付 {info.get('psn_cash_pay')}")


def cmd_settle(args: argparse.Namespace) -> int:
    payment = settle_payment(args)  # --tendered and --payment need --commit
    visit = parse_visit(request_of(args))
    with open_desk_for_command(args, first_start=True) as desk:
        if not args.commit:
            result = desk.outpatient().preview(visit)
            out: dict[str, Any] = {"committed": False, "med_type": visit.med_type, "result": result}
            text = f"{OUTPATIENT_MED_TYPES[visit.med_type]}（未记账）：{_summary(result)}"
        else:
            operator = command_operator(args, desk, "clerk")
            outcome = desk.outpatient().settle(operator, visit,
                                               payment=payment)
            out = {"committed": True, "med_type": visit.med_type, **outcome.to_dict()}
            text = f"{OUTPATIENT_MED_TYPES[visit.med_type]} local_id {out.get('local_id')}：{outcome.message_zh}"
    # Printed only now: the commit is durable and the database closed.
    if args.json:
        dump(out)
    else:
        print(text)
    return EXIT_OK


def cmd_reverse(args: argparse.Namespace) -> int:
    require_text(args.reason, "--reason")
    with desk_with_operator(args, "supervisor") as (desk, approver):
        cashier = refund_cashier(args, desk)
        outcome = desk.outpatient().reverse(approver, args.local_id, args.reason, paid_by=cashier)
    out = outcome.to_dict()
    if args.json:
        dump(out)
    else:
        print(f"撤销 local_id {out.get('local_id')}：{outcome.message_zh}")
    return EXIT_OK


def cmd_diseases(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        choices = desk.outpatient().diseases(args.psn_no)
    marks = {True: "已备案", False: "未备案", None: "备案未知（未连中心）"}
    return print_listing(args.json, choices, lambda c: {"dise_codg": c.code, "name": c.name, "filed": c.filed},
                         lambda c: f"{c.code}\t{c.name}\t{marks[c.filed]}")


def register(sub: Subparsers) -> None:
    """outpatient settle, outpatient reverse, outpatient diseases, outpatient filing."""
    group = sub.add_parser("outpatient", help="outpatient visits: 普通门诊 (11), 门诊慢特病 (14)").add_subparsers(
        dest="outpatient_command", required=True)
    p = group.add_parser("settle", help="the figures of a visit from REQUEST.json; with --commit settle it")
    p.add_argument("request", help="the visit as JSON (psn_no, med_type, dise_codg, fees, ...), - for stdin")
    p.add_argument("--commit", action="store_true",
                   help="settle: online through the chain (2201-2207), or committed provisionally and queued")
    p.add_argument("--tendered", type=money, metavar="AMOUNT", help="the amount the patient hands over")
    p.add_argument("--payment", type=payment_method, metavar="METHOD", help="cash|card|wechat|alipay|account")
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_settle)

    p = group.add_parser("reverse", help="reverse an outpatient settlement (2208; supervisor)")
    p.add_argument("local_id", type=record_id("journal entry id"))
    p.add_argument("--reason", required=True)
    p.add_argument("--paid-by", metavar="NAME", help="the clerk who pays the refund out (default: the supervisor)")
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_reverse)

    p = group.add_parser("diseases", help="the 门诊慢特病 diseases of a person's pack and which are filed (5301)")
    p.add_argument("psn_no")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_diseases)

    register_filing(group)
