"""Each line rule kind fires on a hand-built bill, and stays quiet when the bill is within it."""

from __future__ import annotations

from decimal import Decimal

from review_helpers import FEMALE_1980, library, line, request

from hospital_client.rules.review import audit

SEX = library('''
[[rule]]
id = "S"
kind = "sex"
severity = "block"
codes = ["C-SECTION"]
sex = "female"
text = "{name}限女性（本人{sex}）"
''')


def test_sex_rule_fires_for_a_man_and_not_for_a_woman() -> None:
    fees = [line("1", "BED", "40", "5"), line("2", "C-SECTION", "1600", "1", "剖宫产术")]
    [v] = audit(request(fees), SEX)
    assert (v.rule_id, v.kind, v.severity, v.feedetl_sn, v.amount) == ("S", "sex", "block", ["2"], Decimal("1600.00"))
    assert v.text == "剖宫产术限女性（本人男）" and v.evidence["sex"] == "male"
    assert audit(request(fees, certno=FEMALE_1980), SEX) == []


AGE = library('''
[[rule]]
id = "NEWBORN"
kind = "age"
severity = "block"
codes = ["NB"]
max_age_days = 28
text = "限新生儿"

[[rule]]
id = "CHILD"
kind = "age"
severity = "warn"
code_prefixes = ["PED"]
max_age_years = 14
text = "限儿童"

[[rule]]
id = "ADULT"
kind = "age"
severity = "warn"
codes = ["ADULT-ONLY"]
min_age_years = 18
text = "限成人"
''')


def test_age_rules_newborn_child_and_adult() -> None:
    fees = [line("1", "NB", "20", "3"), line("2", "PED-001", "10", "2"), line("3", "ADULT-ONLY", "5", "1")]
    adult = audit(request(fees), AGE)
    assert [(v.rule_id, v.amount) for v in adult] == [("NEWBORN", Decimal("60.00")), ("CHILD", Decimal("20.00"))]
    newborn = audit(request(fees, certno="990100202611011231", begntime="2026-11-20", endtime="2026-11-22"), AGE)
    assert [v.rule_id for v in newborn] == ["ADULT"]
    # 29 days old: no longer a newborn
    month = audit(request(fees, certno="990100202610221231", begntime="2026-11-20", endtime="2026-11-22"), AGE)
    assert [v.rule_id for v in month] == ["NEWBORN", "ADULT"] and month[0].evidence["age_days"] == 29


INDICATION = library('''
[[rule]]
id = "ALB"
kind = "indication"
severity = "block"
codes = ["ALBUMIN"]
icd10_prefixes = ["R57", "E88.0"]
text = "限休克或低蛋白血症"
''')


def test_indication_by_icd10_prefix_with_or_without_the_dot() -> None:
    fees = [line("1", "ALBUMIN", "380", "2"), line("2", "ALBUMIN", "380", "-1")]
    [v] = audit(request(fees, diagnoses=("I63.900",)), INDICATION)
    assert v.feedetl_sn == ["1", "2"] and v.amount == Decimal("380.00")  # the refund line nets
    assert audit(request(fees, diagnoses=("I63.900", "R57.000")), INDICATION) == []
    assert audit(request(fees, diagnoses=("E88.001",)), INDICATION) == []
    assert audit(request(fees, diagnoses=("E880",)), INDICATION) == []
    refunded = [line("1", "ALBUMIN", "380", "1"), line("2", "ALBUMIN", "380", "-1")]
    assert audit(request(refunded), INDICATION) == []


LEVEL_MODE_INSUTYPE = library('''
[[rule]]
id = "LV"
kind = "hosp_level"
severity = "warn"
codes = ["INJ"]
levels = [3]
text = "限三级医院，本院{level}级"

[[rule]]
id = "MODE"
kind = "med_mode"
severity = "block"
code_prefixes = ["BED"]
mode = "inpatient"
text = "床位费限住院"

[[rule]]
id = "OPONLY"
kind = "med_mode"
severity = "warn"
codes = ["CLINIC"]
mode = "outpatient"
text = "限门诊"

[[rule]]
id = "INS"
kind = "insutype"
severity = "warn"
codes = ["SINGLE"]
insutypes = ["310"]
text = "限职工医保"
''')


