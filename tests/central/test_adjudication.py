"""Re-adjudication with the central accumulators: a provisional figure computed from stale
year-to-date becomes an adjustment (final minus provisional), hand-computed here.

The case (see central_helpers): 3,000.00 of 甲类 drugs at a level-2 hospital, demo pack.
    first admission of the year:  deductible 500, hifp_pay 1875.00, psn_cash_pay 1125.00
    second admission of the year: deductible 250, hifp_pay 2062.50, psn_cash_pay  937.50
"""

from __future__ import annotations

from central_helpers import SITE_A, SITE_B, Client, Server, item, local_settle, make_request

from hospital_client import protocol as p

PERSON = "DEMO990100000031"  # employee (310), 1101, urban, no assistance group, no admission yet in 2026


def test_two_offline_settlements_of_one_person_in_one_batch(central: Server, site_a: Client) -> None:
    first = make_request(PERSON, "MDT-OFF-1")
    # The clinic's second provisional figure still used the year-to-date of before the first
    # admission (e.g. its roster was restored from a backup): a stale input.
    second = make_request(PERSON, "MDT-OFF-2")
    provisional_1, provisional_2 = local_settle(first), local_settle(second)
    assert provisional_2["setlinfo"]["psn_cash_pay"] == "1125.00"
    out = site_a.call(p.BATCH_UPLOAD, {"data": [item("off-1", first, provisional_1),
                                                item("off-2", second, provisional_2)], "detail": "full"})
    one, two = out["results"]
    assert one["status"] == "accepted" and one["adjustment"]["adjusted"] is False
    assert one["final"]["setlinfo"]["hifp_pay"] == "1875.00"
    assert two["status"] == "adjusted"
    assert two["final"]["setlinfo"]["act_pay_dedc"] == "250.00"
    assert two["final"]["setlinfo"]["hifp_pay"] == "2062.50"
    assert two["final"]["setlinfo"]["psn_cash_pay"] == "937.50"
    adjustment = two["adjustment"]
    assert adjustment["psn_cash_pay"] == "-187.50"  # 退费: the patient paid 187.50 too much
    assert adjustment["hifp_pay"] == "187.50" and adjustment["fund_pay_sumamt"] == "187.50"
    assert adjustment["hifmi_pay"] == adjustment["maf_pay"] == "0.00"
    assert adjustment["funds"] == [{"fund_pay_type": "310100", "fund_pay_type_name": "职工基本医疗保险统筹基金",
                                    "provisional": "1875.00", "final": "2062.50", "difference": "187.50"}]
    assert adjustment["reasons"] == ["year_to_date"]
    # The second was computed from the central accumulators after the first, in arrival order.
    assert two["year_to_date_before"] == one["final"]["year_to_date_after"]
    assert two["final"] == local_settle({**second, "year_to_date": one["final"]["year_to_date_after"]})
    assert site_a.ytd(PERSON)["admissions"] == 2
    report = {s["local_id"]: s for s in central.report()["settlements"]}
    assert report["off-2"]["adjustment"]["psn_cash_pay"] == "-187.50"
    assert report["off-2"]["provisional"]["psn_cash_pay"] == "1125.00"
    assert report["off-2"]["final"]["psn_cash_pay"] == "937.50"


def test_the_same_person_offline_at_two_sites(central: Server, site_a: Client, site_b: Client) -> None:
    person = "DEMO990100000032"  # one admission already in 2026 (roster): this is the 2nd and the 3rd
    at_a = make_request(person, "MDT-A-1", site=SITE_A)
    at_b = make_request(person, "MDT-B-1", site=SITE_B)
    # Each site settled from the same cached roster: both think it is the second admission.
    assert local_settle(at_a)["setlinfo"]["act_pay_dedc"] == local_settle(at_b)["setlinfo"]["act_pay_dedc"] == "250.00"
    a = site_a.call(p.BATCH_UPLOAD, {"data": [item("two-sites-1", at_a)]})["results"][0]
    b = site_b.call(p.BATCH_UPLOAD, {"data": [item("two-sites-1", at_b)]})["results"][0]  # same local key, other site
    assert a["status"] == "accepted"
    assert b["status"] == "adjusted" and b["setl_id"] != a["setl_id"]
    # Third admission: the demo pack's deductible is a fixed 200 (instead of 250).
    assert b["final"]["setlinfo"]["act_pay_dedc"] == "200.00"
    assert b["final"]["setlinfo"]["hifp_pay"] == "2100.00"  # (3000 - 200) × 75%
    assert b["adjustment"]["psn_cash_pay"] == "-37.50" and b["adjustment"]["hifp_pay"] == "37.50"
    assert site_a.ytd(person)["admissions"] == 3


def test_online_settlement_with_a_current_roster_is_accepted_as_is(site_a: Client) -> None:
    request = make_request("DEMO990100000063", "MDT-ON-1")
    out = site_a.call(p.SETTLEMENT, {"data": item("online-1", request)})
    assert out["status"] == "accepted" and out["final"] == local_settle(request)
    assert out["adjustment"] == {"adjusted": False, "psn_cash_pay": "0.00", "hifp_pay": "0.00", "hifmi_pay": "0.00",
                                 "maf_pay": "0.00", "fund_pay_sumamt": "0.00", "funds": out["adjustment"]["funds"],
                                 "reasons": [], "provisional_policy": out["final"]["policy"]}


def test_a_stale_roster_entry_is_replaced_by_the_central_one(site_a: Client) -> None:
    request = make_request("DEMO990100000064", "MDT-ROSTER-1")
    stale = {**request, "person": {**request["person"], "assistance_group": "dibao"}}  # not (or no longer) dibao
    out = site_a.call(p.SETTLEMENT, {"data": item("roster-1", stale)})
    assert out["status"] == "adjusted" and "person" in out["adjustment"]["reasons"]
    assert out["final"] == local_settle(request)  # computed with the central roster entry
    assert out["final"]["setlinfo"]["maf_pay"] == "0.00"
    assert out["adjustment"]["maf_pay"].startswith("-")


def test_without_a_provisional_result_there_is_no_adjustment(site_a: Client) -> None:
    request = make_request("DEMO990100000066", "MDT-NOPROV")
    out = site_a.call(p.SETTLEMENT, {"data": {"local_id": "noprov-1", "request": request, "provisional": None}})
    assert out["status"] == "accepted" and out["adjustment"] is None


def test_an_encounter_ending_after_its_settlement_time_is_refused(site_a: Client) -> None:
    """A stay not yet over cannot be settled: its end after the settlement's time is refused, online
    and in a batch, naming the field; the same encounter ending that day is settled."""
    late = item("future-1", make_request("DEMO990100000067", "MDT-FUTURE", endtime="2026-03-11"))
    response = site_a.send(p.SETTLEMENT, {"data": late})
    refused = p.parse_response(response.content)
    assert refused.infcode == p.BadInput.infcode
    assert "encounter.endtime=2026-03-11 晚于结算时间 2026-03-10 10:00:00" in refused.err_msg
    batch = site_a.call(p.BATCH_UPLOAD, {"data": [{**late, "local_id": "future-2"}]})
    assert batch["results"][0]["status"] == "rejected" and "encounter.endtime" in batch["results"][0]["err_msg"]
    same_day = item("future-3", make_request("DEMO990100000067", "MDT-FUTURE", endtime="2026-03-10"))
    assert site_a.call(p.SETTLEMENT, {"data": same_day})["status"] == "accepted"
