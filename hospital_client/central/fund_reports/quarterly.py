"""安徽 2015: 商业保险机构 ... 每季度公布医保基金收支情况. The quarter's publishable table:

- income by fund and kind (income.py: entered or imported rows dated in the quarter);
- payments out by fund (统筹基金 hifp_pay, 大病保险 hifmi_pay, 医疗救助 maf_pay, other funds
  oth_pay), by insurance type and by hospital level, with the number of persons and settlements:
  settlements adjudicated in the quarter add, reversals processed in it subtract (counted on the
  type and level of the settlement they undo), year-end true-ups applied in it add to 大病保险;
- each fund's balance (income - payments) for the quarter and for the year to the quarter's end
  (本年累计), with their 合计 (other funds, oth_pay, have no income: their balance is what they paid
  out, so that the 合计 row's payments are the quarter's and the year's fund payments);
- with ``insurer``, that insurer's separate account only (独立核算); without, the whole fund and,
  when insurers are defined, one row per insurer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ...rules.money import ZERO, fmt
from ..store import CentralStore
from .common import FUNDS, ONGOING_NOTE, Insurers, Period, insutype_name, level_name, period_ended, total
from .document import Document, Table
from .income import KINDS

PAY_KEYS = ("hifp_pay", "hifmi_pay", "maf_pay", "oth_pay")
PAY_TITLES = {"hifp_pay": "统筹基金", "hifmi_pay": "大病保险", "maf_pay": "医疗救助", "oth_pay": "其他基金"}
# the balance table's rows: the funds that take income, and the other funds (oth_pay) that only pay
BALANCE_FUNDS = {**FUNDS, "other": ("oth_pay", "其他基金")}
TRUE_UP_LEVEL = "true_up"


class _Group:
    def __init__(self) -> None:
        self.persons = 0
        self.settlements = 0
        self.reversals = 0
        self.true_ups = 0
        self.medfee = ZERO
        self.pay = {k: ZERO for k in PAY_KEYS}

    def add(self, count: int, sums: dict[str, Decimal], *, kind: str) -> None:
        if kind == "settlement":
            self.settlements += count
        elif kind == "reversal":
            self.reversals += count
        else:
            self.true_ups += count
        self.medfee += sums.get("medfee_sumamt", ZERO)
        for key in PAY_KEYS:
            self.pay[key] += sums.get(key, ZERO)

    def as_dict(self) -> dict[str, Any]:
        return {"persons": self.persons, "settlements": self.settlements, "reversals": self.reversals,
                "true_ups": self.true_ups, "medfee_sumamt": fmt(self.medfee),
                **{k: fmt(v) for k, v in self.pay.items()}, "fund_total": fmt(total(self.pay.values()))}


def _level_key(hosp_lv: str) -> str:
    return hosp_lv or "None"  # a settlement without a hospital level (as str(None) always keyed it)


def _flows(store: CentralStore, first_day: str, last_day: str, mine: Callable[[str], bool]
           ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Income by fund and payments by PAY_KEYS between two days, counted as the quarter's are."""
    income: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in store.fund_income_groups(first_day, last_day):
        if mine(row.insurer):
            income[row.fund] += row.amount
    paid = {k: ZERO for k in PAY_KEYS}
    for group in store.fund_payment_groups(first_day, last_day):
        if mine(group.insurer):
            for key in PAY_KEYS:
                paid[key] += group.sums.get(key, ZERO)
    for true_up in store.fund_true_up_groups(first_day, last_day):
        if mine(true_up.insurer):
            paid["hifmi_pay"] += true_up.amount
    return income, paid


def _balance(income: dict[str, Decimal], paid: dict[str, Decimal]) -> dict[str, dict[str, Decimal]]:
    """Each fund of BALANCE_FUNDS: its income, expenditure and balance; and their 合计 ("total")."""
    rows = {f: {"income": income.get(f, ZERO), "expenditure": paid[key]} for f, (key, _) in BALANCE_FUNDS.items()}
    rows["total"] = {k: total(r[k] for r in rows.values()) for k in ("income", "expenditure")}
    for row in rows.values():
        row["balance"] = row["income"] - row["expenditure"]
    return rows


