"""The `hospital-client` entry point. Opening the desk window (no arguments, or `gui`) goes
straight to the Qt application, and `--self-test` straight to its checks, without loading the
command-line machinery (argparse parsers, the sync and key commands, the central system's
commands), which keeps the clerk's start-up short and the self-test's imports its own; every
other command is the command line's (``cli``)."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--self-test"]:
        from .selftest import run as self_test

        return self_test(args)
    if not args or args == ["gui"]:
        # Start-up makes many long-lived objects; collecting while it runs only walks them over
        # and over (about 7% of the wait). ui.application turns collection back on once a window is up.
        gc.disable()
        from .ui.startup import run_gui

        return run_gui()
    from .cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
