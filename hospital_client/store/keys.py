"""The database key: made with the database, kept only in the OS keyring, escrowed by IT.

Every encrypted database (SQLCipher 4: AES-256 with an HMAC-SHA512 per page) has

- a random 256-bit **key**, kept in the OS keyring (Windows Credential Manager, the Secret
  Service on Linux) through ``hospital_client.credentials`` and nowhere else: never in a file in
  clear, never in a log, never on the command line;
- a random 16-byte **database id**, which is SQLCipher's salt: the only 16 bytes of the file
  that are not ciphertext. The keyring entry is named after it (``dbkey:<32 hex digits>``).

Naming the entry after the id, not the path, is what makes the recovery paths work: every
copy this program makes of a database (backups, the safety copy before a schema upgrade, a
restored backup) is written with the same key *and the same salt*, so it carries the same id
and opens with the same keyring entry wherever it is copied. A desk moved to a new PC, or a
backup restored on another machine, needs one ``hospital-client key import`` of the desk's
escrowed key and nothing else; two databases on one PC never share or overwrite a key.

Escrow (``wrap``/``unwrap``): the key wrapped with AES-256-GCM under a key derived from a
recovery passphrase with scrypt (N=2^17, r=8, p=1: 128 MiB, about half a second), in a small
JSON file. Every field of the file but the ciphertext is authenticated data, so a file whose
database id or parameters were edited does not unwrap.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import credentials
from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP
from .errors import DatabaseKeyMissing, DatabaseKeyringUnavailable, StoreError

__all__ = [
    "ESCROW_FORMAT",
    "MIN_PASSPHRASE",
    "DatabaseKey",
    "EscrowError",
    "EscrowFile",
    "database_id",
    "forget",
    "load",
    "lookup",
    "new_key",
    "remember",
    "save",
    "secret_name",
    "unwrap",
    "wrap",
]

KEY_BYTES = 32
ID_BYTES = 16
SECRET_PREFIX = "dbkey:"
ESCROW_FORMAT = "hospital-client database key"
ESCROW_VERSION = 1
MIN_PASSPHRASE = 12
# scrypt parameters of new key files (RFC 7914; the interactive-login recommendation doubled).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
_MAX_SCRYPT_N = 2**20  # refuse key files that would make import take minutes or GiBs


@dataclass(frozen=True, slots=True)
class DatabaseKey:
    """One database's key and id. ``repr`` never shows the key."""

    id: str      # 32 lowercase hex digits: the SQLCipher salt, the first 16 bytes of the file
    key: bytes   # 32 random bytes

    def __repr__(self) -> str:
        return f"DatabaseKey(id={self.id!r}, key=<hidden>)"

    def pragma_value(self, *, new_file: bool) -> str:
        """The value of ``PRAGMA key``: a raw key (no passphrase KDF at open). A new file also
        gets the salt, so that copies keep the database id."""
        return f"x'{self.key.hex()}{self.id if new_file else ''}'"


