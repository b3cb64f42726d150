"""Review rules (智能审核, 事前事中审核): the rule library in data and the pure audit engine.

``parse_library``/``load_library`` read and validate a library (docs/review-rules.md); ``audit``
checks a settlement request against it, given the person's earlier stays.
"""

from __future__ import annotations

from .engine import DeclaredPerson, PriorStay, Violation, audit
from .identity import age_on, certno_birth_date, certno_sex
from .library import (
    KINDS,
    ReviewLibrary,
    ReviewRule,
    ReviewRuleError,
    load_library,
    load_library_dir,
    parse_library,
    select_library,
)
from .self_pay import ReviewOverride, apply_refusals, blocking, refused_shares

__all__ = [
    "KINDS",
    "DeclaredPerson",
    "PriorStay",
    "ReviewLibrary",
    "ReviewOverride",
    "ReviewRule",
    "ReviewRuleError",
    "Violation",
    "age_on",
    "apply_refusals",
    "audit",
    "blocking",
    "certno_birth_date",
    "certno_sex",
    "load_library",
    "load_library_dir",
    "parse_library",
    "refused_shares",
    "select_library",
]
