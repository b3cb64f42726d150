"""The medical-list catalogue (医保目录): class, first self-paid share and price cap per code.

CSV (UTF-8, optional BOM), lines starting with '#' are comments. Columns:
med_list_codg, name, list_type, chrgitm_lv, selfpay_prop, pric_uplmt_amt, unit, demo_pric.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import CatalogError

CLASS_A, CLASS_B, CLASS_C = "01", "02", "03"
CLASS_NAMES = {CLASS_A: "甲类", CLASS_B: "乙类", CLASS_C: "丙类"}
LIST_TYPES = ("drug", "tcm_patent", "herbal", "service", "material", "facility")
REQUIRED_COLUMNS = ("med_list_codg", "name", "list_type", "chrgitm_lv", "selfpay_prop", "pric_uplmt_amt")


@dataclass(frozen=True, slots=True)
class CatalogItem:
    code: str
    name: str
    list_type: str
    chrgitm_lv: str
    selfpay_prop: Decimal | None
    pric_uplmt_amt: Decimal | None
    unit: str = ""
    demo_pric: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    items: dict[str, CatalogItem]
    sha256: str
    source_name: str
    # Tables derived from the items (the fee classification's per-code rules), built on first use
    # and kept with the catalogue, which does not change once loaded.
    derived: dict[object, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def get(self, code: str) -> CatalogItem | None:
        return self.items.get(code)

    def __len__(self) -> int:
        return len(self.items)


def _decimal(text: str, file: str, line: int, field: str, *, lo: Decimal, hi: Decimal | None) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CatalogError(file, line, field, f"'{text}' is not a number") from None
    if not value.is_finite() or value < lo or (hi is not None and value > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise CatalogError(file, line, field, f"{text} must be {bound}")
    return value


def parse_catalog(data: bytes, source_name: str) -> Catalog:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(source_name, 0, "", f"not UTF-8 text (byte {exc.start})") from None
    # Keep physical line numbers for error messages while skipping comment lines.
    numbered = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if not ln.lstrip().startswith("#")]
    numbered = [(n, ln) for n, ln in numbered if ln.strip()]
    if not numbered:
        raise CatalogError(source_name, 0, "", "the catalogue is empty")
    header_line, header_text = numbered[0]
    header = next(csv.reader(io.StringIO(header_text)))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogError(source_name, header_line, "", f"missing column(s): {', '.join(missing)}")
    items: dict[str, CatalogItem] = {}
    for line_no, line in numbered[1:]:
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != len(header):
            raise CatalogError(source_name, line_no, "", f"expected {len(header)} columns, found {len(cells)}")
        row = dict(zip(header, cells, strict=True))
        code = row["med_list_codg"].strip()
        if not code:
            raise CatalogError(source_name, line_no, "med_list_codg", "empty code")
        if code in items:
            raise CatalogError(source_name, line_no, "med_list_codg", f"duplicate code {code}")
        level = row["chrgitm_lv"].strip()
        if level not in CLASS_NAMES:
            raise CatalogError(source_name, line_no, "chrgitm_lv", f"'{level}' is not 01, 02 or 03")
        list_type = row["list_type"].strip()
        if list_type not in LIST_TYPES:
            raise CatalogError(source_name, line_no, "list_type", f"'{list_type}' is not one of {LIST_TYPES}")
        items[code] = CatalogItem(
            code=code,
            name=row["name"].strip(),
            list_type=list_type,
            chrgitm_lv=level,
            selfpay_prop=_decimal(row["selfpay_prop"], source_name, line_no, "selfpay_prop",
                                  lo=Decimal(0), hi=Decimal(1)),
            pric_uplmt_amt=_decimal(row["pric_uplmt_amt"], source_name, line_no, "pric_uplmt_amt",
                                    lo=Decimal(0), hi=None),
            unit=row.get("unit", "").strip(),
            demo_pric=_decimal(row.get("demo_pric", ""), source_name, line_no, "demo_pric",
                               lo=Decimal(0), hi=None),
        )
    return Catalog(items=items, sha256=hashlib.sha256(data).hexdigest(), source_name=source_name)


def load_catalog(path: str | Path) -> Catalog:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(str(path), 0, "", f"cannot read: {exc.strerror}") from None
    return parse_catalog(data, path.name)