def quarterly_publication(store: CentralStore, period: Period, *, insurer: str | None = None) -> dict[str, Any]:
    insurers = Insurers.of(store)
    insurer = insurers.check(insurer)

    def mine(code: str) -> bool:
        return insurer is None or code == insurer

    by_type: dict[str, _Group] = defaultdict(_Group)
    by_level: dict[str, _Group] = defaultdict(_Group)
    by_insurer: dict[str, _Group] = defaultdict(_Group)
    overall = _Group()

    # summed in the store (fund_queries.py): settlements adjudicated and reversals processed in the
    # quarter by insurer, type and level; true-ups applied in it; income dated in it
    for group in store.fund_payment_groups(period.first_day, period.last_day):
        if mine(group.insurer):
            for g in (by_type[group.insutype], by_level[_level_key(group.hosp_lv)], by_insurer[group.insurer],
                      overall):
                g.add(group.count, group.sums, kind=group.kind)
    for true_up in store.fund_true_up_groups(period.first_day, period.last_day):
        if mine(true_up.insurer):
            for g in (by_type[true_up.insutype], by_level[TRUE_UP_LEVEL], by_insurer[true_up.insurer], overall):
                g.add(true_up.count, {"hifmi_pay": true_up.amount}, kind="true_up")
    persons = store.fund_persons(period.first_day, period.last_day, insurer)
    overall.persons = persons.total
    for key, g in by_type.items():
        g.persons = persons.by_insutype.get(key, 0)
    for key, g in by_level.items():
        g.persons = 0 if key == TRUE_UP_LEVEL else persons.by_hosp_lv.get("" if key == "None" else key, 0)
    for key, g in by_insurer.items():
        g.persons = persons.by_insurer.get(key, 0)

    income_by: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    entries = 0
    for row in store.fund_income_groups(period.first_day, period.last_day):
        if mine(row.insurer):
            income_by[(row.fund, row.kind)] += row.amount
            entries += row.count
    income_fund = {fund: total(v for (f, _), v in income_by.items() if f == fund) for fund in FUNDS}
    paid_fund = {fund: overall.pay[FUNDS[fund][0]] for fund in FUNDS}
    quarter = _balance(income_fund, overall.pay)
    year_first_day = f"{period.first_day[:4]}-01-01"
    ytd = _balance(*_flows(store, year_first_day, period.last_day, mine))

    def balance_row(key: str) -> dict[str, Any]:
        return {**{k: fmt(v) for k, v in quarter[key].items()},
                "year_to_date": {k: fmt(v) for k, v in ytd[key].items()}}

    return {
        "quarter": period.label, "first_day": period.first_day, "last_day": period.last_day,
        "ended": period_ended(period),
        "insurer": insurer, "insurer_name": None if insurer is None else insurers.name(insurer),
        "income": {
            "rows": [{"fund": f, "kind": k, "amount": fmt(v)} for (f, k), v in sorted(income_by.items())],
            "by_fund": {f: fmt(v) for f, v in income_fund.items()},
            "total": fmt(total(income_fund.values())),
            "entries": entries,
        },
        "expenditure": {"by_fund": {**{f: fmt(v) for f, v in paid_fund.items()}, "other": fmt(overall.pay["oth_pay"])},
                        "true_ups": fmt(by_level[TRUE_UP_LEVEL].pay["hifmi_pay"]) if TRUE_UP_LEVEL in by_level
                        else "0.00",
                        "total": fmt(total(overall.pay.values()))},
        "year_first_day": year_first_day,
        "balance": {f: balance_row(f) for f in BALANCE_FUNDS},
        "balance_total": balance_row("total"),
        "by_insutype": [{"insutype": k, "name": insutype_name(k), **g.as_dict()} for k, g in sorted(by_type.items())],
        "by_level": [{"hosp_lv": k, "name": "年度末补充补偿" if k == TRUE_UP_LEVEL else
                      level_name(int(k) if k.isdigit() else 0), **g.as_dict()}
                     for k, g in sorted(by_level.items())],
        "by_insurer": [{"insurer": k, "name": insurers.name(k), **g.as_dict()} for k, g in sorted(by_insurer.items())]
        if insurer is None and insurers.covering(period.first_day, period.last_day) else [],
        "totals": overall.as_dict(),
    }


