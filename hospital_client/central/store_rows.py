"""How both central stores keep the records of store.py in their rows: columns and values.

The SQLite store (sqlite_store.py) and the PostgreSQL store (postgres_store.py) store every value
alike (money as TEXT with two decimals, accumulators and JSON blocks as text), so that both give
byte-identical answers. The column lists, the conversions from a record to its row and back, and
the day arithmetic of the range look-ups are here, once; store_queries.py and the stores use them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..rules import SETLINFO_KEYS
from .store import Accumulators, ReversalRecord, SettlementRecord

_YTD_JSON = json.JSONEncoder(separators=(",", ":"))  # made once (json.dumps would make one a call)


def ytd_text(values: Accumulators) -> str:
    """Accumulators as stored: compact JSON, money with two decimals."""
    return _YTD_JSON.encode({k: (v if isinstance(v, int) else f"{v:.2f}") for k, v in values.items()})


def ytd_values(text: str) -> Accumulators:
    raw = json.loads(text)
    return {k: (v if isinstance(v, int) else Decimal(v)) for k, v in raw.items()}


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"


def day_after(day: str) -> str:
    """'2026-01-31' -> '2026-02-01': times of a day range compare below the next day's date."""
    first = dt.date.fromisoformat(day)
    return "9999-12-32" if first == dt.date.max else (first + dt.timedelta(days=1)).isoformat()


SETTLEMENT_COLUMNS = (
    "seq, setl_id, site, local_id, msgid, psn_no, mdtrt_id, year, setl_time, adjudicated_at, fingerprint, "
    "pack_id, pack_version, pack_sha256, status, request, person, provisional, final, summary, ytd_before, "
    "ytd_after, adjustment, " + ", ".join(SETLINFO_KEYS)
)
REVERSAL_COLUMNS = (
    "seq, rev_setl_id, setl_id, site, local_id, msgid, psn_no, year, rev_time, processed_at, fingerprint, "
    "ytd_before, ytd_after, " + ", ".join(SETLINFO_KEYS)
)
AUDIT_HEAD_COLUMNS = ("site", "seq", "hash", "at", "kind", "msgid", "received_at", "restart_seq", "replaced_seq",
                      "replaced_hash")
LIST_COLUMNS = ("site", "setl_id", "version", "setl_list_id", "list", "status", "qc", "msgid", "uploaded_at")
CLEARING_COLUMNS = ("clr_appy_evt_id", "site", "setlym", "clr_type", "insutype", "clr_way", "begndate", "enddate",
                    "psntime", "amounts", "msgid", "applied_at")
CLEARING_SELECT = ("SELECT c.clr_appy_evt_id, c.site, c.setlym, c.clr_type, c.insutype, c.clr_way, c.begndate, "
                   "c.enddate, c.psntime, c.amounts, c.msgid, c.applied_at, COALESCE(w.at, '') FROM clearing c "
                   "LEFT JOIN clearing_withdrawal w ON w.clr_appy_evt_id = c.clr_appy_evt_id")
CATALOG_COLUMNS = ("med_list_codg", "name", "list_type", "chrgitm_lv", "selfpay_prop", "pric_uplmt_amt", "unit")


def last_moves(moves: Sequence[tuple[str, int, Accumulators, str]]) -> dict[tuple[str, int], tuple[Accumulators, str]]:
    """Where several accumulator moves leave each (psn_no, year): its row holds the last one only."""
    return {(psn_no, year): (values, at) for psn_no, year, values, at in moves}


def settlement_record(row: Sequence[Any]) -> SettlementRecord:
    """A settlement from its row (``SETTLEMENT_COLUMNS``)."""
    (seq, setl_id, site, local_id, msgid, psn_no, mdtrt_id, year, setl_time, adjudicated_at, fingerprint,
     pack_id, pack_version, pack_sha256, status, request, person, provisional, final, summary, ytd_before, ytd_after,
     adjustment, *money) = row
    return SettlementRecord(
        seq=seq, setl_id=setl_id, site=site, local_id=local_id, msgid=msgid, psn_no=psn_no, mdtrt_id=mdtrt_id,
        year=year, setl_time=setl_time, adjudicated_at=adjudicated_at, fingerprint=fingerprint, pack_id=pack_id,
        pack_version=pack_version, pack_sha256=pack_sha256, status=status, request_json=request,
        person_json=person, provisional_json=provisional, final_json=final, summary_json=summary,
        ytd_before=ytd_values(ytd_before), ytd_after=ytd_values(ytd_after), adjustment_json=adjustment,
        amounts={k: Decimal(v) for k, v in zip(SETLINFO_KEYS, money, strict=True)},
    )


def settlement_values(record: SettlementRecord) -> list[Any]:
    """A settlement's columns after ``seq``, as stored."""
    return [
        record.setl_id, record.site, record.local_id, record.msgid, record.psn_no, record.mdtrt_id, record.year,
        record.setl_time, record.adjudicated_at, record.fingerprint, record.pack_id, record.pack_version,
        record.pack_sha256, record.status, record.request_json, record.person_json, record.provisional_json,
        record.final_json, record.summary_json, ytd_text(record.ytd_before), ytd_text(record.ytd_after),
        record.adjustment_json, *(money_text(record.amounts[k]) for k in SETLINFO_KEYS),
    ]


def reversal_record(row: Sequence[Any]) -> ReversalRecord:
    """A reversal from its row (``REVERSAL_COLUMNS``)."""
    (seq, rev_setl_id, setl_id, site, local_id, msgid, psn_no, year, rev_time, processed_at, fingerprint,
     ytd_before, ytd_after, *money) = row
    return ReversalRecord(
        seq=seq, rev_setl_id=rev_setl_id, setl_id=setl_id, site=site, local_id=local_id, msgid=msgid,
        psn_no=psn_no, year=year, rev_time=rev_time, processed_at=processed_at, fingerprint=fingerprint,
        ytd_before=ytd_values(ytd_before), ytd_after=ytd_values(ytd_after),
        amounts={k: Decimal(v) for k, v in zip(SETLINFO_KEYS, money, strict=True)},
    )


def reversal_values(record: ReversalRecord) -> list[Any]:
    """A reversal's columns after ``seq``, as stored."""
    return [
        record.rev_setl_id, record.setl_id, record.site, record.local_id, record.msgid, record.psn_no,
        record.year, record.rev_time, record.processed_at, record.fingerprint, ytd_text(record.ytd_before),
        ytd_text(record.ytd_after), *(money_text(record.amounts[k]) for k in SETLINFO_KEYS),
    ]
