"""Configuration: where the database and logs live, the site file, and the masking helpers."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hospital_client import config
from hospital_client.privacy import RedactingFilter, mask_id, mask_name, redact


def test_db_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.default_db_path() == tmp_path / "xdg-data" / "hospital-client" / "hospital-client.db"
    monkeypatch.setenv("HOSPITAL_CLIENT_DB", str(tmp_path / "env.db"))
    assert config.resolve_db_path(None) == tmp_path / "env.db"
    assert config.resolve_db_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"


def test_busy_timeout_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.busy_timeout_ms() == 5000
    monkeypatch.setenv("HOSPITAL_CLIENT_BUSY_TIMEOUT_MS", "250")
    assert config.busy_timeout_ms() == 250
    monkeypatch.setenv("HOSPITAL_CLIENT_BUSY_TIMEOUT_MS", "soon")
    assert config.busy_timeout_ms() == 5000


def test_no_site_file_means_demo(tmp_path: Path) -> None:
    assert config.load_site_config() is None


def test_site_file(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('[site]\ncode = "H12345678901"\nname = "某卫生院"\nregion = "990100"\npolicy = "demo"\n',
                    encoding="utf-8")
    site = config.load_site_config(path)
    assert site is not None and (site.code, site.policy, site.server_url) == ("H12345678901", "demo", "")


@pytest.mark.parametrize("text, problem", [
    ("[site]\nname = 'x'\nregion = '1'\n", "site.code: required"),
    ("[site]\ncode = 'H1'\nname = 'x'\nregion = '1'\ncolour = 'red'\n", "site.colour: unknown key"),
    ("[site\n", "TOML syntax error"),
    ("title = 'x'\n", "[site] table is missing"),
    ("[site]\ncode = 1\nname = 'x'\nregion = '1'\n", "site.code: must be a string"),
])
def test_bad_site_file_names_the_key(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        config.load_site_config(path)


def test_masks() -> None:
    assert mask_id("210902195001011234") == "2109**********1234"
    assert mask_id("") == "" and mask_id("abc") == "***"
    assert mask_id("CD1234566") == "CD*****66"
    assert mask_name("欧阳娜娜") == "欧***" and mask_name("李") == "*"
    assert redact("id 21090219500101123X here") == "id 2109**********123X here"
    assert redact("local_id=12 queue_no=20261120-000012") == "local_id=12 queue_no=20261120-000012"


def test_log_file_is_set_up_with_redaction(tmp_path: Path) -> None:
    target = config.setup_logging()
    assert target == tmp_path / "log" / "hospital-client.log"
    logging.getLogger("hospital_client.test").info("certno %s", "210902195001011234")
    for handler in logging.getLogger("hospital_client").handlers:
        handler.flush()
    text = target.read_text(encoding="utf-8")
    assert "2109**********1234" in text and "210902195001011234" not in text
    assert any(isinstance(f, RedactingFilter) for h in logging.getLogger("hospital_client").handlers
               for f in h.filters)
