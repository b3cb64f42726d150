"""Several desks (windows) of one hospital share its site code: each desk numbers its journal in its
own range (desk 1 from 1, desk N from N × 10¹²) and puts its digit in the msgid's sequence, so two
desks never collide at the central system: nothing is parked for an id clash, and every slip's
settlement number is unique across the desks."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import threading
from pathlib import Path

import pytest
from central_helpers import roster
from sync_helpers import (
    FAST,
    SITE_A,
    Central,
    central_db,
    desk_request,
    operator,
    ready_desk,
    site_config,
)

from hospital_client import app, store
from hospital_client.app import sync_usecases as su
from hospital_client.app import usecases
from hospital_client.config import ConfigError, load_site_config
from hospital_client.store import numbering
from hospital_client.sync.client import CentralClient
from hospital_client.sync.drain import DrainSettings, drain

PERSONS = sorted(roster())
PER_DESK = 500
BLOCK = 50          # per block: 40 settled offline, drained, then 10 settled online
ONLINE_PER_BLOCK = 10
DRAIN = DrainSettings(batch_size=200, result_wait=30.0, poll_initial=0.02, poll_max=0.2)


def _client(central: Central, desk: int) -> CentralClient:
    site = dataclasses.replace(site_config(central, SITE_A), desk=desk)
    return CentralClient(site, central.secrets[SITE_A], settings=FAST, operator="001", operator_name="收费员")


def _work(db: store.LocalDatabase, central: Central, desk: int, errors: list[BaseException]) -> None:
    try:
        clerk = operator(db)
        site = dataclasses.replace(site_config(central, SITE_A), desk=desk)
        with _client(central, desk) as client:
            for block in range(PER_DESK // BLOCK):
                for n in range(block * BLOCK, (block + 1) * BLOCK):
                    psn = PERSONS[(n * 7 + desk) % len(PERSONS)]
                    request = desk_request(psn, f"MDT-DESK{desk}-{n:04d}")
                    if n - block * BLOCK < BLOCK - ONLINE_PER_BLOCK:
                        usecases.settle(db, clerk, request)
                        continue
                    if n - block * BLOCK == BLOCK - ONLINE_PER_BLOCK:  # the offline ones go first
                        report = drain(db, client, settings=DRAIN)
                        assert report.ok and report.parked == 0, report
                    online = su.settle_online(db, site, clerk, request, client=client, wait=10.0)
                    assert online.final, online.to_dict()
            report = drain(db, client, settings=DRAIN)
            assert report.ok and report.parked == 0 and report.still_queued == 0, report
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


def test_two_desks_of_one_hospital_settle_500_each_offline_and_online_without_a_clash(tmp_path: Path) -> None:
    with central_db(tmp_path / "central") as central:
        desks = {1: ready_desk(tmp_path, central, SITE_A, "desk1.db"),
                 2: ready_desk(tmp_path, central, SITE_A, "desk2.db")}
        assert numbering.set_desk(desks[2], 2) and not numbering.set_desk(desks[1], 1)
        errors: list[BaseException] = []
        threads = [threading.Thread(target=_work, args=(db, central, desk, errors)) for desk, db in desks.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

        held = central.settlements(SITE_A)
        assert len(held) == 2 * PER_DESK
        assert len({s["local_id"] for s in held}) == 2 * PER_DESK
        assert len({s["mdtrt_id"] for s in held}) == 2 * PER_DESK
        for desk, db in desks.items():
            entries = store.journal.list_entries(db)
            assert len(entries) == PER_DESK and all(e.state == "final" for e in entries)
            low = 0 if desk == 1 else desk * numbering.DESK_SPAN
            assert all(low < e.local_id < low + numbering.DESK_SPAN for e in entries)
            assert sorted(e.local_id for e in entries) == list(range(low + 1, low + PER_DESK + 1))
            assert {m.status for m in store.outbox.list_messages(db)} <= {"accepted", "adjusted"}
            assert all(("-D2-" in e.queue_no) == (desk == 2) for e in entries)
            mine = {s["local_id"]: s for s in held if s["mdtrt_id"].startswith(f"MDT-DESK{desk}-")}
            for e in entries:
                remote = store.reconcile.remote_result(db, e.local_id)
                assert remote is not None and remote["central_id"] == mine[str(e.local_id)]["setl_id"]
        msgids = [m.msgid for db in desks.values() for m in store.outbox.list_messages(db)]
        assert len(set(msgids)) == 2 * PER_DESK  # the slips' settlement numbers: unique across the desks
        assert {m[26] for m in msgids} == {"1", "2"}  # the desk's digit leads the sequence
        for db in desks.values():
            db.close()


def test_the_desk_number_comes_from_the_site_file_and_keeps_old_ids(tmp_path: Path) -> None:
    """An existing desk (desk 1, ids from 1) keeps its ids when its site file gains ``desk = 3``; new
    ids are desk 3's. The site file refuses a desk outside 1-10; setup writes it."""
    with central_db(tmp_path / "central") as central:
        ready = ready_desk(tmp_path, central, SITE_A, "desk.db")
        path = ready.path
        ready.close()
    site = site_config(None, SITE_A)
    db = app.open_desk_database(path, site).db
    clerk = operator(db)
    first = usecases.settle(db, clerk, desk_request(PERSONS[0], "MDT-SITEFILE-1")).committed
    db.close()
    assert first.local_id == 1
    db = app.open_desk_database(path, dataclasses.replace(site, desk=3)).db
    second = usecases.settle(db, clerk, desk_request(PERSONS[1], "MDT-SITEFILE-2")).committed
    assert second.local_id == 3 * numbering.DESK_SPAN + 1 and "-D3-" in second.queue_no
    assert second.msgid[26] == "3" and store.journal.get_entry(db, 1, full=False).local_id == 1
    db.close()

    toml = tmp_path / "site.toml"
    toml.write_text('[site]\ncode = "H99010000001"\nname = "x"\nregion = "990100"\ndesk = 11\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"site\.desk"):
        load_site_config(toml)
    toml.write_text('[site]\ncode = "H99010000001"\nname = "x"\nregion = "990100"\ndesk = "4"\n', encoding="utf-8")
    loaded = load_site_config(toml)
    assert loaded is not None and loaded.desk == 4
    written = su.write_site_file(tmp_path / "written.toml", dataclasses.replace(loaded, desk=7))
    again = load_site_config(written)
    assert again is not None and again.desk == 7


def test_setup_desk_is_written_kept_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`hospital-client setup ... --desk 3` writes the desk number; setup again without --desk keeps
    it; a number outside 1-10 is refused and nothing is written."""
    from hospital_client import cli, config

    def setup(*extra: str) -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO("a-secret\n"))
        return cli.main(["setup", "--site-code", "H99010099316", "--site-name", "示例县人民医院",
                         "--server", "http://127.0.0.1:9", "--secret-stdin", "--db", str(tmp_path / "d.db"), *extra])

    assert setup("--desk", "3") == 0
    assert json.loads(capsys.readouterr().out)["desk"] == 3
    site = config.load_site_config(config.site_config_path())
    assert site is not None and site.desk == 3
    assert setup() == 0 and json.loads(capsys.readouterr().out)["desk"] == 3
    assert setup("--desk", "11") == 2
    again = config.load_site_config(config.site_config_path())
    assert again is not None and again.desk == 3


def test_setup_again_keeps_what_it_setup_did_not_ask_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The hospital level, the HIS drop folder and the card reader IT wrote into site.toml by hand
    survive `setup --desk 2` (setup asks for none of them)."""
    from hospital_client import cli, config

    def setup(*extra: str) -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO("a-secret\n"))
        return cli.main(["setup", "--site-code", "H99010099316", "--site-name", "示例县人民医院",
                         "--server", "http://127.0.0.1:9", "--secret-stdin", "--db", str(tmp_path / "d.db"), *extra])

    assert setup() == 0
    path = config.site_config_path()
    drop = tmp_path / "his drop"
    path.write_text(path.read_text(encoding="utf-8")
                    + f'level = "2"\nhis_drop = "{drop.as_posix()}"\ncard_reader = "simulated"\n', encoding="utf-8")
    assert setup("--desk", "2") == 0
    capsys.readouterr()
    site = config.load_site_config(path)
    assert site is not None and site.desk == 2
    assert (site.level, site.his_drop, site.card_reader) == ("2", drop.as_posix(), "simulated")


