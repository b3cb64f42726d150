"""Bill import: JSON (2301 shape), CSV in UTF-8 / UTF-8 BOM / GBK, XLSX; per-line errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from hospital_client import paths
from hospital_client.app.bill_import import BillFileError, import_bill, import_bill_bytes

DEMO_BILL = paths.demo_dir() / "bills" / "bill_01_pneumonia.json"


def demo_fees() -> list[dict[str, str]]:
    return json.loads(DEMO_BILL.read_text(encoding="utf-8"))["fees"]


def as_csv(fees: list[dict[str, str]], chinese_header: bool = False) -> str:
    header = "明细流水号,医保目录编码,项目名称,单价,数量,金额" if chinese_header else \
        "feedetl_sn,med_list_codg,name,pric,cnt,det_item_fee_sumamt"
    rows = [header] + [
        f'{f["feedetl_sn"]},{f["med_list_codg"]},"{f["name"]}",{f["pric"]},{f["cnt"]},{f["det_item_fee_sumamt"]}'
        for f in fees
    ]
    return "\r\n".join(rows) + "\r\n"


def test_json_demo_bill() -> None:
    bill = import_bill(DEMO_BILL)
    assert bill.ok and bill.format == "json"
    assert len(bill.fees) == len(demo_fees())
    assert bill.total == sum(Decimal(f["det_item_fee_sumamt"]) for f in demo_fees())


def test_json_2301_feedetail_keeps_only_fee_fields() -> None:
    lines = [dict(f, mdtrt_id="M1", rxno="R1", bilg_dept_codg="A01") for f in demo_fees()[:3]]
    bill = import_bill_bytes(json.dumps({"feedetail": lines}, ensure_ascii=False).encode(), "x.json")
    assert bill.ok
    assert set(bill.fees[0]) == {"feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt"}


@pytest.mark.parametrize(("encoding", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("gbk", "GB18030")])
def test_csv_encodings_with_chinese_header(encoding: str, label: str) -> None:
    fees = demo_fees()
    bill = import_bill_bytes(as_csv(fees, chinese_header=True).encode(encoding), "his_export.csv")
    assert bill.ok, bill.errors
    assert bill.encoding == label
    assert [f["name"] for f in bill.fees] == [f["name"] for f in fees]
    assert bill.total == sum(Decimal(f["det_item_fee_sumamt"]) for f in fees)


def test_xlsx(tmp_path: Path) -> None:
    fees = demo_fees()
    book = Workbook()
    sheet = book.active
    sheet.append(["明细流水号", "医保目录编码", "项目名称", "单价", "数量", "金额"])
    for f in fees:
        sheet.append([f["feedetl_sn"], f["med_list_codg"], f["name"], float(f["pric"]), float(f["cnt"]),
                      float(f["det_item_fee_sumamt"])])
    path = tmp_path / "bill.xlsx"
    book.save(path)
    bill = import_bill(path)
    assert bill.ok, bill.errors
    assert bill.format == "xlsx"
    assert bill.total == sum(Decimal(f["det_item_fee_sumamt"]) for f in fees)


def test_every_bad_line_is_reported_with_line_and_field() -> None:
    text = (
        "feedetl_sn,med_list_codg,name,pric,cnt,det_item_fee_sumamt\n"
        "1,A,床位费,40,7,280.00\n"
        "2,B,药,1.5,x,3\n"
        "3,,药,1,1,1\n"
        "4,C,药,1,1,2\n"
        "1,D,药,1,1,1\n"
    )
    bill = import_bill_bytes(text.encode("gbk"), "bad.csv")
    assert not bill.ok
    found = {(e.line, e.field, e.code) for e in bill.errors}
    assert found == {
        (3, "cnt", "not_number"),
        (4, "med_list_codg", "missing"),
        (5, "det_item_fee_sumamt", "amount_mismatch"),
        (6, "feedetl_sn", "duplicate"),
    }


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.csv", "empty"),
        (b"a,b,c\n1,2,3\n", "nohdr.csv", "missing_columns"),
        (b"{not json", "bad.json", "bad_json"),
        (b"PK\x03\x04garbage", "bad.xlsx", "bad_xlsx"),
        (b"\xff\xfe\xfa\xfb\x00\x81", "x.csv", "encoding"),
        (b"anything", "bill.pdf", "unsupported"),
    ],
)
def test_unreadable_files_are_refused_whole(data: bytes, name: str, code: str) -> None:
    with pytest.raises(BillFileError) as info:
        import_bill_bytes(data, name)
    assert info.value.code == code
    assert name in str(info.value)
