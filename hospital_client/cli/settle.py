"""`hospital-client settle`, `reverse` and `policy list|check|explain`: the settlement and its packs.

    settle REQUEST.json [--policy PACK_ID | --policy-file FILE] [--catalog FILE]
    settle REQUEST.json --commit [--tendered AMOUNT --payment METHOD] [--db PATH] [--operator NAME --password-stdin]
    settle --his IPT_NO [--commit] [--db PATH] [--operator NAME --password-stdin]
    reverse LOCAL_ID --reason TEXT [--paid-by NAME] [--db PATH] [--operator NAME --password-stdin]
    policy list [--json]
    policy check FILE
    policy explain PACK

Without --commit nothing is recorded (the bundled packs, the demo catalogue unless --catalog).
With it the settlement is committed durably to the desk's journal and printed only then, with
its payment: --payment 现金|银行卡|微信|支付宝|医保个人账户 (or cash|card|wechat|alipay|account;
default cash) and --tendered, the amount handed over (default: the cash due); the change is
printed, and less than the cash due is refused (exit 2).

`reverse` is approved by a supervisor (--operator); the refund counts in day-end for --paid-by,
the clerk (login name) who pays the cash out at the window, default the approving supervisor.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import app
from ..app import SourceFile
from .arguments import money, record_id
from .common import (
    EXIT_OK,
    BadInput,
    Subparsers,
    add_db_option,
    add_operator_options,
    command_operator,
    dump,
    open_desk_for_command,
    read_file,
    read_request,
)

__all__ = ["register"]


def cmd_settle(args: argparse.Namespace) -> int:
    _payment(args)  # --tendered and --payment need --commit
    if args.his is not None:
        return _settle_his(args)
    if args.request is None:
        raise BadInput("give a request file (or - for stdin), or --his IPT_NO")
    if args.commit:
        return _settle_commit(args)
    if args.db or args.operator or args.password_stdin:
        raise BadInput("--db, --operator and --password-stdin need --commit")
    result = app.compute(read_request(args.request), pack_id=args.policy, pack_file=args.policy_file,
                         catalog_file=args.catalog)
    print(result.to_json())
    return EXIT_OK


def _source_file(name: str | None, *, max_bytes: int, what: str) -> SourceFile | None:
    if not name:
        return None
    return SourceFile(Path(name).name, read_file(name, max_bytes=max_bytes, what=what))


def _payment(args: argparse.Namespace) -> app.Payment:
    if args.tendered is not None or args.payment is not None:
        if not args.commit:
            raise BadInput("--tendered and --payment need --commit")
    return app.Payment(args.payment or "cash", args.tendered)


def _payment_method(text: str) -> str:
    """cash|card|wechat|alipay|account, or its Chinese name."""
    names = {v: k for k, v in app.PAYMENT_METHODS.items()}
    method = names.get(text, text)
    if method not in app.PAYMENT_METHODS:
        choices = ", ".join(f"{k} ({v})" for k, v in app.PAYMENT_METHODS.items())
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a payment method; one of {choices}")
    return method


def _settle_commit(args: argparse.Namespace) -> int:
    if args.request == "-" and args.password_stdin:
        raise BadInput("read the request from a file when the password comes from standard input")
    request = read_request(args.request)
    pack_file = _source_file(args.policy_file, max_bytes=app.MAX_PACK_BYTES, what="policy pack")
    catalog_file = _source_file(args.catalog, max_bytes=app.MAX_CATALOG_BYTES, what="catalog")
    with open_desk_for_command(args, first_start=True) as desk:
        operator = command_operator(args, desk, "clerk")
        outcome = desk.settle(operator, request, pack_id=args.policy, pack_file=pack_file, catalog_file=catalog_file,
                              payment=_payment(args))
    # Printed only now: the commit is durable (WAL, synchronous=FULL) and the database closed.
    dump(outcome.to_dict())
    return EXIT_OK


def _settle_his(args: argparse.Namespace) -> int:
    """A stay handed over by HIS: previewed, or with --commit settled and committed."""
    if args.request is not None or args.policy or args.policy_file or args.catalog:
        raise BadInput("--his takes the request from the HIS hand-off: give no request file, pack or catalogue")
    with open_desk_for_command(args, first_start=True) as desk:
        if not args.commit:
            preview = desk.preview(desk.his_request(args.his))
            dump(preview.result)
            return EXIT_OK
        operator = command_operator(args, desk, "clerk")
        outcome = desk.settle_his(operator, args.his, payment=_payment(args))
    dump(outcome.to_dict())
    return EXIT_OK


def cmd_reverse(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise BadInput("--reason must not be empty")
    with open_desk_for_command(args) as desk:
        approver = command_operator(args, desk, "supervisor")
        cashier = desk.operator_named(args.paid_by) if args.paid_by is not None else None
        outcome = desk.reverse(approver, args.local_id, args.reason, paid_by=cashier)
    dump(outcome.to_dict())
    return EXIT_OK


def cmd_policy_list(args: argparse.Namespace) -> int:
    packs = app.bundled_packs()
    if args.json:
        print(json.dumps([app.pack_summary(p) for p in packs], ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in packs:
        info = p.model.pack
        print(f"{p.id:<28} {p.version:<10} {info.valid_from}..{info.valid_to}  {info.name}")
    return EXIT_OK


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
    p.add_argument("--payment", type=_payment_method, metavar="METHOD",
                   help="cash|card|wechat|alipay|account, or 现金|银行卡|微信|支付宝|医保个人账户 (default cash)")
    add_db_option(p)
    add_operator_options(p)
    p.set_defaults(func=cmd_settle)

    p = sub.add_parser("reverse", help="reverse a committed settlement (supervisor)")
    p.add_argument("local_id", type=record_id("journal entry id"))
    p.add_argument("--reason", required=True)
    p.add_argument("--paid-by", metavar="NAME",
                   help="the clerk (login name) who pays the refund out; it counts in their day-end "
                        "(default: the approving supervisor)")
    add_db_option(p)
    add_operator_options(p)
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
