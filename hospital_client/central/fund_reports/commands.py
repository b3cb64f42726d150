"""`central fund ...`: the fund administrator's commands (docs/operations.md).

    central fund insurer add   --db DB --code CODE --name NAME --cover REGION:INSUTYPE[:FROM[:TO]] [--cover ...]
    central fund insurer list  --db DB [--json]
    central fund income add    --db DB --date DAY --fund F --kind K --amount YUAN --admdvs R --insutype T [--note N]
    central fund income import FILE --db DB [--json]
    central fund income list   --db DB --from DAY --to DAY [--json]
    central fund monthly       --db DB --month YYYY-MM [--site CODE] [--insurer CODE] [--json] OUTPUTS
    central fund quarterly     --db DB --quarter YYYYQn [--insurer CODE] [--json] OUTPUTS
    central fund premium-set   --db DB --year Y --amount YUAN [--other-costs YUAN] [--insurer CODE] [--note N] [--json]
    central fund premium-list  --db DB [--year Y] [--json]
    central fund premium       --db DB --year Y [--premium YUAN] [--other-costs YUAN] [--insurer CODE] [--json] OUTPUTS

    OUTPUTS: [--xlsx OUT] [--pdf OUT] [--force] (written all or none, output.py)

central/cli.py adds them, passing its store opener and error handling; the PDF printer (Qt, so
in the ui layer) is handed in by whoever builds the parser (``args.pdf_writer``): `hospital-client
central` and `hospital-central` do, `python -m hospital_client.central` does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import protocol as p
from ..store import CentralStore
from .common import FUNDS, FundInputError, check_year, month_period, parse_amount, quarter_period
from .document import Document, documents_html, write_xlsx
from .income import KINDS, add_income, import_income, income_dict, income_row
from .insurers import add_insurer, insurer_dict, term_text
from .monthly import monthly_documents, monthly_statements
from .output import Writer, write_all
from .premium import premium_dict, premium_documents, premium_settlement, record_premium
from .quarterly import quarterly_documents, quarterly_publication

PdfWriter = Callable[[Path, list[tuple[str, str]]], Path]  # ui/central_pdf.py: write_html_pdf


@dataclass(frozen=True, slots=True)
class Kit:
    """What central/cli.py lends: its store opener, its error guard and its one-line parsers."""

    open_store: Callable[[str], CentralStore]
    guard: Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]
    one_line: Callable[[argparse.ArgumentParser], argparse.ArgumentParser]


def _now() -> str:
    return p.format_time(dt.datetime.now(p.CST))


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _write(args: argparse.Namespace, documents: Sequence[Document], *, nothing: str = "") -> list[str]:
    """The files asked for (--xlsx, --pdf), all written or none; ``nothing`` says why there is
    nothing to state (then no file is written)."""
    if not (args.xlsx or args.pdf):
        return []
    if nothing or not documents:
        option = "--xlsx" if args.xlsx else "--pdf"
        raise FundInputError(f"{option}：{nothing or '没有可输出的结算单'}，未写出文件")
    outputs: list[tuple[str, Path, Writer]] = []
    if args.xlsx:
        outputs.append(("--xlsx", Path(args.xlsx), lambda tmp: write_xlsx(tmp, documents)))
    if args.pdf:
        pdf_writer: PdfWriter | None = getattr(args, "pdf_writer", None)
        if pdf_writer is None:
            raise FundInputError("--pdf：PDF 经 Qt 打印，请以 `hospital-client central fund ...` 或 "
                                 "`hospital-central fund ...` 运行")
        pages = documents_html(documents)
        outputs.append(("--pdf", Path(args.pdf), lambda tmp: pdf_writer(tmp, pages)))
    return write_all(outputs, force=args.force)


class _Opened:
    def __init__(self, kit: Kit, path: str) -> None:
        self.store = kit.open_store(path)

    def __enter__(self) -> CentralStore:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


# --- commands ------------------------------------------------------------------------------------


def _insurer_add(kit: Kit, args: argparse.Namespace) -> int:
    with _Opened(kit, args.db) as store:
        insurer = add_insurer(store, args.code, args.name, args.cover, _now())
    data = insurer_dict(insurer)
    if args.json:
        _print_json(data)
    else:
        covers = ", ".join(term_text(c) for c in insurer.covers) or "nothing"
        print(f"insurer {data['code']} ({data['name']}) covers {covers}")
    return 0


def _insurer_list(kit: Kit, args: argparse.Namespace) -> int:
    with _Opened(kit, args.db) as store:
        insurers = store.list_insurers()
    if args.json:
        _print_json([insurer_dict(i) for i in insurers])
    else:
        for i in insurers:
            print(f"{i.code}  {i.name}  {', '.join(term_text(c) for c in i.covers) or '-'}")
    return 0


def _income_add(kit: Kit, args: argparse.Namespace) -> int:
    at = _now()
    row = income_row(day=args.date, fund=args.fund, kind=args.kind, amount=args.amount, admdvs=args.admdvs,
                     insutype=args.insutype, note=args.note or "", source="entered", at=at)
    with _Opened(kit, args.db) as store:
        add_income(store, row)
    data = income_dict(row)
    if args.json:
        _print_json(data)
    else:
        print(f"{data['date']}  {data['fund']}  {data['kind']}  {data['amount']}  {data['admdvs']}:{data['insutype']}")
    return 0


def _income_import(kit: Kit, args: argparse.Namespace) -> int:
    with _Opened(kit, args.db) as store:
        result = import_income(store, args.file, _now())
    if args.json:
        _print_json(result)
    else:
        funds = ", ".join(f"{k} {v}" for k, v in result["by_fund"].items())
        print(f"{result['file']}: {result['rows']} rows imported ({funds})")
    return 0


def _day(text: str, option: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FundInputError(f"{option} {text}：日期应写作 YYYY-MM-DD") from None


def _income_list(kit: Kit, args: argparse.Namespace) -> int:
    first, last = _day(args.from_day, "--from"), _day(args.to_day, "--to")
    if first > last:
        raise FundInputError(f"--from {first} 晚于 --to {last}：起始日期应不晚于截止日期")
    with _Opened(kit, args.db) as store:
        rows = [income_dict(r) for r in store.fund_income_between(first, last)]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['date']}  {r['fund']:<6} {r['kind']:<12} {r['amount']:>14}  {r['admdvs']}:{r['insutype']}  "
                  f"{r['source']}  {r['note']}")
    return 0


def _monthly(kit: Kit, args: argparse.Namespace) -> int:
    month = month_period(args.month)
    with _Opened(kit, args.db) as store:
        result = monthly_statements(store, month, site=args.site, insurer=args.insurer)
    written = _write(args, monthly_documents(result, _now()),
                     nothing="" if result["statements"] else f"{result['month']} 没有大病保险结算、撤销或补充补偿")
    if args.json:
        _print_json({**result, "written": written})
        return 0
    for s in result["statements"]:
        print(f"{result['month']}  {s['site'] or '(direct)':<12} {s['insurer'] or '-':<8} "
              f"settlements {s['settlements']['count']} {s['settlements']['hifmi_pay']}  "
              f"reversals {s['reversals']['count']} {s['reversals']['hifmi_pay']}  "
              f"true-ups {s['true_ups']['count']} {s['true_ups']['hifmi_pay']}  payable {s['payable']}")
    print(f"{result['month']}: {result['totals']['statements']} statements, payable {result['totals']['payable']}")
    for path in written:
        print(path)
    return 0


def _quarterly(kit: Kit, args: argparse.Namespace) -> int:
    period = quarter_period(args.quarter)
    with _Opened(kit, args.db) as store:
        result = quarterly_publication(store, period, insurer=args.insurer)
    t = result["totals"]
    idle = not (t["settlements"] or t["reversals"] or t["true_ups"] or result["income"]["entries"])
    written = _write(args, quarterly_documents(result, _now()),
                     nothing=f"{result['quarter']} 没有任何基金收入或支出记录" if idle else "")
    if args.json:
        _print_json({**result, "written": written})
        return 0
    print(f"{result['quarter']} ({result['first_day']} - {result['last_day']})"
          f"{'  insurer ' + result['insurer'] if result['insurer'] else ''}")
    for fund, b in result["balance"].items():
        print(f"  {fund:<6} income {b['income']:>14}  paid {b['expenditure']:>14}  balance {b['balance']:>14}")
    t = result["totals"]
    print(f"  persons {t['persons']}  settlements {t['settlements']}  reversals {t['reversals']}  "
          f"fund total {t['fund_total']}")
    for path in written:
        print(path)
    return 0


def _premium_set(kit: Kit, args: argparse.Namespace) -> int:
    year = check_year(args.year)
    amount = parse_amount(args.amount, "--amount", positive=True)
    other = parse_amount(args.other_costs, "--other-costs")
    with _Opened(kit, args.db) as store:
        record = record_premium(store, year, amount, insurer=args.insurer, other_costs=other, note=args.note or "",
                                at=_now())
    data = premium_dict(record)
    if args.json:
        _print_json(data)
    else:
        print(f"{data['year']}  {data['insurer'] or '(region)'}  premium {data['premium']}  "
              f"other costs {data['other_costs']}  recorded {data['recorded_at']}")
    return 0


def _premium_list(kit: Kit, args: argparse.Namespace) -> int:
    year = None if args.year is None else check_year(args.year)
    with _Opened(kit, args.db) as store:
        rows = [premium_dict(r) for r in store.contract_premiums(year)]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['year']}  {r['insurer'] or '(region)':<8} premium {r['premium']:>16}  other costs "
                  f"{r['other_costs']:>12}  recorded {r['recorded_at']}  {r['note']}")
    return 0


def _premium(kit: Kit, args: argparse.Namespace) -> int:
    year = check_year(args.year)
    premium = None if args.premium is None else parse_amount(args.premium, "--premium", positive=True)
    other = None if args.other_costs is None else parse_amount(args.other_costs, "--other-costs")
    with _Opened(kit, args.db) as store:
        result = premium_settlement(store, year, premium, insurer=args.insurer, other_costs=other)
    paid = result["paid"]
    idle = not (paid["settlement_count"] or paid["reversal_count"] or paid["true_up_count"])
    nothing = f"{result['year']} 保险年度没有任何大病保险赔付记录（结算、撤销或补充补偿）" if idle else ""
    written = _write(args, premium_documents(result, _now()), nothing=nothing)
    if args.json:
        _print_json({**result, "written": written})
        return 0
    adjust = result["next_year_adjustment"]
    print(f"{result['year']}{'  insurer ' + result['insurer'] if result['insurer'] else ''}: premium "
          f"{result['premium']}, paid {result['paid']['total']} ({result['actual_payment_rate_pct']}), "
          f"{result['rule']}: transfer {result['transfer']} (working fee {result['working_fee']}); "
          f"next year's premium: {adjust['direction']} ({adjust['costs_ratio_pct']})")
    for path in written:
        print(path)
    return 0


# --- parsers ---------------------------------------------------------------------------------------


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the statement as JSON")
    parser.add_argument("--xlsx", metavar="OUT", help="write the statement as an Excel workbook (made 0600)")
    parser.add_argument("--pdf", metavar="OUT", help="write the statement as an A4 PDF (made 0600)")
    parser.add_argument("--force", action="store_true", help="replace an OUT file that exists (else refused)")


def add_fund_commands(sub: Any, kit: Kit) -> None:
    """`fund ...` under the central parser's subparsers."""

    def leaf(parent: Any, name: str, help_: str, func: Callable[[Kit, argparse.Namespace], int]
             ) -> argparse.ArgumentParser:
        parser = kit.one_line(parent.add_parser(name, help=help_))
        parser.add_argument("--db", required=True, metavar="PATH", help="the central database")

        def run(args: argparse.Namespace) -> int:
            return func(kit, args)

        run.__name__ = func.__name__
        parser.set_defaults(func=kit.guard(run))
        return parser

    fund = kit.one_line(sub.add_parser("fund", help="the fund administrator's statements (monthly hospital "
                                                    "statements, quarterly publication, premium settlement)"))
    fund_sub = fund.add_subparsers(dest="fund_command", required=True, metavar="COMMAND")

    insurer = kit.one_line(fund_sub.add_parser("insurer", help="insurers and the regions and types each covers"))
    insurer_sub = insurer.add_subparsers(dest="insurer_command", required=True, metavar="COMMAND")
    p = leaf(insurer_sub, "add", "add an insurer, or replace its name and covers", _insurer_add)
    p.add_argument("--code", required=True, help="the insurer's code (letters, digits, - or _)")
    p.add_argument("--name", required=True, help="the insurer's name")
    p.add_argument("--cover", action="append", default=[], metavar="REGION:INSUTYPE[:FROM[:TO]]",
                   help="a region (6 digits) and insurance type (3 digits) it covers, optionally from a day "
                        "to a day (YYYY-MM-DD, both included; empty: open); repeat for more")
    p.add_argument("--json", action="store_true")
    p = leaf(insurer_sub, "list", "list the insurers and what they cover", _insurer_list)
    p.add_argument("--json", action="store_true")

    income = kit.one_line(fund_sub.add_parser("income", help="money into the funds (premiums, transfers ...)"))
    income_sub = income.add_subparsers(dest="income_command", required=True, metavar="COMMAND")
    p = leaf(income_sub, "add", "record one income row", _income_add)
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--fund", required=True, help=f"one of {', '.join(FUNDS)}")
    p.add_argument("--kind", required=True, help=f"one of {', '.join(KINDS)}")
    p.add_argument("--amount", required=True, metavar="YUAN", help="yuan, two decimals at most (negative corrects)")
    p.add_argument("--admdvs", required=True, metavar="REGION", help="the insured region (6 digits)")
    p.add_argument("--insutype", required=True, metavar="TYPE", help="the insurance type (3 digits)")
    p.add_argument("--note", help="a short note")
    p.add_argument("--json", action="store_true")
    p = leaf(income_sub, "import", "import income rows from a CSV or XLSX file (all or nothing)", _income_import)
    p.add_argument("file", metavar="FILE", help="a .csv or .xlsx file with a header row")
    p.add_argument("--json", action="store_true")
    p = leaf(income_sub, "list", "list the income rows dated between two days", _income_list)
    p.add_argument("--from", dest="from_day", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="to_day", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")

    p = leaf(fund_sub, "monthly", "徐州: each hospital's monthly statement of the 大病保险 it advanced", _monthly)
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--site", help="one hospital's statement only (\"\" for true-ups paid directly)")
    p.add_argument("--insurer", help="one insurer's statements only")
    _outputs(p)
    p = leaf(fund_sub, "quarterly", "安徽: the quarterly publication of fund income and expenditure", _quarterly)
    p.add_argument("--quarter", required=True, metavar="YYYYQn")
    p.add_argument("--insurer", help="that insurer's separate account only")
    _outputs(p)
    p = leaf(fund_sub, "premium-set", "record the premium (保费总额) of an insurer's contract for a year",
             _premium_set)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--amount", required=True, metavar="YUAN", help="the year's premium (保费总额), yuan")
    p.add_argument("--other-costs", default="0.00", metavar="YUAN",
                   help="other costs the contract allows (for next year's adjustment), yuan")
    p.add_argument("--insurer", help="the insurer whose contract it is (needed when several cover the region)")
    p.add_argument("--note", help="a short note (the contract's number ...)")
    p.add_argument("--json", action="store_true")
    p = leaf(fund_sub, "premium-list", "list the premiums recorded (the latest of an insurer and year counts)",
             _premium_list)
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p = leaf(fund_sub, "premium", "惠州: the premium settlement of the insurer's contract for a year", _premium)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--premium", metavar="YUAN",
                   help="the year's premium (保费总额), yuan (default: the one recorded with premium-set)")
    p.add_argument("--other-costs", metavar="YUAN",
                   help="other costs the contract allows (for next year's adjustment), yuan (default: the "
                        "recorded ones, else 0)")
    p.add_argument("--insurer", help="the insurer whose contract it is (needed when several cover the region)")
    _outputs(p)
