"""The online path (DESIGN.md 4.5): settle locally, commit, send 2304 at once; final within the
short wait, provisional (queued, with its queue number) otherwise, and final after the next sync."""

from __future__ import annotations

import time
from pathlib import Path

from sync_helpers import (
    assert_consistent,
    central_db,
    client_for,
    desk_request,
    operator,
    outbox_statuses,
    pulled_desk,
    site_config,
)

from hospital_client.app import sync_usecases as su
from hospital_client.store import journal, reconcile
from hospital_client.store.money import money_text


def test_settled_online_is_final_with_the_central_figures(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = pulled_desk(tmp_path, central)
        with client_for(central) as client:
            out = su.settle_online(db, site_config(central), operator(db),
                                   desk_request("DEMO990100000031", "MDT-ON-1"), client=client)
        local_id = out.outcome.committed.local_id
        assert (out.state, out.central_status, out.final) == ("final", "accepted", True)
        assert "最终结算" in out.message_zh and out.central_id.startswith("C")
        entry = journal.get_entry(db, local_id)
        assert entry.state == "final"
        assert outbox_statuses(db) == {local_id: "accepted"}
        [row] = central.settlements()
        # The same engine with the same inputs: the central figures are the desk's, to the fen.
        assert row["final"] == {k: money_text(v) for k, v in entry.amounts.items()}
        assert row["final"]["hifp_pay"] == "1875.00" and row["final"]["psn_cash_pay"] == "1125.00"
        assert row["msgid"] == out.outcome.committed.msgid  # sent under the outbox's own msgid
        assert row["local_id"] == str(local_id) and row["status"] == "accepted"
        assert reconcile.remote_result(db, local_id)["central_id"] == row["setl_id"]  # type: ignore[index]
        assert_consistent(central, db)
        db.close()


def test_without_an_answer_it_stays_provisional_until_the_next_sync(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = pulled_desk(tmp_path, central)
        central.stop()  # the link goes down
        site, clerk = site_config(central), operator(db)
        with client_for(central) as client:
            started = time.monotonic()
            first = su.settle_online(db, site, clerk, desk_request("DEMO990100000033", "MDT-OFF-1"), client=client,
                                     wait=1.0)
            assert time.monotonic() - started < 4  # the wait bounds it (plus the local commit)
            assert (first.state, first.central_status) == ("provisional", "queued")
            assert first.outcome.committed.queue_no in first.message_zh and "离线结算" in first.message_zh
            # An older message still waits: the next one is not sent ahead of it (arrival order).
            central.start()
            second = su.settle_online(db, site, clerk, desk_request("DEMO990100000034", "MDT-OFF-2"), client=client)
            assert (second.state, second.central_status) == ("provisional", "queued")
            assert journal.get_entry(db, second.outcome.committed.local_id).state == "provisional"
            summary = su.sync_now(db, client)
        assert summary.ok and summary.drain.sent == 2 and summary.drain.accepted == 2
        assert [r["local_id"] for r in central.settlements()] == ["1", "2"]
        assert_consistent(central, db)
        status = su.sync_status(db, site)
        assert status.waiting == 0 and status.last_error == "" and status.clock_warning is None
        db.close()
