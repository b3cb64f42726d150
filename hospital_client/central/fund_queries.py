"""The fund statements' sums, computed in the database (GROUP BY) for both central stores.

The statements (fund_reports/) never read a period's settlements row by row: a province's year
is millions of rows. Each query here returns one shape (store.py: PaymentGroup, PersonCounts,
TrueUpGroup, IncomeGroup, HifmiLine) and is written once for both SQL dialects; ``Dialect`` holds
what differs (JSON extraction, exact money sums, placeholders). The stores run them.

What a figure belongs to, in SQL as fund_reports/ describes it:
- an event is booked by the central system's own time (adjudicated_at, processed_at, applied_at);
- the insured region and insurance type of a settlement are those of the person block stored
  with it, its hospital level the request's ``encounter.hosp_lv`` (digits, else "");
- the insurer is the one whose cover of that region and type includes the settlement's day
  (``setl_time``); a reversal belongs where the settlement it undoes does; a true-up to the
  insurer covering the person's roster region and type on the day it was applied, or on 31
  December of its year when applied later; an income row on its own day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .store import (
    FUND_SUM_KEYS,
    HifmiLine,
    IncomeGroup,
    PaymentGroup,
    PersonCounts,
    TrueUpGroup,
)

Run = Callable[[str, Sequence[Any]], list[Sequence[Any]]]
_FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Dialect:
    ph: str  # the parameter placeholder
    text: Callable[[str, str], str]  # (JSON column, dotted path) -> its value as text, "" when absent
    level: Callable[[str], str]  # request column -> the hospital level as digits, "" unknown
    money_sum: Callable[[str], str]  # a TEXT money column -> an exact sum
    money_nonzero: Callable[[str], str]  # a TEXT money column -> a condition: it is not zero
    raw: Callable[[str, str], str]  # (JSON column, dotted path) -> the raw value (number or text), NULL absent
    least: str  # the two-argument minimum of two texts
    fen_sums: bool  # money_sum gives whole fen (an integer), not yuan

    def money(self, value: Any) -> Decimal:
        if value is None:
            return Decimal("0.00")
        if self.fen_sums:
            return (Decimal(int(value)) * _FEN).quantize(_FEN)
        return Decimal(value).quantize(_FEN)


def _sqlite_path(path: str) -> str:
    return "$." + path


SQLITE = Dialect(
    ph="?",
    text=lambda col, path: f"COALESCE(CAST(json_extract({col}, '{_sqlite_path(path)}') AS TEXT), '')",
    level=lambda col: (
        f"(CASE json_type({col}, '$.encounter.hosp_lv') "
        f"WHEN 'integer' THEN CAST(json_extract({col}, '$.encounter.hosp_lv') AS TEXT) "
        f"WHEN 'text' THEN CASE WHEN json_extract({col}, '$.encounter.hosp_lv') <> '' AND "
        f"json_extract({col}, '$.encounter.hosp_lv') NOT GLOB '*[^0-9]*' "
        f"THEN CAST(CAST(json_extract({col}, '$.encounter.hosp_lv') AS INTEGER) AS TEXT) ELSE '' END "
        "ELSE '' END)"),
    # each amount in whole fen (exact: two decimals of at most 13 digits), summed as integers
    money_sum=lambda col: f"SUM(CAST(ROUND(CAST({col} AS REAL) * 100) AS INTEGER))",
    money_nonzero=lambda col: f"CAST({col} AS REAL) <> 0",
    raw=lambda col, path: f"json_extract({col}, '{_sqlite_path(path)}')",
    least="min",
    fen_sums=True,
)


def _pg_path(path: str) -> str:
    return "{" + ",".join(path.split(".")) + "}"


POSTGRES = Dialect(
    ph="%s",
    text=lambda col, path: f"COALESCE(({col})::jsonb #>> '{_pg_path(path)}', '')",
    level=lambda col: (
        f"(SELECT CASE WHEN jsonb_typeof(v) = 'number' AND (v #>> '{{}}') ~ '^-?[0-9]+$' THEN v #>> '{{}}' "
        f"WHEN jsonb_typeof(v) = 'string' AND (v #>> '{{}}') ~ '^[0-9]+$' THEN ((v #>> '{{}}')::numeric)::text "
        f"ELSE '' END FROM (SELECT ({col})::jsonb #> '{{encounter,hosp_lv}}' AS v) lv)"),
    money_sum=lambda col: f"SUM(({col})::numeric)",
    money_nonzero=lambda col: f"({col})::numeric <> 0",
    raw=lambda col, path: f"(({col})::jsonb #>> '{_pg_path(path)}')",
    least="LEAST",
    fen_sums=False,
)

# The insurer covering an event (e: admdvs, insutype, day), "" when none does.
_COVER_JOIN = ("LEFT JOIN insurer_cover c ON c.admdvs = e.admdvs AND c.insutype = e.insutype "
               "AND e.day >= c.valid_from AND e.day <= c.valid_to")


def _payment_events(d: Dialect, year: int | None, params: list[Any], first: str, after_last: str) -> str:
    """Settlements adjudicated and reversals processed in [first, after_last), as events with their
    region, type, level, day and sums (a reversal's from the settlement it undoes)."""
    sums = ", ".join(f"s.{k} AS {k}" for k in FUND_SUM_KEYS)
    rsums = ", ".join(f"r.{k} AS {k}" for k in FUND_SUM_KEYS)
    year_s = f" AND s.year = {d.ph}" if year is not None else ""
    year_r = f" AND r.year = {d.ph}" if year is not None else ""
    params += [first, after_last, *([year] if year is not None else [])]
    params += [first, after_last, *([year] if year is not None else [])]
    return (
        f"SELECT 'settlement' AS kind, s.psn_no AS psn_no, {d.text('s.person', 'insuplc_admdvs')} AS admdvs, "
        f"{d.text('s.person', 'insutype')} AS insutype, {d.level('s.request')} AS hosp_lv, "
        f"substr(s.setl_time, 1, 10) AS day, {sums} FROM settlement s "
        f"WHERE s.adjudicated_at >= {d.ph} AND s.adjudicated_at < {d.ph}{year_s} "
        "UNION ALL "
        f"SELECT 'reversal', r.psn_no, {d.text('o.person', 'insuplc_admdvs')}, {d.text('o.person', 'insutype')}, "
        f"{d.level('o.request')}, substr(o.setl_time, 1, 10), {rsums} FROM reversal r "
        "JOIN settlement o ON o.psn_no = r.psn_no AND o.setl_id = r.setl_id "
        f"WHERE r.processed_at >= {d.ph} AND r.processed_at < {d.ph}{year_r}"
    )


def payment_groups(d: Dialect, run: Run, first: str, after_last: str, year: int | None) -> list[PaymentGroup]:
    params: list[Any] = []
    events = _payment_events(d, year, params, first, after_last)
    sums = ", ".join(d.money_sum(f"e.{k}") for k in FUND_SUM_KEYS)
    sql = (f"SELECT e.kind, COALESCE(c.insurer, ''), e.insutype, e.hosp_lv, COUNT(*), {sums} "
           f"FROM ({events}) e {_COVER_JOIN} "
           "GROUP BY e.kind, COALESCE(c.insurer, ''), e.insutype, e.hosp_lv "
           "ORDER BY e.kind, COALESCE(c.insurer, ''), e.insutype, e.hosp_lv")
    return [PaymentGroup(kind=r[0], insurer=r[1], insutype=r[2], hosp_lv=r[3], count=int(r[4]),
                         sums={k: d.money(v) for k, v in zip(FUND_SUM_KEYS, r[5:], strict=True)})
            for r in run(sql, params)]


def person_counts(d: Dialect, run: Run, first: str, after_last: str, insurer: str | None) -> PersonCounts:
    params: list[Any] = [first, after_last]
    mine = ""
    if insurer is not None:
        mine = f" WHERE COALESCE(c.insurer, '') = {d.ph}"
        params.append(insurer)
    base = (f"SELECT e.psn_no, COALESCE(c.insurer, '') AS insurer, e.insutype, e.hosp_lv FROM ("
            f"SELECT s.psn_no, {d.text('s.person', 'insuplc_admdvs')} AS admdvs, "
            f"{d.text('s.person', 'insutype')} AS insutype, {d.level('s.request')} AS hosp_lv, "
            f"substr(s.setl_time, 1, 10) AS day FROM settlement s "
            f"WHERE s.adjudicated_at >= {d.ph} AND s.adjudicated_at < {d.ph}) e {_COVER_JOIN}{mine}")
    sql = (f"WITH p AS ({base}) "
           "SELECT 'all', '', COUNT(DISTINCT psn_no) FROM p "
           "UNION ALL SELECT 'insurer', insurer, COUNT(DISTINCT psn_no) FROM p GROUP BY insurer "
           "UNION ALL SELECT 'insutype', insutype, COUNT(DISTINCT psn_no) FROM p GROUP BY insutype "
           "UNION ALL SELECT 'hosp_lv', hosp_lv, COUNT(DISTINCT psn_no) FROM p GROUP BY hosp_lv")
    out: dict[str, dict[str, int]] = {"all": {}, "insurer": {}, "insutype": {}, "hosp_lv": {}}
    for by, key, count in run(sql, params):
        out[by][key] = int(count)
    return PersonCounts(total=out["all"].get("", 0), by_insurer=out["insurer"], by_insutype=out["insutype"],
                        by_hosp_lv=out["hosp_lv"])


def _true_up_day(d: Dialect) -> str:
    return f"{d.least}(substr(t.applied_at, 1, 10), CAST(t.year AS TEXT) || '-12-31')"


def true_up_groups(d: Dialect, run: Run, first: str, after_last: str, year: int | None) -> list[TrueUpGroup]:
    params: list[Any] = [first, after_last]
    year_t = ""
    if year is not None:
        year_t = f" AND t.year = {d.ph}"
        params.append(year)
    events = (f"SELECT {d.text('p.data', 'insuplc_admdvs')} AS admdvs, {d.text('p.data', 'insutype')} AS insutype, "
              f"{_true_up_day(d)} AS day, t.amount AS amount FROM true_up t "
              "LEFT JOIN person p ON p.psn_no = t.psn_no "
              f"WHERE t.applied_at >= {d.ph} AND t.applied_at < {d.ph}{year_t}")
    sql = (f"SELECT COALESCE(c.insurer, ''), e.insutype, COUNT(*), {d.money_sum('e.amount')} "
           f"FROM ({events}) e {_COVER_JOIN} GROUP BY COALESCE(c.insurer, ''), e.insutype "
           "ORDER BY COALESCE(c.insurer, ''), e.insutype")
    return [TrueUpGroup(insurer=r[0], insutype=r[1], count=int(r[2]), amount=d.money(r[3])) for r in run(sql, params)]


def income_groups(d: Dialect, run: Run, first_day: str, last_day: str) -> list[IncomeGroup]:
    sql = (f"SELECT COALESCE(c.insurer, ''), e.fund, e.kind, COUNT(*), {d.money_sum('e.amount')} FROM "
           "(SELECT f.admdvs AS admdvs, f.insutype AS insutype, f.day AS day, f.fund AS fund, f.kind AS kind, "
           f"f.amount AS amount FROM fund_income f WHERE f.day >= {d.ph} AND f.day <= {d.ph}) e {_COVER_JOIN} "
           "GROUP BY COALESCE(c.insurer, ''), e.fund, e.kind ORDER BY COALESCE(c.insurer, ''), e.fund, e.kind")
    return [IncomeGroup(insurer=r[0], fund=r[1], kind=r[2], count=int(r[3]), amount=d.money(r[4]))
            for r in run(sql, [first_day, last_day])]


def hifmi_lines(d: Dialect, run: Run, first: str, after_last: str, site: str | None) -> list[HifmiLine]:
    """The month's lines of the monthly statements: settlements whose final or provisional 大病保险
    is not zero (a hospital that advanced 大病保险 the central system cut to nothing sees why),
    reversals whose 大病保险 is not zero, and true-ups, each with its hospital and insurer; narrow
    rows, no JSON blobs."""
    params: list[Any] = []
    site_s = site_r = ""
    if site is not None:
        site_s, site_r = f" AND s.site = {d.ph}", f" AND r.site = {d.ph}"
    params += [first, after_last, *([site] if site is not None else [])]
    params += [first, after_last, *([site] if site is not None else [])]
    params += [first, after_last]
    # a true-up's hospital: the person's latest settlement of the year adjudicated before the true-up
    # and not reversed before it (site IN (...) lets SQLite's (site, psn_no, year) index serve)
    home = ("(SELECT h.seq FROM settlement h WHERE h.site IN (SELECT code FROM site) AND h.psn_no = t0.psn_no "
            "AND h.year = t0.year AND h.adjudicated_at <= t0.applied_at AND NOT EXISTS (SELECT 1 FROM reversal x "
            "WHERE x.psn_no = h.psn_no AND x.setl_id = h.setl_id AND x.processed_at <= t0.applied_at) "
            "ORDER BY h.seq DESC LIMIT 1)")
    events = (
        f"SELECT 'settlement' AS kind, s.setl_id AS ref, s.site AS site, s.psn_no AS psn_no, s.mdtrt_id AS mdtrt_id, "
        "s.year AS year, s.setl_time AS event_time, s.adjudicated_at AS booked_at, s.status AS status, "
        f"s.hifmi_pay AS hifmi, CAST({d.raw('s.provisional', 'setlinfo.hifmi_pay')} AS TEXT) AS provisional, "
        "'' AS reverses, '' AS reverses_at, "
        f"{d.text('s.person', 'insuplc_admdvs')} AS admdvs, {d.text('s.person', 'insutype')} AS insutype, "
        "substr(s.setl_time, 1, 10) AS day FROM settlement s "
        f"WHERE s.adjudicated_at >= {d.ph} AND s.adjudicated_at < {d.ph} AND ({d.money_nonzero('s.hifmi_pay')} "
        f"OR {d.money_nonzero(d.raw('s.provisional', 'setlinfo.hifmi_pay'))}){site_s} "
        "UNION ALL "
        "SELECT 'reversal', r.rev_setl_id, r.site, r.psn_no, o.mdtrt_id, r.year, r.rev_time, r.processed_at, "
        "'reversed', r.hifmi_pay, NULL, o.setl_id, o.adjudicated_at, "
        f"{d.text('o.person', 'insuplc_admdvs')}, {d.text('o.person', 'insutype')}, substr(o.setl_time, 1, 10) "
        "FROM reversal r JOIN settlement o ON o.psn_no = r.psn_no AND o.setl_id = r.setl_id "
        f"WHERE r.processed_at >= {d.ph} AND r.processed_at < {d.ph} AND {d.money_nonzero('r.hifmi_pay')}{site_r} "
        "UNION ALL "
        "SELECT 'true_up', CAST(t.id AS TEXT), COALESCE(h.site, ''), t.psn_no, COALESCE(h.mdtrt_id, ''), t.year, "
        "t.applied_at, t.applied_at, 'true_up', t.amount, NULL, '', '', "
        f"{d.text('p.data', 'insuplc_admdvs')}, {d.text('p.data', 'insutype')}, {_true_up_day(d)} "
        f"FROM (SELECT t0.*, {home} AS home_seq FROM true_up t0 "
        f"WHERE t0.applied_at >= {d.ph} AND t0.applied_at < {d.ph}) t "
        "LEFT JOIN settlement h ON h.psn_no = t.psn_no AND h.seq = t.home_seq "
        "LEFT JOIN person p ON p.psn_no = t.psn_no"
    )
    where = ""
    if site is not None:
        where = f" WHERE e.kind <> 'true_up' OR e.site = {d.ph}"
        params.append(site)
    sql = (f"SELECT e.kind, e.ref, e.site, COALESCE(c.insurer, ''), e.psn_no, e.mdtrt_id, e.year, e.event_time, "
           f"e.booked_at, e.status, e.hifmi, e.provisional, e.reverses, e.reverses_at FROM ({events}) e "
           f"{_COVER_JOIN}{where}")
    return [HifmiLine(kind=r[0], ref=r[1], site=r[2], insurer=r[3], psn_no=r[4], mdtrt_id=r[5], year=int(r[6]),
                      event_time=r[7], booked_at=r[8], status=r[9], hifmi_pay=Decimal(r[10]),
                      provisional_hifmi_pay=None if r[11] is None else Decimal(str(r[11])),
                      reverses_setl_id=r[12] or "", reverses_booked_at=r[13] or "")
            for r in run(sql, params)]


def cover_overlap_sql(d: Dialect) -> str:
    """An insurer's cover whose term overlaps another cover of the same region and type (one row)."""
    return ("SELECT a.admdvs, a.insutype, b.insurer, b.valid_from, b.valid_to FROM insurer_cover a "
            "JOIN insurer_cover b ON b.admdvs = a.admdvs AND b.insutype = a.insutype AND b.valid_from <> a.valid_from "
            f"AND b.valid_from <= a.valid_to AND a.valid_from <= b.valid_to WHERE a.insurer = {d.ph} "
            "ORDER BY a.admdvs, a.insutype, b.valid_from LIMIT 1")
