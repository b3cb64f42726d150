"""The use cases behind the desk façade (``Desk``, which both faces call): log in, identify a
person, settle, reverse, the journal and outbox listings, day-end totals. Each takes an open
database. No SQL and no Qt here: only calls into ``store`` and ``rules``.

Logging: only local ids, queue numbers and counts; never a name, an ID number or a psn_no.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from .. import rules, store
from ..privacy import mask_id, mask_name
from ..store import LocalDatabase, accumulators, already_settled, caches, cash, journal, mid_stay, operators
from ..store import outbox as store_outbox
from ..store.caches import RosterPerson
from ..store.money import money_text
from ..store.opening import DAY_END_CHECK_BUDGET_S, quick_check
from ..store.operators import Operator
from . import payment_methods, review_context
from .errors import DischargeInFuture, PermissionDenied, TenderedTooLittle, UnknownPerson

log = logging.getLogger(__name__)

DAY_END_KEYS = (
    "medfee_sumamt", "hifp_pay", "hifmi_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "acct_pay", "psn_cash_pay",
)

__all__ = [
    "DAY_END_KEYS",
    "DayEndTotals",
    "Payment",
    "PersonView",
    "SettleOutcome",
    "business_day",
    "day_end_totals",
    "list_journal",
    "list_outbox",
    "login",
    "lookup_person",
    "require_role",
    "reverse",
    "settle",
    "show_entry",
    "with_pack_accumulators",
    "with_year_to_date",
    "ytd_json",
]


# --- operators ----------------------------------------------------------------------------------

def login(db: LocalDatabase, name: str, password: str, *, via: str = "desk") -> Operator:
    """Check an operator's password (audited either way)."""
    return operators.authenticate(db, name, password, via=via)


def require_role(operator: Operator, role: str, action: str) -> None:
    if not operator.has_role(role):
        raise PermissionDenied(f"{action} needs the {role} role; operator {operator.name!r} is {operator.role}")


# --- persons ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PersonView(RosterPerson):
    """A roster person as the desk shows them: the roster record (ID, card and e-card numbers
    masked unless asked) with the year-to-date as it stands now (the roster as pulled plus this
    desk's own settlements and reversals)."""

    year_to_date: dict[str, str | int]
    ytd_year: int
    masked: bool

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _view(person: RosterPerson, ytd: Mapping[str, Decimal | int], year: int, *, unmasked: bool,
          show_name: bool) -> PersonView:
    record = {f.name: getattr(person, f.name) for f in dataclasses.fields(RosterPerson)}
    record.update(
        psn_name=person.psn_name if unmasked or show_name else mask_name(person.psn_name),
        certno=person.certno if unmasked else mask_id(person.certno),
        brdy=person.brdy if unmasked else person.brdy[:4],
        card_no=(person.card_no or "") if unmasked else mask_id(person.card_no),
        ecard_code=(person.ecard_code or "") if unmasked else mask_id(person.ecard_code),
    )
    return PersonView(**record, year_to_date=ytd_json(ytd), ytd_year=year, masked=not unmasked)


def lookup_person(
    db: LocalDatabase, key: str, *, year: int | None = None, unmasked: bool = False, operator: str = "desk",
    show_name: bool = False,
) -> list[PersonView]:
    """Find persons by psn_no, certno, card_no or e-card code, with their current year-to-date
    (roster as pulled plus this desk's settlements and reversals). ID, card and e-card numbers and
    the name are masked unless ``unmasked`` (audited); ``show_name`` shows the name only, for the
    clerk who verifies the patient at the window."""
    year = year or dt.date.today().year
    views = [_view(p, accumulators.year_to_date(db, p.psn_no, year) or accumulators.zero(), year,
                   unmasked=unmasked, show_name=show_name)
             for p in caches.find_person(db, key)]
    if unmasked and views:
        store.audit.append(db, "view_unmasked", operator, "person", {"count": len(views)})
    return views


