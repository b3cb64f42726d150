"""The same person settled offline at two sites, then both sync: the central system adjudicates in
arrival order and the second site gets an adjustment; pulled year-to-date figures are rebased so
that nothing is counted twice (store engineer's note: roster figure + local changes).

Hand-computed (demo pack, employee 310, urban, level-2 hospital, 3,000.00 of 甲类 drugs, no
assistance group; 大病保险 does not pay, its urban deductible is 20,000):

    admission  deductible            hifp_pay = (3000 - deductible) × 75%   psn_cash_pay
    1st        500                   1875.00                                1125.00
    2nd        500 × 0.5 = 250       2062.50                                 937.50
    3rd+       200 (fixed)           2100.00                                 900.00

Site A settles admission A-1 on 03-10, site B admission B-1 on 03-20, both offline from an empty
year: both compute the 1st-admission figures. A syncs first: A-1 is accepted as the 1st. B syncs:
B-1 is the person's 2nd admission at the central system: final 2062.50 / 937.50, so the
adjustment is psn_cash_pay 937.50 - 1125.00 = -187.50 (退费: the patient gets 187.50 back) and
hifp_pay +187.50 (fund 310100: provisional 1875.00, final 2062.50). After the pulls both desks
hold the central year-to-date (2 admissions, act_pay_dedc 750.00, hifp_pay 3937.50,
hifmi_base 2062.50), not the central figure plus their own settlement again; so A's offline 3rd
admission (A-2) is computed with the 200.00 deductible and accepted as it is.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sync_helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    QUICK_DRAIN,
    SITE_A,
    SITE_B,
    Central,
    assert_consistent,
    central_db,
    client_for,
    desk_request,
    operator,
    ready_desk,
)

from hospital_client import cli, store
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.store import accumulators

PERSON = "DEMO990100000031"
CENTRAL_YTD = {"admissions": 2, "act_pay_dedc": "750.00", "hifp_pay": "3937.50", "hifmi_base": "2062.50",
               "hifmi_pay": "0.00", "maf_base": "0.00", "maf_pay": "0.00", "maf2_base": "0.00", "maf2_pay": "0.00"}


def _ytd(db: store.LocalDatabase) -> dict[str, object]:
    values = accumulators.year_to_date(db, PERSON, 2026)
    assert values is not None
    return {k: (v if k == "admissions" else f"{v:.2f}") for k, v in values.items()}


def _sync(central: Central, db: store.LocalDatabase, code: str) -> su.SyncSummary:
    with client_for(central, code) as client:
        summary = su.sync_now(db, client, drain_settings=QUICK_DRAIN)
    assert summary.ok, summary.error
    return summary


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out


def test_one_person_at_two_sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    with central_db(tmp_path / "central") as central:
        desk_a = ready_desk(tmp_path, central, SITE_A, "a.db")
        desk_b = ready_desk(tmp_path, central, SITE_B, "b.db")
        clerk = operator(desk_a)
        a1 = usecases.settle(desk_a, clerk, desk_request(PERSON, "MDT-A-1", site=SITE_A, endtime="2026-03-10"))
        b1 = usecases.settle(desk_b, clerk, desk_request(PERSON, "MDT-B-1", site=SITE_B, endtime="2026-03-20"))
        for outcome in (a1, b1):
            assert outcome.result is not None
            assert (str(outcome.result.setlinfo["hifp_pay"]), str(outcome.result.setlinfo["psn_cash_pay"])) == \
                ("1875.00", "1125.00")

        first = _sync(central, desk_a, SITE_A)
        assert (first.drain.accepted, first.drain.adjusted) == (1, 0)
        second = _sync(central, desk_b, SITE_B)
        assert (second.drain.accepted, second.drain.adjusted) == (0, 1)

        [row_a] = central.settlements(SITE_A)
        [row_b] = central.settlements(SITE_B)
        assert row_a["status"] == "accepted" and row_a["final"]["hifp_pay"] == "1875.00"
        assert row_b["status"] == "adjusted" and row_b["year_to_date_before"]["admissions"] == 1
        assert (row_b["final"]["hifp_pay"], row_b["final"]["psn_cash_pay"]) == ("2062.50", "937.50")
        adjustment = row_b["adjustment"]
        assert (adjustment["psn_cash_pay"], adjustment["hifp_pay"]) == ("-187.50", "187.50")
        assert adjustment["reasons"] == ["year_to_date"]
        assert adjustment["funds"] == [{"fund_pay_type": "310100", "fund_pay_type_name": "职工基本医疗保险统筹基金",
                                        "provisional": "1875.00", "final": "2062.50", "difference": "187.50"}]

        # The clerk at B sees the adjustment (and only B does), resolves it once.
        assert su.list_adjustments(desk_a) == []
        [open_b] = su.list_adjustments(desk_b, open_only=True)
        assert (open_b["local_id"], open_b["psn_cash_pay"], open_b["hifp_pay"]) == (b1.committed.local_id, "-187.50",
                                                                                 "187.50")
        assert open_b["central_id"] == row_b["setl_id"] and open_b["resolved"] is False
        b_path = str(desk_b.path)
        listed = json.loads(_cli(monkeypatch, capsys, "adjustments", "list", "--open", "--json", "--db", b_path))
        assert [r["local_id"] for r in listed] == [b1.committed.local_id]
        resolved = json.loads(_cli(monkeypatch, capsys, "adjustments", "resolve", str(b1.committed.local_id),
                                   "--note", "退现金 187.50", "--db", b_path, "--operator", ADMIN, "--password-stdin",
                                   stdin=ADMIN_PASSWORD + "\n"))
        assert resolved["resolved_by"] == ADMIN and resolved["resolved_at"] and resolved["resolved"] is True
        assert su.list_adjustments(desk_b, open_only=True) == []
        with pytest.raises(store.RecordError, match="already resolved"):
            su.resolve_adjustment(desk_b, clerk, b1.committed.local_id)

        # Rebase: after the pulls each desk holds exactly the central year-to-date.
        assert _ytd(desk_b) == CENTRAL_YTD
        _sync(central, desk_a, SITE_A)  # nothing to send; pulls the person's new figures
        assert _ytd(desk_a) == CENTRAL_YTD
        rebase = store.reconcile.rebase_of(desk_a, PERSON, 2026)
        assert rebase is not None and rebase.included == [a1.committed.local_id]

        a2 = usecases.settle(desk_a, clerk, desk_request(PERSON, "MDT-A-2", site=SITE_A, endtime="2026-04-10"))
        assert a2.result is not None and str(a2.result.setlinfo["hifp_pay"]) == "2100.00"
        third = _sync(central, desk_a, SITE_A)
        assert (third.drain.accepted, third.drain.adjusted) == (1, 0)
        assert_consistent(central, desk_a, SITE_A)
        assert_consistent(central, desk_b, SITE_B)
        desk_a.close()
        desk_b.close()


def test_rebased_second_admission_needs_no_adjustment(tmp_path: Path) -> None:
    """Without the rebase the desk would count its synced admission twice (central figure + its own
    delta): the second admission would take the 3rd-admission deductible and be adjusted."""
    person = "DEMO990100000030"
    with central_db(tmp_path / "central") as central:
        db = ready_desk(tmp_path, central)
        clerk = operator(db)
        usecases.settle(db, clerk, desk_request(person, "MDT-R-1", endtime="2026-03-10"))
        _sync(central, db, SITE_A)
        values = accumulators.year_to_date(db, person, 2026)
        assert values is not None and values["admissions"] == 1
        second = usecases.settle(db, clerk, desk_request(person, "MDT-R-2", endtime="2026-03-20"))
        assert second.result is not None
        summary = _sync(central, db, SITE_A)
        assert (summary.drain.accepted, summary.drain.adjusted) == (1, 0)
        row = next(r for r in central.settlements() if r["local_id"] == str(second.committed.local_id))
        assert row["final"] == {k: f"{v:.2f}" for k, v in second.result.setlinfo.items()}
        db.close()
