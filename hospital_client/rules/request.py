"""The settlement request (DESIGN.md 4.1): parsed and validated into typed models.

Field names follow the national platform's interface spec. Money arrives as JSON strings
("1234.50") or exact decimals; a binary float is refused because it cannot hold a fen exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .errors import RequestError
from .money import round_fen
from .packs import _format_loc


def _exact_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number written as a string, e.g. \"12.50\"")
    if isinstance(value, float):
        raise ValueError("binary floating-point is not accepted for money; write it as a string, e.g. \"12.50\"")
    return value


def _code_text(value: Any) -> Any:
    # HIS exports sometimes give serial numbers and codes as JSON integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _date_part(value: Any) -> Any:
    # The platform sends "yyyy-MM-dd HH:mm:ss"; the rules need the day only.
    if isinstance(value, str) and len(value) > 10 and value[10] in " T":
        return value[:10]
    return value


NonNegAmount = Annotated[
    Decimal, BeforeValidator(_exact_number), Field(ge=0, allow_inf_nan=False, max_digits=16, decimal_places=2)
]
Code = Annotated[str, BeforeValidator(_code_text), Field(min_length=1, max_length=64)]
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


class Referral(_Model):
    from_hosp_lv: Annotated[int, Field(ge=1, le=3)]
    dedc_paid: NonNegAmount = Decimal(0)


class Encounter(_Model):
    mdtrt_id: Code
    med_type: Code
    fixmedins_code: str = ""
    hosp_lv: Annotated[int, Field(ge=1, le=3)]
    mdtrtarea_admvs: str = ""
    begntime: Day
    endtime: Day
    diagnoses: list[str] = []
    referral: Referral | None = None
    out_of_area: bool = False
    out_of_area_registered: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> Encounter:
        if self.endtime < self.begntime:
            raise ValueError("endtime is before begntime")
        return self


@dataclass(slots=True)
class Fee:
    feedetl_sn: str
    med_list_codg: str
    name: str
    pric: Decimal
    cnt: Decimal
    det_item_fee_sumamt: Decimal
    chrgitm_lv: str | None = None
    selfpay_prop: Decimal | None = None
    pric_uplmt_amt: Decimal | None = None


_FEE_FIELDS = frozenset(Fee.__dataclass_fields__)
# Plain decimal strings with at most 2 / 4 / 6 decimals take a fast path; anything else gets the
# full checks of _decimal with their precise error messages.
_PLAIN_2 = re.compile(r"-?[0-9]{1,14}(?:\.[0-9]{1,2})?").fullmatch
_PLAIN_4 = re.compile(r"-?[0-9]{1,14}(?:\.[0-9]{1,4})?").fullmatch
_PLAIN_6 = re.compile(r"[0-9]{1,14}(?:\.[0-9]{1,6})?").fullmatch
_ONE_FEN = Decimal("0.01")
_MAX_ADJUSTED = 13  # amounts below 10^14 yuan


# Fee lines are parsed by hand rather than by pydantic: a 2,000-line bill must parse and settle
# in a few milliseconds, and pydantic's Decimal validation alone takes longer than that.
def _decimal(value: Any, field: str, places: int, *, nonneg: bool, ratio: bool = False) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise RequestError(
            field, "binary floating-point is not accepted for money; write it as a string, e.g. \"12.50\""
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (str, int)):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except (InvalidOperation, ValueError):
            raise RequestError(field, f"'{value}' is not a number") from None
    elif value is None:
        raise RequestError(field, "required field is missing")
    else:
        raise RequestError(field, "must be a number written as a string, e.g. \"12.50\"")
    if not number.is_finite():
        raise RequestError(field, "must be a finite number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise RequestError(field, f"{number} has more than {places} decimal places")
    if number and number.adjusted() > _MAX_ADJUSTED:
        raise RequestError(field, f"{number} is too large")
    if nonneg and number < 0:
        raise RequestError(field, f"{number} must not be negative")
    if ratio and number > 1:
        raise RequestError(field, f"{number} must be between 0 and 1")
    return number


def _text(value: Any, field: str, *, required: bool) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise RequestError(field, "required field is missing" if value is None else "must be a string")
    if required and not value.strip():
        raise RequestError(field, "must not be empty")
    if len(value) > 200:
        raise RequestError(field, "is longer than 200 characters")
    return value


class _Where:
    """'fees[i]' for error messages, formatted only when an error is raised."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i

    def __str__(self) -> str:
        return f"fees[{self.i}]"

    __format__ = lambda self, spec: str(self)  # noqa: E731


