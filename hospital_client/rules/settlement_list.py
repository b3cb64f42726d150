"""The 医疗保障基金结算清单 (settlement list, 4101): its parts, its required fields and the checks
that both the desk (before it uploads) and the central system (its quality control) run on it.

A list is a JSON object with five parts (field names of the platform's 4101):

    setlinfo   one object: the settlement (setl_id, psn_no, mdtrt_id, ...), the stay
               (adm_time, dscg_time, act_ipt_days, adm_caty, dscg_caty, dscg_way, chfpdr_name, ...)
    payinfo    the funds that paid: [{fund_pay_type, fund_payamt}]
    diseinfo   the diagnoses: [{diag_type, diag_code, diag_name, maindiag_flag, adm_cond_type}]
    oprninfo   the procedures: [{oprn_oprt_code, oprn_oprt_name, oprn_oprt_date, main_oprn_flag, ...}]
    iteminfo   the fees by category: [{med_chrgitm_type, amt, claa_sumfee, clab_amt, fulamt_ownpay_amt, oth_amt}]

``problems(list_)`` returns every problem found, each with a code, the field (a path such as
``diseinfo[0].diag_name``) and a Chinese sentence; an empty list means the list may be uploaded.
Pure: no store, no network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["DSCG_WAYS", "MED_CHRGITM_TYPES", "PARTS", "Problem", "amount", "problems", "stay_days"]

PARTS = ("setlinfo", "payinfo", "diseinfo", "oprninfo", "iteminfo")

# 医疗收费项目类别 (med_chrgitm_type) by the slip's fee category.
MED_CHRGITM_TYPES: dict[str, str] = {
    "床位费": "01", "诊察费": "02", "检查费": "03", "化验费": "04", "治疗费": "05", "手术费": "06",
    "护理费": "07", "卫生材料费": "08", "西药费": "09", "中药饮片费": "10", "中成药费": "11",
    "一般诊疗费": "12", "挂号费": "13", "其他": "14",
}
# 离院方式 (dscg_way).
DSCG_WAYS: dict[str, str] = {"1": "医嘱离院", "2": "医嘱转院", "3": "医嘱转社区卫生服务机构/乡镇卫生院",
                             "4": "非医嘱离院", "5": "死亡", "9": "其他"}

# setlinfo fields that must not be empty, with their Chinese names.
SETLINFO_REQUIRED: dict[str, str] = {
    "setl_id": "结算ID", "psn_no": "人员编号", "mdtrt_id": "就诊ID", "medcasno": "病案号",
    "psn_name": "姓名", "gend": "性别", "brdy": "出生日期", "insutype": "险种类型",
    "ipt_med_type": "住院医疗类型", "adm_time": "入院时间", "dscg_time": "出院时间",
    "dscg_caty": "出院科别", "act_ipt_days": "实际住院天数", "dscg_way": "离院方式", "chfpdr_name": "主诊医师姓名",
}
DIAG_REQUIRED: dict[str, str] = {"diag_type": "诊断类别", "diag_code": "诊断代码", "diag_name": "诊断名称",
                                 "maindiag_flag": "主诊断标志"}
OPRN_REQUIRED: dict[str, str] = {"oprn_oprt_code": "手术操作代码", "oprn_oprt_name": "手术操作名称",
                                 "oprn_oprt_date": "手术操作日期", "main_oprn_flag": "主手术操作标志"}
ITEM_AMOUNTS = ("claa_sumfee", "clab_amt", "fulamt_ownpay_amt", "oth_amt")

# ICD-10 (国家医保版): a letter, two digits, optionally a dot and up to four more (J18.900, I10.x00).
ICD10 = re.compile(r"[A-Z][0-9]{2}(\.[0-9A-Za-z]{1,4})?")
# ICD-9-CM-3 (手术操作): two digits, a dot, two to four more (47.0100, 81.5100x001 is cut to its head).
ICD9CM3 = re.compile(r"[0-9]{2}\.[0-9A-Za-z]{1,4}(x[0-9]{3})?")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a list: a check code (QC01 ...), the field and a Chinese sentence."""

    code: str
    field: str
    msg: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "msg": self.msg}


def amount(value: Any) -> Decimal | None:
    """A money field (a decimal string or an integer), or None when it is not one."""
    if isinstance(value, bool) or isinstance(value, float) or not isinstance(value, (str, int, Decimal)):
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def stay_days(adm: dt.date, dscg: dt.date) -> int:
    """实际住院天数: discharge day minus admission day, a same-day stay counting one."""
    return max(1, (dscg - adm).days)


def _text(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _items(list_: Mapping[str, Any], part: str, out: list[Problem]) -> list[Mapping[str, Any]]:
    value = list_.get(part)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, Mapping) for x in value):
        out.append(Problem("QC00", part, f"{part} 应为对象列表"))
        return []
    return list(value)


def problems(list_: Mapping[str, Any]) -> list[Problem]:
    """Every required field missing and every check failed, in the order of the list."""
    out: list[Problem] = []
    setl = list_.get("setlinfo")
    if not isinstance(setl, Mapping):
        return [Problem("QC00", "setlinfo", "setlinfo（结算清单主体）缺失")]
    for key, name in SETLINFO_REQUIRED.items():
        if not _text(setl.get(key)):
            out.append(Problem("QC01", f"setlinfo.{key}", f"{name}（{key}）缺失"))
    diseases = _items(list_, "diseinfo", out)
    operations = _items(list_, "oprninfo", out)
    items = _items(list_, "iteminfo", out)
    pays = _items(list_, "payinfo", out)
    _check_diagnoses(diseases, out)
    adm, dscg = _check_stay(setl, out)
    _check_operations(operations, adm, dscg, out)
    _check_items(items, out)
    for i, pay in enumerate(pays):
        if not _text(pay.get("fund_pay_type")):
            out.append(Problem("QC01", f"payinfo[{i}].fund_pay_type", "基金支付类型（fund_pay_type）缺失"))
        if amount(pay.get("fund_payamt")) is None:
            out.append(Problem("QC07", f"payinfo[{i}].fund_payamt", "基金支付金额（fund_payamt）不是金额"))
    return out