# --- settle and reverse -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Payment:
    """How the patient pays the cash part: a method of ``store.cash.PAYMENT_METHODS`` and, for
    cash, the amount tendered (None: exactly the amount due)."""

    method: str = "cash"
    tendered: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SettleOutcome:
    committed: store.Committed
    result: rules.SettlementResult | None
    ytd_source: str
    setlinfo: dict[str, str] = field(default_factory=dict)
    payment: dict[str, str] = field(default_factory=dict)

    def setlinfo_text(self) -> dict[str, str]:
        """The committed figures as the contract's two-decimal strings."""
        if self.result is not None:
            return {k: money_text(v) for k, v in self.result.setlinfo.items()}
        return dict(self.setlinfo)

    def to_dict(self) -> dict[str, Any]:
        c = self.committed
        out: dict[str, Any] = {
            "local_id": c.local_id,
            "queue_no": c.queue_no,
            "kind": c.kind,
            "state": c.state,
            "msgid": c.msgid,
            "created_at": c.created_at,
        }
        if c.reverses_local_id is not None:
            out["reverses_local_id"] = c.reverses_local_id
            out["setlinfo"] = self.setlinfo
        else:
            out["ytd_source"] = self.ytd_source
            out["result"] = self.result.to_dict() if self.result is not None else None
        if self.payment:
            out["payment"] = self.payment
        return out


def ytd_json(values: Mapping[str, Decimal | int]) -> dict[str, str | int]:
    return {k: (v if isinstance(v, int) else money_text(v)) for k, v in values.items()}


def with_year_to_date(
    db: LocalDatabase, request: Mapping[str, Any]
) -> tuple[rules.SettlementRequest, dict[str, Any], str]:
    """The parsed request, the request as it will be stored, and where its year-to-date came
    from: the request itself, or (when it has none) the local roster plus this desk's journal. The
    next period of a stay settled in periods (中途结算) continues its open period (store.mid_stay)."""
    request = mid_stay.with_stay_before(db.conn, request)
    parsed = rules.parse_request(request)
    data = dict(request)  # only the top-level year_to_date is added; the rest is not modified
    if parsed.year_to_date is not None:
        return parsed, data, "request"
    psn_no = parsed.person.psn_no
    ytd = accumulators.year_to_date(db, psn_no, parsed.encounter.endtime.year)
    if ytd is None:
        raise UnknownPerson(
            f"person {psn_no} is not in the local roster and the request has no year_to_date; "
            "sync the roster or give year_to_date in the request"
        )
    data["year_to_date"] = ytd_json(ytd)
    return replace(parsed, year_to_date=rules.YearToDate.model_validate(data["year_to_date"])), data, "local"


def with_pack_accumulators(
    db: LocalDatabase, parsed: rules.SettlementRequest, data: dict[str, Any], source: str, pack: rules.Pack
) -> tuple[rules.SettlementRequest, dict[str, Any]]:
    """Year-to-date figures of this desk (``source`` "local") completed with the keys the pack
    declares beyond the rules core's (an employee pack's hifob_pay, an outpatient section's
    op_dedc ...) as the roster and this desk's journal give them: without them a second admission
    settled offline would compute the pack's own caps from zero. A request that brings its
    year-to-date is left as it is."""
    if source != "local":
        return parsed, data
    declared = pack.model.accumulator_keys()
    stored = accumulators.pack_key_totals(db, parsed.person.psn_no, parsed.encounter.endtime.year)
    extra = {key: money_text(amount) for key, amount in stored.items() if key in declared}
    if not extra:
        return parsed, data
    data = {**data, "year_to_date": {**data["year_to_date"], **extra}}
    return replace(parsed, year_to_date=rules.YearToDate.model_validate(data["year_to_date"])), data


