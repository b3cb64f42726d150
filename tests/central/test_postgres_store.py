"""The PostgreSQL store itself: the whole CentralStore interface, versioned migrations applied once,
the store chosen by --db, and errors that name the database without its password.
(Every central test runs on both stores through the ``central`` fixture; these are the rest.)"""

from __future__ import annotations

import inspect
import re
import threading
import time
from pathlib import Path

import pytest
from central_helpers import ROOT, SITE_A, db_refusal, db_rows, init_db, item, make_request, run_cli, running_server
from pg_cluster import SUPERUSER, PgCluster

from hospital_client import protocol as p
from hospital_client.central.open_store import describe, is_postgres_url, open_store
from hospital_client.central.postgres_store import MIGRATIONS, PostgresStore
from hospital_client.central.sqlite_store import SQLiteStore
from hospital_client.central.store import CentralStore, StoreError


def _protocol_methods() -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(CentralStore).items()
            if callable(member) and not name.startswith("_")}


@pytest.mark.parametrize("store", [PostgresStore, SQLiteStore])
def test_every_method_of_the_interface_with_its_signature(store: type) -> None:
    for name, signature in _protocol_methods().items():
        assert hasattr(store, name), f"{store.__name__} lacks {name}"
        mine = inspect.signature(getattr(store, name))
        assert list(mine.parameters) == list(signature.parameters), f"{store.__name__}.{name}{mine} != {signature}"
        assert [p.default for p in mine.parameters.values()] == [p.default for p in signature.parameters.values()]


def test_migrations_are_applied_once_and_reopening_changes_nothing(pg_cluster: PgCluster) -> None:
    url = pg_cluster.create_database("migrations")
    with pytest.raises(StoreError, match="no central database here"):
        PostgresStore(url)
    store = PostgresStore(url, create=True)
    try:
        assert store.applied_migrations() == sorted(name for name, _ in MIGRATIONS)
    finally:
        store.close()
    again = PostgresStore(url)
    try:
        assert again.applied_migrations() == sorted(name for name, _ in MIGRATIONS)
        assert not again.is_initialised()
    finally:
        again.close()


def test_the_store_is_chosen_by_the_db_argument(pg_cluster: PgCluster, tmp_path: Path) -> None:
    url = pg_cluster.create_database("chosen")
    assert is_postgres_url(url) and not is_postgres_url(str(tmp_path / "central.db"))
    pg = open_store(url, create=True)
    lite = open_store(tmp_path / "central.db", create=True)
    try:
        assert isinstance(pg, PostgresStore) and isinstance(lite, SQLiteStore)
    finally:
        pg.close()
        lite.close()
    assert describe("postgresql://clerk:s3cret@db.example:5432/central") == \
        "postgresql://clerk:***@db.example:5432/central"


def test_an_unreachable_server_is_one_line_without_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("site", "list", "--db", "postgresql://clerk:s3cret@127.0.0.1:1/central", "--json")
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot connect to PostgreSQL" in err
    assert "s3cret" not in err and "clerk:***@" in err


