"""Someone with the desk's key edits the journal with an SQLite tool (the append-only trigger
dropped and put back): `audit verify` names the entry and the part that changed, and neither
`report dayend` nor the month's fund statement sums the edited figures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from app_helpers import load_request, write_request

from hospital_client import app, cli, store
from hospital_client.store.connection import raw_connection
from hospital_client.store.sql import append_only_triggers


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _settle(tmp_path: Path, capsys: pytest.CaptureFixture[str], db: Path, mdtrt_id: str) -> dict[str, Any]:
    request = write_request(tmp_path, load_request(mdtrt_id=mdtrt_id), f"{mdtrt_id}.json")
    # The same person and dates under other admission nos.: typed stays that overlap, confirmed with a reason.
    code, out, err = _run(["settle", str(request), "--commit", "--db", str(db), "--overlap-reason", "再次入院"],
                          capsys)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _edit(db: Path, table: str, sql: str) -> None:
    conn: sqlite3.Connection = raw_connection(db)
    try:
        conn.execute("BEGIN")
        conn.execute(f"DROP TRIGGER {table}_no_update")
        conn.execute(f"DROP TRIGGER {table}_no_delete")
        conn.execute(sql)
        conn.executescript(append_only_triggers(table))  # commits
    finally:
        conn.close()


def test_an_edited_amount_is_named_and_not_summed(demo_path: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _settle(tmp_path, capsys, demo_path, "TAMPER-1")
    second = _settle(tmp_path, capsys, demo_path, "TAMPER-2")
    code, out, _ = _run(["report", "dayend", "--json", "--db", str(demo_path)], capsys)
    assert code == 0
    honest = json.loads(out)[-1]["medfee_sumamt"]

    _edit(demo_path, "settlement",
          f"UPDATE settlement SET medfee_sumamt = '6000.01' WHERE local_id = {second['local_id']}")
    code, _, err = _run(["audit", "verify", "--db", str(demo_path)], capsys)
    assert code == 3
    assert f"journal entry {second['local_id']} (settlement {second['queue_no']}): its header" in err

    code, out, err = _run(["report", "dayend", "--json", "--db", str(demo_path)], capsys)
    assert code != 0 and out == ""
    assert f"journal entry {second['local_id']} " in err and "6000.01" not in err
    db = store.open_database(demo_path)
    try:
        with pytest.raises(store.JournalAltered):
            app.usecases.day_end_totals(db, second["created_at"][:10])
        with pytest.raises(store.JournalAltered):
            app.reports.fund_statement(db, second["created_at"][:7])
    finally:
        db.close()
    assert honest != "6000.01"


def test_an_edited_fee_line_is_named(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _settle(tmp_path, capsys, demo_path, "TAMPER-3")
    _edit(demo_path, "fee_line",
          f"UPDATE fee_line SET det_item_fee_sumamt = '0.01', cnt = '0' WHERE local_id = {first['local_id']} "
          "AND seq = 2")
    code, _, err = _run(["audit", "verify", "--db", str(demo_path)], capsys)
    assert code == 3 and f"journal entry {first['local_id']} " in err and "fee line 2 (feedetl_sn " in err


def test_an_intact_journal_verifies_and_says_so(demo_path: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _settle(tmp_path, capsys, demo_path, "TAMPER-4")
    code, out, _ = _run(["audit", "verify", "--db", str(demo_path)], capsys)
    assert code == 0 and "journal content as recorded: 1 entries" in out
