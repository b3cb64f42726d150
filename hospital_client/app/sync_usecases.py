"""Use cases of the central-system sync that the CLI and the desk window share: settle online,
sync now (drain + pulls), test the connection, the sync status, adjustments, retrying a parked
message, and the site setup with its secret in the OS keyring. No SQL and no Qt here.

Logging: counts, local ids and error types only; never a name, an ID number or the secret.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import config, credentials, rules
from ..config import SiteConfig
from ..errors import HospitalClientError
from ..protocol import DESK_MAX
from ..store import LocalDatabase, caches, journal, numbering, reconcile
from ..store import outbox as store_outbox
from ..store.errors import NotFound as RecordNotFound
from ..store.operators import Operator
from ..sync import audit_head
from ..sync.client import CentralClient, ClientSettings
from ..sync.drain import DrainReport, DrainSettings, OnlineAnswer, drain, send_now
from ..sync.errors import (
    CentralRefused,
    CentralUnreachable,
    CredentialsMissing,
    CredentialsUnavailable,
    DrainBusy,
    NotConfigured,
    SyncError,
)
from ..sync.in_flight import REVERSAL as REVERSAL_IN_FLIGHT
from ..sync.in_flight import SETTLEMENT as SETTLEMENT_IN_FLIGHT
from ..sync.in_flight import InFlight, check_free
from ..sync.lock import DrainLock
from ..sync.lost_reply import resolve_lost_reply
from ..sync.pulls import PullReport, pull_all
from ..sync.recovery import RecoveryReport, recover_after_restore
from . import usecases
from .review_context import OverrideInput
from .usecases import SettleOutcome, require_role

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ONLINE_WAIT",
    "ConnectionCheck",
    "OnlineOutcome",
    "SetupResult",
    "SyncStatus",
    "SyncSummary",
    "catch_up_after_restore",
    "list_adjustments",
    "online_wait",
    "open_client",
    "resolve_adjustment",
    "retry_message",
    "reverse_online",
    "secret_name",
    "settle_online",
    "setup_site",
    "sync_now",
    "sync_status",
    "test_connection",
    "write_site_file",
]

DEFAULT_ONLINE_WAIT = 3.0
# After a failed attempt to catch up after a restore (offline), the desk settles on in the restore's
# own number range and tries again at the next sync, or at a settlement this many seconds later.
CATCH_UP_RETRY_SECONDS = 60.0
_catch_up_after: dict[Path, float] = {}


def secret_name(code: str) -> str:
    """The keyring entry of a site's signing secret (service ``hospital-client``)."""
    return f"site:{code}"


