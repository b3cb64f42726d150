"""The settlement request (DESIGN.md 4.1): parsed and validated into typed models.

Field names follow the national platform's interface spec. Money arrives as JSON strings
("1234.50") or exact decimals; a binary float is refused because it cannot hold a fen exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import mul, sub
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
# det_item_fee_sumamt may differ from pric × cnt by one fen of rounding, not more.
_TOLERANCE = Decimal("0.015")
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


def parse_fees(raw: Any) -> list[Fee]:
    """Fee lines from decoded JSON. Raises RequestError naming the line and field."""
    if not isinstance(raw, list):
        raise RequestError("fees", "must be a list of fee lines")
    if not raw:
        raise RequestError("fees", "the bill has no fee lines")
    fees = _parse_fees_bulk(raw)
    if fees is not None:
        return fees
    return _parse_fees_each(raw)


def _decimal_column(values: list[Any], places: int, nonneg: bool) -> list[Decimal] | None:
    """A whole column of plain decimal strings at C speed, or None to fall back to line checks."""
    if set(map(type, values)) != {str}:
        return None
    try:
        numbers = list(map(Decimal, values))
    except InvalidOperation:
        return None
    # The sum keeps the finest exponent of its terms and is NaN/infinite if any term is.
    total = sum(numbers, Decimal(0))
    exponent = total.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -places:
        return None
    low, high = min(numbers), max(numbers)
    if (high and high.adjusted() > _MAX_ADJUSTED) or (low and low.adjusted() > _MAX_ADJUSTED):
        return None
    if nonneg and low < 0:
        return None
    return numbers


def _parse_fees_bulk(raw: list[Any]) -> list[Fee] | None:
    """The fast path for a well-formed bill: column-wise checks with C-level loops.

    A 2,000-line bill must settle within a few milliseconds; a per-line Python loop of field
    checks costs more than the whole settlement. Anything unusual returns None and the bill
    goes through _parse_fees_each, which finds and names the offending line and field.
    """
    if set(map(type, raw)) != {dict} or not _FEE_FIELDS.issuperset(set().union(*raw)):
        return None
    serials = [line.get("feedetl_sn") for line in raw]
    codes = [line.get("med_list_codg") for line in raw]
    names = [line.get("name", "") for line in raw]
    if set(map(type, serials)) != {str} or set(map(type, codes)) != {str} or set(map(type, names)) != {str}:
        return None
    if len(set(serials)) != len(serials) or not all(serials) or not all(codes):
        return None
    prices = _decimal_column([line.get("pric") for line in raw], 6, nonneg=True)
    counts = _decimal_column([line.get("cnt") for line in raw], 4, nonneg=False)
    amounts = _decimal_column([line.get("det_item_fee_sumamt") for line in raw], 2, nonneg=False)
    if prices is None or counts is None or amounts is None:
        return None
    if any(map(_TOLERANCE.__lt__, map(abs, map(sub, map(mul, prices, counts), amounts)))):
        return None
    levels = [line.get("chrgitm_lv") for line in raw]
    props = [line.get("selfpay_prop") for line in raw]
    caps = [line.get("pric_uplmt_amt") for line in raw]
    if set(levels) - {None, "01", "02", "03"} or set(props) != {None} or set(caps) != {None}:
        return None  # overrides present: check them line by line
    if max(map(len, serials)) > 200 or max(map(len, codes)) > 200 or max(map(len, names)) > 200:
        return None
    return list(map(Fee, serials, codes, names, prices, counts, amounts, levels, props, caps))


def _parse_fees_each(raw: list[Any]) -> list[Fee]:
    fees: list[Fee] = []
    seen: set[str] = set()
    for i, line in enumerate(raw):
        # Field names for error messages are formatted only on the (rare) error paths.
        if type(line) is not dict:
            raise RequestError(f"fees[{i}]", "each fee line must be an object")
        if not line.keys() <= _FEE_FIELDS:
            unknown = line.keys() - _FEE_FIELDS
            raise RequestError(f"fees[{i}].{sorted(map(str, unknown))[0]}", "unknown field")
        sn = line.get("feedetl_sn")
        if type(sn) is not str or not sn.strip() or len(sn) > 200:
            sn = _text(sn, f"fees[{i}].feedetl_sn", required=True)
        if sn in seen:
            raise RequestError(f"fees[{i}].feedetl_sn", f"duplicate serial {sn}")
        seen.add(sn)
        raw_pric, raw_cnt, raw_amount = line.get("pric"), line.get("cnt"), line.get("det_item_fee_sumamt")
        if type(raw_pric) is str and _PLAIN_6(raw_pric):
            pric = Decimal(raw_pric)
        else:
            pric = _decimal(raw_pric, f"fees[{i}].pric", 6, nonneg=True)
        if type(raw_cnt) is str and _PLAIN_4(raw_cnt):
            cnt = Decimal(raw_cnt)
        else:
            cnt = _decimal(raw_cnt, f"fees[{i}].cnt", 4, nonneg=False)
        if type(raw_amount) is str and _PLAIN_2(raw_amount):
            amount = Decimal(raw_amount)
        else:
            amount = _decimal(raw_amount, f"fees[{i}].det_item_fee_sumamt", 2, nonneg=False)
        if abs(pric * cnt - amount) > _TOLERANCE:
            expected = round_fen(pric * cnt)
            raise RequestError(
                f"fees[{i}].det_item_fee_sumamt", f"{amount} does not match pric × cnt = {expected}"
            )
        level = line.get("chrgitm_lv")
        if level is not None and level not in ("01", "02", "03"):
            raise RequestError(f"fees[{i}].chrgitm_lv", f"'{level}' is not 01 (甲), 02 (乙) or 03 (丙)")
        code = line.get("med_list_codg")
        if type(code) is not str or not code.strip() or len(code) > 200:
            code = _text(code, f"fees[{i}].med_list_codg", required=True)
        name = line.get("name", "")
        if type(name) is not str or len(name) > 200:
            name = _text(name, f"fees[{i}].name", required=False)
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
                    prop, f"fees[{i}].selfpay_prop", 6, nonneg=True, ratio=True),
                pric_uplmt_amt=None if cap is None else _decimal(
                    cap, f"fees[{i}].pric_uplmt_amt", 6, nonneg=True),
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
