"""The settlement request (DESIGN.md 4.1): parsed and validated into typed models.

Field names follow the national platform's interface spec. Money arrives as JSON strings
("1234.50") or exact decimals; a binary float is refused because it cannot hold a fen exactly.
The fee lines are parsed in fee_lines.py (held by body where they repeat: line_groups.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from .errors import RequestError
from .fee_lines import FeeLines
from .line_groups import parse_fee_lines
from .packs import _format_loc


def _exact_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number written as a string, e.g. \"12.50\"")
    if isinstance(value, float):
        raise ValueError("binary floating-point is not accepted for money; write it as a string, e.g. \"12.50\"")
    return value


def _bounded_integer(value: Any) -> Any:
    # An integer field given as a Decimal with a huge exponent (JSON 1e99999999) would make a
    # 100-million-digit int before any range check; refuse it first.
    if isinstance(value, Decimal) and (not value.is_finite() or value.adjusted() > 9):
        raise ValueError("number out of range")
    return value


SmallInt = Annotated[int, BeforeValidator(_bounded_integer)]


def _code_text(value: Any) -> Any:
    # HIS exports sometimes give serial numbers and codes as JSON integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _not_blank(value: str) -> str:
    # As for fee lines: an id of spaces only is no id (it would match nothing, or everything).
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _date_part(value: Any) -> Any:
    # The platform sends "yyyy-MM-dd HH:mm:ss"; the rules need the day only.
    if isinstance(value, str) and len(value) > 10 and value[10] in " T":
        return value[:10]
    return value


NonNegAmount = Annotated[
    Decimal, BeforeValidator(_exact_number), Field(ge=0, allow_inf_nan=False, max_digits=16, decimal_places=2)
]
Code = Annotated[str, BeforeValidator(_code_text), Field(min_length=1, max_length=64), AfterValidator(_not_blank)]
Day = Annotated[dt.date, BeforeValidator(_date_part)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Model):
    psn_no: Code
    psn_name: str = ""
    certno: str = ""
    insutype: Code
    psn_type: str = ""
    insuplc_admdvs: Code
    assistance_group: Literal["tekun", "dibao", "dibao_edge", "poverty", "orphan", "disabled", "other"] | None = None
    residence: Literal["urban", "rural"] | None = None
    cvlserv_flag: bool = False          # 公务员标志 (1101 person info): [cvlserv] 公务员医疗补助 applies


class Referral(_Model):
    from_hosp_lv: Annotated[SmallInt, Field(ge=1, le=3)]
    dedc_paid: NonNegAmount = Decimal(0)


class StayBefore(_Model):
    """What the earlier settlements of the same stay came to (中途结算): the last one's ``stay_after``."""

    endtime: Day                      # the day the last earlier period closed
    periods: Annotated[SmallInt, Field(ge=1, le=1000)] = 1
    inscp_scp_amt: NonNegAmount = Decimal(0)
    act_pay_dedc: NonNegAmount = Decimal(0)
    hifp_pay: NonNegAmount = Decimal(0)
    maf_base: NonNegAmount = Decimal(0)
    maf_pay: NonNegAmount = Decimal(0)
    maf2_base: NonNegAmount = Decimal(0)
    maf2_pay: NonNegAmount = Decimal(0)


class Encounter(_Model):
    mdtrt_id: Code
    med_type: Code
    fixmedins_code: str = ""
    hosp_lv: Annotated[SmallInt, Field(ge=1, le=3)]
    mdtrtarea_admvs: str = ""
    begntime: Day
    endtime: Day
    diagnoses: list[str] = []
    referral: Referral | None = None
    out_of_area: bool = False
    out_of_area_registered: bool = False
    dise_codg: Code | None = None
    # 中途结算: this settlement closes a period of a stay that goes on (the platform's 2304 mid_setl_flag);
    # stay_before: the stay's earlier periods, when this settlement continues it.
    mid_setl_flag: bool = False
    stay_before: StayBefore | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Encounter:
        if self.endtime < self.begntime:
            raise ValueError("endtime is before begntime")
        if self.stay_before is not None and not self.begntime <= self.stay_before.endtime <= self.endtime:
            raise ValueError("stay_before.endtime must lie between begntime and endtime")
        return self

    @property
    def period_start(self) -> dt.date:
        """The first day this settlement covers: the admission, or the day after the earlier periods closed."""
        if self.stay_before is None:
            return self.begntime
        return min(self.stay_before.endtime + dt.timedelta(days=1), self.endtime)


_EXTRA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_EXTRA_AMOUNT: TypeAdapter[Decimal] = TypeAdapter(NonNegAmount)


class YearToDate(_Model):
    """The core accumulators, and any a pack declares (its outpatient sections' keys) as further amounts."""

    model_config = ConfigDict(extra="allow", frozen=True)

    admissions: Annotated[SmallInt, Field(ge=0, le=1000)] = 0
    act_pay_dedc: NonNegAmount = Decimal(0)
    hifp_pay: NonNegAmount = Decimal(0)
    hifmi_base: NonNegAmount = Decimal(0)
    hifmi_pay: NonNegAmount = Decimal(0)
    maf_base: NonNegAmount = Decimal(0)
    maf_pay: NonNegAmount = Decimal(0)
    maf2_base: NonNegAmount = Decimal(0)
    maf2_pay: NonNegAmount = Decimal(0)

    @model_validator(mode="before")
    @classmethod
    def _extra_amounts(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key, value in data.items():
            if key in cls.model_fields:
                continue
            if not isinstance(key, str) or not _EXTRA_KEY.match(key):
                raise ValueError(f"{key!r} is not an accumulator key")
            try:
                out[key] = _EXTRA_AMOUNT.validate_python(value)
            except ValidationError as exc:
                raise ValueError(f"{key}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None
        return out

    def pack_keys(self) -> dict[str, Decimal]:
        """The accumulators beyond the core ones, as given."""
        return {k: v for k, v in (self.model_extra or {}).items() if isinstance(v, Decimal)}


class _Header(_Model):
    """Everything of the request except the fee lines, which parse_fee_lines handles."""

    person: Person
    encounter: Encounter
    fees: Any = None
    year_to_date: YearToDate | None = None


@dataclass(frozen=True, slots=True)
class SettlementRequest:
    person: Person
    encounter: Encounter
    fees: FeeLines
    year_to_date: YearToDate | None


YTD_KEYS = tuple(YearToDate.model_fields)


def parse_request(data: Any) -> SettlementRequest:
    """Validate a decoded JSON request. Raises RequestError naming the field."""
    if not isinstance(data, dict):
        raise RequestError("", "the request must be a JSON object with person, encounter and fees")
    try:
        header = _Header.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _format_loc(first["loc"])
        problem = first["msg"].removeprefix("Value error, ")
        code = "invalid"
        if first["type"] == "extra_forbidden":
            problem, code = "unknown field", "unknown_field"
        elif first["type"] == "missing":
            problem, code = "required field is missing", "missing"
        raise RequestError(field, problem, code) from None
    except RecursionError:
        raise RequestError("", "the request is nested too deeply") from None
    if "fees" not in data:
        raise RequestError("fees", "required field is missing")
    return SettlementRequest(
        person=header.person, encounter=header.encounter, fees=parse_fee_lines(data["fees"]),
        year_to_date=header.year_to_date,
    )
