"""Re-adjudication helpers: the central inputs of a settlement, adjustments, accumulator moves.

Pure functions over the rules core; the settlement handlers (settlement.py) do the storing.
The central system settles with the same engine as the client; only its inputs differ (its
roster entry, its accumulators, its policy pack), and ``adjustment`` says which of them did.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..protocol import BadInput
from ..rules import YTD_KEYS, SettlementResult
from ..rules.money import ZERO, fmt
from .fields import money
from .store import Accumulators, PersonRecord

PERSON_KEYS = ("psn_no", "psn_name", "certno", "insutype", "psn_type", "insuplc_admdvs", "assistance_group",
               "residence")
# Person attributes that change a settlement's figures (compared to name the reason of an adjustment).
RULE_PERSON_KEYS = ("insutype", "psn_type", "insuplc_admdvs", "assistance_group", "residence")
ADJUSTED_KEYS = ("psn_cash_pay", "hifp_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt")


def zero_accumulators() -> Accumulators:
    return {k: (0 if k == "admissions" else ZERO) for k in YTD_KEYS}


def accumulators_from_json(raw: Any, where: str) -> Accumulators:
    """Year-to-date figures from JSON (roster or request): admissions an int, the rest money strings."""
    if not isinstance(raw, dict):
        raise BadInput(f"{where} 应为对象")
    values = zero_accumulators()
    for key in YTD_KEYS:
        if key not in raw:
            continue
        value = raw[key]
        if key == "admissions":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise BadInput(f"{where}.admissions 应为非负整数")
            values[key] = value
            continue
        values[key] = money(value, f"{where}.{key}", nonneg=True)
    return values


def accumulators_json(values: Accumulators) -> dict[str, Any]:
    """The core keys in their order, then the keys a pack declares (an outpatient section's), sorted."""
    keys = [k for k in YTD_KEYS if k in values] + sorted(k for k in values if k not in YTD_KEYS)
    return {k: (values[k] if k == "admissions" else fmt(Decimal(values[k]))) for k in keys}


def request_person(person: PersonRecord) -> dict[str, Any]:
    """The request's person block (DESIGN.md 4.1) from the central roster entry."""
    block: dict[str, Any] = {k: person.data.get(k) or "" for k in PERSON_KEYS}
    block["assistance_group"] = person.data.get("assistance_group") or None
    block["residence"] = person.data.get("residence") or None
    return block


def central_request(raw: dict[str, Any], person: PersonRecord, ytd: Accumulators) -> dict[str, Any]:
    """The client's request with the central system's person entry and accumulators put in."""
    request = {k: v for k, v in raw.items() if k not in ("person", "year_to_date")}
    request["person"] = request_person(person)
    request["year_to_date"] = accumulators_json(ytd)
    return request


def moved_back(current: Accumulators, before: Accumulators, after: Accumulators) -> Accumulators:
    """Accumulators with one settlement's contribution (after - before) taken out again."""
    result: Accumulators = {}
    declared = sorted({*current, *before, *after} - set(YTD_KEYS))  # a pack's own keys (outpatient sections)
    for key in (*YTD_KEYS, *declared):
        now = current.get(key, 0 if key == "admissions" else ZERO)
        delta = after.get(key, 0) - before.get(key, 0)
        value = now - delta
        if key == "admissions":
            result[key] = max(0, int(value))
        else:
            result[key] = max(ZERO, Decimal(value))
    return result


def parse_provisional(raw: Any) -> dict[str, Any] | None:
    """The client's provisional result: its setlinfo figures (Decimal), fund lines and policy."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("setlinfo"), dict):
        raise BadInput("provisional 应为结算结果对象（含 setlinfo），或 null")
    setlinfo = raw["setlinfo"]
    figures: dict[str, Decimal] = {}
    for key in ADJUSTED_KEYS:
        if key not in setlinfo:
            raise BadInput(f"provisional.setlinfo.{key} 缺失")
        figures[key] = money(setlinfo[key], f"provisional.setlinfo.{key}")
    funds: dict[str, tuple[str, Decimal]] = {}
    detail = raw.get("setldetail") or []
    if not isinstance(detail, list):
        raise BadInput("provisional.setldetail 应为列表")
    for i, line in enumerate(detail):
        if not isinstance(line, dict) or not isinstance(line.get("fund_pay_type"), str):
            raise BadInput(f"provisional.setldetail[{i}] 应含 fund_pay_type 和 fund_payamt")
        amount = money(line.get("fund_payamt"), f"provisional.setldetail[{i}].fund_payamt")
        code = line["fund_pay_type"]
        name = str(line.get("fund_pay_type_name") or "")
        previous = funds.get(code, (name, ZERO))[1]
        funds[code] = (name, previous + amount)
    policy = raw.get("policy") if isinstance(raw.get("policy"), dict) else {}
    return {"setlinfo": figures, "funds": funds, "policy": policy,
            "year_to_date_after": raw.get("year_to_date_after")}


def adjustment_reasons(raw_request: dict[str, Any], person: PersonRecord, central_ytd: Accumulators,
                       provisional: dict[str, Any], final: SettlementResult) -> list[str]:
    """Which inputs of the provisional settlement differed from the central system's."""
    reasons: list[str] = []
    found = raw_request.get("person")
    client_person: dict[str, Any] = found if isinstance(found, dict) else {}
    if any((client_person.get(k) or None) != (person.data.get(k) or None) for k in RULE_PERSON_KEYS):
        reasons.append("person")
    client_ytd = raw_request.get("year_to_date")
    try:
        ytd = accumulators_from_json(client_ytd or {}, "request.year_to_date")
    except BadInput:
        ytd = None
    if ytd is None or any(ytd[k] != central_ytd.get(k, 0) for k in YTD_KEYS):
        reasons.append("year_to_date")
    sha = provisional["policy"].get("sha256")
    if sha and sha != final.policy_sha256:
        reasons.append("policy")
    return reasons


def adjustment(provisional: dict[str, Any] | None, final: SettlementResult,
               reasons: list[str]) -> dict[str, Any] | None:
    """final minus provisional for psn_cash_pay and each fund (positive psn_cash_pay: the patient pays more)."""
    if provisional is None:
        return None
    figures = provisional["setlinfo"]
    diffs = {k: final.setlinfo[k] - figures[k] for k in ADJUSTED_KEYS}
    final_funds: dict[str, tuple[str, Decimal]] = {}
    for line in final.setldetail:
        previous = final_funds.get(line.fund_pay_type, (line.fund_pay_type_name, ZERO))[1]
        final_funds[line.fund_pay_type] = (line.fund_pay_type_name, previous + line.fund_payamt)
    prov_funds: dict[str, tuple[str, Decimal]] = provisional["funds"]
    funds = []
    for code in sorted(set(final_funds) | set(prov_funds)):
        name = (final_funds.get(code) or prov_funds[code])[0]
        before = prov_funds.get(code, ("", ZERO))[1]
        after = final_funds.get(code, ("", ZERO))[1]
        funds.append({"fund_pay_type": code, "fund_pay_type_name": name, "provisional": fmt(before),
                      "final": fmt(after), "difference": fmt(after - before)})
    adjusted = any(diffs.values()) or any(f["difference"] != "0.00" for f in funds)
    return {
        "adjusted": adjusted,
        **{k: fmt(v) for k, v in diffs.items()},
        "funds": funds,
        "reasons": reasons if adjusted else [],
        "provisional_policy": provisional["policy"] or None,
    }


def negated(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    return {k: -v for k, v in amounts.items()}
