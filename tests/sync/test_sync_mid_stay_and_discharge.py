"""中途结算 and the inpatient transactions around discharge, from a real desk database to the real
central server on 127.0.0.1: a long stay settled in two periods online and offline, to the fen of the
same stay settled at once; the one-settlement-per-stay rule letting the next period through and
nothing else; 2402 queued while the link is down and sent with the sync; refusals in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from central_helpers import HAND_FEES, db_rows, local_settle, make_request
from sync_helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    assert_consistent,
    central_db,
    client_for,
    desk_request,
    operator,
    ready_desk,
    site_config,
)

from hospital_client import cli
from hospital_client import protocol as p
from hospital_client.app import stay_transactions as st
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.protocol import codes
from hospital_client.rules import SETLINFO_KEYS
from hospital_client.store import DuplicateSettlement, audit, journal, stay_queue
from hospital_client.store.mid_stay import LaterPeriodInForce


def _period(psn: str, stay: str, fees: list[dict[str, Any]], endtime: str, *, mid: bool = False) -> dict[str, Any]:
    request = desk_request(psn, stay, fees=fees, endtime=endtime)
    if mid:
        request["encounter"]["mid_setl_flag"] = True
    return request


def _amounts(setlinfo: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(str(setlinfo[k])) for k in SETLINFO_KEYS}


def _at_once(psn: str) -> dict[str, Decimal]:
    """The same stay settled at once from the roster's year-to-date (the desk's first settlement's)."""
    return _amounts(local_settle(make_request(psn, "MDT-AT-ONCE"))["setlinfo"])


def test_a_stay_settled_in_two_periods_online_is_the_stay_settled_at_once(tmp_path: Path) -> None:
    psn, stay = "DEMO990100000035", "MDT-MID-ON"
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        site, clerk = site_config(central), operator(db)
        with client_for(central) as client:
            first = su.settle_online(db, site, clerk, _period(psn, stay, HAND_FEES[:1], "2026-03-05", mid=True),
                                     client=client)
            # the next period: the desk continues the stay's open period by itself (no stay_before sent)
            second = su.settle_online(db, site, clerk, _period(psn, stay, HAND_FEES[1:], "2026-03-10"), client=client)
            assert (first.state, second.state) == ("final", "final")
            assert (first.central_status, second.central_status) == ("accepted", "accepted")
            with pytest.raises(DuplicateSettlement):  # the stay is whole now: a third is a second settlement
                su.settle_online(db, site, clerk, _period(psn, stay, HAND_FEES[1:], "2026-03-12"), client=client)
        entries = [journal.get_entry(db, o.outcome.committed.local_id) for o in (first, second)]
        stored = json.loads(db.conn.execute("SELECT request_json FROM settlement WHERE local_id = ?",
                                            (entries[1].local_id,)).fetchone()[0])
        assert stored["encounter"]["stay_before"]["periods"] == 1
        in_two = {k: entries[0].amounts[k] + entries[1].amounts[k] for k in SETLINFO_KEYS}
        assert in_two == _at_once(psn)
        central_rows = central.settlements()
        assert [r["final"] for r in central_rows] == [
            {k: f"{entries[n].amounts[k]:.2f}" for k in entries[n].amounts} for n in range(2)]
        with pytest.raises(LaterPeriodInForce):  # latest period first
            journal.record_reversal(db, entries[0].local_id, operator=clerk.name, reason="test")
        assert_consistent(central, db)
        db.close()


