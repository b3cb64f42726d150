"""PyInstaller entry script: the same entry point as the `hospital-client` console script.

Both Windows executables run it (hospital-client.spec): the console one (hospital-client-cli.exe)
as is; the windowed one (hospital-client.exe, the desk) starts with sys.stdout, sys.stderr and
sys.stdin set to None unless its standard handles were redirected (a GUI-subsystem process gets
no console). Code that prints or flushes would then fail, so the missing streams are replaced:
when the windowed exe was given command-line arguments (a CLI command, `--self-test`) and was
started from a console, its output goes to that console (AttachConsole); otherwise to os.devnull.
"""

from __future__ import annotations

import os
import sys


def _attach_parent_console() -> bool:
    """Windows: attach to the console of the process that started us, if any."""
    if sys.platform != "win32":
        return False
    try:
        import ctypes

        return bool(ctypes.windll.kernel32.AttachConsole(-1))  # ATTACH_PARENT_PROCESS
    except (AttributeError, OSError):
        return False


def fix_missing_stdio(args: list[str], attach=_attach_parent_console) -> None:  # type: ignore[no-untyped-def]
    """Replace None standard streams (a windowed exe) with usable ones."""
    if sys.stdout is not None and sys.stderr is not None and sys.stdin is not None:
        return
    console = bool(args) and args != ["gui"] and attach()
    out = "CONOUT$" if console else os.devnull
    if sys.stdout is None:
        sys.stdout = open(out, "w", encoding="utf-8", errors="replace")
    if sys.stderr is None:
        sys.stderr = open(out, "w", encoding="utf-8", errors="replace")
    if sys.stdin is None:
        # Never the console's input (cmd.exe reads it too, as the windowed exe does not block it).
        sys.stdin = open(os.devnull, encoding="utf-8")


if __name__ == "__main__":
    fix_missing_stdio(sys.argv[1:])

    from hospital_client.launcher import main

    sys.exit(main())
