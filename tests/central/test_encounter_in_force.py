"""One settlement in force per encounter (psn_no + mdtrt_id) at the central system, whatever the
site, local_id or batch it comes in: a second one is refused with 3003 naming the one in force,
the person's accumulators move once, and a reversal frees the encounter again. The database
itself refuses a second settlement in force."""

from __future__ import annotations

import time
from typing import Any

import pytest
from central_helpers import SITE_A, SITE_B, Client, Server, db_columns, db_refusal, item, make_request

from hospital_client import protocol as p


def _refusal(client: Client, infno: str, input_: dict[str, Any]) -> p.ResponseEnvelope:
    response = client.send(infno, input_)
    assert response.status_code == 200, response.text[:300]
    return p.parse_response(response.content)


def _held(central: Server, mdtrt_id: str) -> list[dict[str, Any]]:
    return [s for s in central.report()["settlements"] if s["mdtrt_id"] == mdtrt_id]


def test_a_new_local_id_for_a_settled_encounter_is_refused_naming_the_one_in_force(
        central: Server, site_a: Client) -> None:
    request = make_request("DEMO990100000031", "MDT-EIF-1")
    first = site_a.call(p.SETTLEMENT, {"data": item("eif-1", request)})
    ytd = site_a.ytd("DEMO990100000031")
    answer = _refusal(site_a, p.SETTLEMENT, {"data": item("eif-2", request)})
    assert answer.infcode == p.EncounterAlreadySettled.infcode == 3003
    assert first["setl_id"] in answer.err_msg and SITE_A in answer.err_msg and "2026-03-10 10:00:00" in answer.err_msg
    assert answer.output["in_force"] == {"setl_id": first["setl_id"], "site": SITE_A, "local_id": "eif-1",
                                         "psn_no": "DEMO990100000031", "mdtrt_id": "MDT-EIF-1",
                                         "setl_time": "2026-03-10 10:00:00"}
    assert site_a.ytd("DEMO990100000031") == ytd  # the accumulators moved once
    assert [s["local_id"] for s in _held(central, "MDT-EIF-1")] == ["eif-1"]
    error = p.error_for_infcode(answer.infcode, answer.err_msg, answer.output)
    assert isinstance(error, p.EncounterAlreadySettled) and error.in_force["setl_id"] == first["setl_id"]
    # The same item again (same local_id, same content) is still the same answer, not a refusal.
    again = site_a.call(p.SETTLEMENT, {"data": item("eif-1", request)})
    assert again["repeat"] is True and again["setl_id"] == first["setl_id"]


def test_the_same_encounter_from_a_second_site_is_refused(central: Server, site_a: Client, site_b: Client) -> None:
    site_a.call(p.SETTLEMENT, {"data": item("eif-3", make_request("DEMO990100000032", "MDT-EIF-2"))})
    ytd = site_a.ytd("DEMO990100000032")
    answer = _refusal(site_b, p.SETTLEMENT,
                      {"data": item("eif-3", make_request("DEMO990100000032", "MDT-EIF-2", site=SITE_B))})
    assert answer.infcode == 3003
    assert answer.output["in_force"]["site"] == SITE_A and answer.output["in_force"]["local_id"] is None
    assert site_b.ytd("DEMO990100000032") == ytd
    assert [s["site"] for s in _held(central, "MDT-EIF-2")] == [SITE_A]


@pytest.mark.parametrize("ack", ["adjudicated", "stored"])
def test_a_batch_item_for_a_settled_encounter_is_refused_on_its_own(central: Server, site_a: Client,
                                                                    ack: str) -> None:
    mdtrt = f"MDT-EIF-B-{ack}"
    first_person, other_person = ("DEMO990100000033", "DEMO990100000034") if ack == "stored" else (
        "DEMO990100000038", "DEMO990100000039")
    request = make_request(first_person, mdtrt)
    items = [item(f"eif-{ack}-1", request), item(f"eif-{ack}-2", request),
             item(f"eif-{ack}-3", make_request(other_person, f"{mdtrt}-other"))]
    answer = site_a.call(p.BATCH_UPLOAD, {"ack": ack, "data": items})
    if ack == "stored":
        for _ in range(200):
            results = site_a.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": [i["local_id"] for i in items]}})
            if all(r["status"] != "queued" for r in results["results"]):
                break
            time.sleep(0.02)
        answer = results
    first, second, third = answer["results"]
    assert first["status"] == "accepted" and third["status"] == "accepted"
    assert second["status"] == "rejected" and second["infcode"] == 3003
    assert second["in_force"]["setl_id"] == first["setl_id"] and second["in_force"]["local_id"] == f"eif-{ack}-1"
    assert [s["local_id"] for s in _held(central, mdtrt)] == [f"eif-{ack}-1"]


def test_a_reversal_frees_the_encounter(central: Server, site_a: Client) -> None:
    request = make_request("DEMO990100000035", "MDT-EIF-3")
    first = site_a.call(p.SETTLEMENT, {"data": item("eif-4", request)})
    site_a.call(p.REVERSAL, {"data": {"local_id": "eif-5", "setl_id": first["setl_id"]}})
    second = site_a.call(p.SETTLEMENT, {"data": item("eif-6", request)})
    assert second["setl_id"] != first["setl_id"] and second["repeat"] is False
    third = _refusal(site_a, p.SETTLEMENT, {"data": item("eif-7", request)})
    assert third.infcode == 3003 and third.output["in_force"]["setl_id"] == second["setl_id"]


def test_a_repeated_refusal_is_the_stored_answer_with_its_output(site_a: Client) -> None:
    request = make_request("DEMO990100000036", "MDT-EIF-4")
    site_a.call(p.SETTLEMENT, {"data": item("eif-8", request)})
    _msgid, body = site_a.body(p.SETTLEMENT, {"data": item("eif-9", request)})
    first, second = site_a.post(body), site_a.post(body)
    assert second.headers.get("x-central-repeat") == "1"
    assert first.json()["output"] == second.json()["output"] and "in_force" in first.json()["output"]


def test_the_database_refuses_a_second_settlement_in_force(central: Server, site_a: Client) -> None:
    first = site_a.call(p.SETTLEMENT, {"data": item("eif-10", make_request("DEMO990100000037", "MDT-EIF-5"))})
    columns = [c for c in db_columns(central.db, "settlement") if c != "seq"]
    copied = ", ".join("'C-copy'" if c == "setl_id" else "'eif-11'" if c == "local_id" else c for c in columns)
    refusal = db_refusal(central.db, f"INSERT INTO settlement ({', '.join(columns)}) SELECT {copied} FROM settlement "
                                     "WHERE setl_id = ?", (first["setl_id"],))
    assert "encounter_in_force" in refusal
