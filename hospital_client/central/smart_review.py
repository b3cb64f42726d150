"""智能审核 at the central system: the same audit engine as the desk (rules.review) on every
settlement it adjudicates, and the platform-style analysis transactions.

    3101  明细审核事前分析服务  pre_analysis   the violations of a request before it is settled
    3102  明细审核事中分析服务  mid_analysis   the same at settlement time, with the desk's overrides

Both answer ``{"result": [...]}``, one object per violation with the national platform's fields
(jr_id, rule_id, rule_name, vola_cont, patn_id, mdtrt_id, judge_result_detail_dtos, vola_amt,
vola_amt_stas, sev_deg, vola_evid, vola_bhvr_type, task_id) plus this project's ``severity``,
``kind`` and ``override``; nothing is stored. docs/protocol.md lists the values.

The earlier stays come from the central store (every site's settlements in force of the person),
so 分解住院 sees a readmission at another desk of the same hospital and 冒名就医 the same
person in another hospital on overlapping days; the declared sex and birth date from the roster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..protocol import BadInput
from ..rules import SettlementRequest
from ..rules.money import ZERO, fmt
from ..rules.review import DeclaredPerson, PriorStay, ReviewLibrary, ReviewOverride
from .stays_in_force import prior_stay
from .store import CentralStore, PersonRecord, SettlementRecord

__all__ = ["BEHAVIOUR_TYPES", "KIND_NAMES", "declared_of", "parse_overrides", "platform_violations",
           "prior_stays", "violations_report", "violations_text", "violations_xlsx"]

KIND_NAMES = {
    "sex": "限性别", "age": "限年龄", "indication": "限定支付范围（适应症）", "hosp_level": "限医疗机构等级",
    "med_mode": "限就医方式", "insutype": "限险种", "quantity": "超量/超疗程/超频次", "pair": "重复收费/串换",
    "readmission": "分解住院", "identity": "冒名就医",
}
# vola_bhvr_type (违规行为分类), this project's values: 1 限定支付, 2 超量, 3 重复收费/串换,
# 4 分解住院, 5 冒名就医.
BEHAVIOUR_TYPES = {"sex": "1", "age": "1", "indication": "1", "hosp_level": "1", "med_mode": "1", "insutype": "1",
                   "quantity": "2", "pair": "3", "readmission": "4", "identity": "5"}
SEV_DEG = {"block": "1", "warn": "2"}  # 1 明确违规（拦截）, 2 可疑（提示）
VOLA_AMT_STAS = "1"                    # 1 已计算
LOOKBACK_YEARS = 2


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def stay_of(record: SettlementRecord) -> PriorStay | None:
    """A stored settlement as an earlier stay (hospital, dates, diagnoses), or None without dates."""
    request = json.loads(record.request_json)
    encounter = request.get("encounter") if isinstance(request, dict) else None
    return prior_stay(record.mdtrt_id, record.site, encounter)


def prior_stays(store: CentralStore, psn_no: str, mdtrt_id: str, year: int) -> tuple[PriorStay, ...]:
    """The person's settlements in force at every site (not the stay being settled), read as only
    what the review rules look at (``CentralStore.stays_in_force``)."""
    return tuple(s.stay for s in store.stays_in_force(psn_no, year - LOOKBACK_YEARS + 1) if s.stay.mdtrt_id != mdtrt_id)


def declared_of(person: PersonRecord) -> DeclaredPerson | None:
    """The sex and birth date the central roster declares."""
    gend = str(person.data.get("gend") or "")
    brdy = _date(person.data.get("brdy"))
    gend_ok = gend if gend in ("1", "2") else None
    return None if gend_ok is None and brdy is None else DeclaredPerson(gend_ok, brdy)


def parse_overrides(raw: Any, where: str) -> list[ReviewOverride]:
    """``review_overrides`` of a 2304/9511 item or a 3102 request: [{rule_id, operator, reason,
    feedetl_sn}] (absent: none). The desk checked the supervisor; the fund sees who and why."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 200:
        raise BadInput(f"{where}review_overrides 应为数组（至多 200 项）")
    out: list[ReviewOverride] = []
    for n, item in enumerate(raw):
        label = f"{where}review_overrides[{n}]"
        if not isinstance(item, dict):
            raise BadInput(f"{label} 应为对象")
        fields = {}
        for key, limit in (("rule_id", 64), ("operator", 64), ("reason", 500)):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip() or len(value) > limit:
                raise BadInput(f"{label}.{key} 应为非空字符串（至多 {limit} 字）")
            fields[key] = value.strip()
        out.append(ReviewOverride(fields["rule_id"], fields["operator"], fields["reason"]))
    return out


