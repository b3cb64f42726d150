"""Who is at the desk and who is insured: sign-in and the roster.

    9001  签到                   sign_in               a sign_no for the operator
    1101  人员信息获取           person_info           a roster entry by card, ID number or psn_no
    5206  人员累计信息查询       person_accumulators   a person's year-to-date figures
    9502  名册增量下载（扩展）   roster_delta          roster entries changed since a cursor

Each roster answer carries the person's latest year-to-date figures and the site's own
settlements and reversals they already include (``site_local_ids``, the site's rebase).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..protocol import BadInput, CertificateMismatch, NotFound
from . import adjudication as adj
from . import evoucher
from .context import Central, Context
from .fields import input_data, int_field, text_field
from .store import PersonRecord

# mdtrt_cert_type -> the roster field it looks a person up by
_CERT_LOOKUP = {"01": "ecard_code", "02": "certno", "03": "card_no", "99": "psn_no"}


def sign_in(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    body = input_.get("signIn") or {}
    if not isinstance(body, dict):
        raise BadInput("input.signIn 应为对象")
    opter = text_field(body, "opter_no", where="signIn.") or ctx.env.opter
    sign_no = f"{ctx.now:%Y%m%d}{ctx.site}{central.store.next_value('sign_no'):08d}"
    central.store.add_sign_in(sign_no, ctx.site, opter, ctx.received)
    return {"signinoutb": {"sign_time": ctx.received, "sign_no": sign_no}}


def person_info(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    kind = text_field(data, "mdtrt_cert_type", max_len=4)
    number = text_field(data, "mdtrt_cert_no", max_len=128)
    psn_no = text_field(data, "psn_no")
    certno = text_field(data, "certno")
    psn_name = text_field(data, "psn_name", max_len=64)
    person: PersonRecord | None = None
    if kind and number:
        if kind not in _CERT_LOOKUP:
            raise BadInput(f"mdtrt_cert_type={kind} 不支持（01 电子凭证，02 身份证，03 社保卡，99 人员编号）")
        if kind == "01":  # an ecToken the central system issued, else the roster's static e-card code
            person = evoucher.resolve_token(central, ctx, number)
        if person is None:
            person = central.store.find_person(**{_CERT_LOOKUP[kind]: number})
        if person is not None:
            _check_same_person(person, psn_no=psn_no, certno=certno, psn_name=psn_name)
    elif psn_no:
        person = central.store.find_person(psn_no=psn_no)
    elif certno:
        person = central.store.find_person(certno=certno)
    else:
        raise BadInput("请给出 mdtrt_cert_type 和 mdtrt_cert_no，或 psn_no，或 certno")
    if person is None:
        raise NotFound("中心名册中没有该参保人员")
    return _person_view(central, person, ctx.now.date(), ctx.site)


def _check_same_person(person: PersonRecord, *, psn_no: str, certno: str, psn_name: str) -> None:
    """The certificate read must be the person the message names (the patient at the window)."""
    d = person.data
    if ((psn_no and psn_no != person.psn_no) or (certno and certno.upper() != str(d.get("certno") or "").upper())
            or (psn_name and psn_name != d.get("psn_name"))):
        raise CertificateMismatch("凭证与所填参保人不符：该电子凭证或卡属于另一参保人")


def _latest_year_to_date(central: Central, site: str, psn_no: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The person's latest year-to-date figures and the site's local_ids they include."""
    latest = central.store.latest_accumulators(psn_no)
    if latest is None:
        return None, []
    return ({"year": latest[0], **adj.accumulators_json(latest[1])},
            central.store.site_local_ids(site, psn_no, latest[0]))


def _person_view(central: Central, person: PersonRecord, today: dt.date, site: str) -> dict[str, Any]:
    d = person.data
    age: int | str = ""
    try:
        born = dt.date.fromisoformat(str(d.get("brdy") or ""))
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    except ValueError:
        pass
    year_to_date, site_local_ids = _latest_year_to_date(central, site, person.psn_no)
    group = d.get("assistance_group")
    return {
        "baseinfo": {"psn_no": person.psn_no, "psn_cert_type": "01", "certno": d.get("certno") or "",
                     "psn_name": d.get("psn_name") or "", "gend": d.get("gend") or "",
                     "brdy": d.get("brdy") or "", "age": age},
        "insuinfo": [{"insutype": d.get("insutype") or "", "psn_type": d.get("psn_type") or "",
                      "insuplc_admdvs": d.get("insuplc_admdvs") or "",
                      "psn_insu_stas": evoucher.insu_status(person, today), "balc": "0.00"}],
        "idetinfo": [{"psn_idet_type": group}] if group else [],
        "person": adj.request_person(person),
        "benefit_periods": evoucher.benefit_periods(person),
        "year_to_date": year_to_date,
        "site_local_ids": site_local_ids,
    }


def person_accumulators(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_)
    psn_no = text_field(data, "psn_no", required=True)
    cum_ym = text_field(data, "cum_ym", max_len=6)
    default_year = int(cum_ym[:4]) if cum_ym[:4].isdigit() else ctx.now.year
    year = int_field(data, "year", default_year, low=1990, high=2100)
    central.person(psn_no)
    values = central.store.get_accumulators(psn_no, year)
    return {"psn_no": psn_no, "year": year, "exists": values is not None,
            "year_to_date": adj.accumulators_json(values or adj.zero_accumulators()),
            "site_local_ids": central.store.site_local_ids(ctx.site, psn_no, year)}


def roster_delta(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_, required=False)
    cursor = int_field(data, "cursor", 0, low=0, high=2**62)
    limit = int_field(data, "limit", 500, low=1, high=5000)
    persons = central.store.persons_since(cursor, limit + 1)
    more = len(persons) > limit
    persons = persons[:limit]
    out = []
    for person in persons:
        entry = dict(person.data)
        entry["year_to_date"], entry["site_local_ids"] = _latest_year_to_date(central, ctx.site, person.psn_no)
        entry["benefit"] = evoucher.benefit_periods(person)  # always: an empty list lifts a period
        out.append(entry)
    return {"persons": out, "next_cursor": persons[-1].rev if persons else cursor, "more": more}
