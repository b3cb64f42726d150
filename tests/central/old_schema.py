"""A central database at the schema of the version before the per-person queue: its migrations
applied up to (not including) the one that made ``queued_work`` / ``queued_person`` (SQLite
m012_person_queue, PostgreSQL m007_person_queue), and the rows of a database of this version
(sites, roster, packs, catalogue, counters) copied into the tables that schema has. Opening it with
this version applies the rest, as an upgrade does."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from pg_cluster import PgCluster
from sqlite_utils import Database

from hospital_client.central import postgres_store, sqlite_store

SQLITE_FIRST_NEW = "m012_person_queue"
POSTGRES_FIRST_NEW = "m007_person_queue"


def old_sqlite_copy(source: Path, target: Path) -> Path:
    """``target``: a new SQLite file at the old schema with ``source``'s rows."""
    with contextlib.closing(sqlite3.connect(target, isolation_level=None)) as conn:
        sqlite_store.MIGRATIONS.apply(Database(conn), stop_before=SQLITE_FIRST_NEW)
        applied = {str(r[0]) for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        assert SQLITE_FIRST_NEW not in applied and "m011_list_states_clearing_approvals" in applied
        conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        tables = [str(r[0]) for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> '_sqlite_migrations'")]
        conn.execute("BEGIN")
        for table in tables:
            columns = ", ".join(str(r[1]) for r in conn.execute(f"PRAGMA main.table_info({table})"))
            conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM source.{table}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE source")
    return target


def old_postgres_copy(cluster: PgCluster, source: str, name: str) -> str:
    """A new PostgreSQL database ``name`` at the old schema with ``source``'s rows; its URL."""
    import psycopg

    url = cluster.create_database(name)
    old = [(n, script) for n, script in postgres_store.MIGRATIONS]
    old = old[:[n for n, _ in old].index(POSTGRES_FIRST_NEW)]
    with psycopg.connect(url) as dst, psycopg.connect(source) as src:
        dst.execute("CREATE TABLE central_schema_migration "
                    "(name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        for migration, script in old:
            dst.execute(script().encode("utf-8"))
            dst.execute("INSERT INTO central_schema_migration (name) VALUES (%s)", (migration,))
        tables = [str(r[0]) for r in dst.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND table_name <> 'central_schema_migration'")]
        for table in tables:
            columns = ", ".join(f'"{r[0]}"' for r in dst.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = %s ORDER BY ordinal_position", (table,)))
            with src.cursor().copy(f"COPY (SELECT {columns} FROM {table}) TO STDOUT".encode()) as out, \
                    dst.cursor().copy(f"COPY {table} ({columns}) FROM STDIN".encode()) as into:
                for chunk in out:
                    into.write(chunk)
            for (column,) in dst.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND table_name = %s AND is_identity = 'YES'", (table,)).fetchall():
                dst.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({column}), 0) + 1, false) "
                            f"FROM {table}".encode(), (table, column))
    return url