def _jr_id(mdtrt_id: str, rule_id: str, sns: Sequence[str]) -> str:
    digest = hashlib.sha256("\x1f".join((mdtrt_id, rule_id, *sns)).encode()).hexdigest()[:16]
    return f"JR{digest.upper()}"


def platform_violations(violations: Iterable[Mapping[str, Any]], request: SettlementRequest, library: ReviewLibrary,
                        task_id: str) -> list[dict[str, Any]]:
    """The engine's violations with the platform's field names (3101/3102, and the reports)."""
    mdtrt_id = request.encounter.mdtrt_id
    psn_no = request.person.psn_no
    amounts = dict(zip(request.fees.feedetl_sn, request.fees.det_item_fee_sumamt, strict=True))
    out = []
    for v in violations:
        sns = [str(sn) for sn in v.get("feedetl_sn") or []]
        jr_id = _jr_id(mdtrt_id, str(v["rule_id"]), sns)
        details = [{"jrd_id": f"{jr_id}-{n + 1}", "patn_id": psn_no, "mdtrt_id": mdtrt_id, "rx_id": sn,
                    "vola_item_type": "1", "vola_amt": fmt(amounts.get(sn, ZERO))} for n, sn in enumerate(sns)]
        kind = str(v["kind"])
        out.append({
            "jr_id": jr_id, "rule_id": v["rule_id"], "rule_name": f"{KIND_NAMES.get(kind, kind)}（{library.id}）",
            "vola_cont": v["text"], "patn_id": psn_no, "mdtrt_id": mdtrt_id, "judge_result_detail_dtos": details,
            "vola_amt": v["amount"], "vola_amt_stas": VOLA_AMT_STAS, "sev_deg": SEV_DEG.get(str(v["severity"]), "2"),
            "vola_evid": json.dumps(v.get("evidence") or {}, ensure_ascii=False, sort_keys=True),
            "vola_bhvr_type": BEHAVIOUR_TYPES.get(kind, "9"), "task_id": task_id,
            "severity": v["severity"], "kind": kind, "override": v.get("override"),
        })
    return out


# --- the monthly violations report ------------------------------------------------------------


def violations_of(record: SettlementRecord) -> list[dict[str, Any]]:
    """The violations the central audit recorded in a settlement's final result."""
    final = json.loads(record.final_json)
    found = final.get("violations") if isinstance(final, dict) else None
    return [v for v in found if isinstance(v, dict)] if isinstance(found, list) else []


def violation_rows(store: CentralStore, records: Iterable[SettlementRecord]) -> list[dict[str, Any]]:
    """One row per violation of the given settlements (reversed ones marked)."""
    rows = []
    for record in records:
        reversed_ = store.get_reversal_of(record.setl_id) is not None
        for v in violations_of(record):
            override = v.get("override") if isinstance(v.get("override"), dict) else None
            rows.append({"setl_id": record.setl_id, "site": record.site, "local_id": record.local_id,
                         "mdtrt_id": record.mdtrt_id, "setl_time": record.setl_time, "rule_id": v.get("rule_id"),
                         "kind": v.get("kind"), "severity": v.get("severity"), "amount": v.get("amount"),
                         "text": v.get("text"), "feedetl_sn": v.get("feedetl_sn") or [],
                         "override": override, "reversed": reversed_})
    return rows


