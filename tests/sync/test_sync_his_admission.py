"""A stay HIS handed over, settled online at the desk: the desk registers its admission (2401 with
the hand-off's fields) first, so that 2402 出院办理 and the rest of the chain find it at the real
central server; idempotent, and a lost 2401 reply is found out (5203 by msgid, 2601) as for 2304."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_helpers import roster
from his_stay_helpers import Running, admissions, desk_behind_proxy, handed_over, infno
from sync_helpers import (
    client_for,
    desk_request,
)

from hospital_client import protocol as p
from hospital_client.app import stay_transactions as st
from hospital_client.app.his_admission import ensure_admission
from hospital_client.protocol import codes

PERSONS = sorted(roster())
WAIT = 0.5
@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with desk_behind_proxy(tmp_path) as parts:
        yield parts


def test_a_his_stay_settled_online_is_admitted_first_and_can_be_discharged(
        running: Running) -> None:
    central, desk, clerk, code, proxy = running
    stay = handed_over(desk, PERSONS[0], "ZY-HIS-001")
    online = desk.settle_online(clerk, desk_request(PERSONS[0], stay.stay_key, site=code), wait=WAIT)
    assert online.final, online.reason
    sent = [infno(body) for _h, body in proxy.captured]
    assert sent.index("2401") < sent.index("2304")  # the admission before the settlement
    [admission] = admissions(central, "ZY-HIS-001")
    assert admission["ipt_no"] == "ZY-HIS-001" and admission["diagnoses"] == ["E11.900"]
    assert admission["begntime"] == "2026-03-01" and admission["hosp_lv"] == 2
    left = desk.stay_transaction(clerk.name, codes.DISCHARGE,
                                 st.discharge_input("ZY-HIS-001", endtime=dt.date(2026, 3, 10), diagnoses=["E11.900"]))
    assert left.state == "done"
    # idempotent: asked again (a settlement again after a reversal) it answers the same, nothing new
    again = ensure_admission(desk.db(), desk.central_client(), desk_request(PERSONS[0], stay.stay_key, site=code),
                             deadline=WAIT)
    assert again is not None and again.status in ("registered", "in_place")
    assert len(admissions(central, "ZY-HIS-001")) == 1
    assert len(central.settlements(code)) == 1


def test_a_stay_typed_at_the_window_sends_no_admission(
        running: Running) -> None:
    central, desk, clerk, code, proxy = running
    online = desk.settle_online(clerk, desk_request(PERSONS[1], "TYPED-1", site=code), wait=WAIT)
    assert online.final, online.reason
    assert "2401" not in [infno(body) for _h, body in proxy.captured] and admissions(central, "TYPED-1") == []


def test_a_stay_admitted_elsewhere_with_other_content_is_left_as_it_is(
        running: Running) -> None:
    central, desk, clerk, code, _proxy = running
    with client_for(central, code) as his_side:  # the HIS registered it itself, another admission day
        his_side.call(p.ADMISSION, {"data": {"psn_no": PERSONS[2], "mdtrt_id": "ZY-HIS-002",
                                             "begntime": "2026-02-28", "hosp_lv": 2}})
    stay = handed_over(desk, PERSONS[2], "ZY-HIS-002")
    check = ensure_admission(desk.db(), desk.central_client(), desk_request(PERSONS[2], stay.stay_key, site=code),
                             deadline=WAIT)
    assert check is not None and check.status == "in_place" and check.reason
    [admission] = admissions(central, "ZY-HIS-002")
    assert admission["begntime"] == "2026-02-28"  # untouched
    online = desk.settle_online(clerk, desk_request(PERSONS[2], stay.stay_key, site=code), wait=WAIT)
    assert online.final, online.reason


@pytest.mark.parametrize("fault", ["drop", "lose"])
def test_a_lost_2401_reply_is_found_out_and_the_stay_admitted_once(
        running: Running, fault: str) -> None:
    """``drop``: the central system registered it, the reply lost: 5203 finds it (no 2601).
    ``lose``: it never arrived: 5203 fences the msgid, 2601 (oinfno 2401) voids it, 2401 again."""
    central, desk, clerk, code, proxy = running
    faults: list[str] = []

    def choose(body: bytes) -> str:
        if infno(body) == "2401" and not faults:
            faults.append(fault)
            return fault
        return "pass"

    proxy.chooser = choose
    stay = handed_over(desk, PERSONS[3], f"ZY-LOST-{fault}")
    online = desk.settle_online(clerk, desk_request(PERSONS[3], stay.stay_key, site=code), wait=WAIT)
    assert online.final, online.reason
    sent = [infno(body) for _h, body in proxy.captured]
    if fault == "drop":
        assert sent[:3] == ["2401", "5203", "2304"]
    else:
        assert sent[:4] == ["2401", "5203", "2601", "2401"] and b'"oinfno":"2401"' in proxy.captured[2][1]
    assert len(admissions(central, stay.stay_key)) == 1
    left = desk.stay_transaction(clerk.name, codes.DISCHARGE,
                                 st.discharge_input(stay.stay_key, endtime=dt.date(2026, 3, 10)))
    assert left.state == "done"
