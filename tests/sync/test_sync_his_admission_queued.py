"""A stay HIS handed over and settled without the online path (`hospital-client settle --his
--commit`, which commits and queues; or the window while offline) gets its admission (2401) from
the drain, just before the 9511 batch that carries its settlement, at the real central server; an
admission whose fate stays unknown stops the drain before the batch (the settlement stays queued,
never sent ahead of its admission)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_helpers import roster
from his_stay_helpers import Running, admissions, desk_behind_proxy, handed_over, infno
from sync_helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    FaultProxy,
    central_db,
    desk_request,
    ready_desk,
    site_config,
)

from hospital_client import cli, credentials
from hospital_client.app import stay_transactions as st
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.protocol import codes

PERSONS = sorted(roster())
@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with desk_behind_proxy(tmp_path) as parts:
        yield parts


def _outbox(desk: Desk) -> dict[int, str]:
    return {int(r[0]): str(r[1]) for r in desk.db().conn.execute("SELECT local_id, status FROM outbox")}


def test_a_his_stay_committed_as_the_command_does_is_admitted_before_its_batch(
        running: Running) -> None:
    central, desk, clerk, code, proxy = running
    stay = handed_over(desk, PERSONS[0], "ZY-Q-001")
    # `hospital-client settle --his ZY-Q-001 --commit`: the stay's request, committed and queued
    committed = desk.settle(clerk, desk_request(PERSONS[0], stay.stay_key, site=code)).committed
    typed = desk.settle(clerk, desk_request(PERSONS[1], "TYPED-Q-1", site=code)).committed
    assert proxy.captured == []  # nothing sent by the commit
    summary = desk.sync_now(clerk.name, pulls=False)
    assert summary.ok, summary.to_dict()
    sent = [infno(body) for _h, body in proxy.captured]
    assert sent.count("2401") == 1 and sent.index("2401") < sent.index("9511")  # the admission first
    [admission] = admissions(central, "ZY-Q-001")
    assert admission["ipt_no"] == "ZY-Q-001" and admission["diagnoses"] == ["E11.900"]
    assert admission["begntime"] == "2026-03-01" and admission["psn_no"] == PERSONS[0]
    assert admissions(central, "TYPED-Q-1") == []  # a stay typed at the window: no admission
    assert desk.is_entry_final(committed.local_id) and desk.is_entry_final(typed.local_id)
    left = desk.stay_transaction(clerk.name, codes.DISCHARGE,
                                 st.discharge_input("ZY-Q-001", endtime=dt.date(2026, 3, 10), diagnoses=["E11.900"]))
    assert left.state == "done"


def test_an_offline_settlement_waits_for_its_admission(
        running: Running) -> None:
    central, desk, clerk, code, proxy = running
    stay = handed_over(desk, PERSONS[2], "ZY-Q-002")
    proxy.chooser = lambda body: "lose"  # the link is down: the window settles offline
    online = desk.settle_online(clerk, desk_request(PERSONS[2], stay.stay_key, site=code), wait=0.5)
    local_id = online.outcome.committed.local_id
    assert online.state == "provisional" and admissions(central, "ZY-Q-002") == []
    # the link comes back for everything but the admission: the batch is not sent ahead of it
    proxy.captured.clear()
    proxy.chooser = lambda body: "lose" if infno(body) in ("2401", "5203") else "pass"
    summary = desk.sync_now(clerk.name, pulls=False)
    assert not summary.ok and "2401" in summary.to_dict()["error"]
    assert "9511" not in [infno(body) for _h, body in proxy.captured]
    assert _outbox(desk)[local_id] in ("queued", "sent") and not desk.is_entry_final(local_id)
    # then it all answers: 2401, then the settlement, once each
    proxy.captured.clear()
    proxy.chooser = None
    summary = desk.sync_now(clerk.name, pulls=False)
    assert summary.ok, summary.to_dict()
    sent = [infno(body) for _h, body in proxy.captured]
    assert sent.index("2401") < sent.index("9511")
    assert len(admissions(central, "ZY-Q-002")) == 1 and len(central.settlements(code)) == 1
    assert desk.is_entry_final(local_id)


def test_the_commands_settle_his_commit_then_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`hospital-client settle --his IPT_NO --commit` then `hospital-client sync`, through the proxy."""
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        db = ready_desk(tmp_path, central, code)
        db_path = db.path
        db.close()
        with FaultProxy(central.url, secret=central.secrets[code]) as proxy:
            su.write_site_file(Path(os.environ["HOSPITAL_CLIENT_CONFIG"]),
                               dataclasses.replace(site_config(central, code, url=proxy.url), level="2"))
            with Desk(db_path, site_config(central, code), first_start=False) as desk:
                handed_over(desk, PERSONS[4], "ZY-CLI-1")

            def run(*argv: str) -> tuple[int, str]:
                monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
                status = cli.main([*argv, "--db", str(db_path)])
                return status, capsys.readouterr().out

            status, text = run("settle", "--his", "ZY-CLI-1", "--commit", "--operator", ADMIN, "--password-stdin")
            assert status == 0, text
            local_id = json.loads(text)["local_id"]
            assert proxy.captured == []
            status, text = run("sync", "--no-pulls", "--json")
            assert status == 0 and json.loads(text)["accepted"] == 1, text
            sent = [infno(body) for _h, body in proxy.captured]
            assert sent.index("2401") < sent.index("9511")
            [admission] = admissions(central, "ZY-CLI-1")
            assert admission["ipt_no"] == "ZY-CLI-1" and admission["hosp_lv"] == 2
            status, text = run("journal", "show", str(local_id))
            assert status == 0 and json.loads(text)["state"] == "final"
