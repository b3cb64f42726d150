"""A batch whose answer was lost, re-sent in a different composition, never adjudicates twice."""

from __future__ import annotations

import httpx
from central_helpers import Client, Server, item, make_request

from hospital_client import protocol as p

PERSONS = ["DEMO990100000052", "DEMO990100000053", "DEMO990100000054", "DEMO990100000055"]


def _items() -> list[dict[str, object]]:
    return [item(f"resend-{n}", make_request(psn, f"MDT-RS-{n}")) for n, psn in enumerate(PERSONS, start=1)]


def test_lost_answer_then_a_different_composition(central: Server, site_a: Client) -> None:
    one, two, three, four = _items()
    _, body = site_a.body(p.BATCH_UPLOAD, {"data": [one, two, three]})
    try:  # the connection is gone before the answer is read; the server commits anyway
        site_a.post(body, timeout=0.001)
    except httpx.TimeoutException:
        pass
    # The site re-sends what is still unconfirmed, with a new msgid and another batch size.
    out = site_a.call(p.BATCH_UPLOAD, {"data": [two, three, four]})["results"]
    assert [r["local_id"] for r in out] == ["resend-2", "resend-3", "resend-4"]
    assert [r["status"] for r in out] == ["accepted"] * 3
    assert out[2]["repeat"] is False
    # And the first item, confirmed on its own later.
    again = site_a.call(p.BATCH_UPLOAD, {"data": [one]})["results"][0]
    assert again["repeat"] is True
    settled = [s for s in central.report()["settlements"] if s["local_id"].startswith("resend-")]
    assert sorted(s["local_id"] for s in settled) == ["resend-1", "resend-2", "resend-3", "resend-4"]
    assert len({s["setl_id"] for s in settled}) == 4
    for psn in PERSONS:  # each person's year moved forward exactly once
        assert site_a.ytd(psn)["admissions"] == (2 if psn == "DEMO990100000052" else 1)


def test_the_same_batch_delivered_twice(central: Server, site_a: Client) -> None:
    batch = [item("twice-1", make_request("DEMO990100000056", "MDT-T-1")),
             item("twice-2", make_request("DEMO990100000057", "MDT-T-2"))]
    msgid, body = site_a.body(p.BATCH_UPLOAD, {"data": batch})
    first = site_a.post(body).json()
    second = site_a.post(body).json()  # same msgid: the stored answer
    assert first["output"] == second["output"]
    third = site_a.call(p.BATCH_UPLOAD, {"data": batch})  # new msgid: per-settlement repeats
    assert [r["repeat"] for r in third["results"]] == [True, True]
    assert [r["setl_id"] for r in third["results"]] == [r["setl_id"] for r in first["output"]["results"]]
    report = central.report()["settlements"]
    assert sum(1 for s in report if s["local_id"] in ("twice-1", "twice-2")) == 2
    assert {s["msgid"] for s in report if s["local_id"] in ("twice-1", "twice-2")} == {msgid}


def test_results_can_be_fetched_after_a_lost_answer(site_a: Client) -> None:
    batch = [item("fetch-1", make_request("DEMO990100000058", "MDT-F-1"))]
    _, body = site_a.body(p.BATCH_UPLOAD, {"data": batch})
    try:
        site_a.post(body, timeout=0.001)
    except httpx.TimeoutException:
        pass
    results = site_a.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": ["fetch-1"]}})["results"]
    if results[0]["status"] == "unknown":  # the server had not processed it yet: ask again
        results = site_a.call(p.BATCH_UPLOAD, {"data": batch})["results"]
    assert results[0]["status"] == "accepted" and results[0]["setl_id"]
