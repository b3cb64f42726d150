"""Policy packs and review-rule libraries are cached by one shared helper (store/hashed_files.py):
the same behaviour for both, on the tables and audit entries they always had."""

from __future__ import annotations

import pytest

from hospital_client import paths, store
from hospital_client.store import caches, review_libraries
from hospital_client.store.hashed_files import HashedFileKind

KINDS = {
    "pack": (caches.PACKS, caches.put_pack, caches.load_packs, caches.pack_summaries,
             paths.policies_dir() / "demo.toml"),
    "library": (review_libraries.LIBRARIES, review_libraries.put_library, review_libraries.load_libraries,
                review_libraries.library_summaries, paths.resources_dir() / "review" / "demo_review.toml"),
}
COLUMNS = {"policy_pack": ["sha256", "pack_id", "version", "source_name", "data", "imported_at"],
           "review_library": ["sha256", "library_id", "version", "source_name", "data", "imported_at"]}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_both_caches_store_load_and_list_alike(empty_db: store.LocalDatabase, name: str) -> None:
    kind, put, load, summaries, file = KINDS[name]
    assert isinstance(kind, HashedFileKind)
    data = file.read_bytes()
    first = put(empty_db, data, file.name, operator="it")
    put(empty_db, data, file.name, operator="it")  # idempotent by hash: one row, one audit entry
    assert [(f.id, f.sha256) for f in load(empty_db)] == [(first.id, first.sha256)]
    entries = store.audit.entries(empty_db)
    assert [(e.action, e.subject, e.detail) for e in entries] == [
        ("import", f"{kind.audit_prefix}:{first.id}", {"version": first.version, "sha256": first.sha256})]
    (row,) = summaries(empty_db)
    assert {k: row[k] for k in ("id", "version", "sha256", "source_name")} == {
        "id": first.id, "version": first.version, "sha256": first.sha256, "source_name": file.name}
    assert set(row) == {"id", "version", "sha256", "source_name", "imported_at"}
    assert [c[1] for c in empty_db.conn.execute(f"PRAGMA table_info({kind.table})")] == COLUMNS[kind.table]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_both_caches_refuse_altered_bytes_naming_the_file(empty_db: store.LocalDatabase, name: str) -> None:
    kind, put, load, _summaries, file = KINDS[name]
    cached = put(empty_db, file.read_bytes(), file.name, operator="it")
    empty_db.conn.execute(f"UPDATE {kind.table} SET data = CAST(data || x'0a' AS BLOB)")
    with pytest.raises(store.CacheIntegrityError, match=f"cached {kind.described_as} {cached.id} "):
        load(empty_db)

