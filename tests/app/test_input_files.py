"""read_input_file: only regular files, never more than the limit, errors naming file and limit."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from hospital_client.app.input_files import InputFileError, describe_size, read_input_file

LIMIT = 1000


def refused(path: str | Path, limit: int = LIMIT) -> InputFileError:
    started = time.perf_counter()
    with pytest.raises(InputFileError) as info:
        read_input_file(path, max_bytes=limit, what="catalog")
    assert time.perf_counter() - started < 1.0
    assert str(path) in str(info.value) and info.value.file == str(path)
    assert str(info.value).startswith("catalog ")
    return info.value


def test_regular_file_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(b"x" * LIMIT)
    assert read_input_file(path, max_bytes=LIMIT, what="catalog") == b"x" * LIMIT
    (tmp_path / "empty").write_bytes(b"")
    assert read_input_file(tmp_path / "empty", max_bytes=0, what="catalog") == b""


def test_file_over_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(b"x" * (LIMIT + 1))
    error = refused(path)
    assert (error.code, error.limit) == ("too_large", LIMIT)
    assert "1,001 bytes" in error.detail and "1,000 bytes" in error.detail


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.timeout(20)
def test_dev_zero_is_refused_at_once() -> None:
    error = refused("/dev/zero", limit=32 << 20)
    assert error.code == "not_a_file" and "character device" in error.detail


def test_directory_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path)
    assert error.code == "not_a_file" and "directory" in error.detail


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.timeout(20)
def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    error = refused(fifo)
    assert error.code == "not_a_file" and "FIFO" in error.detail


@pytest.mark.timeout(20)
def test_fifo_swapped_in_after_the_stat_is_refused_without_blocking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    regular, fifo = tmp_path / "catalog.json", tmp_path / "pipe"
    regular.write_bytes(b"{}")
    os.mkfifo(fifo)
    real_stat = os.stat
    # The stat sees a regular file, the open gets the FIFO: refused from the fstat, no hang.
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: real_stat(regular) if str(path) == str(fifo)
                        else real_stat(path, *a, **k))
    error = refused(fifo)
    assert error.code == "not_a_file"


def test_missing_or_unreadable_file(tmp_path: Path) -> None:
    error = refused(tmp_path / "missing.json")
    assert error.code == "unreadable"
    if sys.platform != "win32" and os.geteuid() != 0:
        locked = tmp_path / "locked.json"
        locked.write_bytes(b"{}")
        locked.chmod(0)
        assert refused(locked).code == "unreadable"


def test_describe_size() -> None:
    assert describe_size(512) == "512 bytes"
    assert describe_size(32 << 20) == "32 MiB (33,554,432 bytes)"
    assert describe_size(1536) == "1.5 KiB (1,536 bytes)"
