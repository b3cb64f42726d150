"""Property tests (hypothesis) of the invariants of DESIGN.md 4.1, on every bundled pack.

- every amount >= 0 for a bill without negative counts
- medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt
- medfee_sumamt = fund_pay_sumamt + psn_part_amt;  fund_pay_sumamt = sum of setldetail
- each fee line's parts add up to the line
- no fund pays more than its annual cap allows
- a year settled bill by bill with year_to_date carried forward gives 大病保险 and 医疗救助 exactly
  their annual amounts on the year's cumulative base (computed here independently of the engine)
- the same request gives byte-identical JSON
- a review library beside the settlement moves no figure; a bill with no rule hits settles exactly
  as before (the result only names the library)
- 医疗救助 per admission is not annualised: settled one by one, each admission gets its own deductible,
  bands, threshold and cap (an annual cap beside them only limits the year's total)
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rules_helpers import BUNDLED_IDS, CATALOG, KNOWN_CODES, fen, pack, pack_text, request

from hospital_client.rules import parse_pack, parse_request, settle
from hospital_client.rules.pack_schema import ASSISTANCE_GROUPS, PackModel
from hospital_client.rules.review import ReviewOverride, audit, parse_library

D = Decimal
ZERO = D(0)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YEAR_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (first admission day, last admission day) inside each pack's validity and one calendar year;
# every encounter lasts 7 days.
YEAR_WINDOW = {
    "demo": (dt.date(2026, 1, 1), dt.date(2026, 12, 24)),
    "fuxin-2020": (dt.date(2020, 1, 1), dt.date(2020, 12, 24)),
    "huizhou-2013-resident": (dt.date(2013, 1, 1), dt.date(2013, 12, 24)),
    "huizhou-2013-employee": (dt.date(2013, 1, 1), dt.date(2013, 12, 24)),
    "xuzhou-2013": (dt.date(2013, 7, 1), dt.date(2013, 12, 24)),
    "anhui-2015-pilot": (dt.date(2016, 1, 1), dt.date(2016, 12, 24)),
}
assert set(YEAR_WINDOW) == set(BUNDLED_IDS)


# --- strategies ----------------------------------------------------------------------------------

def cents(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    return st.integers(lo, hi).map(lambda c: D(c) / 100)


prices = st.one_of(cents(1, 50_000), cents(1, 10_000_000))                 # 0.01 .. 100,000.00
counts = st.one_of(st.integers(1, 30).map(D), st.integers(1, 400).map(lambda n: D(n) / 4))
ratios = st.integers(0, 100).map(lambda n: D(n) / 100)


@st.composite
def fee_lines(draw: Any, *, refunds: bool = False) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 8))
    lines = []
    for i in range(n):
        pric = draw(prices)
        cnt = draw(counts)
        if refunds and draw(st.booleans()):
            cnt = -cnt
        line: dict[str, Any] = {
            "feedetl_sn": f"{i + 1:04d}", "med_list_codg": draw(st.sampled_from((*KNOWN_CODES, "ZZ-UNKNOWN"))),
            "name": "项目", "pric": str(pric), "cnt": str(cnt), "det_item_fee_sumamt": f"{fen(pric * cnt):.2f}",
        }
        if draw(st.integers(0, 3)) == 0:
            line["chrgitm_lv"] = draw(st.sampled_from(("01", "02", "03")))
        if draw(st.integers(0, 3)) == 0:
            line["selfpay_prop"] = str(draw(ratios))
        if draw(st.integers(0, 3)) == 0:
            line["pric_uplmt_amt"] = str(draw(prices))
        lines.append(line)
    return lines


@st.composite
def persons(draw: Any, pack_id: str) -> dict[str, Any]:
    return {
        "insutype": draw(st.sampled_from(pack(pack_id).model.pack.insutypes)),
        "group": draw(st.one_of(st.none(), st.sampled_from(ASSISTANCE_GROUPS))),
        "residence": draw(st.sampled_from(("urban", "rural"))),
        "psn_type": draw(st.sampled_from(("1101", "1201", "1501"))),
    }


@st.composite
def encounters(draw: Any, pack_id: str, day: dt.date) -> dict[str, Any]:
    referral = None
    if draw(st.integers(0, 3)) == 0:
        referral = {"from_hosp_lv": draw(st.integers(1, 3)), "dedc_paid": str(draw(cents(0, 200_000)))}
    return {
        "pack_id": pack_id, "day": day.isoformat(), "hosp_lv": draw(st.integers(1, 3)), "referral": referral,
        "out_of_area": draw(st.booleans()), "registered": draw(st.booleans()),
    }


@st.composite
def year_to_date(draw: Any) -> dict[str, Any]:
    amount = st.one_of(st.just(ZERO), cents(0, 50_000_000))
    ytd: dict[str, Any] = {"admissions": draw(st.integers(0, 6))}
    for key in ("act_pay_dedc", "hifp_pay", "hifmi_base", "hifmi_pay", "maf_base", "maf_pay", "maf2_base",
                "maf2_pay"):
        ytd[key] = str(draw(amount))
    return ytd


@st.composite
def single_requests(draw: Any, *, refunds: bool = False) -> tuple[str, dict[str, Any]]:
    pack_id = draw(st.sampled_from(BUNDLED_IDS))
    first, last = YEAR_WINDOW[pack_id]
    day = first + dt.timedelta(days=draw(st.integers(0, (last - first).days)))
    ytd = draw(st.one_of(st.none(), year_to_date()))
    req = request(draw(fee_lines(refunds=refunds)), **draw(persons(pack_id)), **draw(encounters(pack_id, day)),
                  ytd=ytd)
    return pack_id, req


@st.composite
def years(draw: Any) -> tuple[str, dict[str, Any], list[tuple[dt.date, list[dict[str, Any]], dict[str, Any]]]]:
    pack_id = draw(st.sampled_from(BUNDLED_IDS))
    first, last = YEAR_WINDOW[pack_id]
    n = draw(st.integers(1, 6))
    offsets = sorted(draw(st.lists(st.integers(0, (last - first).days), min_size=n, max_size=n)))
    person = draw(persons(pack_id))
    bills = []
    for off in offsets:
        day = first + dt.timedelta(days=off)
        bills.append((day, draw(fee_lines()), draw(encounters(pack_id, day))))
    return pack_id, person, bills


# --- checks --------------------------------------------------------------------------------------

def amounts(data: dict[str, Any]) -> dict[str, Decimal]:
    return {k: D(v) for k, v in data["setlinfo"].items()}


def check_sums(req: dict[str, Any], data: dict[str, Any]) -> None:
    s = amounts(data)
    parts = s["fulamt_ownpay_amt"] + s["overlmt_selfpay"] + s["preselfpay_amt"] + s["inscp_scp_amt"]
    assert s["medfee_sumamt"] == parts
    assert s["medfee_sumamt"] == s["fund_pay_sumamt"] + s["psn_part_amt"]
    assert s["fund_pay_sumamt"] == sum((D(d["fund_payamt"]) for d in data["setldetail"]), ZERO)
    assert s["fund_pay_sumamt"] == s["hifp_pay"] + s["hifmi_pay"] + s["maf_pay"] + s["oth_pay"]
    assert s["psn_part_amt"] == s["psn_cash_pay"] + s["acct_pay"]
    assert s["pool_prop_selfpay"] == s["inscp_scp_amt"] - s["act_pay_dedc"] - s["hifp_pay"]
    assert s["medfee_sumamt"] == sum((D(f["det_item_fee_sumamt"]) for f in req["fees"]), ZERO)
    by_sn = {f["feedetl_sn"]: D(f["det_item_fee_sumamt"]) for f in req["fees"]}
    assert [f["feedetl_sn"] for f in data["fees"]] == list(by_sn)
    for f in data["fees"]:
        parts = D(f["fulamt_ownpay_amt"]) + D(f["overlmt_amt"]) + D(f["preselfpay_amt"]) + D(f["inscp_scp_amt"])
        assert parts == by_sn[f["feedetl_sn"]], f


def check_caps_for_one_bill(model: PackModel, req: dict[str, Any], data: dict[str, Any]) -> None:
    ytd = {k: D(str(v)) for k, v in (req.get("year_to_date") or {}).items()}
    s = amounts(data)
    cap = model.basic.annual_cap
    if isinstance(cap, Decimal):
        assert s["hifp_pay"] <= max(ZERO, cap - ytd.get("hifp_pay", ZERO))
    if model.hifmi is not None and model.hifmi.annual_cap is not None:
        assert s["hifmi_pay"] <= max(ZERO, model.hifmi.annual_cap - ytd.get("hifmi_pay", ZERO))
    group = req["person"]["assistance_group"]
    if model.assistance is None or group not in model.assistance.groups:
        assert s["maf_pay"] == 0
        return
    funds = {d["fund_pay_type"]: D(d["fund_payamt"]) for d in data["setldetail"]}
    assert model.funds.maf is not None
    tier1 = funds.get(model.funds.maf.code, ZERO)
    tier = model.assistance.groups[group]
    for cap in (tier.annual_cap, tier.admission_cap):
        if cap is not None:
            assert tier1 <= max(ZERO, cap - (ytd.get("maf_pay", ZERO) if cap is tier.annual_cap else ZERO))
    second = model.assistance.second_tier
    if second is not None and group in second.groups:
        assert model.funds.maf2 is not None
        tier2 = funds.get(model.funds.maf2.code, ZERO)
        if second.annual_cap is not None:
            assert tier2 <= max(ZERO, second.annual_cap - ytd.get("maf2_pay", ZERO))
        if second.admission_cap is not None:
            assert tier2 <= second.admission_cap
        assert s["maf_pay"] == tier1 + tier2
    else:
        assert s["maf_pay"] == tier1


@SETTINGS
@given(single_requests())
def test_invariants_of_one_bill(case):
    pack_id, req = case
    data = settle(req, pack(pack_id), CATALOG).to_dict()
    check_sums(req, data)
    check_caps_for_one_bill(pack(pack_id).model, req, data)
    negative = {k: v for k, v in data["setlinfo"].items() if D(v) < 0}
    assert not negative
    for line in data["fees"]:
        assert all(D(v) >= 0 for k, v in line.items() if k not in ("feedetl_sn", "chrgitm_lv")), line
    for d in data["setldetail"]:
        assert D(d["fund_payamt"]) >= 0 and D(d["inscp_scp_amt"]) >= 0, d
    for k, v in data["year_to_date_after"].items():
        assert D(str(v)) >= 0, k
    for e in data["explain"]:
        assert D(e["amount"]) >= 0, e


@SETTINGS
@given(single_requests(refunds=True))
def test_sums_hold_with_refund_lines(case):
    pack_id, req = case
    check_sums(req, settle(req, pack(pack_id), CATALOG).to_dict())


@SETTINGS
@given(single_requests(refunds=True))
def test_same_request_gives_byte_identical_json(case):
    pack_id, req = case
    first = settle(req, pack(pack_id), CATALOG).to_json()
    again = settle(copy.deepcopy(req), pack(pack_id), CATALOG).to_json()
    parsed = settle(parse_request(req), pack(pack_id), CATALOG).to_json()
    assert first.encode() == again.encode() == parsed.encode()


# --- a year, bill by bill ------------------------------------------------------------------------

def expanded_segments(model: PackModel) -> list[tuple[Decimal | None, Decimal]]:
    """The pack's 大病 segments; a [hifmi.rising] rule written out here independently of the engine."""
    h = model.hifmi
    assert h is not None
    if h.rising is None:
        return [(s.upto, s.ratio) for s in h.segments]
    r = h.rising
    out: list[tuple[Decimal | None, Decimal]] = []
    k = 0
    while r.start + k * r.points < r.max:
        out.append(((k + 1) * r.step, r.start + k * r.points))
        k += 1
    out.append((None, r.max))
    return out


