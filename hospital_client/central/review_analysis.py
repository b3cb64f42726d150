"""3101 (明细审核事前分析服务) and 3102 (明细审核事中分析服务): the central audit of one request,
answered with the platform's violation fields (smart_review.py); nothing is stored.

    input.data: {"request": <settlement request>, "review_overrides": [...] (3102 only, optional)}
    output:     {"result": [{jr_id, rule_id, rule_name, vola_cont, patn_id, mdtrt_id,
                             judge_result_detail_dtos, vola_amt, vola_amt_stas, sev_deg, vola_evid,
                             vola_bhvr_type, task_id, severity, kind, override}],
                 "review": {id, version, sha256} | null, "self_paid": "0.00"}

``self_paid`` is what the 拦截 not overridden make self-paid (the settlement's fully self-paid
amount beyond the bill's own).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..rules import parse_request
from .context import Central, Context
from .fields import input_data
from .settlement import compute
from .smart_review import parse_overrides, platform_violations


def _analysis(central: Central, ctx: Context, input_: dict[str, Any], *, with_overrides: bool) -> dict[str, Any]:
    data = input_data(input_)
    overrides = parse_overrides(data.get("review_overrides"), "") if with_overrides else []
    request, person, _before, result, _year = compute(central, ctx, data.get("request"), "request", overrides)
    library = central.review_for(person)
    if library is None:
        return {"result": [], "review": None, "self_paid": "0.00"}
    refused = sum((step.amount for step in result.explain if step.step == "review_self_paid"), Decimal(0))
    parsed = parse_request(request)
    return {"result": platform_violations(result.violations, parsed, library, ctx.env.msgid),
            "review": library.identity(), "self_paid": f"{refused:.2f}"}


def pre_analysis(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    """3101: the violations of a request before it is settled (no overrides)."""
    return _analysis(central, ctx, input_, with_overrides=False)


def mid_analysis(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    """3102: the same at settlement time, with the overrides the desk would send."""
    return _analysis(central, ctx, input_, with_overrides=True)
