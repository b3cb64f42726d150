"""The fund statements as the administrator runs them: `hospital-central` (a server with no desk)
and `hospital-client central`, PDF included, and the monthly statement of settlements made through
a real `central serve` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from central_helpers import ROOT, SITE_A, SITE_B, Server, item, make_request, run_cli
from central_stores import STORES
from fund_seed import SeededYear, seeded

from hospital_client import protocol as p
from hospital_client.cli import main as client_main
from hospital_client.cli.central_console import main as console_main


@pytest.fixture(scope="module", params=STORES)
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededYear]:
    yield seeded(request, tmp_path_factory.mktemp("fund_console"))


def test_hospital_central_is_the_console_entry_point() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["hospital-central"] == "hospital_client.cli.central_console:main"


def test_hospital_central_writes_the_quarterly_publication_as_pdf(year: SeededYear, tmp_path: Path) -> None:
    """On a server: a process of its own, no display, no desk database."""
    out, xlsx = tmp_path / "2026Q4.pdf", tmp_path / "2026Q4.xlsx"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "hospital_client.cli.central_console", "fund", "quarterly", "--db", str(year.db),
         "--quarter", "2026Q4", "--json", "--pdf", str(out), "--xlsx", str(xlsx)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["written"] == [str(xlsx), str(out)]
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5000
    assert out.stat().st_mode & 0o077 == 0


def test_hospital_client_central_writes_monthly_statements_as_pdf(year: SeededYear, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "2026-12.pdf"
    code = client_main(["central", "fund", "monthly", "--db", str(year.db), "--month", "2026-12", "--json",
                        "--pdf", str(out)])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["written"] == [str(out)] and len(result["statements"]) == 4
    assert out.read_bytes().startswith(b"%PDF")


def test_the_console_runs_every_central_command(year: SeededYear, capsys: pytest.CaptureFixture[str]) -> None:
    assert console_main(["site", "list", "--db", str(year.db), "--json"]) == 0
    assert {s["code"] for s in json.loads(capsys.readouterr().out)} == {SITE_A, SITE_B}
    assert console_main(["fund", "insurer", "list", "--db", str(year.db), "--json"]) == 0
    insurers = json.loads(capsys.readouterr().out)
    assert [(i["code"], [f"{c['admdvs']}:{c['insutype']}" for c in i["covers"]]) for i in insurers] == [
        ("INSA", ["990100:390"]), ("INSB", ["990100:310", "990200:310", "990200:390"])]
    assert console_main(["fund", "premium", "--db", str(year.db), "--year", "2026", "--premium", "44116.26",
                         "--insurer", "INSA"]) == 0
    assert "full_premium: transfer 44116.26" in capsys.readouterr().out


def test_an_insurer_cannot_take_a_cover_another_holds(year: SeededYear, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("fund", "insurer", "add", "--db", str(year.db), "--code", "INSC", "--name", "丙",
                      "--cover", "990100:390")
    err = capsys.readouterr().err
    assert code == 2 and "已由承办机构 INSA 承办" in err
    code, _ = run_cli("fund", "insurer", "add", "--db", str(year.db), "--code", "INSC", "--name", "丙",
                      "--cover", "9901:390")
    assert code == 2 and "REGION:INSUTYPE" in capsys.readouterr().err


def test_monthly_statement_of_settlements_through_a_real_server(central: Server) -> None:
    """`central serve` in its own process (conftest.central, on each store), settling now."""
    a, b = central.client(SITE_A), central.client(SITE_B)
    big = [{"feedetl_sn": "1", "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液",
            "pric": "16.50", "cnt": "1600", "det_item_fee_sumamt": "26400.00"}]
    outs = [a.call(p.SETTLEMENT, {"data": item("f-1", make_request("DEMO990100000001", "MDT-F1", fees=big))}),
            b.call(p.SETTLEMENT, {"data": item("f-2", make_request("DEMO990100000065", "MDT-F2", fees=big,
                                                                   site=SITE_B))}),
            a.call(p.SETTLEMENT, {"data": item("f-3", make_request("DEMO990100000040", "MDT-F3", fees=big))})]
    b.call(p.REVERSAL, {"data": {"kind": "reversal", "local_id": "f-4", "setl_id": outs[1]["setl_id"]}})
    rep = central.report()
    months = {r["adjudicated_at"][:7] for r in rep["settlements"]} | {
        r["reversed"]["rev_time"][:7] for r in rep["settlements"] if r["reversed"]}
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for r in rep["settlements"]:
        if not r["reversed"]:
            expected[r["site"]] += Decimal(r["final"]["hifmi_pay"])
    stated: dict[str, Decimal] = defaultdict(Decimal)
    for month in months:
        code, out = run_cli("fund", "monthly", "--db", str(central.db), "--month", month, "--json")
        assert code == 0
        for s in json.loads(out)["statements"]:
            stated[s["site"]] += Decimal(s["payable"])
    assert {k: v for k, v in stated.items() if v} == {k: v for k, v in expected.items() if v}
    assert sum(stated.values()) == Decimal(rep["totals_not_reversed"]["hifmi_pay"]) > 0
