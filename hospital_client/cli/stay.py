"""`hospital-client stay`: the inpatient transactions around discharge, sent to the central system.

    stay discharge MDTRT_ID --endtime YYYY-MM-DD [--way CODE] [--diag CODE]... [--dept CODE] [--json]
    stay change MDTRT_ID [--begntime YYYY-MM-DD] [--endtime YYYY-MM-DD] [--dept CODE] [--bed BED]
        [--diag CODE]... [--json]
    stay cancel-admission MDTRT_ID [--json]
    stay cancel-discharge MDTRT_ID [--json]
    stay withdraw-fee MDTRT_ID FEEDETL_SN [--json]          (FEEDETL_SN 0000: every line not settled)
    (each: [--db PATH] [--operator NAME --password-stdin])

出院办理 (2402), 住院信息变更 (2403), 入院办理撤销 (2404), 出院撤销 (2405), 住院费用明细撤销 (2302). A
discharge made while the central system cannot be reached is kept and sent with the next sync
(exit 0, state ``queued``); the others need the link (exit 1). A refusal (the stay is settled, not
admitted, ...) prints the central system's sentence and exits 2. The first --diag is the main diagnosis.
"""

from __future__ import annotations

import argparse
import datetime as dt

from ..app import stay_transactions as st
from .arguments import day
from .common import EXIT_OK, Subparsers, dump
from .operator_commands import add_desk_operator_options, desk_with_operator

__all__ = ["register"]

DSCG_WAYS = ("1", "2", "3", "4", "5", "9")


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _send(args: argparse.Namespace, infno: str, input_: dict[str, object]) -> int:
    with desk_with_operator(args, "clerk") as (desk, operator):
        outcome = desk.stay_transaction(operator.name, infno, dict(input_))
    if args.json:
        dump(outcome.to_dict())
    else:
        print(outcome.message_zh)
        for key, value in outcome.result.items():
            print(f"  {key}: {value}")
    return EXIT_OK


def cmd_discharge(args: argparse.Namespace) -> int:
    endtime = _date(args.endtime)
    assert endtime is not None
    return _send(args, st.DISCHARGE, st.discharge_input(args.mdtrt_id, endtime=endtime, dscg_way=args.way,
                                                           diagnoses=args.diag, dept=args.dept or ""))


def cmd_change(args: argparse.Namespace) -> int:
    return _send(args, st.ADMISSION_CHANGE, st.change_input(
        args.mdtrt_id, begntime=_date(args.begntime), endtime=_date(args.endtime), dept=args.dept or "",
        bed=args.bed or "", diagnoses=args.diag or None, dept_name=args.dept_name or "", doctor=args.doctor or ""))


def cmd_cancel_admission(args: argparse.Namespace) -> int:
    return _send(args, st.ADMISSION_CANCEL, st.cancel_input(args.mdtrt_id))


def cmd_cancel_discharge(args: argparse.Namespace) -> int:
    return _send(args, st.DISCHARGE_CANCEL, st.cancel_input(args.mdtrt_id))


def cmd_withdraw_fee(args: argparse.Namespace) -> int:
    return _send(args, st.FEE_WITHDRAW, st.withdraw_input(args.mdtrt_id, args.feedetl_sn))


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("mdtrt_id", metavar="MDTRT_ID", help="the stay (its mdtrt_id from 2401)")
    p.add_argument("--json", action="store_true")
    add_desk_operator_options(p)


def register(sub: Subparsers) -> None:
    """stay discharge, stay change, stay cancel-admission, stay cancel-discharge, stay withdraw-fee."""
    stay = sub.add_parser("stay", help="inpatient transactions around discharge (2402, 2403, 2404, 2405, 2302)")
    group = stay.add_subparsers(dest="stay_command", required=True)
    p = group.add_parser("discharge", help="出院办理 (2402): the stay's discharge day, way and diagnoses")
    _common(p)
    p.add_argument("--endtime", required=True, type=day, metavar="YYYY-MM-DD", help="the discharge day")
    p.add_argument("--way", choices=DSCG_WAYS, default="1",
                   help="离院方式: 1 医嘱离院 (default), 2 医嘱转院, 3 转社区/乡镇卫生院, 4 非医嘱离院, 5 死亡, 9 其他")
    p.add_argument("--diag", action="append", default=[], metavar="CODE", help="a discharge diagnosis (repeatable)")
    p.add_argument("--dept", metavar="CODE", help="the discharging department's code")
    p.set_defaults(func=cmd_discharge)
    p = group.add_parser("change", help="住院信息变更 (2403): dates, department, bed, diagnoses (before settlement)")
    _common(p)
    p.add_argument("--begntime", type=day, metavar="YYYY-MM-DD")
    p.add_argument("--endtime", type=day, metavar="YYYY-MM-DD", help="the discharge day (a discharged stay)")
    p.add_argument("--dept", metavar="CODE")
    p.add_argument("--dept-name", metavar="NAME", help="the admitting department's name")
    p.add_argument("--bed", metavar="BED")
    p.add_argument("--doctor", metavar="NAME", help="the attending doctor's name (chfpdr_name)")
    p.add_argument("--diag", action="append", default=[], metavar="CODE", help="the diagnoses, replacing them")
    p.set_defaults(func=cmd_change)
    p = group.add_parser("cancel-admission", help="入院办理撤销 (2404): only while nothing of the stay is settled")
    _common(p)
    p.set_defaults(func=cmd_cancel_admission)
    p = group.add_parser("cancel-discharge", help="出院撤销 (2405): the stay open again (settlement reversed first)")
    _common(p)
    p.set_defaults(func=cmd_cancel_discharge)
    p = group.add_parser("withdraw-fee", help="住院费用明细撤销 (2302): an uploaded fee line, 0000 for all not settled")
    _common(p)
    p.add_argument("feedetl_sn", metavar="FEEDETL_SN")
    p.set_defaults(func=cmd_withdraw_fee)
