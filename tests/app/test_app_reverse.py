"""Reverse (supervisor only): a negated entry, accumulators back, refused twice."""

from __future__ import annotations

import pytest
from app_helpers import load_request

from hospital_client import app, store


def test_clerk_cannot_reverse(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    outcome = app.settle(demo_db, clerk, load_request())
    with pytest.raises(app.PermissionDenied, match="supervisor"):
        app.reverse(demo_db, clerk, outcome.committed.local_id, "mistake")
    assert len(store.journal.list_entries(demo_db)) == 1


def test_supervisor_reverses_once(demo_db: store.LocalDatabase, clerk: store.Operator,
                                  supervisor: store.Operator) -> None:
    outcome = app.settle(demo_db, clerk, load_request(drop_ytd=True))
    assert outcome.result is not None
    reversal = app.reverse(demo_db, supervisor, outcome.committed.local_id, "wrong patient")
    data = reversal.to_dict()
    assert data["kind"] == "reversal" and data["reverses_local_id"] == outcome.committed.local_id
    assert data["setlinfo"]["psn_cash_pay"] == "-" + outcome.result.to_dict()["setlinfo"]["psn_cash_pay"]
    with pytest.raises(store.AlreadyReversed):
        app.reverse(demo_db, supervisor, outcome.committed.local_id, "again")
    with pytest.raises(ValueError):
        app.reverse(demo_db, supervisor, outcome.committed.local_id, "  ")


def test_admin_may_reverse(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    outcome = app.settle(demo_db, clerk, load_request())
    admin = app.login(demo_db, "admin", "admin123")
    assert app.reverse(demo_db, admin, outcome.committed.local_id, "x").committed.kind == "reversal"


def test_prints_are_audited(demo_db: store.LocalDatabase, clerk: store.Operator) -> None:
    outcome = app.settle(demo_db, clerk, load_request())
    app.record_print(demo_db, clerk, outcome.committed.local_id)
    app.record_print(demo_db, clerk, outcome.committed.local_id, reprint=True)
    prints = [e for e in store.audit.entries(demo_db) if e.action == "print"]
    assert [e.detail["reprint"] for e in prints] == [False, True]
    assert prints[0].subject == f"settlement:{outcome.committed.local_id}"
