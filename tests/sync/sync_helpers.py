"""Shared pieces of the sync tests: the real central server in a subprocess (stoppable, and started
again on the same port; a port it binds itself, or one chosen in advance when a desk is configured
before the server exists), a configured desk database, settlement requests, and a fault-injecting
HTTP proxy in front of the server.

The proxy is not a mock: every request it passes on reaches the real server. It injects what a
bad network or a busy server does: HTTP 500 without forwarding, an answer delayed past the
client's timeout after the server committed, the connection closed after the server committed
but before the client read the answer, the same request delivered twice, a server clock off
by N seconds.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import http.server
import itertools
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from central_helpers import (
    HAND_FEES,
    SITE_A,
    SITE_B,
    SITE_NAMES,
    free_port,
    init_db,
    make_request,
    run_cli,
    start_server,
    stop_server,
)

from hospital_client import app, credentials, store
from hospital_client import protocol as p
from hospital_client.app import sync_usecases as su
from hospital_client.config import SiteConfig
from hospital_client.store import numbering, operators
from hospital_client.sync.client import CentralClient, ClientSettings
from hospital_client.sync.drain import DrainSettings
from hospital_client.sync.pulls import pull_all

__all__ = ["HAND_FEES", "SITE_A", "SITE_B", "make_request"]

ADMIN, ADMIN_PASSWORD = "it", "it-password-1"
# Retries fast enough for tests, but the same policy shape as in production.
FAST = ClientSettings(connect_timeout=1.0, read_timeout=10.0, write_timeout=10.0, pool_timeout=2.0, attempts=4,
                      backoff_initial=0.05, backoff_max=0.2, jitter=0.05, max_elapsed=10.0)
QUICK_DRAIN = DrainSettings(batch_size=20, result_wait=30.0, poll_initial=0.02, poll_max=0.2)


@dataclass
class Central:
    """A central database and (while started) its server process, on one port from its first start
    on: the one the server bound itself, or, when the url was asked for before (a desk configured
    before the server exists), a port free then (free_port)."""

    tmp: Path
    db: Path
    secrets: dict[str, str]
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        if not self.port:
            self.port = free_port()
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.proc is None:
            self.proc, self.port = start_server(self.db, self.port, self.tmp / "server.log")

    def stop(self) -> None:
        if self.proc is not None:
            stop_server(self.proc)
            self.proc = None

    def report(self) -> dict[str, Any]:
        code, out = run_cli("report", "--db", str(self.db), "--json")
        assert code == 0
        return dict(json.loads(out))

    def settlements(self, site: str = SITE_A) -> list[dict[str, Any]]:
        return [s for s in self.report()["settlements"] if s["site"] == site]

    def raw(self, site: str = SITE_A) -> RawClient:
        return RawClient(self.url, site, self.secrets[site])

    def new_site(self) -> str:
        """Register one more site (the server sees it at once) and return its code: tests that
        share a server each use their own site, so their local ids never meet."""
        code = f"H9901{next(_SITE_NUMBERS):07d}"
        status, out = run_cli("site", "add", "--db", str(self.db), "--code", code, "--name", f"测试机构{code[-3:]}")
        assert status == 0
        self.secrets[code] = out.strip().splitlines()[-1]
        return code


_SITE_NUMBERS = itertools.count(9000)


@contextlib.contextmanager
def central_db(tmp: Path, *, start: bool = True) -> Iterator[Central]:
    tmp.mkdir(parents=True, exist_ok=True)
    db = tmp / "central.db"
    central = Central(tmp, db, init_db(db))
    try:
        if start:
            central.start()
        yield central
    finally:
        central.stop()


def site_config(central: Central | None, code: str = SITE_A, *, url: str | None = None) -> SiteConfig:
    server = url or (central.url if central is not None else "http://127.0.0.1:9")
    return SiteConfig(code=code, name=SITE_NAMES.get(code, "测试机构"), region="990100", server_url=server)


def client_for(central: Central, code: str = SITE_A, *, url: str | None = None,
               settings: ClientSettings = FAST, secret: str | None = None) -> CentralClient:
    return CentralClient(site_config(central, code, url=url), secret or central.secrets[code], settings=settings,
                         operator="001", operator_name="收费员")


_TEMPLATES: dict[str, Path] = {}


def new_desk(tmp: Path, code: str = SITE_A, name: str = "desk.db") -> store.LocalDatabase:
    """A configured site's database (init: bundled packs and the administrator), copied from a
    template made once per session; the catalogue and roster come from the central system."""
    if code not in _TEMPLATES:
        template_dir = Path(tmp.parent / f"template-{code}")
        template_dir.mkdir(parents=True, exist_ok=True)
        template = template_dir / "template.db"
        if not template.exists():
            app.open_desk_for_init(template, site=site_config(None, code), admin=(ADMIN, ADMIN_PASSWORD)).db.close()
        _TEMPLATES[code] = template
    path = tmp / name
    shutil.copyfile(_TEMPLATES[code], path)
    return store.open_database(path)


def pulled_desk(tmp: Path, central: Central, code: str = SITE_A, name: str = "desk.db") -> store.LocalDatabase:
    """new_desk, with the catalogue and the roster pulled from the running central system."""
    db = new_desk(tmp, code, name)
    with client_for(central, code) as client:
        pull_all(db, client, operator="test")
    return db


_PULLED: list[Path] = []


def ready_desk(tmp: Path, central: Central, code: str = SITE_A, name: str = "desk.db") -> store.LocalDatabase:
    """A desk as pulled_desk leaves it, copied from one pulled once per session (every central
    database starts from the same demo data, so the pulled catalogue and roster are the same)."""
    if not _PULLED:
        template_dir = tmp.parent / "template-pulled"
        template_dir.mkdir(parents=True, exist_ok=True)
        pulled_desk(template_dir, central, code, "pulled.db").close()
        _PULLED.append(template_dir / "pulled.db")
    path = tmp / name
    shutil.copyfile(_PULLED[0], path)
    return store.open_database(path)


_OPERATORS: dict[str, store.Operator] = {}


def operator(db: store.LocalDatabase) -> store.Operator:
    """The site administrator (may settle and reverse); the password hash is checked once per session."""
    if "admin" not in _OPERATORS:
        _OPERATORS["admin"] = operators.authenticate(db, ADMIN, ADMIN_PASSWORD, via="test")
    return _OPERATORS["admin"]


def online_desk(tmp: Path, central: Central) -> tuple[app.Desk, store.Operator, str]:
    """A desk of a new site of ``central``, opened as the window and the commands open it (the site's
    secret in the keyring, its database tmp/desk.db ready): the Desk, its operator, the site's code."""
    code = central.new_site()
    credentials.set_secret(su.secret_name(code), central.secrets[code])
    db = ready_desk(tmp, central, code)
    clerk = operator(db)
    db.close()
    return app.Desk(tmp / "desk.db", site_config(central, code), first_start=False), clerk, code


