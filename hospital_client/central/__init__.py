"""The reference central system: a real HTTP server (Starlette on uvicorn) with its own store.

It re-adjudicates every settlement with the same rules core as the client, against its own
roster, accumulators and policy packs. The client never imports this package.

Public entry points: ``create_app`` (the ASGI app, http_server.py), ``CentralService``
(message processing, service.py), ``SQLiteStore`` / ``CentralStore`` (storage),
``add_central_commands`` / ``main`` (CLI).
Importing this package does not import Starlette; ``create_app`` is loaded on first use.
"""

from __future__ import annotations

from typing import Any

from .cli import add_central_commands, main
from .store import CentralStore, StoreError

__all__ = ["CentralService", "CentralStore", "SQLiteStore", "StoreError", "add_central_commands", "create_app",
           "main"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .http_server import create_app

        return create_app
    if name == "CentralService":
        from .service import CentralService

        return CentralService
    if name == "SQLiteStore":
        from .sqlite_store import SQLiteStore

        return SQLiteStore
    raise AttributeError(name)
