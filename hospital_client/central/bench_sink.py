"""BENCHMARK HOOK, not a business transaction: 9599, the "bench sink".

    9599  基准测试接收（扩展）   take_bench_message   store the body as is, answer {}

``bench/sync.py`` measures the drain's real path (9511) against this floor: the same bytes,
signed and sent the same way, authenticated and checked like any message up to the msgid, then
only stored (table ``sink``). No msgid bookkeeping, no adjudication, no handler of its own in
the service's table: the service (service.py) hands a 9599 here before any of that. Nothing a
desk sends uses it (docs/protocol.md, "9599 bench sink").
"""

from __future__ import annotations

from .store import CentralStore


def take_bench_message(store: CentralStore, site: str, body: bytes, received: str) -> bytes:
    """Store a 9599 message's whole body for ``site``; the output JSON of the answer (``{}``)."""
    with store.transaction():
        store.add_sink(site, body, received)
    return b"{}"