def _check_diagnoses(diseases: Sequence[Mapping[str, Any]], out: list[Problem]) -> None:
    if not diseases:
        out.append(Problem("QC02", "diseinfo", "主要诊断缺失：结算清单没有任何诊断"))
        return
    for i, diag in enumerate(diseases):
        for key, name in DIAG_REQUIRED.items():
            if not _text(diag.get(key)):
                code = _text(diag.get("diag_code"))
                which = f"：{code}" if code else ""
                out.append(Problem("QC01", f"diseinfo[{i}].{key}", f"{name}（{key}）缺失{which}"))
        code = _text(diag.get("diag_code"))
        if code and not ICD10.fullmatch(code):
            out.append(Problem("QC03", f"diseinfo[{i}].diag_code", f"诊断代码 {code[:20]} 不是 ICD-10 编码"))
    mains = [i for i, d in enumerate(diseases) if _text(d.get("maindiag_flag")) == "1"]
    if not mains:
        out.append(Problem("QC02", "diseinfo", "主要诊断缺失：没有主诊断标志为 1 的诊断"))
    elif len(mains) > 1:
        out.append(Problem("QC02", "diseinfo", f"主要诊断只能有一个（有 {len(mains)} 个）"))
    else:
        code = _text(diseases[mains[0]].get("diag_code")).upper()
        if code[:1] in ("V", "W", "X", "Y"):
            out.append(Problem("QC04", f"diseinfo[{mains[0]}].diag_code",
                               f"损伤和中毒的外部原因（{code}）不能作为主要诊断"))


def _check_stay(setl: Mapping[str, Any], out: list[Problem]) -> tuple[dt.date | None, dt.date | None]:
    adm, dscg = _day(setl.get("adm_time")), _day(setl.get("dscg_time"))
    if _text(setl.get("adm_time")) and adm is None:
        out.append(Problem("QC05", "setlinfo.adm_time", "入院时间不是日期"))
    if _text(setl.get("dscg_time")) and dscg is None:
        out.append(Problem("QC05", "setlinfo.dscg_time", "出院时间不是日期"))
    if adm is not None and dscg is not None:
        if dscg < adm:
            out.append(Problem("QC05", "setlinfo.dscg_time", f"出院时间 {dscg} 早于入院时间 {adm}"))
        else:
            days = _text(setl.get("act_ipt_days"))
            if days and days != str(stay_days(adm, dscg)):
                out.append(Problem("QC05", "setlinfo.act_ipt_days",
                                   f"实际住院天数 {days} 与入出院时间不符（应为 {stay_days(adm, dscg)}）"))
    way = _text(setl.get("dscg_way"))
    if way and way not in DSCG_WAYS:
        out.append(Problem("QC10", "setlinfo.dscg_way", f"离院方式 {way[:10]} 不是有效代码（1–5、9）"))
    return adm, dscg


def _check_operations(operations: Sequence[Mapping[str, Any]], adm: dt.date | None, dscg: dt.date | None,
                      out: list[Problem]) -> None:
    for i, oprn in enumerate(operations):
        for key, name in OPRN_REQUIRED.items():
            if not _text(oprn.get(key)):
                out.append(Problem("QC01", f"oprninfo[{i}].{key}", f"{name}（{key}）缺失"))
        code = _text(oprn.get("oprn_oprt_code"))
        if code and not ICD9CM3.fullmatch(code):
            out.append(Problem("QC08", f"oprninfo[{i}].oprn_oprt_code",
                               f"手术操作代码 {code[:20]} 不是 ICD-9-CM-3 编码"))
        day = _day(oprn.get("oprn_oprt_date"))
        if day is not None and adm is not None and dscg is not None and not adm <= day <= dscg:
            out.append(Problem("QC08", f"oprninfo[{i}].oprn_oprt_date", f"手术操作日期 {day} 不在住院期间内"))
    if operations:
        mains = sum(1 for o in operations if _text(o.get("main_oprn_flag")) == "1")
        if mains != 1:
            out.append(Problem("QC08", "oprninfo", f"主手术操作应有且只有一个（有 {mains} 个）"))


def _check_items(items: Sequence[Mapping[str, Any]], out: list[Problem]) -> None:
    if not items:
        out.append(Problem("QC06", "iteminfo", "收费项目信息（iteminfo）缺失"))
    for i, item in enumerate(items):
        if _text(item.get("med_chrgitm_type")) not in MED_CHRGITM_TYPES.values():
            out.append(Problem("QC06", f"iteminfo[{i}].med_chrgitm_type", "医疗收费项目类别不是有效代码（01–14）"))
        total = amount(item.get("amt"))
        parts = [amount(item.get(k)) for k in ITEM_AMOUNTS]
        if total is None or any(p is None for p in parts):
            out.append(Problem("QC06", f"iteminfo[{i}]",
                               "金额（amt、claa_sumfee、clab_amt、fulamt_ownpay_amt、oth_amt）应为金额"))
            continue
        if sum((p for p in parts if p is not None), Decimal(0)) != total:
            out.append(Problem("QC06", f"iteminfo[{i}].amt", f"甲类、乙类、自费、其他之和不等于金额 {total}"))