def online_wait() -> float:
    """How long the online path waits for the central answer (s): HOSPITAL_CLIENT_ONLINE_WAIT or 3."""
    raw = os.environ.get(config.ENV_ONLINE_WAIT, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_ONLINE_WAIT
    except ValueError:
        return DEFAULT_ONLINE_WAIT
    return min(max(value, 0.2), 30.0)


def open_client(site: SiteConfig | None, *, settings: ClientSettings | None = None, operator: str = "",
                operator_name: str = "") -> CentralClient:
    """The site's central-system client, with its secret from the OS keyring."""
    if site is None:
        raise NotConfigured("the demo site has no central system (no site file); settlements stay local")
    if not site.server_url:
        raise NotConfigured(f"{site.source or 'the site file'}: site.server_url is empty; run hospital-client setup")
    try:
        secret = credentials.get_secret(secret_name(site.code))
    except credentials.KeyringUnavailable as exc:
        raise CredentialsUnavailable(str(exc)) from None
    if not secret:
        raise CredentialsMissing(
            f"no secret for site {site.code} in the OS keyring; run `hospital-client setup --site-code {site.code} "
            "... --secret-stdin` as the user who runs the desk")
    return CentralClient(site, secret, settings=settings, operator=operator, operator_name=operator_name)


# --- the online path -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OnlineOutcome:
    """A settlement committed locally, and what became of sending it at once (DESIGN.md 4.5)."""

    outcome: SettleOutcome
    state: str                     # final | provisional (what the slip says)
    central_status: str            # accepted | adjusted | rejected | already_settled | queued (no answer yet) | offline
    central_id: str = ""           # the central setl_id once final (already_settled: the one in force)
    adjustment: dict[str, Any] | None = None
    reason: str = ""
    notice: HospitalClientError | None = None  # already_settled: the refusal, for the window (ui.messages.error_text)

    @property
    def final(self) -> bool:
        return self.state == "final"

    @property
    def message_zh(self) -> str:
        queue_no = self.outcome.committed.queue_no
        if self.central_status == "accepted":
            return f"医保中心已确认，最终结算（中心结算号 {self.central_id}）"
        if self.central_status == "adjusted" and self.adjustment:
            cash = self.adjustment.get("psn_cash_pay", "0.00")
            side = "补交" if not str(cash).startswith("-") else "退还"
            return (f"医保中心已结算，最终结算与本机计算不同：个人需{side} {str(cash).lstrip('-')} 元"
                    f"（中心结算号 {self.central_id}），请按调整单处理")
        if self.central_status == "already_settled":
            return (f"该次就诊已在医保中心结算（在用结算号 {self.central_id}），本笔不重复支付，已关联到该结算；"
                    "本笔所收个人现金请按调整单退还")
        if self.central_status == "rejected":
            return f"离线结算·暂定，排队号 {queue_no}；医保中心拒绝：{self.reason}，请联系信息科"
        return f"离线结算·暂定，排队号 {queue_no}；联网后自动上传医保中心"

    def to_dict(self) -> dict[str, Any]:
        out = self.outcome.to_dict()
        out.update({"state": self.state, "central_status": self.central_status, "central_id": self.central_id,
                    "adjustment": self.adjustment, "reason": self.reason, "message": self.message_zh})
        return out


def settle_online(db: LocalDatabase, site: SiteConfig | None, operator: Operator, request: Mapping[str, Any], *,
                  client: CentralClient | None, wait: float | None = None, pack_id: str | None = None,
                  pack: rules.Pack | None = None, catalog: rules.Catalog | None = None,
                  payment: usecases.Payment | None = None, overrides: Sequence[OverrideInput] = (),
                  approver: Operator | None = None) -> OnlineOutcome:
    """Settle locally and commit (instant figures; usecases.settle, with a supervisor's overrides of
    review blocks), then send 2304 at once and wait
    at most ``wait`` seconds (default ``online_wait()``). Accepted within the wait: the entry is
    final (journal state row) and any adjustment is recorded; otherwise it stays provisional and
    queued for the drain. Sent at once only when no older message waits (the central system
    adjudicates in arrival order). A lost reply is found out, not guessed (sync.lost_reply: 5203 by
    msgid, or 2601 and sent again), a few waits at most; meanwhile the encounter is locked against
    a second attempt (SettlementInProgress, "结算进行中")."""
    catch_up_after_restore(db, client, operator=operator.name, wait=wait)
    with _in_flight(db, client, request, SETTLEMENT_IN_FLIGHT):
        outcome = usecases.settle(db, operator, request, pack_id=pack_id, pack=pack, catalog=catalog,
                                  payment=payment, overrides=overrides, approver=approver)
        local_id = outcome.committed.local_id
        if client is None:
            return OnlineOutcome(outcome, "provisional", "offline", reason="no central system configured")
        if store_outbox.older_pending(db, local_id):
            return OnlineOutcome(outcome, "provisional", "queued", reason="older settlements are still queued")
        answer = _send_and_confirm(db, client, local_id, wait, operator.name)
    return _online_outcome(db, outcome, answer)


def _in_flight(db: LocalDatabase, client: CentralClient | None, request: Mapping[str, Any],
               what: str) -> AbstractContextManager[object]:
    """The encounter's in-flight lock while its settlement or reversal goes to the central system
    (sync.in_flight): a second attempt meanwhile is refused ("结算进行中"); nothing without a
    central system or a database file."""
    path = getattr(db, "path", None)
    encounter = request.get("encounter")
    mdtrt_id = str(encounter.get("mdtrt_id") or "") if isinstance(encounter, Mapping) else ""
    if client is None or not isinstance(path, Path) or not mdtrt_id:
        return contextlib.nullcontext()
    return InFlight(path, mdtrt_id, what)


def _send_and_confirm(db: LocalDatabase, client: CentralClient, local_id: int, wait: float | None,
                      operator: str) -> OnlineAnswer:
    """Send an entry at once; when its reply is lost, find out what became of it (sync.lost_reply:
    5203 by msgid, then 2601 and again) instead of guessing. The clerk only waits."""
    deadline = wait if wait is not None else online_wait()
    started = time.monotonic()
    answer = send_now(db, client, local_id, deadline=deadline, operator=operator)
    if answer.lost:
        answer = resolve_lost_reply(db, client, local_id, deadline=deadline, operator=operator)
    log.info("online entry local_id=%d: %s in %.2f s", local_id, answer.status, time.monotonic() - started)
    return answer


def _online_outcome(db: LocalDatabase, outcome: SettleOutcome, answer: OnlineAnswer) -> OnlineOutcome:
    local_id = outcome.committed.local_id
    if answer.refusal is not None:
        try:
            adjustment: dict[str, Any] | None = reconcile.get_adjustment(db, local_id).to_dict()
        except RecordNotFound:  # the entry charged nothing: nothing to give back
            adjustment = None
        return OnlineOutcome(outcome, "final", "already_settled", answer.refusal.in_force.get("setl_id") or "",
                             adjustment, answer.reason, answer.refusal)
    if answer.result is None:
        status = "rejected" if answer.status == "rejected" else "queued"
        return OnlineOutcome(outcome, "provisional", status, reason=answer.reason)
    adjustment = dict(answer.result.adjustment) if answer.result.adjustment else None
    return OnlineOutcome(outcome, "final", answer.result.status, answer.result.central_id, adjustment)


def reverse_online(db: LocalDatabase, approver: Operator, local_id: int, reason: str, *,
                   client: CentralClient | None, wait: float | None = None,
                   paid_by: Operator | None = None) -> OnlineOutcome:
    """Reverse a settlement (usecases.reverse) and, with a central system, send 2305 at once as
    ``settle_online`` sends 2304 (a lost reply is found out, not guessed). While the encounter's
    settlement or reversal is in flight the reversal is refused (SettlementInProgress /
    ReversalInProgress); without a central system it is only checked, and queued for the drain."""
    require_role(approver, "supervisor", "a reversal")
    entry = journal.get_entry(db, local_id, full=False)
    request = {"encounter": {"mdtrt_id": entry.mdtrt_id}}
    path = getattr(db, "path", None)
    if client is None and isinstance(path, Path) and entry.mdtrt_id:
        check_free(path, entry.mdtrt_id)
    with _in_flight(db, client, request, REVERSAL_IN_FLIGHT):
        outcome = usecases.reverse(db, approver, local_id, reason, paid_by=paid_by)
        if client is None:
            return OnlineOutcome(outcome, "provisional", "offline", reason="no central system configured")
        reversal_id = outcome.committed.local_id
        if store_outbox.older_pending(db, reversal_id):
            return OnlineOutcome(outcome, "provisional", "queued", reason="older entries are still queued")
        answer = _send_and_confirm(db, client, reversal_id, wait, approver.name)
    return _online_outcome(db, outcome, answer)


def catch_up_after_restore(db: LocalDatabase, client: CentralClient | None, *, operator: str,
                           wait: float | None = None) -> RecoveryReport | None:
    """Before the first commit after a restore from a backup: catch up with the central system
    (sync.recovery: the entries the restored journal lacks come back, new ones are numbered above
    the site's high-water mark), waiting at most ``wait`` seconds (default ``online_wait()``).
    None when nothing was pending or it cannot be done now (no central system, another sync
    running, offline, refused): new entries are then numbered in the restore's own range, which
    cannot collide, and the next sync catches up."""
    path = getattr(db, "path", None)
    if client is None or not isinstance(path, Path) or not numbering.restore_state(db).pending:
        return None
    if time.monotonic() < _catch_up_after.get(path, 0.0):
        return None
    lock = DrainLock(path)
    try:
        lock.acquire()
    except DrainBusy:
        return None
    try:
        return recover_after_restore(db, client, operator=operator,
                                     deadline=wait if wait is not None else online_wait())
    except SyncError as exc:
        _catch_up_after[path] = time.monotonic() + CATCH_UP_RETRY_SECONDS
        log.info("catching up after a restore not possible now (%s); numbering in the restore's range",
                 type(exc).__name__)
        return None
    finally:
        lock.release()


# --- sync now ------------------------------------------------------------------------------------

@dataclass
class SyncSummary:
    drain: DrainReport = field(default_factory=DrainReport)
    pulls: PullReport | None = None
    audit_head: audit_head.HeadReport | None = None
    busy: bool = False
    error: str = ""
    clock_warning: str | None = None
    clock_skew: float | None = None
    started_at: str = ""
    finished_at: str = ""

    @property
    def ok(self) -> bool:
        return not self.busy and not self.error and self.drain.ok

    def to_dict(self) -> dict[str, Any]:
        d = self.drain
        return {
            "ok": self.ok, "busy": self.busy, "error": self.error or d.error,
            "sent": d.sent, "accepted": d.accepted, "adjusted": d.adjusted, "rejected": d.rejected,
            "still_queued": d.still_queued, "parked": d.parked, "batches": d.batches, "rejections": d.rejections,
            "already_settled": d.already_settled, "recovered": d.recovered, "recovery_error": d.recovery_error,
            "pulls": None if self.pulls is None else self.pulls.to_dict(),
            "audit_head": None if self.audit_head is None else self.audit_head.to_dict(),
            "clock_warning": self.clock_warning,
            "clock_skew_seconds": None if self.clock_skew is None else round(self.clock_skew, 1),
            "started_at": self.started_at, "finished_at": self.finished_at,
        }


def _now_text() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def sync_now(db: LocalDatabase, client: CentralClient, *, operator: str = "sync", pulls: bool = True,
             drain_settings: DrainSettings | None = None) -> SyncSummary:
    """One sync: sign in (9001), drain the outbox, pull packs, catalogue and roster, then report the
    audit chain's head (sync.audit_head: a log cut short or rewritten is an error of the sync).

    Returns a summary; never raises for the central system's or the network's problems (they are
    in ``error``). ``busy`` when another sync of this database is running."""
    summary = SyncSummary(started_at=_now_text())
    path = getattr(db, "path", None)
    if not isinstance(path, Path):
        raise SyncError("sync needs the database's file (for its lock)")
    lock = DrainLock(path)
    try:
        lock.acquire()
    except DrainBusy as exc:
        summary.busy, summary.error, summary.finished_at = True, str(exc), _now_text()
        return summary
    try:
        try:
            client.sign_in()
        except (CentralUnreachable, CentralRefused, SyncError) as exc:
            summary.error = str(exc)
        signed_in = not summary.error
        if signed_in:
            summary.drain = drain(db, client, settings=drain_settings, operator=operator, lock=lock)
            summary.error = summary.drain.error
        if pulls and not summary.error:
            try:
                summary.pulls = pull_all(db, client, operator=operator)
            except SyncError as exc:
                summary.error = str(exc)
        else:
            counts = store_outbox.status_counts(db)
            summary.drain.still_queued = counts["queued"] + counts["sent"]
            summary.drain.parked = counts["rejected"]
        if signed_in:
            try:
                summary.audit_head = audit_head.report(db, client)
            except SyncError as exc:
                summary.error = summary.error or str(exc)
    finally:
        lock.release()
    summary.clock_skew, summary.clock_warning = client.clock_skew, client.clock_warning
    summary.finished_at = _now_text()
    state = {"last_sync_at": summary.finished_at, "last_sync_ok": "1" if summary.ok else "0",
             "last_error": summary.error[:500]}
    if summary.ok:
        state["last_success_at"] = summary.finished_at
    if client.clock_skew is not None:
        state["clock_skew"] = f"{client.clock_skew:.1f}"
    if client.sign_no:
        state["sign_no"] = client.sign_no
    caches.set_sync_state(db, state)
    log.info("sync: sent=%d accepted=%d adjusted=%d rejected=%d queued=%d error=%s", summary.drain.sent,
             summary.drain.accepted, summary.drain.adjusted, summary.drain.rejected, summary.drain.still_queued,
             "yes" if summary.error else "no")
    return summary


# --- connection test and status ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    server_url: str
    latency_ms: float | None = None
    sign_no: str = ""
    clock_skew: float | None = None
    clock_warning: str | None = None
    error: str = ""
    message_zh: str = ""
    failure: SyncError | None = None   # the refusal, for the desk to word (ui.messages.error_text)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "failure"}


def test_connection(client: CentralClient) -> ConnectionCheck:
    """Reach the central system and sign in (9001): checks the address, the certificate, the
    secret and the clock in one go."""
    started = time.monotonic()
    try:
        client.health()
        sign_no = client.sign_in()
    except SyncError as exc:
        return ConnectionCheck(False, client.site.server_url, error=str(exc), clock_skew=client.clock_skew,
                               clock_warning=client.clock_warning, failure=exc)
    latency = (time.monotonic() - started) * 1000
    zh = "连接正常" if client.clock_warning is None else f"连接正常；{client.clock_warning}"
    return ConnectionCheck(True, client.site.server_url, round(latency, 1), sign_no, client.clock_skew,
                           client.clock_warning, message_zh=zh)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    configured: bool
    server_url: str
    outbox: dict[str, int]         # count per status
    open_adjustments: int
    last_sync_at: str
    last_success_at: str
    last_error: str
    clock_skew: float | None
    clock_warning: str | None

    @property
    def waiting(self) -> int:
        return self.outbox.get("queued", 0) + self.outbox.get("sent", 0)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["waiting"] = self.waiting
        return out


def sync_status(db: LocalDatabase, site: SiteConfig | None) -> SyncStatus:
    """What the window's status bar shows: queue sizes, open adjustments, the last sync, the clock."""
    state = caches.sync_state(db)
    skew = float(state["clock_skew"]) if state.get("clock_skew") else None
    warning = None
    if skew is not None and abs(skew) > 300:
        warning = f"上次同步时本机时钟与医保中心相差 {abs(int(skew))} 秒（超过 5 分钟），请校准本机时间"
    return SyncStatus(
        configured=bool(site and site.server_url), server_url=site.server_url if site else "",
        outbox=store_outbox.status_counts(db), open_adjustments=len(reconcile.list_adjustments(db, open_only=True)),
        last_sync_at=state.get("last_sync_at", ""), last_success_at=state.get("last_success_at", ""),
        last_error=state.get("last_error", ""), clock_skew=skew, clock_warning=warning,
    )


# --- adjustments and parked messages -------------------------------------------------------------

def list_adjustments(db: LocalDatabase, *, open_only: bool = False) -> list[dict[str, Any]]:
    """Differences between final and provisional figures, oldest first (names masked)."""
    return [a.to_dict() for a in reconcile.list_adjustments(db, open_only=open_only)]


def resolve_adjustment(db: LocalDatabase, operator: Operator, local_id: int, note: str = "") -> dict[str, Any]:
    """The clerk collected (补费) or paid back (退费) the difference: recorded once, with who and when."""
    require_role(operator, "clerk", "resolving an adjustment")
    return reconcile.resolve_adjustment(db, local_id, operator=operator.name, note=note).to_dict()


def retry_message(db: LocalDatabase, operator: Operator, outbox_id: int) -> dict[str, Any]:
    """Put a parked (rejected) message back in the queue for the next sync."""
    require_role(operator, "clerk", "retrying a parked message")
    return store_outbox.requeue(db, outbox_id, operator=operator.name).to_dict()


def central_result(db: LocalDatabase, local_id: int) -> dict[str, Any] | None:
    return reconcile.remote_result(db, local_id)


# --- setup: the site file and the secret ---------------------------------------------------------

_CODE = re.compile(r"[0-9A-Za-z]{12}")
_REGION = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, slots=True)
class SetupResult:
    site_file: Path
    site: SiteConfig
    secret_in: str          # where the secret went (keyring backend and entry), never the secret

    def to_dict(self) -> dict[str, Any]:
        return {"site_file": str(self.site_file), "code": self.site.code, "name": self.site.name,
                "region": self.site.region, "server_url": self.site.server_url, "desk": self.site.desk,
                "secret": self.secret_in}


