"""Codes turned into the words people read: 险种 (insutype), 人员类别 (psn_type), 参保地 and other
regions (admdvs), the hospital level (hosp_lv), 医疗救助 groups. One table each, used by the slip,
the settle screen, history, day-end and the settings page, so a code never reaches a person bare.

A code the tables do not know is shown with what can be said of it (a region by its province:
"辽宁省（210999）") or, at worst, as "其他（code）"; never bare.
"""

from __future__ import annotations

__all__ = [
    "ASSISTANCE_GROUP_NAMES",
    "INSUTYPE_NAMES",
    "LEVEL_NAMES",
    "PSN_TYPE_NAMES",
    "REGION_NAMES",
    "assistance_group_name",
    "insutype_name",
    "level_name",
    "psn_type_name",
    "region_name",
]

# 险种类型 (national code list insutype).
INSUTYPE_NAMES = {
    "310": "职工基本医疗保险", "320": "公务员医疗补助", "330": "大额医疗费用补助", "340": "离休人员医疗保障",
    "350": "一至六级残疾军人医疗补助", "360": "老红军医疗保障", "370": "企业补充医疗保险",
    "390": "城乡居民基本医疗保险", "391": "城镇居民基本医疗保险", "392": "城乡居民大病医疗保险",
    "399": "其他特殊人员医疗保障", "510": "生育保险",
}
# Short forms for narrow places on screen.
INSUTYPE_SHORT = {"310": "职工医保", "390": "城乡居民医保", "391": "城镇居民医保", "392": "居民大病保险"}

# 人员类别 (psn_type): the demo roster's and the usual national ones.
PSN_TYPE_NAMES = {
    "11": "在职", "1101": "职工在职", "1102": "公务员在职", "1103": "灵活就业人员",
    "12": "退休", "1201": "职工退休", "1202": "公务员退休",
    "13": "离休", "1301": "离休人员",
    "15": "城乡居民", "1501": "城乡居民（未成年人）", "1502": "城乡居民（成年人）", "1503": "城乡居民（老年人）",
    "16": "大学生",
}

# 医疗救助 groups as the roster names them.
ASSISTANCE_GROUP_NAMES = {"tekun": "特困供养", "dibao": "低保", "dibao_edge": "低保边缘", "poverty": "建档立卡"}

LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}

_PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "99": "示例省（演示）",
}

# 行政区划 (admdvs) of the regions the bundled packs and the demo site cover.
REGION_NAMES = {
    "990100": "示例市（演示）", "990200": "示例邻市（演示）",
    # 辽宁 阜新
    "210900": "阜新市", "210902": "阜新市海州区", "210903": "阜新市新邱区", "210904": "阜新市太平区",
    "210905": "阜新市清河门区", "210911": "阜新市细河区", "210921": "阜新蒙古族自治县", "210922": "彰武县",
    # 江苏 徐州
    "320300": "徐州市", "320305": "徐州市贾汪区", "320312": "徐州市铜山区", "320321": "丰县", "320322": "沛县",
    "320324": "睢宁县", "320381": "新沂市", "320382": "邳州市",
    # 广东 惠州
    "441300": "惠州市", "441302": "惠州市惠城区", "441303": "惠州市惠阳区", "441322": "博罗县",
    "441323": "惠东县", "441324": "龙门县",
    # 安徽 (2015 pilot regions)
    "340100": "合肥市", "340121": "长丰县", "340122": "肥东县", "340123": "肥西县", "340124": "庐江县",
    "340181": "巢湖市", "340200": "芜湖市", "340221": "芜湖县", "340222": "繁昌县", "340223": "南陵县",
    "340500": "马鞍山市", "340621": "濉溪县", "340700": "铜陵市", "340721": "铜陵县", "341221": "临泉县",
    "341222": "太和县", "341225": "阜南县", "341226": "颍上县", "341282": "界首市", "341602": "亳州市谯城区",
    "341621": "涡阳县", "341721": "东至县", "341722": "石台县", "341723": "青阳县", "341822": "广德县",
    "341881": "宁国市",
}


def _other(code: str) -> str:
    return f"其他（{code}）" if code else ""


def insutype_name(code: str, *, short: bool = False) -> str:
    """险种 in words ("城乡居民基本医疗保险"; ``short``: "城乡居民医保")."""
    if short and code in INSUTYPE_SHORT:
        return INSUTYPE_SHORT[code]
    return INSUTYPE_NAMES.get(code) or _other(code)


def psn_type_name(code: str) -> str:
    """人员类别 in words; an unknown sub-code by its two-digit group."""
    return PSN_TYPE_NAMES.get(code) or PSN_TYPE_NAMES.get(code[:2], "") or _other(code)


def region_name(code: str) -> str:
    """A region (admdvs) in words: its name, else its province with the code, else the code marked."""
    if code in REGION_NAMES:
        return REGION_NAMES[code]
    province = _PROVINCES.get(code[:2]) if len(code) == 6 and code.isdigit() else None
    return f"{province}（{code}）" if province else _other(code)


def level_name(level: int | str | None) -> str:
    """The hospital level (hosp_lv 1-3) in words; "" when not given."""
    try:
        number = int(level or 0)
    except (TypeError, ValueError):
        return _other(str(level))
    return LEVEL_NAMES.get(number, "") if number else ""


def assistance_group_name(code: str | None) -> str:
    """The 医疗救助 group in words; "" for none."""
    if not code:
        return ""
    return ASSISTANCE_GROUP_NAMES.get(code) or _other(code)