def violations_report(store: CentralStore, month: str) -> dict[str, Any]:
    """The violations of the settlements of ``month`` (YYYY-MM, by settlement time), by hospital and
    rule: count, amount at stake, amount refused (拦截 not overridden) and overridden, for the
    insurer's review staff. Reversed settlements are listed but not counted."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise BadInput(f"month {month!r} should be YYYY-MM") from None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    records: list[SettlementRecord] = []
    for site in store.list_sites():
        records.extend(store.settlements_between(site.code, first.isoformat(), last.isoformat()))
    rows = violation_rows(store, records)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row["reversed"]:
            continue
        key = (row["site"], str(row["rule_id"]))
        g = groups.setdefault(key, {"site": row["site"], "rule_id": row["rule_id"], "kind": row["kind"],
                                    "severity": row["severity"], "count": 0, "amount": ZERO, "refused": ZERO,
                                    "overridden": 0, "overridden_amount": ZERO})
        amount = Decimal(str(row["amount"] or "0"))
        g["count"] += 1
        g["amount"] += amount
        if row["severity"] == "block" and row["override"] is None:
            g["refused"] += amount
        if row["override"] is not None:
            g["overridden"] += 1
            g["overridden_amount"] += amount
    by_rule = [{**g, "amount": fmt(g["amount"]), "refused": fmt(g["refused"]),
                "overridden_amount": fmt(g["overridden_amount"])} for _, g in sorted(groups.items())]
    live = [r for r in rows if not r["reversed"]]
    return {
        "month": month, "settlements": len(records),
        "settlements_with_violations": len({r["setl_id"] for r in live}),
        "violations": len(live),
        "amount": fmt(sum((Decimal(str(r["amount"] or "0")) for r in live), ZERO)),
        "overridden": sum(1 for r in live if r["override"] is not None),
        "by_hospital_rule": by_rule,
        "rows": rows,
    }


def violations_text(report: Mapping[str, Any]) -> str:
    lines = [f"违规月报 {report['month']}：结算 {report['settlements']} 笔，"
             f"其中 {report['settlements_with_violations']} "
             f"笔有违规 {report['violations']} 条，涉及金额 {report['amount']} 元，主管放行 {report['overridden']} 条",
             f"{'site':<14} {'rule':<12} {'sev':<6} {'count':>6} {'amount':>12} {'refused':>12} {'overridden':>10}"]
    for g in report["by_hospital_rule"]:
        lines.append(f"{g['site']:<14} {g['rule_id']:<12} {g['severity']:<6} {g['count']:>6} {g['amount']:>12} "
                     f"{g['refused']:>12} {g['overridden']:>10}")
    return "\n".join(lines)


def violations_xlsx(report: Mapping[str, Any], path: Path) -> None:
    """The monthly report as a workbook: 汇总 (by hospital and rule) and 明细 (every violation)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append([f"智能审核违规月报 {report['month']}"])
    summary.append(["结算笔数", report["settlements"], "有违规笔数", report["settlements_with_violations"],
                    "违规条数", report["violations"], "涉及金额（元）", Decimal(report["amount"])])
    head = ["医疗机构", "规则", "类别", "严重程度", "条数", "涉及金额（元）", "拦截自费（元）", "主管放行条数",
            "放行金额（元）"]
    summary.append(head)
    for cell in summary[3]:
        cell.font = Font(bold=True)
    for g in report["by_hospital_rule"]:
        summary.append([g["site"], g["rule_id"], KIND_NAMES.get(str(g["kind"]), g["kind"]),
                        "拦截" if g["severity"] == "block" else "提示", g["count"], Decimal(g["amount"]),
                        Decimal(g["refused"]), g["overridden"], Decimal(g["overridden_amount"])])
    detail = book.create_sheet("明细")
    detail.append(["结算号", "医疗机构", "本地编号", "就诊ID", "结算时间", "规则", "严重程度", "金额（元）", "违规内容",
                   "明细流水号", "放行主管", "放行理由", "已撤销"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for r in report["rows"]:
        override = r["override"] or {}
        detail.append([r["setl_id"], r["site"], r["local_id"], r["mdtrt_id"], r["setl_time"], r["rule_id"],
                       "拦截" if r["severity"] == "block" else "提示", Decimal(str(r["amount"] or "0")), r["text"],
                       ",".join(r["feedetl_sn"]), override.get("operator", ""), override.get("reason", ""),
                       "是" if r["reversed"] else ""])
    for sheet in (summary, detail):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
