"""Settle (compute + commit): accumulators from the local roster and journal when the request
brings none, so a second admission during an outage is computed from the right year-to-date."""

from __future__ import annotations

import datetime as dt

import pytest
from app_helpers import load_request

from hospital_client import app, store
from hospital_client.rules import RequestError
from hospital_client.store.money import money_text


def test_settle_with_local_accumulators(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    request = load_request("req_second_admission.json", drop_ytd=True)
    outcome = app.settle(demo_db, clerk, request)
    assert outcome.ytd_source == "local"
    assert outcome.committed.state == "provisional"
    data = outcome.to_dict()
    assert {"local_id", "queue_no", "state", "result"} <= data.keys()
    person = store.caches.get_person(demo_db, request["person"]["psn_no"])
    assert person is not None
    entry = store.journal.get_entry(demo_db, outcome.committed.local_id)
    assert entry.request is not None and entry.ytd_source == "local"
    used = entry.request["year_to_date"]
    year = int(request["encounter"]["endtime"][:4])
    expected = person.ytd if person.ytd_year == year else {}
    for key, value in expected.items():
        assert str(used[key]) == str(value)


def test_second_admission_during_an_outage_starts_where_the_first_ended(
    demo_db: store.LocalDatabase, clerk: store.Operator
) -> None:
    first = app.settle(demo_db, clerk, load_request("req_second_admission.json", mdtrt_id="OUT-1", drop_ytd=True))
    second = app.settle(demo_db, clerk, load_request("req_second_admission.json", mdtrt_id="OUT-2", drop_ytd=True))
    assert first.result is not None and second.result is not None
    after_first = first.result.to_dict()["year_to_date_after"]
    entry = store.journal.get_entry(demo_db, second.committed.local_id)
    assert entry.request is not None
    assert entry.request["year_to_date"] == after_first
    # The deductible is paid once a year: the second admission's deductible follows from the first's.
    assert second.result.year_to_date_after["admissions"] == after_first["admissions"] + 1
    # Reversing the first moves the accumulators back.
    supervisor = app.login(demo_db, "super", "super123")
    app.reverse(demo_db, supervisor, first.committed.local_id, "wrong bill")
    ytd = store.accumulators.year_to_date(demo_db, entry.psn_no, entry.setl_date and int(entry.setl_date[:4]))
    assert ytd is not None
    second_after = second.result.to_dict()["year_to_date_after"]
    first_before = store.journal.get_entry(demo_db, first.committed.local_id).request["year_to_date"]  # type: ignore[index]
    for key in ("hifp_pay", "act_pay_dedc"):
        moved = store.money.to_decimal(second_after[key]) - store.money.to_decimal(after_first[key])
        assert money_text(ytd[key]) == money_text(store.money.to_decimal(first_before[key]) + moved)


def test_request_year_to_date_wins(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    request = load_request("req_basic_urban.json")
    outcome = app.settle(demo_db, clerk, request)
    assert outcome.ytd_source == "request"
    entry = store.journal.get_entry(demo_db, outcome.committed.local_id)
    assert entry.request is not None and entry.request["year_to_date"] == request["year_to_date"]


def test_unknown_person_without_year_to_date(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    request = load_request("req_referral.json", drop_ytd=True)
    request["person"]["psn_no"] = "NOT-IN-ROSTER"
    with pytest.raises(app.UnknownPerson, match="not in the local roster"):
        app.settle(demo_db, clerk, request)
    assert store.journal.list_entries(demo_db) == []
    # With year_to_date the person needs no roster entry.
    request["year_to_date"] = load_request("req_referral.json")["year_to_date"]
    assert app.settle(demo_db, clerk, request).ytd_source == "request"


def test_bad_request_commits_nothing(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    request = load_request()
    request["fees"][0]["det_item_fee_sumamt"] = "1.234"
    with pytest.raises(RequestError, match=r"fees\[0\]"):
        app.settle(demo_db, clerk, request)
    assert store.journal.list_entries(demo_db) == []


def test_pack_by_id_and_result_records_it(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    outcome = app.settle(demo_db, clerk, load_request(), pack_id="demo")
    assert outcome.result is not None and outcome.result.policy_id == "demo"
    entry = store.journal.get_entry(demo_db, 1, full=False)
    assert (entry.pack_id, entry.pack_sha256) == ("demo", outcome.result.policy_sha256)


def test_only_operators_with_a_role_settle(demo_db: store.LocalDatabase) -> None:
    nobody = store.Operator("x", "x", "visitor")
    with pytest.raises(app.PermissionDenied):
        app.settle(demo_db, nobody, load_request())


def test_a_stay_not_yet_over_is_refused(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    """A discharge after today (a date typed wrong, a stay not yet over) is refused before anything
    is written, with the clerk's words naming both dates; a discharge today is settled."""
    today = store.now().date()
    request = load_request()
    request["encounter"]["begntime"] = (today - dt.timedelta(days=3)).isoformat()
    request["encounter"]["endtime"] = (today + dt.timedelta(days=1)).isoformat()
    with pytest.raises(app.DischargeInFuture) as refused:
        app.settle(demo_db, clerk, request)
    assert refused.value.clerk_text.format(**refused.value.clerk_args()) == (
        f"The discharge date {today + dt.timedelta(days=1)} is after today ({today}); check the dates. "
        "Nothing was settled.")
    assert store.journal.list_entries(demo_db) == []
    request["encounter"]["endtime"] = today.isoformat()
    assert app.settle(demo_db, clerk, request).committed.state == "provisional"
