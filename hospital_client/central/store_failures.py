"""A database error while a queue claim stores its writes: for a while, or for good?

Transient (the claim is rolled back and tried again later, worker_outage.py logs it): the
connection lost, the server restarting, a serialization failure, a deadlock, a lock not granted,
"database is locked" (SQLite), and any other error of the drivers or the store that is not below.

Permanent (the same write fails every time): an integrity error (a row that already exists, a
constraint or an append-only trigger refusing it) or a data error (a value the column cannot hold).
Retried, it would hold the person's queue for ever; instead only the item that causes it is
refused, with ``STORE_REFUSED_ERR_MSG`` recorded for 9512, and the person's later items go on
(queue_work.adjudicate_work; claim_cache.py first does the claim again item by item, so that the
item concerned is known).
"""

from __future__ import annotations

_DRIVERS = ("sqlite3", "sqlcipher3", "psycopg")
_PERMANENT = ("IntegrityError", "DataError")

STORE_REFUSED_ERR_MSG = "中心数据库拒绝保存此笔（数据冲突或数据有误），本笔未结算；请联系中心系统管理员核查后重新上传"


def permanent_failure(exc: BaseException) -> bool:
    """``exc`` is a driver's integrity or data error (psycopg, sqlite3, SQLCipher's sqlite3): the
    same write would fail again."""
    return any(cls.__name__ in _PERMANENT and cls.__module__.split(".")[0] in _DRIVERS
               for cls in type(exc).__mro__)


def failure_reason(exc: BaseException) -> str:
    """What the database said, for the log: the error's class and its first line (the constraint
    or column; never the row's values, which PostgreSQL gives on the lines after)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
