"""Local ids and queue numbers that are never used twice, also after a restore from a backup.

A journal entry's ``local_id`` is its key at the central system (with the site code), so it must
never name two entries. Normally the next one is the journal's highest plus one. A database
restored from a backup lacks what was settled after the backup, and the central system holds
those ids already: numbering on from the backup would use them again. So:

- a restore (store.backup) raises the restore ``generation`` (the higher of the backup's and of
  the database it replaces, plus one) and marks the database *pending*;
- while pending, new ids start at ``generation × 10⁹ + 1``, a range no earlier database of the
  desk numbered in (offline right after a restore);
- the sync asks the central system (9513) for the site's high-water mark and the entries the
  restored journal lacks, pulls them back (store.recovered), and ``mark_reconciled`` puts the
  floor above the mark and ends the pending state: new ids follow on above everything known.

Several desks (windows) of one hospital share its site code, and the central system knows an
entry by site code and local id: each desk numbers in its own range. Desk 1 (the default, and
every database from before desks) numbers from 1 as it always did; desk N (2-10) from
``N × 10¹² + 1``. The desk number comes from the site file (``site.desk``) and is kept in
``sync_state`` (``set_desk``, when the desk opens its database); a restore's generation ranges
and the floors lie inside the desk's range, and ids already given never change. ``desk_of``
names the desk of an id; the msgid's 4-digit sequence is the desk's digit and the id modulo 500
(protocol.desk_sequence).

The state is kept in ``sync_state`` (the keys below). Queue numbers: ``yyyyMMdd-NNNNNN``, and
``yyyyMMdd-G-NNNNNN`` for an id in generation G's range; desk N ≥ 2 writes ``DN-`` before the
number (``yyyyMMdd-D2-NNNNNN``, ``yyyyMMdd-D2-G-NNNNNN``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from ..protocol import DESK_MAX
from .connection import LocalDatabase, now, transaction
from .sqlite_errors import guarded

__all__ = [
    "DESK_SPAN",
    "GENERATION_SPAN",
    "RestoreState",
    "current_desk",
    "desk_of",
    "desk_range",
    "generation_of",
    "mark_reconciled",
    "mark_restored_in_transaction",
    "next_local_id",
    "queue_no",
    "restore_state",
    "set_desk",
]

GENERATION_SPAN = 10**9
DESK_SPAN = 10**12  # each desk's range: room for 999 restore generations
GENERATION, PENDING, KNOWN_MAX = "restore_generation", "restore_pending", "restore_known_max"
FLOOR, RESTORE_FLOOR = "numbering_floor", "restore_floor"
DESK = "desk"

# The floors count only inside the desk's range (a desk renumbered keeps its ids, numbers anew).
_NEXT_SQL = (
    "SELECT MAX(COALESCE((SELECT MAX(local_id) FROM settlement WHERE local_id >= :low AND local_id < :high), "
    ":low) + 1, "
    f"COALESCE((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = '{FLOOR}' "
    "AND CAST(value AS INTEGER) > :low AND CAST(value AS INTEGER) < :high), 1), "
    f"COALESCE((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = '{RESTORE_FLOOR}' "
    "AND CAST(value AS INTEGER) > :low AND CAST(value AS INTEGER) < :high), 1))"
)
_PUT = ("INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")


def desk_of(local_id: int) -> int:
    """The desk that numbered an id (desk 1's range starts at 0)."""
    return max(1, local_id // DESK_SPAN)


def _range_of(desk: int) -> tuple[int, int]:
    if desk == 1:
        return 0, DESK_SPAN
    return desk * DESK_SPAN, (desk + 1) * DESK_SPAN


def _desk(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (DESK,)).fetchone()
    except sqlite3.OperationalError:  # a database of a version without sync_state: desk 1
        return 1
    return int(row[0]) if row is not None and str(row[0]).isdigit() and 1 <= int(row[0]) <= DESK_MAX else 1


def desk_range(conn: sqlite3.Connection) -> tuple[int, int]:
    """The ids this database's desk numbers in: ``low <= id < high`` (desk 1: from 0)."""
    return _range_of(_desk(conn))


@guarded
def current_desk(db: LocalDatabase) -> int:
    return _desk(db.conn)


@guarded
def set_desk(db: LocalDatabase, desk: int, *, at: dt.datetime | None = None) -> bool:
    """Keep the site file's desk number in the database (new ids are numbered in its range); True
    when it changed. Ids already given stay as they are."""
    if not 1 <= desk <= DESK_MAX:
        raise ValueError(f"desk {desk} is not 1..{DESK_MAX}")
    if _desk(db.conn) == desk:
        return False
    with transaction(db):
        db.conn.execute(_PUT, (DESK, str(desk), (at or now()).isoformat()))
    return True


def next_local_id(conn: sqlite3.Connection) -> int:
    """The id of the next journal entry; the caller holds the write transaction."""
    low, high = desk_range(conn)
    try:
        return int(conn.execute(_NEXT_SQL, {"low": low, "high": high}).fetchone()[0])
    except sqlite3.OperationalError:  # a database not upgraded yet, from before sync_state: never restored
        return int(conn.execute("SELECT COALESCE(MAX(local_id), 0) + 1 FROM settlement").fetchone()[0])


def queue_no(day: dt.date, local_id: int) -> str:
    """The queue number on a provisional slip: the day and the id (with its desk from desk 2 on, and
    its generation, if any)."""
    desk, rest = divmod(local_id, DESK_SPAN)
    generation, number = divmod(rest, GENERATION_SPAN)
    prefix = f"D{desk}-" if desk >= 2 else ""
    if generation:
        return f"{day:%Y%m%d}-{prefix}{generation}-{number:06d}"
    return f"{day:%Y%m%d}-{prefix}{number:06d}"


@dataclass(frozen=True, slots=True)
class RestoreState:
    generation: int      # how many restores this database descends from (0: never restored)
    pending: bool        # restored, and not yet reconciled with the central system
    known_max: int       # the highest id the restored journal had: the central entries above it are missing
    floor: int           # no id below this one is given any more


def _values(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        rows = conn.execute("SELECT key, value FROM sync_state WHERE key IN (?, ?, ?, ?)",
                            (GENERATION, PENDING, KNOWN_MAX, FLOOR)).fetchall()
    except sqlite3.OperationalError:  # a database of a version without sync_state
        return {}
    return {str(k): str(v) for k, v in rows}


def _state(conn: sqlite3.Connection) -> RestoreState:
    values = _values(conn)
    return RestoreState(int(values.get(GENERATION, "0")), values.get(PENDING) == "1",
                        int(values.get(KNOWN_MAX, "0")), int(values.get(FLOOR, "1")))


@guarded
def restore_state(db: LocalDatabase) -> RestoreState:
    return _state(db.conn)


def generation_of(conn: sqlite3.Connection) -> int:
    """The restore generation of a database (0 when it was never restored)."""
    return _state(conn).generation


def mark_restored_in_transaction(conn: sqlite3.Connection, replaced_generation: int | None,
                                 stamp: str) -> RestoreState:
    """Mark a database just restored from a backup; ``replaced_generation`` is the generation of
    the database it replaced (None when that one could not be read). The caller holds the write
    transaction."""
    state = _state(conn)
    generation = max(state.generation, replaced_generation or 0) + 1
    low, high = desk_range(conn)
    highest = int(conn.execute("SELECT COALESCE(MAX(local_id), ?) FROM settlement WHERE local_id >= ? "
                               "AND local_id < ?", (low, low, high)).fetchone()[0])
    # A backup taken while an earlier restore was still pending lacks what that one lacked too.
    known_max = min(state.known_max, highest) if state.pending else highest
    values = {GENERATION: str(generation), PENDING: "1", KNOWN_MAX: str(known_max),
              RESTORE_FLOOR: str(low + generation * GENERATION_SPAN + 1)}
    conn.executemany(_PUT, [(k, v, stamp) for k, v in values.items()])
    return RestoreState(generation, True, known_max, state.floor)


@guarded
def mark_reconciled(db: LocalDatabase, high_water_mark: int, *, at: dt.datetime | None = None) -> RestoreState:
    """The central system's entries are back in the journal: number above its high-water mark from
    now on, and end the pending state."""
    stamp = (at or now()).isoformat()
    with transaction(db):
        state = _state(db.conn)
        low, high = desk_range(db.conn)
        floor = max(state.floor if low < state.floor < high else low + 1, high_water_mark + 1)
        db.conn.execute(_PUT, (FLOOR, str(floor), stamp))
        db.conn.execute("DELETE FROM sync_state WHERE key IN (?, ?, ?)", (PENDING, RESTORE_FLOOR, KNOWN_MAX))
    return RestoreState(state.generation, False, 0, floor)
