"""Reversal (2305, or a reversal item in a batch) moves the central accumulators back."""

from __future__ import annotations

from central_helpers import Client, Server, item, local_settle, make_request, roster_ytd

from hospital_client import protocol as p


def test_reversal_restores_the_year_to_date(central: Server, site_a: Client) -> None:
    person = "DEMO990100000034"
    opening = roster_ytd(person)
    assert site_a.ytd(person) == opening
    settled = site_a.call(p.SETTLEMENT, {"data": item("rev-1", make_request(person, "MDT-REV-1"))})
    assert site_a.ytd(person) == settled["final"]["year_to_date_after"]
    assert site_a.ytd(person)["hifp_pay"] == "1875.00"
    reversal = site_a.call(p.REVERSAL, {"data": {"local_id": "rev-1-r", "setl_id": settled["setl_id"]}})
    assert reversal["year_to_date_after"] == opening
    assert site_a.ytd(person) == opening
    # Settled again after the reversal: the first admission of the year once more.
    again = site_a.call(p.SETTLEMENT, {"data": item("rev-2", make_request(person, "MDT-REV-1"))})
    assert again["final"]["setlinfo"]["act_pay_dedc"] == "500.00" and again["status"] == "accepted"
    report = {s["local_id"]: s for s in central.report()["settlements"]}
    assert report["rev-1"]["reversed"]["local_id"] == "rev-1-r" and report["rev-2"]["reversed"] is None


def test_reversing_an_earlier_settlement_takes_out_only_its_own_part(site_a: Client) -> None:
    person = "DEMO990100000060"  # resident (390), 1502, rural: no 大病 or assistance in this range
    first = site_a.call(p.SETTLEMENT, {"data": item("rev-3", make_request(person, "MDT-REV-3"))})
    second_request = make_request(person, "MDT-REV-4", ytd=first["final"]["year_to_date_after"])
    second = site_a.call(p.SETTLEMENT, {"data": item("rev-4", second_request)})
    assert second["status"] == "accepted"
    site_a.call(p.REVERSAL, {"data": {"local_id": "rev-3-r", "setl_id": first["setl_id"]}})
    after = site_a.ytd(person)
    assert after["admissions"] == 1
    assert after["act_pay_dedc"] == second["final"]["setlinfo"]["act_pay_dedc"]
    assert after["hifp_pay"] == second["final"]["setlinfo"]["hifp_pay"]


def test_a_settlement_is_reversed_once(site_a: Client) -> None:
    settled = site_a.call(p.SETTLEMENT, {"data": item("rev-5", make_request("DEMO990100000061", "MDT-REV-5"))})
    first = site_a.call(p.REVERSAL, {"data": {"local_id": "rev-5-r", "setl_id": settled["setl_id"]}})
    repeat = site_a.call(p.REVERSAL, {"data": {"local_id": "rev-5-r", "setl_id": settled["setl_id"]}})
    assert repeat["repeat"] is True and repeat["rev_setl_id"] == first["rev_setl_id"]
    other = p.parse_response(site_a.send(p.REVERSAL, {"data": {"local_id": "rev-5-r2",
                                                                "setl_id": settled["setl_id"]}}).content)
    assert other.infcode == p.Conflict.infcode and first["rev_setl_id"] in other.err_msg


def test_offline_reversal_in_a_batch_refers_to_the_local_key(site_a: Client) -> None:
    person = "DEMO990100000059"
    opening = roster_ytd(person)
    request = make_request(person, "MDT-REV-6")
    out = site_a.call(p.BATCH_UPLOAD, {"data": [
        item("rev-6", request, local_settle(request)),
        {"kind": "reversal", "local_id": "rev-6-r", "reverses_local_id": "rev-6", "rev_time": "2026-03-10 11:00:00"},
    ]})["results"]
    assert [r["kind"] for r in out] == ["settlement", "reversal"]
    assert out[1]["setl_id"] == out[0]["setl_id"] and out[1]["rev_time"] == "2026-03-10 11:00:00"
    assert site_a.ytd(person) == opening


def test_reversal_of_an_unknown_or_foreign_settlement(site_a: Client, site_b: Client) -> None:
    settled = site_a.call(p.SETTLEMENT, {"data": item("rev-7", make_request("DEMO990100000062", "MDT-REV-7"))})
    foreign = p.parse_response(site_b.send(p.REVERSAL, {"data": {"local_id": "x-1",
                                                                  "setl_id": settled["setl_id"]}}).content)
    assert foreign.infcode == p.NotFound.infcode
    unknown = p.parse_response(site_a.send(p.REVERSAL, {"data": {"local_id": "x-2",
                                                                  "reverses_local_id": "never-sent"}}).content)
    assert unknown.infcode == p.NotFound.infcode
