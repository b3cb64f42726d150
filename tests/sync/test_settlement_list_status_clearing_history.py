"""The 结算清单 sent as 4101A when the site file says so, confirmed and withdrawn by the 病案 office
(4102), and the hospital's past clearing applications with their state (3205A) kept on the desk for
when the central system cannot be reached: from the command line, end to end against the real
central server process."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

import pytest
from central_helpers import run_cli as central_cli
from sync_helpers import ADMIN, ADMIN_PASSWORD, central_db, client_for, desk_request, operator, ready_desk, site_config

from hospital_client import cli, credentials
from hospital_client import protocol as p
from hospital_client.app import sync_usecases as su
from hospital_client.config import load_site_config

RECORD = {"dscg_way": "1", "dscg_caty": "内分泌科", "chfpdr_name": "王建国",
          "diag_names": {"E11.900": "2型糖尿病", "J18.900": "肺炎"}}


def test_4101a_4102_and_the_clearing_applications_from_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*argv: str, password: bool = False) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
        login = ["--operator", ADMIN, "--password-stdin"] if password else []
        code = cli.main([*argv, *login, "--db", str(db_path)])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        site_file = Path(os.environ["HOSPITAL_CLIENT_CONFIG"])
        su.write_site_file(site_file, dataclasses.replace(site_config(central, code), settlement_list_upload="4101A"))
        loaded = load_site_config(site_file)
        assert loaded is not None and loaded.settlement_list_upload == "4101A"
        db = ready_desk(tmp_path, central, code)
        db_path = db.path
        with client_for(central, code) as client:
            out = su.settle_online(db, site_config(central, code), operator(db),
                                   desk_request("DEMO990100000031", "MDT-LS-1", site=code), client=client)
        db.close()
        assert out.final
        local_id = str(out.outcome.committed.local_id)
        record = tmp_path / "record.json"
        record.write_text(json.dumps(RECORD, ensure_ascii=False), encoding="utf-8")

        # 4101A: the funds are the central system's, from the settlement it holds
        status, text = run("settlement-list", local_id, "--record", str(record), "--upload", "--json", password=True)
        answer = json.loads(text)
        assert status == 0 and (answer["infno"], answer["stas"]) == ("4101A", "accepted"), answer
        assert sum(float(x["fund_payamt"]) for x in answer["payinfo"]) > 0
        status, text = run("settlement-list", local_id, "--status", "confirm", "--json", password=True)
        assert status == 0 and json.loads(text)["stas"] == "confirmed"
        status, text = run("settlement-lists", "--from", "2000-01-01", "--json")
        [row] = json.loads(text)["lists"]
        assert row["state"] == "confirmed" and row["changed_at"]
        # confirmed: a new upload is refused until it is withdrawn
        status, text = run("settlement-list", local_id, "--record", str(record), "--upload", password=True)
        assert status == 2 and "撤回" in text, text
        status, text = run("settlement-list", local_id, "--status", "withdraw", password=True)
        assert status == 0 and "withdrawn" in text and "已撤回" in text
        status, text = run("settlement-list", local_id, "--status", "confirm", password=True)
        assert status == 2 and "质控" in text, text  # withdrawn: upload again first
        status, text = run("settlement-lists", "--from", "2000-01-01", "--json")
        assert [r["state"] for r in json.loads(text)["lists"]] == ["withdrawn"]
        assert run("settlement-list", local_id, "--status", "confirm", "--upload", password=True)[0] == 2

        # 信息变更 (2403) of another stay from the command line: department name, doctor, bed
        with client_for(central, code) as client:
            client.call(p.ADMISSION, {"data": {"psn_no": "DEMO990100000032", "mdtrt_id": "MDT-LS-2",
                                               "begntime": "2026-03-01", "hosp_lv": 2}})
        status, text = run("stay", "change", "MDT-LS-2", "--dept-name", "内分泌科", "--doctor", "李医生", "--bed", "7",
                           "--json", password=True)
        changed = json.loads(text)["result"]["changed"]
        assert status == 0 and {"adm_dept_name", "chfpdr_name", "adm_bed"} <= set(changed), text

        # the month applied for; the past applications with their state, approved at the central system
        month = dt.datetime.now(p.CST).strftime("%Y-%m")
        status, text = run("clearing", "apply", "--month", month, "--json", password=True)
        [applied] = json.loads(text)["applications"]
        evt = applied["clr_appy_evt_id"]
        status, text = run("clearing", "list", "--json")
        listed = json.loads(text)
        assert status == 0 and listed["central"] == "ok" and listed["fetched_at"]
        assert [(r["clr_appy_evt_id"], r["clr_stas"]) for r in listed["applications"]] == [(evt, "applied")]
        assert central_cli("clearing", "approve", evt, "--db", str(central.db))[0] == 0
        status, text = run("clearing", "list")
        assert status == 0 and evt in text and "approved" in text and "已审核通过" in text
        status, text = run("clearing", "withdraw", evt, password=True)
        assert status == 2 and "审核通过" in text, text
        status, text = run("clearing", "list", "--json")
        last_read = json.loads(text)  # every read stamps its own time (to the second)
        assert status == 0 and last_read["central"] == "ok" and last_read["fetched_at"] >= listed["fetched_at"]

        # the central system unreachable: the applications as last read, saying so
        central.stop()
        status, text = run("clearing", "list", "--json")
        kept = json.loads(text)
        assert status == 0 and kept["central"] != "ok" and kept["fetched_at"] == last_read["fetched_at"]
        assert [(r["clr_appy_evt_id"], r["clr_stas"]) for r in kept["applications"]] == [(evt, "approved")]
        status, text = run("clearing", "list")
        assert status == 0 and "could not be asked" in text and evt in text
