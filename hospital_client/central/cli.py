"""The reference central system's commands (`hospital-client central ...`, or `python -m hospital_client.central`).

    (--db PATH: an SQLite file, or postgresql://USER@HOST:PORT/DB for PostgreSQL)
    central init     --db PATH [--roster FILE] [--policies DIR] [--catalog FILE]
    central site add --db PATH --code CODE --name NAME     (the secret alone on the last line)
    central site list --db PATH [--json]
    central serve    --db PATH [--host 127.0.0.1] [--port 8400] [--workers N] [--bench-sink]
    central work     --db PATH [--workers N] [--partition K/N] [--until-empty] [--json]   (adjudication workers)
    central report   --db PATH [--json]
    central true-up  --year Y --db PATH [--json] [--apply]
    central review-load --db PATH FILE [--json]   (a review-rule library version, for the desks' 9504 pull)
    central fund ...  the fund administrator's statements (fund_reports/commands.py)
    central violations --db PATH --month YYYY-MM [--json] [--xlsx FILE]   (智能审核 monthly report)

Exit codes: 0 success, 2 bad input (arguments, files, database state) with one line on stderr,
1 anything else (still one line, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from ..errors import HospitalClientError
from ..protocol import CST, format_time

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
PROG = "hospital-client central"


class CentralInputError(HospitalClientError):
    """Input the operator must fix; the message says what."""

    exit_code = EXIT_BAD_INPUT


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """argparse errors as one line on stderr and exit 2 (no usage block)."""

    def error(message: str) -> NoReturn:
        sys.stderr.write(f"{parser.prog}: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)

    parser.error = error  # type: ignore[method-assign]
    return parser


def spell_commands(message: str, prog: str) -> str:
    """An error raised far from the parser (a store, a statement) names the command that helps
    relatively, as `central init`, `central fund insurer add`; spelled here with the name the program
    was run by: `hospital-client central init` or `hospital-central init`."""
    return message.replace("`central ", f"`{prog} ")


def report_error(exc: BaseException, prog: str = PROG) -> int:
    """The central commands' one place that turns an error into a line on stderr and an exit code
    (for `python -m hospital_client.central ...`, `hospital-client central ...` and `hospital-central ...`
    alike; ``prog`` is the name the command was run by, and the commands the line names are spelled
    with it)."""
    if isinstance(exc, HospitalClientError):
        print(f"{prog}: error: {spell_commands(str(exc), prog)}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_FAILURE
    # the last line of defence: a message, never a traceback
    print(f"{prog}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    return EXIT_FAILURE


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (Exception, KeyboardInterrupt) as exc:
            return report_error(exc, getattr(args, "central_prog", PROG))

    run.__name__ = func.__name__
    return run


def _open(path: str, *, create: bool = False) -> Any:
    """The store --db names: a postgresql:// URL or an SQLite file (open_store.py)."""
    from .open_store import is_postgres_url, open_store

    if is_postgres_url(path):
        return open_store(path, create=create)
    target = Path(path)
    if not create and not target.is_file():
        raise CentralInputError(f"--db {path}: no central database there; create it with `central init --db {path}`")
    if create and target.parent and not target.parent.exists():
        raise CentralInputError(f"--db {path}: folder {target.parent} does not exist")
    return open_store(target, create=create)


