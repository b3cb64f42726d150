"""2601 冲正 and 5203 by msgid at the real central server: a message whose reply was lost is found
out (5203), or fenced and undone (2601) whatever became of it; 2601 answers what it did and does
nothing more when sent again. On each central store (the ``central`` fixture)."""

from __future__ import annotations

from typing import Any

import pytest
from central_helpers import SITE_A, SITE_B, Client, Server, item, make_request, roster_ytd

from hospital_client import protocol as p


@pytest.fixture()
def server(central: Server) -> Server:
    return central


@pytest.fixture()
def site(central: Server) -> Client:
    return central.client(SITE_A)


def _refusal(client: Client, infno: str, input_: dict[str, Any], **kw: Any) -> p.ResponseEnvelope:
    return p.parse_response(client.send(infno, input_, **kw).content)


def _fence(client: Client, omsgid: str, oinfno: str) -> dict[str, Any]:
    return dict(client.call(p.CORRECTION, {"data": {"omsgid": omsgid, "oinfno": oinfno}}))


def test_a_message_never_received_is_voided_and_never_processed_later(site: Client, server: Server) -> None:
    person = "DEMO990100000041"
    msgid, body = site.body(p.SETTLEMENT, {"data": item("cor-1", make_request(person, "MDT-COR-1"))})
    nothing = _refusal(site, p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})
    assert nothing.infcode == p.NotFound.infcode
    assert _fence(site, msgid, p.SETTLEMENT)["result"] == "voided"
    assert _fence(site, msgid, p.SETTLEMENT)["result"] == "voided"  # again: nothing more
    late = site.post(body)  # the original arrives after all
    assert late.status_code == 409 and p.parse_response(late.content).infcode == p.MsgidConflict.infcode
    assert "冲正" in p.parse_response(late.content).err_msg
    assert _refusal(site, p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}}).infcode == p.NotFound.infcode
    assert not [s for s in server.report()["settlements"] if s["local_id"] == "cor-1"]
    assert site.ytd(person) == roster_ytd(person)
    # settled again under a new msgid, the same local id: once
    again = site.call(p.SETTLEMENT, {"data": item("cor-1", make_request(person, "MDT-COR-1"))})
    assert again["status"] in ("accepted", "adjusted") and again["repeat"] is False


def test_a_settlement_found_by_msgid_and_a_committed_one_reversed_by_2601(site: Client, server: Server) -> None:
    person = "DEMO990100000043"
    msgid, body = site.body(p.SETTLEMENT, {"data": item("cor-2", make_request(person, "MDT-COR-2"))})
    settled = p.parse_response(site.post(body).content).output  # its reply "lost"
    found = site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})
    assert (found["kind"], found["setl_id"], found["local_id"]) == ("settlement", settled["setl_id"], "cor-2")
    assert site.ytd(person) == settled["final"]["year_to_date_after"]

    undone = _fence(site, msgid, p.SETTLEMENT)
    assert undone["result"] == "reversed" and undone["settlement"]["setl_id"] == settled["setl_id"]
    assert undone["reversal"]["setl_id"] == settled["setl_id"]
    assert site.ytd(person) == roster_ytd(person)  # the accumulators moved back
    assert _fence(site, msgid, p.SETTLEMENT)["result"] == "already_undone"  # idempotent, any msgid
    assert site.ytd(person) == roster_ytd(person)
    assert site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})["reversed"] is not None
    # the encounter is free again: settled once more (another local id)
    again = site.call(p.SETTLEMENT, {"data": item("cor-2b", make_request(person, "MDT-COR-2"))})
    in_force = [s for s in server.report()["settlements"] if s["mdtrt_id"] == "MDT-COR-2" and s["reversed"] is None]
    assert [s["setl_id"] for s in in_force] == [again["setl_id"]]


def test_a_reversal_undone_puts_the_settlement_in_force_again(site: Client, server: Server) -> None:
    person = "DEMO990100000044"
    settled = site.call(p.SETTLEMENT, {"data": item("cor-3", make_request(person, "MDT-COR-3"))})
    msgid, body = site.body(p.REVERSAL, {"data": {"local_id": "cor-3-r", "setl_id": settled["setl_id"]}})
    reversed_ = p.parse_response(site.post(body).content).output
    assert site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})["rev_setl_id"] == reversed_["rev_setl_id"]
    assert site.ytd(person) == roster_ytd(person)
    undone = _fence(site, msgid, p.REVERSAL)
    assert undone["result"] == "reinstated"
    assert site.ytd(person) == settled["final"]["year_to_date_after"]
    again = p.parse_response(site.send(p.SETTLEMENT, {"data": item("cor-3b", make_request(person, "MDT-COR-3"))})
                             .content)
    assert again.infcode == p.EncounterAlreadySettled.infcode  # in force again
    assert _fence(site, msgid, p.REVERSAL)["result"] == "already_undone"


