"""Nonsense on the command line is refused before a command runs, on one line in the program's
format (`hospital-client: error: ...`, exit 2): days that are not days, a --from after --to,
ids that are not ids or cannot exist, unknown commands and options on every sub-command parser,
and input files that are devices, FIFOs or too large (never read, never waited for)."""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest

from hospital_client import cli, paths
from hospital_client.app import MAX_REQUEST_BYTES

REQUEST = paths.demo_dir() / "requests" / "req_basic_urban.json"
HUGE = str(10**30)
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                           reason="FIFOs and /dev/zero are POSIX")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITAL_CLIENT_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("HOSPITAL_CLIENT_CONFIG", str(tmp_path / "no-site.toml"))
    monkeypatch.delenv("HOSPITAL_CLIENT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fails the test instead of hanging when the command blocks (opening a FIFO waits for a writer)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the command was still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one stderr line of a command refused with exit 2 (nothing on stdout)."""
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (code, err)
    assert out == "" and err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("hospital-client: error: ") and "usage:" not in err and "Traceback" not in err, err
    return err.rstrip("\n")


# --- days -------------------------------------------------------------------------------------


def test_report_dayend_from_yesterday_is_not_a_date(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(["report", "dayend", "--from", "yesterday", "--db", str(demo_path)], capsys) == (
        "hospital-client: error: --from: 'yesterday' is not a date (YYYY-MM-DD)")


def test_journal_list_from_february_30_is_not_a_date(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(["journal", "list", "--from", "2026-02-30", "--db", str(demo_path)], capsys) == (
        "hospital-client: error: --from: '2026-02-30' is not a date (YYYY-MM-DD)")


@pytest.mark.parametrize("command", [["journal", "list"], ["report", "dayend"]])
@pytest.mark.parametrize(("flag", "value"), [
    ("--to", "2026-13-01"), ("--to", "2026-2-3"), ("--from", "20260220"), ("--from", "2026-W08-5"),
    ("--from", " 2026-02-20"), ("--to", "２０２６-０２-２０"), ("--to", "2026-02-20T00:00"), ("--from", ""),
])
def test_a_day_in_any_other_form_is_refused(command: list[str], flag: str, value: str, demo_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    line = refused([*command, flag, value, "--db", str(demo_path)], capsys)
    assert line == f"hospital-client: error: {flag}: {value!r} is not a date (YYYY-MM-DD)"


@pytest.mark.parametrize("command", [["journal", "list"], ["report", "dayend"]])
def test_from_after_to_is_refused(command: list[str], demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused([*command, "--from", "2026-03-02", "--to", "2026-03-01", "--db", str(demo_path)], capsys)
    assert line == "hospital-client: error: --from 2026-03-02 is after --to 2026-03-01: the period is empty"


def test_dayend_to_before_its_default_from_says_so(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["report", "dayend", "--to", "2000-01-01", "--db", str(demo_path)], capsys)
    assert "(its default) is after --to 2000-01-01" in line


def test_valid_days_still_run(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["journal", "list"], ["report", "dayend"]):
        assert cli.main([*command, "--from", "2024-02-29", "--to", "2024-02-29", "--db", str(demo_path)]) == 0
        assert cli.main([*command, "--from", "2026-01-01", "--db", str(demo_path)]) == 0
    capsys.readouterr()


def test_a_year_is_four_digits(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["person", "find", "x", "--year", "20266", "--db", str(demo_path)], capsys)
    assert line == "hospital-client: error: --year: '20266' is not a year (YYYY, from 1900)"


# --- ids --------------------------------------------------------------------------------------


def test_reverse_a_huge_id_is_out_of_range_not_an_overflow(demo_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["reverse", HUGE, "--reason", "x", "--db", str(demo_path)], capsys)
    assert line == (f"hospital-client: error: local_id: '{HUGE}' is out of range: a journal entry id is a whole "
                    "number from 1 to 9223372036854775807")


def test_reverse_abc_is_one_line(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["reverse", "abc", "--reason", "x", "--db", str(demo_path)], capsys)
    assert line == ("hospital-client: error: local_id: 'abc' is not a journal entry id (a whole number from 1 "
                    "to 9223372036854775807)")


@pytest.mark.parametrize(("command", "name"), [
    (["reverse", "{}", "--reason", "x"], "local_id"),
    (["journal", "show", "{}"], "local_id"),
    (["adjustments", "resolve", "{}"], "local_id"),
    (["outbox", "retry", "{}"], "id"),
])
@pytest.mark.parametrize("value", ["abc", HUGE, "9223372036854775808", "0", "-1", "1.0", "1e3", "٣", "1_000",
                                   "9" * 5000])
def test_every_id_argument_is_range_checked(command: list[str], name: str, value: str, demo_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    argv = [value if word == "{}" else word for word in command]
    started = time.perf_counter()
    line = refused([*argv, "--db", str(demo_path)], capsys)
    assert time.perf_counter() - started < 1.0
    assert line.startswith(f"hospital-client: error: {name}: ") and "9223372036854775807" in line
    assert len(line) < 200  # a long value is quoted cut short


def test_the_largest_id_sqlite_holds_is_looked_up(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Within range, the id reaches the desk: no such entry, the store's own refusal."""
    code = cli.main(["journal", "show", "9223372036854775807", "--db", str(demo_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err


# --- argparse's own errors --------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, [*path, name])


PARSERS = list(_parsers(cli.build_parser(), []))


@pytest.mark.parametrize("path", PARSERS, ids=[" ".join(p) or "hospital-client" for p in PARSERS])
def test_every_parser_reports_a_bad_argument_on_one_line(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for extra in (["--no-such-option"], ["no-such-word", "--no-such-option"]):
        code = cli.main([*path, *extra])
        out, err = capsys.readouterr()
        assert code == 2 and out == "", (path, err)
        assert err.count("\n") == 1 and "usage:" not in err, (path, err)
        # the central system's commands speak as themselves (`hospital-client central init: error: ...`)
        prefix = "hospital-client: error: " if path[:1] != ["central"] else f"hospital-client {' '.join(path)}"
        assert err.startswith(prefix) and ": error: " in err, err


def test_a_missing_or_unknown_command_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(["journal"], capsys) == (
        "hospital-client: error: journal: a command is needed (list, show); see `hospital-client journal --help`")
    assert refused(["journal", "lst"], capsys) == (
        "hospital-client: error: 'lst' is not a journal command (list, show); see `hospital-client journal --help`")
    assert refused(["setle"], capsys).startswith("hospital-client: error: 'setle' is not a command (settle, ")
    assert refused(["reverse", "1"], capsys) == "hospital-client: error: the following arguments are required: --reason"


def test_help_is_still_argparse_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["reverse", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: hospital-client reverse") and "--reason" in out


# --- input files --------------------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


@POSIX
@pytest.mark.parametrize(("argv", "what"), [
    (["settle", "{fifo}"], "request file"),
    (["settle", "{request}", "--catalog", "{fifo}"], "catalog"),
    (["settle", "{request}", "--policy-file", "{fifo}"], "policy pack"),
    (["settle", "{fifo}", "--commit", "--db", "{db}"], "request file"),
    (["settle", "{request}", "--commit", "--catalog", "{fifo}", "--db", "{db}"], "catalog"),
    (["policy", "check", "{fifo}"], "policy pack"),
    (["demo", "--catalog", "{fifo}"], "catalog"),
    (["key", "import", "{fifo}", "--db", "{db}"], "key file"),
])
def test_a_fifo_is_refused_without_waiting_for_a_writer(argv: list[str], what: str, fifo: Path, demo_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    words = [w.format(fifo=fifo, request=REQUEST, db=demo_path) for w in argv]
    started = time.perf_counter()
    with deadline(5):
        line = refused(words, capsys)
    assert time.perf_counter() - started < 1.0
    assert line == f"hospital-client: error: {what} {fifo}: is a FIFO (named pipe); only a regular file can be read"


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(["settle", str(REQUEST), "--catalog", str(tmp_path)], capsys)
    assert line == f"hospital-client: error: catalog {tmp_path}: is a directory; only a regular file can be read"


def test_a_request_file_over_the_limit_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as f:  # sparse: its size, not its reading, is what is checked
        f.truncate(MAX_REQUEST_BYTES + 1)
    line = refused(["settle", str(big)], capsys)
    assert line.startswith(f"hospital-client: error: request file {big}: is 32.0 MiB (33,554,433 bytes); at most "
                           "32 MiB (33,554,432 bytes) is read")


def test_a_request_file_still_settles(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["settle", str(REQUEST)]) == 0
    assert '"setlinfo"' in capsys.readouterr().out


def _run_bounded(argv: list[str], stdin: int | None = None) -> tuple[int, float, str]:
    """The command in a child process with at most 1 GiB of memory (an endless read ends in
    MemoryError, not in the test machine's swap) and 60 s: exit code, the command's own time
    (without the interpreter's start), stderr."""
    code = ("import sys, time\n"
            "from hospital_client import cli\n"
            "started = time.perf_counter()\n"
            "code = cli.main(sys.argv[1:])\n"
            "print(f'elapsed {time.perf_counter() - started:.3f}')\n"
            "sys.exit(code)\n")

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    child = subprocess.run([sys.executable, "-c", code, *argv], stdin=stdin, capture_output=True, text=True,
                           timeout=60, preexec_fn=limit_memory, check=False)
    elapsed = float(child.stdout.rsplit("elapsed ", 1)[1]) if "elapsed " in child.stdout else float("inf")
    return child.returncode, elapsed, child.stderr


@POSIX
def test_settle_catalog_dev_zero_fails_at_once(tmp_path: Path) -> None:
    code, elapsed, err = _run_bounded(["settle", str(REQUEST), "--catalog", "/dev/zero"])
    assert (code, err) == (2, "hospital-client: error: catalog /dev/zero: is a character device; only a regular "
                              "file can be read\n")
    assert elapsed < 1.0


@POSIX
def test_settle_stdin_is_bounded(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        code, elapsed, err = _run_bounded(["settle", "-"], stdin=zero.fileno())
    assert (code, err) == (2, "hospital-client: error: request from standard input: is larger than 32 MiB "
                              "(33,554,432 bytes), the most that is read\n")
    assert elapsed < 5.0


def test_settle_stdin_still_reads_a_request(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with REQUEST.open("rb") as request:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(request, encoding="utf-8"))
        assert cli.main(["settle", "-"]) == 0
    assert '"setlinfo"' in capsys.readouterr().out


def test_a_password_line_is_bounded(demo_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("x" * 100_000))
    line = refused(["reverse", "1", "--reason", "x", "--operator", "super", "--password-stdin",
                    "--db", str(demo_path)], capsys)
    assert line == "hospital-client: error: --password-stdin: the first line of standard input is longer than " \
                   "4096 characters"