def _shown(db: str) -> str:
    from .open_store import describe

    return describe(db)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from .bootstrap import initialise

    for option, value, want_dir in (("--roster", args.roster, False), ("--policies", args.policies, True),
                                    ("--catalog", args.catalog, False)):
        if value is not None and (Path(value).is_dir() != want_dir or not Path(value).exists()):
            kind = "folder" if want_dir else "file"
            raise CentralInputError(f"{option} {value}: no such {kind}")
    from .open_store import describe, is_postgres_url

    postgres = is_postgres_url(args.db)
    target = Path(args.db)
    existed = postgres or target.exists()
    if not existed and target.parent.is_dir():
        # The database holds every site's secret: readable by its owner only (SQLite gives the
        # -wal and -shm files the same permissions).
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    store = _open(args.db, create=True)
    try:
        summary = initialise(store, roster=_path(args.roster), policies=_path(args.policies),
                             catalog=_path(args.catalog))
    except BaseException:
        store.close()
        if not existed:  # leave nothing behind for a failed first init
            for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                leftover.unlink(missing_ok=True)
        raise
    store.close()
    print(f"initialised {describe(args.db)}: {len(summary['packs'])} policy packs ({', '.join(summary['packs'])}), "
          f"{summary['catalogue_items']} catalogue items, {summary['persons']} persons, "
          f"{summary['accumulators']} year-to-date records")
    return EXIT_OK


def _path(value: str | None) -> Path | None:
    return None if value is None else Path(value)


def cmd_site_add(args: argparse.Namespace) -> int:
    from .bootstrap import add_site

    store = _open(args.db)
    try:
        secret = add_site(store, args.code, args.name)
    finally:
        store.close()
    print(f"site {args.code} ({args.name.strip()}) added. Its secret follows on the last line; it is shown once.")
    print("Give it to the site's IT staff for `hospital-client setup --secret-stdin`; it cannot be shown again.")
    print(secret)
    return EXIT_OK


def cmd_site_list(args: argparse.Namespace) -> int:
    store = _open(args.db)
    try:
        sites = store.list_sites()
    finally:
        store.close()
    rows = [{"code": s.code, "name": s.name, "created_at": s.created_at, "active": s.active} for s in sites]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['code']}  {row['name']}  {row['created_at']}{'' if row['active'] else '  (disabled)'}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .http_server import create_app
    from .service import API_PATH

    if not 0 <= args.port < 65536:
        raise CentralInputError(f"--port {args.port}: must be between 0 (any free port) and 65535")
    from .open_store import describe, is_postgres_url

    if not is_postgres_url(args.db) and not Path(args.db).is_file():
        raise CentralInputError(f"--db {args.db}: no central database there; create it with `central init`")
    if not 0 <= args.workers <= 64:
        raise CentralInputError(f"--workers {args.workers}: must be between 0 and 64")
    with _bound_socket(args.host, args.port) as sock:
        port = int(sock.getsockname()[1])
        app = create_app(args.db, bench_sink=args.bench_sink, workers=args.workers)
        # said once the port is held: whoever reads this line may connect to it (the tests do)
        print(f"central: serving {describe(args.db)} on http://{args.host}:{port}{API_PATH}"
              + (" (with the 9599 benchmark sink)" if args.bench_sink else "")
              + ("" if args.workers else " (no queue worker: `central work` adjudicates stored batches)"), flush=True)
        config = uvicorn.Config(app, host=args.host, port=port, log_level=args.log_level, access_log=False,
                                lifespan="on", timeout_graceful_shutdown=10)
        server = uvicorn.Server(config)
        try:
            server.run(sockets=[sock])
        except SystemExit as exc:  # uvicorn exits when the application cannot start
            print(f"{args.central_prog}: error: cannot serve on {args.host}:{port} (exit {exc.code})",
                  file=sys.stderr)
            return EXIT_FAILURE
    return EXIT_OK if server.started else EXIT_FAILURE


