"""Hand-off files for a day at the window: the demo roster's persons discharged with the demo
bills, written as HIS would drop them (docs/his-interface.md), JSON and CSV with its header block."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospital_client import paths

DEPARTMENTS = ("呼吸内科", "普外科", "骨科", "神经内科", "产科", "康复科", "老年科")
DIAGNOSES = ("J18.900", "K35.800", "S72.300", "I63.900", "O34.201", "I69.300", "J44.100")
# The demo bills used, small to mid-size (the 120-line ICU bill is left to the benchmarks).
BILLS = ("bill_01_pneumonia.json", "bill_02_appendicitis_small.json", "bill_04_femur_fracture.json",
         "bill_05_stroke_refund.json", "bill_08_caesarean.json", "bill_09_stroke_rehab_tcm.json",
         "bill_10_copd_township.json")
FEE_FIELDS = ("feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt")


@dataclass(frozen=True, slots=True)
class Stay:
    ipt_no: str
    psn_no: str
    psn_name: str
    bill: str
    path: Path


def roster() -> list[dict[str, Any]]:
    persons: list[dict[str, Any]] = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))[
        "persons"]
    return persons


def bill_fees(name: str) -> list[dict[str, Any]]:
    fees: list[dict[str, Any]] = json.loads((paths.demo_dir() / "bills" / name).read_text(encoding="utf-8"))["fees"]
    return fees


def _csv_text(header: list[tuple[str, str]], fees: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(header)
    writer.writerow([])
    writer.writerow(FEE_FIELDS)
    writer.writerows([[str(fee[k]) for k in FEE_FIELDS] for fee in fees])
    return out.getvalue()


def write_handoffs(folder: Path, count: int, *, discharged: dt.date, first_person: int = 0) -> list[Stay]:
    """``count`` hand-offs, one per roster person from ``first_person`` on, every fourth as CSV with
    its header block (GB18030, as many HIS write it), the others JSON; written under another name and
    renamed, as HIS should."""
    folder.mkdir(parents=True, exist_ok=True)
    persons = roster()[first_person:first_person + count]
    assert len(persons) == count, "the demo roster has too few persons"
    stays = []
    for n, person in enumerate(persons):
        bill = BILLS[n % len(BILLS)]
        fees = bill_fees(bill)
        ipt_no = f"ZY-E2E-{n + 1:03d}"
        begin = discharged - dt.timedelta(days=3 + n % 9)
        admission = {"ipt_no": ipt_no, "mdtrt_id": "", "begntime": begin.isoformat(),
                     "endtime": discharged.isoformat(), "dept": DEPARTMENTS[n % len(DEPARTMENTS)],
                     "doctor": "王建国", "diagnoses": [DIAGNOSES[n % len(DIAGNOSES)]]}
        if n % 4 == 3:
            header = [("人员编号", person["psn_no"]), ("身份证号", person["certno"]), ("姓名", person["psn_name"]),
                      ("住院号", ipt_no), ("入院日期", admission["begntime"]), ("出院日期", admission["endtime"]),
                      ("科室", admission["dept"]), ("出院诊断", admission["diagnoses"][0])]
            data = _csv_text(header, fees).encode("gb18030")
            name = f"{ipt_no}.csv"
        else:
            handoff = {"patient": {"psn_no": person["psn_no"], "certno": person["certno"],
                                   "name": person["psn_name"]},
                       "admission": admission, "feedetail": fees}
            data = json.dumps(handoff, ensure_ascii=False, indent=1).encode("utf-8")
            name = f"{ipt_no}.json"
        partial = folder / f".{name}.part"
        partial.write_bytes(data)
        partial.rename(folder / name)
        stays.append(Stay(ipt_no, str(person["psn_no"]), str(person["psn_name"]), bill, folder / name))
    return stays
