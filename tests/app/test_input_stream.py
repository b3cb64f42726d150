"""read_input_stream: standard input bounded like a file, never more than limit + 1 bytes read."""

from __future__ import annotations

import io

import pytest

from hospital_client.app import InputFileError, read_input_stream


class Endless(io.RawIOBase):
    """A stream that never ends (like /dev/zero), counting what was read from it."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        buffer[:] = b"\0" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def test_a_stream_within_the_limit_is_read_whole() -> None:
    assert read_input_stream(io.BytesIO(b"x" * 100), max_bytes=100, what="request") == b"x" * 100
    assert read_input_stream(io.StringIO("请求"), max_bytes=6, what="request") == "请求".encode()
    assert read_input_stream(io.BytesIO(b""), max_bytes=0, what="request") == b""


def test_an_endless_stream_is_refused_after_limit_plus_one_bytes() -> None:
    endless = Endless()
    with pytest.raises(InputFileError) as info:
        read_input_stream(endless, max_bytes=3 << 20, what="request")
    assert endless.given == (3 << 20) + 1
    assert (info.value.code, info.value.limit) == ("too_large", 3 << 20)
    assert str(info.value) == ("request from standard input: is larger than 3 MiB (3,145,728 bytes), "
                               "the most that is read")


def test_a_text_stream_is_counted_in_bytes() -> None:
    with pytest.raises(InputFileError) as info:
        read_input_stream(io.StringIO("请" * 4), max_bytes=11, what="request")
    assert info.value.code == "too_large"


def test_no_stream_is_unreadable() -> None:
    with pytest.raises(InputFileError) as info:
        read_input_stream(None, max_bytes=10, what="request")
    assert info.value.code == "unreadable" and "no standard input" in str(info.value)
