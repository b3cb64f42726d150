"""The Windows installer and uninstaller run for real, silently, under wine64: what an IT
department's script does on each desk (docs/operations.md, "Install").

The installer is built from installer/hospital-client.nsi with makensis's 64-bit stubs
(-DAMD64_STUBS; the shipped one is 32-bit, same sections) around a stand-in bundle, and run in a
fresh Wine prefix: the site settings on the command line become the machine-wide site file that
the program reads, Add/Remove Programs gets its entry, an upgrade keeps the data and the site
file and replaces the whole bundle, the uninstaller keeps the settlement database and the site
file unless /PURGE is given, and bad settings on the command line exit 2 with nothing changed.
The real bundle on a real Windows is .github/workflows/windows.yml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospital_client import config

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "hospital-client.nsi"
UNINST_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\hospital-client"
SHORTCUTS = {"出院结算.lnk", "出院结算 自检.lnk", "Discharge Settlement.lnk", "Discharge Settlement self-test.lnk"}


def _wine_tool(name: str) -> str | None:
    """Debian's wine64 package keeps its programs in /usr/lib/wine (the `wine` package links them)."""
    found = shutil.which(name)
    if found is None and os.access(f"/usr/lib/wine/{name}", os.X_OK):
        found = f"/usr/lib/wine/{name}"
    return found


WINE, WINESERVER = _wine_tool("wine64"), _wine_tool("wineserver")

pytestmark = pytest.mark.skipif(
    shutil.which("makensis") is None or WINE is None or WINESERVER is None,
    reason="needs makensis and wine64 (apt-get install nsis wine64; the test command installs them)")


