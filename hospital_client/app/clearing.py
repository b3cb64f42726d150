"""Monthly clearing (清算) from the desk: reconcile the month with the central system (3201, and
3202 when the totals differ), then apply for the clearing (3203) once per clearing type and
insurance type; withdraw an application (3204).

The month's statement is the desk's journal entries whose time (China Standard Time, as sent:
setl_time, rev_time) falls in the month: each settlement with the figures the central system
confirmed (its final result; the desk's own while it has none), each reversal negative. When the
totals (3201) do not match, the details (3202) show which entries differ: entries the central
system does not have (not synced yet), entries only the central system has, and entries whose
figures differ, by how much (对账不平). No application is made then.

Clearing types: 21 住院 (a med_type starting with 2), 11 门诊 (the others), as the central system
groups them (central/clearing.py). No SQL and no Qt here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import QT_TRANSLATE_NOOP
from ..protocol import CST, RECON_DETAILS, RECON_TOTALS, codes
from ..rules.money import ZERO, fmt
from ..store import LocalDatabase, audit, journal, reconcile
from ..sync.client import CentralClient
from ..sync.errors import CentralRefused
from .errors import AppError, RefusedByCentre

log = logging.getLogger(__name__)

__all__ = ["AMOUNT_KEYS", "ClearingOutcome", "ClearingRefused", "Difference", "ReconciliationMismatch",
           "StatementLine", "WithdrawalRefused", "apply", "month_statement", "withdraw"]

AMOUNT_KEYS = ("medfee_sumamt", "fund_pay_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "psn_cash_pay")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
PAGE_SIZE = 1000


class ReconciliationMismatch(AppError):
    """The month does not reconcile with the central system (对账不平); ``differences`` lists the
    entries that differ."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The month does not reconcile with the central system ({count} entries differ); no clearing was applied for. See the list of differing settlements.")  # noqa: E501

    def __init__(self, month: str, differences: Sequence[Difference], totals: Mapping[str, Any]) -> None:
        super().__init__(f"{month}: the statement does not reconcile with the central system: {len(differences)} "
                         "entries differ (" + "; ".join(d.describe() for d in differences[:5])
                         + ("; ..." if len(differences) > 5 else "") + ")")
        self.month = month
        self.differences = list(differences)
        self.totals = dict(totals)

    def clerk_args(self) -> Mapping[str, object]:
        return {"count": len(self.differences)}

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "reconciled": False, "totals": self.totals,
                "differences": [d.to_dict() for d in self.differences]}


