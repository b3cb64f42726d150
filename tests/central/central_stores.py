"""The central stores every central test runs on (``sqlite``, ``postgresql``) and a new initialised
database on one of them. Its own module, not conftest.py: several test directories have a conftest
and only one of them can be imported under that name in a whole-suite run."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from central_helpers import init_db
from pg_cluster import PgCluster

STORES = ("sqlite", "postgresql")
TEMPLATE = "central_template"
_names = itertools.count(1)


def new_central_db(request: pytest.FixtureRequest, store: str, tmp: Path) -> tuple[Path | str, dict[str, str]]:
    """A new initialised central database on ``store`` with two sites: its --db and the sites' secrets."""
    if store == "postgresql":
        secrets = request.getfixturevalue("pg_template")
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        return cluster.create_database(f"central_{next(_names)}", template=TEMPLATE), dict(secrets)
    db = tmp / "central.db"
    return db, init_db(db)
