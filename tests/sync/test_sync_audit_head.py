"""The audit chain's head goes to the central system with every sync and is kept there, so that
cutting off the newest audit entries (or rewriting the log from some entry on) is found at the
next sync and by `audit verify --against-central`; a restore from a backup is reported as a
restart, which the central system keeps with the head it replaced. Real central server, real
desk databases; the tampering is what someone with the desk's key would do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_helpers import QUICK_DRAIN, Central, central_db, client_for, desk_request, operator, ready_desk, site_config

from hospital_client import cli, credentials, store
from hospital_client import protocol as p
from hospital_client.app import backups, usecases
from hospital_client.app import sync_usecases as su
from hospital_client.store import audit
from hospital_client.store.sql import append_only_triggers
from hospital_client.sync import audit_head
from hospital_client.sync.errors import AuditChainMismatch


def _sync(central: Central, code: str, db: store.LocalDatabase) -> su.SyncSummary:
    with client_for(central, code) as client:
        return su.sync_now(db, client, drain_settings=QUICK_DRAIN)


def _central_head(central: Central, code: str) -> dict[str, object] | None:
    with client_for(central, code) as client:
        head = client.call(p.AUDIT_HEAD_QUERY, {"data": {}}).output["head"]
    return None if head is None else dict(head)


def _cut_newest(db: store.LocalDatabase, n: int) -> int:
    """Delete the newest n audit entries past the append-only trigger; returns the new head's seq."""
    top = audit.head(db)
    assert top is not None
    db.conn.execute("DROP TRIGGER audit_no_update")
    db.conn.execute("DROP TRIGGER audit_no_delete")
    db.conn.execute("DELETE FROM audit WHERE seq > ?", (top.seq - n,))
    db.conn.executescript(append_only_triggers("audit"))
    return top.seq - n


def _settle(db: store.LocalDatabase, psn_no: str, mdtrt_id: str) -> int:
    return usecases.settle(db, operator(db), desk_request(psn_no, mdtrt_id)).committed.local_id


def test_every_sync_reports_the_head(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        _settle(db, "DEMO990100000031", "MDT-AH-1")
        first = _sync(central, code, db)
        assert first.ok, first.error
        assert first.audit_head is not None and first.audit_head.status == "recorded"
        held = _central_head(central, code)
        assert held is not None and held["seq"] == first.audit_head.local.seq  # type: ignore[union-attr]
        entry = audit.entry_at(db, int(held["seq"]))  # type: ignore[arg-type]
        assert entry is not None and entry.hash == held["hash"]
        _settle(db, "DEMO990100000032", "MDT-AH-2")
        second = _sync(central, code, db)
        assert second.ok and second.audit_head is not None and second.audit_head.status == "recorded"
        assert second.to_dict()["audit_head"]["central_seq"] == held["seq"]
        db.close()


def test_cutting_off_the_newest_entries_is_found_at_the_next_sync(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        _settle(db, "DEMO990100000033", "MDT-AH-3")
        _settle(db, "DEMO990100000034", "MDT-AH-4")
        assert _sync(central, code, db).ok
        held = _central_head(central, code)
        assert held is not None
        _cut_newest(db, 3)
        assert audit.verify(db).intact  # the chain alone cannot tell

        summary = _sync(central, code, db)
        assert not summary.ok
        assert f"holds audit entry {held['seq']}" in summary.error and "newest entries were removed" in summary.error
        assert _central_head(central, code) == held  # nothing recorded over it

        with client_for(central, code) as client:
            report = backups.verify(db, client)
            found = audit_head.check(db, client)
        assert not report.ok and any("newest entries were removed" in p for p in report.problems)
        assert found.central is not None and found.central.seq == held["seq"] and not found.ok
        db.close()


def test_cutting_off_and_writing_new_entries_is_found_too(tmp_path: Path) -> None:
    """The log is cut and grows again past the held head: the entry at that seq is another one."""
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        _settle(db, "DEMO990100000035", "MDT-AH-5")
        assert _sync(central, code, db).ok
        held = _central_head(central, code)
        assert held is not None
        _cut_newest(db, 2)
        for i in range(5):
            audit.append(db, "print", "demo", f"settlement:{i}", {"copies": 1})
        assert audit.head(db).seq > int(held["seq"])  # type: ignore[union-attr, arg-type]
        with client_for(central, code) as client:
            with pytest.raises(AuditChainMismatch, match="rewritten"):
                audit_head.report(db, client)
        summary = _sync(central, code, db)
        assert not summary.ok and "rewritten" in summary.error
        db.close()


def test_audit_verify_against_central_on_the_command_line(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        credentials.set_secret(su.secret_name(code), central.secrets[code])
        su.write_site_file(tmp_path / "site.toml", site_config(central, code))
        db = ready_desk(tmp_path, central, code)
        path = db.path
        local_id = _settle(db, "DEMO990100000036", "MDT-AH-6")
        for _ in range(3):
            audit.append(db, "print", "demo", f"settlement:{local_id}", {"copies": 1})
        assert _sync(central, code, db).ok
        db.close()

        assert cli.main(["audit", "verify", "--against-central", "--db", str(path)]) == 0
        out = capsys.readouterr().out
        assert "the central system's audit chain head, entry" in out and "is in the log" in out

        db = store.open_database(path)
        _cut_newest(db, 2)
        db.close()
        assert cli.main(["audit", "verify", "--db", str(path)]) == 0  # the local check alone cannot tell
        capsys.readouterr()
        assert cli.main(["audit", "verify", "--against-central", "--db", str(path)]) == 3
        err = capsys.readouterr().err
        assert "audit verify: audit log: the central system holds audit entry" in err


def test_a_restore_is_reported_as_a_restart_and_kept_centrally(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        code = central.new_site()
        db = ready_desk(tmp_path, central, code)
        path = db.path
        _settle(db, "DEMO990100000037", "MDT-AH-7")
        assert _sync(central, code, db).ok
        store.backup.backup(db, tmp_path / "backup.db", operator="it")
        _settle(db, "DEMO990100000038", "MDT-AH-8")
        assert _sync(central, code, db).ok
        lost = _central_head(central, code)
        assert lost is not None
        db.close()

        store.backup.restore(tmp_path / "backup.db", path, operator="it")
        db = store.open_database(path)
        assert audit.entry_at(db, int(lost["seq"])) is None or \
            audit.entry_at(db, int(lost["seq"])).hash != lost["hash"]  # type: ignore[union-attr, arg-type]
        summary = _sync(central, code, db)
        assert summary.audit_head is not None and summary.audit_head.status == "restarted", summary.error
        assert "restore" in summary.audit_head.note
        with client_for(central, code) as client:
            restarts = client.call(p.AUDIT_HEAD_QUERY, {"data": {}}).output["restarts"]
            report = backups.verify(db, client)
        assert [(r["replaced_seq"], r["replaced_hash"]) for r in restarts] == [(lost["seq"], lost["hash"])]
        assert report.ok, report.problems
        assert "1 restart(s)" in report.against_central
        db.close()
