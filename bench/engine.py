"""Engine benchmark: median time to settle a 2,000-line inpatient bill, and a 30-line bill.

Each figure is printed beside its floor, measured in the same run: a plain Decimal sum of the
same line amounts (parsed from the same strings). Targets: the 2,000-line median under 10 ms and
within 3x its floor; the 30-line median under 0.3 ms. The 30-line bill is outpatient (med_type
11) when the demo pack accepts it, else inpatient, and the output says which.

The same bill is also timed with per-line overrides of what the catalogue gives (a first
self-paid share on a third of the lines, a price cap on a fifth, a class on a seventh): it takes
the same column parse, but its lines are classified one by one instead of by catalogue code.

What the fast paths exploit: values that repeat, and numbers written plainly. The column parse
(rules/fee_lines.py) parses each distinct price, count and amount string once; where each column is
written with one number of decimal places, as integers (rules/fee_units.py), and the lines are then
split by code in integers (rules/unit_split.py), their Decimal parts made only when read. Where
rules/fee_loops.py is compiled (mypyc, at install: setup.py), one compiled loop over the lines
does that plain bill's parse and split instead of those column passes: it is what brings the
2,000-line bill within 3x its floor (about 2.3x; pure Python about 4.5x). The output says which. A bill
whose lines repeat whole bodies (everything but the serial: an inpatient stay's daily bed, nursing
and doses) is held by body (rules/line_groups.py): each distinct body is checked, parsed and
classified once, and the totals are each body's parts times its lines; a sample of every 16th line
decides whether a bill repeats enough for that to pay. The 2,000-line bill picks each line's code
(of the demo catalogue's ~500) and count at random, so few of its lines share a body and it takes
the column parse; the output gives its distinct bodies. For comparison, two more bills of the same
length, each beside the Decimal sum of its own amounts, with no target: one whose lines are all
distinct (each line's price differs), and one of 20 days of the same 100 lines.

    .venv/bin/python bench/engine.py [--lines 2000] [--runs 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from decimal import Decimal

from hospital_client import paths
from hospital_client.rules import RulesError, fee_loops, find_pack, load_catalog, load_pack_dir, parse_request, settle
from hospital_client.rules.fees import classify_fees
from hospital_client.rules.line_groups import parse_fee_lines

TARGET_MS = 10.0
TARGET_RATIO = 3.0
SMALL_LINES = 30
SMALL_TARGET_MS = 0.3
OUTPATIENT = "11"


def make_request(lines: int, catalog_codes: list[tuple[str, Decimal]], med_type: str = "21") -> dict[str, object]:
    rng = random.Random(2026)
    fees = []
    for i in range(lines):
        code, price = rng.choice(catalog_codes)
        cnt = Decimal(rng.randint(1, 6))
        fees.append({
            "feedetl_sn": f"{i + 1:05d}", "med_list_codg": code, "name": "",
            "pric": f"{price:.2f}", "cnt": str(cnt), "det_item_fee_sumamt": f"{price * cnt:.2f}",
        })
    return {
        "person": {"psn_no": "BENCH000001", "insutype": "390", "psn_type": "1502", "insuplc_admdvs": "990100",
                   "assistance_group": "dibao", "residence": "rural"},
        "encounter": {"mdtrt_id": "BENCH-1", "med_type": med_type, "hosp_lv": 3, "begntime": "2026-03-01",
                      "endtime": "2026-03-20"},
        "fees": fees,
        "year_to_date": {"admissions": 1, "act_pay_dedc": "800.00", "hifp_pay": "12000.00",
                         "hifmi_base": "8000.00", "hifmi_pay": "0.00"},
    }


def fee_lines(request: dict[str, object]) -> list[dict[str, str]]:
    return request["fees"]  # type: ignore[return-value]


def all_distinct(request: dict[str, object]) -> dict[str, object]:
    """The same bill with each line's price raised by its own number of fen: no two lines share a body."""
    fees = []
    for i, line in enumerate(fee_lines(request)):
        price, cnt = Decimal(line["pric"]) + Decimal(i) / 100, Decimal(line["cnt"])
        fees.append({**line, "pric": f"{price:.2f}", "det_item_fee_sumamt": f"{price * cnt:.2f}"})
    return {**request, "fees": fees}


def repeating(request: dict[str, object], per_day: int) -> dict[str, object]:
    """A bill of the same length made of the first per_day lines repeated day after day, each with its own serial."""
    lines = fee_lines(request)
    fees = [{**lines[i % per_day], "feedetl_sn": f"{i + 1:05d}"} for i in range(len(lines))]
    return {**request, "fees": fees}


def distinct_bodies(request: dict[str, object]) -> int:
    """How many distinct line bodies (every field but the serial) the bill has."""
    return len({tuple(sorted((k, v) for k, v in line.items() if k != "feedetl_sn")) for line in fee_lines(request)})


def with_overrides(request: dict[str, object]) -> dict[str, object]:
    """The same bill with per-line share, cap and class overrides on some of its lines."""
    rng = random.Random(2027)
    fees = []
    for i, line in enumerate(request["fees"]):  # type: ignore[attr-defined]
        fee = dict(line)
        if i % 3 == 0:
            fee["selfpay_prop"] = rng.choice(["0.05", "0.10", "0.20"])
        if i % 5 == 0:
            fee["pric_uplmt_amt"] = f"{Decimal(fee['pric']) * rng.choice([Decimal('0.8'), Decimal(1)]):.2f}"
        if i % 7 == 0:
            fee["chrgitm_lv"] = rng.choice(["01", "02"])
        fees.append(fee)
    return {**request, "fees": fees}


