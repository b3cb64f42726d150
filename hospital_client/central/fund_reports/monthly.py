"""徐州 2013: 商业保险机构 ... 逐月与定点医疗机构结算先行垫付的大病保险费用; 保险年度末 ... 对补偿不足的
予以补充补偿. A statement per hospital (site), insurer and month of the 大病保险 (hifmi_pay) the
hospital advanced at its discharge window, in final figures only (each settlement for the
insurer covering its person's region and type on its settlement day, insurers.py):

- a settlement counts in the month the central system adjudicated it (its final figure; the
  desk's provisional figure is shown beside it, never summed);
- a reversal counts, negative, in the month the central system processed it, whatever month its
  settlement counted in: a month that has ended is never rewritten;
- a year-end true-up (trueup.py, ``central true-up --apply``) counts in the month it was applied,
  for the insurer covering the person's roster region and type that day (31 December of its
  year when applied later), on the statement of the hospital of the person's latest settlement
  of that year still in force then; a person with no such settlement is paid directly (the
  statement of site "").
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ...rules.money import fmt
from ..store import CentralStore, HifmiLine
from .common import ONGOING_NOTE, FundInputError, Insurers, Period, period_ended, total
from .document import Document, Table

DIRECT = ""  # the statement of true-ups paid to the insured directly (no settlement that year)
DIRECT_NAME = "（无本年度结算：直接支付参保人）"
KIND_NAMES = {"settlement": "结算", "reversal": "撤销冲减", "true_up": "年度末补充补偿"}


def _line(line: HifmiLine) -> dict[str, Any]:
    if line.kind == "settlement":
        provisional = line.provisional_hifmi_pay
        return {
            "kind": "settlement", "ref": line.ref, "psn_no": line.psn_no, "mdtrt_id": line.mdtrt_id,
            "year": line.year, "event_time": line.event_time, "booked_at": line.booked_at, "status": line.status,
            "provisional_hifmi_pay": None if provisional is None else fmt(provisional),
            "hifmi_pay": fmt(line.hifmi_pay),
            "difference": None if provisional is None else fmt(line.hifmi_pay - provisional), "reverses": None,
        }
    if line.kind == "reversal":
        return {
            "kind": "reversal", "ref": line.ref, "psn_no": line.psn_no, "mdtrt_id": line.mdtrt_id, "year": line.year,
            "event_time": line.event_time, "booked_at": line.booked_at, "status": "reversed",
            "provisional_hifmi_pay": None, "hifmi_pay": fmt(line.hifmi_pay), "difference": None,
            "reverses": {"setl_id": line.reverses_setl_id, "booked_month": line.reverses_booked_at[:7]},
        }
    return {
        "kind": "true_up", "ref": f"TU{int(line.ref):08d}", "psn_no": line.psn_no, "mdtrt_id": line.mdtrt_id,
        "year": line.year, "event_time": line.event_time, "booked_at": line.booked_at, "status": "true_up",
        "provisional_hifmi_pay": None, "hifmi_pay": fmt(line.hifmi_pay), "difference": None, "reverses": None,
    }


def monthly_statements(store: CentralStore, month: Period, *, site: str | None = None,
                       insurer: str | None = None) -> dict[str, Any]:
    """The month's statements, one per (site, insurer) with entries (or the one asked for)."""
    insurers = Insurers.of(store)
    insurer = insurers.check(insurer)
    sites = {s.code: s.name for s in store.list_sites()}
    if site is not None and site != DIRECT and site not in sites:
        raise FundInputError(f"--site {site}：没有这个定点医疗机构（见 `central site list`）")
    lines: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    # narrow rows read by the store (fund_queries.py), each with its hospital and insurer
    for line in store.fund_hifmi_lines(month.first_day, month.last_day, site):
        lines[(line.site, line.insurer)].append(_line(line))

    keys = [k for k in lines if (site is None or k[0] == site) and (insurer is None or k[1] == insurer)]
    if site is not None and not keys:
        keys = [(site, insurer or "")]
    statements = [_statement(k[0], sites.get(k[0], DIRECT_NAME if k[0] == DIRECT else ""), k[1],
                             insurers.name(k[1]), month, lines.get(k, [])) for k in sorted(keys)]
    return {
        "month": month.label, "first_day": month.first_day, "last_day": month.last_day,
        "ended": period_ended(month),
        "site": site, "insurer": insurer,
        "statements": statements,
        "totals": _totals(statements),
    }


def _sum(lines: list[dict[str, Any]], kind: str) -> tuple[int, Decimal]:
    chosen = [line for line in lines if line["kind"] == kind]
    return len(chosen), total(Decimal(line["hifmi_pay"]) for line in chosen)