def desk_request(psn_no: str, mdtrt_id: str, *, site: str = SITE_A, endtime: str = "2026-03-10",
                 fees: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A request without year_to_date: the desk takes it from its roster plus its own journal."""
    request = make_request(psn_no, mdtrt_id, site=site, endtime=endtime, fees=fees)
    del request["year_to_date"]
    return request


def outbox_statuses(db: store.LocalDatabase) -> dict[int, str]:
    return {m.local_id: m.status for m in store.outbox.list_messages(db)}


def journal_states(db: store.LocalDatabase) -> dict[int, str]:
    return {e.local_id: e.state for e in store.journal.list_entries(db)}


def assert_consistent(central: Central, db: store.LocalDatabase, site: str = SITE_A, *, desk: int | None = None) \
        -> None:
    """Every local settlement is at the central system exactly once, final locally, with the
    central setl_id recorded; every local reversal is recorded centrally against its settlement.
    ``desk``: one of several desks sharing the site code (only its range of local ids is compared)."""
    rows = central.settlements(site)
    if desk is not None:
        low = 0 if desk == 1 else desk * numbering.DESK_SPAN
        rows = [row for row in rows if low < int(row["local_id"]) < low + numbering.DESK_SPAN]
    by_local: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_local.setdefault(row["local_id"], []).append(row)
    assert all(len(v) == 1 for v in by_local.values()), "a settlement is held twice"
    entries = store.journal.list_entries(db)
    settled = {str(e.local_id) for e in entries if e.kind == "settlement"}
    assert set(by_local) == settled
    for e in entries:
        assert e.state == "final", (e.local_id, e.state)
        remote = store.reconcile.remote_result(db, e.local_id)
        assert remote is not None
        if e.kind == "settlement":
            assert remote["central_id"] == by_local[str(e.local_id)][0]["setl_id"]
            assert remote["final"]["setlinfo"] == by_local[str(e.local_id)][0]["final"]
        else:
            original = by_local[str(e.reverses_local_id)][0]
            assert original["reversed"] is not None and original["reversed"]["local_id"] == str(e.local_id)
    assert set(outbox_statuses(db).values()) <= {"accepted", "adjusted"}


# --- a raw signing client (for the security tests) ---------------------------------------------


class RawClient:
    def __init__(self, url: str, site: str, secret: str) -> None:
        self.site, self.secret = site, secret
        self.http = httpx.Client(base_url=url, timeout=10)
        self.seq = 0

    def body(self, infno: str, input_: Any, *, fixmedins_code: str | None = None) -> bytes:
        self.seq += 1
        msgid = p.make_msgid(self.site, dt.datetime.now(p.CST), 9000 + self.seq)
        return p.dumps(p.build_request(infno, input_, msgid=msgid, fixmedins_code=fixmedins_code or self.site))

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, p.ResponseEnvelope]:
        response = self.http.post("/fsi/api/rsfComIfsService/callService", content=body, headers=headers)
        return response.status_code, p.parse_response(response.content)

    def headers(self, body: bytes, *, secret: str | None = None, timestamp: int | None = None,
                nonce: str | None = None) -> dict[str, str]:
        return p.signed_headers(self.site, secret or self.secret, body, timestamp=timestamp, nonce=nonce)


# --- the fault-injecting proxy -----------------------------------------------------------------


@dataclass
class FaultProxy:
    """An HTTP proxy in front of the real server. ``plan`` holds one action per coming POST:

    pass        forward, answer as the server did
    500         answer HTTP 500 at once; the server never sees the request
    delay:S     forward (the server commits), then wait S seconds before answering
    drop        forward (the server commits), then close the client's connection without an answer
    twice       forward, then deliver the same request again re-signed (fresh nonce, same body); answer the second
    skew:S      forward, then shift the answer's respond_time by S seconds (a server clock off)
    tamper      forward, then change the bytes of a download (bytes_base64) but not its sha256
    lose        close the client's connection at once; the server never sees the request
    late:S      answer nothing (the client gives up), and forward the request S seconds later

    ``chooser`` (when set) picks the action of a POST the plan has none for, from its body;
    ``rewrite`` (when set) changes a body before it is forwarded (signed again with ``secret``).
    """

    upstream: str
    secret: str = ""
    plan: list[str] = field(default_factory=list)
    default: str = "pass"
    seen: list[str] = field(default_factory=list)
    forwarded: int = 0
    repeats: int = 0          # answers the server gave from its stored answers (x-central-repeat)
    server: http.server.ThreadingHTTPServer | None = None
    captured: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    chooser: Callable[[bytes], str] | None = None
    rewrite: Callable[[bytes], bytes] | None = None
    late: list[threading.Thread] = field(default_factory=list)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                response = httpx.get(proxy.upstream + self.path, timeout=10)
                self._answer(response.status_code, response.content)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower().startswith("x-tif-")}
                headers["content-type"] = "application/json; charset=utf-8"
                proxy.captured.append((headers, body))
                if proxy.plan:
                    action = proxy.plan.pop(0)
                else:
                    action = proxy.chooser(body) if proxy.chooser is not None else proxy.default
                proxy.seen.append(action)
                if action == "lose" or action.startswith("late:"):
                    if action.startswith("late:"):
                        wait = float(action.split(":", 1)[1])
                        later = threading.Timer(wait, proxy.forward_late, (headers, body))
                        later.daemon = True
                        later.start()
                        proxy.late.append(later)
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "500":
                    self._answer(500, b'{"infcode":9999,"err_msg":"injected","output":{}}')
                    return
                if proxy.rewrite is not None and (changed := proxy.rewrite(body)) != body:
                    body = changed
                    headers = {**headers, **p.signed_headers(headers["x-tif-paasid"], proxy.secret, body)}
                response = proxy.forward(headers, body)
                if action == "drop":
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "twice":
                    again = p.signed_headers(headers["x-tif-paasid"], proxy.secret, body)
                    response = proxy.forward(again, body)
                if action.startswith("delay:"):
                    time.sleep(float(action.split(":", 1)[1]))
                content = response.content
                if action.startswith("skew:"):
                    data = json.loads(content)
                    moved = p.parse_time(data["respond_time"]) + dt.timedelta(seconds=float(action.split(":", 1)[1]))
                    data["respond_time"] = p.format_time(moved)
                    content = json.dumps(data, ensure_ascii=False).encode("utf-8")
                if action == "tamper":
                    data = json.loads(content)
                    output = data.get("output") or {}
                    if "bytes_base64" in output:
                        changed = base64.b64decode(output["bytes_base64"]) + b"\n# changed on the way\n"
                        output["bytes_base64"] = base64.b64encode(changed).decode("ascii")
                    content = json.dumps(data, ensure_ascii=False).encode("utf-8")
                with contextlib.suppress(OSError):
                    self._answer(response.status_code, content, repeat=response.headers.get("x-central-repeat"))

            def _answer(self, status: int, content: bytes, repeat: str | None = None) -> None:
                self.send_response(status)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(content)))
                if repeat:
                    self.send_header("x-central-repeat", repeat)
                self.end_headers()
                self.wfile.write(content)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def forward_late(self, headers: dict[str, str], body: bytes) -> None:
        """A late request, forwarded on its own: lost for good when the server is down then."""
        with contextlib.suppress(httpx.TransportError):
            self.forward(headers, body)

    def forward(self, headers: dict[str, str], body: bytes) -> httpx.Response:
        self.forwarded += 1
        response = httpx.post(self.upstream + "/fsi/api/rsfComIfsService/callService", content=body,
                              headers=headers, timeout=60)
        self.repeats += response.headers.get("x-central-repeat") == "1"
        return response

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
