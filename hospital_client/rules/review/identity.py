"""What an 18-digit resident ID number (公民身份号码) says: the birth date (digits 7-14) and the sex
(digit 17: odd male, even female). Pure; a number that does not parse says nothing."""

from __future__ import annotations

import datetime as dt
from typing import Literal

__all__ = ["Sex", "age_on", "certno_birth_date", "certno_sex"]

Sex = Literal["male", "female"]


def certno_birth_date(certno: str) -> dt.date | None:
    """The birth date an 18-digit ID number encodes, or None."""
    if len(certno) != 18 or not certno[:17].isdigit():
        return None
    try:
        return dt.date(int(certno[6:10]), int(certno[10:12]), int(certno[12:14]))
    except ValueError:
        return None


def certno_sex(certno: str) -> Sex | None:
    """The sex an 18-digit ID number encodes, or None."""
    if len(certno) != 18 or not certno[:17].isdigit():
        return None
    return "male" if int(certno[16]) % 2 == 1 else "female"


def age_on(birth: dt.date, day: dt.date) -> tuple[int, int]:
    """(full years, days) of age on ``day``."""
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return years, (day - birth).days