def annual_hifmi(model: PackModel, person: dict[str, Any], base: Decimal) -> Decimal:
    h = model.hifmi
    assert h is not None
    spec = h.deductible
    if person["residence"] == "urban" and h.deductible_urban is not None:
        spec = h.deductible_urban
    if person["residence"] == "rural" and h.deductible_rural is not None:
        spec = h.deductible_rural
    if spec.amount is not None:
        deductible = spec.amount
    else:
        assert spec.income_share is not None and spec.last_year_income is not None
        deductible = fen(spec.income_share * spec.last_year_income)
    plus = ZERO
    if h.poor is not None and person["group"] in h.poor.groups:
        deductible = fen(deductible * h.poor.deductible_factor)
        plus = h.poor.ratio_plus
    total = ZERO
    lower = deductible
    for upto, ratio in expanded_segments(model):
        if upto is None:
            top = None
        else:
            top = deductible + upto if h.measure == "above_deductible" else upto
        hi = base if top is None else min(base, top)
        if hi > lower:
            total += (hi - lower) * min(D(1), ratio + plus)
        if top is not None:
            lower = max(lower, top)
    if h.annual_cap is not None:
        total = min(total, h.annual_cap)
    return fen(total)


def annual_assistance(deductible: Decimal, ratio: Decimal, cap: Decimal | None, base: Decimal) -> Decimal:
    amount = ratio * max(ZERO, base - deductible)
    return fen(amount if cap is None else min(cap, amount))


