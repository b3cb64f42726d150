"""The desk's 结算清单 (4101, 4104) and monthly clearing (3201/3202 then 3203/3204), end to end
against the real central server process."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from central_helpers import HAND_FEES, Client, item, make_request
from sync_helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    SITE_A,
    central_db,
    client_for,
    desk_request,
    operator,
    ready_desk,
    site_config,
)

from hospital_client import cli, credentials
from hospital_client import protocol as p
from hospital_client.app import clearing, usecases
from hospital_client.app import settlement_list as sl
from hospital_client.app import sync_usecases as su
from hospital_client.app.his_handoff import read_handoff_bytes
from hospital_client.app.his_stays import import_handoff
from hospital_client.store import audit, reconcile

RECORD = {"dscg_way": "1", "diag_names": {"E11.900": "2型糖尿病", "J18.900": "肺炎"},
          "oprninfo": [{"oprn_oprt_code": "96.0400", "oprn_oprt_name": "气管内插管", "oprn_oprt_date": "2026-03-02",
                        "main_oprn_flag": "1"}]}


def _handoff(psn_no: str, ipt_no: str) -> bytes:
    return json.dumps({"patient": {"psn_no": psn_no},
                       "admission": {"ipt_no": ipt_no, "begntime": "2026-03-01", "endtime": "2026-03-10",
                                     "dept": "呼吸内科", "doctor": "王建国", "diagnoses": ["J18.900", "E11.900"]},
                       "feedetail": HAND_FEES}, ensure_ascii=False).encode("utf-8")


def test_a_list_is_built_from_the_settlement_and_the_hand_off_checked_and_uploaded(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        clerk = operator(db)
        import_handoff(db, read_handoff_bytes(_handoff("DEMO990100000031", "ZY-SL-1"), "stay.json"), "his-drop")
        site = site_config(central)
        with client_for(central) as client:
            his = su.settle_online(db, site, clerk, desk_request("DEMO990100000031", "ZY-SL-1"), client=client)
            typed = su.settle_online(db, site, clerk, desk_request("DEMO990100000032", "MDT-SL-2"), client=client)
            assert his.final and typed.final
            his_id, typed_id = his.outcome.committed.local_id, typed.outcome.committed.local_id

            built = sl.build(db, his_id, fixmedins_code=SITE_A, fixmedins_name="示例县人民医院")
            setl = built.content["setlinfo"]
            assert built.setl_id == his.central_id and setl["setl_id"] == his.central_id
            # the hand-off's admission: 住院号, department, doctor, diagnoses (the first is the main one)
            assert (setl["medcasno"], setl["dscg_caty"], setl["chfpdr_name"]) == ("ZY-SL-1", "呼吸内科", "王建国")
            assert [(d["diag_code"], d["maindiag_flag"]) for d in built.content["diseinfo"]] == [
                ("J18.900", "1"), ("E11.900", "0")]
            assert setl["adm_time"] == "2026-03-01" and setl["act_ipt_days"] == "9"
            # the fees by category add up to the settlement; the funds to its fund total
            total = sum(Decimal(i["amt"]) for i in built.content["iteminfo"])
            assert total == Decimal(setl["medfee_sumamt"]) == Decimal("3000.00")
            assert {i["med_chrgitm_type"] for i in built.content["iteminfo"]} == {"09"}  # 西药费
            # what HIS's hand-off does not carry is named, and nothing is sent
            fields = {x.field for x in built.problems}
            assert {"setlinfo.dscg_way", "diseinfo[0].diag_name", "diseinfo[1].diag_name"} <= fields
            with pytest.raises(sl.SettlementListIncomplete) as refused:
                sl.upload(db, client, built, operator="it")
            assert "离院方式" in str(refused.value) and refused.value.problems

            complete = sl.build(db, his_id, fixmedins_code=SITE_A, fixmedins_name="示例县人民医院", record=RECORD)
            assert complete.ready, complete.problems
            assert complete.content["diseinfo"][0]["diag_name"] == "肺炎"
            answer = sl.upload(db, client, complete, operator="it")
            assert (answer["stas"], answer["qc_items"], answer["setl_id"]) == ("accepted", [], his.central_id)

            # a typed stay: no hand-off, so no department or doctor; the main diagnosis from the request
            typed_list = sl.build(db, typed_id, fixmedins_code=SITE_A, fixmedins_name="x", record=RECORD)
            assert {x.field for x in typed_list.problems} == {"setlinfo.dscg_caty", "setlinfo.chfpdr_name"}
            today = dt.date.today().isoformat()
            rows, problem = sl.list_status(db, client, "2000-01-01", today)
        assert problem == ""
        states = {r.local_id: (r.state, r.setl_id) for r in rows}
        assert states == {his_id: ("accepted", his.central_id), typed_id: ("missing", typed.central_id)}
        # offline: the states that need the central system are unknown, named so
        central.stop()
        with client_for(central) as client:
            rows, problem = sl.list_status(db, client, "2000-01-01", today)
        assert problem and {r.state for r in rows} == {"unknown"}
        assert any(e.action == "settlement_list" for e in audit.entries(db))
        db.close()


def test_a_list_the_central_quality_control_rejects_shows_the_reasons(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        with client_for(central) as client:
            out = su.settle_online(db, site_config(central), operator(db),
                                   desk_request("DEMO990100000033", "MDT-SL-3"), client=client)
            record = {**RECORD, "dscg_caty": "内科", "chfpdr_name": "李医生", "oprninfo": []}
            built = sl.build(db, out.outcome.committed.local_id, fixmedins_code=SITE_A, fixmedins_name="x",
                             record=record)
            assert built.ready
            # the desk cannot see that the funds do not add up to the central settlement's; the
            # central QC can (a list edited by hand, say)
            built.content["payinfo"] = [{"fund_pay_type": "310100", "fund_payamt": "1.00"}]
            answer = sl.upload(db, client, built, operator="it")
            assert answer["stas"] == "rejected" and [x["code"] for x in answer["qc_items"]] == ["QC14"]
            rows, _ = sl.list_status(db, client, "2000-01-01", dt.date.today().isoformat())
        [row] = rows
        assert row.state == "rejected" and "基金支付合计 1.00" in row.reasons[0]
        db.close()


def test_entries_without_a_list(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        central.stop()
        with client_for(central) as client:
            out = su.settle_online(db, site_config(central), operator(db),
                                   desk_request("DEMO990100000034", "MDT-SL-4"), client=client, wait=0.5)
        assert out.state == "provisional"
        built = sl.build(db, out.outcome.committed.local_id, fixmedins_code=SITE_A, fixmedins_name="x")
        assert built.setl_id == "" and built.problems[0].field == "setlinfo.setl_id"
        assert "同步" in built.problems[0].msg
        db.close()


def test_clearing_after_reconciliation_and_the_differences_when_it_does_not_reconcile(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        clerk, site = operator(db), site_config(central)
        month = dt.datetime.now(p.CST).strftime("%Y-%m")
        with client_for(central) as client:
            first = su.settle_online(db, site, clerk, desk_request("DEMO990100000041", "MDT-C-1"), client=client)
            second = su.settle_online(db, site, clerk, desk_request("DEMO990100000042", "MDT-C-2"), client=client)
            assert first.final and second.final
            outcome = clearing.apply(db, client, month, operator="it")
            assert outcome.lines == 2 and len(outcome.applications) == 1
            [applied] = outcome.applications
            assert applied["psntime"] == 2 and applied["clr_type"] == "21"
            assert Decimal(applied["medfee_sumamt"]) == Decimal("6000.00")
            assert Decimal(applied["fund_appy_sum"]) == sum(Decimal(f["fund_payamt"]) for f in applied["funds"])

            # a settlement the central system does not have yet (queued at the desk), and one the
            # central system has that this desk's journal does not
            central.stop()
            queued = su.settle_online(db, site, clerk, desk_request("DEMO990100000043", "MDT-C-3"), client=client,
                                      wait=0.5)
            central.start()
            other = Client(central.url, SITE_A, central.secrets[SITE_A])
            stray = {**item("900", make_request("DEMO990100000044", "MDT-C-9")),
                     "setl_time": dt.datetime.now(p.CST).strftime("%Y-%m-%d %H:%M:%S")}
            stray_out = other.call(p.SETTLEMENT, {"data": stray})
            with pytest.raises(clearing.ReconciliationMismatch) as mismatch:
                clearing.apply(db, client, month, operator="it")
            found = {(d.local_id, d.kind) for d in mismatch.value.differences}
            assert found == {(str(queued.outcome.committed.local_id), "missing_at_central"), ("900", "missing_at_site")}
            by_kind = {d.kind: d for d in mismatch.value.differences}
            assert by_kind["missing_at_site"].setl_id == stray_out["setl_id"]
            assert by_kind["missing_at_central"].desk["medfee_sumamt"] == "3000.00"
            assert mismatch.value.to_dict()["reconciled"] is False

            # the stray one reversed and the queued one synced: the month reconciles again, and
            # the standing application must be withdrawn before a new one
            other.call(p.REVERSAL, {"data": {"local_id": "901", "setl_id": stray_out["setl_id"]}})
            assert su.sync_now(db, client, pulls=False).ok
            with pytest.raises(clearing.ReconciliationMismatch):  # 900 and 901 are still not the desk's
                clearing.apply(db, client, month, operator="it")
        db.close()


def test_an_application_already_made_is_refused_and_can_be_withdrawn(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        month = dt.datetime.now(p.CST).strftime("%Y-%m")
        with client_for(central) as client:
            su.settle_online(db, site_config(central), operator(db), desk_request("DEMO990100000041", "MDT-W-1"),
                             client=client)
            first = clearing.apply(db, client, month, operator="it")
            evt = first.applications[0]["clr_appy_evt_id"]
            with pytest.raises(clearing.ClearingRefused) as refused:
                clearing.apply(db, client, month, operator="it")
            assert evt in refused.value.reason and "已申请清算" in refused.value.reason
            withdrawn = clearing.withdraw(db, client, evt, operator="it")
            assert withdrawn["stas"] == "withdrawn"
            again = clearing.apply(db, client, month, operator="it")
            assert again.applications[0]["clr_appy_evt_id"] != evt
        assert sum(1 for e in audit.entries(db) if e.action == "clearing") == 4
        db.close()


def test_differences_name_the_amounts_that_differ() -> None:
    line = clearing.StatementLine(7, "settlement", "Q7", "2026-03-10 10:00:00", "21", "310", "C1",
                                  {k: Decimal("100.00") for k in clearing.AMOUNT_KEYS})
    central = {"7": {"local_id": "7", "setl_id": "C1", **{k: "100.00" for k in clearing.AMOUNT_KEYS},
                     "psn_cash_pay": "90.50"}}
    [diff] = clearing._differences([line], central)
    assert (diff.kind, diff.diff) == ("amounts", {"psn_cash_pay": "9.50"})


def test_a_reversal_in_the_month_counts_negative_and_the_month_still_reconciles(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        clerk, site = operator(db), site_config(central)  # the administrator may approve a reversal
        month = dt.datetime.now(p.CST).strftime("%Y-%m")
        with client_for(central) as client:
            kept = su.settle_online(db, site, clerk, desk_request("DEMO990100000031", "MDT-R-1"), client=client)
            gone = su.settle_online(db, site, clerk, desk_request("DEMO990100000032", "MDT-R-2"), client=client)
            usecases.reverse(db, clerk, gone.outcome.committed.local_id, "重复结算")
            assert su.sync_now(db, client, pulls=False).ok
            lines = clearing.month_statement(db, month)
            assert [x.kind for x in lines] == ["settlement", "settlement", "reversal"]
            assert lines[2].amounts["medfee_sumamt"] == Decimal("-3000.00")
            outcome = clearing.apply(db, client, month, operator="it")
        [applied] = outcome.applications
        assert applied["psntime"] == 1 and applied["medfee_sumamt"] == "3000.00"
        final = reconcile.remote_result(db, kept.outcome.committed.local_id)
        assert final is not None and applied["fund_appy_sum"] == final["final"]["setlinfo"]["fund_pay_sumamt"]
        db.close()


def test_the_commands_against_the_central_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def run(*argv: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
        code = cli.main([*argv, "--db", str(db_path)])
        return code, capsys.readouterr().out

    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        su.write_site_file(Path(os.environ["HOSPITAL_CLIENT_CONFIG"]), site_config(central, code))
        db = ready_desk(tmp_path, central, code)
        db_path = db.path
        with client_for(central, code) as client:
            out = su.settle_online(db, site_config(central, code), operator(db),
                                   desk_request("DEMO990100000031", "MDT-CLI-1", site=code), client=client)
        db.close()
        local_id = str(out.outcome.committed.local_id)
        record = tmp_path / "record.json"
        record.write_text(json.dumps({**RECORD, "dscg_caty": "内分泌科", "chfpdr_name": "王建国", "oprninfo": []},
                                     ensure_ascii=False), encoding="utf-8")
        status, text = run("settlement-list", local_id, "--record", str(record), "--upload", "--json",
                           "--operator", ADMIN, "--password-stdin")
        assert status == 0 and json.loads(text)["stas"] == "accepted"
        status, text = run("settlement-lists", "--from", "2000-01-01", "--json")
        assert [r["state"] for r in json.loads(text)["lists"]] == ["accepted"]
        month = dt.datetime.now(p.CST).strftime("%Y-%m")
        status, text = run("clearing", "apply", "--month", month, "--json", "--operator", ADMIN, "--password-stdin")
        [applied] = json.loads(text)["applications"]
        assert status == 0 and applied["psntime"] == 1
        status, text = run("clearing", "withdraw", applied["clr_appy_evt_id"], "--json", "--operator", ADMIN,
                           "--password-stdin")
        assert status == 0 and json.loads(text)["stas"] == "withdrawn"
        # a settlement only the central system holds for this site: 对账不平, the entry named, exit 2
        stray = {**item("900", make_request("DEMO990100000044", "MDT-CLI-9", site=code)),
                 "setl_time": dt.datetime.now(p.CST).strftime("%Y-%m-%d %H:%M:%S")}
        Client(central.url, code, central.secrets[code]).call(p.SETTLEMENT, {"data": stray})
        status, text = run("clearing", "apply", "--month", month, "--operator", ADMIN, "--password-stdin")
        assert status == 2 and "对账不平" in text and "900" in text and "missing_at_site" in text
