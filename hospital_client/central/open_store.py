"""Opening the central store named by ``--db``: a ``postgresql://`` URL or an SQLite file path.

    postgresql://USER@HOST:PORT/DB   PostgresStore (postgres_store.py, psycopg 3)
    postgres://...                   the same
    anything else                    SQLiteStore on that file (sqlite_store.py)

The one place the central commands and the HTTP server open a store.
"""

from __future__ import annotations

from pathlib import Path

from .store import CentralStore, StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(db: str | Path) -> bool:
    return isinstance(db, str) and db.lower().startswith(POSTGRES_SCHEMES)


def describe(db: str | Path) -> str:
    """``db`` as it may be shown (a URL without its password)."""
    if is_postgres_url(db):
        from .postgres_store import redact_url

        return redact_url(str(db))
    return str(db)


def open_store(db: str | Path, *, create: bool = False) -> CentralStore:
    """The store at ``db``; ``create`` makes a new one (a new file, or the schema in an empty
    PostgreSQL database). Raises StoreError when there is no central database there."""
    if is_postgres_url(db):
        try:
            from .postgres_store import PostgresStore
        except ImportError:
            raise StoreError("a postgresql:// database needs psycopg 3: pip install 'hospital-client[central]'") \
                from None
        return PostgresStore(str(db), create=create)
    from .sqlite_store import SQLiteStore

    return SQLiteStore(db, create=create)
