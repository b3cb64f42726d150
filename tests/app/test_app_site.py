"""The demo site's first start and the explicit init of a site; never a silent re-creation."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from hospital_client import app, config, store


def test_demo_first_start_loads_everything(tmp_path: Path) -> None:
    desk = app.open_desk_database(tmp_path / "d.db", None, first_start=True)
    try:
        assert desk.created and desk.initialised and app.is_demo(desk.db)
        db = desk.db
        persons = db.conn.execute("SELECT insutype, residence, assistance_group FROM person").fetchall()
        assert len(persons) >= 60
        assert {p[0] for p in persons} >= {"310", "390"}
        assert {p[1] for p in persons} == {"urban", "rural"}
        groups = collections.Counter(p[2] for p in persons)
        assert {"tekun", "dibao", "dibao_edge", "poverty", None} <= set(groups)
        assert {o.name for o in store.operators.list_operators(db)} == {o.name for o in app.DEMO_OPERATORS}
        assert store.caches.load_packs(db) and store.caches.load_catalog(db)
        assert store.audit.verify(db).intact
    finally:
        desk.db.close()
    again = app.open_desk_database(tmp_path / "d.db", None, first_start=True)
    assert not again.created and not again.initialised
    again.db.close()


def test_no_creation_without_first_start(tmp_path: Path) -> None:
    with pytest.raises(store.DatabaseMissing):
        app.open_desk_database(tmp_path / "d.db", None)
    assert not (tmp_path / "d.db").exists()


def test_configured_site_missing_or_uninitialised(tmp_path: Path) -> None:
    site = config.SiteConfig(code="H12345678901", name="x", region="990100")
    with pytest.raises(store.DatabaseMissing):
        app.open_desk_database(tmp_path / "s.db", site, first_start=True)
    store.open_database(tmp_path / "s.db", create=True).close()
    with pytest.raises(app.NotInitialised, match="init"):
        app.open_desk_database(tmp_path / "s.db", site, first_start=True)


def test_interrupted_demo_init_is_completed_on_next_start(tmp_path: Path) -> None:
    store.open_database(tmp_path / "d.db", create=True).close()  # schema, but no demo data yet
    desk = app.open_desk_database(tmp_path / "d.db", None, first_start=True)
    try:
        assert desk.initialised and store.caches.count_persons(desk.db) >= 60
    finally:
        desk.db.close()
