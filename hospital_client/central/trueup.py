"""Year-end true-up of 大病保险 (徐州 2013: 保险年度末按当年累计费用计算补偿额，补偿不足的予以补充补偿).

For each person with accumulators in the year: the annual 大病保险 on the full year's cumulative
base (the pack's deductible for this person, its segments, its cap), compared with what was
paid (the hifmi_pay accumulator: roster opening figure + adjudicated settlements - reversals
+ earlier true-ups). A positive difference is a shortfall; ``apply`` records it as paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..rules import Pack, Person, hifmi_annual, hifmi_deductible, hifmi_segment_bounds
from ..rules.money import ZERO, fmt, round_fen
from . import adjudication as adj
from .store import CentralStore, PersonRecord


def pack_for_year(packs: list[Pack], person: PersonRecord, year: int) -> Pack | None:
    """The person's pack for the year: of those covering part of it, the one valid latest."""
    admdvs = str(person.data.get("insuplc_admdvs") or "")
    insutype = str(person.data.get("insutype") or "")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    candidates = [p for p in packs if admdvs in p.model.pack.admdvs and insutype in p.model.pack.insutypes
                  and p.model.pack.valid_from <= last and p.model.pack.valid_to >= first]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (min(p.model.pack.valid_to, last), p.model.pack.valid_from, p.id))


def true_up(store: CentralStore, packs: list[Pack], year: int, *, apply: bool, at: str) -> dict[str, Any]:
    """Recompute every person's annual 大病保险 for ``year``; list shortfalls (and record them with apply)."""
    checked: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    with store.transaction():
        for psn_no, values in list(store.accumulators_of_year(year)):
            person = store.find_person(psn_no=psn_no)
            if person is None:
                skipped.append({"psn_no": psn_no, "reason": "not in the roster"})
                continue
            pack = pack_for_year(packs, person, year)
            if pack is None:
                skipped.append({"psn_no": psn_no, "reason": f"no pack covers {year}"})
                continue
            rules = pack.model.hifmi
            if rules is None:
                continue
            block = adj.request_person(person)
            block["psn_no"] = psn_no
            try:
                model = Person.model_validate(block)
            except ValueError as exc:
                skipped.append({"psn_no": psn_no, "reason": f"roster entry unusable: {exc}"})
                continue
            deductible, plus, _poor = hifmi_deductible(rules, model)
            segments = hifmi_segment_bounds(pack)
            base = Decimal(values.get("hifmi_base", ZERO))
            paid = Decimal(values.get("hifmi_pay", ZERO))
            annual = round_fen(hifmi_annual(rules, segments, deductible, plus, base))
            difference = annual - paid
            checked.append({"psn_no": psn_no, "pack_id": pack.id, "hifmi_base": fmt(base),
                            "hifmi_deductible": fmt(deductible), "hifmi_annual": fmt(annual),
                            "hifmi_paid": fmt(paid), "difference": fmt(difference),
                            "shortfall": fmt(max(ZERO, difference))})
            if apply and difference > 0:
                store.add_true_up(psn_no, year, difference, at)
                store.put_accumulators(psn_no, year, {**values, "hifmi_pay": paid + difference}, at)
    shortfalls = [c for c in checked if Decimal(c["shortfall"]) > 0]
    overpaid = [c for c in checked if Decimal(c["difference"]) < 0]
    return {
        "year": year,
        "persons_checked": len(checked),
        "shortfalls": shortfalls,
        "total_shortfall": fmt(sum((Decimal(c["shortfall"]) for c in shortfalls), ZERO)),
        "overpaid": overpaid,
        "skipped": skipped,
        "applied": apply,
    }
