"""Audit benchmark: median time to audit a 2,000-line inpatient bill against a generated
10,000-rule review library, printed beside the engine's own settle time for the same bill in the
same run (the floor the audit is compared with). Target: the audit median under 20 ms.

The library mixes every line kind, keyed by catalogue code (most codes not on the bill, as in a
real library) and by code prefix, plus stay rules; the audit looks up each distinct code and
prefix length of the bill, not every rule against every line.

    .venv/bin/python bench/audit.py [--lines 2000] [--rules 10000] [--runs 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from hospital_client import paths
from hospital_client.rules import find_pack, load_catalog, load_pack_dir, parse_request, settle
from hospital_client.rules.review import PriorStay, audit, parse_library

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import make_request

TARGET_MS = 20.0


def rule_toml(n: int, rng: random.Random, codes: list[str]) -> str:
    kind = ("sex", "age", "indication", "hosp_level", "med_mode", "insutype", "quantity", "pair")[n % 8]
    on_bill = rng.random() < 0.05
    code = rng.choice(codes) if on_bill else f"GEN{n:011d}"
    key = f'code_prefixes = ["{code[:6]}"]' if n % 97 == 0 else f'codes = ["{code}"]'
    extra = {
        "sex": 'sex = "female"',
        "age": "max_age_years = 14",
        "indication": 'icd10_prefixes = ["R57", "K72"]',
        "hosp_level": "levels = [1, 2]",
        "med_mode": 'mode = "outpatient"',
        "insutype": 'insutypes = ["310"]',
        "quantity": f"max_per_day = {rng.randint(1, 3)}\nmax_per_stay = {rng.randint(5, 60)}",
        "pair": f'pair_codes = ["{rng.choice(codes)}"]',
    }[kind]
    severity = "block" if n % 3 == 0 else "warn"
    return (f'[[rule]]\nid = "G{n:06d}"\nkind = "{kind}"\nseverity = "{severity}"\n{key}\n{extra}\n'
            f'text = "{{name}} 规则{n}"\n')


def make_library(rules: int, codes: list[str]) -> bytes:
    rng = random.Random(2026)
    parts = ['[library]\nid = "bench"\nversion = "1"\n']
    parts.extend(rule_toml(n, rng, codes) for n in range(rules - 2))
    parts.append('[[rule]]\nid = "READM"\nkind = "readmission"\nseverity = "warn"\ntext = "分解住院"\n')
    parts.append('[[rule]]\nid = "IDENT"\nkind = "identity"\nseverity = "warn"\ntext = "冒名就医"\n')
    return "".join(parts).encode("utf-8")


def median_ms(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rules", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    catalog = load_catalog(paths.demo_catalog_path())
    pack = find_pack(load_pack_dir(paths.policies_dir()), "demo")
    codes = [(item.code, item.demo_pric or Decimal("10.00")) for item in catalog.items.values()]
    request = make_request(args.lines, codes)
    request["person"]["certno"] = "990100198001011234"  # type: ignore[index]
    request["encounter"]["diagnoses"] = ["J18.900"]  # type: ignore[index]
    request["encounter"]["fixmedins_code"] = "H1"  # type: ignore[index]
    stays = [PriorStay("BENCH-0", "H1", dt.date(2026, 2, 1), dt.date(2026, 2, 20), ("J18.000",))]

    start = time.perf_counter()
    library = parse_library(make_library(args.rules, [c for c, _ in codes]), "bench.toml")
    load_ms = (time.perf_counter() - start) * 1000
    parsed = parse_request(request)
    start = time.perf_counter()
    violations = audit(parsed, library, stays)  # builds and caches the index
    first_ms = (time.perf_counter() - start) * 1000

    for _ in range(10):  # warm-up
        audit(request, library, stays)
        settle(request, pack, catalog)
    audit_raw = median_ms(lambda: audit(request, library, stays), args.runs)
    audit_parsed = median_ms(lambda: audit(parsed, library, stays), args.runs)
    engine = median_ms(lambda: settle(request, pack, catalog), args.runs)

    fired = sum(v.amount for v in violations)
    print(f"bill: {args.lines} lines, {len({c for c in parsed.fees.med_list_codg})} distinct codes; "
          f"library: {len(library.rules)} rules (parsed and validated in {load_ms:.0f} ms, index built "
          f"with the first audit: {first_ms:.1f} ms)")
    print(f"violations: {len(violations)}, amount at stake {fired:.2f}")
    print(f"audit (parse request + audit), median of {args.runs}:   {audit_raw:8.3f} ms")
    print(f"audit of the parsed request, median of {args.runs}:      {audit_parsed:8.3f} ms")
    print(f"engine settle of the same bill, median of {args.runs}:   {engine:8.3f} ms")
    print(f"ratio audit/settle: {audit_raw / engine:.2f}x")
    verdict = "MET" if audit_raw < TARGET_MS else "NOT MET"
    print(f"target: audit median under {TARGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
