"""A stay HIS handed over, settled online at the desk: the desk registers its admission (2401 with
the hand-off's fields) first, so that 2402 出院办理 and the rest of the chain find it at the real
central server; idempotent, and a lost 2401 reply is found out (5203 by msgid, 2601) as for 2304."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from central_helpers import HAND_FEES, db_rows, roster
from sync_helpers import (
    FAST,
    Central,
    FaultProxy,
    central_db,
    client_for,
    desk_request,
    operator,
    ready_desk,
    site_config,
)

from hospital_client import protocol as p
from hospital_client.app import stay_transactions as st
from hospital_client.app.desk import Desk
from hospital_client.app.his_admission import ensure_admission
from hospital_client.protocol import codes
from hospital_client.store import his
from hospital_client.store.operators import Operator

PERSONS = sorted(roster())
QUICK = dataclasses.replace(FAST, attempts=1, read_timeout=2.0)
WAIT = 0.5
_INFNO = re.compile(rb'"infno":"(\d{4})"')


def _infno(body: bytes) -> str:
    found = _INFNO.search(body)
    return found.group(1).decode() if found else ""


def handed_over(desk: Desk, psn_no: str, stay_key: str) -> his.HisStay:
    total = sum((Decimal(str(f["det_item_fee_sumamt"])) for f in HAND_FEES), Decimal("0"))
    return his.put_stay(desk.db(), his.HisStay(
        ipt_no=stay_key, mdtrt_id="", psn_no=psn_no, begntime="2026-03-01", endtime="2026-03-10", dept="内科",
        doctor="医生甲", diagnoses=("E11.900",), fees=tuple(HAND_FEES), medfee_sumamt=f"{total:.2f}",
        source="test"), operator="his")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Central, Desk, Operator, str, FaultProxy]]:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        clerk = operator(db)
        db.close()
        with FaultProxy(central.url, secret=central.secrets[code]) as proxy:
            desk = Desk(tmp_path / "desk.db", site_config(central, code, url=proxy.url), first_start=False)
            desk.use_central_client(client_for(central, code, url=proxy.url, settings=QUICK))
            try:
                yield central, desk, clerk, code, proxy
            finally:
                desk.close_sync()
                desk.close()


def _admissions(central: Central, stay: str) -> list[dict[str, object]]:
    return [json.loads(row[0]) for row in db_rows(central.db, "SELECT data FROM admission WHERE mdtrt_id = ?",
                                                  (stay,))]


def test_a_his_stay_settled_online_is_admitted_first_and_can_be_discharged(
        running: tuple[Central, Desk, Operator, str, FaultProxy]) -> None:
    central, desk, clerk, code, proxy = running
    stay = handed_over(desk, PERSONS[0], "ZY-HIS-001")
    online = desk.settle_online(clerk, desk_request(PERSONS[0], stay.stay_key, site=code), wait=WAIT)
    assert online.final, online.reason
    sent = [_infno(body) for _h, body in proxy.captured]
    assert sent.index("2401") < sent.index("2304")  # the admission before the settlement
    [admission] = _admissions(central, "ZY-HIS-001")
    assert admission["ipt_no"] == "ZY-HIS-001" and admission["diagnoses"] == ["E11.900"]
    assert admission["begntime"] == "2026-03-01" and admission["hosp_lv"] == 2
    left = desk.stay_transaction(clerk.name, codes.DISCHARGE,
                                 st.discharge_input("ZY-HIS-001", endtime=dt.date(2026, 3, 10), diagnoses=["E11.900"]))
    assert left.state == "done"
    # idempotent: asked again (a settlement again after a reversal) it answers the same, nothing new
    again = ensure_admission(desk.db(), desk.central_client(), desk_request(PERSONS[0], stay.stay_key, site=code),
                             deadline=WAIT)
    assert again is not None and again.status in ("registered", "in_place")
    assert len(_admissions(central, "ZY-HIS-001")) == 1
    assert len(central.settlements(code)) == 1


def test_a_stay_typed_at_the_window_sends_no_admission(
        running: tuple[Central, Desk, Operator, str, FaultProxy]) -> None:
    central, desk, clerk, code, proxy = running
    online = desk.settle_online(clerk, desk_request(PERSONS[1], "TYPED-1", site=code), wait=WAIT)
    assert online.final, online.reason
    assert "2401" not in [_infno(body) for _h, body in proxy.captured] and _admissions(central, "TYPED-1") == []


def test_a_stay_admitted_elsewhere_with_other_content_is_left_as_it_is(
        running: tuple[Central, Desk, Operator, str, FaultProxy]) -> None:
    central, desk, clerk, code, _proxy = running
    with client_for(central, code) as his_side:  # the HIS registered it itself, another admission day
        his_side.call(p.ADMISSION, {"data": {"psn_no": PERSONS[2], "mdtrt_id": "ZY-HIS-002",
                                             "begntime": "2026-02-28", "hosp_lv": 2}})
    stay = handed_over(desk, PERSONS[2], "ZY-HIS-002")
    check = ensure_admission(desk.db(), desk.central_client(), desk_request(PERSONS[2], stay.stay_key, site=code),
                             deadline=WAIT)
    assert check is not None and check.status == "in_place" and check.reason
    [admission] = _admissions(central, "ZY-HIS-002")
    assert admission["begntime"] == "2026-02-28"  # untouched
    online = desk.settle_online(clerk, desk_request(PERSONS[2], stay.stay_key, site=code), wait=WAIT)
    assert online.final, online.reason


@pytest.mark.parametrize("fault", ["drop", "lose"])
def test_a_lost_2401_reply_is_found_out_and_the_stay_admitted_once(
        running: tuple[Central, Desk, Operator, str, FaultProxy], fault: str) -> None:
    """``drop``: the central system registered it, the reply lost: 5203 finds it (no 2601).
    ``lose``: it never arrived: 5203 fences the msgid, 2601 (oinfno 2401) voids it, 2401 again."""
    central, desk, clerk, code, proxy = running
    faults: list[str] = []

    def choose(body: bytes) -> str:
        if _infno(body) == "2401" and not faults:
            faults.append(fault)
            return fault
        return "pass"

    proxy.chooser = choose
    stay = handed_over(desk, PERSONS[3], f"ZY-LOST-{fault}")
    online = desk.settle_online(clerk, desk_request(PERSONS[3], stay.stay_key, site=code), wait=WAIT)
    assert online.final, online.reason
    sent = [_infno(body) for _h, body in proxy.captured]
    if fault == "drop":
        assert sent[:3] == ["2401", "5203", "2304"]
    else:
        assert sent[:4] == ["2401", "5203", "2601", "2401"] and b'"oinfno":"2401"' in proxy.captured[2][1]
    assert len(_admissions(central, stay.stay_key)) == 1
    left = desk.stay_transaction(clerk.name, codes.DISCHARGE,
                                 st.discharge_input(stay.stay_key, endtime=dt.date(2026, 3, 10)))
    assert left.state == "done"
