"""The application layer that both faces share (ui/ and cli/ import only this package).

``Desk`` (app/desk.py) is the one façade of a desk: every operation on an open desk database,
for the window and the command line alike. Beside it, functions for what works without an open
desk: the bundled packs and demo data (``bundled``), ``restore``, ``open_desk_for_init``, the
database key (``app.keys``) and the site setup and sync use cases (``app.sync_usecases``; both
loaded on first use, they bring the OS keyring and httpx). Reading a HIS bill is
``app.bill_import`` (loaded with the settle screen, not at start-up); any other file the
operator names (a request, a pack, a catalogue) is read with ``read_input_file`` (a regular file,
at most a limit) and standard input with ``read_input_stream``. The types the faces need from the
layers below are re-exported here. No Qt and no SQL here; the store and the rules core do the work.

Logging is silent unless the program configures it (``setup_logging``).
"""

from __future__ import annotations

import logging

from ..config import ConfigError, setup_logging
from ..rules.errors import RulesError
from ..rules.money import amount_in_words
from ..store import DuplicateSettlement, Operator, RecordError, StoreError
from ..store.cash import PAYMENT_METHODS, DayClosed
from ..store.history import HistoryFilter
from ..sync.errors import CredentialsMissing, CredentialsUnavailable, NotConfigured
from .backups import BackupInfo, CheckReport, Restored, backup, restore
from .bundled import (
    DemoSettlement,
    bundled_packs,
    check_pack,
    compute,
    demo_bills_dir,
    demo_catalog,
    demo_request_files,
    demo_requests_dir,
    demo_roster,
    explain_pack,
    pack_notes,
    pack_summary,
    settle_demo_request,
)
from .day_close import DayCloseReport
from .desk import DAY_END_TITLES, Desk, Preview, SourceFile
from .desk_database import (
    DEMO_OPERATORS,
    DeskDatabase,
    collect_key_read_ahead,
    init_site,
    is_demo,
    open_desk_database,
    open_desk_for_init,
    read_key_ahead,
)
from .encounter import EncounterInput
from .errors import (
    AppError,
    AuthenticationFailed,
    DischargeInFuture,
    HospitalClientError,
    NotInitialised,
    PermissionDenied,
    RequestError,
    TenderedTooLittle,
    UnknownPerson,
)
from .fee_rows import OVER_CAP, REFUND, UNKNOWN, FeeRow
from .input_files import (
    MAX_CATALOG_BYTES,
    MAX_KEY_FILE_BYTES,
    MAX_PACK_BYTES,
    MAX_REQUEST_BYTES,
    InputFileError,
    read_input_file,
    read_input_stream,
)
from .review_context import OverrideInput, OverrideRefused
from .slips import record_print
from .usecases import (
    DAY_END_KEYS,
    DayEndTotals,
    Payment,
    PersonView,
    SettleOutcome,
    business_day,
    choose_pack,
    day_end_totals,
    list_journal,
    list_outbox,
    login,
    lookup_person,
    require_role,
    reverse,
    settle,
    show_entry,
)

# A library stays silent unless the program configures logging (config.setup_logging).
logging.getLogger("hospital_client").addHandler(logging.NullHandler())

__all__ = [
    "DAY_END_KEYS",
    "DAY_END_TITLES",
    "DEMO_OPERATORS",
    "MAX_CATALOG_BYTES",
    "MAX_KEY_FILE_BYTES",
    "MAX_PACK_BYTES",
    "MAX_REQUEST_BYTES",
    "OVER_CAP",
    "PAYMENT_METHODS",
    "REFUND",
    "UNKNOWN",
    "AppError",
    "AuthenticationFailed",
    "BackupInfo",
    "CheckReport",
    "ConfigError",
    "CredentialsMissing",
    "CredentialsUnavailable",
    "DayCloseReport",
    "DayClosed",
    "DayEndTotals",
    "DemoSettlement",
    "Desk",
    "DeskDatabase",
    "DischargeInFuture",
    "DuplicateSettlement",
    "EncounterInput",
    "FeeRow",
    "HistoryFilter",
    "HospitalClientError",
    "InputFileError",
    "NotConfigured",
    "NotInitialised",
    "Operator",
    "OverrideInput",
    "OverrideRefused",
    "Payment",
    "PermissionDenied",
    "PersonView",
    "Preview",
    "RecordError",
    "RequestError",
    "Restored",
    "RulesError",
    "SettleOutcome",
    "SourceFile",
    "StoreError",
    "TenderedTooLittle",
    "UnknownPerson",
    "amount_in_words",
    "backup",
    "bundled_packs",
    "business_day",
    "check_pack",
    "choose_pack",
    "collect_key_read_ahead",
    "compute",
    "day_end_totals",
    "demo_bills_dir",
    "demo_catalog",
    "demo_request_files",
    "demo_requests_dir",
    "demo_roster",
    "explain_pack",
    "init_site",
    "is_demo",
    "list_journal",
    "list_outbox",
    "login",
    "lookup_person",
    "open_desk_database",
    "open_desk_for_init",
    "pack_notes",
    "pack_summary",
    "read_input_file",
    "read_input_stream",
    "read_key_ahead",
    "record_print",
    "require_role",
    "restore",
    "reverse",
    "settle",
    "settle_demo_request",
    "setup_logging",
    "show_entry",
]