def _statement(site: str, site_name: str, insurer: str, insurer_name: str, month: Period,
               lines: list[dict[str, Any]]) -> dict[str, Any]:
    lines = sorted(lines, key=lambda line: (line["booked_at"], line["ref"]))
    counts = {kind: _sum(lines, kind) for kind in KIND_NAMES}
    adjusted = [line for line in lines if line["status"] == "adjusted"]
    return {
        "site": site, "site_name": site_name, "insurer": insurer, "insurer_name": insurer_name,
        "month": month.label,
        "settlements": {"count": counts["settlement"][0], "hifmi_pay": fmt(counts["settlement"][1])},
        "reversals": {"count": counts["reversal"][0], "hifmi_pay": fmt(counts["reversal"][1])},
        "true_ups": {"count": counts["true_up"][0], "hifmi_pay": fmt(counts["true_up"][1])},
        "adjusted": {"count": len(adjusted),
                     "difference": fmt(total(Decimal(line["difference"]) for line in adjusted))},
        "payable": fmt(total(c[1] for c in counts.values())),
        "lines": lines,
    }


def _totals(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "statements": len(statements),
        **{part: {"count": sum(s[part]["count"] for s in statements),
                  "hifmi_pay": fmt(total(Decimal(s[part]["hifmi_pay"]) for s in statements))}
           for part in ("settlements", "reversals", "true_ups")},
        "payable": fmt(total(Decimal(s["payable"]) for s in statements)),
    }


MONTHLY_NOTES = ["按中心系统确认的最终结果结算，医院暂定金额仅供核对、不计入。",
                 "结算在中心确认的月份计入；撤销在中心处理的月份冲减，不改动已结月份。",
                 "年度末补充补偿在补偿的月份计入该参保人本年度最后一笔有效结算的医疗机构。"]


def monthly_documents(result: dict[str, Any], produced_at: str) -> list[Document]:
    docs = []
    for s in result["statements"]:
        summary = Table("汇总", ["项目", "笔数", "大病保险金额（元）"], [
            ["本月中心确认的结算", s["settlements"]["count"], Decimal(s["settlements"]["hifmi_pay"])],
            ["本月撤销（冲减）", s["reversals"]["count"], Decimal(s["reversals"]["hifmi_pay"])],
            ["年度末补充补偿", s["true_ups"]["count"], Decimal(s["true_ups"]["hifmi_pay"])],
            ["本月应付合计", s["settlements"]["count"] + s["reversals"]["count"] + s["true_ups"]["count"],
             Decimal(s["payable"])],
        ], total_rows=1)
        detail_rows: list[list[Any]] = []
        for line in s["lines"]:
            note = ""
            if line["reverses"]:
                note = f"冲减 {line['reverses']['setl_id']}（{line['reverses']['booked_month']} 已结）"
            elif line["status"] == "adjusted":
                note = "中心调整"
            detail_rows.append([
                KIND_NAMES[line["kind"]], line["ref"], line["psn_no"], line["mdtrt_id"], line["event_time"],
                line["booked_at"],
                Decimal(line["provisional_hifmi_pay"]) if line["provisional_hifmi_pay"] is not None else "",
                Decimal(line["hifmi_pay"]), note])
        detail_rows.append(["合计", "", "", "", "", "", "", Decimal(s["payable"]), ""])
        detail = Table("明细", ["类型", "编号", "人员编号", "就诊ID", "结算/撤销时间", "中心确认时间",
                              "医院暂定大病金额", "确认大病金额", "说明"], detail_rows, total_rows=1)
        site_text = f"{s['site']} {s['site_name']}" if s["site"] else s["site_name"]
        docs.append(Document(
            title="大病保险先行垫付费用月度结算单",
            sheet=f"{s['site'] or 'direct'}-{s['insurer'] or 'fund'}-{s['month']}",
            subtitle=[f"定点医疗机构：{site_text}", f"承办机构：{s['insurer']} {s['insurer_name']}".strip(),
                      f"结算月份：{s['month']}（{result['first_day']} 至 {result['last_day']}）",
                      f"编制时间：{produced_at}"],
            tables=[summary, detail],
            notes=([] if result["ended"] else [ONGOING_NOTE]) + MONTHLY_NOTES,
            signatures=["承办机构经办人", "复核人", "医疗机构确认"],
            running_header=f"大病保险先行垫付费用月度结算单（续）　定点医疗机构：{site_text}　"
                           f"承办机构：{s['insurer']} {s['insurer_name']}　结算月份：{s['month']}"))
    return docs
