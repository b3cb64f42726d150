"""The commands acting for an operator open the desk and log the operator in through one helper
(cli/operator_commands.py): the operator of the role once the desk is open, the desk closed after
the command and after a refused login, and the same refusals (exit 2, one line) as before."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from hospital_client import cli
from hospital_client.app import AuthenticationFailed, Desk
from hospital_client.cli.common import BadInput
from hospital_client.cli.operator_commands import add_desk_operator_options, desk_with_operator, require_text


def _args(db: Path, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_desk_operator_options(parser)
    return parser.parse_args(["--db", str(db), *argv])


def _closes(monkeypatch: pytest.MonkeyPatch) -> list[Desk]:
    closed: list[Desk] = []
    close = Desk.close

    def spy(desk: Desk) -> None:
        closed.append(desk)
        close(desk)

    monkeypatch.setattr(Desk, "close", spy)
    return closed


def test_the_operator_of_the_role_on_an_open_desk_closed_afterwards(demo_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    closed = _closes(monkeypatch)
    for role in ("clerk", "supervisor"):
        with desk_with_operator(_args(demo_path), role) as (desk, operator):
            assert operator.has_role(role) and desk.db_path == demo_path
            assert desk.operator_named(operator.name) == operator  # the desk's database is open
            assert not closed
        assert closed == [desk]
        closed.clear()


def test_a_refused_login_closes_the_desk(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = _closes(monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO("not the password\n"))
    with pytest.raises(AuthenticationFailed):
        with desk_with_operator(_args(demo_path, "--operator", "nobody", "--password-stdin"), "clerk"):
            pytest.fail("logged in with a wrong password")
    assert len(closed) == 1
    with pytest.raises(BadInput, match="--operator needs --password-stdin"):
        with desk_with_operator(_args(demo_path, "--operator", "nobody"), "clerk"):
            pytest.fail("logged in without a password")
    assert len(closed) == 2


def test_require_text() -> None:
    require_text("退号", "--reason")
    for blank in ("", "  ", "\t\n"):
        with pytest.raises(BadInput, match=r"^--reason must not be empty$"):
            require_text(blank, "--reason")


@pytest.mark.parametrize("argv", [
    ("reverse", "1", "--reason", " "),
    ("outpatient", "reverse", "1", "--reason", ""),
    ("outpatient", "filing", "cancel", "DEMO990100000024", "1", "--reason", "  "),
])
def test_an_empty_reason_is_refused_before_the_desk_opens(argv: tuple[str, ...], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.db"
    assert cli.main([*argv, "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == "hospital-client: error: --reason must not be empty"
    assert not db.exists()
