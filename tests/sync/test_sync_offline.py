"""Offline for a while: 50 journal entries queue up (two admissions of one person, a reversal);
the server comes back; ONE sync sends them all, each accepted exactly once, in local order, the
reversal after its settlement, and the local journal agrees with the central report."""

from __future__ import annotations

from pathlib import Path

from central_helpers import roster
from sync_helpers import (
    QUICK_DRAIN,
    assert_consistent,
    central_db,
    client_for,
    desk_request,
    journal_states,
    operator,
    outbox_statuses,
    pulled_desk,
)

from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.store import accumulators, journal

TWICE = "DEMO990100000031"  # no admission yet this year: first 1875.00/1125.00, second 2062.50/937.50


def test_fifty_queued_entries_sync_once_in_order(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        db = pulled_desk(tmp_path, central)
        central.stop()  # offline from here on
        clerk = operator(db)
        others = [p for p in sorted(roster()) if p != TWICE][:47]
        ids: dict[str, int] = {}
        for n, psn in enumerate(others[:20]):
            ids[psn] = usecases.settle(db, clerk, desk_request(psn, f"MDT-Q-{n}")).committed.local_id
        first = usecases.settle(db, clerk, desk_request(TWICE, "MDT-Q-TWICE-1", endtime="2026-03-10"))
        for n, psn in enumerate(others[20:], start=20):
            ids[psn] = usecases.settle(db, clerk, desk_request(psn, f"MDT-Q-{n}")).committed.local_id
        second = usecases.settle(db, clerk, desk_request(TWICE, "MDT-Q-TWICE-2", endtime="2026-03-20"))
        reversed_id = ids[others[5]]
        reversal = usecases.reverse(db, clerk, reversed_id, "退费重结")
        assert len(journal_states(db)) == 50 and set(outbox_statuses(db).values()) == {"queued"}
        # Offline, the second admission already starts from the first one's accumulators.
        assert second.result is not None and first.result is not None
        assert str(first.result.setlinfo["hifp_pay"]) == "1875.00"
        assert str(second.result.setlinfo["hifp_pay"]) == "2062.50"
        assert str(second.result.setlinfo["psn_cash_pay"]) == "937.50"

        central.start()
        with client_for(central) as client:
            summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
        assert summary.ok, summary.error
        assert (summary.drain.sent, summary.drain.accepted, summary.drain.adjusted) == (50, 50, 0)
        assert summary.drain.batches == 3 and summary.drain.still_queued == 0

        rows = central.settlements()
        # Exactly once each, adjudicated in local order (the report is in adjudication order).
        local_ids = [int(r["local_id"]) for r in rows]
        assert local_ids == sorted(local_ids) and len(set(local_ids)) == 49
        assert all(r["status"] == "accepted" for r in rows)
        by_id = {int(r["local_id"]): r for r in rows}
        # The second admission: adjudicated after the first, from its accumulators.
        assert by_id[second.committed.local_id]["year_to_date_before"]["admissions"] == 1
        assert by_id[second.committed.local_id]["final"]["hifp_pay"] == "2062.50"
        # The reversal: recorded after its settlement, against it.
        assert by_id[reversed_id]["reversed"]["local_id"] == str(reversal.committed.local_id)
        assert reversal.committed.local_id > reversed_id
        assert_consistent(central, db)
        # After the pull, the desk's year-to-date for the person is the central one (no double count).
        with client_for(central) as client:
            central_ytd = client.call("5206", {"data": {"psn_no": TWICE, "year": 2026}}).output["year_to_date"]
        local = accumulators.year_to_date(db, TWICE, 2026)
        assert local is not None
        assert {k: (v if k == "admissions" else f"{v:.2f}") for k, v in local.items()} == central_ytd
        assert journal.get_entry(db, reversal.committed.local_id).state == "final"
        db.close()
