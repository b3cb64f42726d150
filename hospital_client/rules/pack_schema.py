"""The policy-pack format: what a TOML pack may say, validated on load.

Every model forbids unknown keys so that a typo in a pack is an error that names the key,
not a silently ignored rule. Numbers are read from TOML as Decimal (never binary float).
docs/policy-packs.md documents each key with an example.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from .money import round_fen

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Ratio = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]
HOSP_LEVELS = ("1", "2", "3")
ASSISTANCE_GROUPS = ("tekun", "dibao", "dibao_edge", "poverty", "orphan", "disabled", "other")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _by_level(value: dict[str, Decimal], what: str) -> dict[str, Decimal]:
    keys = set(value)
    if keys != set(HOSP_LEVELS):
        missing = sorted(set(HOSP_LEVELS) - keys)
        extra = sorted(keys - set(HOSP_LEVELS))
        parts = []
        if missing:
            parts.append(f"missing hospital level(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unknown hospital level(s) {', '.join(extra)} (use 1, 2, 3)")
        raise ValueError(f"{what} must give a value for hospital levels 1, 2 and 3: {'; '.join(parts)}")
    return value


class PackInfo(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    source: str = Field(min_length=1, description="The policy text the rules come from")
    admdvs: list[str] = Field(min_length=1, description="Insured-place division codes covered")
    insutypes: list[str] = Field(min_length=1)
    med_types: list[str] = Field(default=["21"], min_length=1)
    valid_from: dt.date
    valid_to: dt.date
    demo: bool = False
    illustrative: list[str] = Field(
        default=[], description="Keys whose figures the policy text leaves open (illustrative values)"
    )
    notes: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> PackInfo:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class ItemRules(_Strict):
    class_b_selfpay: Ratio = Decimal(0)
    price_caps: bool = True


def _once_for_all_levels(value: Any) -> Any:
    # A level the text does not distinguish is given once: `deductible = 800` means 800 at levels 1, 2 and 3.
    if isinstance(value, (int, Decimal, str)) and not isinstance(value, bool):
        return {level: value for level in HOSP_LEVELS}
    if isinstance(value, dict) and "factor" in value:
        return {level: value for level in HOSP_LEVELS}
    return value


class FigureShare(_Strict):
    """An amount given as a multiple of a published figure of [figures]: 10% of last year's wage, 6 times it."""

    factor: Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
    of: str = Field(min_length=1, description="the name of a [figures.<name>] table")


class Figure(_Strict):
    """A published figure (last year's average wage, per-capita income), written into the pack."""

    name: str = Field(min_length=1, description="what the text calls it, e.g. 上年度在岗职工平均工资")
    amount: Money


def _amount_kind(value: Any) -> str:
    return "=share" if isinstance(value, (dict, FigureShare)) else "=amount"


# A fixed amount or a share of a figure; the tags (dropped from error locations) keep one error per value.
Amount = Annotated[
    Annotated[Money, Tag("=amount")] | Annotated[FigureShare, Tag("=share")], Discriminator(_amount_kind)
]
LevelMoney = Annotated[dict[str, Money], BeforeValidator(_once_for_all_levels)]
LevelRatio = Annotated[dict[str, Ratio], BeforeValidator(_once_for_all_levels)]
LevelAmount = Annotated[dict[str, Amount], BeforeValidator(_once_for_all_levels)]
BandMeasure = Literal["policy_range", "above_deductible"]
MEASURE_HELP = (
    'say how [[basic.bands]] upto is measured: measure = "policy_range" when the text bands the whole '
    "policy-range cost of the admission, deductible included (起付线以上至 1 万元 80%，1 万元以上 90%; "
    'the first band then holds 10,000 minus the deductible), or measure = "above_deductible" when it bands '
    "the amount above the deductible (起付线以上 1 万元以内 80%，超过 1 万元的部分 90%)"
)


