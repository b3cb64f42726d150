"""A local id whose record a 2601 冲正 of its own message undid is settled (reversed) again under
it (central/resettled.py): the resend settles anew under ``LOCAL_ID/2``, answers as asked, and
whatever looks the local id up finds the record in force. A record undone otherwise stays what a
resend answers. On each central store (the ``central`` fixture)."""

from __future__ import annotations

from typing import Any

import pytest
from central_helpers import SITE_A, Client, Server, item, make_request, roster_ytd

from hospital_client import protocol as p


@pytest.fixture()
def site(central: Server) -> Client:
    return central.client(SITE_A)


def _fence(client: Client, omsgid: str, oinfno: str) -> dict[str, Any]:
    return dict(client.call(p.CORRECTION, {"data": {"omsgid": omsgid, "oinfno": oinfno}}))


def _held(server: Server, mdtrt_id: str) -> dict[str, dict[str, Any]]:
    return {s["local_id"]: s for s in server.report()["settlements"] if s["mdtrt_id"] == mdtrt_id}


def test_a_settlement_undone_by_its_own_2601_is_settled_again_under_its_local_id(site: Client,
                                                                                 central: Server) -> None:
    person = "DEMO990100000045"
    request = make_request(person, "MDT-AGAIN-1")
    msgid, body = site.body(p.SETTLEMENT, {"data": item("again-1", request)})
    first = p.parse_response(site.post(body).content).output  # its reply "lost"
    assert _fence(site, msgid, p.SETTLEMENT)["result"] == "reversed"

    again = site.call(p.SETTLEMENT, {"data": item("again-1", request)})  # a new msgid, the same local id
    assert again["repeat"] is False and again["setl_id"] != first["setl_id"]
    assert (again["local_id"], again["local_key"]) == ("again-1", "again-1/2")
    assert site.ytd(person) == again["final"]["year_to_date_after"]
    repeat = site.call(p.SETTLEMENT, {"data": item("again-1", request)})
    assert repeat["repeat"] is True and repeat["setl_id"] == again["setl_id"]
    by_local = site.call(p.SETTLEMENT_QUERY, {"data": {"local_id": "again-1"}})
    assert (by_local["setl_id"], by_local["local_key"]) == (again["setl_id"], "again-1/2")
    held = _held(central, "MDT-AGAIN-1")
    assert held["again-1"]["reversed"]["local_id"] == f"2601:{msgid}" and held["again-1/2"]["reversed"] is None

    # different content under the local id is still a conflict
    other = make_request(person, "MDT-AGAIN-1", endtime="2026-03-11")
    refused = p.parse_response(site.send(p.SETTLEMENT, {"data": item("again-1", other)}).content)
    assert refused.infcode == p.Conflict.infcode

    # a reversal naming the local id reverses the settlement in force
    reversal = site.call(p.REVERSAL, {"data": {"local_id": "again-1-r", "reverses_local_id": "again-1"}})
    assert reversal["setl_id"] == again["setl_id"]
    assert site.ytd(person) == roster_ytd(person)


def test_a_reversal_undone_by_its_own_2601_is_reversed_again(site: Client, central: Server) -> None:
    person = "DEMO990100000046"
    settled = site.call(p.SETTLEMENT, {"data": item("again-2", make_request(person, "MDT-AGAIN-2"))})
    reverse = {"data": {"local_id": "again-2-r", "reverses_local_id": "again-2"}}
    msgid, body = site.body(p.REVERSAL, reverse)
    first = p.parse_response(site.post(body).content).output
    undone = _fence(site, msgid, p.REVERSAL)
    assert undone["result"] == "reinstated"
    reinstated = undone["settlement"]["setl_id"]
    found = site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})
    assert found["rev_setl_id"] == first["rev_setl_id"] and found["reinstated"]["setl_id"] == reinstated

    again = site.call(p.REVERSAL, reverse)
    assert again["repeat"] is False and again["setl_id"] == reinstated
    assert (again["local_id"], again["local_key"]) == ("again-2-r", "again-2-r/2")
    assert site.ytd(person) == roster_ytd(person)
    held = central.report()["settlements"]
    assert all(s["reversed"] is not None for s in held if s["mdtrt_id"] == "MDT-AGAIN-2")  # nothing in force
    assert settled["setl_id"] in {s["setl_id"] for s in held}


def test_a_record_undone_otherwise_is_what_a_resend_answers(site: Client, central: Server) -> None:
    """Reversed by a 2305 (not by 2601 of its own message): a resend answers it, reversed; nothing
    is settled again."""
    person = "DEMO990100000047"
    request = make_request(person, "MDT-AGAIN-3")
    settled = site.call(p.SETTLEMENT, {"data": item("again-3", request)})
    site.call(p.REVERSAL, {"data": {"local_id": "again-3-r", "reverses_local_id": "again-3"}})
    repeat = site.call(p.SETTLEMENT, {"data": item("again-3", request)})
    assert repeat["repeat"] is True and repeat["setl_id"] == settled["setl_id"] and repeat["reversed"] is not None
    assert "local_key" not in repeat
    assert list(_held(central, "MDT-AGAIN-3")) == ["again-3"]


def test_9513_gives_a_restored_desk_the_records_in_force(site: Client) -> None:
    """After a restore the desk gets back, under its own local ids, the settlement settled again and
    the reversal reversed again, each naming the desk's ids."""
    person = "DEMO990100000048"
    request = make_request(person, "MDT-AGAIN-4")
    msgid, body = site.body(p.SETTLEMENT, {"data": item("710001", request)})
    site.post(body)
    assert _fence(site, msgid, p.SETTLEMENT)["result"] == "reversed"
    again = site.call(p.SETTLEMENT, {"data": item("710001", request)})
    reverse = {"data": {"local_id": "710002", "reverses_local_id": "710001"}}
    rev_msgid, rev_body = site.body(p.REVERSAL, reverse)
    site.post(rev_body)
    assert _fence(site, rev_msgid, p.REVERSAL)["result"] == "reinstated"
    reversed_again = site.call(p.REVERSAL, reverse)
    entries = {e["local_id"]: e for e in site.call(p.SITE_RECOVERY, {"data": {"after_local_id": 710000}})["entries"]}
    assert set(entries) == {"710001", "710002"}
    assert entries["710001"]["setl_id"] == again["setl_id"] and entries["710001"]["local_key"] == "710001/2"
    assert entries["710002"]["rev_setl_id"] == reversed_again["rev_setl_id"]
    assert entries["710002"]["reverses_local_id"] == "710001"
