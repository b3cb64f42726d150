"""Two desks set up with one site code (the mistake docs/operations.md warns about): each numbers
its settlements from 1, so the second desk's settlement 1 is refused by the central system. It
must be parked with a reason that names the likely cause, and stay in that desk's journal: not
lost, not counted twice, not silently merged with the other desk's."""

from __future__ import annotations

from pathlib import Path

from sync_helpers import (
    QUICK_DRAIN,
    SITE_A,
    central_db,
    client_for,
    desk_request,
    journal_states,
    operator,
    outbox_statuses,
    ready_desk,
    site_config,
)

from hospital_client import store
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.sync.drain import drain


def test_a_second_desk_with_the_same_site_code_is_parked_with_the_reason(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        desk_a = ready_desk(tmp_path, central, SITE_A, "a.db")
        desk_b = ready_desk(tmp_path, central, SITE_A, "b.db")
        clerk = operator(desk_a)
        a1 = usecases.settle(desk_a, clerk, desk_request("DEMO990100000031", "MDT-SHARED-A")).committed.local_id
        b1 = usecases.settle(desk_b, clerk, desk_request("DEMO990100000032", "MDT-SHARED-B")).committed.local_id
        assert a1 == b1 == 1
        with client_for(central, SITE_A) as client:
            first = drain(desk_a, client, settings=QUICK_DRAIN)
            second = drain(desk_b, client, settings=QUICK_DRAIN)
        assert first.ok and first.accepted == 1
        assert second.ok and (second.accepted, second.parked) == (0, 1)
        assert outbox_statuses(desk_a) == {1: "accepted"} and outbox_statuses(desk_b) == {1: "rejected"}
        [parked] = [m for m in usecases.list_outbox(desk_b) if m["status"] == "rejected"]
        assert "同一站点编码" in parked["last_error"]
        assert journal_states(desk_b) == {1: "provisional"}  # still there, for IT to send again
        assert store.reconcile.remote_result(desk_b, 1) is None  # not marked final with desk A's figures
        held = central.settlements(SITE_A)
        assert [(s["local_id"], s["mdtrt_id"]) for s in held] == [("1", "MDT-SHARED-A")]


def test_online_the_second_desk_is_not_told_final(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        desk_a = ready_desk(tmp_path, central, SITE_A, "a.db")
        desk_b = ready_desk(tmp_path, central, SITE_A, "b.db")
        clerk = operator(desk_a)
        with client_for(central, SITE_A) as client:
            first = su.settle_online(desk_a, site_config(central), clerk,
                                     desk_request("DEMO990100000031", "MDT-SHARED-ON-A"), client=client)
            second = su.settle_online(desk_b, site_config(central), clerk,
                                      desk_request("DEMO990100000032", "MDT-SHARED-ON-B"), client=client)
            assert (first.state, first.central_status) == ("final", "accepted")
            assert second.state == "provisional" and not second.final
            # Refused at once (local number taken) or, when both desks made the same msgid in the
            # same second, left for the drain, which finds the answer is another desk's.
            drain(desk_b, client, settings=QUICK_DRAIN)
        assert outbox_statuses(desk_b) == {1: "rejected"}
        [parked] = [m for m in usecases.list_outbox(desk_b) if m["status"] == "rejected"]
        assert "同一站点编码" in parked["last_error"]
        assert [s["mdtrt_id"] for s in central.settlements(SITE_A)] == ["MDT-SHARED-ON-A"]