@YEAR_SETTINGS
@given(years())
def test_a_year_bill_by_bill_gives_the_annual_amounts(case):
    pack_id, person, bills = case
    p = pack(pack_id)
    model = p.model
    ytd = None
    results = []
    for _day, fees, enc in bills:
        req = request(fees, **person, **enc, ytd=ytd)
        data = settle(req, p, CATALOG).to_dict()
        check_sums(req, data)
        results.append(data)
        ytd = data["year_to_date_after"]
    s = [amounts(d) for d in results]
    after = {k: D(str(v)) for k, v in results[-1]["year_to_date_after"].items()}

    # the accumulators are the sums of the bills
    assert after["admissions"] == sum(1 for x in s if x["medfee_sumamt"] > 0)
    assert after["hifp_pay"] == sum(x["hifp_pay"] for x in s)
    assert after["act_pay_dedc"] == sum(x["act_pay_dedc"] for x in s)
    # basic pool: never above the annual cap
    assert after["hifp_pay"] <= model.basic.annual_cap
    event(f"bills: {len(s)}")
    event(f"basic cap reached: {after['hifp_pay'] == model.basic.annual_cap}")
    event(f"hifmi paid: {after['hifmi_pay'] > 0}")
    event(f"maf paid: {after['maf_pay'] > 0}; maf2 paid: {after['maf2_pay'] > 0}")

    # 大病保险: its base per bill is what the patient carries of the policy-range cost after the pool
    h = model.hifmi
    if h is not None:
        bases = []
        for x in s:
            b = x["inscp_scp_amt"] - x["hifp_pay"]                 # incl. the basic deductible
            if h.base == "after_pool":
                b -= x["act_pay_dedc"]
            if h.include_preselfpay:
                b += x["preselfpay_amt"]
            bases.append(b)
        year_base = sum(bases, ZERO)
        paid = sum((x["hifmi_pay"] for x in s), ZERO)
        assert after["hifmi_base"] == year_base
        assert paid == after["hifmi_pay"] == annual_hifmi(model, person, year_base)
        if h.annual_cap is not None:
            assert paid <= h.annual_cap

    # 医疗救助, both tiers
    a = model.assistance
    group = person["group"]
    if a is None or group not in a.groups:
        assert all(x["maf_pay"] == 0 for x in s)
        return
    tier = a.groups[group]
    if tier.per == "admission" or tier.ratio is None:
        return  # per-admission and banded rules: test_per_admission_assistance_... and the unit tests
    assert model.funds.maf is not None
    code1 = model.funds.maf.code
    code2 = model.funds.maf2.code if model.funds.maf2 is not None else None
    left = []
    tier1 = []
    tier2 = []
    for x, d in zip(s, results, strict=True):
        rest = x["inscp_scp_amt"] - x["hifp_pay"] - x["hifmi_pay"]
        if a.base == "compliant_with_preselfpay":
            rest += x["preselfpay_amt"]
        elif a.base == "all":
            rest = x["medfee_sumamt"] - x["hifp_pay"] - x["hifmi_pay"]
        left.append(max(ZERO, rest))
        by_code = {f["fund_pay_type"]: D(f["fund_payamt"]) for f in d["setldetail"]}
        tier1.append(by_code.get(code1, ZERO))
        tier2.append(by_code.get(code2, ZERO) if code2 else ZERO)
    year_left = sum(left, ZERO)
    assert after["maf_base"] == year_left
    assert sum(tier1, ZERO) == after["maf_pay"] == annual_assistance(tier.deductible, tier.ratio, tier.annual_cap,
                                                                     year_left)
    if tier.annual_cap is not None:
        assert after["maf_pay"] <= tier.annual_cap
    second = a.second_tier
    if second is not None and group in second.groups and second.per == "year" and second.ratio is not None:
        year_left2 = year_left - after["maf_pay"]
        assert after["maf2_base"] == year_left2
        assert sum(tier2, ZERO) == after["maf2_pay"] == annual_assistance(second.threshold, second.ratio,
                                                                          second.annual_cap, year_left2)
        if second.annual_cap is not None:
            assert after["maf2_pay"] <= second.annual_cap
    elif second is None or group not in second.groups:
        assert sum(tier2, ZERO) == 0


