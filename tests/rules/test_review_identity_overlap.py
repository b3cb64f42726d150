"""冒名就医 at the central system: the same person in another hospital on overlapping days."""

from __future__ import annotations

import datetime as dt

from review_helpers import library, line, request

from hospital_client.rules.review import PriorStay, audit

OVERLAP = library('''
[[rule]]
id = "ID-OVL"
kind = "identity"
severity = "warn"
checks = ["overlap"]
text = "同期在其他医疗机构住院"
''')
FEES = [line("1", "BED", "40", "5")]


def stay(mdtrt_id: str, begin: str, end: str, hospital: str) -> PriorStay:
    return PriorStay(mdtrt_id, hospital, dt.date.fromisoformat(begin), dt.date.fromisoformat(end), ("K35.800",))


def test_a_stay_elsewhere_on_overlapping_days_is_a_signal() -> None:
    [v] = audit(request(FEES, begntime="2026-11-10", endtime="2026-11-15"), OVERLAP,
                [stay("ELSE-1", "2026-11-12", "2026-11-20", "H2"), stay("ELSE-0", "2026-11-01", "2026-11-11", "H3")])
    assert (v.rule_id, v.amount, v.feedetl_sn) == ("ID-OVL", 0, [])
    assert v.evidence == {"overlap_mdtrt_id": "ELSE-0", "overlap_fixmedins_code": "H3",
                          "overlap_begntime": "2026-11-01", "overlap_endtime": "2026-11-11"}


def test_a_transfer_on_the_discharge_day_the_same_hospital_or_no_declared_person_is_not() -> None:
    req = request(FEES, begntime="2026-11-10", endtime="2026-11-15")
    assert audit(req, OVERLAP, [stay("T-1", "2026-11-01", "2026-11-10", "H2")]) == []   # transferred that day
    assert audit(req, OVERLAP, [stay("T-2", "2026-11-15", "2026-11-20", "H2")]) == []   # admitted on discharge
    assert audit(req, OVERLAP, [stay("T-3", "2026-11-11", "2026-11-13", "H1")]) == []   # the same hospital
    assert audit(req, OVERLAP, []) == []
