"""`hospital-client setup` with the real OS keyring (the suite runs under gnome-keyring, Secret
Service over a private D-Bus): the secret goes to the keyring and nowhere else, the site file is
written, and `hospital-client sync` then works from them. Without a keyring backend, setup says
so and writes nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from central_helpers import ROOT
from sync_helpers import central_db, desk_request, operator, ready_desk

from hospital_client import cli, config, credentials
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases


def _main(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_setup_keeps_the_secret_in_the_keyring_and_sync_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert "SecretService" in credentials.backend_name()  # the real backend, not a stand-in
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        secret = central.secrets[code]
        db = ready_desk(tmp_path, central, code)
        usecases.settle(db, operator(db), desk_request("DEMO990100000060", "MDT-SETUP-1", site=code))
        db_path = str(db.path)
        db.close()
        argv = ["setup", "--site-code", code, "--site-name", "测试镇卫生院", "--server", central.url,
                "--secret-stdin", "--db", db_path]
        assert _main(monkeypatch, argv, secret + "\n") == 0
        out = json.loads(capsys.readouterr().out)
        assert out["code"] == code and "SecretService" in out["secret"] and secret not in json.dumps(out)
        assert out["region"] == "990100"  # read from the site code (H + admdvs + number)
        site_file = config.site_config_path()
        site = config.load_site_config(site_file)
        assert site is not None and (site.code, site.server_url, site.region) == (code, central.url, "990100")
        assert secret not in site_file.read_text(encoding="utf-8")
        assert credentials.get_secret(su.secret_name(code)) == secret

        assert _main(monkeypatch, ["sync", "--db", db_path, "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert (summary["ok"], summary["sent"], summary["accepted"], summary["still_queued"]) == (True, 1, 1, 0)
        assert [r["local_id"] for r in central.settlements(code)] == ["1"]
        # Never in a file, the database or a log.
        for path in [*tmp_path.rglob("*.log*"), site_file]:
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
        assert _main(monkeypatch, ["setup", "--site-code", code, "--site-name", "x", "--server", central.url]) == 2


def test_without_a_keyring_setup_says_so_and_writes_nothing(tmp_path: Path) -> None:
    site_file = tmp_path / "etc" / "site.toml"
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "HOSPITAL_CLIENT_CONFIG": str(site_file)}
    done = subprocess.run(
        [sys.executable, "-m", "hospital_client", "setup", "--site-code", "H99010000777", "--site-name", "无钥匙串",
         "--server", "https://central.example", "--secret-stdin"],
        input="a-secret\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 1
    assert "no OS keyring" in done.stderr and "Nothing was written" in done.stderr
    assert "a-secret" not in done.stderr + done.stdout
    assert not site_file.exists()
