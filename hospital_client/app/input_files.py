"""Reading a file the operator names (a bill, a catalog, a request file) with a size limit.

Only regular files are read: a device (/dev/zero, /dev/tty, CON), a FIFO, a socket or a
directory is refused from its `stat` before it is opened, so nothing blocks or reads forever.
A file above the limit is refused from its size, and a file that grows while it is read is
refused after at most `max_bytes + 1` bytes: nothing half-read is ever returned.
`read_input_stream` bounds a stream (standard input) the same way.

The limits of the files a command or the window reads besides a bill (bill_import has its own):
a settlement request, a policy pack, a catalogue and an exported key file.
"""

from __future__ import annotations

import os
import stat
from typing import IO

from ..errors import QT_TRANSLATE_NOOP
from .errors import AppError

__all__ = [
    "MAX_CATALOG_BYTES",
    "MAX_KEY_FILE_BYTES",
    "MAX_PACK_BYTES",
    "MAX_REQUEST_BYTES",
    "InputFileError",
    "describe_size",
    "read_input_file",
    "read_input_stream",
]

# A request holds at most as many fee lines as a bill (bill_import.MAX_LINES): the same size.
MAX_REQUEST_BYTES = 32 << 20
# A national catalogue of some 100,000 items as CSV is about 20 MB.
MAX_CATALOG_BYTES = 64 << 20
# A policy pack is a few KiB of TOML.
MAX_PACK_BYTES = 1 << 20
# `key export` writes a few hundred bytes.
MAX_KEY_FILE_BYTES = 64 << 10


class InputFileError(AppError):
    """An input file refused before its content is used.

    code: "unreadable" (missing, no permission, I/O error), "not_a_file" (a device, FIFO,
    socket or directory) or "too_large" (above the limit the caller gave).
    """

    clerk_text = QT_TRANSLATE_NOOP("errors", "The file cannot be used (missing, not an ordinary file, or too large).")

    def __init__(self, file: str, what: str, code: str, detail: str, limit: int | None = None) -> None:
        self.file, self.what, self.code, self.detail, self.limit = file, what, code, detail, limit
        self.line = 0  # the same fields as the bill importer's BillFileError
        super().__init__(f"{what} {file}: {detail}")


def describe_size(size: int) -> str:
    """`33554432` -> "32 MiB (33,554,432 bytes)"; small sizes in bytes only."""
    if size < 1024:
        return f"{size:,} bytes"
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            scaled = size / factor
            shown = f"{scaled:.0f}" if scaled == int(scaled) else f"{scaled:.1f}"
            return f"{shown} {unit} ({size:,} bytes)"
    raise AssertionError("unreachable")  # pragma: no cover


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input_file(path: str | os.PathLike[str], *, max_bytes: int, what: str) -> bytes:
    """The whole content of the regular file `path`, at most `max_bytes` bytes.

    `what` names the file in errors ("bill", "catalog", "request file"). Raises InputFileError.
    """
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    shown = os.fspath(path)
    limit = describe_size(max_bytes)

    def refuse(code: str, detail: str) -> InputFileError:
        return InputFileError(shown, what, code, detail, max_bytes)

    def unreadable(exc: OSError) -> InputFileError:
        reason = exc.strerror or type(exc).__name__
        return refuse("unreadable", f"cannot read: {reason}")

    # stat first: a device or a FIFO is never opened (opening a FIFO blocks until a writer
    # comes; opening some devices has effects of its own).
    try:
        before = os.stat(shown)
    except OSError as exc:
        raise unreadable(exc) from None
    if not stat.S_ISREG(before.st_mode):
        raise refuse("not_a_file", f"is {_kind(before.st_mode)}; only a regular file can be read")
    if before.st_size > max_bytes:
        raise refuse("too_large", f"is {describe_size(before.st_size)}; at most {limit} is read")
    # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open() does not wait
    # for a writer, and the fstat below refuses it.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(shown, flags)
    except OSError as exc:
        raise unreadable(exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise refuse("not_a_file", f"is {_kind(opened.st_mode)}; only a regular file can be read")
        if opened.st_size > max_bytes:
            raise refuse("too_large", f"is {describe_size(opened.st_size)}; at most {limit} is read")
        chunks: list[bytes] = []
        got = 0
        want = opened.st_size + 1  # the whole file in one read (one buffer), then EOF
        while got <= max_bytes:  # a file that grows after the stat: stop at max_bytes + 1
            chunk = os.read(fd, min(max_bytes + 1 - got, want))
            want = 1 << 20
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise unreadable(exc) from None
    finally:
        os.close(fd)
    if got > max_bytes:
        raise refuse("too_large", f"is larger than {limit} (it grew while being read)")
    return b"".join(chunks)


def read_input_stream(stream: IO[bytes] | IO[str] | None, *, max_bytes: int, what: str,
                      name: str = "from standard input") -> bytes:
    """The whole of an open stream (standard input) up to its end, at most `max_bytes` bytes:
    at most `max_bytes + 1` bytes are read, and a longer stream is refused (InputFileError
    "too_large"), so /dev/zero or an endless pipe on standard input ends at once. A text
    stream is read as UTF-8. `what` and `name` name the stream in errors."""
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative")
    if stream is None:
        raise InputFileError(name, what, "unreadable", "cannot read: there is no standard input", max_bytes)
    chunks: list[bytes] = []
    got = 0
    try:
        while got <= max_bytes:
            chunk = stream.read(min(max_bytes + 1 - got, 1 << 20))
            if not chunk:
                break
            data = chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else chunk
            chunks.append(data)
            got += len(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputFileError(name, what, "unreadable", f"cannot read: {reason}", max_bytes) from None
    except UnicodeDecodeError:
        raise InputFileError(name, what, "unreadable", "cannot read: not UTF-8 text", max_bytes) from None
    if got > max_bytes:
        raise InputFileError(name, what, "too_large", f"is larger than {describe_size(max_bytes)}, the most "
                                                      "that is read", max_bytes)
    return b"".join(chunks)