def test_year_property_checker_agrees_with_a_hand_figure():
    """The independent annual calculator itself, on the 阜新 example: 11,000 deductible, 60/65/70%."""
    model = pack("fuxin-2020").model
    person = {"residence": "rural", "group": None}
    assert expanded_segments(model) == [(D(50000), D("0.60")), (D(100000), D("0.65")), (None, D("0.70"))]
    # 250,900: 50,000 × 60% + 50,000 × 65% + 139,900 × 70% = 160,430
    assert annual_hifmi(model, person, D("250900")) == D("160430.00")
    assert annual_hifmi(model, person, D("11000")) == D("0.00")


# --- per-admission 医疗救助 is not annualised ----------------------------------------------------------

@st.composite
def per_admission_rules(draw: Any) -> dict[str, Any]:
    """A per-admission assistance rule: deductible, a ratio or two bands, caps or none, and maybe a second
    tier with its own per-admission threshold."""
    bands = draw(st.one_of(st.none(), st.tuples(cents(1, 2_000_000), ratios, ratios)))
    return {
        "deductible": draw(cents(0, 300_000)),
        "ratio": draw(ratios),
        "bands": bands,
        "admission_cap": draw(st.one_of(st.none(), cents(0, 2_000_000))),
        "annual_cap": draw(st.one_of(st.none(), cents(0, 5_000_000))),
        "second": draw(st.one_of(st.none(), st.tuples(cents(0, 500_000), ratios,
                                                      st.one_of(st.none(), cents(0, 1_000_000))))),
    }


