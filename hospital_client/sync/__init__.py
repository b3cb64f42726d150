"""The central-system client (DESIGN.md 4.4, 4.5; docs/protocol.md).

    client      CentralClient: one long-lived signed httpx client with retries and a clock check
    drain       the outbox drain (one per database, FIFO, batches, parking) and the online send
    pulls       packs, catalogue, roster deltas, person info and accumulators (with the rebase)
    recovery    after a restore from a backup: what the central system holds comes back (9513)
    lost_reply  a 2304/2305 sent online without a reply: 5203 by msgid, or 2601 and sent again
    lock        DrainLock: the per-database lock file
    in_flight   InFlight: an encounter's settlement or reversal in flight ("结算进行中")
    errors      SyncError and its subclasses

The use cases over these (settle online, sync now, setup) are in ``app.sync_usecases``.

The names below are loaded on first use, so importing one of them does not pull in httpx and
the local store for the others. The wire protocol itself is the ``protocol`` package.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Answer": "client", "CentralClient": "client", "ClientSettings": "client",
    "DrainReport": "drain", "DrainSettings": "drain", "OnlineAnswer": "drain", "drain": "drain", "send_now": "drain",
    "BadAnswer": "errors", "CentralRefused": "errors", "CentralUnreachable": "errors", "CredentialsMissing": "errors",
    "CredentialsUnavailable": "errors", "DrainBusy": "errors", "NotConfigured": "errors",
    "PulledDataRejected": "errors", "ReversalInProgress": "errors", "SettlementInProgress": "errors",
    "SyncError": "errors",
    "DrainLock": "lock", "InFlight": "in_flight", "resolve_lost_reply": "lost_reply",
    "PullReport": "pulls", "pull_accumulators": "pulls", "pull_all": "pulls", "pull_catalogue": "pulls",
    "pull_packs": "pulls", "pull_person": "pulls", "pull_roster": "pulls",
    "RecoveryReport": "recovery", "recover_after_restore": "recovery",
}

__all__ = [
    "Answer",
    "BadAnswer",
    "CentralClient",
    "CentralRefused",
    "CentralUnreachable",
    "ClientSettings",
    "CredentialsMissing",
    "CredentialsUnavailable",
    "DrainBusy",
    "DrainLock",
    "DrainReport",
    "DrainSettings",
    "InFlight",
    "NotConfigured",
    "OnlineAnswer",
    "PullReport",
    "PulledDataRejected",
    "RecoveryReport",
    "ReversalInProgress",
    "SettlementInProgress",
    "SyncError",
    "drain",
    "pull_accumulators",
    "pull_all",
    "pull_catalogue",
    "pull_packs",
    "pull_person",
    "pull_roster",
    "recover_after_restore",
    "resolve_lost_reply",
    "send_now",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
