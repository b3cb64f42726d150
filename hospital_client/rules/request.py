"""The settlement request (DESIGN.md 4.1): parsed and validated into typed models.

Field names follow the national platform's interface spec. Money arrives as JSON strings
("1234.50") or exact decimals; a binary float is refused because it cannot hold a fen exactly.
The fee lines are parsed in fee_lines.py (held by body where they repeat: line_groups.py).
"""

from __future__ import annotations

import datetime as dt
import math
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
from pydantic_core import PydanticKnownError

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


_MAX_CODE = 64


def _code_checks(value: str) -> str:
    """Field(min_length=1, max_length=64) as pydantic checks them after a BeforeValidator (each a
    Python function of its own), with its errors; then not blank."""
    length = len(value)
    if length < 1:
        raise PydanticKnownError("too_short", {"field_type": "Value", "min_length": 1, "actual_length": length})
    if length > _MAX_CODE:
        raise PydanticKnownError("too_long", {"field_type": "Value", "max_length": _MAX_CODE, "actual_length": length})
    # As for fee lines: an id of spaces only is no id (it would match nothing, or everything).
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _date_part(value: Any) -> Any:
    # The platform sends "yyyy-MM-dd HH:mm:ss"; the rules need the day only.
    if isinstance(value, str) and len(value) > 10 and value[10] in " T":
        return value[:10]
    return value


_MAX_DIGITS, _MAX_PLACES = 16, 2
_MAX_WHOLE = _MAX_DIGITS - _MAX_PLACES


def _places_and_digits(count: int, exponent: int) -> tuple[int, int]:
    """The decimal places and the digits in all of a number of ``count`` digits times 10**exponent."""
    if exponent >= 0:
        return 0, count + exponent
    return -exponent, max(count, -exponent)


def _fen_amount(value: Decimal) -> Decimal:
    """The checks of Field(ge=0, allow_inf_nan=False, max_digits=16, decimal_places=2) as pydantic
    makes them, in its order and with its errors: not negative; finite as a float; at most 16
    digits; at most 2 decimal places and 14 digits before the point (a count that holds either as
    written or without trailing zeros).

    Given after a BeforeValidator, pydantic runs each of those as a Python function of its own
    that takes the number apart again; a request carries a dozen amounts. NaN and infinity do not
    get here (pydantic's decimal refuses them first)."""
    if not value >= 0:
        raise PydanticKnownError("greater_than_equal", {"ge": 0})
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if -_MAX_PLACES <= exponent <= 0 and value.adjusted() < _MAX_WHOLE:  # the usual amount: within every limit
        return value
    if not math.isfinite(value):  # 1e400 is a finite Decimal, but not as a float
        raise PydanticKnownError("finite_number")
    places, total = _places_and_digits(len(digits), exponent)
    significant = len("".join(map(str, digits)).rstrip("0"))
    if significant:
        norm_places, norm_total = _places_and_digits(significant, exponent + len(digits) - significant)
    else:
        norm_places, norm_total = 0, 1
    if total > _MAX_DIGITS and norm_total > _MAX_DIGITS:
        raise PydanticKnownError("decimal_max_digits", {"max_digits": _MAX_DIGITS})
    if places > _MAX_PLACES and norm_places > _MAX_PLACES:
        raise PydanticKnownError("decimal_max_places", {"decimal_places": _MAX_PLACES})
    if total - places > _MAX_WHOLE and norm_total - norm_places > _MAX_WHOLE:
        raise PydanticKnownError("decimal_whole_digits", {"whole_digits": _MAX_WHOLE})
    return value


NonNegAmount = Annotated[Decimal, BeforeValidator(_exact_number), AfterValidator(_fen_amount)]
Code = Annotated[str, BeforeValidator(_code_text), AfterValidator(_code_checks)]
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
        if not isinstance(data, dict) or data.keys() <= _CORE_YTD_KEYS:
            return data
        out = dict(data)
        for key, value in data.items():
            if key in _CORE_YTD_KEYS:
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
_CORE_YTD_KEYS = frozenset(YTD_KEYS)


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