def per_admission_pack_text(r: dict[str, Any]) -> str:
    lines = ["[assistance]", 'base = "compliant"', "", "[assistance.groups.dibao]", 'per = "admission"',
             f"deductible = {r['deductible']}"]
    for key in ("admission_cap", "annual_cap"):
        if r[key] is not None:
            lines.append(f"{key} = {r[key]}")
    if r["bands"] is None:
        lines.append(f"ratio = {r['ratio']}")
    else:
        upto, low, high = r["bands"]
        lines += ["[[assistance.groups.dibao.bands]]", f"upto = {upto}", f"ratio = {low}",
                  "[[assistance.groups.dibao.bands]]", f"ratio = {high}"]
    if r["second"] is not None:
        threshold, ratio2, cap2 = r["second"]
        lines += ["[assistance.second_tier]", 'groups = ["dibao"]', 'per = "admission"',
                  f"threshold = {threshold}", f"ratio = {ratio2}"]
        if cap2 is not None:
            lines.append(f"admission_cap = {cap2}")
    return "\n".join(lines) + "\n"


def scale_by_hand(deductible: Decimal, ratio: Decimal, bands: Any, base: Decimal) -> Decimal:
    above = base - deductible
    if above <= 0:
        return ZERO
    if bands is None:
        return above * ratio
    upto, low, high = bands
    return min(above, upto) * low + max(ZERO, above - upto) * high


