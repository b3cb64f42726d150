"""9512 by local id follows a settlement a 2601 冲正 of its own message undid to the one settled
again under ``LOCAL_ID/2`` (central/resettled.py), as a resend and 5203 by local id do: the
settlement in force, as asked (``local_id`` the desk's, ``local_key`` the key it stands under).
Before the entry is settled again, 9512 answers the undone settlement (its ``reversed`` names the
2601: never final). On each central store (the ``central`` fixture)."""

from __future__ import annotations

from typing import Any

import pytest
from central_helpers import SITE_A, Client, Server, item, make_request

from hospital_client import protocol as p


@pytest.fixture()
def site(central: Server) -> Client:
    return central.client(SITE_A)


def _results(site: Client, *local_ids: str) -> list[dict[str, Any]]:
    return list(site.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": list(local_ids)}})["results"])


def test_9512_answers_the_settlement_in_force_under_local_id_2(site: Client) -> None:
    request = make_request("DEMO990100000047", "MDT-AGAIN-9512")
    msgid, body = site.body(p.SETTLEMENT, {"data": item("again-9512", request)})
    first = p.parse_response(site.post(body).content).output  # its reply "lost"
    assert site.call(p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": p.SETTLEMENT}})["result"] == "reversed"

    [undone] = _results(site, "again-9512")  # not settled again yet: the undone one, never final
    assert undone["setl_id"] == first["setl_id"] and undone["reversed"]["local_id"] == f"2601:{msgid}"
    assert "local_key" not in undone

    again = site.call(p.SETTLEMENT, {"data": item("again-9512", request)})
    [view, other] = _results(site, "again-9512", "no-such-entry")
    assert (view["setl_id"], view["local_id"], view["local_key"]) == (again["setl_id"], "again-9512", "again-9512/2")
    assert view["status"] in ("accepted", "adjusted") and view["reversed"] is None
    assert view["final"] == {k: again["final"][k] for k in view["final"]}
    assert other["status"] == "unknown"
    by_local = site.call(p.SETTLEMENT_QUERY, {"data": {"local_id": "again-9512"}})
    assert by_local["setl_id"] == view["setl_id"]
