"""Use cases shared by the CLI and the desk window: open the desk, log in, look up a person,
settle (compute + commit), reverse (supervisor), list the journal and the outbox, day-end totals,
backup. No Qt and no SQL here; the store and the rules core do the work.
"""

from __future__ import annotations

import logging

from .errors import AppError, NotInitialised, PermissionDenied, UnknownPerson
from .site import DEMO_OPERATORS, DeskDatabase, init_site, is_demo, open_desk, open_desk_for_init
from .usecases import (
    DAY_END_KEYS,
    DayEndTotals,
    PersonView,
    SettleOutcome,
    backup,
    choose_pack,
    day_end_totals,
    list_journal,
    list_outbox,
    login,
    lookup_person,
    record_print,
    require_role,
    reverse,
    settle,
    show_entry,
)

# A library stays silent unless the program configures logging (config.setup_logging).
logging.getLogger("hospital_client").addHandler(logging.NullHandler())

__all__ = [
    "DAY_END_KEYS",
    "DEMO_OPERATORS",
    "AppError",
    "DayEndTotals",
    "DeskDatabase",
    "NotInitialised",
    "PermissionDenied",
    "PersonView",
    "SettleOutcome",
    "UnknownPerson",
    "backup",
    "choose_pack",
    "day_end_totals",
    "init_site",
    "is_demo",
    "list_journal",
    "list_outbox",
    "login",
    "lookup_person",
    "open_desk",
    "open_desk_for_init",
    "record_print",
    "require_role",
    "reverse",
    "settle",
    "show_entry",
]