@SETTINGS
@given(per_admission_rules(), st.lists(fee_lines(), min_size=1, max_size=4))
def test_per_admission_assistance_gives_each_admission_its_own_threshold_and_cap(rules, bills):
    p = parse_pack(pack_text(annual_cap="100000000", tail=per_admission_pack_text(rules)).encode(), "pa.toml")
    assert p.model.funds.maf is not None and p.model.funds.maf2 is not None
    code1, code2 = p.model.funds.maf.code, p.model.funds.maf2.code
    ytd = None
    paid1 = ZERO
    paid2 = ZERO
    for n, fees in enumerate(bills):
        req = request(fees, pack_id="test-pack", hosp_lv=1, group="dibao", ytd=ytd,
                      day=(dt.date(2026, 1, 1) + dt.timedelta(days=30 * n)).isoformat())
        data = settle(req, p, CATALOG).to_dict()
        check_sums(req, data)
        x = amounts(data)
        by_code = {f["fund_pay_type"]: D(f["fund_payamt"]) for f in data["setldetail"]}
        left = max(ZERO, x["inscp_scp_amt"] - x["hifp_pay"] - x["hifmi_pay"])
        # tier 1 on this admission alone: its own deductible, bands and admission cap ...
        own = scale_by_hand(rules["deductible"], rules["ratio"], rules["bands"], left)
        if rules["admission_cap"] is not None:
            own = min(own, rules["admission_cap"])
        own = fen(own)
        # ... and the same as settling it as the first admission of a year, unless an annual cap bites
        alone = settle(request(fees, pack_id="test-pack", hosp_lv=1, group="dibao"), p, CATALOG)
        expected1 = own if rules["annual_cap"] is None else min(own, max(ZERO, rules["annual_cap"] - paid1))
        tier1 = by_code.get(code1, ZERO)
        assert tier1 == expected1
        if rules["annual_cap"] is None:
            alone_funds = {f.fund_pay_type: f.fund_payamt for f in alone.setldetail}
            assert alone_funds.get(code1, ZERO) == tier1
        # the second tier: its threshold and cap on what this admission still leaves
        tier2 = by_code.get(code2, ZERO)
        if rules["second"] is None:
            assert tier2 == 0
        else:
            threshold, ratio2, cap2 = rules["second"]
            own2 = scale_by_hand(threshold, ratio2, None, left - tier1)
            assert tier2 == fen(own2 if cap2 is None else min(own2, cap2))
        assert x["maf_pay"] == tier1 + tier2
        paid1 += tier1
        paid2 += tier2
        ytd = data["year_to_date_after"]
        event(f"annual cap: {rules['annual_cap'] is not None}; bands: {rules['bands'] is not None}")
    assert ytd is not None
    assert (D(str(ytd["maf_pay"])), D(str(ytd["maf2_pay"]))) == (paid1, paid2)
    if rules["annual_cap"] is not None:
        assert paid1 <= rules["annual_cap"]


# --- the basic pool: bands on either measure, person categories, admission-number rules ---------------

@st.composite
def basic_pool_rules(draw: Any) -> dict[str, Any]:
    """Deductibles by level for adults and for children (1501), a 'less each admission, at least' rule per
    level, two or three bands measured on the policy-range amount or above the deductible, caps or none."""
    def levels(lo: int, hi: int) -> dict[str, Decimal]:
        return {lv: draw(cents(lo, hi)) for lv in ("1", "2", "3")}
    uptos = sorted(set(draw(st.lists(cents(1, 5_000_000), min_size=1, max_size=2))))
    return {
        "measure": draw(st.sampled_from(("policy_range", "above_deductible"))),
        "adult": levels(0, 200_000),
        "child": levels(0, 100_000),
        "less": levels(0, 50_000),
        "floor": levels(0, 50_000),
        "bands": [(u, draw(ratios)) for u in uptos] + [(None, draw(ratios))],
        "adult_cap": draw(st.one_of(st.none(), cents(0, 20_000_000))),
        "child_cap": draw(st.one_of(st.none(), cents(0, 20_000_000))),
    }


