"""Envelope times and the msgid: fixmedins_code(12) + yyyyMMddHHmmss (CST) + sequence(4).

A hospital's windows (desks) share its fixmedins_code, so the 4-digit sequence carries the desk:
``desk_sequence(desk, n)`` is the desk's digit (desk 1-9, desk 10 is 0) followed by three digits:
000-499 for journal entries (``n`` modulo 500), 500-999 for the desk's other messages. Two desks
of one hospital never make the same msgid, whatever the second.
"""

from __future__ import annotations

import datetime as dt
import re

from .codes import CST, TIME_FORMAT
from .errors import BadMsgid


def format_time(moment: dt.datetime) -> str:
    """'yyyy-MM-dd HH:mm:ss' in China Standard Time (a naive datetime is taken as CST)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return moment.astimezone(CST).strftime(TIME_FORMAT)


def parse_time(text: str) -> dt.datetime:
    """An envelope time back into an aware datetime (CST). Raises ValueError."""
    return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=CST)


_SITE_CODE = re.compile(r"[0-9A-Za-z]{12}")
_MSGID = re.compile(r"([0-9A-Za-z]{12})([0-9]{14})([0-9]{4})")


DESK_MAX = 10  # desks per fixmedins_code: the first digit of the msgid's sequence
SEQUENCES_PER_SECOND = 500  # of each kind (journal entries, other messages) per desk and second


def desk_sequence(desk: int, number: int, *, entry: bool = True) -> int:
    """The msgid sequence of a desk's journal entry ``number`` (000-499 after the desk's digit), or of
    its ``number``-th other message (``entry=False``: 500-999)."""
    if not 1 <= desk <= DESK_MAX:
        raise ValueError(f"desk {desk} is not 1..{DESK_MAX}")
    return (desk % 10) * 1000 + (0 if entry else SEQUENCES_PER_SECOND) + number % SEQUENCES_PER_SECOND


def make_msgid(fixmedins_code: str, moment: dt.datetime, seq: int) -> str:
    """fixmedins_code (12) + yyyyMMddHHmmss (CST) + a 4-digit sequence: 30 characters."""
    if not _SITE_CODE.fullmatch(fixmedins_code):
        raise ValueError(f"fixmedins_code {fixmedins_code!r} is not 12 letters or digits")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return f"{fixmedins_code}{moment.astimezone(CST):%Y%m%d%H%M%S}{seq % 10000:04d}"


def msgid_site_code(fixmedins_code: str) -> str:
    """A site code as a msgid's first 12 characters: cut to 12, or padded with zeros (demo codes)."""
    return (fixmedins_code or "")[:12].ljust(12, "0")


def check_msgid(msgid: str, fixmedins_code: str) -> None:
    """Raise BadMsgid unless msgid is this site's code + a real time + 4 digits."""
    match = _MSGID.fullmatch(msgid) if isinstance(msgid, str) else None
    if match is None:
        raise BadMsgid(f"msgid {msgid!r} 格式错误：应为机构编码(12位)+yyyyMMddHHmmss+4位序号，共30位")
    if match.group(1) != fixmedins_code:
        raise BadMsgid(f"msgid {msgid} 的前12位不是本机构编码 {fixmedins_code}")
    try:
        dt.datetime.strptime(match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        raise BadMsgid(f"msgid {msgid} 中的时间 {match.group(2)} 不是有效时间") from None
