"""`hospital-client --self-test`: can this installation work on this machine?

For IT after an install (and for the package tests): checks, without a window,

- keyring:   an OS keyring backend exists (its name is printed) and answers;
- packs:     every bundled policy pack loads and validates, the demo catalogue loads;
- settlement: a demo request settles with the bundled packs (the rules core works frozen);
- database:  the encrypted database opens — the one at ``--db`` / ``HOSPITAL_CLIENT_DB`` / the
  user data dir if it exists; if it does not, on the demo site it is created as on a first
  start, and on a configured site a scratch encrypted database is created in a temporary
  directory, reopened and deleted (with its keyring entry), so nothing is left behind;
- qt:        the Qt modules the window uses import and the Chinese translation loads.

Prints one line per check and exits 0 when every check passes, 1 naming the failed checks
otherwise. Never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from .errors import HospitalClientError

EXIT_OK = 0
EXIT_FAILED = 1
DEMO_REQUEST = "req_basic_urban.json"


class CheckFailed(HospitalClientError):
    """A check failed; the message says what is wrong and what to do."""


def _check_keyring() -> str:
    import keyring
    from keyring.backends import fail

    from . import credentials

    name = credentials.backend_name()
    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise CheckFailed(
            f"no OS keyring backend ({name}): on Linux install and unlock a Secret Service such as "
            "gnome-keyring (a desktop session or dbus-run-session); on Windows the Credential Manager is used"
        )
    try:
        credentials.get_secret("selftest:probe")
    except credentials.KeyringUnavailable as exc:
        raise CheckFailed(f"{name}: {exc}") from None
    return name


def _check_packs() -> str:
    from . import paths
    from .rules import load_catalog, load_pack, load_pack_dir

    files = sorted(paths.policies_dir().glob("*.toml"))
    if not files:
        raise CheckFailed(f"no policy packs in {paths.policies_dir()}")
    for f in files:
        load_pack(f)
    packs = load_pack_dir(paths.policies_dir())  # ids unique
    catalog = load_catalog(paths.demo_catalog_path())
    return f"{len(packs)} packs valid ({', '.join(p.id for p in packs)}); catalogue {len(catalog.items)} items"


def _check_settlement() -> str:
    from . import paths
    from .rules import load_catalog, load_pack_dir, parse_request, select_pack, settle

    request_path = paths.demo_dir() / "requests" / DEMO_REQUEST
    request = json.loads(request_path.read_text(encoding="utf-8"), parse_float=Decimal)
    req = parse_request(request)
    pack = select_pack(load_pack_dir(paths.policies_dir()), req.person.insuplc_admdvs, req.person.insutype,
                       req.encounter.endtime)
    result = settle(req, pack, load_catalog(paths.demo_catalog_path()))
    info = result.to_dict()["setlinfo"]
    total = info.get("medfee_sumamt")
    fund = info.get("fund_pay_sumamt")
    return f"{DEMO_REQUEST} with {pack.id}: total {total}, fund pays {fund}"


def _scratch_database() -> str:
    from . import store
    from .store import keys

    tmp = Path(tempfile.mkdtemp(prefix="hc-selftest-"))
    path = tmp / "selftest.db"
    key_id = None
    try:
        db = store.open_database(path, create=True)
        db.close()
        with path.open("rb") as f:
            key_id = keys.database_id(f.read(16))
        db = store.open_database(path)
        db.close()
    finally:
        if key_id:
            try:
                keys.delete(key_id)
            except Exception:  # the keyring entry is only a scratch key
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    return "scratch encrypted database created, reopened and removed (configured site, no database yet)"


def _check_database(db_arg: str | None) -> str:
    from . import app, config

    path = config.resolve_db_path(db_arg)
    site = config.load_site_config()
    if not path.exists() and site is not None:
        return _scratch_database()
    path.parent.mkdir(parents=True, exist_ok=True)
    desk = app.open_desk_database(path, site, first_start=True)
    desk.db.close()
    return f"{path} opens (encrypted){' — created (demo site first start)' if desk.created else ''}"


def _check_qt() -> str:
    from PySide6 import QtCore, QtGui, QtPrintSupport, QtWidgets  # noqa: F401

    from . import paths

    qm = sorted((paths.resources_dir() / "i18n").glob("*.qm"))
    if not qm:
        raise CheckFailed(f"no compiled translations (.qm) in {paths.resources_dir() / 'i18n'}")
    translator = QtCore.QTranslator()
    for f in qm:
        if not translator.load(str(f)):
            raise CheckFailed(f"{f}: the translation does not load")
    return f"PySide6 {QtCore.qVersion()}; translations {', '.join(f.name for f in qm)}"


def run(argv: list[str]) -> int:
    db_arg = None
    rest = [a for a in argv if a != "--self-test"]
    if rest[:1] == ["--db"] and len(rest) == 2:
        db_arg = rest[1]
    elif rest:
        print(f"hospital-client --self-test: unexpected arguments: {' '.join(rest)} (only --db PATH)",
              file=sys.stderr)
        return 2
    frozen = bool(getattr(sys, "frozen", False))
    print(f"hospital-client self-test ({'frozen' if frozen else 'source'}, {sys.executable}, pid {os.getpid()})")
    checks: list[tuple[str, Callable[[], str]]] = [
        ("keyring", _check_keyring),
        ("packs", _check_packs),
        ("settlement", _check_settlement),
        ("database", lambda: _check_database(db_arg)),
        ("qt", _check_qt),
    ]
    failed: list[str] = []
    for name, check in checks:
        try:
            detail = check()
        except Exception as exc:  # every failure becomes a line naming the check
            failed.append(name)
            message = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
            print(f"FAIL {name}: {message}")
        else:
            print(f"ok   {name}: {detail}")
    sys.stdout.flush()
    if failed:
        print(f"hospital-client: self-test FAILED: {', '.join(failed)}", file=sys.stderr)
        return EXIT_FAILED
    print("self-test passed")
    return EXIT_OK
