"""The bundled packs settle a fixed sample of varied bills to the same results, byte for byte.

The engine is tuned for speed (bench/engine.py); a change there must not move a fen or a word of
an explanation. Several hundred bills, drawn from a fixed seed over every bundled pack and the
test catalogue (classes, shares, caps, unknown codes, refunds, per-line overrides, referrals,
out-of-area care, assistance groups, year-to-date figures), are settled and the canonical JSON of
every result is hashed into one digest.

The pack's identity (id, version, file hash) and the warning that lists a pack's illustrative
parameters are left out of the digest: they describe the pack file, which may gain new keys,
not what the engine computed; so are the review library and its violations, which never change a
figure. Everything else is in it. If a deliberate change of results makes
this fail, the new digest is printed; check first that the change is meant.
"""

from __future__ import annotations

import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rules_helpers import CATALOG, KNOWN_CODES, PACK_DAY, bundled

from hospital_client.rules import RulesError, result_json, settle

D = Decimal
SAMPLE = 1000
DIGEST = "71c41b2f4c1941967b4491105dfd5b1d04cd905b8ed4db36fbe956be1a467dea"


def _fen(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), ROUND_HALF_UP)


def _amount(rng: random.Random, top: int) -> str:
    return f"{D(rng.randint(0, top * 100)) / 100:.2f}" if rng.random() < 0.7 else "0"


def _bill(rng: random.Random, pack_id: str, insutypes: list[str]) -> dict[str, Any]:
    lines = rng.choice([1, 2, 3, 5, 8, 13, 30, 60])
    overrides = rng.random() < 0.35
    fees = []
    for i in range(lines):
        code = rng.choice(KNOWN_CODES) if rng.random() > 0.05 else rng.choice(["ZZ-UNKNOWN", "QQ1"])
        pric = D(rng.randint(1, 500000)) / 100 if rng.random() < 0.7 else D(rng.randint(1, 300))
        cnt = D(rng.randint(1, 10)) if rng.random() < 0.85 else rng.choice([D(-1), D(-2), D("0.5"), D("2.25"), D(0)])
        amount = _fen(pric * cnt) + rng.choice([D(0)] * 8 + [D("0.01"), D("-0.01")])
        line: dict[str, Any] = {"feedetl_sn": f"{i + 1:05d}", "med_list_codg": code,
                                "name": rng.choice(["", "项目", "药品x"]), "pric": f"{pric}", "cnt": f"{cnt}",
                                "det_item_fee_sumamt": f"{amount:.2f}"}
        if rng.random() < 0.1:
            del line["name"]
        if overrides:
            if rng.random() < 0.3:
                line["selfpay_prop"] = rng.choice(["0", "0.05", "0.1", "0.2", "1", "0.125"])
            if rng.random() < 0.2:
                line["pric_uplmt_amt"] = rng.choice(["0", "10", "80", f"{pric * D('0.8'):.2f}", f"{pric}"])
            if rng.random() < 0.15:
                line["chrgitm_lv"] = rng.choice(["01", "02", "03"])
        fees.append(line)
    day = PACK_DAY[pack_id]
    encounter: dict[str, Any] = {"mdtrt_id": f"M{rng.randint(1, 10**6)}", "med_type": "21",
                                 "hosp_lv": rng.randint(1, 3), "begntime": day, "endtime": day}
    if rng.random() < 0.15:
        encounter["referral"] = {"from_hosp_lv": rng.randint(1, 3), "dedc_paid": rng.choice(["0", "200.00", "500.00"])}
    if rng.random() < 0.15:
        encounter["out_of_area"] = True
        encounter["out_of_area_registered"] = rng.random() < 0.5
    person: dict[str, Any] = {"psn_no": "P1", "insutype": rng.choice(insutypes), "insuplc_admdvs": "990100",
                              "psn_type": rng.choice(["", "1101", "1201", "1502", "1503", "1504"])}
    group = rng.choice([None, None, "tekun", "dibao", "dibao_edge", "poverty", "orphan", "disabled", "other"])
    if group:
        person["assistance_group"] = group
    if rng.random() < 0.9:
        person["residence"] = rng.choice(["urban", "rural"])
    request: dict[str, Any] = {"person": person, "encounter": encounter, "fees": fees}
    if rng.random() < 0.7:
        request["year_to_date"] = {
            "admissions": rng.randint(0, 5), "act_pay_dedc": _amount(rng, 2000), "hifp_pay": _amount(rng, 300000),
            "hifmi_base": _amount(rng, 300000), "hifmi_pay": _amount(rng, 200000),
            "maf_base": _amount(rng, 100000), "maf_pay": _amount(rng, 60000),
            "maf2_base": _amount(rng, 50000), "maf2_pay": _amount(rng, 20000),
        }
    return request


def sample_digest(count: int = SAMPLE, seed: int = 15) -> str:
    rng = random.Random(seed)
    packs = sorted(bundled(), key=lambda p: p.id)
    digest = hashlib.sha256()
    for k in range(count):
        pack = packs[k % len(packs)]
        bill = _bill(rng, pack.id, list(pack.model.pack.insutypes))
        try:
            data = settle(bill, pack, CATALOG).to_dict()
        except RulesError as exc:
            text = f"{type(exc).__name__}: {exc}"
        else:
            del data["policy"], data["review"], data["violations"]
            data["warnings"] = [w for w in data["warnings"] if not w.startswith("政策包 ")]
            text = result_json(data)
        digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()


def test_a_fixed_sample_of_bills_settles_to_the_recorded_results():
    assert sample_digest() == DIGEST


def test_the_fee_results_read_line_by_line_as_they_serialise():
    rng = random.Random(7)
    packs = sorted(bundled(), key=lambda p: p.id)
    for k in range(60):
        pack = packs[k % len(packs)]
        bill = _bill(rng, pack.id, list(pack.model.pack.insutypes))
        try:
            result = settle(bill, pack, CATALOG)
        except RulesError:
            continue
        lines = list(result.fees)
        assert len(result.fees) == len(lines) == len(bill["fees"])
        assert result.to_dict()["fees"] == [line.to_dict() for line in lines]
        assert result.fees == lines
        assert (result.fees[-1], result.fees[1:3]) == (lines[-1], lines[1:3])
        for line, fee in zip(lines, bill["fees"], strict=True):
            parts = line.fulamt_ownpay_amt + line.overlmt_amt + line.preselfpay_amt + line.inscp_scp_amt
            assert (line.feedetl_sn, parts) == (fee["feedetl_sn"], D(fee["det_item_fee_sumamt"]))
