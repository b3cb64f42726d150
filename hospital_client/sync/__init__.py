"""Synchronisation with the central system: protocol messages (``protocol``), later the client."""
