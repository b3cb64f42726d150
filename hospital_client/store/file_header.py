"""What a database file's first bytes say, read before any connection touches it.

A plaintext SQLite database starts with the SQLite header (``SQLITE_MAGIC``); an SQLCipher
database starts with its 16-byte database id (its salt, ``keys.database_id``) and is whole
pages of ciphertext after it. An empty or missing file says nothing yet.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["HEAD_BYTES", "MIN_PAGE", "SQLITE_MAGIC", "is_encrypted_file", "read_head"]

SQLITE_MAGIC = b"SQLite format 3\x00"
HEAD_BYTES = 100  # the SQLite header's length
# SQLCipher pages are whole multiples of this; a file of another size is not an encrypted database.
MIN_PAGE = 512


def read_head(path: Path) -> bytes:
    """The first 100 bytes of the file (b"" when there is none)."""
    try:
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except FileNotFoundError:
        return b""


def is_encrypted_file(path: Path) -> bool:
    """Whether the file is there, not empty, and not a plaintext SQLite database (False when unreadable)."""
    try:
        head = read_head(path)
    except OSError:
        return False
    return bool(head) and not head.startswith(SQLITE_MAGIC)