def test_offline_periods_and_a_queued_discharge_reach_the_central_system_in_order(tmp_path: Path) -> None:
    psn, stay = "DEMO990100000036", "MDT-MID-OFF"
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        site, clerk = site_config(central), operator(db)
        with client_for(central) as client:
            client.call(p.ADMISSION, {"data": {"psn_no": psn, "mdtrt_id": stay, "begntime": "2026-03-01",
                                               "hosp_lv": 2}})
            central.stop()  # the link goes down
            first = su.settle_online(db, site, clerk, _period(psn, stay, HAND_FEES[:1], "2026-03-05", mid=True),
                                     client=client, wait=0.5)
            second = su.settle_online(db, site, clerk, _period(psn, stay, HAND_FEES[1:], "2026-03-10"),
                                      client=client, wait=0.5)
            assert (first.state, second.state) == ("provisional", "provisional")
            left = st.send(db, client, clerk.name, codes.DISCHARGE,
                           st.discharge_input(stay, endtime=dt.date(2026, 3, 10),
                                              diagnoses=["E11.900"]))
            assert left.state == "queued" and "联网后自动上传" in left.message_zh
            with pytest.raises(st.StayNeedsLink) as offline:  # a change cannot wait: it depends on the centre
                st.send(db, client, clerk.name, codes.ADMISSION_CHANGE, st.change_input(stay, bed="3"))
            assert offline.value.clerk_args()["transaction"] == "住院信息变更"
            central.start()
            with Desk(db.path, site) as desk:  # the desk's sync: the outbox, then the discharge that waited
                desk.use_central_client(client_for(central))  # (closed with the desk)
                summary = desk.sync_now(clerk.name)
                assert summary.ok and summary.drain.accepted == 2
            assert stay_queue.queued(db) == []
            [sent] = [e.detail for e in audit.entries(db) if e.action == "stay_transaction"][-1:]
            assert sent == {"infno": codes.DISCHARGE, "msgid": left.msgid, "state": "done"}
            assert st.send_queued(db, client, clerk.name) == []  # nothing waits any more
            # settled: the admission can no longer be cancelled; the central system's sentence, in Chinese
            with pytest.raises(st.StayTransactionRefused) as refused:
                st.send(db, client, clerk.name, codes.ADMISSION_CANCEL, st.cancel_input(stay))
            assert refused.value.infcode == p.Conflict.infcode and "须先撤销结算" in refused.value.err_msg
        [admission] = db_rows(central.db, "SELECT data FROM admission WHERE mdtrt_id = ?", (stay,))
        assert json.loads(admission[0])["discharge"]["endtime"] == "2026-03-10"
        entries = [journal.get_entry(db, o.outcome.committed.local_id) for o in (first, second)]
        assert [e.state for e in entries] == ["final", "final"]
        assert {k: entries[0].amounts[k] + entries[1].amounts[k] for k in SETLINFO_KEYS} == _at_once(psn)
        assert_consistent(central, db)
        db.close()


def test_the_stay_commands_with_a_desk_set_up_for_the_central_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    psn, stay = "DEMO990100000037", "MDT-STAY-CLI"
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        db_path = str(db.path)
        db.close()
        monkeypatch.setattr(sys, "stdin", io.StringIO(central.secrets[code] + "\n"))
        assert cli.main(["setup", "--site-code", code, "--site-name", "测试镇卫生院", "--server", central.url,
                         "--secret-stdin", "--db", db_path]) == 0
        with client_for(central, code) as client:
            client.call(p.ADMISSION, {"data": {"psn_no": psn, "mdtrt_id": stay, "begntime": "2026-03-01",
                                               "hosp_lv": 2}})
        capsys.readouterr()

        def stay_command(*argv: str) -> tuple[int, Any, str]:
            monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
            status = cli.main(["stay", *argv, "--json", "--db", db_path, "--operator", ADMIN, "--password-stdin"])
            out, err = capsys.readouterr()
            return status, json.loads(out) if status == 0 else out, err

        status, left, err = stay_command("discharge", stay, "--endtime", "2026-03-10", "--way", "2",
                                         "--diag", "E11.900", "--diag", "I10.x00")
        assert status == 0, err
        assert (left["state"], left["result"]["status"], left["result"]["diagnoses"]) == (
            "done", "discharged", ["E11.900", "I10.x00"])
        status, changed, err = stay_command("change", stay, "--bed", "7", "--begntime", "2026-03-02")
        assert status == 0 and changed["result"]["begntime"] == "2026-03-02", err
        status, reopened, err = stay_command("cancel-discharge", stay)
        assert status == 0 and reopened["result"]["status"] == "admitted", err
        status, _, err = stay_command("withdraw-fee", stay, "9")
        assert status == 2 and "没有已上传的费用明细" in err  # the central system's sentence
        status, cancelled, err = stay_command("cancel-admission", stay)
        assert status == 0 and cancelled["result"]["status"] == "cancelled", err
        status, _, err = stay_command("cancel-admission", stay)
        assert status == 2 and "未在本机构办理入院" in err
