"""The quick check (SQLite's ``PRAGMA quick_check``) at start and before the day-end totals: a
damaged page that the command itself does not read is refused with the damage message, not
only by ``audit verify`` or a backup. The databases are encrypted: a damaged page fails its HMAC.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from store_helpers import load_request

from hospital_client import app, cli, store
from hospital_client.store import opening


def _settle_once(path: Path, mdtrt_id: str) -> None:
    db = store.open_database(path)
    try:
        request = load_request()
        request["encounter"]["mdtrt_id"] = mdtrt_id
        app.settle(db, app.login(db, "demo", "demo123"), request)
    finally:
        db.close()


def _damage_root_page(path: Path, table: str) -> None:
    """Junk in the middle of ``table``'s root page, as a failing disk leaves it."""
    db = store.open_database(path)
    try:
        root = int(db.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0])
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
    finally:
        db.close()
    assert not Path(f"{path}-wal").exists()
    data = bytearray(path.read_bytes())
    offset = (root - 1) * page_size + page_size // 2
    data[offset:offset + 64] = bytes(random.Random(root).getrandbits(8) for _ in range(64))
    path.write_bytes(bytes(data))


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_damaged_page_the_command_does_not_read_is_refused_at_start(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The roster (person) is not read by `journal list`: without the quick check the listing
    went on as if nothing were wrong, until `audit verify` or a backup."""
    _settle_once(demo_path, "Q-1")
    _damage_root_page(demo_path, "person")
    before = demo_path.read_bytes()
    code, out, err = _run_cli(["journal", "list", "--db", str(demo_path)], capsys)
    assert code == 1 and out == ""
    assert "the database file is damaged" in err and "Nothing more was written" in err
    assert "restore the latest backup" in err
    with pytest.raises(store.DatabaseCorrupt, match="damaged"):
        store.open_database(demo_path)
    assert demo_path.read_bytes() == before


def test_day_end_refuses_a_damaged_database(demo_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Damage the start check did not reach (a big database: its budget spent on the first
    pages) is found before the day-end totals: no totals, the damage message instead."""
    _settle_once(demo_path, "Q-2")
    _damage_root_page(demo_path, "person")
    monkeypatch.setattr(opening, "START_CHECK_BUDGET_S", 0, raising=False)
    code, out, _err = _run_cli(["journal", "list", "--json", "--db", str(demo_path)], capsys)
    assert code == 0 and '"Q-2"' in out  # the listing does not read the damaged page
    code, out, err = _run_cli(["report", "dayend", "--db", str(demo_path)], capsys)
    assert code == 1 and out == ""
    assert "the database file is damaged" in err and "restore the latest backup" in err
    db = store.open_database(demo_path)
    try:
        with pytest.raises(store.DatabaseCorrupt):
            app.day_end_totals(db, app.business_day())
    finally:
        db.close()


def test_day_end_on_a_sound_database(demo_path: Path) -> None:
    _settle_once(demo_path, "Q-3")
    db = store.open_database(demo_path)
    try:
        total = app.day_end_totals(db, app.business_day())[-1]
        assert total.operator == "total" and total.settlements == 1
    finally:
        db.close()


def test_quick_check_whole_or_on_a_budget(demo_db: store.LocalDatabase) -> None:
    assert opening.quick_check(demo_db) is True
    assert opening.quick_check(demo_db, budget_s=5.0) is True
    assert opening.quick_check(demo_db, budget_s=1e-9) is False  # stopped at its first look at the clock
    assert opening.quick_check(demo_db, budget_s=0) is False
    demo_db.execute("SELECT COUNT(*) FROM settlement").fetchone()  # the database's own connection is untouched


def test_the_start_check_runs_once_per_file_state(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The desk's other threads open their own connections to a file already checked; a file
    changed since (restored, written by another program) is checked again."""
    calls: list[Path] = []
    real = opening.quick_check

    def counting(db: store.LocalDatabase, *, budget_s: float | None = None) -> bool:
        calls.append(db.path)
        return real(db, budget_s=budget_s)

    monkeypatch.setattr(opening, "quick_check", counting)
    for _ in range(3):
        store.open_database(demo_path).close()
    assert len(calls) == 1
    stat = demo_path.stat()
    os.utime(demo_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    store.open_database(demo_path).close()
    assert len(calls) == 2
