"""The HTTP layer: the ASGI application (Starlette), one POST endpoint for every transaction, and /health.

    POST /fsi/api/rsfComIfsService/callService   the envelope (docs/protocol.md); infno in the body
    GET  /health                                 {"status": "ok", "time": ...}; no authentication

Message processing runs in a worker thread, one message at a time (arrival order), so the
event loop stays free and settlements are adjudicated strictly in the order they arrive.
Batches uploaded with ack "stored" (9511) are adjudicated by a background thread, oldest first,
in small chunks that give way to arriving messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..protocol import CST, PayloadTooLarge, format_time
from .open_store import open_store
from .service import API_PATH, MAX_BODY_BYTES, CentralService, Reply

JSON = "application/json; charset=utf-8"
log = logging.getLogger("hospital_client.central")


# While uploads keep arriving the worker defers to them (ingestion first: a site's upload is
# acknowledged as soon as it is stored), but it adjudicates a chunk at least this often.
MAX_DEFER_SECONDS = 5.0


def run_queue_worker(service: CentralService, stop: threading.Event) -> None:
    """Adjudicate queued batches until ``stop`` is set; arriving messages go first."""
    last_chunk = time.monotonic()
    while not stop.is_set():
        if service.messages_waiting or (service.busy() and time.monotonic() - last_chunk < MAX_DEFER_SECONDS):
            time.sleep(0.005)
            continue
        service.queue_wakeup.clear()
        try:
            done = service.process_queue()
        except Exception:  # a database problem: log it and try again later, never die silently
            log.exception("the adjudication queue worker failed; retrying in 1 s")
            stop.wait(1.0)
            continue
        last_chunk = time.monotonic()
        if not done:
            service.queue_wakeup.wait(1.0)


def _response(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=JSON, headers=reply.headers)


def create_app(db_path: str | Path) -> Starlette:
    """The central system over the database at db_path (an SQLite file or a postgresql:// URL; initialised)."""
    store = open_store(db_path)
    try:
        service = CentralService(store)
    except Exception:
        store.close()
        raise
    limiter = anyio.CapacityLimiter(1)

    async def call_service(request: Request) -> Response:
        service.request_started()
        try:
            return await _call_service(request)
        finally:
            service.request_finished()

    async def _call_service(request: Request) -> Response:
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
        stop = threading.Event()
        worker = threading.Thread(target=run_queue_worker, args=(service, stop), name="adjudication-queue",
                                  daemon=True)
        worker.start()
        try:
            yield
        finally:
            stop.set()
            service.queue_wakeup.set()
            worker.join(timeout=30)
            store.close()

    return Starlette(
        routes=[Route(API_PATH, call_service, methods=["POST"]), Route("/health", health, methods=["GET"])],
        lifespan=lifespan,
    )
