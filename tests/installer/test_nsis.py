"""The Windows installer script compiles with makensis (Debian package nsis) without warnings.

The bundle is stood in for by a small directory of the same shape: what is checked here is the
script (pages, languages, sections, the site-file writer), its icon and its Chinese strings in the
compiled installer. test_nsis_wine.py runs the installer and uninstaller under wine64; the
Windows build itself is .github/workflows/windows.yml on a Windows runner.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "hospital-client.nsi"
ICO = ROOT / "installer" / "icons" / "hospital-client.ico"

pytestmark = pytest.mark.skipif(shutil.which("makensis") is None,
                                reason="makensis is not installed (apt-get install nsis)")


def _fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    (bundle / "_internal" / "resources" / "policies").mkdir(parents=True)
    (bundle / "hospital-client.exe").write_bytes(b"MZ stand-in")
    (bundle / "hospital-client-cli.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "resources" / "policies" / "demo.toml").write_text("# stand-in\n", encoding="utf-8")
    return bundle


def _makensis(tmp_path: Path, *options: str, cwd: Path = SCRIPT.parent) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "hospital-client-0.1.0-setup.exe"
    return subprocess.run(
        ["makensis", "-WX", "-V3", *options, "-DVERSION=0.1.0", "-DVERSION_QUAD=0.1.0.0",
         f"-DBUNDLE_DIR={_fake_bundle(tmp_path)}", f"-DOUTFILE={out}", str(SCRIPT)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def _pe_resources(exe: bytes) -> dict[int, dict[tuple[int, int], bytes]]:
    """{resource type: {(id, language): data}} of a PE file (numeric ids; enough for icons and the
    version resource)."""
    pe = struct.unpack_from("<I", exe, 0x3C)[0]
    assert exe[pe:pe + 4] == b"PE\0\0"
    sections, opt_size = struct.unpack_from("<H", exe, pe + 6)[0], struct.unpack_from("<H", exe, pe + 20)[0]
    table = pe + 24 + opt_size
    for i in range(sections):
        name, _, vaddr, _, raw_ptr = struct.unpack_from("<8sIIII", exe, table + 40 * i)
        if name.rstrip(b"\0") == b".rsrc":
            break
    else:
        raise AssertionError("no .rsrc section")

    def entries(offset: int) -> list[tuple[int, int]]:
        named, ids = struct.unpack_from("<HH", exe, raw_ptr + offset + 12)
        return [struct.unpack_from("<II", exe, raw_ptr + offset + 16 + 8 * k) for k in range(named + ids)]

    found: dict[int, dict[tuple[int, int], bytes]] = {}
    for rtype, sub in entries(0):
        for rid, sub2 in entries(sub & 0x7FFFFFFF):
            for lang, leaf in entries(sub2 & 0x7FFFFFFF):
                rva, size = struct.unpack_from("<II", exe, raw_ptr + leaf)
                start = raw_ptr + rva - vaddr
                found.setdefault(rtype, {})[(rid, lang)] = exe[start:start + size]
    return found


def test_makensis_compiles_without_warnings(tmp_path: Path) -> None:
    proc = _makensis(tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "warning" not in output.lower().replace("mui_abortwarning", "")
    setup = tmp_path / "hospital-client-0.1.0-setup.exe"
    assert setup.exists() and setup.read_bytes()[:2] == b"MZ"


def test_installer_carries_the_application_icon(tmp_path: Path) -> None:
    """MUI_ICON: the setup exe's icon group is hospital-client.ico, every size of it."""
    assert _makensis(tmp_path).returncode == 0
    resources = _pe_resources((tmp_path / "hospital-client-0.1.0-setup.exe").read_bytes())
    groups = list(resources[14].values())  # RT_GROUP_ICON
    assert len(groups) == 1
    group = groups[0]
    count = struct.unpack_from("<H", group, 4)[0]
    sizes = sorted((group[6 + 14 * k] or 256) for k in range(count))
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    # The images are the .ico's own bytes (RT_ICON resources).
    ico = ICO.read_bytes()
    ico_images = set()
    for k in range(struct.unpack_from("<H", ico, 4)[0]):
        length, offset = struct.unpack_from("<II", ico, 6 + 16 * k + 8)
        ico_images.add(ico[offset:offset + length])
    assert ico_images <= set(resources[3].values())  # RT_ICON


def test_chinese_strings_survive_a_non_utf8_build_machine(tmp_path: Path) -> None:
    """The script has a UTF-8 BOM, so makensis reads it as UTF-8 even where the code page says
    otherwise (-INPUTCHARSET CP1252 stands for a Windows runner's code page, which cannot even
    hold these strings). The version resource of the setup exe shows the result: its strings are
    the script's Chinese ones (the page and shortcut strings are compressed, so not checked)."""
    assert SCRIPT.read_bytes()[:3] == b"\xef\xbb\xbf"
    proc = _makensis(tmp_path, "-INPUTCHARSET", "CP1252")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = b"".join(_pe_resources((tmp_path / "hospital-client-0.1.0-setup.exe").read_bytes())[16].values())
    for text in ("出院结算客户端安装程序", "出院结算 hospital-client"):
        assert text.encode("utf-16-le") in version, text


def test_compiles_from_another_directory(tmp_path: Path) -> None:
    """The workflow runs makensis from the repository root: the icon is found from the script's
    own directory, not the current one."""
    proc = _makensis(tmp_path, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_script_has_the_promised_parts() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    for needle in ('MUI_LANGUAGE "SimpChinese"', 'MUI_LANGUAGE "English"', "RequestExecutionLevel admin",
                   "$PROGRAMFILES64", "$SMPROGRAMS", "/SITECODE=", "/PURGE", 'Section /o "un.$(UN_DATA)"',
                   "site.toml", "VIProductVersion", "hospital-client-cli.exe", "MUI_ICON", "MUI_UNICON",
                   '"DisplayIcon" "$INSTDIR\\${EXE},0"', "Function SiteOption", "CheckNotRunning",
                   '"/DESK="', 'FileWrite $1 "desk = $SiteDesk'):
        assert needle in text, needle
    # The desk shortcut opens the windowed exe; the self-test runs the console one in cmd /k.
    assert 'CreateShortcut "$SMPROGRAMS\\$(SHORTCUT).lnk" "$INSTDIR\\${EXE}"' in text
    assert "'/k \"\"$INSTDIR\\${CLI_EXE}\" --self-test\"'" in text
    # GetOptions would cut /SERVER=https://... at its first "/": the script's own parser is used.
    assert '${GetOptions} $0 "/SERVER=' not in text


def test_a_broken_script_is_reported(tmp_path: Path) -> None:
    """The check above is meaningful: makensis -WX fails on a warning."""
    bad = tmp_path / "bad.nsi"
    bad.write_text('Unicode true\nOutFile "x.exe"\nSection\n  DetailPrint "$UNDEFINED_THING"\nSectionEnd\n',
                   encoding="utf-8")
    proc = subprocess.run(["makensis", "-WX", "-V2", str(bad)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