def _group_rows(rows: list[dict[str, Any]], label: str, totals: dict[str, Any]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in [*rows, {**totals, label: "合计"}]:
        out.append([row[label], row["persons"], row["settlements"], row["reversals"], Decimal(row["medfee_sumamt"]),
                    *(Decimal(row[k]) for k in PAY_KEYS), Decimal(row["fund_total"])])
    return out


QUARTERLY_NOTE = ("支出按中心系统确认的最终结果计：本季确认的结算计入，本季处理的撤销冲减（按原结算的险种与医院级别），"
                  "本季支付的年度末补充补偿计入大病保险。人数为本季有结算的参保人数（去重）。")
GROUP_HEADERS = ["人数", "结算笔数", "撤销笔数", "医疗总费用", *PAY_TITLES.values(), "基金支出合计"]


def quarterly_documents(result: dict[str, Any], produced_at: str) -> list[Document]:
    income_rows: list[list[Any]] = [[FUNDS[r["fund"]][1], KINDS.get(r["kind"], r["kind"]), Decimal(r["amount"])]
                                    for r in result["income"]["rows"]]
    income_rows.append(["合计", "", Decimal(result["income"]["total"])])

    def balance_cells(name: str, b: dict[str, Any]) -> list[Any]:
        y = b["year_to_date"]
        return [name, *(Decimal(v) for v in (b["income"], b["expenditure"], b["balance"], y["income"],
                                               y["expenditure"], y["balance"]))]

    # the other funds' row only when they paid something (the rules pay nothing from them today)
    balance_rows = [balance_cells(BALANCE_FUNDS[f][1], b) for f, b in result["balance"].items()
                    if f in FUNDS or any(Decimal(v) for v in (b["expenditure"], b["year_to_date"]["expenditure"]))]
    balance_rows.append(balance_cells("合计", result["balance_total"]))
    tables = [
        Table("一、基金收入", ["基金", "收入类别", "金额（元）"], income_rows, total_rows=1),
        Table("二、基金收支与结余", ["基金", "本季收入", "本季支出", "本季结余", "本年累计收入", "本年累计支出",
                                   "本年累计结余"], balance_rows, total_rows=1),
        Table("三、支出按险种", ["险种", *GROUP_HEADERS],
              _group_rows([{**r, "label": r["name"]} for r in result["by_insutype"]], "label",
                          {**result["totals"], "label": ""}), total_rows=1),
        Table("四、支出按医院级别", ["医院级别", *GROUP_HEADERS],
              _group_rows([{**r, "label": r["name"]} for r in result["by_level"]], "label",
                          {**result["totals"], "label": ""}), total_rows=1),
    ]
    if result["by_insurer"]:
        tables.append(Table("五、按承办机构（独立核算）", ["承办机构", *GROUP_HEADERS],
                            _group_rows([{**r, "label": f"{r['insurer']} {r['name']}".strip()}
                                         for r in result["by_insurer"]], "label", {**result["totals"], "label": ""}),
                            total_rows=1))
    who = f"承办机构：{result['insurer']} {result['insurer_name']}" if result["insurer"] else "范围：全部统筹地区"
    title = f"医保基金收支情况公布表（{result['quarter'][:4]}年第{result['quarter'][-1]}季度）"
    return [Document(
        title=title,
        sheet=f"{result['quarter']}-{result['insurer'] or 'all'}",
        subtitle=[who, f"期间：{result['first_day']} 至 {result['last_day']}（本年累计自 {result['year_first_day']}）",
                  f"编制时间：{produced_at}"],
        tables=tables,
        notes=([] if result["ended"] else [ONGOING_NOTE]) + [QUARTERLY_NOTE],
        signatures=["编制人", "审核人", "负责人"],
        running_header=f"{title}（续）　{who}")]