class ClearingRefused(RefusedByCentre):
    """The central system refused one or more of the month's applications (already applied, ...)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system refused the clearing application: {reason}")

    def __init__(self, outcome: ClearingOutcome) -> None:
        refused = [a for a in outcome.applications if not a.get("clr_appy_evt_id")]
        super().__init__(f"{outcome.month}: " + "; ".join(str(a.get("err_msg")) for a in refused),
                         str(refused[0].get("err_msg")) if refused else "")
        self.outcome = outcome


class WithdrawalRefused(RefusedByCentre):
    """The central system refused to withdraw an application (already withdrawn, approved, ...)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The central system refused to withdraw the clearing application: {reason}")  # noqa: E501


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One journal entry of the month as the desk states it."""

    local_id: int
    kind: str
    queue_no: str
    setl_time: str  # CST, as sent
    clr_type: str
    insutype: str
    setl_id: str  # the central id once known (setl_id or rev_setl_id)
    amounts: dict[str, Decimal]  # setlinfo figures (final when the central system confirmed them)


@dataclass(frozen=True, slots=True)
class Difference:
    """An entry that differs between the desk and the central system."""

    local_id: str
    setl_id: str
    kind: str  # missing_at_central | missing_at_site | amounts
    desk: dict[str, str]
    central: dict[str, str]
    diff: dict[str, str] = field(default_factory=dict)  # desk minus central, the keys that differ

    def describe(self) -> str:
        if self.kind == "missing_at_central":
            return f"entry {self.local_id} is not at the central system"
        if self.kind == "missing_at_site":
            return f"central {self.setl_id} (local id {self.local_id}) is not in this desk's journal"
        return f"entry {self.local_id} ({self.setl_id}): " + ", ".join(f"{k} {v}" for k, v in self.diff.items())

    def to_dict(self) -> dict[str, Any]:
        return {"local_id": self.local_id, "setl_id": self.setl_id, "kind": self.kind, "desk": self.desk,
                "central": self.central, "diff": self.diff}


@dataclass(frozen=True, slots=True)
class ClearingOutcome:
    month: str
    lines: int
    totals: dict[str, str]
    applications: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "reconciled": True, "lines": self.lines, "totals": self.totals,
                "applications": self.applications}


def month_days(month: str) -> tuple[str, str]:
    """The first and last day of 'YYYY-MM'; ValueError for anything else."""
    found = _MONTH.fullmatch(month)
    if not found:
        raise ValueError(f"{month!r} is not a month YYYY-MM")
    year, number = int(found.group(1)), int(found.group(2))
    return dt.date(year, number, 1).isoformat(), dt.date(year, number, calendar.monthrange(year, number)[1]).isoformat()


def _cst(created_at: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(created_at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=CST)).astimezone(CST)


def _figures(db: LocalDatabase, entry: journal.JournalEntry) -> tuple[str, dict[str, Decimal]]:
    remote = reconcile.remote_result(db, entry.local_id)
    final = remote.get("final") if remote else None
    setlinfo = final.get("setlinfo") if isinstance(final, Mapping) else None
    central_id = str(remote.get("central_id") or "") if remote else ""
    if isinstance(setlinfo, Mapping) and all(k in setlinfo for k in AMOUNT_KEYS):
        amounts = {k: Decimal(str(v)) for k, v in setlinfo.items() if isinstance(v, (str, int))}
        return central_id, amounts
    return central_id, dict(entry.amounts)


def month_statement(db: LocalDatabase, month: str) -> list[StatementLine]:
    """The desk's entries of the month (CST), in local order."""
    first, last = month_days(month)
    before = (dt.date.fromisoformat(first) - dt.timedelta(days=1)).isoformat()
    after = (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
    out: list[StatementLine] = []
    for entry in journal.list_entries(db, day_from=before, day_to=after):
        at = _cst(entry.created_at)
        if not first <= at.date().isoformat() <= last:
            continue
        central_id, amounts = _figures(db, entry)
        clr_type = "21" if entry.med_type.startswith("2") else "11"
        out.append(StatementLine(entry.local_id, entry.kind, entry.queue_no, at.strftime("%Y-%m-%d %H:%M:%S"),
                                 clr_type, entry.insutype, central_id, amounts))
    return out


def wire_local_id(local_id: int) -> str:
    """A journal key as the central system knows it (the local_id of 2304/9511)."""
    return str(local_id)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _central_rows(client: CentralClient, first: str, last: str, local_ids: list[str]) -> dict[str, Mapping[str, Any]]:
    rows: dict[str, Mapping[str, Any]] = {}
    page = 1
    while True:
        answer = client.call(RECON_DETAILS, {"data": {"stmt_begndate": first, "stmt_enddate": last, "page_num": page,
                                                      "page_size": PAGE_SIZE, "local_ids": local_ids}})
        out = answer.output if isinstance(answer.output, Mapping) else {}
        for row in out.get("data") or []:
            if isinstance(row, Mapping):
                rows[str(row.get("local_id"))] = row
        if page * PAGE_SIZE >= int(out.get("total") or 0):
            return rows
        page += 1


def _differences(lines: Sequence[StatementLine], central: Mapping[str, Mapping[str, Any]]) -> list[Difference]:
    out: list[Difference] = []
    mine = {wire_local_id(x.local_id): x for x in lines}
    for key, line in mine.items():
        desk = {k: fmt(line.amounts.get(k, ZERO)) for k in AMOUNT_KEYS}
        row = central.get(key)
        if row is None:
            out.append(Difference(key, line.setl_id, "missing_at_central", desk, {}))
            continue
        theirs = {k: fmt(_money(row.get(k))) for k in AMOUNT_KEYS}
        diff = {k: fmt(Decimal(desk[k]) - Decimal(theirs[k])) for k in AMOUNT_KEYS if desk[k] != theirs[k]}
        if diff:
            setl_id = str(row.get("rev_setl_id") or row.get("setl_id") or "")
            out.append(Difference(key, setl_id, "amounts", desk, theirs, diff))
    for key, row in central.items():
        if key not in mine:
            setl_id = str(row.get("rev_setl_id") or row.get("setl_id") or "")
            out.append(Difference(key, setl_id, "missing_at_site", {},
                                  {k: fmt(_money(row.get(k))) for k in AMOUNT_KEYS}))
    return out


def _group_figures(lines: Sequence[StatementLine]) -> dict[tuple[str, str], dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"medfee_sumamt": ZERO, "med_sumfee": ZERO, "fund_appy_sum": ZERO, "cash_payamt": ZERO,
                 "acct_pay": ZERO, "psntime": 0})
    for line in lines:
        a, g = line.amounts, groups[(line.clr_type, line.insutype)]
        g["medfee_sumamt"] += a.get("medfee_sumamt", ZERO)
        g["med_sumfee"] += (a.get("medfee_sumamt", ZERO) - a.get("fulamt_ownpay_amt", ZERO)
                            - a.get("overlmt_selfpay", ZERO))
        g["fund_appy_sum"] += a.get("fund_pay_sumamt", ZERO)
        g["cash_payamt"] += a.get("psn_cash_pay", ZERO)
        g["acct_pay"] += a.get("acct_pay", ZERO)
        g["psntime"] += 1 if line.kind == "settlement" else -1
    return groups