class EscrowError(StoreError):
    """A key file cannot be used: malformed, altered, or the passphrase does not open it."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The database key file cannot be used (damaged, altered, or wrong passphrase).")  # noqa: E501
    exit_code = EXIT_BAD_INPUT


def secret_name(key_id: str) -> str:
    return SECRET_PREFIX + key_id


def new_key() -> DatabaseKey:
    """A fresh random key and database id (never all zeros, which reads as a wiped header)."""
    while True:
        salt = secrets.token_bytes(ID_BYTES)
        if any(salt):
            return DatabaseKey(salt.hex(), secrets.token_bytes(KEY_BYTES))


def database_id(head: bytes) -> str:
    """The database id of an encrypted file, from its first bytes."""
    return head[:ID_BYTES].hex()


# Keys that opened a database in this process (and the one ``key_prefetch`` read ahead, which
# the open then checks like any). SQLCipher holds every open connection's key in memory anyway;
# the cache spares a keyring round trip (D-Bus, about 25 ms) per connection.
_cache: dict[str, bytes] = {}
_cache_lock = threading.Lock()


def remember(key: DatabaseKey) -> None:
    with _cache_lock:
        _cache[key.id] = key.key


def forget(key_id: str | None = None) -> None:
    """Drop one cached key (or all): the next open reads the keyring again."""
    with _cache_lock:
        if key_id is None:
            _cache.clear()
        else:
            _cache.pop(key_id, None)


def _parse_secret(value: str) -> bytes | None:
    try:
        raw = bytes.fromhex(value.strip())
    except ValueError:
        return None
    return raw if len(raw) == KEY_BYTES else None


def lookup(key_id: str, path: Path | str = "<database>") -> DatabaseKey | None:
    """The key for ``key_id`` from the cache or the keyring, or None when the keyring has none.
    A keyring entry that is not a key reads as a wrong key (the caller finds it does not open)."""
    with _cache_lock:
        cached = _cache.get(key_id)
    if cached is not None:
        return DatabaseKey(key_id, cached)
    try:
        value = credentials.get_secret(secret_name(key_id))
    except credentials.KeyringUnavailable as exc:
        raise DatabaseKeyringUnavailable(path, str(exc)) from None
    if value is None:
        return None
    raw = _parse_secret(value)
    return DatabaseKey(key_id, raw if raw is not None else b"\0" * KEY_BYTES)


def load(key_id: str, path: Path | str) -> DatabaseKey:
    """The key for the database ``key_id`` at ``path``; DatabaseKeyMissing when there is none."""
    key = lookup(key_id, path)
    if key is None:
        raise DatabaseKeyMissing(path, key_id)
    return key


def save(key: DatabaseKey, path: Path | str = "<database>") -> None:
    """Keep ``key`` in the OS keyring (replacing what is stored under its id)."""
    try:
        credentials.set_secret(secret_name(key.id), key.key.hex())
    except credentials.KeyringUnavailable as exc:
        raise DatabaseKeyringUnavailable(path, str(exc)) from None
    forget(key.id)


def delete(key_id: str) -> None:
    """Remove a key that never protected a file (a creation that failed)."""
    forget(key_id)
    try:
        credentials.delete_secret(secret_name(key_id))
    except credentials.KeyringUnavailable:
        pass


# --- escrow ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EscrowFile:
    key: DatabaseKey
    created_at: str
    database_name: str


def _normal(passphrase: str) -> bytes:
    # NFC: the same passphrase typed with another input method gives the same bytes.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _aad(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "wrapped_key"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(_normal(passphrase))


def wrap(key: DatabaseKey, passphrase: str, *, database_name: str = "",
         scrypt_n: int = SCRYPT_N) -> bytes:
    """The key file's bytes: ``key`` wrapped under ``passphrase`` (scrypt + AES-256-GCM)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(passphrase) < MIN_PASSPHRASE:
        raise EscrowError(f"the recovery passphrase needs at least {MIN_PASSPHRASE} characters")
    salt, nonce = os.urandom(16), os.urandom(12)
    doc: dict[str, Any] = {
        "format": ESCROW_FORMAT,
        "version": ESCROW_VERSION,
        "database_id": key.id,
        "database_name": database_name,
        "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "kdf": {"name": "scrypt", "n": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P,
                "salt": base64.b64encode(salt).decode("ascii")},
        "cipher": {"name": "AES-256-GCM", "nonce": base64.b64encode(nonce).decode("ascii")},
    }
    kek = _derive(passphrase, salt, scrypt_n, SCRYPT_R, SCRYPT_P)
    wrapped = AESGCM(kek).encrypt(nonce, key.key, _aad(doc))
    doc["wrapped_key"] = base64.b64encode(wrapped).decode("ascii")
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def unwrap(data: bytes, passphrase: str) -> EscrowFile:
    """The key in a key file. EscrowError names what is wrong (never the key)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EscrowError("not a hospital-client key file (not JSON)") from None
    if not isinstance(doc, dict) or doc.get("format") != ESCROW_FORMAT:
        raise EscrowError("not a hospital-client key file")
    if doc.get("version") != ESCROW_VERSION:
        raise EscrowError(f"key file version {doc.get('version')!r}; this program reads version {ESCROW_VERSION}")
    try:
        key_id = str(doc["database_id"])
        kdf, cipher = doc["kdf"], doc["cipher"]
        if kdf["name"] != "scrypt" or cipher["name"] != "AES-256-GCM":
            raise EscrowError(f"unknown key file algorithms {kdf['name']}/{cipher['name']}")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(cipher["nonce"], validate=True)
        wrapped = base64.b64decode(doc["wrapped_key"], validate=True)
        if len(bytes.fromhex(key_id)) != ID_BYTES or len(nonce) != 12:
            raise ValueError("field sizes")
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise EscrowError("the key file is incomplete or damaged") from None
    if not (2 <= n <= _MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise EscrowError("the key file asks for unreasonable scrypt parameters")
    kek = _derive(passphrase, salt, n, r, p)
    try:
        raw = AESGCM(kek).decrypt(nonce, wrapped, _aad(doc))
    except InvalidTag:
        raise EscrowError("the passphrase does not open this key file (or the file was altered)") from None
    if len(raw) != KEY_BYTES:
        raise EscrowError("the key file holds no 256-bit key")
    return EscrowFile(DatabaseKey(key_id.lower(), raw), str(doc.get("created_at", "")),
                      str(doc.get("database_name", "")))
