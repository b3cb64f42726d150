"""Fixtures of the central-system tests: one real server process per test module, on each store.

``central`` (and the clients on it) runs every module twice: on an SQLite file (``sqlite``) and on a
PostgreSQL database (``postgresql``) of a throwaway cluster the session starts itself
(pg_cluster.py). The PostgreSQL databases are copies (CREATE DATABASE ... TEMPLATE) of one
initialised once per session, so a module's fresh database costs a few tens of milliseconds.
``central_db`` gives a test its own initialised database on each store, without a server.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from central_helpers import SITE_A, SITE_B, Client, Server, init_db, running_server
from central_stores import STORES, TEMPLATE, new_central_db
from pg_cluster import PgCluster, throwaway_cluster


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgCluster]:
    with throwaway_cluster(tmp_path_factory.mktemp("postgresql")) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> dict[str, str]:
    """The initialised template database (demo data, two sites); returns the sites' secrets."""
    return init_db(pg_cluster.create_database(TEMPLATE))


@pytest.fixture(scope="module", params=STORES)
def central(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("central")
    db, secrets = new_central_db(request, request.param, tmp)
    with running_server(tmp, db, secrets) as server:
        yield server


@pytest.fixture(params=STORES)
def central_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path | str, dict[str, str]]:
    """A test's own initialised central database (no server): its --db and the sites' secrets."""
    return new_central_db(request, request.param, tmp_path)


FreshDb = Callable[[], tuple[Path | str, dict[str, str]]]
_fresh_dirs = itertools.count(1)


@pytest.fixture(params=STORES)
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> FreshDb:
    """Makes a new initialised central database on the store, as often as asked."""

    def make() -> tuple[Path | str, dict[str, str]]:
        folder = tmp_path / f"db{next(_fresh_dirs)}"
        folder.mkdir()
        return new_central_db(request, request.param, folder)

    return make


@pytest.fixture(scope="module")
def site_a(central: Server) -> Client:
    return central.client(SITE_A)


@pytest.fixture(scope="module")
def site_b(central: Server) -> Client:
    return central.client(SITE_B)
