"""The central-system client: one long-lived httpx client, every request signed, retries where
they are safe, and a clock check on every answer.

- Transport: ``httpx.Client`` with explicit timeouts and the OS trust store
  (``truststore.SSLContext``), so a region's own CA installed in Windows or the Linux store works.
- Signing: ``protocol.signed_headers`` over the exact body bytes; every attempt is signed again
  (new timestamp and nonce), the body stays the same bytes.
- Retries (tenacity, exponential backoff with jitter) ONLY for network failures (connect
  errors, a connection broken before the answer), timeouts, HTTP 429 and 5xx. POSTs are
  retried because the msgid makes them idempotent: the central system stores its first answer
  and returns it again for a repeat. Refusals (400/401/403/409/413, business infcodes) are not.
- Clock: every answer's ``respond_time`` is compared with the local clock; a difference of
  more than 5 minutes sets ``clock_warning`` (the central system refuses signatures more than
  300 s off, so a desk with a wrong clock cannot sync until it is corrected).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import tenacity
import truststore

from .. import protocol as p
from ..config import SiteConfig
from .errors import BadAnswer, CentralRefused, CentralUnreachable

log = logging.getLogger(__name__)

__all__ = ["API_PATH", "CLOCK_WARNING_SECONDS", "Answer", "CentralClient", "ClientSettings"]

API_PATH = "/fsi/api/rsfComIfsService/callService"
CLOCK_WARNING_SECONDS = 300
USER_AGENT = "hospital-client/0.1"


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Timeouts (seconds) and the retry policy."""

    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    pool_timeout: float = 10.0
    attempts: int = 6               # tries of one message before giving up (this sync)
    backoff_initial: float = 0.5    # first wait; doubles each time ...
    backoff_max: float = 10.0       # ... up to this
    jitter: float = 0.5             # plus up to this much at random
    max_elapsed: float = 90.0       # no new attempt after this long


@dataclass(frozen=True, slots=True)
class Answer:
    """A processed message: its output, the envelope, and whether it was a stored repeat."""

    output: Any
    envelope: p.ResponseEnvelope
    msgid: str
    repeat: bool
    http_status: int


class _Transient(Exception):
    """An answer worth retrying (429, 5xx), carried through tenacity."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


# No attempt that would start after the limit (tenacity >= 8.3; older: none after the limit).
_STOP_BEFORE: Callable[[float], tenacity.stop.stop_base] = getattr(
    tenacity, "stop_before_delay", tenacity.stop_after_delay)
_RESPOND_TIME = re.compile(rb'"respond_time"\s*:\s*"([0-9: -]{19})"')
_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, _Transient)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Transient):
        try:
            envelope = p.parse_response(exc.response.content)
            return f"HTTP {exc.response.status_code} ({envelope.infcode} {envelope.err_msg})"
        except p.ProtocolError:
            return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _log_retry(state: tenacity.RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    log.info("central: attempt %d failed (%s); retrying", state.attempt_number,
             _describe(error) if error is not None else "?")


class _Sequence:
    """The sequence numbers of the msgids this process makes for its own messages, shared by every
    client (two clients of one desk never make the same msgid): at most SEQUENCES_PER_SECOND a
    second, then the next second's."""

    def __init__(self) -> None:
        self._numbers = itertools.count(secrets.randbelow(p.SEQUENCES_PER_SECOND))
        self._lock = threading.Lock()
        self._second, self._used = 0, 0

    def take(self) -> tuple[dt.datetime, int]:
        with self._lock:
            moment = dt.datetime.now(p.CST)
            second = int(moment.timestamp())
            if second == self._second and self._used >= p.SEQUENCES_PER_SECOND:
                time.sleep(max(0.0, second + 1 - moment.timestamp()))
                moment = dt.datetime.now(p.CST)
                second = int(moment.timestamp())
            if second != self._second:
                self._second, self._used = second, 0
            self._used += 1
            return moment, next(self._numbers)


_SEQUENCE = _Sequence()


