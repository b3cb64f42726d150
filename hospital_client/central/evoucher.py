"""E-voucher tokens (医保电子凭证 ecToken) and the benefit check.

    9531  电子凭证令牌签发（扩展，演示）  issue_token     a short-lived ecToken for a person
    2001  人员待遇享受检查                benefit_check   may the funds pay for this person on these days

The national platform issues an ecToken when the patient's app shows the QR code (or the vendor
SDK reads it); 1101 with ``mdtrt_cert_type`` 01 and the token as ``mdtrt_cert_no`` then names the
person. The reference system stands in for the platform and the app: 9531 issues a token (the
simulated reader and the tests call it), ``resolve_token`` checks it for 1101. A token is
``<insured place, 6 digits><32 lowercase hex>`` and is valid for ``valid_seconds`` (default 600).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from ..protocol import BadInput, EcTokenExpired, EcTokenUnknown, NotFound
from ..protocol.benefits import STATE_NAMES, blocking_period, parse_periods
from .context import Central, Context
from .fields import input_data, int_field, text_field
from .store import EcToken, PersonRecord

TOKEN_PATTERN = re.compile(r"^\d{6}[0-9a-f]{32}$")
DEFAULT_VALID_SECONDS = 600
_TIME = "%Y-%m-%d %H:%M:%S"
# fund_pay_type of the basic fund by insurance type (职工 310100, 城乡居民 390100)
_FUND_PAY_TYPE = {"310": "310100", "390": "390100"}


def issue_token(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no")
    certno = text_field(data, "certno")
    if not psn_no and not certno:
        raise BadInput("请给出 psn_no 或 certno")
    person = central.store.find_person(psn_no=psn_no) if psn_no else central.store.find_person(certno=certno)
    if person is None:
        raise NotFound("中心名册中没有该参保人员")
    valid = int_field(data, "valid_seconds", DEFAULT_VALID_SECONDS, low=1, high=86400)
    place = str(person.data.get("insuplc_admdvs") or "000000")[:6].rjust(6, "0")
    token = place + secrets.token_hex(16)
    expires = ctx.now + dt.timedelta(seconds=valid)
    central.store.add_ec_token(EcToken(token, person.psn_no, ctx.received, expires.strftime(_TIME)))
    return {"ecToken": token, "expires_at": expires.strftime(_TIME)}


def resolve_token(central: Central, ctx: Context, token: str) -> PersonRecord | None:
    """The person of an issued ecToken; None when the text is not in the token format (the caller
    then tries the roster's static e-card code). Expired or unknown tokens are refused."""
    issued = central.store.get_ec_token(token)
    if issued is None:
        if TOKEN_PATTERN.match(token):
            raise EcTokenUnknown("电子凭证令牌无效：中心未签发该令牌")
        return None
    if ctx.now.strftime(_TIME) > issued.expires_at:
        raise EcTokenExpired(f"电子凭证令牌已过期（有效期至 {issued.expires_at}），请患者刷新二维码")
    return central.person(issued.psn_no)


def benefit_periods(person: PersonRecord) -> list[dict[str, str]]:
    try:
        return [p.to_json() for p in parse_periods(person.data.get("benefit"))]
    except ValueError:
        return []


def insu_status(person: PersonRecord, today: dt.date) -> str:
    """psn_insu_stas of 1101: 1 正常参保, 2 暂停参保 (a period covering today)."""
    periods = parse_periods(person.data.get("benefit")) if isinstance(person.data.get("benefit"), list) else []
    return "2" if blocking_period(periods, today, today) is not None else "1"


def _day(data: dict[str, Any], key: str, default: dt.date) -> dt.date:
    text = text_field(data, key, max_len=19)
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise BadInput(f"{key} 应为 yyyy-MM-dd（或 yyyy-MM-dd HH:mm:ss）") from None


def benefit_check(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    person = central.person(psn_no)
    insutype = text_field(data, "insutype", max_len=6) or str(person.data.get("insutype") or "")
    med_type = text_field(data, "med_type", max_len=6) or "21"
    today = ctx.now.date()
    begin = _day(data, "begntime", today)
    end = _day(data, "endtime", begin)
    if end < begin:
        raise BadInput("endtime 早于 begntime")
    try:
        periods = parse_periods(person.data.get("benefit"))
    except ValueError as exc:  # a damaged roster entry: say so rather than pay
        raise BadInput(f"中心名册中该人员的待遇信息有误：{exc}") from None
    blocking = blocking_period(periods, begin, end)
    if blocking is None:
        result, flag, state = "待遇正常", "1", "normal"
    else:
        until = f"至 {blocking.enddate}" if blocking.enddate else "起"
        result = f"{STATE_NAMES[blocking.state]}：{blocking.begndate} {until}；{blocking.reason}".rstrip("；")
        flag, state = "0", blocking.state
    return {
        "trtinfo": [{
            "psn_no": person.psn_no, "insutype": insutype, "med_type": med_type,
            "fund_pay_type": _FUND_PAY_TYPE.get(insutype, ""), "trt_enjymnt_flag": flag,
            "begndate": begin.isoformat(), "enddate": end.isoformat(), "trt_chk_rslt": result,
        }],
        "trt_stas": state,
        "benefit_periods": [p.to_json() for p in periods],
    }
