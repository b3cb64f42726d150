"""The 结算单's fee categories from the demo catalogue (the 12 headings; nothing in 其他 that has a
heading of its own), and the codes the slip and the screens turn into words (app.code_names)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from hospital_client import paths, store
from hospital_client.app.code_names import (
    assistance_group_name,
    insutype_name,
    level_name,
    psn_type_name,
    region_name,
)
from hospital_client.app.slips import FEE_CATEGORIES, fee_categories, fee_category

# What the demo catalogue holds that has no heading of its own: services that are neither
# examination, test, treatment, nursing nor surgery (the 自费 service group 0048).
OTHER = {"院外陪检服务", "中药代煎", "膳食营养指导", "戒烟咨询", "病历复印", "诊断证明书", "救护车院外转运费",
         "尸体料理", "健康咨询"}


def test_every_demo_catalogue_item_has_its_heading(demo_db: store.LocalDatabase) -> None:
    catalog = store.caches.load_catalog(demo_db)
    by: dict[str, list[str]] = defaultdict(list)
    for code, item in catalog.items.items():
        by[fee_category(code, catalog)].append(item.name)
    assert set(by) == set(FEE_CATEGORIES)  # all twelve in use
    assert set(by["其他"]) == OTHER
    # Services the code prefix alone would misplace, by their names.
    names = {item.name: fee_category(code, catalog) for code, item in catalog.items.items()}
    assert names["特需专家诊查费"] == "诊察费" and names["点名手术附加费"] == "手术费"
    assert names["种植牙植入术"] == "手术费" and names["肿瘤靶向药物基因检测"] == "化验费"
    assert names["健康体检(一般项目)"] == "检查费" and names["医学美容注射"] == "治疗费"
    assert names["电除颤"] == "治疗费" and names["心肺复苏术"] == "治疗费"  # 0031: treatments, not examinations
    assert names["常规心电图(十二导联)"] == "检查费" and names["胃镜检查"] == "检查费"
    assert names["静脉输液(第一组)"] == "治疗费" and names["护理费 一级护理"] == "护理费"
    assert names["全身麻醉"] == "手术费"


def test_the_demo_bills_land_in_other_only_for_what_has_no_heading(demo_db: store.LocalDatabase) -> None:
    catalog = store.caches.load_catalog(demo_db)
    demo = paths.demo_dir()
    for path in [*sorted((demo / "bills").glob("bill_*.json")), *sorted((demo / "his").glob("*.json"))]:
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = data.get("fees") or data["feedetail"]
        for line in lines:
            category = fee_category(line["med_list_codg"], catalog, line["name"])
            assert category != "其他" or line["name"] in OTHER, (path.name, line["name"])
        totals = dict(fee_categories(lines, catalog))
        assert sum(Decimal(v) for v in totals.values()) == sum(Decimal(v["det_item_fee_sumamt"]) for v in lines)
    # The hospital's own codes (not in the catalogue): by the line's name.
    assert fee_category("HOSP-LOCAL-XM0031", catalog, "角膜内皮细胞计数(院内自定项目)") == "检查费"
    assert fee_category("HOSP-LOCAL-ZJ0007", catalog, "复方薄荷脑滴鼻液(院内制剂) 10ml") == "西药费"
    assert fee_category("HOSP-LOCAL-X", catalog, "") == "其他"


def test_codes_are_shown_as_words() -> None:
    assert insutype_name("390") == "城乡居民基本医疗保险" and insutype_name("310", short=True) == "职工医保"
    assert insutype_name("340") == "离休人员医疗保障" and insutype_name("999") == "其他（999）"
    assert psn_type_name("1503") == "城乡居民（老年人）" and psn_type_name("1199") == "在职"
    assert region_name("990200") == "示例邻市（演示）" and region_name("210921") == "阜新蒙古族自治县"
    assert region_name("210999") == "辽宁省（210999）" and region_name("X1") == "其他（X1）"
    assert level_name(2) == "二级" and level_name(None) == ""
    assert assistance_group_name("dibao_edge") == "低保边缘" and assistance_group_name(None) == ""
    # every region a bundled pack covers has its name
    import tomllib

    for pack in paths.policies_dir().glob("*.toml"):
        for code in tomllib.loads(pack.read_text(encoding="utf-8"))["pack"].get("admdvs", []):
            assert code not in region_name(code) and "其他" not in region_name(code), (pack.name, code)
