"""The slip's data: fee categories from the catalogue, days in hospital, the private slips folder
with its retention."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from hospital_client import paths
from hospital_client.app import slips
from hospital_client.rules import Catalog, load_catalog


def demo_catalog() -> Catalog:
    return load_catalog(paths.demo_catalog_path())


def test_fee_categories_come_from_the_catalogue() -> None:
    catalog = demo_catalog()
    expected = {
        "001109000010000": "床位费", "001102000010000": "诊察费", "002101000020000": "检查费",
        "002502000020000": "化验费", "001204000040000": "治疗费", "003313000010000": "手术费",
        "001201000030000": "护理费", "XA02BAK990A001010100006": "西药费", "NOT-IN-CATALOGUE": "其他",
    }
    for code, category in expected.items():
        assert slips.fee_category(code, catalog) == category, code
    kinds = {item.list_type: slips.fee_category(code, catalog) for code, item in catalog.items.items()}
    assert kinds["material"] == "卫生材料费" and kinds["tcm_patent"] == "中成药费" and kinds["herbal"] == "中药饮片费"
    rows = slips.fee_categories([
        {"med_list_codg": "001109000010000", "det_item_fee_sumamt": "80.00"},
        {"med_list_codg": "001109000020000", "det_item_fee_sumamt": "20.50"},
        {"med_list_codg": "XA02BAK990A001010100006", "det_item_fee_sumamt": "3.00"},
    ], catalog)
    assert rows == [("床位费", "100.50"), ("西药费", "3.00")]


def test_days_in_hospital() -> None:
    assert slips.stay_days("2026-11-29", "2026-12-04") == 5
    assert slips.stay_days("2026-12-04", "2026-12-04") == 1
    assert slips.stay_days("", "2026-12-04") is None


def test_slips_folder_is_private_and_old_slips_go(tmp_path: Path) -> None:
    folder = tmp_path / "slips"
    folder.mkdir(mode=0o755)
    old = folder / "slip-1.pdf"
    old.write_bytes(b"%PDF old")
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    kept = folder / "slip-2.pdf"
    kept.write_bytes(b"%PDF new")
    path = slips.private_slip_path(folder, "slip-3.pdf", 7)
    assert not old.exists() and kept.exists()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    slips.private_slip_path(folder, "slip-4.pdf", 0)
    assert kept.exists()
