"""The ASGI application (Starlette): one POST endpoint for every transaction, and /health.

    POST /fsi/api/rsfComIfsService/callService   the envelope (docs/protocol.md); infno in the body
    GET  /health                                 {"status": "ok", "time": ...}; no authentication

Message processing runs in a worker thread, one message at a time (arrival order), so the
event loop stays free and settlements are adjudicated strictly in the order they arrive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..sync.protocol import CST, PayloadTooLarge, format_time
from .service import API_PATH, MAX_BODY_BYTES, CentralService, Reply
from .sqlite_store import SQLiteStore

JSON = "application/json; charset=utf-8"


def _response(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=JSON, headers=reply.headers)


def create_app(db_path: str | Path) -> Starlette:
    """The central system over the SQLite database at db_path (which must be initialised)."""
    store = SQLiteStore(db_path)
    try:
        service = CentralService(store)
    except Exception:
        store.close()
        raise
    limiter = anyio.CapacityLimiter(1)

    async def call_service(request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            too_large = PayloadTooLarge(f"报文过大（{declared} 字节，上限 {MAX_BODY_BYTES} 字节）")
            return _response(service.refuse(too_large))
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return _response(service.refuse(PayloadTooLarge(f"报文过大（上限 {MAX_BODY_BYTES} 字节）")))
            chunks.append(chunk)
        body = b"".join(chunks)
        headers = dict(request.headers)
        reply = await anyio.to_thread.run_sync(service.handle, headers, body, limiter=limiter)
        return _response(reply)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "time": format_time(dt.datetime.now(CST))})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    return Starlette(
        routes=[Route(API_PATH, call_service, methods=["POST"]), Route("/health", health, methods=["GET"])],
        lifespan=lifespan,
    )
