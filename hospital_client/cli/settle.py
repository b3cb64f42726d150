"""`hospital-client settle`, `reverse` and `policy list|check|explain`: the settlement and its packs.

    settle REQUEST.json [--policy PACK_ID | --policy-file FILE] [--catalog FILE]
    settle REQUEST.json --commit [--tendered AMOUNT --payment METHOD] [--overlap-reason TEXT] [--db PATH]
        [--operator NAME --password-stdin]
    settle --his IPT_NO [--commit] [--overlap-reason TEXT] [--db PATH] [--operator NAME --password-stdin]
    settle ... --mid-stay   (中途结算: a period of a stay that goes on; its next settlement continues it)
    settle ... --commit --override RULE_ID --override-reason TEXT [--supervisor NAME]   (a review block let through)
    reverse LOCAL_ID --reason TEXT [--paid-by NAME] [--db PATH] [--operator NAME --password-stdin]
    policy list [--json]
    policy check FILE
    policy explain PACK

Without --commit nothing is recorded (the bundled packs, the demo catalogue unless --catalog).
With it the settlement is committed durably to the desk's journal and printed only then, with
its payment: --payment 现金|银行卡|微信|支付宝|医保个人账户 (or cash|card|wechat|alipay|account;
default cash) and --tendered, the amount handed over (default: the cash due); the change is
printed, and less than the cash due is refused (exit 2). A stay overlapping a settlement in force
of the same person, one of the two typed by hand (app/stay_overlap.py), is refused (exit 2, naming
that settlement) unless --overlap-reason TEXT says why it is another stay (audited as overlap_confirm).

A 拦截 (block) of the review rules (智能审核, docs/review-rules.md) makes its lines self-paid; with
--commit, `--override RULE_ID --override-reason TEXT` (--override repeatable) lets the fund pay them
as billed, approved by a supervisor: --supervisor NAME, whose password is the next line of standard
input (after the operator's with --password-stdin); without --supervisor, the operator when a
supervisor, or on the demo site the demo supervisor. The override is audited and uploaded.

`reverse` is approved by a supervisor (--operator); the refund counts in day-end for --paid-by,
the clerk (login name) who pays the cash out at the window, default the approving supervisor.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import app
from ..app import SourceFile
from ..app.stay_overlap import overlap_refusal
from .arguments import money, record_id
from .common import (
    EXIT_OK,
    BadInput,
    Subparsers,
    command_operator,
    dump,
    open_desk_for_command,
    read_file,
    read_password,
)
from .listing_output import print_listing
from .operator_commands import add_desk_operator_options, desk_with_operator, refund_cashier, require_text
from .settle_input import payment_method, request_of, settle_payment

__all__ = ["register"]


def cmd_settle(args: argparse.Namespace) -> int:
    settle_payment(args)  # --tendered and --payment need --commit
    if args.overlap_reason is not None:
        if not args.commit:
            raise BadInput("--overlap-reason needs --commit")
        require_text(args.overlap_reason, "--overlap-reason")
    if args.his is not None:
        return _settle_his(args)
    if args.request is None:
        raise BadInput("give a request file (or - for stdin), or --his IPT_NO")
    if args.commit:
        return _settle_commit(args)
    if args.db or args.operator or args.password_stdin:
        raise BadInput("--db, --operator and --password-stdin need --commit")
    _check_override_args(args)
    result = app.compute(_mid_stay(args, request_of(args)), pack_id=args.policy,
                         pack_file=args.policy_file, catalog_file=args.catalog)
    print(result.to_json())
    return EXIT_OK


def _mid_stay(args: argparse.Namespace, request: dict[str, Any]) -> dict[str, Any]:
    """With --mid-stay: the settlement closes a period of a stay that goes on (中途结算,
    ``encounter.mid_setl_flag``); the stay's next settlement continues it (store.mid_stay)."""
    if not args.mid_stay:
        return request
    encounter = request.get("encounter")
    if not isinstance(encounter, dict):
        raise BadInput("--mid-stay: the request has no encounter")
    return {**request, "encounter": {**encounter, "mid_setl_flag": True}}


def _source_file(name: str | None, *, max_bytes: int, what: str) -> SourceFile | None:
    if not name:
        return None
    return SourceFile(Path(name).name, read_file(name, max_bytes=max_bytes, what=what))


