"""The Windows installer script compiles with makensis (Debian package nsis) without warnings.

The bundle is stood in for by a small directory of the same shape: what is checked here is the
script (pages, languages, sections, the site-file writer), not the Windows build, which the
workflow .github/workflows/windows.yml does on a Windows runner.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "hospital-client.nsi"

pytestmark = pytest.mark.skipif(shutil.which("makensis") is None,
                                reason="makensis is not installed (apt-get install nsis)")


def _fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    (bundle / "_internal" / "resources" / "policies").mkdir(parents=True)
    (bundle / "hospital-client.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "resources" / "policies" / "demo.toml").write_text("# stand-in\n", encoding="utf-8")
    return bundle


def _makensis(tmp_path: Path, *defines: str) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "hospital-client-0.1.0-setup.exe"
    return subprocess.run(
        ["makensis", "-WX", "-V3", "-DVERSION=0.1.0", "-DVERSION_QUAD=0.1.0.0",
         f"-DBUNDLE_DIR={_fake_bundle(tmp_path)}", f"-DOUTFILE={out}", *defines, str(SCRIPT)],
        cwd=SCRIPT.parent, capture_output=True, text=True, timeout=300,
    )


def test_makensis_compiles_without_warnings(tmp_path: Path) -> None:
    proc = _makensis(tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "warning" not in output.lower().replace("mui_abortwarning", "")
    setup = tmp_path / "hospital-client-0.1.0-setup.exe"
    assert setup.exists() and setup.read_bytes()[:2] == b"MZ"


def test_script_has_the_promised_parts() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    for needle in ('MUI_LANGUAGE "SimpChinese"', 'MUI_LANGUAGE "English"', "RequestExecutionLevel admin",
                   "$PROGRAMFILES64", "$SMPROGRAMS", "/SITECODE=", "/PURGE", 'Section /o "un.$(UN_DATA)"',
                   "site.toml", "VIProductVersion"):
        assert needle in text, needle


def test_a_broken_script_is_reported(tmp_path: Path) -> None:
    """The check above is meaningful: makensis -WX fails on a warning."""
    bad = tmp_path / "bad.nsi"
    bad.write_text('Unicode true\nOutFile "x.exe"\nSection\n  DetailPrint "$UNDEFINED_THING"\nSectionEnd\n',
                   encoding="utf-8")
    proc = subprocess.run(["makensis", "-WX", "-V2", str(bad)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
