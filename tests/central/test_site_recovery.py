"""9513: what the central system holds of a site, for a desk restored from a backup: the highest
local_id the site has used (settled, reversed, queued or refused) and its settlements and
reversals above a local_id, in local_id order, with their requests and final results, paged."""

from __future__ import annotations

import time

from central_helpers import Client, item, make_request

from hospital_client import protocol as p


def _recovery(client: Client, after: str, limit: int = 200) -> dict:  # type: ignore[type-arg]
    return dict(client.call(p.SITE_RECOVERY, {"data": {"after_local_id": after, "limit": limit}}))


def test_the_high_water_mark_and_the_entries_above_a_number(site_a: Client, site_b: Client) -> None:
    requests = {n: make_request(f"DEMO99010000004{n}", f"MDT-REC-{n}") for n in range(1, 4)}
    first = site_a.call(p.SETTLEMENT, {"data": item("101", requests[1])})
    second = site_a.call(p.SETTLEMENT, {"data": item("102", requests[2])})
    site_a.call(p.SETTLEMENT, {"data": item("103", requests[3])})
    site_a.call(p.REVERSAL, {"data": {"local_id": "104", "setl_id": second["setl_id"]}})
    site_a.call(p.SETTLEMENT, {"data": item("rec-text", make_request("DEMO990100000044", "MDT-REC-T"))})
    site_b.call(p.SETTLEMENT, {"data": item("900", make_request("DEMO990100000045", "MDT-REC-B",
                                                                   site=site_b.site))})
    unknown = make_request("DEMO990100000046", "MDT-REC-6")
    unknown["person"] = {**unknown["person"], "psn_no": "NOBODY"}
    refused = site_a.call(p.BATCH_UPLOAD, {"ack": "stored", "data": [item("106", unknown, provisional={})]})
    assert refused["queued"] == 1
    for _ in range(200):
        [result] = site_a.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": ["106"]}})["results"]
        if result["status"] != "queued":
            break
        time.sleep(0.02)

    whole = _recovery(site_a, "101")
    assert whole["site"] == site_a.site and whole["high_water_mark"] == "106"  # refused numbers count too
    assert [(e["local_id"], e["kind"]) for e in whole["entries"]] == [
        ("102", "settlement"), ("103", "settlement"), ("104", "reversal")]
    assert whole["more"] is False and whole["next_after"] == "104"
    settled = whole["entries"][0]
    assert settled["request"]["encounter"]["mdtrt_id"] == "MDT-REC-2" and len(settled["request"]["fees"]) == 2
    assert settled["final"]["fees"] and settled["final"]["year_to_date_after"]["admissions"] == 1
    assert settled["reversed"]["local_id"] == "104"
    assert whole["entries"][2]["reverses_local_id"] == "102"

    page = _recovery(site_a, "0", limit=2)
    assert [e["local_id"] for e in page["entries"]] == ["101", "102"] and page["more"] is True
    assert page["entries"][0]["setl_id"] == first["setl_id"] and page["next_after"] == "102"
    assert _recovery(site_a, "106")["entries"] == []
    assert _recovery(site_b, "0")["high_water_mark"] == "900"
