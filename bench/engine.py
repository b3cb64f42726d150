"""Engine benchmark: median time to settle a 2,000-line inpatient bill.

Printed beside its floor, measured in the same run: a plain Decimal sum of the same 2,000
line amounts (parsed from the same strings). Target (issue 2): median under 10 ms.

    .venv/bin/python bench/engine.py [--lines 2000] [--runs 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from decimal import Decimal

from hospital_client import paths
from hospital_client.rules import find_pack, load_catalog, load_pack_dir, settle

TARGET_MS = 10.0


def make_request(lines: int, catalog_codes: list[tuple[str, Decimal]]) -> dict[str, object]:
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
        "encounter": {"mdtrt_id": "BENCH-1", "med_type": "21", "hosp_lv": 3, "begntime": "2026-03-01",
                      "endtime": "2026-03-20"},
        "fees": fees,
        "year_to_date": {"admissions": 1, "act_pay_dedc": "800.00", "hifp_pay": "12000.00",
                         "hifmi_base": "8000.00", "hifmi_pay": "0.00"},
    }


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

    for _ in range(20):  # warm-up
        settle(request, pack, catalog)
    engine = median_ms(lambda: settle(request, pack, catalog), args.runs)
    floor = median_ms(lambda: sum((Decimal(a) for a in amounts), Decimal(0)), args.runs)

    result = settle(request, pack, catalog)
    print(f"bill: {args.lines} lines, medfee_sumamt {result.setlinfo['medfee_sumamt']}, "
          f"psn_cash_pay {result.setlinfo['psn_cash_pay']}")
    print(f"engine settle (parse + classify + funds), median of {args.runs}: {engine:8.3f} ms")
    print(f"floor: plain Decimal sum of the same {args.lines} amounts:   {floor:8.3f} ms")
    print(f"ratio engine/floor: {engine / floor:.1f}x")
    verdict = "MET" if engine < TARGET_MS else "NOT MET"
    print(f"target: median under {TARGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