def _toml_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def write_site_file(path: Path, site: SiteConfig) -> Path:
    """Write site.toml atomically (a temporary file renamed into place); it holds no secret."""
    text = (
        "# hospital-client site settings (written by `hospital-client setup`). The signing secret is\n"
        "# in the OS keyring, never here.\n"
        "[site]\n"
        f"code = {_toml_string(site.code)}\n"
        f"name = {_toml_string(site.name)}\n"
        f"region = {_toml_string(site.region)}\n"
        f"server_url = {_toml_string(site.server_url)}\n"
        f"printer = {_toml_string(site.printer)}\n"
        f"policy = {_toml_string(site.policy)}\n"
        f"desk = {int(site.desk)}\n"
    )
    # What IT set by hand and setup does not ask for is kept, not dropped.
    for key, value in (("level", site.level), ("his_drop", site.his_drop), ("card_reader", site.card_reader),
                       ("settlement_list_upload", site.settlement_list_upload)):
        if value:
            text += f"{key} = {_toml_string(value)}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".site-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def setup_site(*, code: str, name: str, server_url: str, secret: str, region: str | None = None,
               path: Path | None = None, desk: int | None = None) -> SetupResult:
    """Store the site's secret in the OS keyring, then write the site file (keeping its printer,
    policy, level, HIS drop folder and card reader). Raises ValueError for bad values and
    CredentialsUnavailable without a keyring; in either case nothing is written."""
    code, name, server_url, secret = code.strip(), name.strip(), server_url.strip(), secret.strip()
    if not _CODE.fullmatch(code):
        raise ValueError(f"--site-code {code!r}: a fixmedins_code is 12 letters or digits")
    if not name:
        raise ValueError("--site-name must not be empty")
    if not re.match(r"https?://[^\s/]+", server_url):
        raise ValueError(f"--server {server_url!r}: an http:// or https:// address")
    if not secret:
        raise ValueError("--secret-stdin: no secret on standard input")
    target = path or config.site_config_path()
    existing = None
    if target.exists():
        try:
            existing = config.load_site_config(target)
        except config.ConfigError:
            existing = None
    if not region:
        if existing is not None and existing.code == code:
            region = existing.region
        elif _REGION.fullmatch(code[1:7]):
            region = code[1:7]  # a fixmedins_code is a letter, the 6-digit admdvs, then a number
        else:
            raise ValueError("--region ADMDVS is needed (it cannot be read from the site code)")
    if not _REGION.fullmatch(region):
        raise ValueError(f"--region {region!r}: an admdvs is 6 digits")
    if desk is None:  # the desk keeps its number; a new site file: desk 1
        desk = existing.desk if existing is not None and existing.code == code else 1
    if not 1 <= desk <= DESK_MAX:
        raise ValueError(f"--desk {desk}: a desk number is 1 to {DESK_MAX}")
    site = SiteConfig(code=code, name=name, region=region, server_url=server_url.rstrip("/"),
                      printer=existing.printer if existing else "", policy=existing.policy if existing else "",
                      level=existing.level if existing else "", his_drop=existing.his_drop if existing else "",
                      card_reader=existing.card_reader if existing else "", source=str(target), desk=desk,
                      settlement_list_upload=existing.settlement_list_upload if existing else "")
    try:
        credentials.set_secret(secret_name(code), secret)
        if credentials.get_secret(secret_name(code)) != secret:
            raise CredentialsUnavailable("the OS keyring did not keep the secret (read back differs)")
        backend = credentials.backend_name()
    except credentials.KeyringUnavailable as exc:
        raise CredentialsUnavailable(str(exc)) from None
    write_site_file(target, site)
    config.load_site_config(target)  # what was written reads back
    log.info("setup: site file written; secret stored in the OS keyring (%s)", backend)
    return SetupResult(target, site, f"OS keyring ({backend}), entry hospital-client/{secret_name(code)}")
