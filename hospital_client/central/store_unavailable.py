"""The central database out of reach for a while (a PostgreSQL restart, a failover, a network cut).

A store raises ``StoreUnavailable`` instead of its driver's error when the connection to the
database is lost or cannot be made; the next call tries to connect again (postgres_store.py).
The service answers such a message with HTTP 503 and a sentence that says so (service.py), and
the queue worker tries again later: nothing is half-written (the transaction was rolled back
with the connection), and a site sends the same msgid again (sync.client retries 5xx).
"""

from __future__ import annotations

from ..errors import EXIT_FAILURE, QT_TRANSLATE_NOOP
from .store import StoreError

# The answer's err_msg while the database is out of reach.
UNAVAILABLE_ERR_MSG = "中心数据库暂时无法连接（正在重新连接），请稍后重试；本报文未办理，可原样重发"
UNAVAILABLE_HTTP_STATUS = 503


class StoreUnavailable(StoreError):
    """The database cannot be reached at the moment; a later attempt may succeed."""

    exit_code = EXIT_FAILURE
    clerk_text = QT_TRANSLATE_NOOP("errors", "The central database cannot be reached at the moment; try again later.")
