"""Operator accounts: argon2id hashes, roles clerk < supervisor < admin, every login audited."""

from __future__ import annotations

import pytest

from hospital_client import store
from hospital_client.store import operators


def test_demo_operators_have_argon2_hashes(demo_db: store.LocalDatabase) -> None:
    rows = demo_db.conn.execute("SELECT name, role, password_hash FROM operator ORDER BY name").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("admin", "admin"), ("demo", "clerk"), ("super", "supervisor")]
    for _name, _role, hashed in rows:
        assert hashed.startswith("$argon2id$")
        assert "123" not in hashed


def test_login_good_and_bad_are_both_audited(demo_db: store.LocalDatabase) -> None:
    op = operators.authenticate(demo_db, "super", "super123", via="test")
    assert (op.name, op.role) == ("super", "supervisor")
    with pytest.raises(operators.AuthenticationFailed):
        operators.authenticate(demo_db, "super", "wrong")
    with pytest.raises(operators.AuthenticationFailed):
        operators.authenticate(demo_db, "nobody", "super123")
    actions = [(e.action, e.operator) for e in store.audit.entries(demo_db) if e.action.startswith("login")]
    assert actions == [("login", "super"), ("login_failed", "super"), ("login_failed", "nobody")]


def test_roles_are_ordered() -> None:
    assert operators.has_role("admin", "supervisor") and operators.has_role("supervisor", "clerk")
    assert not operators.has_role("clerk", "supervisor")
    assert not operators.has_role("unknown", "clerk")


def test_add_operator_validates(empty_db: store.LocalDatabase) -> None:
    with pytest.raises(ValueError):
        operators.add_operator(empty_db, "x", "short", "clerk", by="admin")
    with pytest.raises(ValueError):
        operators.add_operator(empty_db, "x", "long enough", "cashier", by="admin")
    op = operators.add_operator(empty_db, "li", "long enough", "clerk", display_name="李", by="admin")
    assert operators.authenticate(empty_db, "li", "long enough") == op
    assert operators.list_operators(empty_db) == [op]
