"""Masking of personal identifiers for listings, audit text and logs (DESIGN.md 4.3).

ID numbers are shown as ``2109**********1234`` (first 4 and last 4 kept) everywhere except
where the clerk must verify them and asks for it explicitly (``--unmasked``). Names are
shown as the family name and stars. Nothing here imports anything of the project.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactingFilter", "mask_id", "mask_name", "redact"]


def mask_id(value: str | None) -> str:
    """Mask an ID, card or e-card number: keep the first 4 and last 4 characters.

    Short values keep less: at most a quarter of the characters stay visible.
    """
    if not value:
        return ""
    n = len(value)
    if n >= 12:
        return value[:4] + "*" * (n - 8) + value[-4:]
    if n >= 4:
        keep = max(1, n // 4)
        return value[:keep] + "*" * (n - 2 * keep) + value[-keep:]
    return "*" * n


def mask_name(value: str | None) -> str:
    """Mask a person's name: the first character (the family name) and a star per other character."""
    if not value:
        return ""
    if len(value) == 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


# Mainland resident ID numbers (18 characters, last may be X) and long digit runs that could be
# one (15-digit old IDs, bank or card numbers). A safety net only: code never logs them on purpose.
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}(?:[0-9]{11}[0-9Xx]|[0-9]{9})(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Replace anything shaped like an ID number in free text by its masked form."""
    return _ID_PATTERN.sub(lambda m: mask_id(m.group(0)), text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks ID-shaped numbers in the final message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