def choose_pack(db: LocalDatabase, request: rules.SettlementRequest, pack_id: str | None) -> rules.Pack:
    """A cached pack (hash re-verified): the given id, or by insured place, insurance type and date."""
    packs = caches.load_packs(db)
    if pack_id:
        matching = [p for p in packs if p.id == pack_id]
        if len(matching) > 1:
            # Several cached versions of one id: the one valid on the discharge date, newest first.
            dated = [p for p in matching if p.covers_date(request.encounter.endtime)]
            matching = sorted(dated or matching, key=lambda p: p.model.pack.valid_from)
            return matching[-1]
        return rules.find_pack(packs, pack_id)
    person = request.person
    return rules.select_pack(packs, person.insuplc_admdvs, person.insutype, request.encounter.endtime)


def settle(
    db: LocalDatabase,
    operator: Operator,
    request: Mapping[str, Any],
    *,
    pack_id: str | None = None,
    pack: rules.Pack | None = None,
    catalog: rules.Catalog | None = None,
    payment: Payment | None = None,
    overrides: Sequence[review_context.OverrideInput] = (),
    approver: Operator | None = None,
) -> SettleOutcome:
    """Compute and commit one settlement; returns once the commit is durable.

    The bill is audited (智能审核) with the person's earlier stays and declared sex and birth date
    (app/review_context.py); a 拦截 makes its lines self-paid unless ``approver`` (a supervisor)
    overrides its rule with a reason (``overrides``), audited with the settlement.

    Without ``year_to_date`` in the request, the person's accumulators come from the local
    roster cache plus this desk's journal, read under the same write lock as the commit so that
    two settlements of one person can never both start from the same figures. The payment (method,
    amount tendered, change) is recorded with it, under the operator; refused when the amount
    tendered is less than the cash due, or when the operator has closed the day.
    """
    require_role(operator, "clerk", "settling")
    payment = payment or Payment()
    catalog = catalog or caches.load_catalog(db)
    with store.transaction(db):
        when = store.now()
        cash.require_open(db.conn, operator.name, when.date().isoformat(), "settling")
        parsed, data, source = with_year_to_date(db, request)
        require_ended(parsed, when.date())
        pack = pack or choose_pack(db, parsed, pack_id)
        parsed, data = with_pack_accumulators(db, parsed, data, source, pack)
        payment_methods.require_allowed(pack, payment.method)  # 医保个人账户 only where the pack allows
        ytd_model = parsed.year_to_date
        ytd_before = ytd_model.model_dump() if ytd_model is not None else {}
        inputs = review_context.review_inputs(db, parsed)
        accepted = review_context.check_overrides(overrides, approver)
        result = rules.settle(parsed, pack, catalog, review=inputs.library, stays=inputs.stays,
                              declared=inputs.declared, overrides=accepted)
        result_data = result.to_dict()
        if accepted:
            review_context.check_overrides_fired(accepted, result_data["violations"])
            result_data["review_overrides"] = review_context.overrides_json(accepted, result_data["violations"])
        due = Decimal(money_text(result.setlinfo["psn_cash_pay"]))
        tendered, change = tender(due, payment)
        committed = journal.record_settlement(db, journal.NewSettlement(
            request=data,
            result=result_data,
            ytd_before=ytd_before,
            ytd_source=source,
            catalog_sha256=catalog.sha256,
            operator=operator.name,
        ), at=when)
        cash.record_cash_in_transaction(db.conn, committed.local_id, payment=payment.method, tendered=tendered,
                                        change=change, paid_by=operator.name, when=when)
        review_context.record_overrides(db.conn, committed.local_id, operator.name, accepted,
                                        result_data["violations"])
    log.info("settlement committed local_id=%d queue_no=%s lines=%d ytd=%s pack=%s",
             committed.local_id, committed.queue_no, len(parsed.fees), source, pack.id)
    return SettleOutcome(committed, result, source, payment=payment_view(payment.method, tendered, change))


