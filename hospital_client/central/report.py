"""`central report`: every settlement the central system holds, with its final figures,
adjustment, reversal and the msgid it came with."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..rules import SETLINFO_KEYS
from ..rules.money import ZERO, fmt
from .reconciliation import AMOUNT_KEYS
from .smart_review import violations_of
from .store import CentralStore


def settlements_report(store: CentralStore) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for record in store.settlements():
        provisional = json.loads(record.provisional_json)
        reversal = store.get_reversal_of(record.setl_id)
        rows.append({
            "setl_id": record.setl_id,
            "site": record.site,
            "local_id": record.local_id,
            "msgid": record.msgid,
            "psn_no": record.psn_no,
            "mdtrt_id": record.mdtrt_id,
            "year": record.year,
            "setl_time": record.setl_time,
            "adjudicated_at": record.adjudicated_at,
            "policy": {"id": record.pack_id, "version": record.pack_version, "sha256": record.pack_sha256},
            "status": record.status,
            "final": {k: fmt(record.amounts[k]) for k in SETLINFO_KEYS},
            "provisional": provisional.get("setlinfo") if isinstance(provisional, dict) else None,
            "adjustment": json.loads(record.adjustment_json),
            "year_to_date_before": {k: (v if isinstance(v, int) else fmt(v)) for k, v in record.ytd_before.items()},
            "review": json.loads(record.final_json).get("review"),
            "violations": violations_of(record),
            "reversed": None if reversal is None else {
                "rev_setl_id": reversal.rev_setl_id, "local_id": reversal.local_id, "msgid": reversal.msgid,
                "rev_time": reversal.rev_time,
            },
        })
    live = [r for r in rows if r["reversed"] is None]
    return {
        "count": len(rows),
        "adjusted": sum(1 for r in rows if r["status"] == "adjusted"),
        "reversed": len(rows) - len(live),
        "violations": sum(len(r["violations"]) for r in live),
        "violations_overridden": sum(1 for r in live for v in r["violations"] if v.get("override")),
        "totals_not_reversed": {k: fmt(sum((Decimal(r["final"][k]) for r in live), ZERO)) for k in AMOUNT_KEYS},
        "settlements": rows,
    }


def report_text(report: dict[str, Any]) -> str:
    lines = [f"{'setl_id':<20} {'site':<12} {'local_id':<10} {'psn_no':<18} {'medfee':>12} {'fund':>12} "
             f"{'cash':>12} {'adj cash':>10} status"]
    for r in report["settlements"]:
        adjustment = r["adjustment"] or {}
        status = r["status"] + (" reversed" if r["reversed"] else "")
        if r["violations"]:
            blocks = sum(1 for v in r["violations"] if v.get("severity") == "block")
            status += f" violations={len(r['violations'])} (block {blocks})"
        lines.append(f"{r['setl_id']:<20} {r['site']:<12} {r['local_id']:<10} {r['psn_no']:<18} "
                     f"{r['final']['medfee_sumamt']:>12} {r['final']['fund_pay_sumamt']:>12} "
                     f"{r['final']['psn_cash_pay']:>12} {adjustment.get('psn_cash_pay', ''):>10} {status}")
    lines.append(f"{report['count']} settlements, {report['adjusted']} adjusted, {report['reversed']} reversed, "
                 f"{report['violations']} review violations ({report['violations_overridden']} overridden)")
    return "\n".join(lines)
