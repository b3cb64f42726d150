"""SQL text shared by the desk's store and the central system's SQLite store.

The append-only triggers both databases put on their journal-like tables, the INSERT statement
for a list of columns, and a WHERE clause built from optional filters. Pure text: this module
imports nothing of the project, so ``central`` can use it without the rest of the desk's store.

The trigger text ends up in the schema of existing databases (``sqlite_master``): it must stay
byte for byte what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["Where", "append_only_triggers", "insert_sql"]


def append_only_triggers(table: str) -> str:
    """Two triggers that refuse any UPDATE and any DELETE of the table's rows ('append-only: ...')."""
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'append-only: {table} rows cannot be changed'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, 'append-only: {table} rows cannot be deleted'); END;
"""


def insert_sql(table: str, columns: Sequence[str]) -> str:
    """``INSERT INTO table (a, b) VALUES (?, ?)``: one placeholder per column, in order."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


class Where:
    """The conditions of a WHERE clause, joined by AND, with their parameters in order.

    ``str(where)`` is ``" WHERE a AND b"``, or ``""`` with no condition, so that it can follow
    ``FROM table`` directly; ``where.params`` are the values for its placeholders.
    """

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> Where:
        """A condition and the values of its placeholders."""
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def given(self, value: Any, clause: str) -> Where:
        """A condition with one placeholder, only when a filter value is given (not None or empty)."""
        if value:
            self.add(clause, value)
        return self

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def __str__(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""