def require_ended(parsed: rules.SettlementRequest, today: dt.date) -> None:
    """A stay not yet over (its end, the discharge or the visit, after ``today``) is not settled,
    nor its figures shown: the date is wrong, or the patient has not left."""
    if parsed.encounter.endtime > today:
        raise DischargeInFuture(parsed.encounter.endtime.isoformat(), today.isoformat())


def payment_view(method: str, tendered: Decimal, change: Decimal) -> dict[str, str]:
    return {"method": method, "method_name": cash.PAYMENT_METHODS.get(method, method),
            "tendered": money_text(tendered), "change": money_text(change)}


def tender(due: Decimal, payment: Payment) -> tuple[Decimal, Decimal]:
    """The amount tendered and the change (tendered − due); refused when less than due is tendered."""
    if payment.method not in cash.PAYMENT_METHODS:
        raise ValueError(f"unknown payment method {payment.method!r}; one of {', '.join(cash.PAYMENT_METHODS)}")
    tendered = due if payment.tendered is None else Decimal(money_text(payment.tendered))
    if tendered < due:
        raise TenderedTooLittle(f"{money_text(tendered)} tendered but {money_text(due)} is due")
    return tendered, tendered - due


def reverse(db: LocalDatabase, operator: Operator, local_id: int, reason: str, *,
            paid_by: Operator | None = None) -> SettleOutcome:
    """Reverse a settlement (approved by a supervisor): a new journal entry with the figures negated,
    on today's business day. The refund counts for ``paid_by``, the clerk who pays it out (default: the
    approver). Once the original's clerk has closed its day, only a supervisor may pay it out."""
    require_role(operator, "supervisor", "a reversal")
    if not reason.strip():
        raise ValueError("a reversal needs a reason")
    cashier = paid_by or operator
    with store.transaction(db):
        when = store.now()
        original = journal.get_entry(db, local_id, full=False)
        known = cash.cash_of(db, [local_id]).get(local_id)
        orig_cashier = known.paid_by if known is not None else original.operator
        if original.kind == "settlement" and not cashier.has_role("supervisor"):
            cash.require_open(db.conn, orig_cashier, original.business_day, f"reversing settlement {local_id}")
        cash.require_open(db.conn, cashier.name, when.date().isoformat(), "paying out a refund")
        committed = journal.record_reversal(db, local_id, operator=operator.name, reason=reason, at=when)
        entry = journal.get_entry(db, committed.local_id, full=False)
        refund = entry.amounts["psn_cash_pay"]
        cash.record_cash_in_transaction(db.conn, committed.local_id, payment=known.payment if known else "cash",
                                        tendered=refund, change=Decimal("0.00"), paid_by=cashier.name, when=when)
    log.info("reversal committed local_id=%d reverses=%d queue_no=%s", committed.local_id, local_id,
             committed.queue_no)
    return SettleOutcome(committed, None, "original", {k: money_text(v) for k, v in entry.amounts.items()},
                         payment={**payment_view(known.payment if known else "cash", refund, Decimal("0.00")),
                                  "paid_by": cashier.name})


# --- listings -----------------------------------------------------------------------------------

def _unmask(entry: store.JournalEntry, full: store.JournalEntry | None) -> dict[str, Any]:
    out = entry.to_dict()
    if full is not None and full.request is not None and "person" in full.request:
        person = full.request["person"]
        out["certno"] = person.get("certno", "")
        out["psn_name"] = person.get("psn_name", "")
    return out


def list_journal(
    db: LocalDatabase, *, day_from: str | None = None, day_to: str | None = None, unmasked: bool = False,
    operator: str = "desk",
) -> list[dict[str, Any]]:
    """Every settlement and reversal with its current state; ID numbers and names masked unless asked."""
    entries = journal.list_entries(db, day_from=day_from, day_to=day_to)
    if not unmasked:
        return [e.to_dict() for e in entries]
    rows = []
    originals: dict[int, store.JournalEntry] = {}
    for e in entries:
        source_id = e.reverses_local_id or e.local_id
        if source_id not in originals:
            originals[source_id] = journal.get_entry(db, source_id)
        rows.append(_unmask(e, originals[source_id]))
    if rows:
        store.audit.append(db, "view_unmasked", operator, "journal", {"count": len(rows)})
    return rows


