"""Refusals of the use cases (the store's and the rules core's errors pass through unchanged).

    AppError
      UnknownPerson       not in the local roster, and the request brings no year_to_date
      PermissionDenied    the operator's role does not allow the action
      NotInitialised      a configured site's database was never initialised
"""

from __future__ import annotations

__all__ = ["AppError", "NotInitialised", "PermissionDenied", "UnknownPerson"]


class AppError(Exception):
    """Base class; ``str(exc)`` in English for logs and the CLI, ``exc.zh`` for the desk."""

    zh = "操作未完成。"


class UnknownPerson(AppError):
    zh = "本地参保人员名单中没有此人，且未提供年度累计信息。请联网同步名单或读卡后重试。"


class PermissionDenied(AppError):
    zh = "当前操作员无权执行此操作，请由主管操作。"


class NotInitialised(AppError):
    zh = "本地数据库尚未初始化，请联系信息科。"
