"""The HTTP layer: the ASGI application (Starlette), one POST endpoint for every transaction, and /health.

    POST /fsi/api/rsfComIfsService/callService   the envelope (docs/protocol.md); infno in the body
    GET  /health                                 {"status": "ok", "time": ...}; no authentication

Message processing runs in a worker thread, one message at a time (arrival order), so the
event loop stays free and settlements are adjudicated strictly in the order they arrive.
Batches uploaded with ack "stored" (9511) are adjudicated by background worker threads
(``--workers N``, queue_work.py), person by person, giving way to arriving messages; with
``--workers 0`` by `central work` processes only.
"""

from __future__ import annotations

import datetime as dt
import gc
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
from . import queue_work
from .context import Central
from .open_store import open_store
from .queue_upgrade import upgrade_legacy_queue
from .service import API_PATH, MAX_BODY_BYTES, CentralService, Reply

JSON = "application/json; charset=utf-8"
log = logging.getLogger("hospital_client.central")


# While uploads keep arriving the worker defers to them (ingestion first: a site's upload is
# acknowledged as soon as it is stored), but it adjudicates a chunk at least this often.
MAX_DEFER_SECONDS = 5.0
# ... for this long (seconds) each time, claim after claim (each person's items in one transaction).
QUEUE_SLICE_SECONDS = 0.2


def run_queue_worker(service: CentralService, stop: threading.Event) -> None:
    """One adjudication worker (queue_work.py) on its own connection, until ``stop`` is set;
    arriving messages go first, and while uploads keep arriving it works a slice at least every
    MAX_DEFER_SECONDS."""
    store = service.store.reopen()
    try:
        central = Central(store, clock=service.clock)
        slice_end = 0.0
        deferring_since: float | None = None  # uploads arriving since then (the end of the last slice)

        def may_work() -> bool:
            nonlocal slice_end, deferring_since
            now = time.monotonic()
            if service.messages_waiting:
                return False
            if now < slice_end:
                return True
            busy = service.busy()
            if busy:
                if deferring_since is None:
                    deferring_since = now
                if now - deferring_since < MAX_DEFER_SECONDS:
                    return False
            slice_end = now + QUEUE_SLICE_SECONDS
            deferring_since = slice_end if busy else None
            return True

        queue_work.run_worker(central, stop, may_work=may_work, wakeup=service.queue_wakeup)
    finally:
        store.close()


def _response(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=JSON, headers=reply.headers)


def create_app(db_path: str | Path, *, bench_sink: bool = False, workers: int = 1) -> Starlette:
    """The central system over the database at db_path (an SQLite file or a postgresql:// URL; initialised).
    ``bench_sink``: answer the benchmark hook 9599 (bench_sink.py); off, it is refused as unknown.
    ``workers``: adjudication worker threads, each on its own connection (queue_work.py); 0: none,
    stored batches wait for `central work` processes (an ordered online message still adjudicates
    the queue before itself, as it does with workers)."""
    store = open_store(db_path)
    try:
        upgrade_legacy_queue(store)  # batches queued by the version before the per-person queue, first
        service = CentralService(store, bench_sink=bench_sink)
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
        # What start-up loaded (modules, packs, catalogue) lives as long as the server: kept out of
        # the collector's full passes, which the many objects of parsing large batches set off.
        gc.freeze()
        stop = threading.Event()
        threads = [threading.Thread(target=run_queue_worker, args=(service, stop),
                                    name=f"adjudication-queue-{n + 1}", daemon=True) for n in range(workers)]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            service.queue_wakeup.set()
            for thread in threads:
                thread.join(timeout=30)
            store.close()

    return Starlette(
        routes=[Route(API_PATH, call_service, methods=["POST"]), Route("/health", health, methods=["GET"])],
        lifespan=lifespan,
    )
