"""Reading the database key in a helper process while the desk window's code loads (Linux).

On Linux the key comes from the Secret Service over D-Bus: importing keyring, secretstorage and
cryptography, then 14 round trips and a Diffie-Hellman exchange, about 100 ms of the desk's
start, all of it on one core while the other one idles. None of it needs the desk's own
process, so ``start`` forks a child that does the read (with the modules the desk has already
imported) while the desk goes on loading Qt; ``collect`` takes the answer before the database
opens and puts the key in ``keys``' cache, where ``keys.lookup`` finds it.

The child changes nothing that matters when it does not help: anything but a key for this
database's id (no fork on this system, no entry, no keyring, the child failed or was killed)
leaves the cache as it was, and the database then opens the usual way (``keys.lookup`` asks
the keyring itself, and gives its usual answers and errors). A wrong key in the keyring is
found wrong at open exactly as the usual way finds it.

The secret crosses only an anonymous pipe between the desk and its own child: never a file,
an argument or the environment.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import keys
from .file_header import SQLITE_MAGIC

# A keyring waiting for the clerk to unlock it can take this long; past it the child is stopped
# and the desk asks the keyring itself (which shows the same prompt again).
ANSWER_TIMEOUT_S = 120.0
_MAX_ANSWER = 4096


@dataclass
class _Pending:
    pid: int
    fd: int
    key_id: str


_pending: _Pending | None = None
_lock = threading.Lock()


def _enabled() -> bool:
    # fork() is safe here only before the desk starts threads; Windows has none (and spawning a
    # process there costs more than the read), and on macOS the keychain API does not survive it.
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def start(path: Path) -> bool:
    """Start reading the key of the encrypted database at ``path`` in a child process. Call it
    before any thread is started. False (nothing started) when there is nothing to read: no
    file yet, a plaintext database, another system, a read already under way."""
    global _pending
    if not _enabled():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(keys.ID_BYTES)
    except OSError:
        return False
    if len(head) < keys.ID_BYTES or head == SQLITE_MAGIC[: keys.ID_BYTES]:
        return False
    key_id = keys.database_id(head)
    with _lock:
        if _pending is not None:
            return False
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return False
        if pid == 0:  # the child: never returns into the desk's code
            os.close(read_end)
            _child(write_end, key_id)
        os.close(write_end)
        _pending = _Pending(pid, read_end, key_id)
    return True


def _child(fd: int, key_id: str) -> None:
    status = 0
    try:
        from .. import credentials

        value = credentials.get_secret(keys.secret_name(key_id))
        if value is not None and _parse_key(value.strip()) is not None:  # else the desk finds out itself
            data = f"{key_id} {value.strip()}".encode("ascii")
            while data:
                data = data[os.write(fd, data):]
    except BaseException:  # the desk reads the keyring itself and reports what is wrong
        status = 1
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the desk's buffers


def collect(timeout_s: float = ANSWER_TIMEOUT_S) -> bool:
    """Wait for the child started by ``start`` and keep the key it read; True when a key was
    put in the cache. Nothing to collect is False at once."""
    global _pending
    with _lock:
        pending, _pending = _pending, None
    if pending is None:
        return False
    answer: str | None = None
    try:
        answer = _read_answer(pending.fd, timeout_s)
    finally:
        os.close(pending.fd)
        _reap(pending.pid, stop=answer is None)
    if not answer:
        return False
    key_id, _, value = answer.partition(" ")
    raw = _parse_key(value) if key_id == pending.key_id else None
    if raw is None:
        return False
    keys.remember(keys.DatabaseKey(key_id, raw))
    return True


def _read_answer(fd: int, timeout_s: float) -> str | None:
    """What the child wrote before it exited ("" for nothing); None if it overran the time (or
    the size, which a key never does): the child is then stopped."""
    deadline = time.monotonic() + timeout_s
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None  # too slow: the desk asks the keyring itself
        chunk = os.read(fd, _MAX_ANSWER)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > _MAX_ANSWER:
            return None
    try:
        return b"".join(chunks).decode("ascii")
    except UnicodeDecodeError:
        return ""


def _parse_key(value: str) -> bytes | None:
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    return raw if len(raw) == keys.KEY_BYTES else None


def _reap(pid: int, *, stop: bool) -> None:
    """Wait for the child (it has closed its end of the pipe: it is exiting), or stop one that
    overran the timeout first."""
    try:
        if stop:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass
