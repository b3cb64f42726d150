"""`hospital-client setup`, `sync`, `outbox` and `adjustments`: the central system from the
command line (for IT staff and scripts).

    setup --site-code CODE --site-name NAME --server URL --secret-stdin [--region ADMDVS] [--desk N] [--db PATH]
    sync [--db PATH] [--json] [--no-pulls]
    outbox list [--json] [--status STATUS] [--db PATH]
    outbox retry ID [--db PATH] [--operator NAME --password-stdin]
    adjustments list [--open] [--json] [--db PATH]
    adjustments resolve LOCAL_ID [--note TEXT] [--db PATH] [--operator NAME --password-stdin]

`setup` stores the site's signing secret (first line of standard input) in the OS keyring under
``hospital-client`` / ``site:CODE`` and writes the site file (``HOSPITAL_CLIENT_CONFIG`` or the
machine config dir); the secret never goes to a file, the database or a log.

Exit codes: 0 done; 2 a refusal or missing configuration (bad arguments, no site file or server,
no secret in the keyring, nothing to retry); 1 a failure (the central system unreachable or
refusing the credentials, no OS keyring, the database unusable); 4 another sync of the same
database is running.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import config
from ..app import CredentialsUnavailable
from ..app import sync_usecases as su
from .arguments import record_id
from .common import (
    EXIT_OK,
    AnotherSyncRunning,
    BadInput,
    CommandFailed,
    Subparsers,
    add_db_option,
    dump,
    open_desk_for_command,
    os_user,
    read_stdin_line,
)
from .operator_commands import add_desk_operator_options, desk_with_operator

__all__ = ["register"]


def _read_secret() -> str:
    secret = read_stdin_line("--secret-stdin").strip()
    if not secret:
        raise BadInput("--secret-stdin: no secret on the first line of standard input")
    return secret


def cmd_setup(args: argparse.Namespace) -> int:
    if not args.secret_stdin:
        raise BadInput("setup needs --secret-stdin (the secret on the first line of standard input; "
                       "never on the command line)")
    secret = _read_secret()
    try:
        result = su.setup_site(code=args.site_code, name=args.site_name, server_url=args.server, secret=secret,
                               region=args.region, desk=args.desk)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    except CredentialsUnavailable as exc:
        raise CommandFailed(f"{exc}. Nothing was written.") from None
    out: dict[str, Any] = result.to_dict()
    path = config.resolve_db_path(args.db)
    out["database"] = {"path": str(path), "exists": path.exists()}
    if path.exists():
        out["next"] = f"hospital-client sync --db {path}"
    else:
        out["next"] = f"hospital-client init --admin NAME --password-stdin --db {path}; then hospital-client sync"
    dump(out)
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    client = su.open_client(config.load_site_config())  # configuration and secret first: no database opened
    try:
        with open_desk_for_command(args) as desk:
            desk.use_central_client(client)
            summary = desk.sync_now(os_user(), pulls=not args.no_pulls)
    finally:
        client.close()
    data = summary.to_dict()
    if args.json:
        dump(data)
    else:
        print(f"sync: sent {data['sent']}, accepted {data['accepted']}, adjusted {data['adjusted']}, "
              f"rejected {data['rejected']}, still queued {data['still_queued']}, parked {data['parked']}")
        pulls = data["pulls"]
        if pulls:
            print(f"pulls: {len(pulls['packs'])} new policy packs, catalogue {pulls['catalogue']}, "
                  f"{pulls['persons']} roster entries")
        for row in data["rejections"]:
            print(f"parked: entry {row['local_id']} ({row['queue_no']}): {row['infcode']} {row['err_msg']}")
    if data["clock_warning"]:
        print(f"hospital-client: warning: {data['clock_warning']}", file=sys.stderr)
    if summary.busy:
        raise AnotherSyncRunning(data["error"])
    if not summary.ok:
        raise CommandFailed(data["error"])
    return EXIT_OK


def cmd_outbox_list(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        rows = desk.outbox(args.status)
    if args.json:
        dump(rows)
        return EXIT_OK
    print(f"{'id':>6} {'local_id':>8} {'queue_no':<16} {'infno':<5} {'status':<9} {'tries':>5} msgid")
    for r in rows:
        print(f"{r['id']:>6} {r['local_id']:>8} {r['queue_no']:<16} {r['infno']:<5} {r['status']:<9} "
              f"{r['attempts']:>5} {r['msgid']}")
    return EXIT_OK


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    with desk_with_operator(args, "clerk") as (desk, operator):
        message = desk.retry_message(operator, args.id)
    dump(message)
    return EXIT_OK


def cmd_adjustments_list(args: argparse.Namespace) -> int:
    with open_desk_for_command(args) as desk:
        rows = desk.adjustments(open_only=args.open)
    if args.json:
        dump(rows)
        return EXIT_OK
    print(f"{'id':>6} {'queue_no':<16} {'date':<10} {'name':<8} {'cash diff':>10} {'funds diff':>10} "
          f"{'central':<20} resolved")
    for r in rows:
        resolved = f"{r['resolved_by']} {r['resolved_at']}" if r["resolved"] else "-"
        print(f"{r['local_id']:>6} {r['queue_no']:<16} {r['setl_date']:<10} {r['psn_name_masked']:<8} "
              f"{r['psn_cash_pay']:>10} {r['fund_pay_sumamt']:>10} {r['central_id']:<20} {resolved}")
    return EXIT_OK


def cmd_adjustments_resolve(args: argparse.Namespace) -> int:
    with desk_with_operator(args, "clerk") as (desk, operator):
        row = desk.resolve_adjustment(operator, args.local_id, args.note or "")
    dump(row)
    return EXIT_OK


def register(sub: Subparsers) -> None:
    """setup, sync, outbox, adjustments."""
    p = sub.add_parser("setup", help="configure this desk's site: the site file and the secret in the OS keyring")
    p.add_argument("--site-code", required=True, metavar="CODE", help="fixmedins_code (12 letters or digits)")
    p.add_argument("--site-name", required=True, metavar="NAME")
    p.add_argument("--server", required=True, metavar="URL", help="the central system, e.g. https://ybzx.example:8400")
    p.add_argument("--secret-stdin", action="store_true", help="read the site's secret from standard input")
    p.add_argument("--region", metavar="ADMDVS", help="the site's admdvs (default: read from the site code)")
    p.add_argument("--desk", type=int, metavar="N",
                   help="this window's number among the hospital's desks, 1-10 (default: kept, or 1)")
    add_db_option(p)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("sync", help="send the queued settlements to the central system and pull its updates")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-pulls", action="store_true", help="only drain the outbox")
    add_db_option(p)
    p.set_defaults(func=cmd_sync)

    outbox = sub.add_parser("outbox", help="messages waiting for the central system").add_subparsers(
        dest="outbox_command", required=True)
    p = outbox.add_parser("list", help="every outbox message with its status")
    p.add_argument("--status", choices=("queued", "sent", "accepted", "adjusted", "rejected"))
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_outbox_list)
    p = outbox.add_parser("retry", help="put a parked (rejected) message back in the queue")
    p.add_argument("id", type=record_id("outbox message id"), help="the outbox message id (outbox list)")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_outbox_retry)

    adjustments = sub.add_parser("adjustments", help="differences between provisional and final settlements")
    adj_sub = adjustments.add_subparsers(dest="adjustments_command", required=True)
    p = adj_sub.add_parser("list", help="every adjustment (补费/退费) and whether it was resolved")
    p.add_argument("--open", action="store_true", help="only those not resolved yet")
    p.add_argument("--json", action="store_true")
    add_db_option(p)
    p.set_defaults(func=cmd_adjustments_list)
    p = adj_sub.add_parser("resolve", help="record that the difference was settled with the patient")
    p.add_argument("local_id", type=record_id("journal entry id"))
    p.add_argument("--note", default="", help="e.g. the receipt number of the refund")
    add_desk_operator_options(p)
    p.set_defaults(func=cmd_adjustments_resolve)
