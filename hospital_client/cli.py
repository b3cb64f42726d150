"""The command-line face of the client (`hospital-client ...`), over app/ and rules/.

Exit codes: 0 success, 2 bad input or a refusal (request, pack, catalogue, arguments, unknown
person, wrong password, already reversed, ...) with a one-line message on stderr naming what is
wrong, 3 when `audit verify` finds a broken audit chain or an inconsistent journal, 1 for any
other failure (the database cannot be used: the message says what is wrong and what to do).
Never a traceback.

Commands that write the journal authenticate an operator: `--operator NAME --password-stdin`
(the password is the first line of standard input). On the demo site (a database initialised
as demo) they default to the demo clerk (settle) or the demo supervisor (reverse).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import app, config, paths, store
from .rules import (
    Catalog,
    Pack,
    RulesError,
    find_pack,
    load_catalog,
    load_pack,
    load_pack_dir,
    parse_request,
    select_pack,
    settle,
)

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_BROKEN = 0, 1, 2, 3

log = logging.getLogger("hospital_client.cli")


class BadInput(Exception):
    """Input the user must fix; the message names it."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")



def load_json_text(text: str, source: str) -> Any:
    """JSON with floats read as exact Decimals; errors name the source, line and column."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{source}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise BadInput(f"{source}: invalid JSON: {exc}") from None
    except RecursionError:
        raise BadInput(f"{source}: JSON nested too deeply") from None


def read_request(arg: str) -> Any:
    if arg == "-":
        return load_json_text(sys.stdin.read(), "<stdin>")
    try:
        text = Path(arg).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInput(f"{arg}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{arg}: not UTF-8 text") from None
    return load_json_text(text, arg)


def bundled_packs() -> list[Pack]:
    return load_pack_dir(paths.policies_dir())


def choose_pack(args: argparse.Namespace, request: Any) -> Pack:
    if args.policy_file:
        return load_pack(args.policy_file)
    packs = bundled_packs()
    if args.policy:
        return find_pack(packs, args.policy)
    req = parse_request(request)
    return select_pack(packs, req.person.insuplc_admdvs, req.person.insutype, req.encounter.endtime)


def choose_catalog(args: argparse.Namespace) -> Catalog:
    return load_catalog(args.catalog or paths.demo_catalog_path())


def cmd_settle(args: argparse.Namespace) -> int:
    if args.commit:
        return cmd_settle_commit(args)
    if args.db or args.operator or args.password_stdin:
        raise BadInput("--db, --operator and --password-stdin need --commit")
    request = read_request(args.request)
    pack = choose_pack(args, request)
    result = settle(request, pack, choose_catalog(args))
    print(result.to_json())
    return EXIT_OK


# --- the local store -----------------------------------------------------------------------------

def _os_user() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "os:unknown"


def open_desk(args: argparse.Namespace, *, first_start: bool = False) -> store.LocalDatabase:
    """The database at --db / HOSPITAL_CLIENT_DB / the data dir; the demo site's first start
    creates it only for commands that start the desk (``first_start``)."""
    site = config.load_site_config()
    path = config.resolve_db_path(args.db)
    desk = app.open_desk(path, site, first_start=first_start)
    if desk.created:
        print(f"hospital-client: first start of the demo site: created {path}", file=sys.stderr)
    return desk.db


def _read_password() -> str:
    line = sys.stdin.readline()
    if not line:
        raise BadInput("--password-stdin: no password on standard input")
    return line.rstrip("\r\n")


def cli_operator(args: argparse.Namespace, db: store.LocalDatabase, role: str) -> store.Operator:
    """--operator NAME --password-stdin, or on the demo site the demo operator for the role."""
    if args.operator:
        if not args.password_stdin:
            raise BadInput("--operator needs --password-stdin (the password on the first line of standard input)")
        return app.login(db, args.operator, _read_password(), via="cli")
    if args.password_stdin:
        raise BadInput("--password-stdin needs --operator NAME")
    if not app.is_demo(db):
        raise BadInput("this site needs --operator NAME --password-stdin")
    demo = app.site.DEMO_DEFAULT_FOR_ROLE[role]
    return app.login(db, demo.name, demo.password, via="cli-demo-default")


def _dump(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_settle_commit(args: argparse.Namespace) -> int:
    if args.request == "-" and args.password_stdin:
        raise BadInput("read the request from a file when the password comes from standard input")
    request = read_request(args.request)
    site = config.load_site_config()
    db = open_desk(args, first_start=True)
    try:
        operator = cli_operator(args, db, "clerk")
        pack = None
        if args.policy_file:
            path = Path(args.policy_file)
            pack = store.caches.put_pack(db, _read_bytes(path), path.name, operator=operator.name)
        catalog = None
        if args.catalog:
            path = Path(args.catalog)
            catalog = store.caches.put_catalog(db, _read_bytes(path), path.name, operator=operator.name,
                                               activate=False)
        pack_id = args.policy or (site.policy if site is not None and site.policy else None)
        outcome = app.settle(db, operator, request, pack_id=pack_id, pack=pack, catalog=catalog)
    finally:
        db.close()
    # Printed only now: the commit is durable (WAL, synchronous=FULL) and the database closed.
    _dump(outcome.to_dict())
    return EXIT_OK


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None


def cmd_reverse(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise BadInput("--reason must not be empty")
    db = open_desk(args)
    try:
        operator = cli_operator(args, db, "supervisor")
        outcome = app.reverse(db, operator, args.local_id, args.reason)
    finally:
        db.close()
    _dump(outcome.to_dict())
    return EXIT_OK


def cmd_journal_list(args: argparse.Namespace) -> int:
    db = open_desk(args)
    try:
        rows = app.list_journal(db, day_from=args.day_from, day_to=args.day_to, unmasked=args.unmasked,
                                operator=_os_user())
    finally:
        db.close()
    if args.json:
        _dump(rows)
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
    db = open_desk(args)
    try:
        data = app.show_entry(db, args.local_id, unmasked=args.unmasked, operator=_os_user())
    finally:
        db.close()
    _dump(data)
    return EXIT_OK


def cmd_outbox_list(args: argparse.Namespace) -> int:
    db = open_desk(args)
    try:
        rows = app.list_outbox(db, status=args.status)
    finally:
        db.close()
    if args.json:
        _dump(rows)
        return EXIT_OK
    print(f"{'id':>6} {'local_id':>8} {'queue_no':<16} {'infno':<5} {'status':<9} {'tries':>5} msgid")
    for r in rows:
        print(f"{r['id']:>6} {r['local_id']:>8} {r['queue_no']:<16} {r['infno']:<5} {r['status']:<9} "
              f"{r['attempts']:>5} {r['msgid']}")
    return EXIT_OK


def cmd_person_find(args: argparse.Namespace) -> int:
    db = open_desk(args, first_start=True)
    try:
        found = app.lookup_person(db, args.key, year=args.year, unmasked=args.unmasked, operator=_os_user())
    finally:
        db.close()
    if not found:
        raise BadInput("no person in the local roster matches that number")
    _dump([p.to_dict() for p in found])
    return EXIT_OK


def cmd_dayend(args: argparse.Namespace) -> int:
    db = open_desk(args)
    try:
        rows = app.day_end_totals(db, args.day_from, args.day_to)
    finally:
        db.close()
    data = [r.to_dict() for r in rows]
    if args.json:
        _dump(data)
        return EXIT_OK
    keys = app.DAY_END_KEYS
    print(f"{'operator':<12} {'settled':>7} {'reversed':>8} " + " ".join(f"{k:>15}" for k in keys))
    for r in data:
        print(f"{r['operator']:<12} {r['settlements']:>7} {r['reversals']:>8} "
              + " ".join(f"{r[k]:>15}" for k in keys))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    db = open_desk(args)
    try:
        info = app.backup(db, args.dest, operator=_os_user())
    finally:
        db.close()
    _dump(info.to_dict())
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    path = config.resolve_db_path(args.db)
    info, aside = store.backup.restore(args.source, path, operator=_os_user())
    _dump({"restored": str(path), "from": str(info.path), "counts": info.counts,
           "replaced_database_moved_to": str(aside) if aside else None})
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    db = open_desk(args)
    try:
        report = store.check.check_database(db)
    finally:
        db.close()
    if report.ok:
        print(f"audit chain intact: {report.audit_entries} entries; journal consistent: "
              f"{report.settlements} entries; integrity_check ok")
        return EXIT_OK
    for problem in report.problems:
        print(f"hospital-client: audit verify: {problem}", file=sys.stderr)
    return EXIT_BROKEN


def cmd_init(args: argparse.Namespace) -> int:
    site = config.load_site_config()
    path = config.resolve_db_path(args.db)
    if site is None or args.demo:
        desk = app.open_desk_for_init(path, site=None)
        print(json.dumps({"database": str(path), "site": "demo", "created": desk.created,
                          "initialised": desk.initialised}, ensure_ascii=False))
        desk.db.close()
        return EXIT_OK
    if not args.admin:
        raise BadInput("a configured site needs --admin NAME --password-stdin for its first administrator")
    if not args.password_stdin:
        raise BadInput("--admin needs --password-stdin")
    password = _read_password()
    try:
        desk = app.open_desk_for_init(path, site=site, admin=(args.admin, password))
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    print(json.dumps({"database": str(path), "site": site.code, "created": desk.created,
                      "initialised": desk.initialised}, ensure_ascii=False))
    desk.db.close()
    return EXIT_OK


def cmd_policy_list(args: argparse.Namespace) -> int:
    packs = bundled_packs()
    if args.json:
        rows = [
            {"id": p.id, "name": p.model.pack.name, "version": p.version, "sha256": p.sha256,
             "valid_from": p.model.pack.valid_from.isoformat(), "valid_to": p.model.pack.valid_to.isoformat(),
             "admdvs": p.model.pack.admdvs, "insutypes": p.model.pack.insutypes,
             "illustrative": p.model.pack.illustrative}
            for p in packs
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in packs:
        info = p.model.pack
        print(f"{p.id:<28} {p.version:<10} {info.valid_from}..{info.valid_to}  {info.name}")
    return EXIT_OK


def cmd_policy_check(args: argparse.Namespace) -> int:
    pack = load_pack(args.file)
    print(f"{args.file}: OK  id={pack.id} version={pack.version} sha256={pack.sha256}")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    """The desk window (the default command). Qt is imported only here."""
    from .ui.startup import run_gui

    return run_gui()


def cmd_screenshots(args: argparse.Namespace) -> int:
    """Render every screen with demo data to PNG (off screen unless a display is set)."""
    from .ui.screenshots import render_all

    for path in render_all(Path(args.outdir), language=args.lang):
        print(path)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Settle the demo requests and show the split in the terminal (no window)."""
    packs = bundled_packs()
    catalog = choose_catalog(args)
    requests = sorted((paths.demo_dir() / "requests").glob("*.json"))
    if not requests:
        raise BadInput(f"no demo requests in {paths.demo_dir() / 'requests'}")
    for path in requests:
        request = read_request(str(path))
        req = parse_request(request)
        pack = select_pack(packs, req.person.insuplc_admdvs, req.person.insutype, req.encounter.endtime)
        result = settle(req, pack, catalog)
        info = result.setlinfo
        print(f"== {path.name}  政策包 {pack.id} ({pack.version})")
        for step in result.explain:
            print(f"   {step.text}")
        print(f"   合计：统筹 {info['hifp_pay']:.2f}  大病 {info['hifmi_pay']:.2f}  救助 {info['maf_pay']:.2f}  "
              f"个人现金 {info['psn_cash_pay']:.2f}")
        for warning in result.warnings:
            print(f"   ! {warning}")
    return EXIT_OK