def test_hospital_level_mode_and_insurance_type() -> None:
    fees = [line("1", "INJ", "42", "10"), line("2", "BED-01", "40", "3"), line("3", "CLINIC", "10", "1"),
            line("4", "SINGLE", "150", "3")]
    inpatient = audit(request(fees, hosp_lv=2, insutype="390"), LEVEL_MODE_INSUTYPE)
    assert [(v.rule_id, v.feedetl_sn, v.amount) for v in inpatient] == [
        ("LV", ["1"], Decimal("420.00")), ("OPONLY", ["3"], Decimal("10.00")), ("INS", ["4"], Decimal("450.00"))]
    assert inpatient[0].text == "限三级医院，本院2级"
    outpatient = audit(request(fees, hosp_lv=3, insutype="310", med_type="11"), LEVEL_MODE_INSUTYPE)
    assert [(v.rule_id, v.amount) for v in outpatient] == [("MODE", Decimal("120.00"))]


QUANTITY = library('''
[[rule]]
id = "DAY"
kind = "quantity"
severity = "warn"
codes = ["IV"]
max_per_day = 1
text = "每日限1组，超{excess}"

[[rule]]
id = "COURSE"
kind = "quantity"
severity = "warn"
codes = ["DRUG"]
max_per_day = 2
max_days = 3
text = "疗程限3天，允许{allowed}"

[[rule]]
id = "STAY"
kind = "quantity"
severity = "block"
codes = ["PCT"]
max_per_stay = 1
text = "每次住院限1次"

[[rule]]
id = "DAYS"
kind = "quantity"
severity = "warn"
codes = ["REHAB"]
max_days = 4
text = "限4次"
''')


def test_quantity_per_day_course_and_stay() -> None:
    # a 5-day stay
    fees = [line("1", "IV", "6", "7"), line("2", "DRUG", "10", "8"), line("3", "PCT", "120", "2"),
            line("4", "REHAB", "30", "4")]
    found = {v.rule_id: v for v in audit(request(fees), QUANTITY)}
    assert sorted(found) == ["COURSE", "DAY", "STAY"]
    assert found["DAY"].amount == Decimal("12.00") and found["DAY"].evidence["excess"] == "2"
    assert found["COURSE"].amount == Decimal("20.00") and found["COURSE"].text == "疗程限3天，允许6"
    assert found["STAY"].amount == Decimal("120.00") and found["STAY"].severity == "block"
    assert audit(request([line("1", "IV", "6", "5"), line("2", "DRUG", "10", "6")]), QUANTITY) == []
    # a same-day stay counts as one day
    [v] = audit(request([line("1", "IV", "6", "2")], begntime="2026-11-10", endtime="2026-11-10"), QUANTITY)
    assert v.rule_id == "DAY" and v.evidence["stay_days"] == 1


PAIR = library('''
[[rule]]
id = "ICU"
kind = "pair"
severity = "block"
codes = ["ICU"]
pair_codes = ["SPECIAL-NURSING", "FIRST-NURSING"]
text = "重症监护已含护理，不得另收{other}"
''')


def test_pair_names_the_lines_billed_twice() -> None:
    fees = [line("1", "ICU", "50", "48"), line("2", "SPECIAL-NURSING", "60", "2", "特级护理"),
            line("3", "SPECIAL-NURSING", "60", "1", "特级护理"), line("4", "BED", "40", "5")]
    [v] = audit(request(fees), PAIR)
    assert v.feedetl_sn == ["2", "3"] and v.amount == Decimal("180.00")
    assert v.text == "重症监护已含护理，不得另收特级护理" and v.evidence["with_feedetl_sn"] == ["1"]
    assert audit(request([fees[1], fees[3]]), PAIR) == []
    assert audit(request([fees[0], fees[3]]), PAIR) == []


def test_violation_as_json() -> None:
    [v] = audit(request([line("1", "C-SECTION", "1600", "1")]), SEX)
    assert v.to_dict() == {"rule_id": "S", "kind": "sex", "severity": "block", "feedetl_sn": ["1"],
                           "amount": "1600.00", "text": "项目C-SECTION限女性（本人男）", "evidence": v.evidence}
