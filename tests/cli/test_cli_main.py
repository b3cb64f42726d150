"""The command line's parser and its one error handler: `central init` as docs/operations.md
writes it, the exit code and one stderr line for each kind of error."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospital_client import cli, store
from hospital_client.cli.common import AnotherSyncRunning, BadInput, CommandFailed, DatabaseBroken
from hospital_client.cli.main import report_error


def test_central_init_is_one_word_central(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "central.db"
    assert cli.main(["central", "init", "--db", str(db)]) == 0
    assert db.is_file() and "initialised" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["central", "central", "init", "--db", str(db)])
    assert exited.value.code == 2


@pytest.mark.parametrize(("error", "code", "first_line"), [
    (BadInput("--reason must not be empty"), 2, "hospital-client: error: --reason must not be empty"),
    (store.DatabaseMissing("x.db: no database here"), 1, "hospital-client: error: x.db: no database here"),
    (CommandFailed("no answer from the central system"), 1, "hospital-client: error: no answer from"),
    (AnotherSyncRunning("another sync of x.db is running"), 4, "hospital-client: error: another sync"),
    (DatabaseBroken(["audit log: entry 17 is missing", "journal: 1 entry without fee lines"]), 3,
     "hospital-client: audit verify: audit log: entry 17 is missing"),
    (RuntimeError("boom"), 1, "hospital-client: internal error: RuntimeError: boom"),
])
def test_report_error_prints_and_returns_the_exit_code(error: BaseException, code: int, first_line: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert report_error(error) == code
    err = capsys.readouterr().err
    assert err.startswith(first_line) and "Traceback" not in err
    assert err.count("\n") == (len(error.problems) if isinstance(error, DatabaseBroken) else 1)


def test_a_command_error_goes_through_report_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["journal", "list", "--db", str(tmp_path / "nowhere.db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere.db" in err and not (tmp_path / "nowhere.db").exists()


def test_self_test_after_a_command_word_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--self-test", "policy", "list"]) == 2
    assert "--self-test comes first" in capsys.readouterr().err
