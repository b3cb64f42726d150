"""Stays settled in periods (中途结算) and stays over 31 December (跨年度住院).

A mid-stay settlement (the request's ``encounter.mid_setl_flag``) closes a period of a stay that goes on;
its result carries ``stay_after``, what the stay came to so far. The next settlement of the same stay passes
that as ``encounter.stay_before`` and continues from it: no second deductible, the basic pool's bands and a
per-admission assistance tier placed on the whole stay, and the stay is not counted as a second admission
(basic_pool.py, assistance.py). A pack's ``basic.cross_year`` says how a stay over 31 December is settled:
whole in its discharge year ("discharge_date"), or split there ("split_at_year_end": a mid-stay settlement up
to 31 December under that year's pack and accumulators, then the rest continued in the new year).
"""

from __future__ import annotations

from decimal import Decimal

from .errors import RequestError
from .packs import Pack
from .request import SettlementRequest

INPATIENT = "21"


def check_stay(req: SettlementRequest, pack: Pack) -> None:
    """Refuse a mid-stay settlement or continuation the pack cannot take, naming the field."""
    enc = req.encounter
    if (enc.mid_setl_flag or enc.stay_before is not None) and enc.med_type != INPATIENT:
        field = "encounter.mid_setl_flag" if enc.mid_setl_flag else "encounter.stay_before"
        raise RequestError(field, f"a stay settled in periods is inpatient care (med_type {INPATIENT})")
    if pack.model.basic.cross_year != "split_at_year_end" or enc.med_type != INPATIENT:
        return
    start = enc.period_start
    if start.year < enc.endtime.year:
        raise RequestError(
            "encounter.endtime",
            f"pack {pack.id} splits a stay at 31 December: settle up to {start.year}-12-31 first as a mid-stay "
            "settlement (mid_setl_flag) and continue with its stay_after as stay_before",
        )


def stay_after(req: SettlementRequest, inscp: Decimal, deductible: Decimal, hifp_pay: Decimal,
               maf: tuple[Decimal, Decimal, Decimal, Decimal]) -> dict[str, Decimal | int | str] | None:
    """What the stay came to after this settlement, for the next period's stay_before; None for a stay not
    settled in periods. maf: this settlement's maf_base, maf_pay, maf2_base, maf2_pay."""
    enc = req.encounter
    before = enc.stay_before
    if before is None and not enc.mid_setl_flag:
        return None
    zero = Decimal("0.00")
    earlier = (before.inscp_scp_amt, before.act_pay_dedc, before.hifp_pay, before.maf_base, before.maf_pay,
               before.maf2_base, before.maf2_pay) if before is not None else (zero,) * 7
    now = (inscp, deductible, hifp_pay, *maf)
    keys = ("inscp_scp_amt", "act_pay_dedc", "hifp_pay", "maf_base", "maf_pay", "maf2_base", "maf2_pay")
    out: dict[str, Decimal | int | str] = {
        "endtime": enc.endtime.isoformat(),
        "periods": (before.periods if before is not None else 0) + 1,
    }
    for key, old, new in zip(keys, earlier, now, strict=True):
        out[key] = max(zero, old + new)
    return out
