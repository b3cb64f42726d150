"""Every help text and error line of the central commands names the commands as the program was
run: `hospital-central fund ...` on a server with no desk, `hospital-client central fund ...` from
the desk's program; never the other program, never a bare `central ...` that neither runs."""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hospital_client.cli import main as client_main
from hospital_client.cli.central_console import main as console_main

Main = Callable[[list[str]], int]
PROGRAMS: dict[str, tuple[Main, list[str]]] = {
    "hospital-central": (console_main, []),
    "hospital-client central": (client_main, ["central"]),
}


def _run(main: Main, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # --help
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _command_paths(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _command_paths(child, [*path, name])


def _central_commands() -> list[list[str]]:
    from hospital_client.central.cli import build_parser

    return list(_command_paths(build_parser(), []))


@pytest.mark.parametrize("prog", PROGRAMS)
def test_every_help_names_the_program_run(prog: str) -> None:
    main, prefix = PROGRAMS[prog]
    other = next(p for p in PROGRAMS if p != prog)
    commands = _central_commands()
    assert ["fund", "monthly"] in commands and ["work"] in commands
    for command in commands:
        code, out, _ = _run(main, [*prefix, *command, "--help"])
        assert code == 0, command
        flat = " ".join(out.split())  # argparse wraps help lines
        assert flat.startswith(f"usage: {' '.join([prog, *command])}"), (command, out)
        assert other not in flat and "`central " not in flat, (command, out)


@pytest.mark.parametrize("prog", PROGRAMS)
def test_serve_and_work_help_name_each_other_with_the_program(prog: str) -> None:
    main, prefix = PROGRAMS[prog]
    _, serve, _ = _run(main, [*prefix, "serve", "--help"])
    assert f"`{prog} work`" in " ".join(serve.split())
    _, top, _ = _run(main, [*prefix, "--help"])
    assert f"`{prog} serve`" in " ".join(top.split())


@pytest.mark.parametrize("prog", PROGRAMS)
def test_error_hints_name_the_program_run(prog: str, tmp_path: Path) -> None:
    main, prefix = PROGRAMS[prog]
    missing = tmp_path / "none.db"
    code, _, err = _run(main, [*prefix, "fund", "insurer", "list", "--db", str(missing)])
    assert code == 2
    assert err == f"{prog}: error: --db {missing}: no central database there; create it with " \
                  f"`{prog} init --db {missing}`\n"

    db = tmp_path / "central.db"
    assert _run(main, [*prefix, "init", "--db", str(db)])[0] == 0
    code, _, err = _run(main, [*prefix, "fund", "monthly", "--db", str(db), "--month", "2026-03",
                               "--insurer", "NOBODY"])
    assert code == 2
    assert err == f"{prog}: error: --insurer NOBODY：没有这个承办机构（已有：尚无，请先用 " \
                  f"`{prog} fund insurer add` 添加）\n"
