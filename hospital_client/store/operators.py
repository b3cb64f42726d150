"""Operator accounts: argon2id password hashes (argon2-cffi), roles clerk < supervisor < admin.

Every login attempt, good or bad, goes into the audit log. A hash made with older parameters
is replaced by a fresh one at the next good login.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import QT_TRANSLATE_NOOP
from . import audit
from .connection import LocalDatabase, now, transaction
from .errors import NotFound, RecordError
from .sqlite_errors import guarded

ROLES = ("clerk", "supervisor", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}

__all__ = ["ROLES", "AuthenticationFailed", "Operator", "add_operator", "authenticate", "has_role", "list_operators"]

# OWASP's argon2id profile (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1), about 40 ms
# here; argon2-cffi's default (RFC 9106 low-memory: 64 MiB, t = 3, p = 4) takes 170 ms and both
# cores of a desk PC while the window loads. The hashes also sit inside the encrypted database.
# Older hashes are re-made with these parameters at the next good login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class AuthenticationFailed(RecordError):
    """Unknown operator, inactive account or wrong password (deliberately not told apart)."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "Wrong operator name or password.")


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    display_name: str
    role: str

    def has_role(self, role: str) -> bool:
        return has_role(self.role, role)


def has_role(actual: str, required: str) -> bool:
    """A supervisor may do what a clerk may; an admin what a supervisor may."""
    return _RANK.get(actual, -1) >= _RANK[required]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@guarded
def add_operator(
    db: LocalDatabase, name: str, password: str, role: str, *, display_name: str = "", by: str,
    password_hash: str | None = None, at: dt.datetime | None = None,
) -> Operator:
    """Create an operator account (``password_hash`` lets a caller hash outside the transaction)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    name = name.strip()
    if not name:
        raise ValueError("an operator needs a name")
    if password_hash is None:
        if len(password) < 6:
            raise ValueError("a password needs at least 6 characters")
        password_hash = hash_password(password)
    stamp = (at or now()).isoformat()
    with transaction(db):
        db.conn.execute(
            "INSERT INTO operator (name, display_name, role, password_hash, active, created_at) "
            "VALUES (?, ?, ?, ?, 1, ?)",
            (name, display_name or name, role, password_hash, stamp),
        )
        audit.append_in_transaction(db.conn, "operator", by, f"operator:{name}", {"added": True, "role": role}, at)
    return Operator(name, display_name or name, role)


@guarded
def list_operators(db: LocalDatabase) -> list[Operator]:
    return [
        Operator(*row)
        for row in db.conn.execute("SELECT name, display_name, role FROM operator WHERE active = 1 ORDER BY name")
    ]


@guarded
def display_names(db: LocalDatabase) -> dict[str, str]:
    """Every operator's name as people read it (display_name), by login, the inactive ones too
    (their settlements stay in history); the login where no name was given."""
    return {str(login): str(shown or login)
            for login, shown in db.conn.execute("SELECT name, display_name FROM operator")}


@guarded
def get_operator(db: LocalDatabase, name: str) -> Operator:
    row = db.conn.execute(
        "SELECT name, display_name, role FROM operator WHERE name = ? AND active = 1", (name,)
    ).fetchone()
    if row is None:
        raise NotFound(f"no active operator {name!r}")
    return Operator(*row)


@guarded
def authenticate(
    db: LocalDatabase, name: str, password: str, *, via: str = "", at: dt.datetime | None = None
) -> Operator:
    """Check a password; audit the attempt either way. Raises AuthenticationFailed."""
    row = db.conn.execute(
        "SELECT name, display_name, role, password_hash FROM operator WHERE name = ? AND active = 1", (name,)
    ).fetchone()
    ok = False
    if row is not None:
        try:
            ok = _hasher.verify(row[3], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    with transaction(db):
        if not ok:
            audit.append_in_transaction(db.conn, "login_failed", name[:64], f"operator:{name[:64]}", {"via": via}, at)
        else:
            if _hasher.check_needs_rehash(row[3]):
                db.conn.execute("UPDATE operator SET password_hash = ? WHERE name = ?", (hash_password(password), name))
            audit.append_in_transaction(db.conn, "login", name, f"operator:{name}", {"via": via, "role": row[2]}, at)
    if not ok:
        raise AuthenticationFailed(f"operator {name!r}: unknown, inactive or wrong password")
    return Operator(row[0], row[1], row[2])