def test_a_restored_second_desk_gets_back_only_its_own_entries(tmp_path: Path) -> None:
    """Desk 2 restored from a backup while desk 1 of the same hospital has settled too: 9513 in desk
    2's range brings back desk 2's lost entries only, and desk 2 numbers on above them."""
    with central_db(tmp_path / "central") as central:
        one, two = ready_desk(tmp_path, central, SITE_A, "one.db"), ready_desk(tmp_path, central, SITE_A, "two.db")
        numbering.set_desk(two, 2)
        clerk = operator(one)
        backup = store.backup.backup(two, tmp_path / "two-backup.db", operator="it")
        for n in range(3):
            usecases.settle(one, clerk, desk_request(PERSONS[n], f"MDT-R1-{n}"))
            usecases.settle(two, clerk, desk_request(PERSONS[n + 10], f"MDT-R2-{n}"))
        with _client(central, 1) as c1, _client(central, 2) as c2:
            assert drain(one, c1, settings=DRAIN).accepted == 3 and drain(two, c2, settings=DRAIN).accepted == 3
            path = two.path
            two.close()
            store.backup.restore(backup.path, path, operator="it")
            two = store.open_database(path)
            assert numbering.current_desk(two) == 2 and store.journal.list_entries(two) == []
            report = drain(two, c2, settings=DRAIN)
            assert report.ok and report.recovered == 3
            base = 2 * numbering.DESK_SPAN
            assert sorted(e.local_id for e in store.journal.list_entries(two)) == [base + 1, base + 2, base + 3]
            after = usecases.settle(two, clerk, desk_request(PERSONS[20], "MDT-R2-new")).committed
            assert after.local_id == base + 4
            assert drain(two, c2, settings=DRAIN).accepted == 1
        assert len(central.settlements(SITE_A)) == 7
        one.close()
        two.close()