def median_ms(fn: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    catalog = load_catalog(paths.demo_catalog_path())
    pack = find_pack(load_pack_dir(paths.policies_dir()), "demo")
    codes = [(item.code, item.demo_pric or Decimal("10.00")) for item in catalog.items.values()]
    request = make_request(args.lines, codes)
    amounts = [fee["det_item_fee_sumamt"] for fee in request["fees"]]  # type: ignore[index]

    overridden = with_overrides(request)
    for _ in range(20):  # warm-up
        settle(request, pack, catalog)
        settle(overridden, pack, catalog)
    engine = median_ms(lambda: settle(request, pack, catalog), args.runs)
    parsed = parse_request(request)
    stage_parse = median_ms(lambda: parse_request(request), args.runs)
    stage_classify = median_ms(lambda: classify_fees(parsed.fees, catalog, pack.model.items), args.runs)
    stage_fee_lines = median_ms(lambda: parse_fee_lines(request["fees"]), args.runs)
    stage_settle_parsed = median_ms(lambda: settle(parsed, pack, catalog), args.runs)
    engine_overrides = median_ms(lambda: settle(overridden, pack, catalog), args.runs)
    floor = median_ms(lambda: sum((Decimal(a) for a in amounts), Decimal(0)), args.runs)
    compared = []
    for label, bill in (("all lines distinct", all_distinct(request)),
                        (f"20 days of the same {args.lines // 20} lines", repeating(request, args.lines // 20))):
        bill_amounts = [fee["det_item_fee_sumamt"] for fee in fee_lines(bill)]
        for _ in range(20):  # warm-up
            settle(bill, pack, catalog)
        engine_other = median_ms(lambda bill=bill: settle(bill, pack, catalog), args.runs)
        floor_other = median_ms(lambda a=bill_amounts: sum((Decimal(x) for x in a), Decimal(0)), args.runs)
        compared.append((label, distinct_bodies(bill), engine_other, floor_other))

    small_type = OUTPATIENT
    small = make_request(SMALL_LINES, codes, OUTPATIENT)
    try:
        settle(small, pack, catalog)
    except RulesError:  # the pack does not settle outpatient care
        small_type = "21"
        small = make_request(SMALL_LINES, codes, small_type)
    small_amounts = [fee["det_item_fee_sumamt"] for fee in small["fees"]]  # type: ignore[index]
    small_runs = args.runs * 10
    for _ in range(200):  # warm-up
        settle(small, pack, catalog)
    engine_small = median_ms(lambda: settle(small, pack, catalog), small_runs)
    floor_small = median_ms(lambda: sum((Decimal(a) for a in small_amounts), Decimal(0)), small_runs)

    print("rules/fee_loops.py: " + ("compiled (mypyc)" if fee_loops.COMPILED else
                                    "pure Python (not compiled: no compiler at install, or HOSPITAL_CLIENT_PURE=1)"))
    for label, bill in (("bill", request), ("with overrides", overridden)):
        result = settle(bill, pack, catalog)
        print(f"{label}: {args.lines} lines ({distinct_bodies(bill)} distinct bodies), "
              f"medfee_sumamt {result.setlinfo['medfee_sumamt']}, psn_cash_pay {result.setlinfo['psn_cash_pay']}")
    print(f"engine settle (parse + classify + funds), median of {args.runs}: {engine:8.3f} ms")
    print(f"  the same bill with per-line overrides, median of {args.runs}: {engine_overrides:8.3f} ms")
    print(f"floor: plain Decimal sum of the same {args.lines} amounts:   {floor:8.3f} ms")
    print(f"ratio engine/floor: {engine / floor:.1f}x (with overrides {engine_overrides / floor:.1f}x)")
    print(f"  where it goes: parse (request and {args.lines} fee lines) {stage_parse:.3f} ms, "
          f"classify the lines {stage_classify:.3f} ms, funds and result the rest")
    print(f"  by stage: the fee lines {stage_fee_lines:.3f} ms of the parse; funds and result "
          f"{stage_settle_parsed - stage_classify:.3f} ms (a settle of the parsed request less its classify); "
          f"left {engine - stage_parse - stage_settle_parsed:.3f} ms (in a whole settle only: freeing the "
          f"bill's objects, colder caches)")
    verdict = "MET" if engine < TARGET_MS else "NOT MET"
    with_overrides_verdict = "met" if engine_overrides < TARGET_MS else "NOT MET"
    print(f"target: median under {TARGET_MS:.0f} ms -> {verdict} (with overrides: {with_overrides_verdict})")
    ratio_verdict = "MET" if engine < TARGET_RATIO * floor else "NOT MET"
    print(f"target: median within {TARGET_RATIO:.0f}x the floor -> {ratio_verdict}")
    for label, bodies, engine_other, floor_other in compared:
        print(f"for comparison, no target: {args.lines} lines, {label} ({bodies} distinct bodies), "
              f"median of {args.runs}: {engine_other:.3f} ms, floor {floor_other:.3f} ms, "
              f"ratio {engine_other / floor_other:.1f}x")
    kind = "outpatient, med_type 11" if small_type == OUTPATIENT else \
        "inpatient, med_type 21: the demo pack does not accept med_type 11"
    print(f"{SMALL_LINES}-line bill ({kind}), median of {small_runs}: {engine_small:8.3f} ms")
    print(f"floor: plain Decimal sum of the same {SMALL_LINES} amounts:    {floor_small:8.3f} ms")
    small_verdict = "MET" if engine_small < SMALL_TARGET_MS else "NOT MET"
    print(f"target: {SMALL_LINES}-line median under {SMALL_TARGET_MS} ms -> {small_verdict} "
          f"(ratio to its floor {engine_small / floor_small:.1f}x)")


if __name__ == "__main__":
    main()