class WinePrefix:
    """A private Wine installation (its own C: drive and registry) in a temporary directory."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        # No Mono/Gecko download prompts, no debug chatter.
        self.env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all",
                    "WINEDLLOVERRIDES": "mscoree,mshtml=", "DISPLAY": ""}
        self.run("wineboot", "-i")

    def run(self, *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
        assert WINE is not None
        return subprocess.run([WINE, *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                              check=False, encoding="utf-8", errors="replace")

    def wait(self) -> None:
        """Until every Windows process of the prefix has ended (the uninstaller runs as a copy of
        itself that the first process starts and does not wait for)."""
        assert WINESERVER is not None
        subprocess.run([WINESERVER, "-w"], env=self.env, timeout=180, check=True)

    def install(self, setup: Path, *options: str) -> int:
        return self.run(str(setup), "/S", *options).returncode

    def uninstall(self, *options: str) -> None:
        self.run(r"C:\Program Files\hospital-client\uninstall.exe", "/S", *options)
        self.wait()

    @property
    def program_dir(self) -> Path:
        return self.prefix / "drive_c" / "Program Files" / "hospital-client"

    @property
    def site_file(self) -> Path:
        return self.prefix / "drive_c" / "ProgramData" / "hospital-client" / "site.toml"

    @property
    def data_dir(self) -> Path:
        """%LOCALAPPDATA%\\hospital-client of the Wine user (the desk's database and logs)."""
        (user,) = [p for p in (self.prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
        return user / "AppData" / "Local" / "hospital-client"

    def shortcuts(self) -> set[str]:
        menu = self.prefix / "drive_c" / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        return {p.name for p in menu.glob("*.lnk")}

    def uninstall_entry(self) -> dict[str, str] | None:
        """The Add/Remove Programs entry as reg.exe shows it (64-bit view), or None."""
        proc = self.run("reg", "query", UNINST_KEY, "/reg:64")
        if proc.returncode != 0:
            return None
        entry = {}
        for line in proc.stdout.splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) == 3 and parts[1].startswith("REG_"):
                entry[parts[0]] = parts[2]
        return entry


def _build(tmp: Path, version: str, extra_file: str | None = None) -> Path:
    bundle = tmp / f"bundle-{version}"
    (bundle / "_internal" / "resources" / "policies").mkdir(parents=True)
    for exe in ("hospital-client.exe", "hospital-client-cli.exe"):
        (bundle / exe).write_bytes(b"MZ stand-in " + version.encode())
    (bundle / "_internal" / "resources" / "policies" / "demo.toml").write_text("# stand-in\n", encoding="utf-8")
    (bundle / "VERSION").write_text(version + "\n", encoding="utf-8")
    if extra_file:
        (bundle / "_internal" / extra_file).write_bytes(b"only in this version")
    out = tmp / f"hospital-client-{version}-setup.exe"
    proc = subprocess.run(
        ["makensis", "-WX", "-V2", "-DAMD64_STUBS", f"-DVERSION={version}", f"-DVERSION_QUAD={version}.0",
         f"-DBUNDLE_DIR={bundle}", f"-DOUTFILE={out}", str(SCRIPT)],
        cwd=SCRIPT.parent, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def setups(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("nsis-wine-build")
    return {"0.1.0": _build(tmp, "0.1.0", extra_file="old-only.dll"), "0.2.0": _build(tmp, "0.2.0")}


@pytest.fixture
def wine(tmp_path: Path) -> Iterator[WinePrefix]:
    prefix = WinePrefix(tmp_path / "wineprefix")
    yield prefix
    prefix.wait()


def test_silent_install_upgrade_and_uninstall_keep_the_data_until_purged(
        wine: WinePrefix, setups: dict[str, Path]) -> None:
    # IT's silent install with the site settings (a quoted name with a space, a URL with slashes).
    code = wine.install(setups["0.1.0"], "/SITECODE=H99010000001", "/SITENAME=某某县 人民医院", "/REGION=990100",
                        "/SERVER=https://central.example/api/v1", "/PRINTER=收费处", "/DESK=3")
    assert code == 0
    assert (wine.program_dir / "hospital-client.exe").read_bytes() == b"MZ stand-in 0.1.0"
    assert (wine.program_dir / "hospital-client-cli.exe").exists()
    assert (wine.program_dir / "_internal" / "old-only.dll").exists()
    site = config.load_site_config(wine.site_file)  # what the program itself reads
    assert site is not None
    assert (site.code, site.name, site.region, site.server_url, site.printer, site.policy, site.desk) == (
        "H99010000001", "某某县 人民医院", "990100", "https://central.example/api/v1", "收费处", "", 3)
    entry = wine.uninstall_entry()
    assert entry is not None
    assert entry["DisplayVersion"] == "0.1.0"
    assert entry["InstallLocation"] == r"C:\Program Files\hospital-client"
    assert entry["QuietUninstallString"] == r'"C:\Program Files\hospital-client\uninstall.exe" /S'
    shortcuts = wine.shortcuts()
    assert len(shortcuts) == 2 and shortcuts <= SHORTCUTS, shortcuts

    # A desk has been used: its database and logs are in the user's data dir.
    wine.data_dir.joinpath("logs").mkdir(parents=True)
    wine.data_dir.joinpath("hospital-client.db").write_bytes(b"settlements")
    site_text = wine.site_file.read_bytes()

    # The upgrade, silent and without site settings: the whole bundle is replaced, the data and
    # the site file stay as they were.
    assert wine.install(setups["0.2.0"]) == 0
    assert (wine.program_dir / "hospital-client.exe").read_bytes() == b"MZ stand-in 0.2.0"
    assert not (wine.program_dir / "_internal" / "old-only.dll").exists()
    assert wine.site_file.read_bytes() == site_text
    assert wine.data_dir.joinpath("hospital-client.db").read_bytes() == b"settlements"
    upgraded = wine.uninstall_entry()
    assert upgraded is not None and upgraded["DisplayVersion"] == "0.2.0"
    assert len(wine.shortcuts()) == 2

    # Uninstall: the program, its menu entries and its Add/Remove Programs entry go; the
    # settlement database and the site file stay.
    wine.uninstall()
    assert not (wine.program_dir / "hospital-client.exe").exists()
    assert not (wine.program_dir / "_internal").exists()
    assert wine.uninstall_entry() is None
    assert wine.shortcuts() == set()
    assert wine.data_dir.joinpath("hospital-client.db").read_bytes() == b"settlements"
    assert wine.site_file.read_bytes() == site_text

    # Installed again (the site file from before still applies), then removed with /PURGE:
    # this time the database and the site file go too.
    assert wine.install(setups["0.2.0"]) == 0
    assert wine.site_file.read_bytes() == site_text
    wine.uninstall("/PURGE")
    assert not wine.data_dir.exists()
    assert not wine.site_file.exists()
    assert wine.uninstall_entry() is None


def test_incomplete_site_settings_exit_2_and_change_nothing(wine: WinePrefix, setups: dict[str, Path]) -> None:
    assert wine.install(setups["0.1.0"], "/SITECODE=H99010000001", "/SITENAME=某某县人民医院", "/REGION=990100") == 0
    site_text = wine.site_file.read_bytes()
    # A code without the name and region it needs: refused before anything is installed.
    assert wine.install(setups["0.2.0"], "/SITECODE=H99010000002") == 2
    assert wine.site_file.read_bytes() == site_text
    # A desk number outside 1-10: refused the same way.
    assert wine.install(setups["0.2.0"], "/SITECODE=H99010000001", "/SITENAME=某某县人民医院", "/REGION=990100",
                        "/DESK=11") == 2
    assert wine.site_file.read_bytes() == site_text
    assert (wine.program_dir / "hospital-client.exe").read_bytes() == b"MZ stand-in 0.1.0"
    entry = wine.uninstall_entry()
    assert entry is not None and entry["DisplayVersion"] == "0.1.0"


def test_a_running_desk_makes_the_installer_exit_3_and_change_nothing(
        wine: WinePrefix, setups: dict[str, Path]) -> None:
    """Files of a running program cannot be replaced: the silent installer says so by its exit
    code (3, "close it and retry") before touching anything, and the uninstaller leaves it too.
    Wine's cmd.exe stands in for the desk's exe (a real Windows program that keeps running)."""
    assert wine.install(setups["0.1.0"]) == 0
    desk = wine.program_dir / "hospital-client.exe"
    shutil.copyfile(wine.prefix / "drive_c" / "windows" / "system32" / "cmd.exe", desk)
    stand_in = desk.read_bytes()
    assert WINE is not None
    running = subprocess.Popen([WINE, r"C:\Program Files\hospital-client\hospital-client.exe", "/c",
                                "echo started& ping -n 120 127.0.0.1 >nul"],
                               env=wine.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert running.stdout is not None
        assert running.stdout.readline().strip() == "started"  # it runs: Windows has its exe open
        assert wine.install(setups["0.2.0"]) == 3
        assert desk.read_bytes() == stand_in
        entry = wine.uninstall_entry()
        assert entry is not None and entry["DisplayVersion"] == "0.1.0"
        # The uninstaller in place (_?=, as docs/operations.md shows for scripts that need its
        # exit code; wine joins the two halves with a space, unquoted, as NSIS wants it).
        assert wine.run(r"C:\Program Files\hospital-client\uninstall.exe", "/S",
                        r"_?=C:\Program", r"Files\hospital-client").returncode == 3
        assert desk.read_bytes() == stand_in
        assert wine.uninstall_entry() is not None
    finally:
        running.kill()
        assert WINESERVER is not None
        subprocess.run([WINESERVER, "-k"], env=wine.env, timeout=60, check=False)
    # Closed: the same upgrade goes through.
    assert wine.install(setups["0.2.0"]) == 0
    assert desk.read_bytes() == b"MZ stand-in 0.2.0"
