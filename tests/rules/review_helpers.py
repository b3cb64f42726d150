"""Hand-built bills and libraries for the review-rule tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hospital_client.rules.review import ReviewLibrary, parse_library

MALE_1980 = "990100198001011234"     # digit 17 odd: male; born 1980-01-01
FEMALE_1980 = "990100198001011224"   # digit 17 even: female


def line(sn: str, code: str, pric: str, cnt: str, name: str = "") -> dict[str, str]:
    return {"feedetl_sn": sn, "med_list_codg": code, "name": name or f"项目{code}", "pric": pric, "cnt": cnt,
            "det_item_fee_sumamt": str((Decimal(pric) * Decimal(cnt)).quantize(Decimal("0.01")))}


def request(fees: list[dict[str, str]], *, certno: str = MALE_1980, insutype: str = "310", med_type: str = "21",
            hosp_lv: int = 2, begntime: str = "2026-11-10", endtime: str = "2026-11-15",
            diagnoses: tuple[str, ...] = ("J18.900",), mdtrt_id: str = "MDT-NOW",
            hospital: str = "H1") -> dict[str, Any]:
    return {
        "person": {"psn_no": "P1", "certno": certno, "insutype": insutype, "insuplc_admdvs": "990100"},
        "encounter": {"mdtrt_id": mdtrt_id, "med_type": med_type, "fixmedins_code": hospital, "hosp_lv": hosp_lv,
                      "begntime": begntime, "endtime": endtime, "diagnoses": list(diagnoses)},
        "fees": fees,
    }


def library(rules_toml: str, *, file: str = "t.toml") -> ReviewLibrary:
    text = '[library]\nid = "t"\nversion = "1"\n' + rules_toml
    return parse_library(text.encode("utf-8"), file)