class CentralClient:
    """Sends envelopes for one site. Thread-safe; keep one per process and close it at the end."""

    def __init__(self, site: SiteConfig, secret: str, *, settings: ClientSettings | None = None,
                 operator: str = "", operator_name: str = "", transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not site.server_url:
            raise ValueError("the site has no server_url")
        self.site = site
        self._secret = secret
        self.settings = settings or ClientSettings()
        self.operator = operator
        self.operator_name = operator_name
        self.sign_no = ""
        self.clock_skew: float | None = None   # server clock minus local clock, seconds
        # Told after every message and /health whether an answer came (True) or none (False, and why):
        # the window's 联网/离线 indicator follows the link as the desk's calls find it.
        self.link_observer: Callable[[bool, str], None] | None = None
        self._sleep = sleep
        s = self.settings
        self.http = httpx.Client(
            base_url=site.server_url.rstrip("/"),
            timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.write_timeout,
                                  pool=s.pool_timeout),
            verify=truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
            headers={"user-agent": USER_AGENT},
            transport=transport,
        )

    def __repr__(self) -> str:  # never the secret
        return f"CentralClient({self.site.code} -> {self.site.server_url})"

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- messages --------------------------------------------------------------------------

    def new_msgid(self) -> str:
        """A msgid for a message of its own (not a journal entry's): this desk's sequence range."""
        moment, seq = _SEQUENCE.take()
        return p.make_msgid(self.site.code, moment, p.desk_sequence(self.site.desk, seq, entry=False))

    def envelope(self, infno: str, input_: Any, msgid: str) -> bytes:
        return p.dumps(p.build_request(
            infno, input_, msgid=msgid, fixmedins_code=self.site.code, fixmedins_name=self.site.name,
            mdtrtarea_admvs=self.site.region, insuplc_admdvs=self.site.region, opter=self.operator,
            opter_name=self.operator_name))

    def envelope_json(self, infno: str, input_json: bytes, msgid: str) -> bytes:
        """The envelope around an ``input`` that is already JSON bytes (spliced in, not re-encoded)."""
        return p.request_bytes(
            infno, input_json, msgid=msgid, fixmedins_code=self.site.code, fixmedins_name=self.site.name,
            mdtrtarea_admvs=self.site.region, insuplc_admdvs=self.site.region, opter=self.operator,
            opter_name=self.operator_name)

    def call_json(self, infno: str, input_json: bytes, *, msgid: str | None = None, deadline: float | None = None,
                  retry: bool = True) -> Answer:
        """call() for an input already serialised to JSON bytes (large batches)."""
        if msgid is not None:
            return self.post(self.envelope_json(infno, input_json, msgid), msgid=msgid, deadline=deadline,
                             retry=retry)
        return self._fresh(lambda new: self.envelope_json(infno, input_json, new), deadline, retry)

    def call(self, infno: str, input_: Any, *, msgid: str | None = None, deadline: float | None = None,
             retry: bool = True) -> Answer:
        """Send one message and return its answer; raise CentralRefused for a refusal and
        CentralUnreachable when no answer came (after the retries, or within ``deadline`` seconds)."""
        if msgid is not None:
            return self.post(self.envelope(infno, input_, msgid), msgid=msgid, deadline=deadline, retry=retry)
        return self._fresh(lambda new: self.envelope(infno, input_, new), deadline, retry)

    def _fresh(self, build: Callable[[str], bytes], deadline: float | None, retry: bool) -> Answer:
        """Send a message of the desk's own under a new msgid; should another program of this desk
        have used that msgid in the same second (2004), once more under another one."""
        for attempt in range(3):
            msgid = self.new_msgid()
            try:
                return self.post(build(msgid), msgid=msgid, deadline=deadline, retry=retry)
            except CentralRefused as exc:
                if not isinstance(exc.protocol_error, p.MsgidConflict) or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def post(self, body: bytes, *, msgid: str, deadline: float | None = None, retry: bool = True) -> Answer:
        """Send exact envelope bytes (signed anew on every attempt)."""
        s = self.settings
        started = time.monotonic()
        limit = s.max_elapsed if deadline is None else deadline
        stop: tenacity.stop.stop_base = tenacity.stop_after_attempt(s.attempts if retry else 1)
        stop = stop | _STOP_BEFORE(limit)
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_RETRYABLE),
            wait=tenacity.wait_exponential(multiplier=s.backoff_initial, max=s.backoff_max)
            + tenacity.wait_random(0, s.jitter),
            stop=stop,
            sleep=self._sleep,
            reraise=True,
            before_sleep=_log_retry,
        )
        try:
            for attempt in retrying:
                with attempt:
                    remaining = None if deadline is None else max(0.05, deadline - (time.monotonic() - started))
                    response = self._post_once(body, remaining)
        except _RETRYABLE as exc:
            error = CentralUnreachable(f"no answer from {self.site.server_url}: {_describe(exc)}")
            self._link_seen(False, str(error))
            raise error from None
        self._link_seen(True, "")
        return self._answer(response, msgid)

    def _link_seen(self, up: bool, detail: str) -> None:
        observer = self.link_observer
        if observer is not None:
            observer(up, detail)

    def _post_once(self, body: bytes, remaining: float | None) -> httpx.Response:
        headers = p.signed_headers(self.site.code, self._secret, body)
        kwargs: dict[str, Any] = {}
        if remaining is not None:
            s = self.settings
            kwargs["timeout"] = httpx.Timeout(
                connect=min(s.connect_timeout, remaining), read=min(s.read_timeout, remaining),
                write=min(s.write_timeout, remaining), pool=min(s.pool_timeout, remaining))
        sent = time.time()
        response = self.http.post(API_PATH, content=body, headers=headers, **kwargs)
        self._check_clock(response, (sent + time.time()) / 2)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(response)
        return response

    def _check_clock(self, response: httpx.Response, local: float) -> None:
        # respond_time comes before the (possibly large) output: read it from the head of the body.
        match = _RESPOND_TIME.search(response.content, 0, 512)
        if match is None:
            return
        try:
            remote = p.parse_time(match.group(1).decode("ascii")).timestamp()
        except (ValueError, UnicodeDecodeError):
            return
        self.clock_skew = remote - local

    @property
    def clock_warning(self) -> str | None:
        """A Chinese warning when the server's clock and ours differ by more than 5 minutes."""
        if self.clock_skew is None or abs(self.clock_skew) <= CLOCK_WARNING_SECONDS:
            return None
        direction = "慢" if self.clock_skew > 0 else "快"
        return (f"本机时钟比医保中心{direction} {abs(int(self.clock_skew))} 秒（超过 5 分钟）；"
                "请校准本机时间，否则无法同步")

    def _answer(self, response: httpx.Response, msgid: str) -> Answer:
        try:
            envelope = p.parse_response(response.content)
        except p.ProtocolError as exc:
            raise BadAnswer(f"HTTP {response.status_code}: {exc.err_msg}") from None
        if not envelope.ok:
            error = p.error_for_infcode(envelope.infcode, envelope.err_msg, envelope.output)
            raise CentralRefused(f"refused ({envelope.infcode}, HTTP {response.status_code}): {envelope.err_msg}",
                                 error)
        if response.status_code != 200:
            raise BadAnswer(f"HTTP {response.status_code} with infcode 0")
        return Answer(envelope.output, envelope, msgid, response.headers.get("x-central-repeat") == "1",
                      response.status_code)

    # --- conveniences ----------------------------------------------------------------------

    def health(self, timeout: float = 5.0) -> dict[str, Any]:
        """GET /health (no authentication): reachability and the server's time."""
        try:
            response = self.http.get("/health", timeout=timeout)
        except httpx.HTTPError as exc:
            error = CentralUnreachable(f"no answer from {self.site.server_url}: {_describe(exc)}")
            self._link_seen(False, str(error))
            raise error from None
        if response.status_code != 200:
            error = CentralUnreachable(f"{self.site.server_url}/health: HTTP {response.status_code}")
            self._link_seen(False, str(error))
            raise error
        self._link_seen(True, "")
        try:
            data = response.json()
        except ValueError:
            raise BadAnswer(f"{self.site.server_url}/health: not JSON") from None
        return dict(data) if isinstance(data, dict) else {}

    def sign_in(self, *, mac: str = "", ip: str = "") -> str:
        """9001: the sign-in number. It is kept for display but not put in later envelopes: sign_no
        is optional there, and a stale one (central database restored) would refuse every message."""
        answer = self.call(p.SIGN_IN, {"signIn": {"opter_no": self.operator, "mac": mac, "ip": ip}})
        out = answer.output.get("signinoutb") if isinstance(answer.output, dict) else None
        sign_no = out.get("sign_no") if isinstance(out, dict) else None
        if not isinstance(sign_no, str) or not sign_no:
            raise BadAnswer("9001: the answer has no signinoutb.sign_no")
        self.sign_no = sign_no
        return sign_no