def test_an_admission_undone_and_a_refused_message(site: Client) -> None:
    msgid, body = site.body(p.ADMISSION, {"data": {"psn_no": "DEMO990100000045", "mdtrt_id": "MDT-COR-4",
                                                   "begntime": "2026-03-01", "hosp_lv": 2}})
    assert p.parse_response(site.post(body).content).infcode == 0
    assert site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})["status"] == "in_force"
    assert _fence(site, msgid, p.ADMISSION)["result"] == "cancelled"
    assert site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}})["status"] == "cancelled"
    fees = _refusal(site, p.FEE_UPLOAD, {"data": {"mdtrt_id": "MDT-COR-4", "fees": [{"feedetl_sn": "1"}]}})
    assert fees.infcode == p.NotFound.infcode  # no admission any more

    refused_id, refused = site.body(p.SETTLEMENT, {"data": {"local_id": "cor-5", "request": {}}})
    assert p.parse_response(site.post(refused).content).infcode == p.BadInput.infcode
    assert site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": refused_id}})["kind"] == "refused"
    assert _fence(site, refused_id, p.SETTLEMENT)["result"] == "no_effect"


def test_2601_refuses_what_it_cannot_undo(site: Client, server: Server) -> None:
    msgid, body = site.body(p.ADMISSION, {"data": {"psn_no": "DEMO990100000046", "mdtrt_id": "MDT-COR-6",
                                                   "begntime": "2026-03-01", "hosp_lv": 2}})
    site.post(body)
    wrong = _refusal(site, p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": p.SETTLEMENT}})
    assert wrong.infcode == p.BadInput.infcode and "不符" in wrong.err_msg
    other_site = server.client(SITE_B)
    foreign = _refusal(other_site, p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": p.ADMISSION}})
    assert foreign.infcode == p.BadInput.infcode  # not that site's msgid
    assert _refusal(site, p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": "1101"}}).infcode == p.BadInput.infcode
    site.call(p.SETTLEMENT, {"data": item("cor-6", make_request("DEMO990100000046", "MDT-COR-6"))})
    busy = _refusal(site, p.CORRECTION, {"data": {"omsgid": msgid, "oinfno": p.ADMISSION}})
    assert busy.infcode == p.Conflict.infcode  # a settlement of the stay is in force


def test_9513_keeps_to_one_desk_range(site: Client) -> None:
    desk2 = 2 * 10**12
    for local_id in ("7", str(desk2 + 1), str(desk2 + 2)):
        site.call(p.SETTLEMENT, {"data": item(local_id, make_request("DEMO990100000047", f"MDT-RANGE-{local_id}"))})
        site.call(p.REVERSAL, {"data": {"local_id": f"{local_id}-r", "reverses_local_id": local_id}})
    whole = site.call(p.SITE_RECOVERY, {"data": {"after_local_id": "0"}})
    desk1 = site.call(p.SITE_RECOVERY, {"data": {"after_local_id": "0", "below_local_id": str(10**12)}})
    two = site.call(p.SITE_RECOVERY, {"data": {"after_local_id": str(desk2), "below_local_id": str(desk2 + 10**12)}})
    assert whole["high_water_mark"] == str(desk2 + 2)
    assert desk1["high_water_mark"] == "7" and [e["local_id"] for e in desk1["entries"]] == ["7"]
    assert [e["local_id"] for e in two["entries"]] == [str(desk2 + 1), str(desk2 + 2)]


def test_5203_with_fence_voids_a_message_never_received(site: Client, server: Server) -> None:
    person = "DEMO990100000048"
    msgid, body = site.body(p.SETTLEMENT, {"data": item("cor-7", make_request(person, "MDT-COR-7"))})
    asked = site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid, "fence": True}})
    assert asked["kind"] == "none" and asked["fenced"] is True
    late = site.post(body)
    assert late.status_code == 409 and p.parse_response(late.content).infcode == p.MsgidConflict.infcode
    assert _fence(site, msgid, p.SETTLEMENT)["result"] == "voided"
    assert site.call(p.SETTLEMENT_QUERY, {"data": {"msgid": msgid, "fence": True}})["kind"] == "none"
    assert _refusal(site, p.SETTLEMENT_QUERY, {"data": {"msgid": msgid}}).infcode == p.NotFound.infcode
    assert not [s for s in server.report()["settlements"] if s["local_id"] == "cor-7"]
    assert site.ytd(person) == roster_ytd(person)
