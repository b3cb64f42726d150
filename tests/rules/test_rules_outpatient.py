"""Outpatient sections of a pack: 普通门诊统筹 (11) and 门诊慢特病 (14) beside the inpatient rules.

Every figure is computed by hand in the comment beside it, from the shipped packs:
- fuxin-2020 [outpatient.general]: per visit 0/10/20, 50%/40%/30%, annual cap 300 (op_hifp_pay).
- fuxin-2020 [outpatient.chronic]: annual deductible 300 kept apart (mtb_dedc), 70%/65%/60%,
  高血压 M03900 limit 1,500 (mtb_pay_m03900), 糖尿病 M01600 limit 2,000.
- demo [outpatient.general]: per visit 0/10/20 and annual 100 (op_dedc), 60%/50%/40%, cap 500.
- demo [outpatient.chronic]: annual deductible 200 shared with inpatient (act_pay_dedc), 80%/70%/60%,
  高血压 I10 limit 1,200 (mtb_pay_i10).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from typing import Any

import pytest
from rules_helpers import POLICIES, expect, jia, pack, request, run

from hospital_client.rules import PackError, RequestError, parse_pack

D = Decimal


def fuxin(amount: str, *, med_type: str, hosp_lv: int = 2, dise: str | None = None,
          ytd: dict[str, Any] | None = None) -> dict[str, Any]:
    req = request([jia(amount)], pack_id="fuxin-2020", hosp_lv=hosp_lv, med_type=med_type, ytd=ytd)
    if dise is not None:
        req["encounter"]["dise_codg"] = dise
    return req


# --- 普通门诊 (11) ---------------------------------------------------------------------------------

def test_visit_under_the_per_visit_deductible_pays_nothing():
    # 三级: per-visit deductible 20 > 18.50, so all 18.50 is deductible; pool 0.
    r = run(fuxin("18.50", med_type="11", hosp_lv=3), "fuxin-2020")
    expect(r, act_pay_dedc="18.50", hifp_pay="0.00", psn_cash_pay="18.50", hifmi_pay="0.00", maf_pay="0.00")
    assert r.year_to_date_after["op_hifp_pay"] == D("0")
    assert r.year_to_date_after["act_pay_dedc"] == D("0")      # a per-visit deductible is not counted
    assert r.year_to_date_after["admissions"] == 0


def test_general_visit_ratio_by_level():
    # 二级: (85.35 - 10) × 40% = 30.14; patient 85.35 - 30.14 = 55.21.
    r = run(fuxin("85.35", med_type="11", hosp_lv=2), "fuxin-2020")
    expect(r, act_pay_dedc="10.00", hifp_pay="30.14", psn_cash_pay="55.21")
    assert r.year_to_date_after["op_hifp_pay"] == D("30.14")
    assert r.year_to_date_after["hifp_pay"] == D("0")          # kept apart from the inpatient pool


def test_a_year_of_visits_reaches_the_annual_cap():
    # 一级, no deductible, 50%: each 200.00 visit pays 100.00; cap 300 is reached on the third,
    # the fourth pays 0. Carried year_to_date: 100, 200, 300, 300.
    ytd: dict[str, Any] = {}
    paid = []
    for _ in range(4):
        r = run(fuxin("200.00", med_type="11", hosp_lv=1, ytd=ytd), "fuxin-2020")
        paid.append(r.setlinfo["hifp_pay"])
        ytd = {k: (v if isinstance(v, int) else str(v)) for k, v in r.year_to_date_after.items()}
    assert paid == [D("100.00"), D("100.00"), D("100.00"), D("0.00")]
    assert ytd["op_hifp_pay"] == "300.00"
    # One more visit with 250.00 paid: 200 × 50% = 100 but 50 left under the cap.
    r = run(fuxin("200.00", med_type="11", hosp_lv=1, ytd={"op_hifp_pay": "250.00"}), "fuxin-2020")
    expect(r, hifp_pay="50.00", psn_cash_pay="150.00")


def test_annual_deductible_is_paid_once_over_the_year():
    # demo, 三级: per visit 20, then the annual 100. Visit 1 of 90.00: 20 + 70 deductible, pool 0.
    # Visit 2 of 150.00: 20 + 30 (the annual's rest) = 50, (150 - 50) × 40% = 40.00.
    r1 = run(request([jia("90.00")], hosp_lv=3, med_type="11"))
    expect(r1, act_pay_dedc="90.00", hifp_pay="0.00")
    assert r1.year_to_date_after["op_dedc"] == D("70.00")
    ytd = {k: (v if isinstance(v, int) else str(v)) for k, v in r1.year_to_date_after.items()}
    r2 = run(request([jia("150.00")], hosp_lv=3, med_type="11", ytd=ytd))
    expect(r2, act_pay_dedc="50.00", hifp_pay="40.00", psn_cash_pay="110.00")
    assert r2.year_to_date_after["op_dedc"] == D("100.00")
    assert r2.year_to_date_after["op_hifp_pay"] == D("40.00")


# --- 门诊慢特病 (14) -------------------------------------------------------------------------------

def test_chronic_disease_separate_deductible():
    # fuxin 二级 65%, inpatient deductible 900 already paid does not count: 300 deductible,
    # (1,300.00 - 300) × 65% = 650.00.
    r = run(fuxin("1300.00", med_type="14", dise="M03900", ytd={"act_pay_dedc": "900.00"}), "fuxin-2020")
    expect(r, act_pay_dedc="300.00", hifp_pay="650.00", psn_cash_pay="650.00")
    after = r.year_to_date_after
    assert (after["mtb_dedc"], after["mtb_pay"], after["mtb_pay_m03900"]) == (D("300.00"), D("650.00"), D("650.00"))
    assert after["act_pay_dedc"] == D("900.00")


def test_chronic_disease_limit_reached():
    # 高血压 limit 1,500, 1,300 paid: 1,000.00 × 65% = 650 but only 200.00 left.
    ytd = {"mtb_dedc": "300.00", "mtb_pay": "1300.00", "mtb_pay_m03900": "1300.00"}
    r = run(fuxin("1000.00", med_type="14", dise="M03900", ytd=ytd), "fuxin-2020")
    expect(r, act_pay_dedc="0.00", hifp_pay="200.00", psn_cash_pay="800.00")
    assert r.year_to_date_after["mtb_pay_m03900"] == D("1500.00")
    assert "高血压年度支付限额" in r.explain[-2].text
    # 糖尿病 has its own limit: 1,000.00 × 65% = 650.00.
    r = run(fuxin("1000.00", med_type="14", dise="M01600", ytd=ytd), "fuxin-2020")
    expect(r, hifp_pay="650.00")
    assert r.year_to_date_after["mtb_pay_m01600"] == D("650.00")
    assert r.year_to_date_after["mtb_pay_m03900"] == D("1300.00")


def test_chronic_disease_shared_deductible():
    # demo, 二级 70%, deductible 200 shared with inpatient. Inpatient paid 150: 50 left,
    # (500.00 - 50) × 70% = 315.00; act_pay_dedc becomes 200.
    req = request([jia("500.00")], med_type="14", ytd={"act_pay_dedc": "150.00"})
    req["encounter"]["dise_codg"] = "I10"
    r = run(req)
    expect(r, act_pay_dedc="50.00", hifp_pay="315.00")
    assert r.year_to_date_after["act_pay_dedc"] == D("200.00")
    assert r.year_to_date_after["mtb_pay_i10"] == D("315.00")
    assert "与住院共用" in r.explain[-3].text


def test_chronic_disease_needs_a_listed_code():
    with pytest.raises(RequestError) as err:
        run(fuxin("100.00", med_type="14"), "fuxin-2020")
    assert err.value.field == "encounter.dise_codg"
    with pytest.raises(RequestError) as err:
        run(fuxin("100.00", med_type="14", dise="X99"), "fuxin-2020")
    assert err.value.field == "encounter.dise_codg" and "X99" in err.value.problem


# --- accumulators and the inpatient rules ----------------------------------------------------------

def test_inpatient_result_unchanged_and_carries_outpatient_keys():
    plain = run(request([jia("5000.00")], pack_id="fuxin-2020"), "fuxin-2020")
    assert "op_hifp_pay" not in plain.year_to_date_after
    assert not any("outpatient" in w for w in plain.warnings)
    carried = run(request([jia("5000.00")], pack_id="fuxin-2020", ytd={"op_hifp_pay": "12.00"}), "fuxin-2020")
    assert carried.setlinfo == plain.setlinfo
    assert carried.year_to_date_after["op_hifp_pay"] == D("12.00")


def test_undeclared_or_malformed_accumulators_are_refused():
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], pack_id="xuzhou-2013", ytd={"op_hifp_pay": "1.00"}), "xuzhou-2013")
    assert (err.value.field, err.value.code) == ("year_to_date.op_hifp_pay", "unknown_field")
    with pytest.raises(RequestError) as err:
        run(request([jia("100.00")], med_type="11", ytd={"op_hifp_pay": "-1.00"}))
    assert err.value.field == "year_to_date"
    with pytest.raises(RequestError):
        run(request([jia("100.00")], med_type="11", ytd={"Bad-Key": "1.00"}))


def test_med_type_outside_every_section_is_refused():
    with pytest.raises(RequestError) as err:
        run(fuxin("100.00", med_type="41"), "fuxin-2020")
    assert err.value.field == "encounter.med_type" and "'11'" in err.value.problem


def test_outpatient_illustrative_warning_names_the_section():
    r = run(fuxin("100.00", med_type="11"), "fuxin-2020")
    assert any("outpatient.general" in w and "outpatient.chronic" not in w for w in r.warnings)


# --- the pack format ------------------------------------------------------------------------------

def _with(section: dict[str, Any], **pack_keys: Any) -> bytes:
    raw = tomllib.loads((POLICIES / "demo.toml").read_text(encoding="utf-8"), parse_float=D)
    raw["outpatient"] = {"x": section}
    raw["pack"].update(pack_keys)
    lines = []

    def dump(prefix: str, table: dict[str, Any]) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_list(v)}
        if prefix:
            lines.append(f"[{prefix}]")
        for k, v in scalars.items():
            lines.append(f'"{k}" = {_value(v)}')
        for k, v in table.items():
            if isinstance(v, dict):
                dump(f'{prefix}."{k}"' if prefix else f'"{k}"', v)
            elif _is_table_list(v):
                for item in v:
                    lines.append(f'[[{prefix}."{k}"]]' if prefix else f'[["{k}"]]')
                    for ik, iv in item.items():
                        lines.append(f'"{ik}" = {_value(iv)}')
    dump("", raw)
    return "\n".join(lines).encode()


def _is_table_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and isinstance(v[0], dict)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f'"{k}" = {_value(x)}' for k, x in v.items()) + "}"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return '"' + str(v) + '"'


BASE_SECTION: dict[str, Any] = {"name": "门诊", "med_type": "11", "ratio": D("0.5"), "paid_key": "op_pay"}


def test_a_valid_section_round_trips():
    p = parse_pack(_with(BASE_SECTION), "x.toml")
    assert p.model.outpatient_for("11") is not None


@pytest.mark.parametrize(
    ("section", "pack_keys", "message"),
    [
        ({**BASE_SECTION, "med_type": "21"}, {}, "inpatient rules at the top level"),
        ({**BASE_SECTION}, {"med_types": ["21", "11"]}, "also in pack.med_types"),
        ({**BASE_SECTION, "deductible_annual": 100}, {}, "deductible_annual needs deductible_key"),
        ({**BASE_SECTION, "paid_key": "maf_pay"}, {}, "rules-core accumulator"),
        ({**BASE_SECTION, "paid_key": "Op-Pay"}, {}, "paid_key"),
        ({**BASE_SECTION, "diseases": {"I10": {"name": "高血压", "annual_limit": 1, "paid_key": "op_pay"}}}, {},
         "must differ"),
    ],
)
def test_invalid_sections_are_refused(section: dict[str, Any], pack_keys: dict[str, Any], message: str):
    with pytest.raises(PackError) as err:
        parse_pack(_with(section, **pack_keys), "x.toml")
    assert message in str(err.value)


def test_shipped_packs_declare_their_outpatient_keys():
    assert pack("fuxin-2020").model.accumulator_keys() == {
        "op_hifp_pay", "mtb_dedc", "mtb_pay", "mtb_pay_m03900", "mtb_pay_m01600", "mtb_pay_m00500"}
    assert pack("demo").model.accumulator_keys() == {"op_dedc", "op_hifp_pay", "mtb_pay", "mtb_pay_i10",
                                                      "mtb_pay_e11"}
    assert pack("xuzhou-2013").model.accumulator_keys() == set()


def test_policy_explain_reads_the_outpatient_sections():
    from hospital_client.rules.pack_text import explain_pack

    lines = explain_pack(pack("demo"))
    assert any(line.startswith("普通门诊（医疗类别 11）") and "年度起付线 100 元" in line for line in lines)
    assert any("与住院共用" in line and "高血压（I10）1,200 元" in line for line in lines)
