"""Files the desk caches as their exact bytes with their sha256: policy packs (caches.py) and
review-rule libraries (review_libraries.py), each in its own table of the same shape
(``sha256`` key, the file's id, version, file name, bytes, import time).

One description per kind (``HashedFileKind``) and the three operations they share: store
(validated first, idempotent by hash, each new import in the audit chain), load (every row
re-verified against its recorded hash, parsed once per process) and list. The parser is handed
in by the kind and imports the rules core only when it runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from . import audit
from .connection import LocalDatabase, now, transaction
from .errors import CacheIntegrityError

__all__ = ["HashedFile", "HashedFileKind", "as_bytes", "list_files", "load_files", "put_file"]


class HashedFile(Protocol):
    """What a parsed cached file tells about itself."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def sha256(self) -> str: ...


F = TypeVar("F", bound=HashedFile)


@dataclass(frozen=True)
class HashedFileKind(Generic[F]):
    """One kind of cached file: its table, the column of its id, how its audit entries name it,
    how an integrity error names it and what to do then, and its parser (bytes, file name)."""

    table: str
    id_column: str
    audit_prefix: str
    described_as: str
    remedy: str
    parse: Callable[[bytes, str], F]
    # Parsed files by (sha256, file name): immutable, so parsed once per process.
    parsed: dict[tuple[str, str], F] = field(default_factory=dict, compare=False, repr=False)


def as_bytes(value: Any) -> bytes:
    """A BLOB comes back as bytes; anything else means the row was tampered with (the hash check fails)."""
    return bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else str(value).encode("utf-8")


def put_file(kind: HashedFileKind[F], db: LocalDatabase, data: bytes, source_name: str, *, operator: str,
             at: dt.datetime | None = None) -> F:
    """Validate a file's bytes and cache them (idempotent by hash). Returns the parsed file."""
    parsed = kind.parse(data, source_name)
    stamp = (at or now()).isoformat()
    with transaction(db):
        cursor = db.conn.execute(
            f"INSERT OR IGNORE INTO {kind.table} (sha256, {kind.id_column}, version, source_name, data, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (parsed.sha256, parsed.id, parsed.version, source_name, data, stamp),
        )
        if cursor.rowcount:
            audit.append_in_transaction(db.conn, "import", operator, f"{kind.audit_prefix}:{parsed.id}",
                                        {"version": parsed.version, "sha256": parsed.sha256}, at)
    return parsed


def load_files(kind: HashedFileKind[F], db: LocalDatabase) -> list[F]:
    """Every cached file of the kind, each re-verified against its recorded hash; by id and version."""
    files: list[F] = []
    for sha, file_id, source_name, data in db.conn.execute(
        f"SELECT sha256, {kind.id_column}, source_name, data FROM {kind.table} ORDER BY {kind.id_column}, version"
    ):
        raw = as_bytes(data)
        if hashlib.sha256(raw).hexdigest() != sha:
            raise CacheIntegrityError(f"cached {kind.described_as} {file_id} ({source_name}) does not match "
                                      f"its recorded sha256; {kind.remedy}")
        key = (sha, source_name)
        parsed = kind.parsed.get(key)
        if parsed is None:
            parsed = kind.parsed[key] = kind.parse(raw, source_name)
        files.append(parsed)
    return files


def list_files(kind: HashedFileKind[Any], db: LocalDatabase) -> list[dict[str, str]]:
    """Id, version, sha256, file name and import time of every cached file of the kind."""
    return [
        {"id": r[0], "version": r[1], "sha256": r[2], "source_name": r[3], "imported_at": r[4]}
        for r in db.conn.execute(
            f"SELECT {kind.id_column}, version, sha256, source_name, imported_at FROM {kind.table} "
            f"ORDER BY {kind.id_column}, version"
        )
    ]
