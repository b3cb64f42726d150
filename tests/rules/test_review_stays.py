"""分解住院 (a readmission within N days of a discharge) and 冒名就医 signals (declared sex or birth
date not matching the ID number's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from review_helpers import FEMALE_1980, MALE_1980, library, line, request

from hospital_client.rules.review import DeclaredPerson, PriorStay, audit, certno_birth_date, certno_sex

READMISSION = library('''
[[rule]]
id = "READM"
kind = "readmission"
severity = "warn"
text = "出院{days}天内再次入院（上次 {prior}）"
''')

FEES = [line("1", "BED", "40", "5"), line("2", "DRUG", "12.5", "3")]
D = dt.date


def stay(mdtrt_id: str, begin: dt.date, end: dt.date, *dx: str, hospital: str = "H1") -> PriorStay:
    return PriorStay(mdtrt_id, hospital, begin, end, tuple(dx))


def test_readmission_within_15_days_given_two_prior_stays_names_the_latest() -> None:
    stays = [stay("MDT-A", D(2026, 10, 1), D(2026, 10, 10), "J18.900"),
             stay("MDT-B", D(2026, 10, 20), D(2026, 11, 1), "J18.000")]
    [v] = audit(request(FEES, begntime="2026-11-10", endtime="2026-11-15"), READMISSION, stays)
    assert (v.rule_id, v.kind, v.feedetl_sn, v.amount) == ("READM", "readmission", [], Decimal("237.50"))
    assert v.evidence["prior_mdtrt_id"] == "MDT-B" and v.evidence["gap_days"] == 9
    assert v.text == "出院9天内再次入院（上次 MDT-B）"


def test_readmission_boundaries() -> None:
    prior = stay("MDT-A", D(2026, 10, 1), D(2026, 10, 26), "J18.9")
    assert len(audit(request(FEES, begntime="2026-11-10"), READMISSION, [prior])) == 1  # day 15
    assert audit(request(FEES, begntime="2026-11-11"), READMISSION, [prior]) == []       # day 16
    unrelated = stay("MDT-A", D(2026, 10, 1), D(2026, 11, 1), "S72.300")
    assert audit(request(FEES), READMISSION, [unrelated]) == []
    elsewhere = stay("MDT-A", D(2026, 10, 1), D(2026, 11, 1), "J18.900", hospital="H2")
    assert audit(request(FEES), READMISSION, [elsewhere]) == []
    itself = stay("MDT-NOW", D(2026, 10, 1), D(2026, 11, 1), "J18.900")
    assert audit(request(FEES), READMISSION, [itself]) == []
    overlapping = stay("MDT-A", D(2026, 11, 1), D(2026, 11, 12), "J18.900")
    assert audit(request(FEES), READMISSION, [overlapping]) == []
    outpatient = request(FEES, med_type="11")
    assert audit(outpatient, READMISSION, [stay("MDT-A", D(2026, 10, 1), D(2026, 11, 1), "J18.900")]) == []


def test_readmission_after_a_stay_that_crosses_the_year() -> None:
    prior = stay("MDT-Y", D(2026, 12, 20), D(2027, 1, 5), "I63.900")
    [v] = audit(request(FEES, begntime="2027-01-12", endtime="2027-01-20", diagnoses=("I63.901",)),
                READMISSION, [prior])
    assert v.evidence["gap_days"] == 7 and v.evidence["prior_endtime"] == "2027-01-05"
    # and a readmission in January after a December discharge
    december = stay("MDT-D", D(2026, 12, 10), D(2026, 12, 28), "I63.900")
    [v] = audit(request(FEES, begntime="2027-01-08", endtime="2027-01-20", diagnoses=("I63.9",)),
                READMISSION, [december])
    assert v.evidence["gap_days"] == 11


def test_custom_window_prefix_length_and_other_hospitals() -> None:
    lib = library('''
[[rule]]
id = "R30"
kind = "readmission"
severity = "block"
within_days = 30
related_prefix_length = 1
same_hospital = false
text = "30天内再入院"
''')
    prior = stay("MDT-A", D(2026, 10, 15), D(2026, 10, 20), "J44.100", hospital="H9")
    [v] = audit(request(FEES), lib, [prior])
    assert v.severity == "block" and v.evidence["gap_days"] == 21


IDENTITY = library('''
[[rule]]
id = "ID"
kind = "identity"
severity = "warn"
text = "性别或出生日期与身份证号不符"
''')


def test_certno_encodes_birth_date_and_sex() -> None:
    assert certno_birth_date(MALE_1980) == D(1980, 1, 1) and certno_sex(MALE_1980) == "male"
    assert certno_sex(FEMALE_1980) == "female" and certno_sex("99010019610919952X") == "female"
    assert certno_birth_date("990100198002301234") is None and certno_sex("12345") is None


def test_identity_signal_on_declared_sex_or_birth_date() -> None:
    fees = [line("1", "BED", "40", "2")]
    [v] = audit(request(fees), IDENTITY, declared=DeclaredPerson(gend="2", brdy=D(1980, 1, 1)))
    assert v.evidence == {"declared_sex": "female", "certno_sex": "male"} and v.amount == Decimal("0.00")
    [v] = audit(request(fees), IDENTITY, declared=DeclaredPerson(gend="1", brdy=D(1955, 3, 1)))
    assert v.evidence == {"declared_brdy": "1955-03-01", "certno_brdy": "1980-01-01"}
    assert audit(request(fees), IDENTITY, declared=DeclaredPerson(gend="1", brdy=D(1980, 1, 1))) == []
    assert audit(request(fees), IDENTITY) == []


def test_audit_is_deterministic_and_accepts_a_parsed_request() -> None:
    from hospital_client.rules import parse_request

    raw = request(FEES, begntime="2026-11-10")
    prior = [stay("MDT-A", D(2026, 10, 1), D(2026, 11, 1), "J18.900")]
    assert audit(raw, READMISSION, prior) == audit(parse_request(raw), READMISSION, prior)
