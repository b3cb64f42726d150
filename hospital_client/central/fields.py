"""Reading the fields of a message's input: each reader returns the value or refuses the message
with ``BadInput`` naming the field (``where`` is the path before it, e.g. ``data[3].``).

Used by every transaction family; no store, no rules core.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..protocol import BadInput


def input_data(input_: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    """``input.data``, an object ({} when absent and not required)."""
    data = input_.get("data")
    if data is None and not required:
        return {}
    if not isinstance(data, dict):
        raise BadInput("input.data 应为对象")
    return data


def text_field(data: dict[str, Any], key: str, *, required: bool = False, max_len: int = 64, where: str = "") -> str:
    """A string field (an integer is taken as its digits); "" when absent and not required."""
    value = data.get(key)
    label = f"{where}{key}"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        if required:
            raise BadInput(f"{label} 缺失")
        return ""
    if not isinstance(value, str):
        raise BadInput(f"{label} 应为字符串")
    if len(value) > max_len:
        raise BadInput(f"{label} 超过 {max_len} 个字符")
    return value


def choice_field(data: dict[str, Any], key: str, choices: Iterable[str], *, default: str, where: str = "") -> str:
    """A field that must be one of ``choices`` (``default`` when absent); any other value, whatever its
    type (a list or an object too), is refused naming the field and the choices."""
    value = data.get(key, default)
    names = tuple(choices)
    if not isinstance(value, str) or value not in names:
        raise BadInput(f"{where}{key} 应为 {' 或 '.join(names)}")
    return value


def int_field(data: dict[str, Any], key: str, default: int, *, low: int, high: int, where: str = "") -> int:
    """An integer field (or a string of digits) between low and high."""
    value = data.get(key, default)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"{where}{key} 应为 {low} 至 {high} 之间的整数")
    return value


def day_field(data: dict[str, Any], key: str, where: str = "") -> str:
    """A required date 'yyyy-MM-dd' (a longer time is cut to its date)."""
    value = text_field(data, key, required=True, max_len=19, where=where)[:10]
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where}{key} 应为 yyyy-MM-dd 日期") from None
    return value


def local_id_field(item: dict[str, Any], where: str) -> str:
    """An upload item's ``local_id`` (the site's journal key), required."""
    return text_field(item, "local_id", required=True, max_len=64, where=where)


def full_detail(data: dict[str, Any]) -> bool:
    """'detail': 'summary' (default for 9511/9512) or 'full' (the whole result in 'final')."""
    return choice_field(data, "detail", ("summary", "full"), default="summary") == "full"


def money(value: Any, where: str, *, nonneg: bool = False) -> Decimal:
    """A money field of a message: a decimal string (or exact decimal), never a binary float."""
    if isinstance(value, bool) or isinstance(value, float) or not isinstance(value, (str, int, Decimal)):
        raise BadInput(f"{where} 应为两位小数的字符串，例如 \"12.50\"")
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise BadInput(f"{where}：'{value}' 不是数字") from None
    if not number.is_finite() or abs(number) >= Decimal("1e14"):
        raise BadInput(f"{where}：'{value}' 不是有效金额")
    if nonneg and number < 0:
        raise BadInput(f"{where} 不能为负数")
    return number


_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def check_time(value: Any, where: str) -> str:
    """An envelope-style time 'yyyy-MM-dd HH:mm:ss'."""
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise BadInput(f"{where} 应为 yyyy-MM-dd HH:mm:ss")
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where} 不是有效时间") from None
    return value
