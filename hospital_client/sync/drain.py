"""The outbox drain: every settlement and reversal the desk committed reaches the central system
exactly once, in local order, and its answer is recorded locally.

One drain per database at a time (``DrainLock``). A drain:

0. after a restore from a backup, first catches up with the central system (sync.recovery, 9513:
   the entries the restored journal lacks come back, new ones are numbered above the site's
   high-water mark);
1. asks 9512 about messages left ``sent`` by an earlier drain (its answer was lost, or the
   central system had not adjudicated them yet), and records what is known;
2. uploads the rest FIFO by local sequence, in 9511 batches: marked ``sent`` (one transaction
   per batch) before the POST, so a crash never forgets a message in flight. With ack
   ``stored`` (the default) the central system answers once the batch is durably stored and
   adjudicates it in the background, in arrival order; with ``adjudicated`` the answer holds
   the results;
3. collects the results with 9512 until all are in or ``result_wait`` has passed (what is still
   pending stays ``sent`` and is collected by the next drain).

Each answer becomes ``accepted`` or ``adjusted`` (a final state row; an adjustment row for the
clerk) or ``rejected``: parked with its reason, the rest goes on. A settlement refused because
its encounter already has a settlement in force at the central system (3003) is not parked: it is
recorded against that settlement (store.already_settled), final, with everything it charged to
give back. A whole batch refused because of one item (a settlement naming another site, a batch
too large) is split in halves until the item is found and parked. Credentials, clock or network
problems stop the drain; nothing is parked for them and the next drain simply goes on. Resending
is always safe: the central system binds each ``local_id`` to its first adjudication and answers
repeats with it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .. import protocol as p
from ..store import LocalDatabase, outbox, reconcile, upload
from ..store.already_settled import AlreadySettled, record_already_settled
from ..store.outbox import Pending
from ..store.reconcile import RemoteResult
from ..store.upload import UploadSource
from .admissions import register_before_upload
from .client import Answer, CentralClient
from .errors import BadAnswer, CentralRefused, CentralUnreachable, SyncError
from .lock import DrainLock
from .recovery import recover_after_restore

log = logging.getLogger(__name__)

__all__ = [
    "ACK_ADJUDICATED",
    "ACK_STORED",
    "DrainReport",
    "DrainSettings",
    "OnlineAnswer",
    "batch_input",
    "batch_input_bytes",
    "drain",
    "entry_infno",
    "record_refusal",
    "record_view",
    "send_now",
    "undone_by_own_correction",
    "upload_item",
]

ACK_STORED, ACK_ADJUDICATED = "stored", "adjudicated"
CORRECTION_KEY = "2601:"  # the local_id the central system gives what a 2601 冲正 made
MAX_BATCH = 1000  # the central system's limit per 9511 and per 9512 query
UNDONE_DEADLINE = 10.0  # seconds per exchange finishing an entry undone by its own 2601 (settle_again_undone)
FIRST_WINDOW = 50  # entries the first 9512 of a result wait asks about (then sized from the progress seen)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DrainSettings:
    batch_size: int = 500
    ack: str = ACK_STORED
    result_wait: float = 60.0     # seconds one drain waits for the results of what it uploaded
    poll_initial: float = 0.05
    poll_max: float = 1.0


@dataclass
class DrainReport:
    sent: int = 0                 # items uploaded by this drain
    accepted: int = 0             # answers recorded by this drain
    adjusted: int = 0
    rejected: int = 0             # parked by this drain
    still_queued: int = 0         # after the drain: queued or sent, without a final answer
    parked: int = 0               # after the drain: all rejected messages waiting for the clerk
    batches: int = 0
    error: str = ""               # why the drain stopped early; "" when it ran to the end
    rejections: list[dict[str, Any]] = field(default_factory=list)
    already_settled: list[dict[str, Any]] = field(default_factory=list)  # recorded against the one in force
    recovered: int = 0            # entries written back from the central system after a restore
    recovery_error: str = ""      # why catching up after a restore did not run (new ids stay in their range)
    upload_seconds: float = 0.0   # from the drain's start until its last upload was acknowledged

    @property
    def ok(self) -> bool:
        return not self.error

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def upload_item(src: UploadSource) -> str:
    """The 9511 item of a journal entry, as JSON text (``kind`` and the fields of 2304/2305)."""
    return src.item_json


def batch_input(items: Sequence[str], ack: str = ACK_STORED) -> bytes:
    """The ``input`` of a 9511 message holding these items (JSON text each), as JSON bytes."""
    head = '{"ack":"stored",' if ack == ACK_STORED else "{"
    return (head + '"data":[' + ",".join(items) + "]}").encode("utf-8")


def batch_input_bytes(items: Sequence[bytes], ack: str = ACK_STORED) -> bytes:
    """``batch_input`` for items that are UTF-8 JSON bytes already (upload.upload_item_bytes):
    joined as they are, not decoded and encoded again."""
    head = b'{"ack":"stored",' if ack == ACK_STORED else b"{"
    return head + b'"data":[' + b",".join(items) + b"]}"


def _remote_result(view: Mapping[str, Any], local_id: int) -> RemoteResult:
    """A settlement or reversal view (2304, 2305, 9511, 9512) as the journal records it."""
    try:
        if view.get("kind") == "reversal":
            return RemoteResult(local_id, "accepted", str(view["rev_setl_id"]), str(view.get("msgid") or ""),
                                {"setlinfo": view["setlinfo"]})
        final = view["final"]
        kept = {k: final[k] for k in ("policy", "setlinfo", "setldetail") if k in final}
        status = str(view["status"])
        return RemoteResult(local_id, status, str(view["setl_id"]), str(view.get("msgid") or ""), kept,
                            view.get("adjustment") if status == "adjusted" else None)
    except (KeyError, TypeError) as exc:
        raise BadAnswer(f"entry {local_id}: the central answer lacks {exc}") from None


def foreign_answer(view: Mapping[str, Any], local_id: int, identity: tuple[str, str, str] | None) -> str:
    """Why a final answer is not for this desk's entry ("" when it is).

    The central system knows an entry by site code and local number. Two desks set up with one
    site code both have an entry 1, and the second one's answer would be the first one's
    settlement: recording it would mark this settlement final with another patient's figures
    while the central system never had it. It is parked instead, with this reason.
    """
    if identity is None:
        return f"本地编号 {local_id} 不在本机的结算记录中"
    kind, psn_no, mdtrt_id = identity
    theirs_kind = str(view.get("kind") or "settlement")
    if theirs_kind != kind or str(view.get("psn_no") or "") != psn_no or (
            kind == "settlement" and str(view.get("mdtrt_id") or "") != mdtrt_id):
        return (f"中心的本地编号 {local_id} 属于另一笔{'撤销' if theirs_kind == 'reversal' else '结算'}"
                f"（中心编号 {view.get('setl_id') or view.get('rev_setl_id') or '?'}），不是本机的这一笔"
                "（若两台结算终端使用同一站点编码和同一终端号，会出现此情况：每台终端需各自的终端号 desk）")
    undone = view.get("reversed")
    if kind == "settlement" and isinstance(undone, Mapping) and str(undone.get("local_id") or "").startswith(
            CORRECTION_KEY):
        # 2601 undid it after its reply was lost (sync.lost_reply): not in force, never "final" here
        return (f"中心结算 {view.get('setl_id') or '?'} 已被冲正（2601，{undone.get('rev_setl_id') or '?'}），"
                "本笔在中心未生效，须核对后重新结算")
    reinstated = view.get("reinstated")
    if kind == "reversal" and isinstance(reinstated, Mapping):
        # 2601 undid the reversal (the settlement in force again): not in force, never "final" here
        return (f"中心撤销 {view.get('rev_setl_id') or '?'} 已被冲正（2601），结算 "
                f"{reinstated.get('setl_id') or '?'} 重新生效，本笔撤销在中心未生效，须核对后重新撤销")
    return ""


def undone_by_own_correction(view: Mapping[str, Any]) -> bool:
    """A settlement reversed by a 2601 冲正 of its own message, or a reversal such a 2601 undid
    (``reinstated``: the settlement in force again): finished by sync.lost_reply, never final."""
    if view.get("kind") == "reversal":
        return isinstance(view.get("reinstated"), Mapping)
    undone = view.get("reversed")
    return isinstance(undone, Mapping) and str(undone.get("local_id") or "").startswith(CORRECTION_KEY)


def _already_settled(view: Mapping[str, Any], local_id: int) -> AlreadySettled | None:
    """A refusal because the entry's encounter has a settlement in force centrally (3003), or None."""
    if view.get("infcode") != p.EncounterAlreadySettled.infcode or not isinstance(view.get("in_force"), dict):
        return None
    error = p.EncounterAlreadySettled.from_answer(str(view.get("err_msg") or ""), view)
    return AlreadySettled(local_id, error.in_force, error.err_msg)


