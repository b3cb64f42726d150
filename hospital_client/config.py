"""Where things live and how the site is configured (DESIGN.md 4.6).

- The database: ``--db PATH`` beats ``HOSPITAL_CLIENT_DB`` beats the platformdirs user data dir
  (``~/.local/share/hospital-client/hospital-client.db`` on Linux,
  ``%LOCALAPPDATA%\\hospital-client\\hospital-client.db`` on Windows).
- Log files: ``HOSPITAL_CLIENT_LOG_DIR`` or the platformdirs user log dir; a rotating file that
  never receives an ID number or a name (a redacting filter backs that up).
- The site file: ``HOSPITAL_CLIENT_CONFIG`` or ``site.toml`` in the machine config dir. No site
  file means the embedded demo site.

Every environment variable the program reads is named here, and only here:

    for IT
    HOSPITAL_CLIENT_DB               the desk's database file (``--db`` beats it)
    HOSPITAL_CLIENT_CONFIG           the site file
    HOSPITAL_CLIENT_LOG_DIR          where log files go
    HOSPITAL_CLIENT_BUSY_TIMEOUT_MS  how long to wait for a database another program holds
    HOSPITAL_CLIENT_LANG             the interface language (zh_CN, en), beating the saved choice
    HOSPITAL_CLIENT_ONLINE_WAIT      seconds to wait for the central answer before a slip says provisional
    HOSPITAL_CLIENT_SLIP_DAYS        days a slip PDF is kept in the slips folder (default 7; 0: kept)
    HOSPITAL_CENTRAL_ENCRYPT         1: ``central init`` makes an encrypted central database
    for tests and benchmarks only (never set at a desk)
    HOSPITAL_CLIENT_DEMO_AUTOLOGIN   NAME:PASSWORD logs a demo database in without the dialog
    HOSPITAL_CLIENT_EXIT_WHEN_READY  1: the window quits as soon as it is ready (start-up timing)
    read by the libraries underneath: PYTHON_KEYRING_BACKEND, XDG_CURRENT_DESKTOP (keyring's choice),
    QT_QPA_PLATFORM (Qt)
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from .errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError
from .privacy import RedactingFilter

APP_NAME = "hospital-client"
DB_FILE_NAME = "hospital-client.db"
LOG_FILE_NAME = "hospital-client.log"

ENV_DB = "HOSPITAL_CLIENT_DB"
ENV_LOG_DIR = "HOSPITAL_CLIENT_LOG_DIR"
ENV_CONFIG = "HOSPITAL_CLIENT_CONFIG"
ENV_BUSY_TIMEOUT = "HOSPITAL_CLIENT_BUSY_TIMEOUT_MS"
ENV_LANGUAGE = "HOSPITAL_CLIENT_LANG"
ENV_ONLINE_WAIT = "HOSPITAL_CLIENT_ONLINE_WAIT"
ENV_CENTRAL_ENCRYPT = "HOSPITAL_CENTRAL_ENCRYPT"
ENV_SLIP_DAYS = "HOSPITAL_CLIENT_SLIP_DAYS"
ENV_DEMO_AUTOLOGIN = "HOSPITAL_CLIENT_DEMO_AUTOLOGIN"  # tests and benchmarks only
ENV_EXIT_WHEN_READY = "HOSPITAL_CLIENT_EXIT_WHEN_READY"  # tests and benchmarks only

DEFAULT_BUSY_TIMEOUT_MS = 5000
DEFAULT_SLIP_DAYS = 7
LOG_MAX_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 5

__all__ = [
    "APP_NAME",
    "ConfigError",
    "SiteConfig",
    "busy_timeout_ms",
    "data_dir",
    "default_db_path",
    "load_site_config",
    "log_dir",
    "resolve_db_path",
    "setup_logging",
    "site_config_path",
    "slip_retention_days",
]


class ConfigError(HospitalClientError):
    """The site file exists but cannot be used; the message names the file and key."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The site settings file cannot be used; call IT.")
    exit_code = EXIT_BAD_INPUT


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILE_NAME


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """``--db`` if given, else ``HOSPITAL_CLIENT_DB``, else the per-user data dir."""
    if cli_value:
        return Path(cli_value).expanduser()
    return default_db_path()