def basic_pool_pack_text(r: dict[str, Any]) -> str:
    def table(values: dict[str, Decimal]) -> str:
        return "{ " + ", ".join(f"{k} = {v}" for k, v in values.items()) + " }"
    lines = ["[basic]", f'measure = "{r["measure"]}"', f"deductible = {table(r['adult'])}"]
    if r["adult_cap"] is not None:
        lines.append(f"annual_cap = {r['adult_cap']}")
    lines += ["", "[[basic.admission_rules]]", "from_nth = 2", f"less_each = {table(r['less'])}",
              f"at_least = {table(r['floor'])}"]
    for upto, ratio in r["bands"]:
        lines += ["", "[[basic.bands]]"] + ([f"upto = {upto}"] if upto is not None else []) + [f"ratio = {ratio}"]
    lines += ["", "[[basic.categories]]", 'name = "学生儿童"', 'psn_types = ["1501"]',
              f"deductible = {table(r['child'])}"]
    if r["child_cap"] is not None:
        lines.append(f"annual_cap = {r['child_cap']}")
    return "\n".join(lines) + "\n"


def basic_by_hand(r: dict[str, Any], child: bool, level: str, nth: int, inscp: Decimal,
                  paid: Decimal) -> tuple[Decimal, Decimal]:
    """(deductible, payment) of one all-甲 admission, computed here independently of the engine."""
    first = (r["child"] if child else r["adult"])[level]
    floor = min(r["floor"][level], first)
    deductible = min(inscp, max(floor, first - r["less"][level] * (nth - 1)))
    start = deductible if r["measure"] == "policy_range" else ZERO   # where band 1 begins, on the measure
    amount = inscp if r["measure"] == "policy_range" else inscp - deductible
    raw, lower = ZERO, start
    for upto, ratio in r["bands"]:
        top = amount if upto is None else min(amount, upto)
        if top > lower:
            raw += (top - lower) * ratio
        lower = max(lower, top if upto is None else upto)
    # a category without its own cap keeps [basic]'s
    cap = r["child_cap"] if child and r["child_cap"] is not None else r["adult_cap"]
    pay = fen(raw)
    if cap is not None and inscp > deductible:
        pay = min(pay, max(ZERO, cap - paid))
    return deductible, pay


@YEAR_SETTINGS
@given(basic_pool_rules(), st.booleans(),
       st.lists(st.tuples(st.integers(1, 3), cents(1, 10_000_000)), min_size=1, max_size=5))
def test_basic_pool_bands_categories_and_admissions_bill_by_bill(rules, child, bills):
    p = parse_pack(pack_text(annual_cap="1", basic="", ratio="", tail="").replace(
        "[basic]\nannual_cap = 1\n\n", "").replace("[basic.deductible]\n1 = 300\n2 = 600\n3 = 1000\n",
                                                  basic_pool_pack_text(rules)).encode(), "basic.toml")
    ytd = None
    paid = ZERO
    for n, (level, amount) in enumerate(bills, 1):
        req = request([{"feedetl_sn": "1", "med_list_codg": "A1", "name": "甲", "pric": str(amount), "cnt": "1",
                        "det_item_fee_sumamt": f"{amount:.2f}"}], pack_id="test-pack", hosp_lv=level,
                      psn_type="1501" if child else "1502", ytd=ytd)
        data = settle(req, p, CATALOG).to_dict()
        check_sums(req, data)
        x = amounts(data)
        assert (x["act_pay_dedc"], x["hifp_pay"]) == basic_by_hand(rules, child, str(level), n, amount, paid)
        paid += x["hifp_pay"]
        ytd = data["year_to_date_after"]
        event(f"measure {rules['measure']}")
    assert ytd is not None and D(str(ytd["hifp_pay"])) == paid
    cap = rules["child_cap"] if child and rules["child_cap"] is not None else rules["adult_cap"]
    assert cap is None or paid <= cap


