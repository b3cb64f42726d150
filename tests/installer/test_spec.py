"""The PyInstaller spec's executables and icon, the entry script's stdio handling for the windowed
exe, and the committed .ico, checked without a Windows machine.

The spec is executed with PyInstaller's build classes (Analysis, PYZ, EXE, COLLECT) replaced by
recorders and sys.platform set to each target, so what the Windows runner would build (two
executables in one bundle, icons, version resources) is checked here; the real Windows build is
.github/workflows/windows.yml.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "hospital-client.spec"
ICO = INSTALLER / "icons" / "hospital-client.ico"
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]


class _Recorder:
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]

    def __init__(self, kind: str, calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
        self.kind, self.calls = kind, calls

    def __call__(self, *args: Any, **kwargs: Any) -> types.SimpleNamespace:
        self.calls.append((self.kind, args, kwargs))
        return types.SimpleNamespace(kind=self.kind, args=args, kwargs=kwargs, binaries=[], datas=[],
                                     scripts=["entry"], pure=[])


def _run_spec(platform: str, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    if not list((ROOT / "resources" / "i18n").glob("*.qm")):
        from hospital_client.ui.i18n import compile_translations

        compile_translations(ROOT / "resources" / "i18n")
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda *a, **k: []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    namespace: dict[str, Any] = {
        "__name__": "__main__", "SPECPATH": str(INSTALLER), "workpath": str(tmp_path / "work"),
        "DISTPATH": str(tmp_path / "dist"),
        **{kind: _Recorder(kind, calls) for kind in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return calls


def _exes(calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {kw["name"]: kw for kind, _, kw in calls if kind == "EXE"}


def test_windows_builds_a_windowed_desk_and_a_console_cli_in_one_bundle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _run_spec("win32", tmp_path, monkeypatch)
    exes = _exes(calls)
    assert set(exes) == {"hospital-client", "hospital-client-cli"}
    assert exes["hospital-client"]["console"] is False
    assert exes["hospital-client-cli"]["console"] is True
    assert [kind for kind, _, _ in calls].count("Analysis") == 1  # one analysis, shared
    collect = [args for kind, args, _ in calls if kind == "COLLECT"]
    assert len(collect) == 1
    assert [getattr(a, "kind", None) for a in collect[0]].count("EXE") == 2
    for name, kw in exes.items():
        assert kw["exclude_binaries"] is True and kw["upx"] is False
        assert Path(kw["icon"]) == ICO and ICO.exists()
        version = Path(kw["version"]).read_text(encoding="utf-8")
        assert f"StringStruct('OriginalFilename', '{name}.exe')" in version
        assert "StringStruct('ProductName', '出院结算 hospital-client')" in version


def test_linux_builds_one_console_executable_without_an_icon(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exes = _exes(_run_spec("linux", tmp_path, monkeypatch))
    assert list(exes) == ["hospital-client"]
    assert exes["hospital-client"]["console"] is True
    assert exes["hospital-client"]["icon"] is None and exes["hospital-client"]["version"] is None


def _load_entry() -> types.ModuleType:
    import importlib.util

    spec = importlib.util.spec_from_file_location("hc_installer_entry", INSTALLER / "entry.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_windowed_exe_without_stdio_gets_usable_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _load_entry()
    attached: list[bool] = []
    for stream in ("stdout", "stderr", "stdin"):
        monkeypatch.setattr(sys, stream, None)
    entry.fix_missing_stdio([], attach=lambda: attached.append(True) or True)
    assert attached == []  # the desk (no arguments) never attaches to a console
    try:
        print("READY", flush=True)  # what the desk prints; must not raise
        sys.stdout.flush()
        print("x", file=sys.stderr)
        assert sys.stdin.read() == ""
    finally:
        for stream in (sys.stdout, sys.stderr, sys.stdin):
            stream.close()


def test_windowed_exe_with_a_command_tries_the_parent_console(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _load_entry()
    attached: list[bool] = []
    for stream in ("stdout", "stderr", "stdin"):
        monkeypatch.setattr(sys, stream, None)
    entry.fix_missing_stdio(["--self-test"], attach=lambda: attached.append(True) or False)
    try:
        assert attached == [True]  # no console to attach to here: os.devnull
        assert sys.stdout.name == os.devnull
    finally:
        for stream in (sys.stdout, sys.stderr, sys.stdin):
            stream.close()


def test_console_exe_streams_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _load_entry()
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    entry.fix_missing_stdio(["settle"], attach=lambda: pytest.fail("attached"))
    assert sys.stdout is out


def test_ico_has_every_size_and_is_up_to_date() -> None:
    data = ICO.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert w == h and planes == 1 and bpp == 32 and offset + length <= len(data)
        payload = data[offset:offset + length]
        size = w or 256
        if size < 256:  # a DIB: BITMAPINFOHEADER with the doubled height
            assert struct.unpack_from("<Iii", payload) == (40, size, 2 * size)
        else:
            assert payload[:8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(size)
    assert sizes == ICO_SIZES
    # Decoded by Qt's own ICO reader, and what make_ico.py makes from the SVG now.
    proc = subprocess.run([sys.executable, str(INSTALLER / "icons" / "make_ico.py"), "--check"],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_ico_check_notices_a_changed_svg(tmp_path: Path) -> None:
    # In a child process: make_ico makes a QGuiApplication, and the UI tests later in this
    # process need to make a QApplication.
    svg = tmp_path / "changed.svg"
    svg.write_text((INSTALLER / "icons" / "hospital-client.svg").read_text(encoding="utf-8")
                   .replace("#1f6fb2", "#b21f1f"), encoding="utf-8")
    script = (
        "import json, sys; from pathlib import Path; import make_ico; "
        "print(json.dumps([make_ico.stale(Path(sys.argv[1]), Path(sys.argv[2])), "
        "make_ico.stale(Path(sys.argv[3]))]))"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(ICO), str(svg), str(tmp_path / "none.ico")],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(INSTALLER / "icons")},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    problems, missing = json.loads(proc.stdout)
    assert problems and all("differs from the SVG" in p for p in problems)
    assert missing == [f"{tmp_path / 'none.ico'} is missing"]


def test_workflow_runs_commands_with_the_console_exe() -> None:
    """PowerShell does not wait for a windowed exe (nor sees its output or exit code): the
    workflow's self-tests use hospital-client-cli.exe, and the windowed exe is started with
    Start-Process -Wait."""
    text = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "& dist/hospital-client/hospital-client-cli.exe --self-test" in text
    assert '$cli = "$dir\\hospital-client-cli.exe"' in text and "& $cli --self-test" in text
    assert "hospital-client.exe --self-test" not in text
    assert "Start-Process dist/hospital-client/hospital-client.exe -Wait -PassThru" in text
    assert "hospital-client.exe 2" in text and "hospital-client-cli.exe 3" in text  # PE subsystems


def test_the_desk_bundle_leaves_out_multiprocessing_and_the_desk_never_uses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """multiprocessing is excluded from the bundle (its PyInstaller runtime hook cost every start
    about 25 ms); that is only safe while no desk code starts processes through it."""
    import ast

    calls = _run_spec("linux", tmp_path, monkeypatch)
    (analysis,) = [kw for kind, _, kw in calls if kind == "Analysis"]
    assert {"multiprocessing", "concurrent.futures.process"} <= set(analysis["excludes"])
    users = []
    for path in sorted((ROOT / "hospital_client").rglob("*.py")):
        if "central" in path.relative_to(ROOT).parts:
            continue  # the server side is not bundled
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] + [a.name for a in node.names] if isinstance(node, ast.ImportFrom)
                     else [])
            if any(n.split(".")[0] == "multiprocessing" or n == "ProcessPoolExecutor" for n in names):
                users.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert users == []