def log_dir() -> Path:
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def busy_timeout_ms() -> int:
    """How long a write waits for another program holding the database (ms)."""
    raw = os.environ.get(ENV_BUSY_TIMEOUT, "")
    if raw.strip().isdigit():
        return int(raw)
    return DEFAULT_BUSY_TIMEOUT_MS


def slip_retention_days() -> int:
    """How many days a slip PDF stays in the slips folder (0: until removed by hand)."""
    raw = os.environ.get(ENV_SLIP_DAYS, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_SLIP_DAYS


def site_config_path() -> Path:
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    return platformdirs.site_config_path(APP_NAME, appauthor=False) / "site.toml"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The [site] table of site.toml."""

    code: str                 # fixmedins_code, 12 characters
    name: str
    region: str               # admdvs of the site (mdtrtarea_admvs)
    server_url: str = ""
    printer: str = ""
    policy: str = ""          # a pack id, or "" to choose by insured place, insurance type and date
    source: str = ""
    level: str = ""           # the hospital's level (hosp_lv) 1, 2 or 3; "" lets the clerk choose
    his_drop: str = ""        # the folder HIS drops its hand-offs into (docs/his-interface.md), "" for none
    card_reader: str = ""     # "" (simulated on the demo site, none elsewhere), "none", "simulated", or a vendor reader
    desk: int = 1             # this window's number among the hospital's desks (1-10; local ids, msgids)
    settlement_list_upload: str = ""  # the 结算清单 upload the province takes: "4101" ("" too) or "4101A"


_SITE_KEYS = {"code", "name", "region", "server_url", "printer", "policy", "level", "his_drop", "card_reader",
              "settlement_list_upload"}


def _site_from(raw: dict[str, Any], source: str) -> SiteConfig:
    site = raw.get("site")
    if not isinstance(site, dict):
        raise ConfigError(f"{source}: [site] table is missing")
    unknown = sorted(set(site) - _SITE_KEYS - {"desk"})
    if unknown:
        raise ConfigError(f"{source}: site.{unknown[0]}: unknown key")
    desk = site.get("desk", 1)
    if isinstance(desk, str) and desk.strip().isdigit():
        desk = int(desk)
    if not isinstance(desk, int) or isinstance(desk, bool) or not 1 <= desk <= 10:
        raise ConfigError(f"{source}: site.desk: must be a whole number from 1 to 10")
    values: dict[str, str] = {}
    for key in _SITE_KEYS:
        value = site.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{source}: site.{key}: must be a string")
        values[key] = value.strip()
    for key in ("code", "name", "region"):
        if not values[key]:
            raise ConfigError(f"{source}: site.{key}: required key is missing or empty")
    if values["level"] not in ("", "1", "2", "3"):
        raise ConfigError(f"{source}: site.level: must be \"1\", \"2\" or \"3\"")
    if values["settlement_list_upload"] not in ("", "4101", "4101A"):
        raise ConfigError(f"{source}: site.settlement_list_upload: must be \"4101\" or \"4101A\"")
    return SiteConfig(source=source, desk=desk, **values)


def load_site_config(path: Path | None = None) -> SiteConfig | None:
    """The site configuration, or None when there is none (the embedded demo site)."""
    path = path or site_config_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    import tomllib  # here: the demo site, with no file, starts without it

    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return _site_from(raw, str(path))


_configured_handler: logging.Handler | None = None


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log the package's records to a rotating file in the log dir. Idempotent.

    Returns the log file, or None when the directory cannot be written (the program then runs
    without a log file rather than failing at the desk).
    """
    global _configured_handler
    directory = log_dir()
    target = directory / LOG_FILE_NAME
    logger = logging.getLogger("hospital_client")
    if _configured_handler is not None:
        if getattr(_configured_handler, "baseFilename", None) == str(target.resolve()):
            return target
        logger.removeHandler(_configured_handler)
        _configured_handler.close()
        _configured_handler = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    _configured_handler = handler
    return target
