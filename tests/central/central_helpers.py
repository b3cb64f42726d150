"""Shared pieces of the central-system tests: a real server in a subprocess, a signing client,
and settlement requests built from the demo roster, catalogue and pack.

The hand-computed case (HAND_FEES) is 3,000.00 of 甲类 drugs at a level-2 hospital under the
demo pack: deductible 500 (second admission of the year: 250), 75% up to 10,000 above it.
    first admission:  hifp_pay = (3000 - 500) × 75% = 1875.00, psn_cash_pay = 1125.00
    second admission: hifp_pay = (3000 - 250) × 75% = 2062.50, psn_cash_pay =  937.50
大病保险 does not pay (urban deductible 20,000); no assistance group.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import itertools
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from hospital_client import paths
from hospital_client import protocol as p
from hospital_client.app.review_rules import review_library_for
from hospital_client.central.cli import main as central_main
from hospital_client.rules import Catalog, Pack, load_catalog, load_pack_dir, select_pack, settle

ROOT = Path(__file__).resolve().parents[2]
API = "/fsi/api/rsfComIfsService/callService"
SITE_A, SITE_B = "H99010000001", "H99010000002"
SITE_NAMES = {SITE_A: "示例县人民医院", SITE_B: "示例镇卫生院"}
PERSON_KEYS = ("psn_no", "psn_name", "certno", "insutype", "psn_type", "insuplc_admdvs", "assistance_group",
               "residence")

_seq = itertools.count(1)

HAND_FEES = [
    {"feedetl_sn": "1", "med_list_codg": "XA10ABP052B001010100022", "name": "胰岛素注射液", "pric": "16.50",
     "cnt": "160", "det_item_fee_sumamt": "2640.00"},
    {"feedetl_sn": "2", "med_list_codg": "XA11GAM668B001010100024", "name": "维生素C注射液", "pric": "0.45",
     "cnt": "800", "det_item_fee_sumamt": "360.00"},
]


@functools.cache
def roster() -> dict[str, dict[str, Any]]:
    data = json.loads((paths.demo_dir() / "roster.json").read_text(encoding="utf-8"))
    return {entry["psn_no"]: entry for entry in data["persons"]}


@functools.cache
def packs() -> tuple[Pack, ...]:
    return tuple(load_pack_dir(paths.policies_dir()))


@functools.cache
def catalog() -> Catalog:
    return load_catalog(paths.demo_catalog_path())


def roster_ytd(psn_no: str) -> dict[str, Any]:
    return {k: v for k, v in roster()[psn_no]["year_to_date"].items() if k != "year"}


def make_request(psn_no: str, mdtrt_id: str, *, fees: list[dict[str, Any]] | None = None, hosp_lv: int = 2,
                 site: str = SITE_A, endtime: str = "2026-03-10", ytd: dict[str, Any] | None = None) -> dict[str, Any]:
    """A settlement request (DESIGN.md 4.1) for a demo roster person; ytd defaults to the roster's."""
    person = roster()[psn_no]
    return {
        "person": {k: person.get(k) for k in PERSON_KEYS},
        "encounter": {"mdtrt_id": mdtrt_id, "med_type": "21", "fixmedins_code": site, "hosp_lv": hosp_lv,
                      "mdtrtarea_admvs": "990100", "begntime": "2026-03-01", "endtime": endtime,
                      "diagnoses": ["E11.900"]},
        "fees": fees if fees is not None else HAND_FEES,
        "year_to_date": ytd if ytd is not None else roster_ytd(psn_no),
    }


def local_settle(request: dict[str, Any]) -> dict[str, Any]:
    """What the client computes locally (its provisional result)."""
    person = request["person"]
    pack = select_pack(packs(), person["insuplc_admdvs"], person["insutype"],
                       dt.date.fromisoformat(request["encounter"]["endtime"]))
    library = review_library_for(person["insuplc_admdvs"])
    return settle(request, pack, catalog(), review=library).to_dict()


def item(local_id: str, request: dict[str, Any], provisional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kind": "settlement", "local_id": local_id, "setl_time": "2026-03-10 10:00:00", "request": request,
            "provisional": local_settle(request) if provisional is None else provisional}


def money(value: str) -> Decimal:
    return Decimal(value)


# --- the server -------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = central_main(list(argv))
    return code, out.getvalue()


def init_db(db: Path | str) -> dict[str, str]:
    """A central database (a file, or a postgresql:// URL) with the demo data and two sites; returns each
    site's secret."""
    code, _ = run_cli("init", "--db", str(db))
    assert code == 0
    secrets: dict[str, str] = {}
    for site, name in SITE_NAMES.items():
        code, out = run_cli("site", "add", "--db", str(db), "--code", site, "--name", name)
        assert code == 0
        secrets[site] = out.strip().splitlines()[-1]
    return secrets