class AdmissionRule(_Strict):
    from_nth: int = Field(ge=2, description="applies to this admission of the year and later ones")
    factor: Ratio | None = None
    amount: LevelMoney | None = None
    less_each: LevelMoney | None = Field(
        default=None, description="each admission from from_nth on: this much less than the one before"
    )
    at_least: LevelMoney | None = Field(default=None, description="the floor of less_each")

    @field_validator("amount", "less_each", "at_least")
    @classmethod
    def _levels(cls, v: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        return None if v is None else _by_level(v, "this value")

    @model_validator(mode="after")
    def _one_of(self) -> AdmissionRule:
        if sum(x is not None for x in (self.factor, self.amount, self.less_each)) != 1:
            raise ValueError("give exactly one of 'factor', 'amount' or 'less_each'")
        if self.at_least is not None and self.less_each is None:
            raise ValueError("'at_least' goes with 'less_each'")
        return self


class OutOfArea(_Strict):
    deductible_factor: Annotated[Decimal, Field(ge=0, le=10)] = Decimal(1)
    ratio_minus_registered: Ratio = Decimal(0)
    ratio_minus_unregistered: Ratio = Decimal(0)


class RatioBand(_Strict):
    upto: Money | None = None
    ratio: LevelRatio

    @field_validator("ratio")
    @classmethod
    def _levels(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        return _by_level(v, "ratio")


class PersonCategory(_Strict):
    """Basic-pool rules for some person categories (psn_type): what it gives replaces [basic]'s."""

    name: str = Field(min_length=1, description="the text's name of the category, e.g. 学生儿童")
    psn_types: list[str] = Field(min_length=1)
    deductible: LevelAmount | None = None
    ratio: LevelRatio | None = None
    bands: list[RatioBand] = []
    measure: BandMeasure | None = None
    annual_cap: Amount | None = None
    admission_rules: list[AdmissionRule] | None = Field(
        default=None, description="this category's rules by admission number, instead of [basic]'s")

    @field_validator("deductible", "ratio")
    @classmethod
    def _levels(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if v is None else _by_level(v, "this table")

    @model_validator(mode="after")
    def _ratio_or_bands(self) -> PersonCategory:
        if self.ratio is not None and self.bands:
            raise ValueError("give at most one of 'ratio' or [[bands]]")
        _check_bands([b.upto for b in self.bands], "bands")
        _check_admission_rules(self.admission_rules or [])
        return self


def _check_admission_rules(rules: list[AdmissionRule]) -> None:
    nths = [r.from_nth for r in rules]
    if nths != sorted(set(nths)):
        raise ValueError("admission_rules must be in increasing from_nth order, each once")


class BasicRules(_Strict):
    annual_cap: Amount | None = Field(default=None, description="none: the text sets no annual cap")
    deductible: LevelAmount | None = None
    deductible_mode: Literal["per_admission", "once_per_year_highest"] = "per_admission"
    admission_rules: list[AdmissionRule] = []
    referral: Literal["difference", "full"] = "difference"
    ratio: LevelRatio | None = None
    bands: list[RatioBand] = []
    measure: BandMeasure | None = None
    categories: list[PersonCategory] = []
    group_ratio_plus: dict[str, Ratio] = Field(default={}, description="psn_type -> ratio points added")
    out_of_area: OutOfArea = OutOfArea()
    cross_year: Literal["discharge_date", "split_at_year_end"] = Field(
        default="discharge_date",
        description="a stay over 31 December: settled whole in its discharge year, or split there by a "
                    "mid-stay settlement",
    )

    @field_validator("deductible", "ratio")
    @classmethod
    def _levels(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if v is None else _by_level(v, "this table")

    @model_validator(mode="after")
    def _ratio_or_bands(self) -> BasicRules:
        if self.ratio is not None and self.bands:
            raise ValueError("give exactly one of [basic.ratio] or [[basic.bands]]")
        if self.ratio is None and not self.bands and (
            not self.categories or any(c.ratio is None and not c.bands for c in self.categories)
        ):
            raise ValueError("give exactly one of [basic.ratio] or [[basic.bands]]")
        if self.deductible is None and (not self.categories or any(c.deductible is None for c in self.categories)):
            raise ValueError("[basic.deductible] is missing (it may be left out only when every category gives one)")
        _check_bands([b.upto for b in self.bands], "bands")
        if self.bands and self.measure is None:
            raise ValueError(MEASURE_HELP)
        for n, category in enumerate(self.categories):
            if category.bands and category.measure is None and self.measure is None:
                raise ValueError(f"categories[{n}] ({category.name}): {MEASURE_HELP}")
        uses_bands = bool(self.bands) or any(c.bands and c.measure is None for c in self.categories)
        if self.measure is not None and not uses_bands:
            raise ValueError("'measure' applies to [[basic.bands]] only; there are none: remove it")
        seen: dict[str, str] = {}
        for category in self.categories:
            for code in category.psn_types:
                if code in seen:
                    raise ValueError(f"psn_type {code!r} is in categories {seen[code]} and {category.name}")
                seen[code] = category.name
        _check_admission_rules(self.admission_rules)
        if self.deductible_mode == "once_per_year_highest" and (
                self.admission_rules or any(c.admission_rules for c in self.categories)):
            raise ValueError(
                "admission_rules do not apply with deductible_mode = \"once_per_year_highest\"; remove them"
            )
        return self

    def figure_names(self) -> set[str]:
        """The [figures] this pool's amounts refer to."""
        amounts: list[Any] = [self.annual_cap, *(self.deductible or {}).values()]
        for category in self.categories:
            amounts += [category.annual_cap, *(category.deductible or {}).values()]
        return {a.of for a in amounts if isinstance(a, FigureShare)}


def _check_bands(uptos: list[Decimal | None], what: str) -> None:
    if not uptos:
        return
    if uptos[-1] is not None:
        raise ValueError(f"the last of {what} must have no 'upto' (it runs to infinity)")
    if any(u is None for u in uptos[:-1]):
        raise ValueError(f"only the last of {what} may omit 'upto'")
    bounds = [u for u in uptos[:-1] if u is not None]
    if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
        raise ValueError(f"'upto' of {what} must increase strictly")


class DeductibleSpec(_Strict):
    amount: Money | None = None
    income_share: Ratio | None = None
    last_year_income: Money | None = None
    of: str | None = Field(default=None, description="a [figures.<name>] that gives last_year_income")

    @model_validator(mode="after")
    def _one_way(self) -> DeductibleSpec:
        if self.of is not None and self.last_year_income is None:
            raise ValueError(f"'of' names no [figures.<name>] table: {self.of}")
        by_income = self.income_share is not None or self.last_year_income is not None
        if self.amount is not None and by_income:
            raise ValueError("give either 'amount' or 'income_share' with 'last_year_income', not both")
        if self.amount is None and (self.income_share is None or self.last_year_income is None):
            raise ValueError("give 'amount', or both 'income_share' and 'last_year_income'")
        return self


class Segment(_Strict):
    upto: Money | None = None
    ratio: Ratio


class Rising(_Strict):
    start: Ratio
    step: Annotated[Decimal, Field(gt=0)]
    points: Ratio
    max: Ratio

    @model_validator(mode="after")
    def _max_not_below_start(self) -> Rising:
        if self.max < self.start:
            raise ValueError("max is below start")
        return self


def _known_group_names(groups: list[str]) -> list[str]:
    unknown = sorted(set(groups) - set(ASSISTANCE_GROUPS))
    if unknown:
        raise ValueError(f"unknown assistance group(s) {unknown}; known: {list(ASSISTANCE_GROUPS)}")
    return groups


class PoorConcession(_Strict):
    groups: list[str] = Field(min_length=1)

    @field_validator("groups")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        return _known_group_names(v)
    deductible_factor: Ratio = Decimal(1)
    deductible: Money | None = Field(default=None, description="the published (rounded) deductible for these groups")
    ratio_plus: Ratio = Decimal(0)

    @model_validator(mode="after")
    def _factor_or_amount(self) -> PoorConcession:
        if self.deductible is not None and "deductible_factor" in self.model_fields_set:
            raise ValueError("give either 'deductible_factor' or 'deductible', not both")
        return self


class HifmiRules(_Strict):
    base: Literal["after_pool", "after_pool_with_deductible"]
    include_preselfpay: bool = False
    deductible: DeductibleSpec
    deductible_urban: DeductibleSpec | None = None
    deductible_rural: DeductibleSpec | None = None
    measure: Literal["above_deductible", "cumulative"] = "above_deductible"
    segments: list[Segment] = []
    rising: Rising | None = None
    annual_cap: Money | None = None
    poor: PoorConcession | None = None

    @model_validator(mode="after")
    def _segments_or_rising(self) -> HifmiRules:
        if (self.rising is None) == (not self.segments):
            raise ValueError("give exactly one of [[hifmi.segments]] or [hifmi.rising]")
        _check_bands([s.upto for s in self.segments], "segments")
        return self


def _check_assistance_scale(
    ratio: Decimal | None, bands: list[Segment], per: str, admission_cap: Decimal | None
) -> None:
    if (ratio is None) == (not bands):
        raise ValueError("give exactly one of 'ratio' or [[bands]]")
    _check_bands([b.upto for b in bands], "bands")
    if admission_cap is not None and per != "admission":
        raise ValueError("admission_cap needs per = \"admission\" (a yearly rule is settled on the year's total)")


class AssistanceGroup(_Strict):
    per: Literal["year", "admission"] = Field(
        default="year", description="deductible and bands on the year's cumulative base or on each admission's"
    )
    deductible: Money = Decimal(0)
    ratio: Ratio | None = None
    bands: list[Segment] = []
    annual_cap: Money | None = None
    admission_cap: Money | None = None

    @model_validator(mode="after")
    def _scale(self) -> AssistanceGroup:
        _check_assistance_scale(self.ratio, self.bands, self.per, self.admission_cap)
        return self


class SecondTier(_Strict):
    groups: list[str] = Field(min_length=1)

    @field_validator("groups")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        return _known_group_names(v)
    per: Literal["year", "admission"] = "year"
    threshold: Money
    ratio: Ratio | None = None
    bands: list[Segment] = []
    annual_cap: Money | None = None
    admission_cap: Money | None = None

    @model_validator(mode="after")
    def _scale(self) -> SecondTier:
        _check_assistance_scale(self.ratio, self.bands, self.per, self.admission_cap)
        return self


class AssistanceRules(_Strict):
    base: Literal["compliant", "compliant_with_preselfpay", "all"] = "compliant"
    groups: dict[str, AssistanceGroup]
    second_tier: SecondTier | None = None

    @field_validator("groups")
    @classmethod
    def _known_groups(cls, v: dict[str, AssistanceGroup]) -> dict[str, AssistanceGroup]:
        _known_group_names(list(v))
        return v

    @model_validator(mode="after")
    def _second_tier_within_groups(self) -> AssistanceRules:
        if self.second_tier is not None:
            outside = sorted(set(self.second_tier.groups) - set(self.groups))
            if outside:
                raise ValueError(f"second_tier.groups {outside} have no [assistance.groups.<name>] table")
        return self


class FurtherFund(_Strict):
    """An employee scheme's further step after the basic pool, settled on the year's cumulative base:
    [hifob] 职工大额医疗费用补助, [cvlserv] 公务员医疗补助 (the latter for persons with cvlserv_flag)."""

    base: Literal["over_pool_cap", "after_pool", "after_pool_with_deductible"] = Field(
        description="over_pool_cap: the policy-range cost above the basic pool's annual cap; after_pool: what "
                    "the patient still carries of the policy-range cost after the pool (and the earlier steps)"
    )
    insutypes: list[str] = Field(default=[], description="the insutypes it applies to; none: all of the pack's")
    deductible: Amount = Decimal(0)
    ratio: Ratio | None = None
    segments: list[Segment] = []
    annual_cap: Amount | None = None

    @model_validator(mode="after")
    def _ratio_or_segments(self) -> FurtherFund:
        if (self.ratio is None) == (not self.segments):
            raise ValueError("give exactly one of 'ratio' or [[segments]]")
        _check_bands([s.upto for s in self.segments], "segments")
        return self

    def figure_names(self) -> set[str]:
        return {a.of for a in (self.deductible, self.annual_cap) if isinstance(a, FigureShare)}


FURTHER_FUNDS = ("hifob", "cvlserv")
FURTHER_YTD_KEYS = {name: (f"{name}_base", f"{name}_pay") for name in FURTHER_FUNDS}


class FundName(_Strict):
    code: str = Field(pattern=r"^[0-9A-Za-z]{1,10}$")
    name: str = Field(min_length=1)


class Funds(_Strict):
    basic: FundName
    basic_by_insutype: dict[str, FundName] = Field(default={}, description="insutype -> basic fund, if it differs")
    hifmi: FundName | None = None
    maf: FundName | None = None
    maf2: FundName | None = None
    hifob: FundName | None = None
    cvlserv: FundName | None = None


class PaymentRules(_Strict):
    """How the patient may pay the cash part at the window (the desk offers these methods)."""

    personal_account: bool = Field(default=False, description="医保个人账户 may pay the cash part")


CORE_YTD_KEYS = ("act_pay_dedc", "hifp_pay")
_OTHER_CORE_KEYS = ("admissions", "hifmi_base", "hifmi_pay", "maf_base", "maf_pay", "maf2_base", "maf2_pay")
AccumulatorKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class ChronicDisease(_Strict):
    """One disease of a 门诊慢特病 list: its annual limit on what the pool pays for it, and where that is counted."""

    name: str = Field(min_length=1)
    annual_limit: Money
    paid_key: AccumulatorKey = Field(description="year_to_date key of what the pool paid for this disease")


class OutpatientSection(_Strict):
    """The rules of one outpatient med_type: 普通门诊统筹 (11), 门诊慢特病 (14)."""

    name: str = Field(min_length=1)
    med_type: str = Field(min_length=1)
    deductible_per_visit: LevelMoney | None = None
    deductible_annual: Money | None = None
    deductible_key: AccumulatorKey | None = Field(
        default=None, description='year_to_date key of the annual deductible paid; "act_pay_dedc" shares inpatient\'s'
    )
    ratio: LevelRatio
    annual_cap: Money | None = None
    paid_key: AccumulatorKey = Field(
        description='year_to_date key of what the pool paid; "hifp_pay" shares inpatient\'s'
    )
    diseases: dict[str, ChronicDisease] = Field(default={}, description="disease code (dise_codg) -> its limit")

    @model_validator(mode="after")
    def _keys_given(self) -> OutpatientSection:
        if self.deductible_annual is not None and self.deductible_key is None:
            raise ValueError("deductible_annual needs deductible_key (the year_to_date key it is counted in)")
        for key in self.accumulator_keys():
            if key in _OTHER_CORE_KEYS:
                raise ValueError(f"{key} is a rules-core accumulator; share only act_pay_dedc or hifp_pay")
        for code, disease in self.diseases.items():
            if disease.paid_key in (self.paid_key, self.deductible_key):
                raise ValueError(f"diseases.{code}.paid_key must differ from the section's paid_key and deductible_key")
        if self.med_type == "21":
            raise ValueError("med_type 21 is the inpatient rules at the top level of the pack")
        return self

    def accumulator_keys(self) -> set[str]:
        keys = {self.paid_key} | {d.paid_key for d in self.diseases.values()}
        if self.deductible_key is not None:
            keys.add(self.deductible_key)
        return keys - set(CORE_YTD_KEYS)


class PackModel(_Strict):
    pack: PackInfo
    items: ItemRules = ItemRules()
    basic: BasicRules
    hifmi: HifmiRules | None = None
    assistance: AssistanceRules | None = None
    hifob: FurtherFund | None = Field(default=None, description="职工大额医疗费用补助")
    cvlserv: FurtherFund | None = Field(default=None, description="公务员医疗补助")
    funds: Funds
    figures: dict[str, Figure] = Field(default={}, description="published figures amounts refer to by name")
    outpatient: dict[str, OutpatientSection] = Field(default={}, description="outpatient sections by name")
    payment: PaymentRules = PaymentRules()

    @model_validator(mode="after")
    def _outpatient_med_types(self) -> PackModel:
        seen: set[str] = set()
        for name, section in self.outpatient.items():
            if section.med_type in self.pack.med_types:
                raise ValueError(
                    f"[outpatient.{name}] med_type {section.med_type} is also in pack.med_types "
                    "(those are the med_types of the top-level rules)"
                )
            if section.med_type in seen:
                raise ValueError(f"two [outpatient] sections give med_type {section.med_type}")
            seen.add(section.med_type)
        return self

    def outpatient_for(self, med_type: str) -> OutpatientSection | None:
        """The outpatient section of this med_type; None means the top-level rules."""
        return next((s for s in self.outpatient.values() if s.med_type == med_type), None)

    def outpatient_name(self, med_type: str) -> str | None:
        return next((name for name, s in self.outpatient.items() if s.med_type == med_type), None)

    def accumulator_keys(self) -> set[str]:
        """The year_to_date keys this pack declares beyond the rules core's."""
        keys = {k for s in self.outpatient.values() for k in s.accumulator_keys()}
        for name in FURTHER_FUNDS:
            if getattr(self, name) is not None:
                keys.update(FURTHER_YTD_KEYS[name])
        return keys

    @model_validator(mode="after")
    def _further_funds(self) -> PackModel:
        for name in FURTHER_FUNDS:
            if getattr(self, name) is not None and getattr(self.funds, name) is None:
                raise ValueError(f"[{name}] is given but [funds.{name}] is not")
        taken = {k for s in self.outpatient.values() for k in s.accumulator_keys()}
        for name in FURTHER_FUNDS:
            clash = sorted(taken & set(FURTHER_YTD_KEYS[name])) if getattr(self, name) is not None else []
            if clash:
                raise ValueError(
                    f"{clash[0]} is the year_to_date key of [{name}]; an outpatient section may not use it")
        return self

    @model_validator(mode="before")
    @classmethod
    def _hifmi_figures(cls, data: Any) -> Any:
        """大病保险 amounts given by a published figure, resolved to what the 大病 rules take: a deductible
        table's 'of' gives its last_year_income, an annual_cap { factor, of } its amount (rounded to the fen)."""
        if not isinstance(data, dict) or not isinstance(data.get("hifmi"), dict):
            return data
        raw_figures = data.get("figures")
        figures: dict[Any, Any] = raw_figures if isinstance(raw_figures, dict) else {}
        hifmi = dict(data["hifmi"])

        def figure(name: Any) -> Decimal | None:
            entry = figures.get(name) if isinstance(name, str) else None
            amount = entry.get("amount") if isinstance(entry, dict) else None
            return Decimal(amount) if isinstance(amount, (int, Decimal)) and not isinstance(amount, bool) else None

        for key in ("deductible", "deductible_urban", "deductible_rural"):
            spec = hifmi.get(key)
            if isinstance(spec, dict) and "of" in spec:
                if "last_year_income" in spec:
                    raise ValueError(f"hifmi.{key}: give either 'last_year_income' or 'of', not both")
                amount = figure(spec["of"])
                if amount is not None:
                    hifmi[key] = {**spec, "last_year_income": amount}
        cap = hifmi.get("annual_cap")
        if isinstance(cap, dict):
            amount = figure(cap.get("of"))
            if amount is None:
                raise ValueError(f"hifmi.annual_cap: 'of' names no [figures.<name>] table: {cap.get('of')}")
            try:
                share = FigureShare.model_validate(cap)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in ("hifmi", "annual_cap", *first["loc"]))
                raise ValueError(f"{where}: {first['msg']}") from None
            hifmi["annual_cap"] = round_fen(share.factor * amount)
        return {**data, "hifmi": hifmi}

    @model_validator(mode="after")
    def _figures_known(self) -> PackModel:
        names = self.basic.figure_names()
        for further in (self.hifob, self.cvlserv):
            if further is not None:
                names |= further.figure_names()
        unknown = sorted(names - set(self.figures))
        if unknown:
            raise ValueError(f"'of' names no [figures.<name>] table: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _funds_for_every_tier(self) -> PackModel:
        if self.hifmi is not None and self.funds.hifmi is None:
            raise ValueError("[hifmi] is given but [funds.hifmi] is not")
        if self.assistance is not None and self.funds.maf is None:
            raise ValueError("[assistance] is given but [funds.maf] is not")
        if self.assistance is not None and self.assistance.second_tier is not None and self.funds.maf2 is None:
            raise ValueError("[assistance.second_tier] is given but [funds.maf2] is not")
        return self