# --- the review library beside the settlement ----------------------------------------------------

_REVIEW_KINDS = ("sex", "hosp_level", "med_mode", "insutype", "quantity", "pair", "indication", "age")


@st.composite
def review_libraries(draw: Any) -> Any:
    """A small library of line rules over the test catalogue's codes, of every line kind, warn or block."""
    lines = ['[library]', 'id = "prop-review"', 'version = "1"', 'regions = ["990100"]']
    for n in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(_REVIEW_KINDS))
        code = draw(st.sampled_from(KNOWN_CODES))
        lines += ["[[rule]]", f'id = "R{n}"', f'kind = "{kind}"',
                  f'severity = "{draw(st.sampled_from(("warn", "block")))}"', f'codes = ["{code}"]',
                  'text = "{name} 不予支付"']
        lines.append({
            "sex": f'sex = "{draw(st.sampled_from(("male", "female")))}"',
            "hosp_level": f"levels = [{draw(st.integers(1, 3))}]",
            "med_mode": f'mode = "{draw(st.sampled_from(("inpatient", "outpatient")))}"',
            "insutype": f'insutypes = ["{draw(st.sampled_from(("310", "390")))}"]',
            "quantity": f"max_per_stay = {draw(st.integers(1, 20))}",
            "pair": f'pair_codes = ["{draw(st.sampled_from(KNOWN_CODES))}"]',
            "indication": f'icd10_prefixes = ["{draw(st.sampled_from(("J18", "K72")))}"]',
            "age": f"max_age_years = {draw(st.sampled_from((14, 60)))}",
        }[kind])
    return parse_library("\n".join(lines).encode(), "prop.toml")


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("review", "violations")}


@SETTINGS
@given(single_requests(refunds=True), review_libraries(), st.booleans())
def test_a_bill_with_no_rule_hits_settles_exactly_as_before(case, library, override_all):
    pack_id, req = case
    before = settle(copy.deepcopy(req), pack(pack_id), CATALOG)
    found = audit(req, library)
    overrides = [ReviewOverride(v.rule_id, "boss", "核实无误") for v in found] if override_all else []
    after = settle(copy.deepcopy(req), pack(pack_id), CATALOG, review=library, overrides=overrides)
    blocks = [v for v in found if v.severity == "block"]
    event("rule hits" if found else "no rule hits")
    event("a block applied" if blocks and not override_all else "no block applied")
    assert [{k: v for k, v in d.items() if k != "override"} for d in after.violations] == [v.to_dict() for v in found]
    assert after.review == {"id": "prop-review", "version": "1", "sha256": library.sha256}
    assert before.review is None and before.violations == []
    data = after.to_dict()
    check_sums(req, data)  # the invariants hold to the fen, whatever fired
    if not blocks or override_all:
        # A warning, or a block a supervisor let through, moves no figure ...
        assert _figures(data) == _figures(before.to_dict())
        assert all(("override" in d) == (d["severity"] == "block") for d in after.violations)
    else:
        # ... a block moves what it refuses into the fully self-paid part, and nothing else changes the bill.
        old, new = amounts(before.to_dict()), amounts(data)
        assert new["medfee_sumamt"] == old["medfee_sumamt"]
        assert new["fulamt_ownpay_amt"] - old["fulamt_ownpay_amt"] == \
            old["inscp_scp_amt"] + old["overlmt_selfpay"] + old["preselfpay_amt"] \
            - new["inscp_scp_amt"] - new["overlmt_selfpay"] - new["preselfpay_amt"]
    # ... and a bill with no hits gives the same JSON as before, apart from naming the library.
    if not found:
        assert data == {**before.to_dict(), "review": after.review}
    for violation in after.violations:
        assert violation["severity"] in ("warn", "block")
        assert D(violation["amount"]) >= 0 and violation["amount"] == f"{D(violation['amount']):.2f}"
