"""The audit engine (智能审核): a settlement request, the person's recent stays and a review-rule
library in, violations out. Pure and deterministic; no I/O.

Line rules are indexed by catalogue code and by code prefix (class), so a bill is audited in
one pass over its distinct codes, not against every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..money import ZERO, round_fen
from ..request import SettlementRequest, parse_request
from .identity import Sex, age_on, certno_birth_date, certno_sex
from .library import LINE_KINDS, ReviewLibrary, ReviewRule

__all__ = ["DeclaredPerson", "PriorStay", "Violation", "audit"]

_SEX_WORDS = {"male": "男", "female": "女"}
_GEND: dict[str, Sex] = {"1": "male", "2": "female"}


@dataclass(frozen=True, slots=True)
class PriorStay:
    """One earlier stay of the same person, as the caller knows it (journal, roster cache, store)."""

    mdtrt_id: str
    fixmedins_code: str
    begntime: dt.date
    endtime: dt.date
    diagnoses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeclaredPerson:
    """Sex and birth date as declared by the roster or HIS (gend "1" male, "2" female)."""

    gend: str | None = None
    brdy: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    rule_id: str
    kind: str
    severity: Literal["warn", "block"]
    feedetl_sn: list[str]
    amount: Decimal
    text: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """As JSON: the amount as a decimal string."""
        return {"rule_id": self.rule_id, "kind": self.kind, "severity": self.severity,
                "feedetl_sn": list(self.feedetl_sn), "amount": f"{self.amount:.2f}", "text": self.text,
                "evidence": dict(self.evidence)}


@dataclass(slots=True)
class _Group:
    """The lines of one catalogue code, netted (a refund line lowers the count and amount)."""

    code: str
    name: str
    sns: list[str]
    cnt: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class _Index:
    by_code: dict[str, list[ReviewRule]]
    by_prefix: dict[str, list[ReviewRule]]
    prefix_lengths: tuple[int, ...]
    stay_rules: tuple[ReviewRule, ...]
    order: dict[str, int]


def _index(library: ReviewLibrary) -> _Index:
    cached = library._index.get("index")
    if isinstance(cached, _Index):
        return cached
    by_code: dict[str, list[ReviewRule]] = {}
    by_prefix: dict[str, list[ReviewRule]] = {}
    for rule in library.rules:
        if rule.kind not in LINE_KINDS:
            continue
        for code in dict.fromkeys(rule.codes):
            by_code.setdefault(code, []).append(rule)
        for prefix in dict.fromkeys(rule.code_prefixes):
            by_prefix.setdefault(prefix, []).append(rule)
    index = _Index(by_code, by_prefix, tuple(sorted({len(p) for p in by_prefix})),
                   tuple(r for r in library.rules if r.kind not in LINE_KINDS),
                   {r.id: n for n, r in enumerate(library.rules)})
    library._index["index"] = index
    return index


class _Fmt(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _text(rule: ReviewRule, **values: object) -> str:
    try:
        return rule.text.format_map(_Fmt(values))
    except (ValueError, IndexError):
        return rule.text


def _groups(request: SettlementRequest) -> dict[str, _Group]:
    fees = request.fees
    groups: dict[str, _Group] = {}
    for sn, code, name, cnt, amount in zip(fees.feedetl_sn, fees.med_list_codg, fees.name, fees.cnt,
                                           fees.det_item_fee_sumamt, strict=True):
        group = groups.get(code)
        if group is None:
            groups[code] = _Group(code, name, [sn], cnt, amount)
        else:
            group.sns.append(sn)
            group.cnt += cnt
            group.amount += amount
    return groups


def _dx_key(code: str) -> str:
    return code.replace(".", "").upper()


def _has_indication(diagnoses: Sequence[str], prefixes: Sequence[str]) -> bool:
    keys = [_dx_key(d) for d in diagnoses]
    return any(k.startswith(_dx_key(p)) for k in keys for p in prefixes)


@dataclass(frozen=True, slots=True)
class _Context:
    request: SettlementRequest
    sex: Sex | None
    birth: dt.date | None
    stay_days: int
    inpatient: bool
    present: frozenset[str]
    groups: Mapping[str, _Group]


def _excess(rule: ReviewRule, cnt: Decimal, stay_days: int) -> tuple[Decimal, Decimal] | None:
    limits: list[Decimal] = []
    if rule.max_per_day is not None:
        limits.append(rule.max_per_day * stay_days)
    if rule.max_days is not None:
        limits.append((rule.max_per_day or Decimal(1)) * min(rule.max_days, stay_days)
                      if rule.max_per_day is not None else Decimal(rule.max_days))
    if rule.max_per_stay is not None:
        limits.append(rule.max_per_stay)
    allowed = min(limits)
    return (cnt - allowed, allowed) if cnt > allowed else None


def _line_violation(rule: ReviewRule, group: _Group, ctx: _Context) -> Violation | None:
    enc = ctx.request.encounter
    person = ctx.request.person
    evidence: dict[str, Any] = {"med_list_codg": group.code, "cnt": str(group.cnt)}
    amount = group.amount
    sns = list(group.sns)
    values: dict[str, object] = {"name": group.name, "code": group.code}
    kind = rule.kind
    if kind == "sex":
        if ctx.sex is None or ctx.sex == rule.sex:
            return None
        evidence["sex"] = ctx.sex
        values["sex"] = _SEX_WORDS[ctx.sex]
    elif kind == "age":
        if ctx.birth is None:
            return None
        years, days = age_on(ctx.birth, enc.begntime)
        too_young = rule.min_age_years is not None and years < rule.min_age_years
        too_old = (rule.max_age_years is not None and years > rule.max_age_years) or \
                  (rule.max_age_days is not None and days > rule.max_age_days)
        if not (too_young or too_old):
            return None
        evidence.update(age_years=years, age_days=days)
        values.update(age=years)
    elif kind == "indication":
        if _has_indication(enc.diagnoses, rule.icd10_prefixes):
            return None
        evidence["diagnoses"] = list(enc.diagnoses)
    elif kind == "hosp_level":
        if enc.hosp_lv in rule.levels:
            return None
        evidence["hosp_lv"] = enc.hosp_lv
        values["level"] = enc.hosp_lv
    elif kind == "med_mode":
        if ctx.inpatient == (rule.mode == "inpatient"):
            return None
        evidence["med_type"] = enc.med_type
    elif kind == "insutype":
        if person.insutype in rule.insutypes:
            return None
        evidence["insutype"] = person.insutype
    elif kind == "quantity":
        found = _excess(rule, group.cnt, ctx.stay_days)
        if found is None:
            return None
        excess, allowed = found
        amount = round_fen(group.amount * excess / group.cnt)
        evidence.update(allowed=str(allowed), excess=str(excess), stay_days=ctx.stay_days)
        values.update(allowed=allowed, excess=excess)
    elif kind == "pair":
        others = [code for code in rule.pair_codes if code in ctx.present and code != group.code]
        if not others:
            return None
        amount = sum((ctx.groups[c].amount for c in others), ZERO)
        sns = [sn for c in others for sn in ctx.groups[c].sns]
        evidence.update(with_code=group.code, with_feedetl_sn=list(group.sns), pair_codes=others)
        values.update(other=ctx.groups[others[0]].name)
    else:  # pragma: no cover - LINE_KINDS is closed
        return None
    return Violation(rule.id, kind, rule.severity, sns, round_fen(amount), _text(rule, **values), evidence)


def _readmission(rule: ReviewRule, ctx: _Context, stays: Sequence[PriorStay]) -> Violation | None:
    enc = ctx.request.encounter
    if not ctx.inpatient:
        return None
    n = rule.related_prefix_length
    current = {_dx_key(d)[:n] for d in enc.diagnoses}
    best: tuple[int, PriorStay] | None = None
    for stay in stays:
        if stay.mdtrt_id == enc.mdtrt_id or stay.endtime > enc.begntime:
            continue
        gap = (enc.begntime - stay.endtime).days
        if gap > rule.within_days:
            continue
        if rule.same_hospital and stay.fixmedins_code != enc.fixmedins_code:
            continue
        if not current & {_dx_key(d)[:n] for d in stay.diagnoses}:
            continue
        if best is None or (gap, stay.mdtrt_id) < (best[0], best[1].mdtrt_id):
            best = (gap, stay)
    if best is None:
        return None
    gap, stay = best
    total = round_fen(sum(ctx.request.fees.det_item_fee_sumamt, ZERO))
    evidence = {"prior_mdtrt_id": stay.mdtrt_id, "prior_begntime": stay.begntime.isoformat(),
                "prior_endtime": stay.endtime.isoformat(), "begntime": enc.begntime.isoformat(),
                "gap_days": gap, "within_days": rule.within_days, "prior_diagnoses": list(stay.diagnoses),
                "diagnoses": list(enc.diagnoses)}
    return Violation(rule.id, rule.kind, rule.severity, [], total,
                     _text(rule, days=gap, within=rule.within_days, prior=stay.mdtrt_id), evidence)


def _identity(rule: ReviewRule, ctx: _Context, declared: DeclaredPerson | None,
              stays: Sequence[PriorStay]) -> Violation | None:
    certno = ctx.request.person.certno
    evidence: dict[str, Any] = {}
    if declared is not None:
        if "sex" in rule.checks and declared.gend in _GEND and ctx.sex is not None and \
                _GEND[declared.gend] != ctx.sex:
            evidence.update(declared_sex=_GEND[declared.gend], certno_sex=ctx.sex)
        birth = certno_birth_date(certno)
        if "age" in rule.checks and declared.brdy is not None and birth is not None and declared.brdy != birth:
            evidence.update(declared_brdy=declared.brdy.isoformat(), certno_brdy=birth.isoformat())
    if "overlap" in rule.checks:
        enc = ctx.request.encounter
        elsewhere = sorted((s for s in stays if s.fixmedins_code != enc.fixmedins_code and s.mdtrt_id != enc.mdtrt_id
                            and s.begntime < enc.endtime and s.endtime > enc.begntime),
                           key=lambda s: (s.begntime, s.mdtrt_id))
        if elsewhere:
            other = elsewhere[0]
            evidence.update(overlap_mdtrt_id=other.mdtrt_id, overlap_fixmedins_code=other.fixmedins_code,
                            overlap_begntime=other.begntime.isoformat(), overlap_endtime=other.endtime.isoformat())
    if not evidence:
        return None
    return Violation(rule.id, rule.kind, rule.severity, [], ZERO, _text(rule), evidence)


def audit(request: SettlementRequest | Mapping[str, Any], library: ReviewLibrary,
          stays: Iterable[PriorStay] = (), declared: DeclaredPerson | None = None) -> list[Violation]:
    """Every violation of ``library`` by ``request`` (a parsed request or its raw dict), given the
    person's earlier ``stays`` and the sex and birth date ``declared`` by the roster or HIS.

    Sex and age come from the ID number (certno), else from ``declared``. Violations are ordered
    by rule (file order), then by the first line they concern."""
    if not isinstance(request, SettlementRequest):
        request = parse_request(dict(request))
    index = _index(library)
    enc = request.encounter
    certno = request.person.certno
    sex = certno_sex(certno) or (_GEND.get(declared.gend or "") if declared else None)
    birth = certno_birth_date(certno) or (declared.brdy if declared else None)
    groups = {code: g for code, g in _groups(request).items() if g.cnt > 0 and g.amount > 0}
    ctx = _Context(request, sex, birth, max((enc.endtime - enc.begntime).days, 1),
                   enc.med_type.startswith("2"), frozenset(groups), groups)
    found: list[tuple[int, int, Violation]] = []
    line_order = {sn: n for n, sn in enumerate(request.fees.feedetl_sn)}
    for group in groups.values():
        rules: list[ReviewRule] = list(index.by_code.get(group.code, ()))
        for length in index.prefix_lengths:
            if length <= len(group.code):
                rules.extend(index.by_prefix.get(group.code[:length], ()))
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                continue
            seen.add(rule.id)
            violation = _line_violation(rule, group, ctx)
            if violation is not None:
                first = min((line_order[sn] for sn in violation.feedetl_sn), default=-1)
                found.append((index.order[rule.id], first, violation))
    stay_list = list(stays)
    for rule in index.stay_rules:
        violation = _readmission(rule, ctx, stay_list) if rule.kind == "readmission" \
            else _identity(rule, ctx, declared, stay_list)
        if violation is not None:
            found.append((index.order[rule.id], -1, violation))
    found.sort(key=lambda item: (item[0], item[1]))
    return [v for _, _, v in found]
