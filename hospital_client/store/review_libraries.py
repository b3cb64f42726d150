"""The desk's cache of review-rule libraries (审核规则库) pulled from the central system (9504).

Kept like policy packs (hashed_files.py, shared with caches.py): the exact bytes with their sha256,
idempotent by hash, the hash re-verified on every load, each import in the audit chain. The rules
core parses them; it is imported only when a library is stored or loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .connection import LocalDatabase
from .hashed_files import HashedFileKind, list_files, load_files, put_file
from .sqlite_errors import guarded

if TYPE_CHECKING:
    from ..rules.review import ReviewLibrary

__all__ = ["LIBRARIES", "library_summaries", "load_libraries", "put_library"]


def _parse_library(data: bytes, source_name: str) -> ReviewLibrary:
    from ..rules.review import parse_library

    return parse_library(data, source_name)


LIBRARIES: HashedFileKind[ReviewLibrary] = HashedFileKind(
    table="review_library", id_column="library_id", audit_prefix="review_library",
    described_as="review-rule library",
    remedy="it was changed after it was pulled; ask IT to check the desk's database", parse=_parse_library,
)


@guarded
def put_library(db: LocalDatabase, data: bytes, source_name: str, *, operator: str,
                at: dt.datetime | None = None) -> ReviewLibrary:
    """Validate a library's bytes and cache them (idempotent by hash). Returns the parsed library."""
    return put_file(LIBRARIES, db, data, source_name, operator=operator, at=at)


@guarded
def load_libraries(db: LocalDatabase) -> list[ReviewLibrary]:
    """Every cached library, each re-verified against its recorded hash; by id and version."""
    return load_files(LIBRARIES, db)


@guarded
def library_summaries(db: LocalDatabase) -> list[dict[str, str]]:
    """Id, version, sha256, file name and import time of every cached library."""
    return list_files(LIBRARIES, db)
