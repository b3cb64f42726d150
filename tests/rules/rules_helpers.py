"""Shared builders for the rules-core tests: a tiny inline catalogue, fee lines, requests, packs.

The figures in the tests are computed by hand from these inputs, so everything here is
deliberately small and explicit. The demo catalogue (resources/catalog) is not used: it is
generated data that may change.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from hospital_client.rules import Catalog, Pack, find_pack, load_pack_dir, parse_catalog, parse_pack, settle
from hospital_client.rules.result import SettlementResult

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "resources" / "policies"
BUNDLED_IDS = ("anhui-2015-pilot", "demo", "fuxin-2020", "huizhou-2013-employee", "huizhou-2013-resident",
               "xuzhou-2013")

# code, name, list_type, class, first self-paid share, price cap
CATALOG_CSV = """\
# test catalogue: every line is a fixture of tests/rules
med_list_codg,name,list_type,chrgitm_lv,selfpay_prop,pric_uplmt_amt
A1,甲类药品,drug,01,0,
A2,甲类检查,service,01,,
B1,乙类药品（先行自付20%）,drug,02,0.20,
B0,乙类药品（比例未定，用政策包默认）,drug,02,,
BZ,乙类药品（先行自付0）,drug,02,0,
C1,丙类药品,drug,03,,
P1,甲类材料（限价80）,material,01,,80
PB,乙类材料（限价50，先行自付10%）,material,02,0.10,50
PC,丙类材料（限价10）,material,03,,10
"""
CATALOG: Catalog = parse_catalog(CATALOG_CSV.encode(), "test_catalog.csv")
KNOWN_CODES = ("A1", "A2", "B1", "B0", "BZ", "C1", "P1", "PB", "PC")

# One encounter date inside each bundled pack's validity.
PACK_DAY = {
    "demo": "2026-03-02",
    "fuxin-2020": "2020-03-02",
    "huizhou-2013-resident": "2013-03-02",
    "huizhou-2013-employee": "2013-03-02",
    "xuzhou-2013": "2013-08-01",
    "anhui-2015-pilot": "2016-03-02",
    "test-pack": "2026-03-02",
}


def fen(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@functools.cache
def bundled() -> tuple[Pack, ...]:
    return tuple(load_pack_dir(POLICIES))


def pack(pack_id: str) -> Pack:
    return find_pack(bundled(), pack_id)


def fee(sn: str, code: str, pric: str | Decimal, cnt: str | Decimal = "1", **overrides: Any) -> dict[str, Any]:
    """A fee line whose det_item_fee_sumamt is pric × cnt to the fen."""
    amount = fen(D(str(pric)) * D(str(cnt)))
    line: dict[str, Any] = {
        "feedetl_sn": sn, "med_list_codg": code, "name": f"项目{code}",
        "pric": str(pric), "cnt": str(cnt), "det_item_fee_sumamt": f"{amount:.2f}",
    }
    for key, value in overrides.items():
        line[key] = value if value is None else str(value)
    return line


def jia(amount: str | Decimal, sn: str = "1") -> dict[str, Any]:
    """One 甲类 line (fully in policy range, no cap) worth `amount`."""
    return fee(sn, "A1", amount)


def request(
    fees: list[dict[str, Any]],
    *,
    pack_id: str = "demo",
    insutype: str = "390",
    hosp_lv: int = 2,
    day: str | None = None,
    residence: str | None = "rural",
    group: str | None = None,
    psn_type: str = "1101",
    referral: dict[str, Any] | None = None,
    out_of_area: bool = False,
    registered: bool = False,
    ytd: dict[str, Any] | None = None,
    med_type: str = "21",
) -> dict[str, Any]:
    begin = dt.date.fromisoformat(day or PACK_DAY[pack_id])
    person: dict[str, Any] = {
        "psn_no": "T0001", "psn_name": "测试", "certno": "990100199001011234", "insutype": insutype,
        "psn_type": psn_type, "insuplc_admdvs": "990100", "assistance_group": group,
    }
    if residence is not None:
        person["residence"] = residence
    req: dict[str, Any] = {
        "person": person,
        "encounter": {
            "mdtrt_id": "MDT-T-1", "med_type": med_type, "fixmedins_code": "H99010000001", "hosp_lv": hosp_lv,
            "mdtrtarea_admvs": "990100", "begntime": begin.isoformat(),
            "endtime": (begin + dt.timedelta(days=7)).isoformat(), "diagnoses": ["J18.900"],
            "referral": referral, "out_of_area": out_of_area, "out_of_area_registered": registered,
        },
        "fees": fees,
    }
    if ytd is not None:
        req["year_to_date"] = {k: (v if isinstance(v, int) else str(v)) for k, v in ytd.items()}
    return req


def run(req: dict[str, Any], pack_or_id: str | Pack = "demo", catalog: Catalog = CATALOG) -> SettlementResult:
    p = pack(pack_or_id) if isinstance(pack_or_id, str) else pack_or_id
    return settle(req, p, catalog)


def out(result: SettlementResult) -> dict[str, Any]:
    return result.to_dict()


def expect(result: SettlementResult, **figures: str) -> None:
    """Compare setlinfo figures as the contract's strings, e.g. expect(r, hifp_pay="7125.00")."""
    setl = result.to_dict()["setlinfo"]
    got = {k: setl[k] for k in figures}
    assert got == figures


def funds(result: SettlementResult) -> dict[str, str]:
    return {d["fund_pay_type"]: d["fund_payamt"] for d in result.to_dict()["setldetail"]}


def carry(result: SettlementResult) -> dict[str, Any]:
    """year_to_date_after of a result, ready to be the next request's year_to_date."""
    return dict(result.to_dict()["year_to_date_after"])


TEST_PACK_HEAD = """\
[pack]
id = "test-pack"
name = "测试政策包"
version = "t1"
source = "tests/rules"
admdvs = ["990100"]
insutypes = ["390", "310"]
valid_from = 2026-01-01
valid_to = 2026-12-31
"""

TEST_PACK_FUNDS = """
[funds.basic]
code = "390100"
name = "基本医疗保险统筹基金"

[funds.hifmi]
code = "390200"
name = "大病保险资金"

[funds.maf]
code = "610100"
name = "医疗救助基金"

[funds.maf2]
code = "610200"
name = "倾斜救助资金"
"""


def pack_text(
    *,
    items: str = "class_b_selfpay = 0.10",
    basic: str = "",
    ratio: str = "1 = 0.80\n2 = 0.80\n3 = 0.80",
    deductible: str = "1 = 300\n2 = 600\n3 = 1000",
    tail: str = "",
    annual_cap: str = "100000",
) -> str:
    """A small complete pack: flat 80% ratio, deductibles 300/600/1000, cap 100,000, plus `tail` tables."""
    return (
        TEST_PACK_HEAD
        + f"\n[items]\n{items}\n"
        + f"\n[basic]\nannual_cap = {annual_cap}\n{basic}\n"
        + f"\n[basic.deductible]\n{deductible}\n"
        + (f"\n[basic.ratio]\n{ratio}\n" if ratio else "")
        + f"\n{tail}\n"
        + TEST_PACK_FUNDS
    )


def make_pack(**kwargs: str) -> Pack:
    return parse_pack(pack_text(**kwargs).encode(), "test-pack.toml")

