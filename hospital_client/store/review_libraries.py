"""The desk's cache of review-rule libraries (审核规则库) pulled from the central system (9504).

Kept like policy packs (caches.py): the exact bytes with their sha256, idempotent by hash, the
hash re-verified on every load, each import in the audit chain. The rules core parses them; it
is imported only when a library is stored or loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from . import audit
from .connection import LocalDatabase, now, transaction
from .errors import CacheIntegrityError
from .sqlite_errors import guarded

if TYPE_CHECKING:
    from ..rules.review import ReviewLibrary

__all__ = ["library_summaries", "load_libraries", "put_library"]


@guarded
def put_library(db: LocalDatabase, data: bytes, source_name: str, *, operator: str,
                at: dt.datetime | None = None) -> ReviewLibrary:
    """Validate a library's bytes and cache them (idempotent by hash). Returns the parsed library."""
    from ..rules.review import parse_library

    library = parse_library(data, source_name)
    stamp = (at or now()).isoformat()
    with transaction(db):
        cursor = db.conn.execute(
            "INSERT OR IGNORE INTO review_library (sha256, library_id, version, source_name, data, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (library.sha256, library.id, library.version, source_name, data, stamp),
        )
        if cursor.rowcount:
            audit.append_in_transaction(db.conn, "import", operator, f"review_library:{library.id}",
                                        {"version": library.version, "sha256": library.sha256}, at)
    return library


# Parsed libraries by sha256 (immutable): the bytes are re-verified on every load, parsed once.
_PARSED: dict[tuple[str, str], ReviewLibrary] = {}


@guarded
def load_libraries(db: LocalDatabase) -> list[ReviewLibrary]:
    """Every cached library, each re-verified against its recorded hash; by id and version."""
    from ..rules.review import parse_library

    libraries: list[ReviewLibrary] = []
    for sha, library_id, source_name, data in db.conn.execute(
        "SELECT sha256, library_id, source_name, data FROM review_library ORDER BY library_id, version"
    ):
        raw = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else str(data).encode("utf-8")
        if hashlib.sha256(raw).hexdigest() != sha:
            raise CacheIntegrityError(
                f"cached review-rule library {library_id} ({source_name}) does not match its recorded sha256; "
                "it was changed after it was pulled; ask IT to check the desk's database"
            )
        key = (sha, source_name)
        library = _PARSED.get(key)
        if library is None:
            library = _PARSED[key] = parse_library(raw, source_name)
        libraries.append(library)
    return libraries


@guarded
def library_summaries(db: LocalDatabase) -> list[dict[str, str]]:
    """Id, version, sha256, file name and import time of every cached library."""
    return [
        {"id": r[0], "version": r[1], "sha256": r[2], "source_name": r[3], "imported_at": r[4]}
        for r in db.conn.execute(
            "SELECT library_id, version, sha256, source_name, imported_at FROM review_library "
            "ORDER BY library_id, version"
        )
    ]