def apply(db: LocalDatabase, client: CentralClient, month: str, *, operator: str) -> ClearingOutcome:
    """Reconcile the month and apply for its clearing; ReconciliationMismatch when it does not reconcile."""
    first, last = month_days(month)
    lines = month_statement(db, month)
    totals = {k: sum((x.amounts.get(k, ZERO) for x in lines), ZERO) for k in AMOUNT_KEYS}
    check = client.call(RECON_TOTALS, {"data": {
        "stmt_begndate": first, "stmt_enddate": last, "fixmedins_setl_cnt": len(lines),
        **{k: fmt(totals[k]) for k in ("medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay")}}}).output
    totals_text = {k: fmt(v) for k, v in totals.items()}
    if not isinstance(check, Mapping) or check.get("stmt_rslt") != "0":
        central = _central_rows(client, first, last, [wire_local_id(x.local_id) for x in lines])
        differences = _differences(lines, central)
        audit.append(db, "clearing", operator, f"clearing:{month}",
                     {"step": "not_reconciled", "differences": len(differences),
                      "local_ids": [d.local_id for d in differences[:50]]})
        raise ReconciliationMismatch(month, differences, {"desk": totals_text, "central": {
            k: check.get(k) for k in ("setl_cnt", "medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay")}
            if isinstance(check, Mapping) else {}})
    applications: list[dict[str, Any]] = []
    setlym = month.replace("-", "")
    for (clr_type, insutype), g in sorted(_group_figures(lines).items()):
        data = {"setlym": setlym, "clr_type": clr_type, "clr_way": "1", "insutype": insutype,
                "begndate": first, "enddate": last, "psntime": g["psntime"],
                **{k: fmt(v) for k, v in g.items() if k != "psntime"}}
        try:
            out = client.call(codes.CLEARING_APPLY, {"data": data}).output
            applications.append(dict(out) if isinstance(out, Mapping) else {})
        except CentralRefused as exc:
            applications.append({**data, "infcode": exc.infcode, "err_msg": exc.err_msg})
    outcome = ClearingOutcome(month, len(lines), totals_text, applications)
    audit.append(db, "clearing", operator, f"clearing:{month}",
                 {"step": "apply", "applications": [a.get("clr_appy_evt_id") or f"refused {a.get('infcode')}"
                                                    for a in applications]})
    log.info("clearing %s: %d entries, %d applications", month, len(lines), len(applications))
    if any(not a.get("clr_appy_evt_id") for a in applications):
        raise ClearingRefused(outcome)
    return outcome


def withdraw(db: LocalDatabase, client: CentralClient, clr_appy_evt_id: str, *, operator: str) -> dict[str, Any]:
    """Withdraw an application (3204); the central system's record of it."""
    try:
        out = client.call(codes.CLEARING_WITHDRAW, {"data": {"clr_appy_evt_id": clr_appy_evt_id}}).output
    except CentralRefused as exc:
        raise WithdrawalRefused(f"3204 of {clr_appy_evt_id} refused ({exc.infcode}): {exc.err_msg}",
                                exc.err_msg) from None
    audit.append(db, "clearing", operator, f"clearing:{clr_appy_evt_id}", {"step": "withdraw"})
    return dict(out) if isinstance(out, Mapping) else {}
