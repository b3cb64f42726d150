"""`hospital-central` (the central system's console on a server with no desk) names itself in its
usage, help and error lines; `hospital-client central` names itself so."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from hospital_client.cli import main as client_main
from hospital_client.cli.central_console import main as console_main


def _run(main: object, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)  # type: ignore[operator]
        except SystemExit as exc:  # --help
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", [["--help"], ["fund", "--help"], ["site", "add", "--help"]])
def test_help_shows_hospital_central(argv: list[str]) -> None:
    code, out, _ = _run(console_main, argv)
    assert code == 0
    assert out.startswith("usage: hospital-central") and "hospital-client central" not in out


def test_argument_errors_name_hospital_central() -> None:
    code, _, err = _run(console_main, ["site", "add", "--db", "x.db"])
    assert code == 2 and err.startswith("hospital-central site add: error:"), err
    code, _, err = _run(console_main, ["no-such-command"])
    assert code == 2 and err.startswith("hospital-central: error:"), err
    assert "hospital-client" not in err


def test_command_errors_name_hospital_central(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    code, _, err = _run(console_main, ["report", "--db", str(missing)])
    assert code == 2 and err.startswith("hospital-central: error: --db"), err


def test_the_desk_program_still_says_hospital_client_central(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    code, _, err = _run(client_main, ["central", "report", "--db", str(missing)])
    assert code == 2 and err.startswith("hospital-client central: error: --db"), err
    code, out, _ = _run(client_main, ["central", "--help"])
    assert code == 0 and out.startswith("usage: hospital-client central")
