"""Every `hospital-client ...` command line that README.md and docs/operations.md show (in code
blocks and indented lines, and in inline code that starts with the program) parses with the real
parser, and its `--help` runs, so a documented command or flag can never again be missing (as
sqlite-utils tests its documentation). Inline code in prose often names a command without its
arguments (`hospital-client backup`): there the command words must name a command and every
option shown must be one of its options. Inline code that elides (`setup ...`) or abbreviates
(`key export/import`) is left out.

Usage syntax is expanded: `[...]` is optional (tried without and with), `a | b` inside it are
alternatives (each tried), placeholders such as LOCAL_ID get a value of the right type. All in
this process: one parser, no subprocess per command.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hospital_client.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "operations.md")

# The program at command position: at the start, after a pipe or `exec`, or ending a path
# (/opt/hospital-client/hospital-client, "C:\...\hospital-client-cli.exe"); not a package file
# name (hospital-client_0.1.0.deb), an installer (hospital-client-0.1.0-setup.exe) or a log prefix.
PROGRAM = re.compile(r"""(?:^|(?<=[\s|;&`'"/\\]))hospital-client(?:-cli\.exe)?"?(?=\s|$|['`])""")
# Where a command's own text ends (outside [...] and quotes): a pipe, a redirection, the end of
# a quoted or backquoted span the command stands in.
ENDS = {"|", ";", "&", "<", ">", "`", "'"}
# Placeholders whose literal text argparse would refuse (an int, a choice, a date).
VALUES = {"LOCAL_ID": "1", "ID": "1", "DAY": "2026-11-20", "STATUS": "queued", "YEAR": "2026", "PORT": "8400",
          "AMOUNT": "100", "METHOD": "cash"}


def _code_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of fenced code blocks and of indented code: lines indented by four or
    more spaces that start after a blank line (a list's continuation lines are prose), with their
    `\\` and `^` continuation lines joined."""
    lines = text.splitlines()
    fenced = in_code = False
    previous_blank = True
    pending: tuple[int, str] | None = None
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            previous_blank = True
            continue
        indented = len(line) - len(line.lstrip(" ")) >= 4 and line.strip() != ""
        if line.strip() == "":
            previous_blank = True
            continue
        in_code = fenced or (indented and (previous_blank or in_code))
        previous_blank = False
        if not in_code:
            continue
        if pending is not None:
            pending = (pending[0], pending[1] + " " + line.strip())
        else:
            pending = (number, line.strip())
        if pending[1].endswith(("\\", " ^")):
            pending = (pending[0], pending[1][:-1].rstrip())
            continue
        yield pending
        pending = None


INLINE = re.compile(r"`((?:sudo )?hospital-client(?:-cli\.exe)?(?: [^`]*)?)`")


def _inline_code(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of inline code spans (within one paragraph) that start with the program."""
    for match in INLINE.finditer(text):
        span = " ".join(match.group(1).split())
        if "\n\n" in match.group(1) or "..." in span or "…" in span or re.search(r" [a-z]+/[a-z]+\b", span):
            continue
        yield text.count("\n", 0, match.start()) + 1, span


def _without_comment(line: str) -> str:
    """The line up to a shell comment (`  # ...`, outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
    return line


def _command_text(rest: str) -> str:
    """The command's arguments up to where its text ends (a pipe, a redirection, a comment, ...)."""
    depth, quote, out = 0, "", []
    for ch in rest:
        if quote:
            quote = "" if ch == quote else quote
        elif ch == '"':
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0 and ch in ENDS:
            break
        out.append(ch)
    return "".join(out).strip()


def _tokens(text: str) -> list[str]:
    """Words, quoted strings, and the brackets and bars of usage syntax as tokens of their own."""
    return re.findall(r'"[^"]*"|\[|\]|\||[^\s\[\]|]+', text)


@dataclass
class Group:
    """`[a b | c]`: optional, with alternatives (each a sequence of words and groups)."""

    alternatives: list[list[str | Group]] = field(default_factory=lambda: [[]])


def _parse(tokens: list[str], i: int = 0) -> tuple[Group, int]:
    """The alternatives up to the matching `]` (or the end) as one Group, and where it stopped."""
    group = Group()
    while i < len(tokens) and tokens[i] != "]":
        if tokens[i] == "|":
            group.alternatives.append([])
        elif tokens[i] == "[":
            inner, i = _parse(tokens, i + 1)
            group.alternatives[-1].append(inner)
        else:
            group.alternatives[-1].append(tokens[i])
        i += 1
    return group, i


def _widest(items: list[str | Group]) -> int:
    groups = [g for g in items if isinstance(g, Group)]
    return max([len(g.alternatives) for g in groups] + [_widest(alt) for g in groups for alt in g.alternatives] + [0])


def _expand(items: list[str | Group], pick: int) -> list[str]:
    """Choice 0 leaves every optional group out; choice n puts each in with its n-th alternative
    (or its last)."""
    argv: list[str] = []
    for item in items:
        if isinstance(item, str):
            argv.append(item)
        elif pick:
            argv.extend(_expand(item.alternatives[min(pick, len(item.alternatives)) - 1], pick))
    return argv


def _variants(tokens: list[str]) -> list[list[str]]:
    """The usage line expanded: optional groups left out, and put in with each alternative."""
    line, _ = _parse(tokens)
    assert len(line.alternatives) == 1, f"a bar outside brackets: {' '.join(tokens)}"
    items = line.alternatives[0]
    return [_expand(items, pick) for pick in range(_widest(items) + 1)]


def _value(word: str) -> str:
    word = word.strip('"')
    return VALUES.get(word, word)


def documented_commands() -> Iterator[tuple[str, list[str], bool]]:
    """(where, argv, whole) for every documented command and every expansion of its usage syntax;
    ``whole``: a command line (from a code block) rather than a mention in prose."""
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        sources = [(n, line, True) for n, line in _code_lines(text)] + [(n, span, False)
                                                                        for n, span in _inline_code(text)]
        for number, code, whole in sources:
            line = _without_comment(code)
            for match in PROGRAM.finditer(line):
                args = _command_text(line[match.end():])
                where = f"{document.relative_to(ROOT)}:{number}: hospital-client {args}".rstrip()
                for argv in _variants(_tokens(args)):
                    yield where, [_value(w) for w in argv], whole


COMMANDS = list(documented_commands())


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _command_path(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """The sub-command words at the start of argv (`central site add ...` -> those three)."""
    path: list[str] = []
    for word in argv:
        choices = _subcommands(parser)
        if word not in choices:
            break
        path.append(word)
        parser = choices[word]
    return path


def _parser_of(parser: argparse.ArgumentParser, path: list[str]) -> argparse.ArgumentParser:
    for word in path:
        parser = _subcommands(parser)[word]
    return parser


def test_the_documents_show_the_commands_this_test_expects() -> None:
    """The extraction finds the documented commands (a change to it that finds nothing fails here)."""
    first_words = {argv[0] if argv else "" for _, argv, _ in COMMANDS}
    assert {"settle", "reverse", "journal", "outbox", "person", "report", "backup", "restore", "audit", "init",
            "key", "encrypt", "policy", "demo", "screenshots", "--self-test", "setup", "sync", "central",
            "adjustments", "gui", ""} <= first_words
    assert any(argv[:2] == ["central", "init"] for _, argv, _ in COMMANDS)
    assert sum(whole for _, _, whole in COMMANDS) > 60


@pytest.mark.parametrize(("where", "argv", "whole"), COMMANDS,
                         ids=[f"{w.split(':')[0]}:{w.split(':')[1]}-{i}" for i, (w, _, _) in enumerate(COMMANDS)])
def test_a_documented_command_parses_and_its_help_runs(where: str, argv: list[str], whole: bool,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    path = _command_path(parser, argv)
    if whole:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            pytest.fail(f"{where}\n  argv {argv} does not parse (exit {exc.code}): {capsys.readouterr().err}")
        assert getattr(args, "func", None) is not None or args.command is None, where
    else:
        leaf = _parser_of(parser, path)
        words = argv[len(path):]
        assert not words or words[0].startswith("-") or leaf.get_default("func") is not None, where
        unknown = [w for w in words if w.startswith("--") and w not in leaf._option_string_actions]
        assert unknown == [], f"{where}: no such option {unknown}"
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*path, "--help"])
    assert exited.value.code == 0, where
    assert "usage: hospital-client" in capsys.readouterr().out