def test_init_and_serve_take_a_postgresql_url(pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_cluster.create_database("cli")
    code, out = run_cli("init", "--db", url)
    assert code == 0 and out.startswith(f"initialised {url}: ") and "persons" in out
    code, _ = run_cli("init", "--db", url)
    assert code == 2 and "already initialised" in capsys.readouterr().err
    code, out = run_cli("site", "add", "--db", url, "--code", "H99010000007", "--name", "七号卫生院")
    assert code == 0 and len(out.splitlines()[-1]) >= 40


def test_append_only_tables_refuse_truncate_too(pg_cluster: PgCluster, pg_template: dict[str, str]) -> None:
    db = pg_cluster.create_database("truncate", template="central_template")
    for table in ("settlement", "reversal", "local_key", "message", "true_up", "audit_head"):
        assert "append-only" in db_refusal(db, f"TRUNCATE {table}"), table


@pytest.mark.parametrize("command", [("report", "--json"), ("site", "list"), ("true-up", "--year", "2026"),
                                     ("serve", "--port", "18999"),
                                     ("site", "add", "--code", "H99010000001", "--name", "x")])
def test_a_missing_database_is_named(pg_cluster: PgCluster, command: tuple[str, ...],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(*command, "--db", pg_cluster.url("nowhere"))
    err = capsys.readouterr().err
    assert code == 2 and "/nowhere" in err and err.count("\n") == 1, err


def test_a_role_with_only_select_insert_update_delete_serves(pg_cluster: PgCluster, tmp_path: Path) -> None:
    """As docs/operations.md says: the owner runs `central init`; the server's role needs DML only."""
    pg_cluster.execute("CREATE ROLE central_owner LOGIN")
    pg_cluster.execute("CREATE ROLE central_app LOGIN")
    pg_cluster.execute("CREATE DATABASE central_roles OWNER central_owner")
    owner = pg_cluster.url("central_roles").replace(f"{SUPERUSER}@", "central_owner@")
    secrets = init_db(owner)
    db_rows(owner, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO central_app")
    app = owner.replace("central_owner@", "central_app@")
    with running_server(tmp_path, app, secrets) as server:
        site = server.client(SITE_A)
        out = site.call(p.SETTLEMENT, {"data": item("1", make_request("DEMO990100000037", "MDT-ROLE-1"))})
        assert out["setl_id"] and out["final"]["setlinfo"]["hifp_pay"]
        queued = site.call(p.BATCH_UPLOAD, {"ack": "stored",
                                            "data": [item("2", make_request("DEMO990100000038", "MDT-ROLE-2"))]})
        assert queued["queued"] == 1
        for _ in range(200):
            [result] = site.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": ["2"]}})["results"]
            if result["status"] != "queued":
                break
            time.sleep(0.02)
        assert result["status"] == "accepted"


_REFERENCE = re.compile(r"create_reference_table\('(\w+)'\)")
_DISTRIBUTED = re.compile(r"create_distributed_table\('(\w+)', '(\w+)'(?:, colocate_with => '(\w+)')?\)")


def test_the_citus_layout_in_the_docs_fits_the_schema(pg_cluster: PgCluster, pg_template: dict[str, str]) -> None:
    """docs/operations.md "Distributing with Citus": every table named once; each distributed table's
    column is in every primary key and unique constraint; foreign keys point at reference tables only;
    co-located tables share the distribution column's type and collation."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    reference = _REFERENCE.findall(text)
    distributed = {table: (column, colocate) for table, column, colocate in _DISTRIBUTED.findall(text)}
    named = reference + list(distributed)
    assert len(named) == len(set(named)), "a table is named twice"
    db = pg_cluster.create_database("citus_layout", template="central_template")
    tables = {r[0] for r in db_rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert set(named) == tables

    def column_type(table: str, column: str) -> tuple[str, str]:
        rows = db_rows(db, "SELECT data_type, COALESCE(collation_name, '') FROM information_schema.columns "
                           "WHERE table_name = ? AND column_name = ?", (table, column))
        assert rows, f"{table} has no column {column}"
        return rows[0]

    constraints = db_rows(db, """
        SELECT c.conrelid::regclass::text, c.contype, c.confrelid::regclass::text,
               ARRAY(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey))
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')""")
    for table, kind, referenced, columns in constraints:
        if kind == "f":
            assert referenced in reference, f"{table}: a foreign key to {referenced}, not a reference table"
        elif table in distributed:
            assert distributed[table][0] in columns, f"{table}: a key {columns} without {distributed[table][0]}"
    for table, (column, colocate) in distributed.items():
        kind = column_type(table, column)
        if colocate and colocate != "none":
            assert kind == column_type(colocate, distributed[colocate][0]), f"{table} vs {colocate}"


def test_one_person_at_a_time_across_connections(pg_cluster: PgCluster, pg_template: dict[str, str]) -> None:
    """Two servers on one database: the second's settlement of a person waits for the first's to
    commit and reads what it wrote (no lost update of the accumulators); another person's does not wait."""
    db = pg_cluster.create_database("person_locks", template="central_template")
    first, second = PostgresStore(db), PostgresStore(db)
    person, other = "DEMO990100000001", "DEMO990100000002"
    try:
        year, before = first.latest_accumulators(person) or (2026, {})
        locked, seen = threading.Event(), {}

        def settle_first() -> None:
            with first.transaction():
                values = first.get_accumulators(person, year) or {}
                locked.set()
                time.sleep(0.5)
                first.put_accumulators(person, year, {**values, "admissions": int(values["admissions"]) + 1}, "t1")

        thread = threading.Thread(target=settle_first)
        thread.start()
        assert locked.wait(10)
        started = time.monotonic()
        with second.transaction():
            assert second.get_accumulators(other, year) is not None
            assert time.monotonic() - started < 0.4  # another person: no wait
            seen.update(second.get_accumulators(person, year) or {})
        waited = time.monotonic() - started
        thread.join()
        assert waited >= 0.3 and seen["admissions"] == int(before["admissions"]) + 1
    finally:
        first.close()
        second.close()