def free_port() -> int:
    """A port free now, for a server that must have its address before it exists (a desk configured
    first); it may be taken meanwhile: start_server then fails clearly. A server that can pick its
    own: ``start_server(db, 0, ...)``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    db: Path | str  # the --db the server runs on: an SQLite file, or a postgresql:// URL
    secrets: dict[str, str]
    proc: subprocess.Popen[bytes]

    def client(self, site: str = SITE_A) -> Client:
        return Client(self.url, site, self.secrets[site])

    def report(self) -> dict[str, Any]:
        code, out = run_cli("report", "--db", str(self.db), "--json")
        assert code == 0
        return dict(json.loads(out))


# `central serve` says this once its socket is bound (central/cli.py), before it accepts.
_SERVING = re.compile(rb"^central: serving .* on http://127\.0\.0\.1:(\d+)/", re.MULTILINE)


def start_server(db: Path | str, port: int, log_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], int]:
    """Start `central serve` for db on port (0: a free port the server binds itself; its output appended
    to log_path; ``options``: more `serve` options, e.g. --bench-sink); return the process and its port
    once that process holds the port and /health answers there.

    The port is the one the server's own serving line names, so what answers /health is this server:
    never another one that took a port chosen in advance meanwhile (it would fail to bind and exit)."""
    offset = log_path.stat().st_size if log_path.exists() else 0  # a restart appends to the same log
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hospital_client.central", "serve", "--db", str(db), "--host", "127.0.0.1",
             "--port", str(port), *options], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    held = 0
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"central server exited with {proc.returncode}: "
                               f"{log_path.read_bytes()[offset:].decode(errors='replace')}")
        if not held:
            with log_path.open("rb") as log:
                log.seek(offset)
                serving = _SERVING.search(log.read())
            if serving:
                held = int(serving.group(1))
                assert port in (0, held), serving.group(0)
        if held:
            try:
                if httpx.get(f"http://127.0.0.1:{held}/health", timeout=1).status_code == 200:
                    return proc, held
            except httpx.TransportError:
                pass  # bound, not yet accepting
        if time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError("central server did not answer /health within 30 s")
        time.sleep(0.05)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by start_server (killed if it does not stop within 10 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running_server(tmp: Path, db: Path | str | None = None, secrets: dict[str, str] | None = None) -> Iterator[Server]:
    """Start `central serve` on a free port it binds itself for ``db`` (initialised, with ``secrets``; by
    default a new SQLite database in tmp), wait until it answers, stop it after."""
    if db is None or secrets is None:
        db = tmp / "central.db"
        secrets = init_db(db)
    proc, port = start_server(db, 0, tmp / "server.log")
    try:
        yield Server(url=f"http://127.0.0.1:{port}", db=db, secrets=secrets, proc=proc)
    finally:
        stop_server(proc)


# --- the database under the server, whichever store it is --------------------------------------


def is_postgres(db: Path | str) -> bool:
    return str(db).startswith("postgresql://")


def db_rows(db: Path | str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a query (``?`` placeholders) run directly on the server's database."""
    if is_postgres(db):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as pg:
            cursor = pg.execute(query.replace("?", "%s").encode(), params)
            return [] if cursor.description is None else [tuple(r) for r in cursor.fetchall()]
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
        return [tuple(r) for r in conn.execute(query, params).fetchall()]


def db_columns(db: Path | str, table: str) -> list[str]:
    if is_postgres(db):
        return [r[0] for r in db_rows(db, "SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = ? ORDER BY ordinal_position", (table,))]
    return [r[1] for r in db_rows(db, f"PRAGMA table_info({table})")]


def db_refusal(db: Path | str, statement: str, params: tuple[Any, ...] = ()) -> str:
    """Run a write directly on the server's database in a transaction that is rolled back; return the
    integrity error the database raised ("" when it accepted the write)."""
    if is_postgres(db):
        import psycopg

        with psycopg.connect(str(db)) as pg:
            try:
                pg.execute(statement.replace("?", "%s").encode(), params)
            except psycopg.errors.IntegrityError as exc:
                return str(exc)
            finally:
                pg.rollback()
        return ""
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(statement, params)
        except sqlite3.IntegrityError as exc:
            return str(exc)
        finally:
            conn.execute("ROLLBACK")
        return ""
    finally:
        conn.close()


# --- the signing client -----------------------------------------------------------------------


class Client:
    """Builds, signs and posts envelopes the way a site does."""

    def __init__(self, url: str, site: str, secret: str) -> None:
        self.url = url
        self.site = site
        self.secret = secret
        self.http = httpx.Client(base_url=url, timeout=30)

    def msgid(self) -> str:
        return p.make_msgid(self.site, dt.datetime.now(p.CST), next(_seq))

    def body(self, infno: str, input_: dict[str, Any], *, msgid: str | None = None,
             fixmedins_code: str | None = None, **fields: Any) -> tuple[str, bytes]:
        msgid = msgid or self.msgid()
        defaults = {"fixmedins_name": SITE_NAMES.get(self.site, ""), "mdtrtarea_admvs": "990100",
                    "insuplc_admdvs": "990100", "opter": "001", "opter_name": "收费员"}
        envelope = p.build_request(infno, input_, msgid=msgid, fixmedins_code=fixmedins_code or self.site,
                                   **{**defaults, **fields})
        return msgid, p.dumps(envelope)

    def post(self, body: bytes, *, secret: str | None = None, paasid: str | None = None,
             timestamp: int | None = None, nonce: str | None = None, timeout: float | None = None) -> httpx.Response:
        headers = p.signed_headers(paasid or self.site, secret or self.secret, body, timestamp=timestamp,
                                   nonce=nonce)
        kwargs: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        return self.http.post(API, content=body, headers=headers, **kwargs)

    def send(self, infno: str, input_: dict[str, Any], **kw: Any) -> httpx.Response:
        post_keys = {"secret", "paasid", "timestamp", "nonce", "timeout"}
        _, body = self.body(infno, input_, **{k: v for k, v in kw.items() if k not in post_keys})
        return self.post(body, **{k: v for k, v in kw.items() if k in post_keys})

    def call(self, infno: str, input_: dict[str, Any], **kw: Any) -> Any:
        """Send and return the output of a successful answer (fails the test otherwise)."""
        response = self.send(infno, input_, **kw)
        envelope = p.parse_response(response.content)
        assert response.status_code == 200 and envelope.infcode == 0, response.text[:500]
        return envelope.output

    def ytd(self, psn_no: str, year: int = 2026) -> dict[str, Any]:
        return dict(self.call(p.PERSON_ACCUMULATORS, {"data": {"psn_no": psn_no, "year": year}})["year_to_date"])