def show_entry(db: LocalDatabase, local_id: int, *, unmasked: bool = False, operator: str = "desk") -> dict[str, Any]:
    """One journal entry with its stored request, result and fee lines."""
    entry = journal.get_entry(db, local_id)
    out = entry.to_dict()
    out["fee_lines"] = journal.fee_lines(db, local_id)
    out["already_settled"] = already_settled.in_force_of(db, local_id)  # the central settlement it was recorded against
    request = out.get("request")
    if isinstance(request, dict) and "person" in request:
        person = dict(request["person"])
        if unmasked:
            store.audit.append(db, "view_unmasked", operator, f"settlement:{local_id}", {})
            out["certno"] = person.get("certno", "")
            out["psn_name"] = person.get("psn_name", "")
        else:
            person["certno"] = mask_id(person.get("certno", ""))
            person["psn_name"] = mask_name(person.get("psn_name", ""))
            out["request"] = {**request, "person": person}
    return out


def list_outbox(db: LocalDatabase, *, status: str | None = None) -> list[dict[str, Any]]:
    return [m.to_dict() for m in store_outbox.list_messages(db, status=status)]


# --- day end ------------------------------------------------------------------------------------

@dataclass(slots=True)
class DayEndTotals:
    operator: str
    settlements: int = 0
    reversals: int = 0
    sums: dict[str, Decimal] = field(default_factory=lambda: {k: Decimal("0.00") for k in DAY_END_KEYS})
    # The cash part (psn_cash_pay) by payment method (store.cash.PAYMENT_METHODS), refunds subtracted.
    by_payment: dict[str, Decimal] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"operator": self.operator, "settlements": self.settlements, "reversals": self.reversals,
                **{k: money_text(v) for k, v in self.sums.items()},
                "by_payment": {k: money_text(v) for k, v in self.by_payment.items()}}


def business_day() -> str:
    """Today as the journal dates entries (the store's clock), YYYY-MM-DD."""
    return store.now().date().isoformat()


def day_end_totals(db: LocalDatabase, day_from: str, day_to: str | None = None) -> list[DayEndTotals]:
    """Per operator, and a final 'total' row: each fund and the cash over the business days
    [day_from, day_to], settlements minus reversals, with the cash by payment method. Each entry
    counts for the clerk who took or paid out the money (a reversal on its own day, for the clerk
    who refunded the cash, not the supervisor who approved it). Refused (store.JournalAltered) when an
    entry of those days no longer holds what it held when it was written, and (DatabaseCorrupt)
    when the database's quick check finds a damaged page."""
    quick_check(db, budget_s=DAY_END_CHECK_BUDGET_S)
    day_to = day_to or day_from
    store.content.require_intact(db, day_from, day_to)
    per: dict[str, DayEndTotals] = {}
    total = DayEndTotals("total")
    paid = cash.cash_of(db, day_from=day_from, day_to=day_to)
    for entry in journal.list_entries(db, day_from=day_from, day_to=day_to):
        known = paid.get(entry.local_id)
        cashier = known.paid_by if known is not None else entry.operator
        method = known.payment if known is not None else "cash"
        row = per.setdefault(cashier, DayEndTotals(cashier))
        for target in (row, total):
            if entry.kind == "reversal":
                target.reversals += 1
            else:
                target.settlements += 1
            for key in DAY_END_KEYS:
                target.sums[key] += entry.amounts[key]
            target.by_payment[method] = target.by_payment.get(method, Decimal("0.00")) + entry.amounts["psn_cash_pay"]
    return [per[k] for k in sorted(per)] + [total]
