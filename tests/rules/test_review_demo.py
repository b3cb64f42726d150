"""The demo review-rule library is valid, exercises every kind, and fires on the demo bills."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hospital_client.rules.review import KINDS, DeclaredPerson, PriorStay, audit, load_library

ROOT = Path(__file__).resolve().parents[2]
DEMO = load_library(ROOT / "resources" / "review" / "demo_review.toml")


def demo_request(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "resources" / "demo" / "requests" / name).read_text(encoding="utf-8"))
    return data


def test_the_demo_library_exercises_every_kind() -> None:
    assert {rule.kind for rule in DEMO.rules} == set(KINDS)
    assert (DEMO.id, DEMO.version) == ("demo-review", "2026.1") and len(DEMO.sha256) == 64


def test_fires_on_at_least_three_demo_requests() -> None:
    fired = {}
    for path in sorted((ROOT / "resources" / "demo" / "requests").glob("*.json")):
        violations = audit(demo_request(path.name), DEMO)
        if violations:
            fired[path.name] = sorted({v.rule_id for v in violations})
    assert len(fired) >= 3
    assert fired["req_refund_lines.json"] == ["IND-001", "IND-002", "QTY-003"]
    assert fired["req_dibao_large.json"] == ["PAIR-001", "PAIR-002", "QTY-001"]
    assert "LVL-001" in fired["req_basic_urban.json"]


def test_fires_on_demo_bills_under_a_demo_person() -> None:
    base = demo_request("req_basic_urban.json")  # a man born 1981, level-2 hospital, pneumonia
    fired = {}
    for path in sorted((ROOT / "resources" / "demo" / "bills").glob("bill_*.json")):
        bill = json.loads(path.read_text(encoding="utf-8"))
        violations = audit({**base, "fees": bill["fees"]}, DEMO)
        if violations:
            fired[path.name] = sorted({v.rule_id for v in violations})
    assert len(fired) >= 3
    assert fired["bill_08_caesarean.json"] == ["AGE-001", "SEX-001"]


def test_demo_readmission_and_identity() -> None:
    request = demo_request("req_second_admission.json")
    first = PriorStay("DEMO-MDT-20261010-0001", "H99010000001", dt.date(2026, 10, 10), dt.date(2026, 10, 25),
                      ("S72.000",))
    violations = audit(request, DEMO, [first], DeclaredPerson(gend="1", brdy=dt.date(1947, 11, 6)))
    by_rule = {v.rule_id: v for v in violations}
    assert by_rule["READM-001"].evidence["gap_days"] == 9
    assert by_rule["ID-001"].evidence == {"declared_sex": "male", "certno_sex": "female"}