def _check_override_args(args: argparse.Namespace) -> list[app.OverrideInput]:
    if not args.override:
        if args.override_reason is not None or args.supervisor is not None:
            raise BadInput("--override-reason and --supervisor need --override RULE_ID")
        return []
    if not args.commit:
        raise BadInput("--override needs --commit (the preview shows every block as self-paid)")
    reason = (args.override_reason or "").strip()
    if not reason:
        raise BadInput("--override needs --override-reason TEXT (why the supervisor lets it through)")
    return [app.OverrideInput(rule_id, reason) for rule_id in dict.fromkeys(args.override)]


def _approver(args: argparse.Namespace, desk: app.Desk, operator: app.Operator,
              overrides: list[app.OverrideInput]) -> app.Operator | None:
    """Who approves the overrides: --supervisor (password on the next line of stdin), else the
    operator when a supervisor, else the demo site's supervisor."""
    if not overrides:
        return None
    if args.supervisor:
        return desk.login(args.supervisor, read_password(), via="cli-override")
    if operator.has_role("supervisor"):
        return operator
    demo = desk.demo_operator("supervisor")
    if demo is None:
        raise BadInput("--override needs --supervisor NAME (the supervisor's password on the next line of stdin)")
    return demo


def _settle_commit(args: argparse.Namespace) -> int:
    request = _mid_stay(args, request_of(args))
    pack_file = _source_file(args.policy_file, max_bytes=app.MAX_PACK_BYTES, what="policy pack")
    catalog_file = _source_file(args.catalog, max_bytes=app.MAX_CATALOG_BYTES, what="catalog")
    overrides = _check_override_args(args)
    with desk_with_operator(args, "clerk", first_start=True) as (desk, operator):
        _check_overlap(args, desk, request, operator)
        approver = _approver(args, desk, operator, overrides)
        outcome = desk.settle(operator, request, pack_id=args.policy, pack_file=pack_file, catalog_file=catalog_file,
                              payment=settle_payment(args), overrides=overrides, approver=approver)
    # Printed only now: the commit is durable (WAL, synchronous=FULL) and the database closed.
    dump(outcome.to_dict())
    return EXIT_OK


def _settle_his(args: argparse.Namespace) -> int:
    """A stay handed over by HIS: previewed, or with --commit settled and committed."""
    if args.request is not None or args.policy or args.policy_file or args.catalog:
        raise BadInput("--his takes the request from the HIS hand-off: give no request file, pack or catalogue")
    overrides = _check_override_args(args)
    with open_desk_for_command(args, first_start=True) as desk:
        request = _mid_stay(args, desk.his_request(args.his))
        if not args.commit:
            preview = desk.preview(request)
            dump(preview.result)
            return EXIT_OK
        operator = command_operator(args, desk, "clerk")
        _check_overlap(args, desk, request, operator)
        approver = _approver(args, desk, operator, overrides)
        outcome = desk.settle(operator, request, payment=settle_payment(args), overrides=overrides, approver=approver)
    dump(outcome.to_dict())
    return EXIT_OK


def _check_overlap(args: argparse.Namespace, desk: app.Desk, request: Mapping[str, Any],
                   operator: app.Operator) -> None:
    """The window's overlap warning (app/stay_overlap.py) on the command line: a stay overlapping a
    settlement in force of the same person, one of the two typed by hand, is refused (exit 2, naming
    the other stay) unless --overlap-reason says why it is another stay; the reason is audited."""
    encounter, person = request.get("encounter") or {}, request.get("person") or {}
    try:
        stay = app.EncounterInput(str(encounter.get("mdtrt_id", "")), int(encounter.get("hosp_lv") or 0),
                                  dt.date.fromisoformat(str(encounter.get("begntime", ""))[:10]),
                                  dt.date.fromisoformat(str(encounter.get("endtime", ""))[:10]))
    except (TypeError, ValueError):
        return  # the settlement refuses the request itself, with the field named
    overlaps = desk.overlapping_stays(str(person.get("psn_no", "")), stay)
    if not overlaps:
        return
    if args.overlap_reason is None:
        raise overlap_refusal(stay.mdtrt_id, overlaps)
    desk.confirm_overlap(operator.name, stay.mdtrt_id, [int(o["local_id"]) for o in overlaps], args.overlap_reason)


