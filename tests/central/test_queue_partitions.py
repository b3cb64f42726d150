"""`central work --partition K/N`: a worker claims only the persons of its share (crc32 of psn_no
modulo N), the results byte-identical to the unpartitioned run, a share nobody serves stays queued,
and the partition hash filled by the migration for persons queued before it. On SQLite and on
PostgreSQL."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from central_helpers import db_rows, init_db, is_postgres, run_cli
from queue_helpers import digest, queue_batches, run_work
from queue_share_helpers import db_execute, persons_queue, queue_persons, run_partition, run_partitions_together

from hospital_client.central.open_store import open_store
from hospital_client.central.partitions import BadPartition, Partition, partition_hash

Fresh = Callable[[], tuple[Path | str, dict[str, str]]]



def _queued_hashes(db: Path | str) -> dict[str, int]:
    return {str(psn): int(h) for psn, h in db_rows(db, "SELECT psn_no, partition_hash FROM queued_person")}


def test_the_partition_hash_is_crc32_of_psn_no() -> None:
    assert partition_hash("QPSN00000001") == zlib.crc32(b"QPSN00000001")
    assert partition_hash("参保人001") == zlib.crc32("参保人001".encode())
    share = Partition.parse("3/4")
    assert (share.index, share.count, str(share)) == (3, 4, "3/4")
    assert share.holds("QPSN00000001") == (zlib.crc32(b"QPSN00000001") % 4 == 3)
    for bad in ("4/4", "1/0", "-1/4", "a/b", "2", "1/2000"):
        with pytest.raises(BadPartition):
            Partition.parse(bad)


def test_four_workers_on_four_partitions_give_the_unpartitioned_results(fresh_db: Fresh) -> None:
    reference, _ = fresh_db()
    keys = queue_persons(reference)
    assert run_work(reference, 1)["adjudicated"] == len(keys)
    expected = digest(reference, keys)

    db, _ = fresh_db()
    assert queue_persons(db) == keys
    hashes = _queued_hashes(db)
    assert hashes and all(h == zlib.crc32(psn.encode()) for psn, h in hashes.items())
    items_of = {str(psn): int(n) for psn, n in db_rows(db, "SELECT psn_no, COUNT(*) FROM queued_work GROUP BY psn_no")}
    shares = [f"{k}/4" for k in range(4)]
    results = run_partitions_together(db, shares)
    assert [r["partition"] for r in results] == shares
    for k, result in enumerate(results):  # each worker did its share's persons' items, no other
        assert result["adjudicated"] == sum(n for psn, n in items_of.items() if zlib.crc32(psn.encode()) % 4 == k)
    assert sum(r["adjudicated"] for r in results) == len(keys)
    assert db_rows(db, "SELECT COUNT(*) FROM queued_work")[0][0] == 0
    assert digest(db, keys) == expected


def test_a_partition_nobody_serves_stays_queued(fresh_db: Fresh) -> None:
    reference, _ = fresh_db()
    keys = queue_persons(reference, persons=16, per_person=2)
    run_work(reference, 1)
    expected = digest(reference, keys)

    db, _ = fresh_db()
    queue_persons(db, persons=16, per_person=2)
    persons = set(_queued_hashes(db))
    served = {psn for psn in persons if zlib.crc32(psn.encode()) % 4 in (0, 2)}
    assert served and served != persons
    for share in ("0/4", "2/4"):  # --until-empty ends when its own share is empty
        assert run_partition(db, share)["partition"] == share
    left = set(_queued_hashes(db))
    assert left == persons - served  # the other shares' persons are still queued, all of their items
    waiting = {str(r[0]) for r in db_rows(db, "SELECT DISTINCT psn_no FROM queued_work")}
    assert waiting == left
    assert run_partition(db, "1/2")["adjudicated"] > 0  # (1/2 holds 1/4 and 3/4)
    assert db_rows(db, "SELECT COUNT(*) FROM queued_person")[0][0] == 0
    assert digest(db, keys) == expected


def test_the_migration_fills_the_hash_of_persons_already_queued(fresh_db: Fresh) -> None:
    db, _ = fresh_db()
    names = ["QPSN00000001", "参保人00000002", "QPSN00000003"]
    queue_batches(db, persons_queue(3, 1, names=names))
    # the database as it was before the migration: the column not there, the migration not recorded
    table = "central_schema_migration" if is_postgres(db) else "_sqlite_migrations"
    db_execute(db, "ALTER TABLE queued_person DROP COLUMN partition_hash",
               (f"DELETE FROM {table} WHERE name LIKE ?", ("%_queue_partition_hash",)))  # (whatever its number)
    open_store(db).close()  # applies it again
    hashes = _queued_hashes(db)
    assert set(hashes) == {*names, "NOBODY000001"}
    assert all(h == zlib.crc32(psn.encode("utf-8")) for psn, h in hashes.items())


def test_a_bad_partition_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "central.db"
    init_db(db)
    capsys.readouterr()
    code, out = run_cli("work", "--db", str(db), "--partition", "4/4", "--until-empty")
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "--partition 4/4" in err
