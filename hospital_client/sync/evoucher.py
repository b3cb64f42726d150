"""The benefit check (2001) and the demo e-voucher token (9531) at the central system.

2001's answer replaces the person's benefit periods at the desk (``store.benefits``), so that a
settlement made later, even offline, is checked against what the central system said last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import protocol as p
from ..protocol.benefits import BenefitPeriod, parse_periods
from ..store import LocalDatabase, benefits
from .client import CentralClient
from .errors import BadAnswer

__all__ = ["BenefitAnswer", "check_benefits", "issue_ec_token"]


@dataclass(frozen=True, slots=True)
class BenefitAnswer:
    """2001: does the fund pay (``enjoyed``), the platform's words (``result``), the periods."""

    psn_no: str
    enjoyed: bool
    state: str           # normal | suspended | waiting | interrupted
    result: str          # trt_chk_rslt
    periods: list[BenefitPeriod]


def check_benefits(db: LocalDatabase, client: CentralClient, psn_no: str, begin: dt.date, end: dt.date, *,
                   insutype: str = "", med_type: str = "21") -> BenefitAnswer:
    data = {"psn_no": psn_no, "insutype": insutype, "med_type": med_type, "fixmedins_code": client.site.code,
            "begntime": begin.isoformat(), "endtime": end.isoformat()}
    out: Any = client.call(p.BENEFIT_CHECK, {"data": {k: v for k, v in data.items() if v}}).output
    info = out.get("trtinfo") if isinstance(out, dict) else None
    if not isinstance(info, list) or not info or not isinstance(info[0], dict):
        raise BadAnswer("2001: the answer has no trtinfo")
    try:
        periods = parse_periods(out.get("benefit_periods") or [], "2001 benefit_periods")
    except ValueError as exc:
        raise BadAnswer(str(exc)) from None
    benefits.put_periods(db, psn_no, periods, source="central 2001")
    first = info[0]
    enjoyed = str(first.get("trt_enjymnt_flag")) == "1"
    return BenefitAnswer(psn_no, enjoyed, str(out.get("trt_stas") or ("normal" if enjoyed else "")),
                         str(first.get("trt_chk_rslt") or ""), periods)


def issue_ec_token(client: CentralClient, *, psn_no: str = "", certno: str = "",
                   valid_seconds: int | None = None) -> tuple[str, str]:
    """9531 (the reference system's stand-in for the patient's app): a token and its expiry."""
    data: dict[str, Any] = {"psn_no": psn_no} if psn_no else {"certno": certno}
    if valid_seconds is not None:
        data["valid_seconds"] = valid_seconds
    out = client.call(p.EC_TOKEN_ISSUE, {"data": data}).output
    if not isinstance(out, dict) or not isinstance(out.get("ecToken"), str):
        raise BadAnswer("9531: the answer has no ecToken")
    return str(out["ecToken"]), str(out.get("expires_at") or "")