def _bound_socket(host: str, port: int) -> socket.socket:
    """The socket the server accepts on, bound here and handed to uvicorn, so that a host or port
    that cannot be listened on (in use, not ours) is refused early, in one line, and the serving
    line names the port actually held (--port 0: the one the system picked)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CentralInputError(f"--host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise CentralInputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def cmd_report(args: argparse.Namespace) -> int:
    from .report import report_text, settlements_report

    store = _open(args.db)
    try:
        report = settlements_report(store)
    finally:
        store.close()
    if args.json:
        _print_json(report)
    else:
        print(report_text(report))
    return EXIT_OK


def cmd_violations(args: argparse.Namespace) -> int:
    from ..protocol import BadInput
    from .smart_review import violations_report, violations_text, violations_xlsx

    store = _open(args.db)
    try:
        try:
            report = violations_report(store, args.month)
        except BadInput as exc:
            raise CentralInputError(f"--month {args.month}: should be YYYY-MM ({exc})") from None
    finally:
        store.close()
    if args.xlsx:
        violations_xlsx(report, Path(args.xlsx))
    if args.json:
        _print_json(report)
    else:
        print(violations_text(report))
        if args.xlsx:
            print(f"written {args.xlsx}")
    return EXIT_OK


def cmd_review_load(args: argparse.Namespace) -> int:
    from ..rules.review import ReviewRuleError
    from .review_libraries import load_library_file

    path = Path(args.file)
    if not path.is_file():
        raise CentralInputError(f"{args.file}: no such file")
    store = _open(args.db)
    try:
        try:
            library = load_library_file(store, path)
        except ReviewRuleError as exc:
            raise CentralInputError(str(exc)) from None
    finally:
        store.close()
    out = {**library.identity(), "source_name": library.file, "regions": list(library.regions),
           "rules": len(library.rules)}
    if args.json:
        _print_json(out)
    else:
        print(f"loaded review-rule library {library.id} {library.version} ({len(library.rules)} rules, "
              f"sha256 {library.sha256[:12]}…); desks get it at their next sync, the running server "
              "audits with it after a restart")
    return EXIT_OK


def cmd_true_up(args: argparse.Namespace) -> int:
    from ..rules import parse_pack
    from .trueup import true_up

    if not 1990 <= args.year <= 2100:
        raise CentralInputError(f"--year {args.year}: not a plausible insurance year")
    store = _open(args.db)
    try:
        if not store.is_initialised():
            raise CentralInputError(f"--db {_shown(args.db)}: the central database is not initialised")
        packs = [parse_pack(b.data, b.source_name) for b in store.list_packs()]
        result = true_up(store, packs, args.year, apply=args.apply, at=format_time(dt.datetime.now(CST)))
    finally:
        store.close()
    if args.json:
        _print_json(result)
    else:
        for row in result["shortfalls"]:
            print(f"{row['psn_no']}  {row['pack_id']}  annual {row['hifmi_annual']}  paid {row['hifmi_paid']}  "
                  f"shortfall {row['shortfall']}")
        verb = "recorded as paid" if args.apply else "to pay"
        print(f"{result['year']}: {result['persons_checked']} persons checked, {len(result['shortfalls'])} shortfalls, "
              f"total {result['total_shortfall']} {verb}")
    return EXIT_OK


# --- parsers ----------------------------------------------------------------------------------


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="PATH|URL",
                        help="the central SQLite database file, or postgresql://USER@HOST:PORT/DB")


def _add_subcommands(parser: argparse.ArgumentParser) -> None:
    _one_line_errors(parser)
    parser.set_defaults(central_prog=parser.prog)  # the name it was run by, for the error lines
    sub = parser.add_subparsers(dest="central_command", required=True, metavar="COMMAND")

    p = _one_line_errors(sub.add_parser("init", help="create a central database with the demo roster, packs and "
                                                     "catalogue"))
    _add_db(p)
    p.add_argument("--roster", metavar="FILE", help="roster JSON (default: resources/demo/roster.json)")
    p.add_argument("--policies", metavar="DIR", help="policy pack folder (default: resources/policies)")
    p.add_argument("--catalog", metavar="FILE", help="catalogue CSV (default: resources/catalog/demo_catalog.csv)")
    p.set_defaults(func=_guarded(cmd_init))

    site = _one_line_errors(sub.add_parser("site", help="site credentials"))
    site_sub = site.add_subparsers(dest="site_command", required=True, metavar="COMMAND")
    p = _one_line_errors(site_sub.add_parser("add", help="register a site; prints its secret once, on the last line"))
    _add_db(p)
    p.add_argument("--code", required=True, help="the site's fixmedins_code (12 letters or digits)")
    p.add_argument("--name", required=True, help="the site's name (fixmedins_name)")
    p.set_defaults(func=_guarded(cmd_site_add))
    p = _one_line_errors(site_sub.add_parser("list", help="list the registered sites (no secrets)"))
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guarded(cmd_site_list))

    p = _one_line_errors(sub.add_parser("serve", help="serve the central system over HTTP (uvicorn)"))
    _add_db(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8400,
                   help="the port to listen on (default 8400; 0: any free one, named on the first line printed)")
    p.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))
    p.add_argument("--bench-sink", action="store_true",
                   help="also answer 9599, the benchmark hook that only stores the body (bench/sync.py); "
                        "never on a production server")
    p.add_argument("--workers", type=int, default=1,
                   help="adjudication worker threads for the queue (9511 ack stored), 0 to 64, default 1; "
                        f"0: none, stored batches wait for `{parser.prog} work` processes (e.g. one per "
                        "--partition share); online messages are adjudicated at once either way")
    p.set_defaults(func=_guarded(cmd_serve))

    from .work_command import add_work_command

    add_work_command(sub, _open, _guarded, _one_line_errors, prog=parser.prog)

    from .status_command import add_status_command

    add_status_command(sub, _open, _guarded, _one_line_errors)

    p = _one_line_errors(sub.add_parser("report", help="every settlement with final figures, adjustments, msgid"))
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guarded(cmd_report))

    p = _one_line_errors(sub.add_parser("violations", help="monthly review-violations report (by hospital, rule, "
                                                         "amount; overrides) for the insurer's review staff"))
    _add_db(p)
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="settlements of this month (settlement time)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--xlsx", metavar="FILE", help="also write the report as an Excel workbook")
    p.set_defaults(func=_guarded(cmd_violations))

    p = _one_line_errors(sub.add_parser("review-load", help="validate a review-rule library (审核规则库) and hold "
                                                            "it for the desks' download (9504)"))
    _add_db(p)
    p.add_argument("file", metavar="FILE", help="the library's TOML file (checked like `review check`)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guarded(cmd_review_load))

    p = _one_line_errors(sub.add_parser("true-up", help="year-end 大病保险 true-up: list (or --apply) shortfalls"))
    _add_db(p)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--apply", action="store_true", help="record the shortfalls as paid (moves hifmi_pay)")
    p.set_defaults(func=_guarded(cmd_true_up))

    from .fund_reports.commands import Kit, add_fund_commands

    add_fund_commands(sub, Kit(open_store=_open, guard=_guarded, one_line=_one_line_errors))

    from .clearing_commands import add_clearing_commands

    add_clearing_commands(sub, Kit(open_store=_open, guard=_guarded, one_line=_one_line_errors))


def add_central_commands(subparsers: Any) -> argparse.ArgumentParser:
    """Add `central ...` to a parent CLI's subparsers (argparse); each leaf sets args.func -> int exit code."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "central", help="the reference central system (server, sites, reports, true-up)")
    _add_subcommands(parser)
    return parser


def build_parser(pdf_writer: Callable[[Path, list[tuple[str, str]]], Path] | None = None, *,
                 prog: str = PROG) -> argparse.ArgumentParser:
    """The central commands' parser; ``pdf_writer`` prints HTML pages to a PDF for `fund ... --pdf`
    (Qt, so handed in from outside this layer: cli/central_console.py); ``prog`` the program's name in
    usage and error lines (`hospital-central` for the console entry point)."""
    parser = argparse.ArgumentParser(prog=prog, description="参考中心系统 reference central system")
    _add_subcommands(parser)
    parser.set_defaults(pdf_writer=pdf_writer)
    return parser


def main(argv: list[str] | None = None, *, pdf_writer: Callable[[Path, list[tuple[str, str]]], Path] | None = None,
         prog: str = PROG) -> int:
    parser = build_parser(pdf_writer, prog=prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
