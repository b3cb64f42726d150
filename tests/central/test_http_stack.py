"""The central server runs uvicorn on its C HTTP parser (httptools) and, off Windows, uvloop: both
come with the ``central`` extra (pyproject.toml), and uvicorn's "auto" settings, which
``central serve`` keeps, pick them when they are installed."""

from __future__ import annotations

import asyncio
import sys

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


async def _app(scope: object, receive: object, send: object) -> None:  # pragma: no cover - never called
    return None


def test_uvicorn_auto_picks_httptools() -> None:
    config = uvicorn.Config(_app, http="auto", loop="auto")
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop has no Windows build; asyncio's loop there")
def test_uvicorn_auto_picks_uvloop() -> None:
    import uvloop

    config = uvicorn.Config(_app, http="auto", loop="auto")
    factory = config.get_loop_factory() if hasattr(config, "get_loop_factory") else None
    if factory is not None:
        loop = factory()
        try:
            assert isinstance(loop, uvloop.Loop)
        finally:
            loop.close()
    else:  # older uvicorn: setup_event_loop installs the policy
        config.setup_event_loop()
        assert isinstance(asyncio.get_event_loop_policy(), uvloop.EventLoopPolicy)