def cmd_reverse(args: argparse.Namespace) -> int:
    require_text(args.reason, "--reason")
    with desk_with_operator(args, "supervisor") as (desk, approver):
        cashier = refund_cashier(args, desk)
        outcome = desk.reverse(approver, args.local_id, args.reason, paid_by=cashier)
    dump(outcome.to_dict())
    return EXIT_OK


def cmd_policy_list(args: argparse.Namespace) -> int:
    return print_listing(args.json, app.bundled_packs(), app.pack_summary,
                         lambda p: f"{p.id:<28} {p.version:<10} {p.model.pack.valid_from}..{p.model.pack.valid_to}  "
                                   f"{p.model.pack.name}")


def cmd_policy_check(args: argparse.Namespace) -> int:
    pack = app.check_pack(args.file)
    print(f"{args.file}: OK  id={pack.id} version={pack.version} sha256={pack.sha256}")
    warnings, illustrative = app.pack_notes(pack)
    for warning in warnings:
        print(f"  warning: {warning}")
    for key in illustrative:
        print(f"  illustrative: {key}")
    return EXIT_OK


def cmd_policy_explain(args: argparse.Namespace) -> int:
    for line in app.explain_pack(args.pack):
        print(line)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """settle, reverse, policy."""
    p = sub.add_parser("settle", help="compute a settlement from a request JSON file (or - for stdin)")
    p.add_argument("request", nargs="?")
    p.add_argument("--his", metavar="IPT_NO",
                   help="settle a stay handed over by HIS (its 住院号 or mdtrt_id; see `his list`)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--policy", metavar="PACK_ID")
    group.add_argument("--policy-file", metavar="FILE")
    p.add_argument("--catalog", metavar="FILE")
    p.add_argument("--commit", action="store_true",
                   help="commit the settlement to the local journal (durably) and print its local_id, "
                        "queue_no, state and result")
    p.add_argument("--tendered", type=money, metavar="AMOUNT",
                   help="the amount the patient hands over (with --commit; default: the cash due); the change "
                        "is printed")
    p.add_argument("--payment", type=payment_method, metavar="METHOD",
                   help="cash|card|wechat|alipay|account, or 现金|银行卡|微信|支付宝|医保个人账户 (default cash)")
    p.add_argument("--mid-stay", action="store_true",
                   help="中途结算: settle a period of a long stay that goes on; the stay's next settlement "
                        "(same 住院号/mdtrt_id) continues it")
    p.add_argument("--overlap-reason", metavar="TEXT",
                   help="settle although the same person has a settlement in force of an overlapping stay and one "
                        "of the two was typed by hand (without it: exit 2 naming that settlement); audited")
    p.add_argument("--override", action="append", metavar="RULE_ID", default=[],
                   help="with --commit: let a blocked review rule's lines be paid by the fund (repeatable); "
                        "needs --override-reason and a supervisor")
    p.add_argument("--override-reason", metavar="TEXT", help="why the supervisor lets the blocked rule(s) through")
    p.add_argument("--supervisor", metavar="NAME",
                   help="the supervisor approving --override; their password is the next line of standard input")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_settle)

    p = sub.add_parser("reverse", help="reverse a committed settlement (supervisor)")
    p.add_argument("local_id", type=record_id("journal entry id"))
    p.add_argument("--reason", required=True)
    p.add_argument("--paid-by", metavar="NAME",
                   help="the clerk (login name) who pays the refund out; it counts in their day-end "
                        "(default: the approving supervisor)")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_reverse)

    policy = sub.add_parser("policy", help="policy packs").add_subparsers(dest="policy_command", required=True)
    p = policy.add_parser("list", help="list the bundled policy packs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_policy_list)
    p = policy.add_parser("check", help="validate a policy pack file")
    p.add_argument("file")
    p.set_defaults(func=cmd_policy_check)
    p = policy.add_parser("explain", help="print a pack (bundled id or file) back as Chinese sentences")
    p.add_argument("pack", metavar="PACK")
    p.set_defaults(func=cmd_policy_explain)
