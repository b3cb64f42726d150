"""What a journal entry contained when it was written, hashed into its audit entry.

A settlement or reversal is written in one transaction with its audit entry; that entry's
detail carries ``content``, the digests of the parts of the entry as they were inserted:

    header    the settlement row: every column of ``HEADER_FIELDS`` (amounts, person, dates,
              pack, the request without its fee lines, reason, operator, times)
    result    the row's ``result_json`` (the computed result without its fee lines)
    lines     the fee lines, every column of ``LINE_FIELDS``, in ``seq`` order
    delta     the accumulator change, every column of ``DELTA_FIELDS``
    keys      the change of the year-to-date keys a policy pack declares beyond the core's
              (``accumulator_key_delta``: key and amount, in key order); only for an entry
              that moved such a key, so the content of every other entry is as it always was

Each digest is lowercase hex sha256 (of UTF-8 text unless said): for the result, ``result_json``; for
the header and the delta, the row's values as a JSON array (no spaces, non-ASCII as
``\\uXXXX``; integers as numbers, text as strings, NULL as null); for the keys, the JSON array of
``[key, amount]`` pairs the same way. The fee lines are taken column
by column, in ``seq`` order (one column at a time is much cheaper to serialise than one line at
a time): a column's digest is taken of ``I`` and the values as 8-byte big-endian signed
integers for ``local_id`` and ``seq``; of ``T`` and the values joined by U+0000 (UTF-8) for
the text columns; of ``N`` for the three override columns when all are NULL; and otherwise (a
value of another type, or text holding U+0000) of ``J`` and the values' JSON array. ``lines``
is the digest of the JSON array ``[number of lines, the sixteen column digests]``;
``line_cols`` holds the first 8 hex digits of each column digest, to name the column that
changed; ``line_crc`` 4 hex digits per line, the low 16 bits of the CRC-32 of the
line's text columns (``feedetl_sn`` to ``inscp_scp_amt``) joined by U+0000, to name the line.
``v`` is the version of this layout (1).

Because the audit entry is chained (store.audit), changing a journal row afterwards, even
with the append-only triggers dropped, shows as a digest that no longer matches, unless the
audit chain from that entry on is rewritten as well (which the central system's copy of the
chain head then shows: sync.audit_head).

``verify`` recomputes the digests of every entry (or of the business days a report sums) and
names the first entry that differs and its part. Entries written before digests were recorded
were sealed at upgrade (migration ``m004_journal_content``: one ``seal`` audit entry each); an
entry without any digest is counted as not covered.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from . import audit
from .connection import LocalDatabase
from .errors import JournalAltered
from .sqlite_errors import guarded

__all__ = [
    "DELTA_FIELDS",
    "HEADER_FIELDS",
    "LINE_FIELDS",
    "ContentReport",
    "key_deltas_of",
    "of_new_entry",
    "of_stored_entry",
    "require_intact",
    "seal_uncovered",
    "verify",
]

VERSION = 1
# Written out rather than taken from store.schema: the layout of version 1 never changes.
_SETLINFO = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "maf_pay", "oth_pay",
    "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay",
)
HEADER_FIELDS = (
    "local_id", "queue_no", "kind", "reverses_local_id", "psn_no", "certno_masked", "psn_name_masked",
    "insutype", "insuplc_admdvs", "mdtrt_id", "med_type", "fixmedins_code", "setl_year", "setl_date",
    "pack_id", "pack_version", "pack_sha256", "catalog_sha256", "ytd_source", "line_count",
    *_SETLINFO, "request_json", "reason", "operator", "created_at", "business_day",
)
LINE_FIELDS = (
    "local_id", "seq", "feedetl_sn", "med_list_codg", "name", "pric", "cnt", "det_item_fee_sumamt",
    "chrgitm_lv", "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt",
    "req_chrgitm_lv", "req_selfpay_prop", "req_pric_uplmt_amt",
)
DELTA_FIELDS = (
    "local_id", "psn_no", "year", "admissions", "act_pay_dedc", "hifp_pay", "hifmi_base", "hifmi_pay",
    "maf_base", "maf_pay", "maf2_base", "maf2_pay",
)

_ENCODE = json.JSONEncoder(separators=(",", ":"), default=repr).encode  # repr: a value of a foreign type
_TEXT_OF_LINE = itemgetter(slice(2, 13))  # feedetl_sn .. inscp_scp_amt
_HEADER_SELECT = f"SELECT {', '.join(HEADER_FIELDS)}, result_json FROM settlement"
_LINE_SELECT = f"SELECT {', '.join(LINE_FIELDS)} FROM fee_line WHERE local_id = ? ORDER BY seq"
_DELTA_SELECT = f"SELECT {', '.join(DELTA_FIELDS)} FROM accumulator_delta WHERE local_id = ?"
_KEYS_SELECT = "SELECT key, amount FROM accumulator_key_delta WHERE local_id = ? ORDER BY key"
_RECORDED_SELECT = "SELECT seq, detail FROM audit WHERE subject = ? ORDER BY seq"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _column_bytes(index: int, values: Sequence[Any], n: int) -> bytes:
    """One fee line column as the bytes its digest is taken of (see the module docstring)."""
    if index < 2:
        try:
            return b"I" + struct.pack(f">{n}q", *values)
        except (struct.error, TypeError):
            return ("J" + _ENCODE(list(values))).encode("utf-8")
    if index >= 13 and values.count(None) == n:
        return b"N"
    try:
        text = "\x00".join(values)
    except TypeError:
        return ("J" + _ENCODE(list(values))).encode("utf-8")
    if index >= 13 or text.count("\x00") != max(n - 1, 0):
        return ("J" + _ENCODE(list(values))).encode("utf-8")
    return ("T" + text).encode("utf-8")


def _line_crc(rows: Sequence[Sequence[Any]]) -> str:
    """4 hex digits per line (see the module docstring)."""
    if not rows:
        return ""
    try:
        texts = list(map("\x00".join, map(_TEXT_OF_LINE, rows)))
    except TypeError:  # a value that is not text
        texts = ["\x00".join(map(str, _TEXT_OF_LINE(row))) for row in rows]
    crcs = struct.pack(f">{len(texts)}I", *map(zlib.crc32, map(str.encode, texts)))
    return memoryview(crcs).cast("H")[1::2].tobytes().hex()  # the low 16 bits of each, big-endian


def _lines(rows: Sequence[Sequence[Any]], columns: Sequence[Sequence[Any]]) -> dict[str, str]:
    n = len(rows)
    digests = [hashlib.sha256(_column_bytes(i, column, n)).hexdigest() for i, column in enumerate(columns)]
    return {"lines": _sha(_ENCODE([n, *digests])), "line_cols": "".join(d[:8] for d in digests),
            "line_crc": _line_crc(rows)}


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[Sequence[Any]]:
    """The columns of ``rows`` (each ``width`` values long), padded with all-NULL override columns."""
    n = len(rows)
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * width
    return columns + [(None,) * n] * (len(LINE_FIELDS) - width)


def key_deltas_of(conn: sqlite3.Connection, local_id: int) -> list[tuple[Any, ...]]:
    """The entry's pack-declared key changes as stored, in key order (none in a database not yet
    upgraded to hold them: entries are sealed at an upgrade step before that table exists)."""
    try:
        return [tuple(row) for row in conn.execute(_KEYS_SELECT, (local_id,))]
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise


def _digests(header: Sequence[Any], result_json: str, lines: dict[str, str],
             delta: Sequence[Any] | None, keys: Sequence[Sequence[Any]]) -> dict[str, Any]:
    out = {"v": VERSION, "header": _sha(_ENCODE(header)), "result": _sha(result_json), **lines,
           "delta": _sha(_ENCODE(delta))}
    if keys:  # an entry without pack-declared keys keeps the content it always had
        out["keys"] = _sha(_ENCODE([list(pair) for pair in keys]))
    return out


def of_new_entry(columns: Sequence[str], header: Sequence[Any], plain_lines: Sequence[tuple[Any, ...]],
                 overridden_lines: Sequence[tuple[Any, ...]], delta: Sequence[Any],
                 key_deltas: Sequence[Sequence[Any]] = ()) -> dict[str, Any]:
    """The ``content`` of an entry being written, from the values inserted: the header row in
    ``columns`` order, its fee lines (without, and with, their three override columns), its
    accumulator delta row and its pack-declared key changes ((key, amount) in key order,
    ``key_deltas_of``). The caller holds the write transaction."""
    row = dict(zip(columns, header, strict=True))
    if overridden_lines:
        rows = sorted([*((*line, None, None, None) for line in plain_lines), *overridden_lines], key=itemgetter(1))
        lines = _lines(rows, _columns(rows, len(LINE_FIELDS)))
    else:
        width = len(plain_lines[0]) if plain_lines else len(LINE_FIELDS)
        lines = _lines(plain_lines, _columns(plain_lines, width))
    return _digests([row[name] for name in HEADER_FIELDS], row["result_json"], lines, delta, key_deltas)


@dataclass(frozen=True, slots=True)
class _Stored:
    """An entry as it is stored now."""

    header: list[Any]
    result_json: str
    lines: list[tuple[Any, ...]]
    delta: tuple[Any, ...] | None
    keys: list[tuple[Any, ...]]

    def digests(self) -> dict[str, Any]:
        lines = _lines(self.lines, _columns(self.lines, len(LINE_FIELDS)))
        return _digests(self.header, self.result_json, lines, self.delta, self.keys)


def _stored(conn: sqlite3.Connection, header_row: Sequence[Any]) -> _Stored:
    local_id = header_row[0]
    lines = conn.execute(_LINE_SELECT, (local_id,)).fetchall()
    delta = conn.execute(_DELTA_SELECT, (local_id,)).fetchone()
    return _Stored(list(header_row[:-1]), str(header_row[-1]), lines, delta, key_deltas_of(conn, local_id))


def of_stored_entry(conn: sqlite3.Connection, local_id: int) -> dict[str, Any]:
    """The ``content`` of an entry as it is stored now (for entries written by other paths)."""
    row = conn.execute(f"{_HEADER_SELECT} WHERE local_id = ?", (local_id,)).fetchone()
    if row is None:
        raise ValueError(f"no journal entry {local_id}")
    return _stored(conn, row).digests()


def _recorded(conn: sqlite3.Connection, local_id: int) -> tuple[int, dict[str, Any]] | None:
    """The first audit entry about the journal entry that carries its content, and that content."""
    for seq, detail in conn.execute(_RECORDED_SELECT, (f"settlement:{local_id}",)):
        try:
            content = json.loads(detail).get("content")
        except (ValueError, AttributeError):
            continue
        if isinstance(content, dict):
            return int(seq), content
    return None


def _first_differing(recorded: str, actual: str, width: int) -> int | None:
    """The 0-based index of the first ``width``-digit group that differs, when the lengths agree."""
    if len(actual) != len(recorded):
        return None
    for i in range(0, len(actual), width):
        if actual[i:i + width] != recorded[i:i + width]:
            return i // width
    return None


def _lines_differ(recorded: Mapping[str, Any], actual: Mapping[str, Any],
                  lines: Sequence[Sequence[Any]]) -> tuple[str, str]:
    recorded_crc = str(recorded.get("line_crc", ""))
    if len(recorded_crc) != 4 * len(lines):
        return "lines", f"it has {len(lines)} fee line(s) but {len(recorded_crc) // 4} were recorded"
    column = _first_differing(str(recorded.get("line_cols", "")), actual["line_cols"], 8)
    where = f" ({LINE_FIELDS[column]})" if column is not None else ""
    line = _first_differing(recorded_crc, actual["line_crc"], 4)
    if line is None:
        return "lines", f"its fee lines differ{where}"
    return f"line {line + 1}", f"fee line {line + 1} (feedetl_sn {lines[line][2]}) differs{where}"


def _what_differs(recorded: Mapping[str, Any], stored: _Stored) -> tuple[str, str] | None:
    """(part, wording) of the first part that differs from ``recorded``, or None."""
    actual = stored.digests()
    if recorded.get("header") != actual["header"]:
        return "header", "its header (the settlement row: amounts, person, dates, request) differs"
    if recorded.get("lines") != actual["lines"]:
        return _lines_differ(recorded, actual, stored.lines)
    if recorded.get("result") != actual["result"]:
        return "result", "its result (result_json) differs"
    if recorded.get("delta") != actual["delta"]:
        if stored.delta is None:
            return "delta", "its accumulator change is missing"
        return "delta", "its accumulator change differs"
    if recorded.get("keys") != actual.get("keys"):
        if "keys" not in actual:
            return "keys", "its change of the pack-declared year-to-date keys is missing"
        if "keys" not in recorded:
            return "keys", "it has a change of pack-declared year-to-date keys that was not recorded"
        return "keys", "its change of the pack-declared year-to-date keys differs"
    return None


@dataclass(slots=True)
class ContentReport:
    """What ``verify`` found: how many entries it checked, those without recorded content, and
    the first entry that differs from its content (with the part: header, line N, result, delta)."""

    checked: int = 0
    not_covered: list[int] = field(default_factory=list)
    first_altered: int | None = None
    part: str = ""
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_altered is None


def verify(conn: sqlite3.Connection, *, day_from: str | None = None, day_to: str | None = None) -> ContentReport:
    """Recompute every entry's digests (or those of the business days given) in local order and
    stop at the first that differs from what its audit entry recorded."""
    sql, params = _HEADER_SELECT, []
    if day_from is not None:
        sql += " WHERE business_day BETWEEN ? AND ?"
        params = [day_from, day_to or day_from]
    report = ContentReport()
    for row in conn.execute(sql + " ORDER BY local_id", params):  # one entry in memory at a time
        local_id = int(row[0])
        recorded = _recorded(conn, local_id)
        if recorded is None:
            report.not_covered.append(local_id)
            continue
        report.checked += 1
        audit_seq, content = recorded
        found = _what_differs(content, _stored(conn, row))
        if found is not None:
            report.first_altered, report.part = local_id, found[0]
            report.problem = (f"journal entry {local_id} ({row[2]} {row[1]}): {found[1]} from what audit entry "
                              f"{audit_seq} recorded when it was written")
            return report
    return report


@guarded
def require_intact(db: LocalDatabase, day_from: str, day_to: str) -> None:
    """Raise JournalAltered when an entry of these business days differs from its recorded content
    (a report must not sum a journal changed behind the program's back)."""
    report = verify(db.conn, day_from=day_from, day_to=day_to)
    if not report.intact:
        raise JournalAltered(report.problem, report.first_altered or 0)


def seal_uncovered(conn: sqlite3.Connection) -> list[int]:
    """Record the content of every entry that has none, as it is now: one ``seal`` audit entry
    each. The caller holds the write transaction. Returns the local ids sealed."""
    sealed: list[int] = []
    for (local_id,) in conn.execute("SELECT local_id FROM settlement ORDER BY local_id").fetchall():
        if _recorded(conn, local_id) is None:
            audit.append_in_transaction(conn, "seal", "system", f"settlement:{local_id}",
                                        {"content": of_stored_entry(conn, local_id), "sealed": "upgrade"})
            sealed.append(int(local_id))
    return sealed