def _item_attributable(exc: CentralRefused) -> bool:
    """A refusal of a whole batch that one of its items causes (so splitting finds it): a batch too
    large (2006), or a refusal that names an item (``data[i]…``), e.g. an item naming another
    site (1006). Anything else (credentials, clock, the envelope itself) stops the drain and
    parks nothing."""
    error = exc.protocol_error
    if isinstance(error, p.PayloadTooLarge):
        return True
    return isinstance(error, (p.WrongSite, p.BusinessError)) and error.err_msg.startswith("data[")


class _Drain:
    def __init__(self, db: LocalDatabase, client: CentralClient, settings: DrainSettings, operator: str,
                 report: DrainReport) -> None:
        self.db = db
        self.client = client
        self.settings = settings
        self.operator = operator
        self.report = report
        self.messages: dict[int, Pending] = {}
        self.awaiting: dict[int, Pending] = {}
        self.started = time.monotonic()

    def run(self) -> None:
        try:
            recovery = recover_after_restore(self.db, self.client, operator=self.operator)
            self.report.recovered = recovery.settlements + recovery.reversals
        except CentralRefused as exc:  # e.g. a central system without 9513: the restore range stays in use
            self.report.recovery_error = str(exc)
            log.warning("catching up after a restore was refused: %s", exc.infcode)
        pending = outbox.pending_brief(self.db)
        self.messages = {m.local_id: m for m in pending}
        earlier = [m for m in pending if m.status == "sent"]
        resend = {m.local_id for m in pending if m.status == "queued"}
        for chunk in _chunks(earlier, MAX_BATCH):
            resend.update(self.ask(chunk, unknown_means_resend=True))
        self.upload_all([self.messages[i] for i in sorted(resend)])
        self.report.upload_seconds = time.monotonic() - self.started
        self.collect()

    # --- results ---------------------------------------------------------------------------

    def apply(self, views: Iterable[Any]) -> set[int]:
        """Record final answers and refusals; returns the local ids the central system does not know."""
        finals: list[RemoteResult] = []
        elsewhere: list[AlreadySettled] = []
        changes: list[tuple[int, str, str]] = []
        unknown: set[int] = set()
        undone: list[int] = []
        views = [v for v in views if isinstance(v, dict) and str(v.get("local_id") or "").isdigit()]
        ours = reconcile.identities(self.db, [int(v["local_id"]) for v in views
                                            if v.get("status") in ("accepted", "adjusted")])
        for view in views:
            local_id = int(view["local_id"])
            message = self.messages.get(local_id)
            if message is None:
                continue
            status = view.get("status")
            foreign = foreign_answer(view, local_id, ours.get(local_id)) if status in ("accepted", "adjusted") else ""
            if status in ("accepted", "adjusted") and not foreign:
                finals.append(_remote_result(view, local_id))
                self.awaiting.pop(local_id, None)
            elif foreign and undone_by_own_correction(view):  # its msgid in force tells (sync.lost_reply)
                undone.append(local_id)
                self.awaiting.pop(local_id, None)
            elif status == "rejected" and (settled := _already_settled(view, local_id)) is not None:
                elsewhere.append(settled)
                self.awaiting.pop(local_id, None)
            elif status == "rejected" or foreign:
                infcode = p.Conflict.infcode if foreign else view.get("infcode")
                err_msg = foreign or view.get("err_msg") or ""
                changes.append((message.id, "rejected", f"{infcode} {err_msg}".strip()))
                self.report.rejected += 1
                queue_no = outbox.get_message(self.db, message.id).queue_no
                self.report.rejections.append({"local_id": local_id, "queue_no": queue_no,
                                               "infcode": infcode, "err_msg": err_msg})
                log.warning("central refused entry %d (infcode %s%s); parked", local_id, infcode,
                            ", an answer for another desk's entry" if foreign else "")
                self.awaiting.pop(local_id, None)
            elif status == "queued":
                self.awaiting[local_id] = message
            else:  # unknown: it never arrived (or the central system lost it): upload it again
                unknown.add(local_id)
                self.awaiting.pop(local_id, None)
        recorded = reconcile.record_remote_results(self.db, finals, operator=self.operator)
        done = set(recorded)
        for result in finals:
            if result.local_id in done:
                if result.status == "adjusted":
                    self.report.adjusted += 1
                else:
                    self.report.accepted += 1
        outbox.mark_many(self.db, changes)
        for local_id in record_already_settled(self.db, elsewhere, operator=self.operator):
            settled = next(s for s in elsewhere if s.local_id == local_id)
            self.report.already_settled.append({"local_id": local_id, "in_force": dict(settled.in_force)})
            log.info("entry %d: its encounter already had central settlement %s in force; recorded against it",
                     local_id, settled.in_force.get("setl_id"))
        if undone:
            self.settle_again_undone(undone)
        return unknown

    def settle_again_undone(self, local_ids: list[int]) -> None:
        """Entries whose local id names a settlement (or reversal) their own 2601 冲正 undid after a
        lost reply: 9512 answers that record (a reversal marked ``reinstated``), so each is finished
        by its msgid in force (5203, 2601, sent again: sync.lost_reply), never parked for it."""
        from .lost_reply import settle_again_undone  # lost_reply builds on this module

        deadline = min(self.client.settings.read_timeout, UNDONE_DEADLINE)
        for local_id, answer in settle_again_undone(self.db, self.client, local_ids, deadline=deadline,
                                                    operator=self.operator).items():
            log.info("entry %d: undone by its own 2601, finished again: %s", local_id, answer.status)
            if answer.status in ("accepted", "adjusted"):
                setattr(self.report, answer.status, getattr(self.report, answer.status) + 1)
            elif answer.status == "rejected":
                self.report.rejected += 1

    def ask(self, chunk: Sequence[Pending], *, unknown_means_resend: bool) -> set[int]:
        unknown = self._ask_once(chunk)
        if not unknown_means_resend and unknown:
            # Acknowledged as stored, yet unknown: asked once more first (an answer given while
            # the central system was finishing the entry can miss it in both places), then
            # sent again (the central system binds each local_id once, so a duplicate cannot
            # adjudicate twice).
            log.info("%d acknowledged entries unknown at the central system; asking again", len(unknown))
            unknown = self._ask_once([self.messages[i] for i in sorted(unknown)])
            if unknown:
                outbox.mark_many(self.db, [(self.messages[i].id, "queued", "unknown at central") for i in unknown])
        return unknown

    def _ask_once(self, chunk: Sequence[Pending]) -> set[int]:
        answer = self.client.call(p.ADJUDICATION_RESULTS, {"data": {"local_ids": [str(m.local_id) for m in chunk]}})
        results = answer.output.get("results") if isinstance(answer.output, dict) else None
        if not isinstance(results, list):
            raise BadAnswer("9512: the answer has no results list")
        return self.apply(results)

    def collect(self) -> None:
        if self.settings.result_wait <= 0:
            return  # uploads only: the next drain asks for the results
        deadline = time.monotonic() + self.settings.result_wait
        delay = self.settings.poll_initial
        window = FIRST_WINDOW
        while self.awaiting:
            # The central system adjudicates the oldest first (each person's entries in their
            # order), so the later entries are mostly still queued. Each round asks about a window
            # of the oldest entries still awaited, sized from what the last round found done: an
            # entry still queued costs the central system lookups that tell nothing new.
            progressed = False
            while self.awaiting:
                chunk = sorted(self.awaiting.values(), key=lambda m: m.local_id)[:window]
                self.ask(chunk, unknown_means_resend=False)
                done = sum(1 for m in chunk if m.local_id not in self.awaiting)
                progressed = progressed or done > 0
                if done < len(chunk):  # some still queued: the window the next round needs
                    window = max(FIRST_WINDOW, min(MAX_BATCH, done + done // 2 + FIRST_WINDOW // 2))
                    break
                window = min(MAX_BATCH, window * 2)  # all done: more may be, ask on at once
            if not self.awaiting or time.monotonic() + delay > deadline:
                break
            time.sleep(delay)
            # Results coming in: keep the pace; none yet: back off.
            delay = self.settings.poll_initial * 4 if progressed else min(delay * 2, self.settings.poll_max)
            delay = min(delay, self.settings.poll_max)
        if self.awaiting:
            log.info("%d uploaded entries not adjudicated yet; the next sync collects them", len(self.awaiting))

    # --- uploads ---------------------------------------------------------------------------

    def upload_all(self, messages: Sequence[Pending]) -> None:
        """Upload in batches, strictly one after the other (arrival order), but build the next
        batch from the journal (its items and its ``input`` bytes) while the previous one is on
        the wire, which then only has the envelope to put around it."""
        size = max(1, min(self.settings.batch_size, MAX_BATCH))
        chunks = list(_chunks(messages, size))
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-upload") as wire:
            in_flight: tuple[Sequence[Pending], list[bytes], Future[Answer]] | None = None
            for chunk in chunks:
                items = self.build(chunk)
                body = batch_input_bytes(items, self.settings.ack)
                register_before_upload(self.db, self.client, chunk)  # a HIS stay's 2401 before its settlement
                # Marked sent before it can be on the wire (a crash after this asks about it next time).
                outbox.mark_many(self.db, [(m.id, "sent", "") for m in chunk])
                if in_flight is not None:
                    self.finish(*in_flight)
                in_flight = (chunk, items, wire.submit(self.post, body))
            if in_flight is not None:
                self.finish(*in_flight)

    def build(self, chunk: Sequence[Pending]) -> list[bytes]:
        return upload.upload_item_bytes(self.db, [m.local_id for m in chunk])

    def post(self, body: bytes) -> Answer:
        for _ in range(2):
            try:
                return self.client.call_json(p.BATCH_UPLOAD, body)
            except CentralRefused as exc:
                if not isinstance(exc.protocol_error, p.MsgidConflict):
                    raise
                # another program of this site used the msgid in the same second: take a new one
        return self.client.call_json(p.BATCH_UPLOAD, body)

    def finish(self, chunk: Sequence[Pending], items: list[bytes], sent: Future[Answer]) -> None:
        try:
            answer = sent.result()
        except CentralRefused as exc:
            if not _item_attributable(exc):
                raise
            if len(items) == 1:
                self.apply([{"local_id": str(chunk[0].local_id), "status": "rejected", "infcode": exc.infcode,
                             "err_msg": exc.err_msg}])
                return
            # One item refuses the whole batch: send the halves, and so on, until it is found.
            half = len(items) // 2
            for part, part_items in ((chunk[:half], items[:half]), (chunk[half:], items[half:])):
                done: Future[Answer] = Future()
                try:
                    done.set_result(self.post(batch_input_bytes(part_items, self.settings.ack)))
                except Exception as error:  # handled by finish() like any answer
                    done.set_exception(error)
                self.finish(part, part_items, done)
            return
        self.report.batches += 1
        self.report.sent += len(items)
        output = answer.output if isinstance(answer.output, dict) else {}
        if output.get("ack") == ACK_STORED:
            for message in chunk:
                self.awaiting[message.local_id] = message
            return
        results = output.get("results")
        if not isinstance(results, list):
            raise BadAnswer("9511: the answer has neither an acknowledgement nor results")
        unknown = self.apply(results)
        if unknown:  # cannot happen with a conforming server; never lose them
            outbox.mark_many(self.db, [(self.messages[i].id, "queued", "no result") for i in unknown])


def drain(db: LocalDatabase, client: CentralClient, *, settings: DrainSettings | None = None,
          operator: str = "sync", lock: DrainLock | None = None) -> DrainReport:
    """Drain the outbox once (see the module docstring). Raises DrainBusy when another drain of
    this database is running; a network, credential or clock problem ends the drain early and
    is reported in ``DrainReport.error`` (nothing is lost: what was sent is asked about next time)."""
    report = DrainReport()
    if lock is None:
        path = getattr(db, "path", None)
        if not isinstance(path, Path):
            raise SyncError("the drain needs the database's file (for its lock)")
        lock = DrainLock(path)
    held = lock
    owned = not held.held
    if owned:
        held.acquire()
    try:
        try:
            _Drain(db, client, settings or DrainSettings(), operator, report).run()
        except (CentralUnreachable, CentralRefused, BadAnswer) as exc:
            report.error = str(exc)
            log.warning("drain stopped: %s", type(exc).__name__)
        counts = outbox.status_counts(db)
        report.still_queued = counts["queued"] + counts["sent"]
        report.parked = counts["rejected"]
    finally:
        if owned:
            held.release()
    return report


# --- the online path: one message at once, with a short wait -----------------------------------

@dataclass(frozen=True, slots=True)
class OnlineAnswer:
    status: str                   # accepted | adjusted | rejected | already_settled | sent (no answer within the wait)
    result: RemoteResult | None = None
    reason: str = ""
    refusal: p.EncounterAlreadySettled | None = None   # already_settled: the settlement in force
    lost: bool = False            # sent, and no reply came (timeout, connection lost): sync.lost_reply finds out


def entry_infno(kind: str) -> str:
    """The transaction of a journal entry sent online: 2305 for a reversal, 2304 for a settlement."""
    return p.REVERSAL if kind == "reversal" else p.SETTLEMENT


def send_now(db: LocalDatabase, client: CentralClient, local_id: int, *, deadline: float,
             operator: str = "sync", infno: str | None = None) -> OnlineAnswer:
    """Send one journal entry at once (2304, or 2305 for a reversal) with its msgid and at most
    ``deadline`` seconds of waiting; record the answer. Without an answer it stays ``sent`` (``lost``:
    sync.lost_reply asks what became of it; else the next drain asks): never blocks longer than the
    deadline, never settles twice (the central system binds the entry's local id once). ``infno``:
    another transaction carrying the same item (an outpatient visit's 2207 / 2208)."""
    message = outbox.message_for(db, local_id)
    if message is None or message.status not in outbox.PENDING:
        return OnlineAnswer("sent", reason="not pending")
    source = upload.upload_sources(db, [local_id])[0]
    infno = infno or entry_infno(source.kind)
    input_json = f'{{"data":{source.item_json}}}'.encode()  # 2304/2305 take the item's fields (kind is ignored)
    msgid = outbox.msgid_in_force(db, message)
    outbox.mark_many(db, [(message.id, "sent", "online")])
    try:
        answer = client.call_json(infno, input_json, msgid=msgid, deadline=deadline)
    except CentralUnreachable as exc:
        return OnlineAnswer("sent", reason=str(exc), lost=True)
    except CentralRefused as exc:
        return record_refusal(db, message, exc, operator=operator)
    view = answer.output if isinstance(answer.output, dict) else {}
    return record_view(db, message, view, operator=operator)


def record_refusal(db: LocalDatabase, message: outbox.OutboxMessage, exc: CentralRefused, *,
                   operator: str) -> OnlineAnswer:
    """Record the central system's refusal of an entry sent online (2304, 2305)."""
    local_id = message.local_id
    error = exc.protocol_error
    if isinstance(error, p.EncounterAlreadySettled):
        record_already_settled(db, [AlreadySettled(local_id, error.in_force, error.err_msg)], operator=operator)
        return OnlineAnswer("already_settled", reason=error.err_msg, refusal=error)
    if isinstance(exc.protocol_error, p.BusinessError | p.WrongSite):
        reason = f"{exc.infcode} {exc.err_msg}"
        outbox.mark_many(db, [(message.id, "rejected", reason)])
        return OnlineAnswer("rejected", reason=reason)
    return OnlineAnswer("sent", reason=str(exc))  # credentials, clock, msgid: the drain goes on later


def record_view(db: LocalDatabase, message: outbox.OutboxMessage, view: Mapping[str, Any], *,
                operator: str) -> OnlineAnswer:
    """Record the central system's settlement or reversal (2304, 2305, or 5203 by msgid) of an entry."""
    local_id = message.local_id
    foreign = foreign_answer(view, local_id, reconcile.identities(db, [local_id]).get(local_id))
    if foreign:
        reason = f"{p.Conflict.infcode} {foreign}"
        outbox.mark_many(db, [(message.id, "rejected", reason)])
        return OnlineAnswer("rejected", reason=reason)
    result = _remote_result(view, local_id)
    reconcile.record_remote_results(db, [result], operator=operator)
    return OnlineAnswer(result.status, result)
