"""`hospital-client` (the desk window), `gui`, `demo`, `screenshots` and `--self-test`: the program
itself, shown or checked.

    hospital-client                      the desk window (also: gui)
    hospital-client demo [--catalog FILE]
    hospital-client screenshots OUTDIR [--lang zh_CN|en]
    hospital-client --self-test [--db PATH]     (run by launcher.py before any parsing)

Qt is imported only when a command needs it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import app
from .common import EXIT_OK, BadInput, Subparsers, read_request

__all__ = ["SELF_TEST", "add_self_test_option", "refuse_late_self_test", "register"]

SELF_TEST = "--self-test"


def cmd_gui(args: argparse.Namespace) -> int:
    """The desk window (the default command)."""
    from ..ui.startup import run_gui

    return run_gui()


def cmd_screenshots(args: argparse.Namespace) -> int:
    """Render every screen with demo data to PNG (off screen unless a display is set)."""
    from ..ui.screenshots import render_all

    for path in render_all(Path(args.outdir), language=args.lang):
        print(path)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Settle the demo requests and show the split in the terminal (no window)."""
    packs = app.bundled_packs()
    catalog = app.demo_catalog(args.catalog)
    requests = app.demo_request_files()
    if not requests:
        raise BadInput(f"no demo requests in {app.demo_requests_dir()}")
    for path in requests:
        demo = app.settle_demo_request(read_request(str(path)), packs, catalog)
        pack, result = demo.pack, demo.result
        info = result.setlinfo
        print(f"== {path.name}  政策包 {pack.id} ({pack.version})")
        for step in result.explain:
            print(f"   {step.text}")
        print(f"   合计：统筹 {info['hifp_pay']:.2f}  大病 {info['hifmi_pay']:.2f}  救助 {info['maf_pay']:.2f}  "
              f"个人现金 {info['psn_cash_pay']:.2f}")
        for warning in result.warnings:
            print(f"   ! {warning}")
    return EXIT_OK


def add_self_test_option(parser: argparse.ArgumentParser) -> None:
    """`--self-test [--db PATH]` is run by the program's entry point (launcher.py) before any
    command is parsed; the option is here so that `--help` shows it."""
    parser.add_argument(SELF_TEST, action="store_true",
                        help="check this installation: keyring, packs, a settlement, the database, Qt "
                             "(optionally with --db PATH after it); what IT runs after an install")


def refuse_late_self_test() -> None:
    """`--self-test` reached the command line's parser: it was not first (the entry point runs it)."""
    raise BadInput(f"{SELF_TEST} comes first and alone (or with --db PATH): hospital-client {SELF_TEST}")


def register(sub: Subparsers) -> None:
    """gui, demo, screenshots."""
    p = sub.add_parser("demo", help="settle the demo requests in the terminal")
    p.add_argument("--catalog", metavar="FILE")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("gui", help="open the desk window (the default)")
    p.set_defaults(func=cmd_gui)
    p = sub.add_parser("screenshots", help="render every screen with demo data to PNG files in OUTDIR")
    p.add_argument("outdir")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"])
    p.set_defaults(func=cmd_screenshots)
