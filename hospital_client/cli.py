"""The command-line face of the client (`hospital-client ...`), over app/ and rules/.

Exit codes: 0 success, 2 bad input (request, pack, catalogue, arguments) with a one-line
message on stderr naming what is wrong, 1 for any other failure. Never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import paths
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

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


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
    request = read_request(args.request)
    pack = choose_pack(args, request)
    result = settle(request, pack, choose_catalog(args))
    print(result.to_json())
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


def cmd_demo(args: argparse.Namespace) -> int:
    """Until the desk window lands: settle the demo requests and show the split in the terminal."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hospital-client", description="出院结算客户端 discharge settlement client")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("settle", help="compute a settlement from a request JSON file (or - for stdin)")
    p.add_argument("request")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--policy", metavar="PACK_ID")
    group.add_argument("--policy-file", metavar="FILE")
    p.add_argument("--catalog", metavar="FILE")
    p.set_defaults(func=cmd_settle)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["demo"])
    try:
        return int(args.func(args))
    except (BadInput, RulesError) as exc:
        print(f"hospital-client: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except Exception as exc:  # the last line of defence: a message, never a traceback
        print(f"hospital-client: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