def parse_fees(raw: Any) -> list[Fee]:
    if not isinstance(raw, list):
        raise RequestError("fees", "must be a list of fee lines")
    if not raw:
        raise RequestError("fees", "the bill has no fee lines")
    fees: list[Fee] = []
    seen: set[str] = set()
    for i, line in enumerate(raw):
        where = _Where(i)
        if type(line) is not dict:
            raise RequestError(where, "each fee line must be an object")
        if not line.keys() <= _FEE_FIELDS:
            unknown = line.keys() - _FEE_FIELDS
            raise RequestError(f"{where}.{sorted(map(str, unknown))[0]}", "unknown field")
        sn = line.get("feedetl_sn")
        if type(sn) is not str or not sn.strip() or len(sn) > 200:
            sn = _text(sn, f"{where}.feedetl_sn", required=True)
        if sn in seen:
            raise RequestError(f"{where}.feedetl_sn", f"duplicate serial {sn}")
        seen.add(sn)
        raw_pric, raw_cnt, raw_amount = line.get("pric"), line.get("cnt"), line.get("det_item_fee_sumamt")
        if type(raw_pric) is str and _PLAIN_6(raw_pric):
            pric = Decimal(raw_pric)
        else:
            pric = _decimal(raw_pric, f"{where}.pric", 6, nonneg=True)
        if type(raw_cnt) is str and _PLAIN_4(raw_cnt):
            cnt = Decimal(raw_cnt)
        else:
            cnt = _decimal(raw_cnt, f"{where}.cnt", 4, nonneg=False)
        if type(raw_amount) is str and _PLAIN_2(raw_amount):
            amount = Decimal(raw_amount)
        else:
            amount = _decimal(raw_amount, f"{where}.det_item_fee_sumamt", 2, nonneg=False)
        expected = round_fen(pric * cnt)
        if abs(expected - amount) > _ONE_FEN:
            raise RequestError(
                f"{where}.det_item_fee_sumamt", f"{amount} does not match pric × cnt = {expected}"
            )
        level = line.get("chrgitm_lv")
        if level is not None and level not in ("01", "02", "03"):
            raise RequestError(f"{where}.chrgitm_lv", f"'{level}' is not 01 (甲), 02 (乙) or 03 (丙)")
        code = line.get("med_list_codg")
        if type(code) is not str or not code.strip() or len(code) > 200:
            code = _text(code, f"{where}.med_list_codg", required=True)
        name = line.get("name", "")
        if type(name) is not str or len(name) > 200:
            name = _text(name, f"{where}.name", required=False)
        prop = line.get("selfpay_prop")
        cap = line.get("pric_uplmt_amt")
        fees.append(
            Fee(
                feedetl_sn=sn,
                med_list_codg=code,
                name=name,
                pric=pric,
                cnt=cnt,
                det_item_fee_sumamt=amount,
                chrgitm_lv=level,
                selfpay_prop=None if prop is None else _decimal(
                    prop, f"{where}.selfpay_prop", 6, nonneg=True, ratio=True),
                pric_uplmt_amt=None if cap is None else _decimal(
                    cap, f"{where}.pric_uplmt_amt", 6, nonneg=True),
            )
        )
    return fees


class YearToDate(_Model):
    admissions: Annotated[int, Field(ge=0, le=1000)] = 0
    act_pay_dedc: NonNegAmount = Decimal(0)
    hifp_pay: NonNegAmount = Decimal(0)
    hifmi_base: NonNegAmount = Decimal(0)
    hifmi_pay: NonNegAmount = Decimal(0)
    maf_base: NonNegAmount = Decimal(0)
    maf_pay: NonNegAmount = Decimal(0)
    maf2_base: NonNegAmount = Decimal(0)
    maf2_pay: NonNegAmount = Decimal(0)


class _Header(_Model):
    """Everything of the request except the fee lines, which parse_fees handles."""

    person: Person
    encounter: Encounter
    fees: Any = None
    year_to_date: YearToDate | None = None


@dataclass(frozen=True, slots=True)
class SettlementRequest:
    person: Person
    encounter: Encounter
    fees: list[Fee]
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
        if first["type"] == "extra_forbidden":
            problem = "unknown field"
        elif first["type"] == "missing":
            problem = "required field is missing"
        raise RequestError(field, problem) from None
    except RecursionError:
        raise RequestError("", "the request is nested too deeply") from None
    if "fees" not in data:
        raise RequestError("fees", "required field is missing")
    return SettlementRequest(
        person=header.person, encounter=header.encounter, fees=parse_fees(data["fees"]),
        year_to_date=header.year_to_date,
    )