def _today() -> str:
    return store.now().date().isoformat()


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH",
                   help=f"the local database (default: ${config.ENV_DB} or {config.default_db_path()})")


def _operator_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--operator", metavar="NAME", help="operator account (with --password-stdin)")
    p.add_argument("--password-stdin", action="store_true", help="read the operator's password from stdin")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hospital-client", description="出院结算客户端 discharge settlement client")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("settle", help="compute a settlement from a request JSON file (or - for stdin)")
    p.add_argument("request")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--policy", metavar="PACK_ID")
    group.add_argument("--policy-file", metavar="FILE")
    p.add_argument("--catalog", metavar="FILE")
    p.add_argument("--commit", action="store_true",
                   help="commit the settlement to the local journal (durably) and print its local_id, "
                        "queue_no, state and result")
    _db_arg(p)
    _operator_args(p)
    p.set_defaults(func=cmd_settle)

    p = sub.add_parser("reverse", help="reverse a committed settlement (supervisor)")
    p.add_argument("local_id", type=int)
    p.add_argument("--reason", required=True)
    _db_arg(p)
    _operator_args(p)
    p.set_defaults(func=cmd_reverse)

    journal = sub.add_parser("journal", help="the settlement journal").add_subparsers(
        dest="journal_command", required=True)
    p = journal.add_parser("list", help="every settlement and reversal with its state")
    p.add_argument("--from", dest="day_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="day_to", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.add_argument("--unmasked", action="store_true", help="show full ID numbers and names (audited)")
    _db_arg(p)
    p.set_defaults(func=cmd_journal_list)
    p = journal.add_parser("show", help="one journal entry with its request, result and fee lines")
    p.add_argument("local_id", type=int)
    p.add_argument("--unmasked", action="store_true", help="show full ID numbers and names (audited)")
    _db_arg(p)
    p.set_defaults(func=cmd_journal_show)

    outbox = sub.add_parser("outbox", help="messages waiting for the central system").add_subparsers(
        dest="outbox_command", required=True)
    p = outbox.add_parser("list", help="every outbox message with its status")
    p.add_argument("--status", choices=("queued", "sent", "accepted", "adjusted", "rejected"))
    p.add_argument("--json", action="store_true")
    _db_arg(p)
    p.set_defaults(func=cmd_outbox_list)

    person = sub.add_parser("person", help="the local roster").add_subparsers(dest="person_command", required=True)
    p = person.add_parser("find", help="look up a person by psn_no, ID number, card number or e-card code")
    p.add_argument("key")
    p.add_argument("--year", type=int, help="year of the accumulators (default: this year)")
    p.add_argument("--unmasked", action="store_true", help="show full ID and card numbers (audited)")
    _db_arg(p)
    p.set_defaults(func=cmd_person_find)

    report = sub.add_parser("report", help="reports").add_subparsers(dest="report_command", required=True)
    p = report.add_parser("dayend", help="day-end totals per operator (settlements minus reversals)")
    p.add_argument("--from", dest="day_from", metavar="YYYY-MM-DD", default=_today())
    p.add_argument("--to", dest="day_to", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    _db_arg(p)
    p.set_defaults(func=cmd_dayend)

    p = sub.add_parser("backup", help="copy the database with SQLite's online backup API (verified)")
    p.add_argument("dest", help="backup file (or an existing folder)")
    _db_arg(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a verified backup in place (the current database is kept aside)")
    p.add_argument("source", help="backup file")
    _db_arg(p)
    p.set_defaults(func=cmd_restore)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    p = audit.add_parser("verify", help="check the audit hash chain and the journal's consistency")
    _db_arg(p)
    p.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("init", help="create and initialise the local database")
    p.add_argument("--demo", action="store_true", help="a demo database even when a site file exists")
    p.add_argument("--admin", metavar="NAME", help="first administrator of a configured site")
    p.add_argument("--password-stdin", action="store_true")
    _db_arg(p)
    p.set_defaults(func=cmd_init)

    policy = sub.add_parser("policy", help="policy packs").add_subparsers(dest="policy_command", required=True)
    p = policy.add_parser("list", help="list the bundled policy packs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_policy_list)
    p = policy.add_parser("check", help="validate a policy pack file")
    p.add_argument("file")
    p.set_defaults(func=cmd_policy_check)

    p = sub.add_parser("demo", help="settle the demo requests in the terminal")
    p.add_argument("--catalog", metavar="FILE")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("gui", help="open the desk window (the default)")
    p.set_defaults(func=cmd_gui)
    p = sub.add_parser("screenshots", help="render every screen with demo data to PNG files in OUTDIR")
    p.add_argument("outdir")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"])
    p.set_defaults(func=cmd_screenshots)

    __import__(f"{__package__}.cli_keys", fromlist=["add_key_commands"]).add_key_commands(sub)  # key, encrypt
    __import__(f"{__package__}.cli_sync", fromlist=["add_sync_commands"]).add_sync_commands(sub)  # setup, sync, ...
    # The server side lives in central/; the desk's own code never imports it, only this dispatcher.
    from .central.cli import add_central_commands

    central = sub.add_parser("central", help="the reference central system (server side)")
    add_central_commands(central.add_subparsers(dest="central_command", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["gui"])
    config.setup_logging()
    command = " ".join(str(v) for v in (args.command, *(
        getattr(args, a) for a in ("journal_command", "outbox_command", "audit_command", "person_command",
                                   "report_command", "policy_command", "central_command")
        if getattr(args, a, None))))
    log.info("command %s%s", command, " --commit" if getattr(args, "commit", False) else "")
    try:
        return int(args.func(args))
    except (BadInput, RulesError, config.ConfigError, store.RecordError, app.AppError) as exc:
        # Refusals: the message names the field or record. Logged by type only (it may quote input).
        log.info("refused: %s", type(exc).__name__)
        print(f"hospital-client: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except store.StoreError as exc:
        log.error("database unavailable: %s", type(exc).__name__)
        print(f"hospital-client: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except Exception as exc:  # the last line of defence: a message, never a traceback
        log.error("internal error: %s", type(exc).__name__)
        print(f"hospital-client: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
