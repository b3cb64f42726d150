"""Outpatient visits desk <-> the real central server: online through the chain (2201, 2203,
2204, 2206, commit, 2207), a 门诊慢特病 visit held to its 备案, offline committed provisionally
and sent by the next sync, and the reversal (2208).

Demo pack, level-2 hospital, 198.00 of 甲类 drugs per 普通门诊 visit:
    first visit:  deductible 10 per visit + 100 annual (op_dedc): (198 - 110) × 50% = 44.00
    second visit: the annual one is used up: (198 - 10) × 50% = 94.00
门诊慢特病 I10, 330.00: deductible 200 (shared with inpatient): (330 - 200) × 70% = 91.00
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import Central, FaultProxy, central_db, online_desk, operator, ready_desk, site_config

from hospital_client import credentials
from hospital_client.app import sync_usecases as su
from hospital_client.app.desk import Desk
from hospital_client.app.outpatient import BadVisit, VisitInput, parse_visit
from hospital_client.protocol import codes
from hospital_client.store import journal
from hospital_client.store.operators import Operator


def drug(sn: str, cnt: int) -> dict[str, str]:
    cents = 1650 * cnt
    return {"feedetl_sn": sn, "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50",
            "cnt": str(cnt), "det_item_fee_sumamt": f"{cents // 100}.{cents % 100:02d}"}


def visit(psn_no: str, med_type: str = "11", cnt: int = 12, dise: str = "") -> VisitInput:
    return parse_visit({"psn_no": psn_no, "med_type": med_type, "dise_codg": dise, "begntime": "2026-03-10",
                        "hosp_lv": 2, "ipt_otp_no": "MZ1", "dept_code": "A03", "fees": [drug("1", cnt)]})


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Central, Desk, Operator, str]]:
    with central_db(tmp_path / "central") as central:
        desk, clerk, code = online_desk(tmp_path, central)
        try:
            yield central, desk, clerk, code
        finally:
            desk.close_sync()
            desk.close()


def file_disease(central: Central, code: str, psn_no: str, dise: str) -> None:
    raw = central.raw(code)
    body = raw.body(codes.CHRONIC_FILING, {"data": {"psn_no": psn_no, "opsp_dise_code": dise,
                                                    "begndate": "2026-01-01"}})
    status, envelope = raw.post(body, raw.headers(body))
    assert status == 200 and envelope.infcode == 0, envelope.err_msg


def test_online_through_the_chain_final_and_reversed(setup: tuple[Central, Desk, Operator, str]) -> None:
    central, desk, clerk, code = setup
    op = desk.outpatient()
    assert op.preview(visit("DEMO990100000012"))["setlinfo"]["hifp_pay"] == "44.00"
    first = op.settle(clerk, visit("DEMO990100000012"))
    assert (first.state, first.central_status) == ("final", "accepted"), first.reason
    entry = journal.get_entry(desk.db(), first.outcome.committed.local_id)
    assert entry.mdtrt_id.startswith("O") and entry.med_type == "11"  # the central system named the visit
    assert entry.amounts["hifp_pay"] == entry.amounts["hifp_pay"].__class__("44.00")
    second = op.settle(clerk, visit("DEMO990100000012"))
    assert second.final and second.adjustment is None
    assert second.outcome.to_dict()["result"]["setlinfo"]["hifp_pay"] == "94.00"  # op_dedc from 2206's figures
    rows = central.settlements(code)
    assert [r["final"]["hifp_pay"] for r in rows] == ["44.00", "94.00"]
    assert {r["local_id"] for r in rows} == {str(first.outcome.committed.local_id),
                                            str(second.outcome.committed.local_id)}
    back = op.reverse(clerk, first.outcome.committed.local_id, "退费")
    assert (back.state, back.central_status) == ("final", "accepted"), back.reason
    reversed_ = {r["setl_id"]: r["reversed"] for r in central.settlements(code)}
    assert reversed_[first.central_id] is not None and reversed_[second.central_id] is None
    with pytest.raises(BadVisit):  # not an outpatient settlement: the reversal entry itself
        op.reverse(clerk, back.outcome.committed.local_id, "x")


def test_chronic_visit_needs_the_filing(setup: tuple[Central, Desk, Operator, str]) -> None:
    central, desk, clerk, code = setup
    op = desk.outpatient()
    psn = "DEMO990100000013"
    assert [(c.code, c.filed) for c in op.diseases(psn)] == [("E11", False), ("I10", False)]
    with pytest.raises(BadVisit, match="2503"):
        op.settle(clerk, visit(psn, "14", 20, "I10"))
    assert journal.list_entries(desk.db()) == []  # refused before anything was committed
    file_disease(central, code, psn, "I10")
    assert [(c.code, c.filed) for c in op.diseases(psn)] == [("I10", True), ("E11", False)]
    done = op.settle(clerk, visit(psn, "14", 20, "I10"))
    assert done.final, done.reason
    assert done.outcome.to_dict()["result"]["setlinfo"]["hifp_pay"] == "91.00"


def test_offline_committed_provisionally_then_sent_by_the_sync(setup: tuple[Central, Desk, Operator, str]) -> None:
    central, desk, clerk, code = setup
    op = desk.outpatient()
    central.stop()
    general = op.settle(clerk, visit("DEMO990100000014"), wait=1.0)
    assert (general.state, general.central_status) == ("provisional", "queued")
    assert "离线结算" in general.message_zh
    # the second visit of the day offline: the annual deductible (op_dedc) is not charged again
    assert op.preview(visit("DEMO990100000014"))["setlinfo"]["hifp_pay"] == "94.00"
    repeat = op.settle(clerk, visit("DEMO990100000014"), wait=1.0)
    assert repeat.outcome.to_dict()["result"]["setlinfo"]["hifp_pay"] == "94.00"
    chronic = op.settle(clerk, visit("DEMO990100000015", "14", 20, "E11"), wait=1.0)  # no 备案 at the centre
    assert chronic.state == "provisional"
    assert op.diseases("DEMO990100000015")[0].filed is None  # not known offline
    central.start()
    summary = desk.sync_now(pulls=False)
    assert summary.ok or summary.to_dict()
    statuses = {m["local_id"]: m["status"] for m in desk.outbox()}
    assert statuses[general.outcome.committed.local_id] == "accepted"
    assert statuses[repeat.outcome.committed.local_id] == "accepted"  # the same figures: no adjustment
    assert statuses[chronic.outcome.committed.local_id] == "rejected"  # the 备案 checked on arrival
    rows = central.settlements(code)
    assert [r["final"]["hifp_pay"] for r in rows] == ["44.00", "94.00"]
    assert rows[0]["local_id"] == str(general.outcome.committed.local_id)
    assert desk.adjustments() == []
    assert journal.get_entry(desk.db(), general.outcome.committed.local_id).mdtrt_id.startswith("MZ")


def test_a_lost_2207_reply_ends_once_after_the_next_sync(tmp_path: Path) -> None:
    """A lost 2207 reply: the client resends under the same msgid (the stored answer); every 2207 reply
    lost: 5203 by msgid finds the settlement; that answer lost too: provisional, then the next sync.
    (The 200-times drill: test_sync_outpatient_lost_reply.py.)"""
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        db = ready_desk(tmp_path, central, code)
        clerk = operator(db)
        db.close()
        dropped: list[bytes] = []

        always: list[bool] = []

        def faults(body: bytes) -> str:
            if (b'"infno":"2207"' in body and (not dropped or always)) or (b'"infno":"5203"' in body and always):
                dropped.append(body)
                return "drop"  # the central system commits, the desk gets no answer
            return "pass"

        with FaultProxy(central.url, secret=central.secrets[code], chooser=faults) as proxy:
            desk = Desk(tmp_path / "desk.db", site_config(central, code, url=proxy.url), first_start=False)
            try:
                out = desk.outpatient().settle(clerk, visit("DEMO990100000016"), wait=2.0)
                # the client sent it again under the same msgid: the central system's stored answer
                assert dropped and proxy.repeats >= 1 and out.state == "final", out.reason
                local_id = out.outcome.committed.local_id
                summary = desk.sync_now(pulls=False)
                assert summary.ok, summary.to_dict()
                assert journal.get_entry(desk.db(), local_id).state == "final"
                [row] = central.settlements(code)  # exactly once at the central system
                assert row["local_id"] == str(local_id) and row["reversed"] is None
                # every 2207 and 5203 answer lost: provisional, and the next sync (by local id)
                # records the settlement the central system holds, never a second one
                always.append(True)
                second = desk.outpatient().settle(clerk, visit("DEMO990100000017"), wait=1.0)
                assert second.state == "provisional" and len(central.settlements(code)) == 2
                always.clear()
                assert desk.sync_now(pulls=False).ok
                assert journal.get_entry(desk.db(), second.outcome.committed.local_id).state == "final"
                rows = central.settlements(code)
                assert len(rows) == 2 and rows[1]["local_id"] == str(second.outcome.committed.local_id)
            finally:
                desk.close_sync()
                desk.close()
