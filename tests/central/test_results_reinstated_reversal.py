"""9512 by local id for a reversal whose own message's 2601 冲正 put the settlement in force again:
the view says so (``reinstated``, as 5203 by msgid does) until the reversal is sent again; then
9512 answers the reversal in force under ``LOCAL_ID/2``, as asked (as a resend or 5203 by local id
do). On each central store (the ``central`` fixture)."""

from __future__ import annotations

from typing import Any

from central_helpers import SITE_A, Client, Server, item, make_request, roster_ytd

from hospital_client import protocol as p


def _results(site: Client, *local_ids: str) -> dict[str, dict[str, Any]]:
    answer = site.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": list(local_ids)}})
    return {r["local_id"]: r for r in answer["results"]}


def test_9512_marks_a_reversal_reinstated_by_its_own_2601_then_answers_the_one_sent_again(central: Server) -> None:
    site = central.client(SITE_A)
    person = "DEMO990100000047"
    settled = site.call(p.SETTLEMENT, {"data": item("rr-1", make_request(person, "MDT-RR-1"))})
    site.call(p.SETTLEMENT, {"data": item("rr-2", make_request(person, "MDT-RR-2"))})
    plain = site.call(p.REVERSAL, {"data": {"local_id": "rr-2-r", "reverses_local_id": "rr-2"}})
    reverse = {"data": {"local_id": "rr-1-r", "reverses_local_id": "rr-1"}}
    msgid, body = site.body(p.REVERSAL, reverse)
    first = p.parse_response(site.post(body).content).output  # its reply "lost"
    undone = dict(site.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": p.REVERSAL}}))
    assert undone["result"] == "reinstated"
    in_force = undone["settlement"]

    views = _results(site, "rr-1-r", "rr-2-r", "rr-1")
    view = views["rr-1-r"]
    assert view["kind"] == "reversal" and view["rev_setl_id"] == first["rev_setl_id"]
    assert view["reinstated"] == {"setl_id": in_force["setl_id"], "local_id": in_force["local_id"]}
    by_msgid = site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})
    assert by_msgid["reinstated"] == view["reinstated"]  # the same field as 5203 by msgid
    assert "reinstated" not in views["rr-2-r"] and views["rr-2-r"]["rev_setl_id"] == plain["rev_setl_id"]
    assert views["rr-1"]["setl_id"] == settled["setl_id"]

    again = site.call(p.REVERSAL, reverse)  # sent again under a new msgid: reversed under rr-1-r/2
    assert (again["local_key"], again["setl_id"]) == ("rr-1-r/2", in_force["setl_id"])
    view = _results(site, "rr-1-r")["rr-1-r"]
    assert "reinstated" not in view
    assert (view["local_id"], view["local_key"]) == ("rr-1-r", "rr-1-r/2")
    assert (view["rev_setl_id"], view["setl_id"]) == (again["rev_setl_id"], in_force["setl_id"])
    assert site.ytd(person) == roster_ytd(person)
